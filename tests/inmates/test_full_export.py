"""Full-snapshot imports: a file marked "full export of the facility" lists the people in
custody in Sinergi but missing from it, for review, before anything is written; the
import never changes them, and the stored report keeps the list."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from sinergi.accounts.models import User
from sinergi.inmates import actions, importer
from sinergi.inmates.models import CustodyEpisode, ImportBatch, Inmate
from sinergi.orgs.models import Facility
from tests.inmates.factories import InmateFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "No. Registrasi;Nama;NIK;Tanggal Lahir;Jenis Kelamin;Agama;Kabupaten Asal;"
    "Jenis Kejahatan;Pasal;Lama Pidana;Tanggal Penahanan;Total Remisi (hari)"
)


def row(number: str, name: str) -> str:
    return f"{number};{name};;;L;Islam;Lombok Timur;Pencurian;362;2 tahun;10-01-2026;0"


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Any:
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        yield


@pytest.fixture
def selong(demo_world: None) -> Facility:
    return Facility.objects.get(code="selong")


@pytest.fixture
def held(selong: Facility) -> list[Inmate]:
    """Two people in custody at Selong; only the first is in the files below."""
    return [
        InmateFactory(facility=selong, registration_number="BI 700/26", name="Ada Di Berkas"),
        InmateFactory(facility=selong, registration_number="BI 701/26", name="Tidak Di Berkas"),
    ]


def upload(selong: Facility, *, full_export: bool, dry_run: bool) -> ImportBatch:
    content = "\n".join([HEADER, row("BI 700/26", "Ada Di Berkas"), row("BI 702/26", "Baru")])
    batch = importer.start_import(
        facility=selong,
        upload=io.BytesIO(content.encode()),
        filename="lengkap.csv",
        by=User.objects.get(username="petugas.selong"),
        dry_run=dry_run,
        full_export=full_export,
    )
    return importer.run_import(batch.pk)


def absent_numbers(batch: ImportBatch) -> set[str]:
    return {p["registration_number"] for p in batch.absent}


def test_a_full_export_check_lists_the_people_missing_from_the_file_and_writes_nothing(
    selong, held
):
    batch = upload(selong, full_export=True, dry_run=True)
    assert batch.status == "done" and batch.full_export
    assert "BI 701/26" in absent_numbers(batch)
    assert "BI 700/26" not in absent_numbers(batch)
    missing = next(p for p in batch.absent if p["registration_number"] == "BI 701/26")
    assert missing == {
        "inmate": held[1].pk,
        "registration_number": "BI 701/26",
        "name": "Tidak Di Berkas",
    }
    assert not Inmate.objects.filter(registration_number="BI 702/26").exists()


def test_importing_the_checked_full_export_keeps_the_list_and_changes_nobody_missing(
    selong, held, django_capture_on_commit_callbacks
):
    checked = upload(selong, full_export=True, dry_run=True)
    with django_capture_on_commit_callbacks(execute=True):
        imported = actions.import_checked(
            batch=checked, by=User.objects.get(username="petugas.selong")
        )
    imported.refresh_from_db()
    assert imported.status == "done" and imported.full_export
    assert "BI 701/26" in absent_numbers(imported)  # the stored report keeps the list
    assert Inmate.objects.filter(registration_number="BI 702/26").exists()
    missing = Inmate.objects.get(pk=held[1].pk)
    assert (missing.status, missing.status_changed_on) == ("in_custody", None)  # nothing assumed
    assert CustodyEpisode.objects.get(inmate=missing).ended_on is None


def test_an_import_not_marked_full_lists_nobody(selong, held):
    assert upload(selong, full_export=False, dry_run=True).absent == []


def test_the_upload_form_offers_the_full_export_and_the_report_links_each_person(
    selong, held, client_for, django_capture_on_commit_callbacks
):
    client = client_for("petugas.selong")
    page = client.get("/inmates/import/")
    assert 'name="full_export"' in page.content.decode()
    content = "\n".join([HEADER, row("BI 700/26", "Ada Di Berkas")]).encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/inmates/import/",
            {
                "file": SimpleUploadedFile("lengkap.csv", content, "text/csv"),
                "dry_run": "on",
                "full_export": "on",
                "facility": selong.pk,
            },
        )
    batch = ImportBatch.objects.latest("pk")
    assert response.status_code == 302 and batch.full_export and batch.dry_run
    detail = client.get(batch.get_absolute_url(), language="en")
    text = detail.content.decode()
    assert "In custody in Sinergi, not in this full export" in text
    assert f'href="/inmates/{held[1].pk}/"' in text
    assert reverse("reintegration:release", args=[held[1].pk]) in text
    assert "Tidak Di Berkas" in text
    indonesian = client.get(batch.get_absolute_url(), language="id").content.decode()
    assert "Dalam tahanan di Sinergi, tidak ada dalam ekspor lengkap ini" in indonesian


def test_another_facilitys_officer_and_a_partner_cannot_read_the_report(selong, held, client_for):
    batch = upload(selong, full_export=True, dry_run=True)
    assert client_for("petugas.lobar").get(batch.get_absolute_url()).status_code == 404
    assert client_for("mitra.disnaker").get(batch.get_absolute_url()).status_code == 403


def test_the_report_takes_as_many_queries_for_many_people_missing_as_for_few(
    selong, held, client_for
):
    client = client_for("petugas.selong")
    few = upload(selong, full_export=True, dry_run=True)
    for n in range(12):
        InmateFactory(facility=selong, registration_number=f"BI {710 + n}/26")
    many = upload(selong, full_export=True, dry_run=True)
    assert len(many.absent) >= len(few.absent) + 12
    client.get(few.get_absolute_url())  # warm the session and caches
    with CaptureQueriesContext(connection) as first:
        assert client.get(few.get_absolute_url()).status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert client.get(many.get_absolute_url()).status_code == 200
    assert len(first) == len(second)


# -- the API ------------------------------------------------------------------------------


def api_upload(client: Any, **fields: Any) -> Any:
    content = "\n".join([HEADER, row("BI 700/26", "Ada Di Berkas"), row("BI 702/26", "Baru")])
    upload = SimpleUploadedFile("lengkap.csv", content.encode(), "text/csv")
    return client.post("/api/v1/inmate-imports", {"file": upload, **fields})


def test_the_api_checks_a_full_export_lists_who_is_missing_then_imports_it(
    selong, held, client_for, django_capture_on_commit_callbacks
):
    client = client_for("petugas.selong")
    with django_capture_on_commit_callbacks(execute=True):
        created = api_upload(client, facility="selong", dry_run="true", full_export="true")
    assert created.status_code == 201, created.content
    body = client.get(f"/api/v1/inmate-imports/{created.json()['id']}").json()
    assert (body["status"], body["dry_run"], body["full_export"]) == ("done", True, True)
    missing = [p for p in body["absent"] if p["registration_number"] == "BI 701/26"]
    assert missing == [
        {"inmate": held[1].pk, "registration_number": "BI 701/26", "name": "Tidak Di Berkas"}
    ]
    with django_capture_on_commit_callbacks(execute=True):
        imported = client.post(f"/api/v1/inmate-imports/{body['id']}/import")
    assert imported.status_code == 201, imported.content
    again = client.get(f"/api/v1/inmate-imports/{imported.json()['id']}").json()
    assert again["status"] == "done" and not again["dry_run"] and again["full_export"]
    assert "BI 701/26" in {p["registration_number"] for p in again["absent"]}
    assert Inmate.objects.get(pk=held[1].pk).status == "in_custody"
    twice = client.post(f"/api/v1/inmate-imports/{again['id']}/import")
    assert twice.status_code == 409  # not a checked file


def test_the_api_refuses_outsiders_and_hides_another_facilitys_import(selong, held, client_for):
    batch = upload(selong, full_export=True, dry_run=True)
    assert client_for("petugas.lobar").get(f"/api/v1/inmate-imports/{batch.pk}").status_code == 404
    partner = client_for("mitra.disnaker")
    assert partner.get(f"/api/v1/inmate-imports/{batch.pk}").status_code == 403
    assert api_upload(partner, full_export="true").status_code == 403
    assert partner.get("/api/v1/inmate-imports").json()["items"] == []
    assert api_upload(client_for("petugas.lobar"), facility="selong").status_code == 404


def test_the_api_list_takes_as_many_queries_for_many_imports_as_for_few(selong, client_for):
    client = client_for("petugas.selong")
    for n in range(2):
        ImportBatch.objects.create(facility=selong, filename=f"a{n}.csv", status="invalid")
    client.get("/api/v1/inmate-imports")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/v1/inmate-imports").status_code == 200
    for n in range(10):
        ImportBatch.objects.create(facility=selong, filename=f"b{n}.csv", status="invalid")
    with CaptureQueriesContext(connection) as many:
        listed = client.get("/api/v1/inmate-imports").json()
    assert len(listed["items"]) >= 12
    assert len(few) == len(many)


def test_a_full_export_is_always_checked_first_and_lists_the_missing_before_writing(selong, held):
    """'Then people in custody in Sinergi but absent from the file are listed for review
    before anything is written': a full export uploaded without 'check only' is checked
    first all the same; the import is then a second, explicit step."""
    batch = upload(selong, full_export=True, dry_run=False)
    assert batch.dry_run and batch.status == "done"
    assert "BI 701/26" in absent_numbers(batch)
    assert not Inmate.objects.filter(registration_number="BI 702/26").exists()


def test_a_checked_batch_reads_checked_not_done(selong, held, client_for):
    batch = upload(selong, full_export=False, dry_run=True)
    with translation.override("en"):
        assert str(batch) == "lengkap.csv (Checked, nothing written)"
        assert batch.status_label == "Checked, nothing written"
    page = client_for("petugas.selong").get("/inmates/import/", language="en")
    assert "Checked, nothing written" in page.content.decode()
