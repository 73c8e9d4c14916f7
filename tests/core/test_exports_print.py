"""Spreadsheets an office can print (issue 17): one writer for every XLSX export, which
puts names first and codes in a hidden last column, prints landscape fitted to the
page's width under a repeated header, freezes the panes under it, fits the columns,
formats numbers, percentages, rupiah and dates, and titles each sheet with the unit,
the period and when it was made (in the unit's time zone)."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from sinergi.accounts.models import User
from sinergi.core import exports
from sinergi.core.exports import HEADER_ROW, NUMBER_FORMATS
from sinergi.indicators import actions
from sinergi.indicators.catalogue import BY_ID
from sinergi.orgs.models import Facility, Region
from tests.inmates.factories import InmateFactory
from tests.xlsx import table

CODE_LIKE = re.compile(r"^[a-z0-9_]+\.[a-z0-9_]+$")  # "participation.enrolled_share"
WHEN = re.compile(
    r"\d\d/\d\d/\d{4} pukul \d\d:\d\d (WIB|WITA|WIT)$"
)  # the Indonesian title row's end


def _book(content: bytes) -> Any:
    return load_workbook(io.BytesIO(content))


def _report(client_for: Any, capture: Any) -> bytes:
    selong = Facility.objects.get(code="selong")
    # Last month: the demo's people are in custody, its figures have values.
    month = (selong.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    with translation.override("id"), capture(execute=True):
        report = actions.request_report(
            facility=selong, month=month, by=User.objects.get(username="kalapas.selong")
        )
    report.refresh_from_db()
    with report.xlsx.open("rb") as handle:
        return handle.read()


def _download(client_for: Any, username: str, url: str) -> bytes:
    response = client_for(username).get(url, language="id")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return response.content


def _selong_records(client_for: Any, capture: Any) -> bytes:
    pk = Facility.objects.get(code="selong").pk
    url = f"/indicators/participation.enrolled_share/records/?scope=facility&id={pk}"
    return _download(client_for, "admin", url + "&period=2025-08&format=xlsx")


def _national_records(client_for: Any, capture: Any) -> bytes:
    url = "/indicators/participation.enrolled_share/records/?scope=national"
    return _download(client_for, "admin", url + "&period=2025-08&format=xlsx")


def _rights(client_for: Any, capture: Any) -> bytes:
    return _download(client_for, "petugas.selong", "/inmates/rights/export.xlsx")


def _worklist(client_for: Any, capture: Any) -> bytes:
    return _download(client_for, "petugas.selong", "/reintegration/export/")


#: Every XLSX export: how to get it, the unit its title names, the first header (the
#: names) in Indonesian.
EXPORTS = {
    "monthly-report": (_report, "Lapas Kelas IIB Selong", "Indikator"),
    "records-facility": (_selong_records, "Lapas Kelas IIB Selong", "Nama"),
    "records-national": (_national_records, "Nasional", "Nama"),
    "rights-pipeline": (_rights, "Lapas Kelas IIB Selong", "Nama"),
    "release-worklist": (_worklist, "Lapas Kelas IIB Selong", "Nama"),
}


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_every_xlsx_export_is_set_up_to_print(name, client_for, django_capture_on_commit_callbacks):
    build, unit, first_header = EXPORTS[name]
    book = _book(build(client_for, django_capture_on_commit_callbacks))
    assert book.worksheets
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert setup.orientation == "landscape", sheet.title
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert int(setup.paperSize) == int(sheet.PAPERSIZE_A4)
        assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
        assert re.fullmatch(rf"[B-Z]{HEADER_ROW + 1}", sheet.freeze_panes)

        # The title rows: what, the unit; the period and when, in the unit's zone.
        assert sheet["A1"].value.endswith(f"\u2014 {unit}"), sheet["A1"].value
        assert sheet["A1"].font.bold
        assert sheet["A2"].value.startswith("Periode: ")
        assert WHEN.search(sheet["A2"].value), sheet["A2"].value

        # The header: in the reader's language, bold; names first, codes last.
        header, *rows = table(sheet)
        assert all(sheet.cell(row=HEADER_ROW, column=n).font.bold for n in range(1, 3))
        if sheet is book.worksheets[0]:
            assert header[0] == first_header
        assert not any(isinstance(row[0], str) and CODE_LIKE.match(row[0]) for row in rows)
        hidden = [
            n
            for n in range(1, len(header) + 1)
            if sheet.column_dimensions[get_column_letter(n)].hidden
        ]
        assert hidden == list(range(len(header) - len(hidden) + 1, len(header) + 1))
        area = sheet.print_area[0] if isinstance(sheet.print_area, list) else sheet.print_area
        last_printed = area.split(":")[1].lstrip("$").rstrip("0123456789$")
        assert all(
            get_column_letter(n) > last_printed or len(get_column_letter(n)) > len(last_printed)
            for n in hidden
        )

        # Widths fitted within bounds; dates, numbers, percentages and rupiah formatted.
        for n in range(1, len(header) + 1):
            width = sheet.column_dimensions[get_column_letter(n)].width
            assert exports.MIN_WIDTH + 2 <= width <= exports.MAX_WIDTH + 2
        for cells in sheet.iter_rows(min_row=HEADER_ROW + 1):
            for cell in cells:
                if isinstance(cell.value, datetime.datetime):
                    assert cell.number_format in (
                        NUMBER_FORMATS[exports.DATE],
                        NUMBER_FORMATS[exports.DATETIME],
                    )
                elif isinstance(cell.value, float | Decimal):
                    assert cell.number_format in NUMBER_FORMATS.values()


@pytest.mark.django_db
def test_the_monthly_report_names_each_indicator_first_and_hides_its_code(
    client_for, django_capture_on_commit_callbacks
):
    InmateFactory(facility=Facility.objects.get(code="selong"))  # a share to show as %
    book = _book(_report(client_for, django_capture_on_commit_callbacks))
    sheet = book.worksheets[0]
    header, *rows = table(sheet)
    assert (header[0], header[-1]) == ("Indikator", "ID indikator")
    assert sheet.column_dimensions[get_column_letter(len(header))].hidden
    by_code = {row[-1]: row for row in rows}
    assert by_code["participation.enrolled_share"][0] == "WBP yang mengikuti program"
    assert all(CODE_LIKE.match(code) for code in by_code)
    expected = {"percent": exports.PERCENT, "rupiah": exports.RUPIAH, "people": exports.INTEGER}
    shown = set()
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
        unit = BY_ID[row[-1].value].unit
        if row[1].value is not None:
            wanted = NUMBER_FORMATS[expected.get(unit, exports.INTEGER)]
            if unit in ("hours", "days", "score"):
                wanted = NUMBER_FORMATS[exports.DECIMAL]
            assert row[1].number_format == wanted, row[-1].value
            shown.add(unit)
    assert "percent" in shown
    assert book["Kerja sama"].cell(row=HEADER_ROW, column=9).value == "Nilai (Rp)"


# -- the writer ----------------------------------------------------------------------


def _written(columns, rows, unit: Any = None, **options) -> Any:
    heading = exports.Heading.of("Daftar", unit, "Agustus 2025")
    return _book(exports.table_xlsx(heading, columns, rows, **options)).active


def test_the_writer_formats_percent_rupiah_dates_and_times_in_the_units_zone():
    column = exports.Column
    mataram = SimpleNamespace(name="Lapas Mataram", time_zone="Asia/Makassar")
    moment = datetime.datetime(2025, 8, 5, 23, 30, tzinfo=datetime.UTC)
    sheet = _written(
        [
            column("Nama"),
            column("Persen", exports.PERCENT),
            column("Nilai", exports.RUPIAH),
            column("Tanggal", exports.DATE),
            column("Waktu"),
            column("Jumlah", exports.INTEGER),
            column("Campur"),
        ],
        [
            [
                "Lalu Ahmad",
                0.855,
                Decimal(1_500_000),
                datetime.date(2025, 8, 5),
                moment,
                1234,
                exports.Formatted(0.5, exports.PERCENT),
            ],
            ["Baiq Nur", None, None, None, None, None, "teks"],
        ],
        mataram,
    )
    row = sheet[HEADER_ROW + 1]
    assert [cell.number_format for cell in row] == [
        "General",
        "0.0%",
        '"Rp "#,##0',
        "dd/mm/yyyy",
        "dd/mm/yyyy hh:mm",
        "#,##0",
        "0.0%",
    ]
    assert row[4].value == datetime.datetime(2025, 8, 6, 7, 30)  # WITA, UTC+8
    assert sheet.cell(row=HEADER_ROW + 2, column=7).number_format == "General"
    assert sheet["A1"].value == "Daftar \u2014 Lapas Mataram"
    assert sheet["A2"].value.endswith("WITA")


def test_a_title_names_the_country_and_wib_for_a_national_list(settings):
    settings.TIME_ZONE = "Asia/Jakarta"
    moment = timezone.make_aware(datetime.datetime(2025, 8, 31, 23, 0), datetime.UTC)
    with translation.override("id"):
        heading = exports.Heading.of("Rekap", None, "Agustus 2025", at=moment)
        assert heading.lines("Rekap") == (
            "Rekap \u2014 Nasional",
            "Periode: Agustus 2025 · Dibuat 01/09/2025 pukul 06:00 WIB",
        )
    with translation.override("en"):
        region = SimpleNamespace(name="Kanwil Papua", time_zone="Asia/Jayapura")
        heading = exports.Heading.of("Summary", region, "August 2025", at=moment)
        assert heading.lines("Sheet") == (
            "Summary: Sheet \u2014 Kanwil Papua",
            "Period: August 2025 · Generated on 01/09/2025 at 08:00 WIT",
        )


def test_codes_are_hidden_and_links_left_out_of_the_printed_page():
    column = exports.Column
    sheet = _written(
        [column("Nama"), column("Tautan", exports.LINK), column("Kode", exports.CODE)],
        [["Lalu Ahmad", "https://sinergi.example/inmates/1/", "participation.x"]],
    )
    assert sheet.column_dimensions["C"].hidden and not sheet.column_dimensions["B"].hidden
    assert sheet.print_area.endswith("$A$1:$A$4")
    assert sheet["B4"].hyperlink.target == "https://sinergi.example/inmates/1/"


def test_a_code_before_a_name_is_refused():
    column = exports.Column
    with pytest.raises(ValueError, match="after the printed columns"):
        _written([column("Kode", exports.CODE), column("Nama")], [])


def test_columns_fit_their_values_within_bounds_and_long_text_wraps():
    long = "panjang " * 20
    sheet = _written(
        [exports.Column("No"), exports.Column("Keterangan yang sangat panjang sekali")],
        [[1, long.strip()], [2, "pendek"]],
    )
    assert sheet.column_dimensions["A"].width == exports.MIN_WIDTH + 2
    assert sheet.column_dimensions["B"].width == exports.MAX_WIDTH + 2
    assert sheet["B4"].alignment.wrap_text
    assert sheet.row_dimensions[4].height == 4 * exports.LINE_HEIGHT
    assert sheet.row_dimensions[5].height is None
    assert sheet[f"B{HEADER_ROW}"].alignment.wrap_text  # a long header wraps


def test_every_cell_of_a_printable_table_is_neutralised():
    sheet = _written(
        [exports.Column("Nama")], [['=HYPERLINK("http://evil")'], ["-2+3"]], frozen_columns=1
    )
    assert [row[0] for row in table(sheet)[1:]] == ['\'=HYPERLINK("http://evil")', "'-2+3"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.django_db
def test_the_unit_of_a_list_is_the_users_facility_region_or_the_country(user):
    assert exports.unit_of_user(user("petugas.selong")) == Facility.objects.get(code="selong")
    kanwil = exports.unit_of_user(user("kanwil.ntb"))
    assert isinstance(kanwil, Region)
    assert exports.unit_of_user(user("admin")) is None


def test_writing_a_table_does_not_look_at_every_cell_per_row(monkeypatch):
    """openpyxl's ``max_row`` scans every cell written so far: read once per row, a file
    of N rows cost N² (an export of 4,000 people took a minute). The writer counts its
    rows itself."""
    from openpyxl.worksheet.worksheet import Worksheet

    looked = []
    original = Worksheet.max_row

    def counting(sheet):
        looked.append(1)
        return original.fget(sheet)

    monkeypatch.setattr(Worksheet, "max_row", property(counting))

    def build(n):
        looked.clear()
        exports.table_xlsx(
            exports.Heading.of("T", None, "P"),
            [exports.Column("a"), exports.Column("b")],
            ([i, f"x{i}"] for i in range(n)),
        )
        return len(looked)

    assert build(200) == build(10)
