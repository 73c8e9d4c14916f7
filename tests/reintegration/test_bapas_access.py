"""The Bapas a person was handed over to reads what the hand-over needs: the plan page
(the release with its legal basis, address, contact and guarantor; the needs; the
referrals; the follow-ups), and the hand-over PDF with NIK, address, savings, SK, the
PB probation end and both sides' signature blocks. Another Bapas, a partner, and the
Bapas's users for a person not handed to them are refused (issue 16)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from sinergi.accounts.models import User
from sinergi.core.audit import AuditEvent
from sinergi.core.roles import Role
from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Facility, FacilityKind
from sinergi.reintegration import actions
from tests.client import Client
from tests.factories import FacilityFactory, MembershipFactory
from tests.inmates.factories import make_inmate
from tests.proposals.pdf_text import pdf_text

pytestmark = pytest.mark.django_db


def _release(person: Inmate, officer: User, **more: Any) -> None:
    actions.start_plan(inmate=person, by=officer)
    actions.record_release(
        inmate=person,
        by=officer,
        values={
            "released_on": datetime.date(2025, 11, 1),
            "kind": "pb",
            "sk_number": "PAS-2.PK.01.05.06-1234",
            "sk_date": datetime.date(2025, 10, 28),
            "bapas": Facility.objects.get(code="bapas-mataram"),
            "probation_officer": User.objects.get(username="pk.bapas"),
            "address": "Jl. Pejanggik No. 12, Selong",
            "phone": "0812-3700-1234",
            "guarantor": "Ayah kandung",
            "savings_rupiah": 750_000,
            **more,
        },
    )


def _member(role: str, facility: Facility) -> Client:
    client = Client()
    client.force_login(MembershipFactory(role=role, facility=facility).user)
    return client


@pytest.fixture
def handed(officer: User, person: Inmate) -> Inmate:
    person.nik = "5203010101900001"
    person.save(update_fields=["nik"])
    _release(person, officer)
    return person


def test_the_probation_officer_reads_the_plan_of_a_person_handed_to_them(
    client_for: Any, handed: Inmate
) -> None:
    page = client_for("pk.bapas").get(f"/reintegration/inmates/{handed.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    for shown in (
        "PAS-2.PK.01.05.06-1234",
        "Jl. Pejanggik No. 12, Selong",
        "0812-3700-1234",
        "Ayah kandung",
        'id="follow-ups"',
        'id="needs-title"',
    ):
        assert shown in text
    # Only what the hand-over needs: not the consents given to partners, no edit.
    assert 'id="consents"' not in text
    assert "need_update" not in text and "/needs/" not in text
    assert AuditEvent.objects.filter(
        action="reintegration.plan.view", actor__username="pk.bapas"
    ).exists()


def test_the_head_of_the_bapas_reads_the_plan_and_the_hand_over(
    handed: Inmate,
) -> None:
    head = _member(Role.HEAD, Facility.objects.get(code="bapas-mataram"))
    assert head.get(f"/reintegration/inmates/{handed.pk}/").status_code == 200
    assert head.get(f"/reintegration/inmates/{handed.pk}/handover.pdf").status_code == 200


def test_the_hand_over_pdf_carries_what_the_bapas_needs(client_for: Any, handed: Inmate) -> None:
    response = client_for("pk.bapas").get(
        f"/reintegration/inmates/{handed.pk}/handover.pdf", language="id"
    )
    assert response.status_code == 200
    text = pdf_text(response.content)
    for shown in (
        "5203010101900001",  # NIK
        "Jl. Pejanggik No. 12, Selong",
        "750.000",  # the savings recorded
        "PAS-2.PK.01.05.06-1234",
        "28 Oktober 2025",  # the SK's date
        "1 Juni 2027",  # PB probation end: remaining sentence to 1 June 2026 + 1 year
        "Kepala",  # the facility's head signs
        "Pembimbing Kemasyarakatan Bapas Mataram",  # the receiving PK signs
    ):
        assert shown in text, shown
    assert AuditEvent.objects.filter(
        action="release.handover.view", actor__username="pk.bapas"
    ).exists()


def test_another_bapas_is_refused(handed: Inmate) -> None:
    other = FacilityFactory(code="bapas-lain", kind=FacilityKind.BAPAS, name="Bapas Lain")
    for role in (Role.PROBATION_OFFICER, Role.HEAD):
        client = _member(role, other)
        assert client.get(f"/reintegration/inmates/{handed.pk}/").status_code == 404
        assert client.get(f"/reintegration/inmates/{handed.pk}/handover.pdf").status_code == 404


def test_a_partner_is_refused(client_for: Any, handed: Inmate) -> None:
    client = client_for("mitra.dukcapil")
    assert client.get(f"/reintegration/inmates/{handed.pk}/").status_code == 404
    assert client.get(f"/reintegration/inmates/{handed.pk}/handover.pdf").status_code == 404


def test_the_probation_officer_is_refused_a_person_not_handed_to_them(
    client_for: Any, officer: User, person: Inmate
) -> None:
    # Still in custody, then released to no Bapas: neither is theirs.
    client = client_for("pk.bapas")
    assert client.get(f"/reintegration/inmates/{person.pk}/").status_code == 404
    other = make_inmate(
        facility=Facility.objects.get(code="selong"),
        detention_start=datetime.date(2024, 6, 1),
        term_years=2,
    )
    _release(other, officer, kind="asimilasi", bapas=None, probation_officer=None)
    assert client.get(f"/reintegration/inmates/{other.pk}/").status_code == 404
    assert client.get(f"/reintegration/inmates/{other.pk}/handover.pdf").status_code == 404


def test_the_probation_officer_changes_nothing_of_the_plan(client_for: Any, handed: Inmate) -> None:
    client = client_for("pk.bapas")
    assert client.post(f"/reintegration/inmates/{handed.pk}/").status_code == 404
    assert client.get(f"/reintegration/inmates/{handed.pk}/release/").status_code == 404


def test_the_follow_up_page_leads_to_the_hand_over(client_for: Any, handed: Inmate) -> None:
    from sinergi.reintegration.models import FollowUp

    follow_up = FollowUp.objects.filter(release__inmate=handed).order_by("month").first()
    assert follow_up is not None
    page = client_for("pk.bapas").get(f"/reintegration/follow-ups/{follow_up.pk}/")
    text = page.content.decode()
    assert f'href="/reintegration/inmates/{handed.pk}/"' in text
    assert f'href="/reintegration/inmates/{handed.pk}/handover.pdf"' in text


def test_the_persons_page_leads_the_bapas_to_the_hand_over_and_refuses_others(
    client_for: Any, handed: Inmate
) -> None:
    """The person's record at the facility stays the facility's: the Bapas the person was
    handed over to is taken to the hand-over; anyone else gets a 404."""
    page = client_for("pk.bapas").get(f"/inmates/{handed.pk}/")
    assert page.status_code == 302
    assert page["Location"] == f"/reintegration/inmates/{handed.pk}/"
    other = FacilityFactory(code="bapas-lain", kind=FacilityKind.BAPAS, name="Bapas Lain")
    assert _member(Role.PROBATION_OFFICER, other).get(f"/inmates/{handed.pk}/").status_code == 404
    assert client_for("mitra.dukcapil").get(f"/inmates/{handed.pk}/").status_code == 404
    assert client_for("petugas.selong").get(f"/inmates/{handed.pk}/").status_code == 200


def test_the_api_gives_the_bapas_the_plan_and_the_release(client_for: Any, handed: Inmate) -> None:
    client = client_for("pk.bapas")
    plan = client.get(f"/api/v1/inmates/{handed.pk}/plan")
    assert plan.status_code == 200, plan.content
    assert len(plan.json()["needs"]) > 0
    releases = client.get("/api/v1/releases").json()["items"]
    (mine,) = [r for r in releases if r["inmate_id"] == handed.pk]
    assert (mine["sk_number"], mine["address"], mine["guarantor"]) == (
        "PAS-2.PK.01.05.06-1234",
        "Jl. Pejanggik No. 12, Selong",
        "Ayah kandung",
    )
    other = FacilityFactory(code="bapas-lain", kind=FacilityKind.BAPAS, name="Bapas Lain")
    outsider = _member(Role.PROBATION_OFFICER, other)
    assert outsider.get(f"/api/v1/inmates/{handed.pk}/plan").status_code == 404
    assert client_for("mitra.dukcapil").get(f"/api/v1/inmates/{handed.pk}/plan").status_code == 404


@pytest.mark.parametrize(
    ("username", "linked"),
    [("kanwil.ntb", False), ("pk.bapas", False), ("petugas.selong", True), ("admin", True)],
)
def test_the_plan_links_its_referrals_only_for_who_may_open_them(client_for, username, linked):
    # The Kanwil and the Bapas read the plan with its referrals, but a referral's page is
    # the facility's (404 for them): named, not linked.
    from sinergi.orgs.models import Partner

    officer = User.objects.get(username="petugas.selong")
    person = make_inmate(
        facility=Facility.objects.get(code="selong"),
        detention_start=datetime.date(2024, 6, 1),
        term_years=2,
    )
    dukcapil = Partner.objects.get(code="dukcapil-lotim")
    actions.start_plan(inmate=person, by=officer)
    actions.record_consent(
        inmate=person,
        partner=dukcapil,
        purpose="e-KTP",
        given_on=person.facility.today(),
        by=officer,
    )
    referral = actions.refer(
        inmate=person, partner=dukcapil, purpose="Perekaman e-KTP", contact="Petugas", by=officer
    )
    _release(person, officer)
    client = client_for(username)
    page = client.get(f"/reintegration/inmates/{person.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Perekaman e-KTP" in body
    assert (f'href="{referral.get_absolute_url()}"' in body) is linked
    assert (client.get(referral.get_absolute_url()).status_code == 200) is linked
