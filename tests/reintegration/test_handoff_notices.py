"""Every hand-off of reintegration notifies its receiver, in the action (so the page, the
API and the demo alike; issue 16): a referral sent tells the partner's users, accepted,
declined and completed tell the facility's officers and the one who referred, a
cancellation tells the partner; a completed referral settles the need it served with
its outcome; a release handed over to a Bapas tells its PK (or, with none named, the
Bapas's PKs and head). E-mail only for those who want it."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from sinergi.accounts.models import Notification, User
from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Facility, Partner
from sinergi.reintegration import actions
from sinergi.reintegration.models import Referral

pytestmark = pytest.mark.django_db


def _notes(username: str) -> list[Notification]:
    return list(Notification.objects.filter(user__username=username))


def _referral(person: Inmate, officer: User) -> Referral:
    plan = actions.start_plan(inmate=person, by=officer)
    dukcapil = Partner.objects.get(code="dukcapil-lotim")
    actions.record_consent(
        inmate=person,
        partner=dukcapil,
        purpose="Perekaman e-KTP",
        given_on=person.facility.today(),
        by=officer,
    )
    return actions.refer(
        inmate=person,
        partner=dukcapil,
        purpose="Perekaman e-KTP di Lapas",
        contact="Petugas, 0376-21000",
        need=plan.needs.get(pathway="identity"),
        by=officer,
    )


def test_a_referral_sent_tells_the_partner_without_the_persons_name(
    officer, person, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = _referral(person, officer)
    (note,) = _notes("mitra.dukcapil")
    assert note.url == referral.get_absolute_url()
    assert "Selong" in note.title and f"#{referral.pk}" in note.title  # told apart
    # What leaves by e-mail to an outside organisation names no one.
    assert person.name not in note.title and person.name not in note.body
    assert any("mitra.dukcapil@example.org" in m.to for m in mailoutbox)
    assert not _notes("mitra.disnaker")  # another partner is told nothing


def test_answers_tell_the_facility_and_completion_settles_the_need(officer, person, client_for):
    referral = _referral(person, officer)
    partner = User.objects.get(username="mitra.dukcapil")
    actions.transition_referral(referral=referral, to="accepted", by=partner)
    accepted = [n for n in _notes("petugas.selong") if n.key == f"referral:{referral.pk}:accepted"]
    assert len(accepted) == 1 and accepted[0].url == referral.get_absolute_url()
    assert person.name in accepted[0].title
    assert not Notification.objects.filter(user=partner, key__startswith="referral:").exclude(
        key=f"referral:{referral.pk}:sent"
    )  # the partner is not told of its own move
    actions.transition_referral(
        referral=referral, to="completed", by=partner, outcome="achieved", note="e-KTP jadi"
    )
    done = Notification.objects.get(
        user__username="petugas.selong", key=f"referral:{referral.pk}:completed"
    )
    assert "e-KTP jadi" in done.body
    need = referral.need
    need.refresh_from_db()
    assert need.status == "met"
    update = need.updates.order_by("-at", "-id").first()
    assert update is not None and update.status == "met" and update.by == partner
    # the update names the referral; the page words it in the reader's language
    assert update.note == "e-KTP jadi" and update.referral == referral
    for language, words in (
        ("en", "completed: Achieved. e-KTP jadi"),
        ("id", "selesai: Tercapai. e-KTP jadi"),
    ):
        page = client_for("petugas.selong").get(
            f"/reintegration/inmates/{referral.inmate_id}/", language=language
        )
        assert words in page.content.decode(), language
    # Another facility's officers hear nothing.
    assert not _notes("petugas.lobar")


@pytest.mark.parametrize(
    ("outcome", "status"), [("partly", "in_progress"), ("not_achieved", "in_progress")]
)
def test_a_referral_not_fully_achieved_leaves_the_need_open(officer, person, outcome, status):
    referral = _referral(person, officer)
    partner = User.objects.get(username="mitra.dukcapil")
    actions.transition_referral(referral=referral, to="accepted", by=partner)
    actions.transition_referral(referral=referral, to="completed", by=partner, outcome=outcome)
    need = referral.need
    need.refresh_from_db()
    assert need.status == status
    assert need.updates.filter(status=status).exists()


def test_a_need_already_settled_by_the_facility_is_left_as_it_is(officer, person):
    referral = _referral(person, officer)
    actions.update_need(
        need=referral.need, values={"status": "not_needed"}, note="Sudah punya KTP", by=officer
    )
    partner = User.objects.get(username="mitra.dukcapil")
    actions.transition_referral(referral=referral, to="accepted", by=partner)
    actions.transition_referral(referral=referral, to="completed", by=partner, outcome="achieved")
    referral.need.refresh_from_db()
    assert referral.need.status == "not_needed"


def test_a_decline_and_a_cancellation_tell_the_other_side(officer, person):
    referral = _referral(person, officer)
    partner = User.objects.get(username="mitra.dukcapil")
    actions.transition_referral(
        referral=referral, to="declined", by=partner, note="Di luar wilayah"
    )
    declined = Notification.objects.get(
        user__username="petugas.selong", key=f"referral:{referral.pk}:declined"
    )
    assert "Di luar wilayah" in declined.body
    other = _referral_again(person, officer)
    actions.transition_referral(referral=other, to="cancelled", by=officer, note="Batal")
    assert Notification.objects.filter(user=partner, key=f"referral:{other.pk}:cancelled").exists()


def _referral_again(person: Inmate, officer: User) -> Referral:
    return actions.refer(
        inmate=person,
        partner=Partner.objects.get(code="dukcapil-lotim"),
        purpose="Akta kelahiran",
        contact="Petugas",
        by=officer,
    )


def released_on_parole(person: Inmate, officer: User, pk: User | None) -> Any:
    """``person`` released on PB today (or the day before their sentence ends, when it
    has ended: a PB is served before the end), handed over to Bapas Mataram (to ``pk``,
    or to no one named)."""
    actions.start_plan(inmate=person, by=officer)
    day = person.facility.today()
    end = actions.sentence_release_due(person)
    if end is not None and day >= end:
        day = end - datetime.timedelta(days=1)
    return actions.record_release(
        inmate=person,
        by=officer,
        values={
            "released_on": day,
            "kind": "pb",
            "sk_number": "PAS-2.PK.01.05.06",
            "sk_date": day - datetime.timedelta(days=3),
            "bapas": Facility.objects.get(code="bapas-mataram"),
            "probation_officer": pk,
        },
    )


def test_a_hand_over_tells_the_named_probation_officer(
    officer, person, mailoutbox, django_capture_on_commit_callbacks
):
    pk = User.objects.get(username="pk.bapas")
    with django_capture_on_commit_callbacks(execute=True):
        released_on_parole(person, officer, pk)
    (note,) = [n for n in _notes("pk.bapas") if n.key.startswith("handover:")]
    assert person.name in note.title
    first = person.release.follow_ups.order_by("month").first()
    assert first is not None and note.url == f"/reintegration/follow-ups/{first.pk}/"
    assert any(pk.email in m.to for m in mailoutbox if pk.email)


def test_a_hand_over_to_no_named_officer_tells_the_bapass_officers_and_head(officer, person):
    released_on_parole(person, officer, None)
    told = set(
        Notification.objects.filter(key__startswith="handover:").values_list(
            "user__username", flat=True
        )
    )
    bapas = Facility.objects.get(code="bapas-mataram")
    expected = set(
        User.objects.filter(
            memberships__facility=bapas,
            memberships__role__in=("probation_officer", "head"),
            memberships__is_active=True,
            is_active=True,
        ).values_list("username", flat=True)
    )
    assert "pk.bapas" in told and told == expected


def test_the_link_of_a_hand_over_opens_for_the_probation_officer(client_for, officer, person):
    released_on_parole(person, officer, User.objects.get(username="pk.bapas"))
    note = Notification.objects.get(user__username="pk.bapas", key__startswith="handover:")
    assert client_for("pk.bapas").get(note.url).status_code == 200
