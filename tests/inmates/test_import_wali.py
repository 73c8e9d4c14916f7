"""The SDP import's "Wali" column: the person's guardian officer, by name or username."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from sinergi.accounts.models import Notification
from sinergi.core.models import AuditEvent
from sinergi.core.roles import Role
from sinergi.inmates import parsing
from sinergi.inmates.models import ImportBatch, Inmate
from sinergi.orgs.models import Facility
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

HEADER = "No. Registrasi;Nama;Lama Pidana;Tanggal Penahanan;{wali}"


@pytest.fixture(autouse=True)
def media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        yield


def _import(tmp_path: Path, walis: list[str], header: str = "Wali") -> str:
    rows = [f"BI {300 + n}/26;Orang {n};2 tahun;10-01-2025;{wali}" for n, wali in enumerate(walis)]
    path = tmp_path / "export.csv"
    path.write_text("\n".join([HEADER.format(wali=header), *rows]) + "\n", encoding="utf-8")
    out = io.StringIO()
    call_command(
        "import_inmates", str(path), "--facility", "selong", stdout=out, stderr=io.StringIO()
    )
    return out.getvalue()


def _wali_of(number: str) -> str | None:
    person = Inmate.objects.select_related("wali").get(registration_number=number)
    return person.wali.username if person.wali else None


@pytest.mark.parametrize("header", ["Wali", "Wali Pemasyarakatan", "wali  pemasyarakatan"])
def test_the_wali_column_is_recognised(header):
    assert parsing.recognise_headers(["Nama", header]) == {"name": 0, "wali": 1}


def test_the_wali_column_is_no_sentence_fact():
    assert "wali" not in parsing.SENTENCE_FACT_FIELDS


def test_a_wali_named_by_full_name_or_username_is_set_with_history_and_told(demo_world, tmp_path):
    _import(tmp_path, ["Wali Pemasyarakatan Selong", "WALI.SELONG", ""])
    assert _wali_of("BI 300/26") == "wali.selong"
    assert _wali_of("BI 301/26") == "wali.selong"
    assert _wali_of("BI 302/26") is None  # an empty cell names nobody
    person = Inmate.objects.get(registration_number="BI 300/26")
    assert person.history.filter(history_change_reason="import", wali__isnull=False).exists()
    assert AuditEvent.objects.filter(
        action="inmate.update", target_id=str(person.pk), changes__wali__isnull=False
    ).exists()
    told = Notification.objects.filter(user__username="wali.selong").latest("pk")
    assert "2" in told.title and told.url == "/inmates/scores/"


def test_an_unknown_wali_is_a_row_error_at_its_column_and_nothing_is_written(demo_world, tmp_path):
    with pytest.raises(CommandError):
        _import(tmp_path, ["wali.selong", "Pak Entah"], header="Wali Pemasyarakatan")
    batch = ImportBatch.objects.latest("pk")
    errors = [e for e in batch.errors if e.get("field") == "wali"]
    assert [(e["line"], e["column"], e["value"]) for e in errors] == [
        (3, "Wali Pemasyarakatan", "Pak Entah")
    ]
    assert not Inmate.objects.filter(registration_number="BI 300/26").exists()


def test_a_wali_of_another_facility_or_a_non_wali_is_refused(demo_world, tmp_path):
    MembershipFactory(
        role=Role.GUARDIAN, facility=Facility.objects.get(code="lobar"), user__username="wali.lobar"
    )
    for name in ("wali.lobar", "petugas.selong"):
        with pytest.raises(CommandError):
            _import(tmp_path, [name])
    assert not Inmate.objects.filter(registration_number="BI 300/26").exists()


def test_two_walis_of_one_name_must_be_named_by_username(demo_world, tmp_path):
    selong = Facility.objects.get(code="selong")
    for username in ("wali.a", "wali.b"):
        MembershipFactory(
            role=Role.GUARDIAN, facility=selong, user__username=username, user__full_name="Sama"
        )
    with pytest.raises(CommandError):
        _import(tmp_path, ["Sama"])
    _import(tmp_path, ["wali.b"])
    assert _wali_of("BI 300/26") == "wali.b"


def test_a_file_without_the_column_leaves_the_wali(demo_world, tmp_path, user):
    _import(tmp_path, ["wali.selong"])
    path = tmp_path / "again.csv"
    path.write_text(
        "No. Registrasi;Nama;Lama Pidana;Tanggal Penahanan\nBI 300/26;Orang 0;3 tahun;10-01-2025\n",
        encoding="utf-8",
    )
    call_command("import_inmates", str(path), "--facility", "selong", stdout=io.StringIO())
    assert _wali_of("BI 300/26") == "wali.selong"


def test_a_failed_import_puts_back_the_walis_it_had_set(demo_world, tmp_path, monkeypatch, user):
    """The rows are written in chunks; when a later chunk fails, the journal undoes the
    earlier ones, the walis they set included (a person kept, their wali as before)."""
    from sinergi.inmates import import_walis, importer

    _import(tmp_path, ["", "", ""])  # three people, nobody's wali yet
    monkeypatch.setattr(importer, "WRITE_CHUNK", 1)
    apply = import_walis.apply
    calls = []

    def fail_on_the_third_chunk(batch, chunk, by):
        calls.append(chunk)
        if len(calls) == 3:
            raise RuntimeError("the disk is full")
        apply(batch, chunk, by)

    monkeypatch.setattr(import_walis, "apply", fail_on_the_third_chunk)
    with pytest.raises(CommandError):
        _import(tmp_path, ["wali.selong", "wali.selong", "wali.selong"])
    assert len(calls) == 3
    assert [_wali_of(f"BI {300 + n}/26") for n in range(3)] == [None, None, None]
    person = Inmate.objects.get(registration_number="BI 300/26")
    assert person.history.filter(history_change_reason="import undone").exists()
