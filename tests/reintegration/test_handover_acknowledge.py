"""The receiving Bapas acknowledges a hand-over (terima serah terima, issue 16): its
probation officer does it once, from the hand-over page; who and when are kept (history,
audit) and shown; the facility's officer who recorded the release is told; a second time
is a 409 and anyone else is refused. The hand-over document carries what the Bapas needs
(NIK, address, savings, SK number, PB probation end, both signature blocks), and the
probation officer opens the plan page of the person handed to them."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sinergi.accounts.models import Membership, Notification, User
from sinergi.core.errors import Conflict
from sinergi.core.models import AuditEvent
from sinergi.core.roles import Role
from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Facility
from sinergi.reintegration import actions
from sinergi.reintegration.models import Release
from tests.inmates.factories import make_inmate
from tests.reintegration.test_handoff_notices import released_on_parole

pytestmark = pytest.mark.django_db


@pytest.fixture
def pk() -> User:
    return User.objects.get(username="pk.bapas")


@pytest.fixture
def handed(officer: User, person: Inmate, pk: User) -> Release:
    return released_on_parole(person, officer, None)


def test_the_probation_officer_acknowledges_once_and_the_officer_is_told(
    handed: Release, pk: User, officer: User
) -> None:
    done = actions.acknowledge_handover(release=handed, by=pk)
    assert done.acknowledged_by == pk and done.acknowledged_at is not None
    # Handed to no one named: the officer who acknowledged takes the person over.
    assert done.probation_officer == pk
    assert done.history.count() == 2  # recorded, then acknowledged
    assert AuditEvent.objects.filter(
        action="release.handover.acknowledge", actor=pk, target_id=str(handed.pk)
    ).exists()
    (note,) = Notification.objects.filter(user=officer, key=f"handover-acknowledged:{handed.pk}")
    assert handed.inmate.name in note.title
    assert note.url == f"/reintegration/inmates/{handed.inmate_id}/"
    with pytest.raises(Conflict):
        actions.acknowledge_handover(release=handed, by=pk)


def test_an_outsider_cannot_acknowledge(handed: Release) -> None:
    other_bapas = Facility.objects.create(
        code="bapas-sumbawa-ack",
        name="Bapas Sumbawa",
        kind="bapas",
        region=Facility.objects.get(code="bapas-mataram").region,
    )
    stranger = User.objects.create_user(username="pk.sumbawa.ack", password="x")
    Membership.objects.create(user=stranger, facility=other_bapas, role=Role.PROBATION_OFFICER)
    for user in (stranger, User.objects.get(username="petugas.selong")):
        with pytest.raises(PermissionDenied):
            actions.acknowledge_handover(release=handed, by=user)
    handed.refresh_from_db()
    assert handed.acknowledged_at is None


def test_the_page_offers_it_then_shows_who_and_when(
    client_for: Any, handed: Release, pk: User
) -> None:
    client = client_for("pk.bapas")
    page = f"/reintegration/inmates/{handed.inmate_id}/"
    before = client.get(page, language="en").content.decode()
    assert "Acknowledge the hand-over" in before
    done = client.post(f"/reintegration/inmates/{handed.inmate_id}/handover/acknowledge/")
    assert done.status_code == 302
    after = client.get(page, language="en").content.decode()
    assert "Acknowledge the hand-over" not in after
    assert "Hand-over acknowledged by" in after
    assert (pk.get_full_name() or pk.username) in after
    # Indonesian too.
    indonesian = client.get(page, language="id").content.decode()
    assert "Serah terima diterima oleh" in indonesian
    # A second post changes nothing and says why.
    again = client.post(
        f"/reintegration/inmates/{handed.inmate_id}/handover/acknowledge/", follow=True
    )
    assert again.status_code == 200
    assert Release.objects.get(pk=handed.pk).history.count() == 2


def test_the_facility_sees_no_button_and_a_stranger_gets_404(
    client_for: Any, handed: Release
) -> None:
    officer = client_for("petugas.selong")
    text = officer.get(f"/reintegration/inmates/{handed.inmate_id}/").content.decode()
    assert "handover/acknowledge" not in text
    refused = officer.post(f"/reintegration/inmates/{handed.inmate_id}/handover/acknowledge/")
    assert refused.status_code == 302
    handed.refresh_from_db()
    assert handed.acknowledged_at is None
    # Another facility's officer does not reach the person at all.
    outsider = client_for("petugas.lobar")
    assert (
        outsider.post(
            f"/reintegration/inmates/{handed.inmate_id}/handover/acknowledge/"
        ).status_code
        == 404
    )


def test_the_hand_over_list_shows_the_bapas_its_hand_overs_only(
    client_for: Any, handed: Release, officer: User
) -> None:
    listed = client_for("pk.bapas").get("/reintegration/handovers/", language="en")
    assert listed.status_code == 200
    assert handed.inmate.name in listed.content.decode()
    assert "Awaiting acknowledgement" in listed.content.decode()
    for outsider in ("petugas.lobar", "mitra.dukcapil"):
        text = client_for(outsider).get("/reintegration/handovers/").content.decode()
        assert handed.inmate.name not in text


def test_the_hand_over_list_queries_do_not_grow_with_its_rows(
    client_for: Any, handed: Release, officer: User
) -> None:
    client = client_for("pk.bapas")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/reintegration/handovers/").status_code == 200
        return len(queries)

    few = count()
    selong = Facility.objects.get(code="selong")
    for _ in range(4):
        released_on_parole(
            make_inmate(facility=selong, detention_start=datetime.date(2024, 6, 1), term_years=2),
            officer,
            User.objects.get(username="pk.bapas"),
        )
    assert count() == few


# --- the hand-over document and the plan page ------------------------------------------


def test_the_hand_over_pdf_carries_what_the_bapas_needs(
    client_for: Any, officer: User, pk: User
) -> None:
    from pypdf import PdfReader

    person = make_inmate(
        facility=Facility.objects.get(code="selong"),
        detention_start=datetime.date(2024, 6, 1),
        term_years=3,
        nik="5203011203900007",
    )
    actions.start_plan(inmate=person, by=officer)
    actions.record_release(
        inmate=person,
        by=officer,
        values={
            "released_on": datetime.date(2026, 5, 4),
            "kind": "pb",
            "sk_number": "PAS-7.PK.01.05.06-991",
            "sk_date": datetime.date(2026, 4, 28),
            "bapas": Facility.objects.get(code="bapas-mataram"),
            "probation_officer": pk,
            "address": "Jl. Pejanggik 12, Mataram",
            "savings_rupiah": 1250000,
        },
    )
    response = client_for("pk.bapas").get(f"/reintegration/inmates/{person.pk}/handover.pdf")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert "5203011203900007" in text
    assert "Jl. Pejanggik 12, Mataram" in text
    assert "1,250,000" in text or "1.250.000" in text
    assert "PAS-7.PK.01.05.06-991" in text
    # PB probation: the remaining sentence (to 1 June 2027) plus a year, as the engine
    # stored it.
    end = Inmate.objects.get(pk=person.pk).sentence.pb_probation_end
    assert end is not None
    # The probation officer reads Indonesian.
    months = [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ]
    assert "Akhir masa percobaan PB" in text
    assert f"{end.day} {months[end.month - 1]} {end.year}" in text
    assert "Yang menyerahkan" in text and "Yang menerima" in text
    assert (pk.get_full_name() or pk.username) in text


def test_the_probation_officer_opens_the_plan_of_a_person_handed_to_them(
    client_for: Any, handed: Release
) -> None:
    page = client_for("pk.bapas").get(f"/reintegration/inmates/{handed.inmate_id}/")
    assert page.status_code == 200
    assert handed.inmate.name in page.content.decode()


def test_the_api_gives_the_same_answers(client_for: Any, handed: Release) -> None:
    url = f"/api/v1/inmates/{handed.inmate_id}/handover-acknowledgement"
    assert client_for("petugas.selong").post(url).status_code == 403
    assert client_for("petugas.lobar").post(url).status_code == 404
    done = client_for("pk.bapas").post(url)
    assert done.status_code == 200, done.content
    assert done.json()["acknowledged_by"] == "pk.bapas"
    assert done.json()["acknowledged_at"]
    again = client_for("pk.bapas").post(url)
    assert again.status_code == 409 and again.json()["code"] == "already_acknowledged"
    listed = client_for("petugas.selong").get("/api/v1/releases").json()["items"]
    assert [r["acknowledged_by"] for r in listed if r["id"] == handed.pk] == ["pk.bapas"]


def test_an_acknowledgement_whose_user_is_gone_still_shows(
    client_for: Any, handed: Release, pk: User
) -> None:
    """The acknowledging account deleted (the link is emptied, the date kept): the plan
    and the hand-over list still open, with a dash for who (they answered 500)."""
    actions.acknowledge_handover(release=handed, by=pk)
    Release.objects.filter(pk=handed.pk).update(acknowledged_by=None)
    for user in ("petugas.selong", "pk.bapas"):
        client = client_for(user)
        plan = client.get(f"/reintegration/inmates/{handed.inmate_id}/", language="en")
        assert plan.status_code == 200
        assert "Hand-over acknowledged by — on" in plan.content.decode()
    listed = client_for("pk.bapas").get("/reintegration/handovers/", language="en")
    assert listed.status_code == 200
    assert "Acknowledged by — on" in listed.content.decode()
