"""Home cards of the work handed to someone (issue 16): a partner's referrals to answer
and in progress, a Bapas's hand-overs received (awaiting acknowledgement, or their first
follow-up not yet recorded, however far it is due), the facility's referrals answered in the last 14
days. Each is scoped (another partner, another Bapas, another facility sees nothing of
it) and its queries do not grow with its rows."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from sinergi.accounts.models import Membership, User
from sinergi.core.roles import Role
from sinergi.core.scoping import scope_of
from sinergi.orgs.models import Facility, Partner
from sinergi.reintegration import actions, home
from tests.inmates.factories import make_inmate
from tests.reintegration.test_handoff_notices import released_on_parole

pytestmark = pytest.mark.django_db


def _card(client: Any, title: str) -> Any:
    cards = client.get("/", language="en").context["cards"]
    found = [c for c in cards if str(c.title) == title]
    return found[0] if found else None


def _people(n: int) -> list[Any]:
    selong = Facility.objects.get(code="selong")
    return [
        make_inmate(facility=selong, detention_start=datetime.date(2024, 6, 1), term_years=2)
        for _ in range(n)
    ]


def _refer(person: Any, officer: User, partner: Partner) -> Any:
    actions.start_plan(inmate=person, by=officer)
    actions.record_consent(
        inmate=person,
        partner=partner,
        purpose="Rujukan",
        given_on=person.facility.today(),
        by=officer,
    )
    return actions.refer(
        inmate=person, partner=partner, purpose="Perekaman e-KTP", contact="Petugas", by=officer
    )


def test_the_partner_sees_its_referrals_to_answer_and_in_progress(client_for, officer):
    dukcapil = Partner.objects.get(code="dukcapil-lotim")
    sent, going = (_refer(p, officer, dukcapil) for p in _people(2))
    actions.transition_referral(
        referral=going, to="accepted", by=User.objects.get(username="mitra.dukcapil")
    )
    client = client_for("mitra.dukcapil")
    to_answer = _card(client, "Referrals to answer")
    assert to_answer.count == 1 and to_answer.items[0][1] == sent.get_absolute_url()
    in_progress = _card(client, "Referrals in progress")
    assert in_progress.count == 1 and in_progress.items[0][1] == going.get_absolute_url()
    # The page opens the referral for the partner.
    assert client.get(to_answer.items[0][1]).status_code == 200
    # Another partner sees none of them.
    other = client_for("mitra.disnaker")
    assert _card(other, "Referrals to answer").count == 0
    assert _card(other, "Referrals in progress").count == 0
    # Facility staff do not get the partner's cards.
    assert _card(client_for("petugas.selong"), "Referrals to answer") is None


def test_the_probation_officer_sees_the_hand_overs_received(client_for, officer):
    pk = User.objects.get(username="pk.bapas")
    mine, unnamed, followed, acknowledged = _people(4)
    released_on_parole(mine, officer, pk)
    released_on_parole(unnamed, officer, None)
    done = released_on_parole(followed, officer, pk)
    actions.acknowledge_handover(release=done, by=pk)
    actions.record_follow_up(
        follow_up=done.follow_ups.order_by("month").first(),
        values={"contact_made": True},
        by=pk,
    )
    waiting = released_on_parole(acknowledged, officer, pk)
    actions.acknowledge_handover(release=waiting, by=pk)
    client = client_for("pk.bapas")
    card = _card(client, "Hand-overs received")
    # The two awaiting acknowledgement (handed to them and to no one named) and the one
    # acknowledged whose first follow-up is not recorded; not the one followed up.
    assert card.count == 3
    labels = " ".join(label for label, _url in card.items)
    assert mine.name in labels and unnamed.name in labels and acknowledged.name in labels
    assert followed.name not in labels
    # Those awaiting acknowledgement first; each opens the person's hand-over page.
    assert acknowledged.name in card.items[-1][0]
    assert any(url == f"/reintegration/inmates/{mine.pk}/" for _l, url in card.items)
    assert client.get(f"/reintegration/inmates/{mine.pk}/").status_code == 200
    # The card leads to the list of hand-overs, which the officer opens.
    assert card.url == "/reintegration/handovers/"
    listed = client.get(card.url)
    assert listed.status_code == 200
    assert mine.name in listed.content.decode()


def test_another_bapas_sees_none_of_the_hand_overs(client_for, officer):
    released_on_parole(_people(1)[0], officer, None)
    other_bapas = Facility.objects.exclude(code="bapas-mataram").filter(kind="bapas").first()
    if other_bapas is None:
        other_bapas = Facility.objects.create(
            code="bapas-sumbawa",
            name="Bapas Sumbawa",
            kind="bapas",
            region=Facility.objects.get(code="bapas-mataram").region,
        )
    stranger = User.objects.create_user(username="pk.sumbawa", password="x")
    Membership.objects.create(user=stranger, facility=other_bapas, role=Role.PROBATION_OFFICER)
    client = client_for("pk.sumbawa")
    assert _card(client, "Hand-overs received").count == 0


def test_the_facility_sees_the_referrals_answered_in_the_last_14_days(client_for, officer):
    dukcapil = Partner.objects.get(code="dukcapil-lotim")
    referral = _refer(_people(1)[0], officer, dukcapil)
    client = client_for("petugas.selong")
    assert _card(client, "Referrals answered") is None  # nothing answered yet
    partner = User.objects.get(username="mitra.dukcapil")
    actions.transition_referral(referral=referral, to="accepted", by=partner)
    actions.transition_referral(referral=referral, to="completed", by=partner, outcome="achieved")
    card = _card(client, "Referrals answered")
    assert card.count == 1 and card.items[0][1] == referral.get_absolute_url()
    assert "Achieved" in card.items[0][0]
    assert _card(client_for("petugas.lobar"), "Referrals answered") is None


def test_the_answered_referrals_are_looked_up_by_the_facilitys_people(client_for, officer):
    """National scale: joined with the people, the card's statements read every referral
    in the country answered lately; the facility's people are read once (PostgreSQL) and
    their referrals looked up by person, for the rows and for the count."""
    dukcapil = Partner.objects.get(code="dukcapil-lotim")
    referral = _refer(_people(1)[0], officer, dukcapil)
    actions.transition_referral(
        referral=referral, to="accepted", by=User.objects.get(username="mitra.dukcapil")
    )
    client = client_for("petugas.selong")
    with CaptureQueriesContext(connection) as ctx:
        card = _card(client, "Referrals answered")
    assert card.count == 1
    statements = [q["sql"] for q in ctx.captured_queries if '"reintegration_referral"' in q["sql"]]
    assert len(statements) == 2  # the rows and the count
    if connection.vendor == "postgresql":
        # (elsewhere the people stay a subquery of each statement)
        for sql in statements:
            where = sql.split(" WHERE ", 1)[1]
            assert '"inmates_inmate"."facility_id"' not in where and "ANY(" in where


def _add_rows(officer: User, rows: int) -> None:
    """``rows`` referrals to answer, in progress and answered, and hand-overs received."""
    pk = User.objects.get(username="pk.bapas")
    dukcapil = Partner.objects.get(code="dukcapil-lotim")
    partner = User.objects.get(username="mitra.dukcapil")
    for person in _people(rows):
        referral = _refer(person, officer, dukcapil)
        actions.transition_referral(referral=referral, to="accepted", by=partner)
    for person in _people(rows):
        _refer(person, officer, dukcapil)
    for person in _people(rows):
        released_on_parole(person, officer, pk)


def _cards_queries(username: str) -> int:
    """The queries of this app's home cards for ``username`` (the other apps' cards
    have their own tests)."""
    request = RequestFactory().get("/")
    request.user = User.objects.get(username=username)
    scope = scope_of(request.user)
    with CaptureQueriesContext(connection) as queries:
        home.cards(request, scope)
    return len(queries)


def test_the_cards_queries_do_not_grow_with_their_rows(client_for, officer):
    users = ("mitra.dukcapil", "pk.bapas", "petugas.selong")
    _add_rows(officer, 1)
    few = {u: _cards_queries(u) for u in users}
    _add_rows(officer, 9)
    many = {u: _cards_queries(u) for u in users}
    assert few == many
    assert _card(client_for("pk.bapas"), "Hand-overs received").count == 10
    assert _card(client_for("mitra.dukcapil"), "Referrals to answer").count == 10
