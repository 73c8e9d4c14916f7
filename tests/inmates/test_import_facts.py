"""The SDP import reads the facts of a sentence where the export has them (verdict date,
subsider, the substitute term for uang pengganti, child status, age at the offence,
commutation date) under their usual spellings; a bad value is a row error naming the
column, in the user's language; a file without those columns leaves what Sinergi has."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import translation

from sinergi.inmates import actions
from sinergi.inmates.models import ImportBatch, Inmate, InmateRight
from sinergi.inmates.parsing import (
    parse_age,
    parse_child,
    parse_substitute_days,
    recognise_headers,
)

pytestmark = pytest.mark.django_db

D = datetime.date
BASE = (
    "No. Registrasi;Nama;NIK;Tanggal Lahir;Jenis Kelamin;Agama;Kabupaten Asal;"
    "Jenis Kejahatan;Pasal;Lama Pidana;Tanggal Penahanan;Total Remisi (hari)"
)
FACTS = ";Tgl Putusan;Subsider;Subsider UP;Anak;Usia;Tgl Grasi"
ROW = (
    "BI 283/26;Lalu Ahmad;;12-03-2000;L;Islam;Lombok Timur;Pencurian;362 KUHP;2 tahun;09-05-2024;0"
)


@pytest.fixture(autouse=True)
def media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        yield


def _csv(tmp_path: Path, header: str, rows: list[str]) -> Path:
    path = tmp_path / "export.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _import(path: Path) -> str:
    out = io.StringIO()
    call_command(
        "import_inmates", str(path), "--facility", "selong", stdout=out, stderr=io.StringIO()
    )
    return out.getvalue()


def test_the_usual_spellings_of_the_new_columns_are_recognised():
    for header, key in [
        ("Tgl Putusan", "verdict_date"),
        ("Tanggal Putusan", "verdict_date"),
        ("tgl inkracht", "verdict_date"),
        ("Subsider", "fine_substitute_days"),
        ("SUBSIDAIR", "fine_substitute_days"),
        ("Pengganti Denda (hari)", "fine_substitute_days"),
        ("Subsider UP", "restitution_substitute_days"),
        ("Anak", "sentenced_as_child"),
        ("Status Anak", "sentenced_as_child"),
        ("Umur Saat Tindak Pidana", "age_at_offence"),
        ("Usia", "age_at_offence"),
        ("Tgl Perubahan Pidana", "commuted_on"),
        ("Tgl  Grasi", "commuted_on"),
    ]:
        assert recognise_headers(["Nama", header]) == {"name": 0, key: 1}, header


def test_the_new_values_are_read():
    assert parse_child("Ya") is True
    assert parse_child("anak") is True
    assert parse_child("Tidak") is False
    assert parse_child("") is False
    assert parse_age("17") == 17
    assert parse_age("17 tahun") == 17
    assert parse_age(16.0) == 16
    assert parse_age("") is None
    assert parse_substitute_days("90") == 90
    assert parse_substitute_days("90 hari") == 90
    # One month of kurungan pengganti is 30 days.
    assert parse_substitute_days("3 bulan") == 90
    assert parse_substitute_days("1 bulan 15 hari") == 45
    assert parse_substitute_days("") is None


def test_an_import_with_the_columns_stores_them_and_the_rules_use_them(demo_world, tmp_path):
    row = f"{ROW};20-04-2024;3 bulan;30;Ya;16;"
    _import(_csv(tmp_path, BASE + FACTS, [row]))
    sentence = Inmate.objects.get(registration_number="BI 283/26").sentence
    assert sentence.verdict_date == D(2024, 4, 20)
    assert sentence.fine_substitute_days == 90
    assert sentence.restitution_substitute_days == 30
    assert sentence.sentenced_as_child is True
    assert sentence.age_at_offence == 16
    assert sentence.commuted_on is None
    # A child: PB at 1/2 of 2 years from 9 May 2024 = 9 May 2025 (an adult: 8 Sep 2025).
    pb = InmateRight.objects.get(inmate=sentence.inmate, right="pb")
    assert pb.eligible_from == D(2025, 5, 9)


def test_bad_values_are_row_errors_naming_the_column(demo_world, tmp_path):
    future = (datetime.date.today() + datetime.timedelta(days=400)).strftime("%d-%m-%Y")
    row = f"{ROW};{future};banyak;-3;mungkin;200;01-01-2024"
    path = _csv(tmp_path, BASE + FACTS, [row])
    with translation.override("en"), pytest.raises(CommandError):
        _import(path)
    assert not Inmate.objects.filter(registration_number="BI 283/26").exists()
    errors = {e["column"]: e["reason"] for e in ImportBatch.objects.get().errors}
    assert "is in the future" in errors["Tgl Putusan"]
    assert "'banyak' is not a substitute term" in errors["Subsider"]
    assert "'-3' is not a substitute term" in errors["Subsider UP"]
    assert "'mungkin' is not a child status (write Ya or Tidak)" in errors["Anak"]
    assert "'200' is not an age (write the whole years, 0 to 120)" in errors["Usia"]
    assert "is before the detention start 09-05-2024" in errors["Tgl Grasi"]


def test_the_row_errors_read_in_indonesian(demo_world, tmp_path):
    row = f"{ROW};;;;mungkin;200;"
    path = _csv(tmp_path, BASE + FACTS, [row])
    with translation.override("id"), pytest.raises(CommandError):
        _import(path)
    errors = {e["column"]: e["reason"] for e in ImportBatch.objects.get().errors}
    assert errors["Anak"] == "'mungkin' bukan status anak (tulis Ya atau Tidak)"
    assert errors["Usia"] == "'200' bukan umur (tulis tahun penuh, 0 sampai 120)"


def test_a_commutation_needs_a_fixed_term(demo_world, tmp_path):
    row = (
        "BI 283/26;Lalu Ahmad;;12-03-2000;L;Islam;Lombok Timur;Pembunuhan;340 KUHP;"
        "seumur hidup;09-05-2024;0;;;;;;01-01-2025"
    )
    with translation.override("en"), pytest.raises(CommandError):
        _import(_csv(tmp_path, BASE + FACTS, [row]))
    (error,) = ImportBatch.objects.get().errors
    assert error["column"] == "Tgl Grasi"
    assert "needs the fixed term it was commuted to" in error["reason"]


def test_a_file_without_the_columns_keeps_what_was_recorded(demo_world, tmp_path, user):
    _import(_csv(tmp_path, BASE, [ROW]))
    inmate = Inmate.objects.get(registration_number="BI 283/26")
    actions.update_sentence(
        sentence=inmate.sentence,
        values={"verdict_date": D(2024, 4, 20), "age_at_offence": 17, "fine_substitute_days": 30},
        by=user("petugas.selong"),
    )
    # The same person again, the term corrected in SDP, the export without the facts.
    _import(_csv(tmp_path, BASE, [ROW.replace("2 tahun", "3 tahun")]))
    sentence = Inmate.objects.get(pk=inmate.pk).sentence
    assert sentence.term_years == 3
    assert sentence.verdict_date == D(2024, 4, 20)
    assert sentence.age_at_offence == 17
    assert sentence.fine_substitute_days == 30
    # Still a child's PB (17 at the offence): 1/2 of 3 years from 9 May 2024.
    pb = InmateRight.objects.get(inmate=inmate, right="pb")
    assert pb.eligible_from == sentence.half_date


def test_a_file_with_the_columns_empty_clears_them(demo_world, tmp_path, user):
    _import(_csv(tmp_path, BASE + FACTS, [f"{ROW};20-04-2024;90;;Ya;16;"]))
    _import(_csv(tmp_path, BASE + FACTS, [f"{ROW};;;;;;"]))
    sentence = Inmate.objects.get(registration_number="BI 283/26").sentence
    assert sentence.verdict_date is None
    assert sentence.fine_substitute_days is None
    assert sentence.sentenced_as_child is False
    assert sentence.age_at_offence is None
