"""The subject-access export: a ZIP of JSON and PDF with the person's records from every
app, their history and who read them; for administrators and the facility's head only."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import call_command

from sinergi.core.models import AuditEvent
from sinergi.privacy import queries
from tests.privacy.world import Person, build_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(demo_world) -> Person:
    return build_person()


def _url(person: Person) -> str:
    return f"/privacy/inmates/{person.inmate.pk}/export.zip"


def _open(content: bytes) -> tuple[dict, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert sorted(archive.namelist()) == ["data.json", "summary.pdf"]
    return json.loads(archive.read("data.json")), archive.read("summary.pdf")


def test_the_export_holds_the_persons_records_from_every_app_and_a_pdf(client_for, person):
    client_for("petugas.lobar").get("/inmates/")  # not about this person
    client_for("petugas.selong").get(f"/inmates/{person.inmate.pk}/")
    response = client_for("kalapas.selong").post(_url(person))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    data, pdf = _open(response.content)
    assert pdf.startswith(b"%PDF")
    records = data["records"]
    assert [r["fields"]["name"] for r in records["inmates"]["Inmate"]] == ["Baiq Rahmawati"]
    assert records["inmates"]["Sentence"]
    assert {r["pk"] for r in records["programs"]["Enrollment"]} == {person.enrollment.pk}
    assert records["programs"]["Attendance"] and records["programs"]["Certificate"]
    for name in (
        "ReintegrationPlan",
        "Need",
        "Consent",
        "Referral",
        "JobApplication",
        "Release",
        "FollowUp",
    ):
        assert records["reintegration"][name], name
    assert len(records["reintegration"]["Consent"]) == 2
    assert data["history"]["inmates.Inmate"]  # the simple-history rows
    reads = [e for e in data["audit_events"] if e["action"] == "inmate.view"]
    assert [e["user"] for e in reads] == ["petugas.selong"]
    assert any(e["action"] == "referral.transition" for e in data["audit_events"])


def test_the_export_is_audited(client_for, person):
    client_for("admin").post(_url(person))
    event = AuditEvent.objects.get(action="privacy.export")
    assert event.actor_username == "admin"
    assert event.target_id == str(person.inmate.pk)
    assert event.changes["records"]["reintegration"] >= 7


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("petugas.lobar", 404),  # another facility
        ("mitra.disnaker", 404),  # a partner, even with an accepted referral
        ("instruktur.blk", 404),  # the person's instructor
        ("pk.bapas", 404),  # the Bapas the person was handed over to
        ("kanwil.ntb", 404),
        ("petugas.selong", 403),  # the facility's staff, not its data officer
        ("wali.selong", 403),
    ],
)
def test_nobody_else_exports(client_for, person, username, status):
    response = client_for(username).post(_url(person))
    assert response.status_code == status
    assert not AuditEvent.objects.filter(action="privacy.export").exists()


def test_the_export_is_a_post(client_for, person):
    assert client_for("kalapas.selong").get(_url(person)).status_code == 405


def test_the_inmate_page_offers_the_export_to_the_data_officer_only(client_for, person):
    page = f"/inmates/{person.inmate.pk}/"
    assert _url(person) in client_for("kalapas.selong").get(page).content.decode()
    assert _url(person) in client_for("admin").get(page).content.decode()
    assert _url(person) not in client_for("petugas.selong").get(page).content.decode()


def test_the_command_writes_the_same_zip_and_is_audited(person, tmp_path):
    target = tmp_path / "out.zip"
    out = io.StringIO()
    call_command(
        "export_person_data",
        "--inmate",
        str(person.inmate.pk),
        "--output",
        str(target),
        stdout=out,
    )
    data, pdf = _open(target.read_bytes())
    assert data["person"]["id"] == person.inmate.pk
    assert pdf.startswith(b"%PDF")
    assert AuditEvent.objects.get(action="privacy.export").actor_username == "export_person_data"


def test_every_record_kind_pointing_to_a_person_is_found(person):
    found = queries.collect(person.inmate)
    assert {
        "inmates.Inmate",
        "inmates.Sentence",
        "programs.Enrollment",
        "programs.Attendance",
        "programs.Certificate",
        "reintegration.ReintegrationPlan",
        "reintegration.Need",
        "reintegration.Consent",
        "reintegration.Referral",
        "reintegration.JobApplication",
        "reintegration.Release",
        "reintegration.FollowUp",
    } <= set(found.records)
