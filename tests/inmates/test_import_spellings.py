"""Imports that understand real SDP exports (issue 17): the headers' spellings, the values
as SDP writes them, the mapping page's suggestions, errors naming the person, and a NIK
whose sex digits disagree imported with a warning."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation

from sinergi.core.models import AuditEvent
from sinergi.inmates import column_guess, header_synonyms, parsing
from sinergi.inmates.models import ImportBatch, Inmate
from sinergi.proposals import sdp_import

SAMPLES = Path(__file__).resolve().parents[2] / "samples"

ACCEPTANCE_HEADER = (
    "No Reg;Nama Lengkap;Tgl Lahir;JK;Tgl Ditahan;Lama Hukuman;Jenis Kejahatan;Total Remisi"
)
ACCEPTANCE_ROWS = [
    "BI 901/26;Lalu Spelling;12-03-1990;L;10-01-2026;2 Tahun 6 Bulan;Pencurian;0",
    "BI 902/26;Baiq Ejaan;1 Februari 1995;Perempuan;2026-02-15;2 th 6 bl 15 hr;Narkotika;30",
    "BI 903/26;Made Kolom;03/04/1980;Laki-laki;15/02/2026;30 bulan;Penipuan;",
    "BI 904/26;Wayan Seumur;5 Desember 1970;L;1 Maret 2026;Seumur Hidup;Pembunuhan;0",
]


@pytest.fixture(autouse=True)
def media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        yield


def _acceptance_csv() -> bytes:
    return ("\n".join([ACCEPTANCE_HEADER, *ACCEPTANCE_ROWS]) + "\n").encode("utf-8")


def _acceptance_xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(ACCEPTANCE_HEADER.split(";"))
    for text in ACCEPTANCE_ROWS:
        cells: list[object] = list(text.split(";"))
        cells[2] = datetime.datetime(1990, 3, 12)  # a date cell
        cells[4] = 46032  # an Excel serial: 10-01-2026
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- the synonym table ------------------------------------------------------------------


@pytest.mark.parametrize("key", parsing.REQUIRED_FIELDS)
def test_each_required_field_has_at_least_five_spellings(key):
    assert len(header_synonyms.SYNONYMS[key]) >= 5


def test_no_spelling_names_two_fields():
    seen: dict[str, str] = {}
    for name, spellings in header_synonyms.SYNONYMS.items():
        for spelling in spellings:
            key = header_synonyms.header_key(spelling)
            assert seen.setdefault(key, name) == name, spelling


def test_the_standard_header_of_each_field_is_its_first_spelling():
    for spec in parsing.FIELDS:
        assert header_synonyms.SYNONYMS[spec.key][0] == spec.header


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("No Reg", "registration_number"),
        ("No. Registrasi", "registration_number"),
        ("Nomor Register", "registration_number"),
        ("No Registrasi", "registration_number"),
        ("NoReg", "registration_number"),
        ("  no.  REG. ", "registration_number"),
        ("Nama Lengkap", "name"),
        ("Nama WBP", "name"),
        ("NAMA NARAPIDANA", "name"),
        ("Tgl Ditahan", "detention_start"),
        ("Tanggal Penahanan", "detention_start"),
        ("Tgl. Penahanan", "detention_start"),
        ("TMT Penahanan", "detention_start"),
        ("Lama Hukuman", "term_text"),
        ("Pidana", "term_text"),
        ("Lama Pidana", "term_text"),
        ("Masa Pidana", "term_text"),
        ("Tgl Lahir", "birth_date"),
        ("tanggal_lahir", "birth_date"),
        ("JK", "sex"),
        ("J/K", "sex"),
        ("L/P", "sex"),
        ("Jenis Kelamin", "sex"),
        ("Tindak Pidana", "crime_text"),
        ("Pasal", "legal_articles"),
        ("Total Remisi", "remission_days"),
        ("Jumlah Remisi", "remission_days"),
        ("Total Remisi (Hari)", "remission_days"),
    ],
)
def test_common_spellings_are_recognised_whatever_the_case_spacing_and_punctuation(header, key):
    assert parsing.recognise_headers(["Catatan", header]) == {key: 1}


def test_the_acceptance_headers_need_no_mapping():
    mapping = parsing.recognise_headers(ACCEPTANCE_HEADER.split(";"))
    assert parsing.missing_required(mapping) == []
    assert len(mapping) == 8


def test_the_proposal_import_reads_the_same_spellings():
    assert sdp_import.recognise(["NoReg", "Nama WBP", "Jenis Usulan", "Status"]) == {
        "registration_number": 0,
        "name": 1,
        "right": 2,
        "status": 3,
    }
    assert (
        sdp_import.HEADERS["registration_number"]
        == (header_synonyms.SYNONYMS["registration_number"])
    )
    assert sdp_import.value_key("Sidang-TPP") == parsing.normalise_header("sidang tpp")


# --- values as SDP writes them -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 Tahun 6 Bulan", ("fixed", 2, 6, 0)),
        ("2 th 6 bl 15 hr", ("fixed", 2, 6, 15)),
        ("30 bulan", ("fixed", 0, 30, 0)),
        ("Seumur Hidup", ("life", 0, 0, 0)),
        ("Pidana Mati", ("death", 0, 0, 0)),
    ],
)
def test_sentence_lengths_as_sdp_writes_them(text, expected):
    term = parsing.parse_term(text)
    assert (term.kind, term.years, term.months, term.days) == expected


@pytest.mark.parametrize(
    "value",
    [
        "05-12-2026",
        "05/12/2026",
        "2026-12-05",
        "5 Desember 2026",
        "5 Des 2026",
        datetime.datetime(2026, 12, 5),
        46361,  # Excel's serial number of 05-12-2026
    ],
)
def test_dates_in_the_common_formats(value):
    assert parsing.parse_date(value) == datetime.date(2026, 12, 5)


@pytest.mark.parametrize(
    ("value", "sex"),
    [("L", "M"), ("P", "F"), ("Laki-laki", "M"), ("LAKI - LAKI", "M"), ("Perempuan", "F")],
)
def test_sex_as_written(value, sex):
    assert parsing.parse_sex(value) == sex


# --- acceptance: the page and the API -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [("rekap.csv", _acceptance_csv), ("rekap.xlsx", _acceptance_xlsx)],
    ids=["csv", "xlsx"],
)
def test_the_acceptance_file_imports_through_the_page_without_a_mapping(
    demo_world, client_for, django_capture_on_commit_callbacks, name, content
):
    client = client_for("petugas.selong")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/inmates/import/", {"file": SimpleUploadedFile(name, content())})
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.status == "done", (batch.message, batch.errors)
    assert batch.created_count == 4
    seumur = Inmate.objects.get(registration_number="BI 904/26")
    assert seumur.sentence.term_kind == "life"
    baiq = Inmate.objects.get(registration_number="BI 902/26")
    assert (baiq.sex, baiq.sentence.term_days, baiq.sentence.remission_days) == ("F", 15, 30)
    assert Inmate.objects.get(registration_number="BI 903/26").sentence.term_months == 30


@pytest.mark.parametrize(
    ("name", "content"),
    [("rekap.csv", _acceptance_csv), ("rekap.xlsx", _acceptance_xlsx)],
    ids=["csv", "xlsx"],
)
def test_the_acceptance_file_imports_through_the_api_without_a_mapping(
    demo_world, client_for, django_capture_on_commit_callbacks, name, content
):
    client = client_for("petugas.selong")
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            "/api/v1/inmate-imports",
            {"file": SimpleUploadedFile(name, content()), "facility": "selong"},
        )
    assert created.status_code == 201, created.content
    body = client.get(f"/api/v1/inmate-imports/{created.json()['id']}").json()
    assert (body["status"], body["created_count"], body["problems"]) == ("done", 4, [])
    assert set(body["mapping"]) >= {"registration_number", "name", "term_text", "sex"}


# --- the mapping page ---------------------------------------------------------------------

UNKNOWN = (
    "No;Reg Lapas;Nama Penghuni;Kependudukan;Lhr;Putusan PN;Masuk;Catatan\n"
    "1;BI 950/26;Lalu Tebak;5203121203900001;12-03-1990;2 Tahun 6 Bulan;10-01-2026;baik\n"
    "2;B I 951 / 26;Baiq Duga;5203124102950002;01/02/1995;1 th 6 bl;15-02-2026;\n"
    "3;BI.952/26;Made Kira;;3 April 1980;30 bulan;01-03-2026;pindahan\n"
)


def test_columns_are_suggested_by_their_values():
    table = list(csv.reader(io.StringIO(UNKNOWN), delimiter=";"))
    suggested = column_guess.suggest(table[0], table[1:], {}, datetime.date(2026, 12, 5))
    assert suggested == {
        "registration_number": 1,
        "name": 2,
        "nik": 3,
        "birth_date": 4,
        "term_text": 5,
        "detention_start": 6,
    }


def test_a_column_already_mapped_is_not_suggested_again():
    table = list(csv.reader(io.StringIO(UNKNOWN), delimiter=";"))
    suggested = column_guess.suggest(
        table[0], table[1:], {"registration_number": 1, "detention_start": 6}, datetime.date.today()
    )
    assert "registration_number" not in suggested and 6 not in suggested.values()
    assert suggested["birth_date"] == 4


def test_the_mapping_page_shows_the_first_rows_marks_required_and_suggests_columns(
    demo_world, client_for, django_capture_on_commit_callbacks
):
    client = client_for("petugas.selong")
    client.post(
        "/inmates/import/", {"file": SimpleUploadedFile("daftar.csv", UNKNOWN.encode("utf-8"))}
    )
    batch = ImportBatch.objects.get()
    assert batch.status == "mapping"
    page = client.get(batch.get_absolute_url())
    html = page.content.decode()
    assert "Lalu Tebak" in html and "Baiq Duga" in html  # the first rows
    form = page.context["form"]
    assert {name for name, field in form.fields.items() if field.required} == set(
        parsing.REQUIRED_FIELDS
    )
    assert html.count("wajib") >= 4  # the required fields are marked (in Indonesian)
    initial = {name: form[name].initial for name in form.fields}
    assert (initial["registration_number"], initial["name"], initial["term_text"]) == (
        "1",
        "2",
        "5",
    )
    assert initial["detention_start"] == "6" and initial["birth_date"] == "4"
    assert "disarankan" in html
    assert AuditEvent.objects.filter(action="import.view", target_id=str(batch.pk)).exists()
    # The user changes one suggestion (no NIK) and confirms: kept with the import, audited.
    chosen = {key: value for key, value in initial.items() if value not in ("", None)}
    chosen.pop("nik")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(batch.get_absolute_url(), chosen).status_code == 302
    batch.refresh_from_db()
    assert batch.status == "done", (batch.message, batch.errors)
    assert "nik" not in batch.mapping and batch.mapping["term_text"] == 5
    event = AuditEvent.objects.get(action="import.mapping")
    assert event.changes["columns"]["term_text"] == "Putusan PN"
    assert Inmate.objects.get(registration_number="BI 951/26").nik == ""


def test_the_api_shows_the_suggestions_and_takes_the_mapping(
    demo_world, client_for, django_capture_on_commit_callbacks
):
    client = client_for("petugas.selong")
    created = client.post(
        "/api/v1/inmate-imports",
        {"file": SimpleUploadedFile("daftar.csv", UNKNOWN.encode("utf-8"))},
    ).json()
    assert created["status"] == "mapping"
    shown = client.get(f"/api/v1/inmate-imports/{created['id']}/mapping").json()
    fields = {f["field"]: f for f in shown["fields"]}
    assert fields["term_text"]["required"] and fields["term_text"]["suggested"] == 5
    assert shown["rows"][0][2] == "Lalu Tebak"
    mapping = {k: f["suggested"] for k, f in fields.items() if f["suggested"] is not None}
    refused = client.put(
        f"/api/v1/inmate-imports/{created['id']}/mapping",
        {"mapping": {"name": 2}},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert "registration_number" in refused.json()["errors"]
    with django_capture_on_commit_callbacks(execute=True):
        done = client.put(
            f"/api/v1/inmate-imports/{created['id']}/mapping",
            {"mapping": mapping},
            content_type="application/json",
        )
    assert done.status_code == 200, done.content
    again = client.put(
        f"/api/v1/inmate-imports/{created['id']}/mapping",
        {"mapping": mapping},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert Inmate.objects.filter(registration_number="BI 952/26").exists()


def test_another_facility_cannot_read_the_mapping(demo_world, client_for):
    client_for("petugas.selong").post(
        "/inmates/import/", {"file": SimpleUploadedFile("daftar.csv", UNKNOWN.encode("utf-8"))}
    )
    batch = ImportBatch.objects.get()
    assert (
        client_for("petugas.lobar").get(f"/api/v1/inmate-imports/{batch.pk}/mapping").status_code
        == 404
    )
    assert (
        client_for("mitra.disnaker").get(f"/api/v1/inmate-imports/{batch.pk}/mapping").status_code
        == 403
    )


# --- errors naming the person, in the user's language ----------------------------------


def test_error_rows_name_the_person_and_the_report_speaks_indonesian(
    demo_world, client_for, django_capture_on_commit_callbacks
):
    rows = [ACCEPTANCE_ROWS[0], ACCEPTANCE_ROWS[1].replace("2 th 6 bl 15 hr", "dua tahun")]
    content = "\n".join([ACCEPTANCE_HEADER, *rows]).encode()
    client = client_for("petugas.selong")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/inmates/import/", {"file": SimpleUploadedFile("salah.csv", content)})
    batch = ImportBatch.objects.get()
    assert batch.status == "invalid"
    assert [(e["line"], e["name"], e["registration_number"]) for e in batch.errors] == [
        (3, "Baiq Ejaan", "BI 902/26")
    ]
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "Baiq Ejaan" in page
    # The rows name people: the read is audited, on the page as in the API.
    assert AuditEvent.objects.filter(action="import.view", target_id=str(batch.pk)).count() == 1
    body = client.get(f"/api/v1/inmate-imports/{batch.pk}").json()
    assert [(p["name"], p["registration_number"]) for p in body["problems"]] == [
        ("Baiq Ejaan", "BI 902/26")
    ]
    assert AuditEvent.objects.filter(action="import.view", target_id=str(batch.pk)).count() == 2
    report = client.get(f"/inmates/import/{batch.pk}/errors.csv").content.decode()
    lines = list(csv.reader(io.StringIO(report)))
    assert lines[0] == [
        "Baris",
        "Nama",
        "Nomor registrasi",
        "Kolom",
        "Nilai",
        "Alasan",
        "Peringatan",
    ]
    assert lines[1][:5] == ["3", "Baiq Ejaan", "BI 902/26", "Lama Hukuman", "dua tahun"]


def test_the_error_report_headers_follow_the_language():
    error = parsing.RowError(2, "NIK", "nik", "1", "bad", name="A", registration_number="BI 1/26")
    with translation.override("en"):
        header = parsing.errors_to_csv([error]).splitlines()[0]
    assert header == "Line,Name,Registration number,Column,Value,Reason,Warning"


# --- a NIK that disagrees with the sex: imported, flagged ------------------------------

NIK_HEADER = "No Reg;Nama Lengkap;NIK;Tgl Lahir;JK;Tgl Ditahan;Lama Hukuman"
# A woman's NIK (day 12 + 40 = 52) on a row that says L.
NIK_ROW = "BI 960/26;Lalu Salah Kode;5203125203900001;12-03-1990;L;10-01-2026;2 tahun"


def test_a_nik_whose_sex_digits_disagree_is_a_warning_not_a_refusal(
    demo_world, client_for, django_capture_on_commit_callbacks
):
    right = "BI 962/26;Baiq Benar;5203124102950002;01-02-1995;P;15-02-2026;3 tahun"
    content = "\n".join([NIK_HEADER, NIK_ROW, right]).encode()
    client = client_for("petugas.selong")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/inmates/import/", {"file": SimpleUploadedFile("nik.csv", content)})
    batch = ImportBatch.objects.get()
    assert batch.status == "done", batch.errors
    assert batch.created_count == 2
    warning = next(e for e in batch.errors if e["field"] == "nik")
    assert warning["warning"] and warning["name"] == "Lalu Salah Kode"
    assert warning["line"] == 2
    inmate = Inmate.objects.get(registration_number="BI 960/26")
    assert inmate.nik == "5203125203900001" and inmate.sex == "M"
    assert inmate.nik_sex_conflict  # flagged for correction
    assert inmate.nik_sex_conflict in client.get(inmate.get_absolute_url()).content.decode()
    page = client.get(batch.get_absolute_url()).content.decode()
    assert f'<a href="{inmate.get_absolute_url()}">Lalu Salah Kode</a>' in page  # to correct
    report = client.get(f"/inmates/import/{batch.pk}/errors.csv").content.decode()
    assert list(csv.reader(io.StringIO(report)))[1][-1] == "ya"
    # Corrected: the flag goes.
    inmate.sex = "F"
    assert inmate.nik_sex_conflict == ""


def test_the_nik_warning_comes_with_the_errors_of_a_refused_file(demo_world, tmp_path):
    bad = "BI 961/26;Lalu Salah Pidana;;12-03-1990;L;10-01-2026;dua tahun"
    content = "\n".join([NIK_HEADER, NIK_ROW, bad]).encode()
    path = tmp_path / "nik.csv"
    path.write_bytes(content)
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"^1 problem"):
        call_command(
            "import_inmates",
            str(path),
            "--facility",
            "selong",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    batch = ImportBatch.objects.get()
    assert [(e["line"], bool(e.get("warning"))) for e in batch.errors] == [(2, True), (3, False)]
