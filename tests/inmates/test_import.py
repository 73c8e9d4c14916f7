"""Importing SDP exports: all or nothing, idempotent, history kept, mapping remembered."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from sinergi.inmates.models import ColumnMapping, ImportBatch, Inmate

pytestmark = pytest.mark.django_db

HEADER = (
    "No. Registrasi;Nama;NIK;Tanggal Lahir;Jenis Kelamin;Agama;Kabupaten Asal;"
    "Jenis Kejahatan;Pasal;Lama Pidana;Tanggal Penahanan;Total Remisi (hari)"
)
ROWS = [
    "B I 283 / 26;Lalu Ahmad Hidayat;;12-03-1990;L;Islam;Lombok Timur;Pencurian;362 KUHP;"
    "2 tahun 6 bulan;10-01-2025;0",
    "BI.284/26;Baiq Nurul Aini;;1 Februari 1995;P;Islam;Lombok Timur;Narkotika;112;"
    "5 th 6 bl;15/02/2025;30",
    "BI 285/26;Made Wirawan;;;L;Hindu;Lombok Barat;Tipikor;Pasal 3;4 tahun;2024-06-01;0",
]


@pytest.fixture(autouse=True)
def media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        yield


def _csv(tmp_path: Path, rows: list[str], name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _import(path: Path, *extra: str) -> str:
    out = io.StringIO()
    call_command(
        "import_inmates",
        str(path),
        "--facility",
        "selong",
        *extra,
        stdout=out,
        stderr=io.StringIO(),
    )
    return out.getvalue()


def test_import_creates_inmates_with_normalised_numbers_and_dates(demo_world, tmp_path):
    output = _import(_csv(tmp_path, ROWS))
    assert "created 3" in output
    numbers = set(
        Inmate.objects.filter(facility__code="selong").values_list("registration_number", flat=True)
    )
    assert {"BI 283/26", "BI 284/26", "BI 285/26"} <= numbers
    baiq = Inmate.objects.get(registration_number="BI 284/26")
    assert baiq.sentence.crime_category == "narcotics"
    assert baiq.sentence.crime_text == "Narkotika"
    assert (baiq.sentence.term_years, baiq.sentence.term_months) == (5, 6)
    assert baiq.sentence.remission_days == 30
    assert baiq.sentence.expiry_after_remission is not None
    assert baiq.rights.count() == 5


def test_reimporting_the_same_file_changes_nothing(demo_world, tmp_path):
    path = _csv(tmp_path, ROWS)
    _import(path)
    history = Inmate.history.count()
    output = _import(path)
    assert "created 0, updated 0, unchanged 3" in output
    assert Inmate.history.count() == history


def test_a_changed_row_updates_the_inmate_and_keeps_history(demo_world, tmp_path):
    _import(_csv(tmp_path, ROWS))
    changed = [ROWS[0].replace("Lalu Ahmad Hidayat", "Lalu Ahmad Hidayatullah"), *ROWS[1:]]
    output = _import(_csv(tmp_path, changed, "export2.csv"))
    assert "updated 1" in output
    inmate = Inmate.objects.get(registration_number="BI 283/26")
    assert inmate.name == "Lalu Ahmad Hidayatullah"
    assert [h.name for h in inmate.history.all()][:2] == [
        "Lalu Ahmad Hidayatullah",
        "Lalu Ahmad Hidayat",
    ]


def test_one_bad_row_among_many_writes_nothing_and_names_the_row(demo_world, tmp_path):
    before = Inmate.objects.count()
    rows = [
        f"BI {300 + n}/26;Warga {n};;;L;Islam;Lombok Timur;Pencurian;362;1 tahun;10-01-2025;0"
        for n in range(200)
    ]
    rows[120] = "BI 999/26;Salah Tanggal;;;L;Islam;Lombok Timur;Pencurian;362;1 tahun;31-13-2024;0"
    with pytest.raises(CommandError, match="1 problem"):
        _import(_csv(tmp_path, rows))
    assert Inmate.objects.count() == before
    batch = ImportBatch.objects.get()
    assert batch.status == "invalid"
    assert [(e["line"], e["column"]) for e in batch.errors] == [
        (122, "Tanggal Penahanan")
    ]  # row 121 of data, after the header


def test_dry_run_writes_nothing(demo_world, tmp_path):
    before = Inmate.objects.count()
    assert "would create 3" in _import(_csv(tmp_path, ROWS), "--dry-run")
    assert Inmate.objects.count() == before


def test_duplicate_spellings_in_one_file_are_reported(demo_world, tmp_path):
    from django.utils import translation

    rows = [*ROWS, ROWS[0].replace("B I 283 / 26", "BI.283/26")]
    with pytest.raises(CommandError), translation.override("en"):
        _import(_csv(tmp_path, rows))
    assert "line 2" in ImportBatch.objects.get().errors[0]["reason"]


def test_unknown_facility_code_is_a_clear_error(demo_world, tmp_path):
    with pytest.raises(CommandError, match="No facility with code"):
        call_command("import_inmates", str(_csv(tmp_path, ROWS)), "--facility", "nowhere")


def test_xlsx_with_date_cells_imports(demo_world, tmp_path):
    import datetime

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["NAMA", "no. registrasi", "Lama Pidana", "Tanggal Penahanan"])
    sheet.append(["Lalu Excel", "BI 401/26", "3 tahun", datetime.datetime(2025, 3, 1)])
    path = tmp_path / "export.xlsx"
    book.save(path)
    assert "created 1" in _import(path)
    assert Inmate.objects.get(registration_number="BI 401/26").sentence.detention_start == (
        datetime.date(2025, 3, 1)
    )


def test_unrecognised_headers_go_through_mapping_which_is_remembered(
    demo_world, client_for, django_capture_on_commit_callbacks
):
    client = client_for("petugas.selong")
    # A hand-kept register's own headers: none is a spelling the import knows.
    content = b"Reg Lapas,Nama Penghuni,Putusan PN,Masuk\nBI 501/26,Lalu Peta,2 tahun,01-02-2025\n"
    response = client.post(
        "/inmates/import/",
        {"file": SimpleUploadedFile("custom.csv", content, content_type="text/csv")},
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert batch.status == "mapping"
    page = client.get(f"/inmates/import/{batch.pk}/")
    assert page.status_code == 200
    mapping = {"registration_number": "0", "name": "1", "term_text": "2", "detention_start": "3"}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/inmates/import/{batch.pk}/", mapping).status_code == 302
    batch.refresh_from_db()
    assert batch.status == "done", batch.message
    assert Inmate.objects.filter(registration_number="BI 501/26").exists()
    assert ColumnMapping.objects.get(facility__code="selong").mapping["name"] == "Nama Penghuni"
    # The next file with the same headers needs no mapping.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/inmates/import/",
            {"file": SimpleUploadedFile("custom2.csv", content, content_type="text/csv")},
        )
    assert ImportBatch.objects.order_by("-pk").first().status == "done"


def test_upload_page_shows_the_error_report_and_csv(
    demo_world, client_for, django_capture_on_commit_callbacks
):
    client = client_for("petugas.selong")
    content = (HEADER + "\n" + ROWS[0].replace("2 tahun 6 bulan", "tiga tahun") + "\n").encode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/inmates/import/", {"file": SimpleUploadedFile("bad.csv", content)})
    batch = ImportBatch.objects.get()
    page = client.get(f"/inmates/import/{batch.pk}/").content.decode()
    assert "Lama Pidana" in page
    report = client.get(f"/inmates/import/{batch.pk}/errors.csv").content.decode()
    # In the user's language (Indonesian by default), each row naming its person.
    assert report.splitlines()[0] == "Baris,Nama,Nomor registrasi,Kolom,Nilai,Alasan,Peringatan"
    assert report.splitlines()[1].startswith(
        "2,Lalu Ahmad Hidayat,BI 283/26,Lama Pidana,tiga tahun,"
    )


def test_another_facilitys_officer_cannot_open_the_import(demo_world, client_for, tmp_path):
    _import(_csv(tmp_path, ROWS))
    batch = ImportBatch.objects.get()
    assert client_for("petugas.lobar").get(f"/inmates/import/{batch.pk}/").status_code == 404


def test_upload_rejects_other_file_types(demo_world, client_for):
    response = client_for("petugas.selong").post(
        "/inmates/import/", {"file": SimpleUploadedFile("x.pdf", b"%PDF")}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_the_write_phase_is_announced_before_it_starts_and_cleared_after(
    demo_world, tmp_path, monkeypatch
):
    """The page says that the checked rows are being written, from a committed change
    made before the first chunk is written."""
    from sinergi.inmates import importer

    seen = {}
    write = importer._write

    def watching(batch, today):
        stored = ImportBatch.objects.get(pk=batch.pk)
        seen["writing"] = stored.is_writing
        seen["checked"] = stored.processed_rows
        return write(batch, today)

    monkeypatch.setattr(importer, "_write", watching)
    _import(_csv(tmp_path, ROWS))
    batch = ImportBatch.objects.latest("created_at")
    assert seen == {"writing": True, "checked": 3}
    assert batch.status == "done"
    assert not batch.is_writing
    assert batch.message == ""


def test_the_page_of_an_import_being_written_says_so(demo_world, client_for):
    from sinergi.orgs.models import Facility

    batch = ImportBatch.objects.create(
        facility=Facility.objects.get(code="selong"),
        filename="export.csv",
        status="running",
        total_rows=60000,
        processed_rows=60000,
        message=ImportBatch.WRITING,
    )
    page = client_for("petugas.selong").get(f"/inmates/import/{batch.pk}/", language="en")
    html = page.content.decode()
    assert "Writing 60000 rows" in html or "Writing 60,000 rows" in html
    assert 'hx-trigger="every 2s"' in html
    assert "Rows checked" not in html


def _checked(client, django_capture_on_commit_callbacks) -> ImportBatch:
    content = (HEADER + "\n" + "\n".join(ROWS) + "\n").encode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/inmates/import/",
            {"file": SimpleUploadedFile("export.csv", content), "dry_run": "on"},
        )
    return ImportBatch.objects.get()


def test_a_checked_file_is_imported_from_its_page_without_uploading_it_again(
    demo_world, client_for, django_capture_on_commit_callbacks
):
    client = client_for("petugas.selong")
    checked = _checked(client, django_capture_on_commit_callbacks)
    before = Inmate.objects.count()
    page = client.get(f"/inmates/import/{checked.pk}/", language="en").content.decode()
    assert "Checked: every row is valid" in page
    assert "Import this file now" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/inmates/import/{checked.pk}/import/")
    imported = ImportBatch.objects.exclude(pk=checked.pk).get()
    assert response.status_code == 302 and response["Location"] == imported.get_absolute_url()
    assert (imported.status, imported.dry_run, imported.created_count) == ("done", False, 3)
    assert Inmate.objects.count() == before + 3
    assert imported.stored_path == checked.stored_path


def test_only_a_successful_check_can_be_imported_and_only_by_its_facility(
    demo_world, client_for, django_capture_on_commit_callbacks, tmp_path
):
    checked = _checked(client_for("petugas.selong"), django_capture_on_commit_callbacks)
    assert (
        client_for("petugas.lobar").post(f"/inmates/import/{checked.pk}/import/").status_code == 404
    )
    assert client_for("mitra.disnaker").post(
        f"/inmates/import/{checked.pk}/import/"
    ).status_code in (403, 404)
    _import(_csv(tmp_path, ROWS))  # a real import, not a check
    real = ImportBatch.objects.exclude(pk=checked.pk).get()
    client = client_for("petugas.selong")
    assert client.post(f"/inmates/import/{real.pk}/import/").status_code == 302
    assert ImportBatch.objects.count() == 2
    assert client.get(f"/inmates/import/{checked.pk}/import/").status_code == 405


def test_a_detention_start_is_judged_by_the_facilitys_date(demo_world, tmp_path):
    from unittest import mock

    from django.utils import timezone

    # 16:30 UTC on 30 November: already 1 December in Selong (WITA), not yet in Jakarta.
    evening = datetime.datetime(2026, 11, 30, 16, 30, tzinfo=datetime.UTC)
    row = "BI 301/26;Lalu Zainal;;;L;Islam;Lombok Timur;Pencurian;362 KUHP;1 tahun;{day};0"
    with mock.patch("django.utils.timezone.now", return_value=evening):
        assert timezone.localdate() == datetime.date(2026, 11, 30)
        with pytest.raises(CommandError):
            _import(_csv(tmp_path, [row.format(day="02-12-2026")]))
        assert "created 1" in _import(_csv(tmp_path, [row.format(day="01-12-2026")]))
    inmate = Inmate.objects.get(registration_number="BI 301/26")
    assert inmate.sentence.detention_start == datetime.date(2026, 12, 1)
