"""Writing CSV and XLSX files that are safe to open in a spreadsheet.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some
programs, a tab or a carriage return) as a formula: a value typed by one user (a
delivery's description, a name, an audit entry) could then run in the reader's Excel
(CSV or formula injection). Every CSV and XLSX export in Sinergi is written through
this module, which prefixes such text with an apostrophe, as the OWASP guidance on CSV
injection recommends. Numbers stay numbers: ``-5`` the number is left alone, ``"-5"``
the text is prefixed. A test checks that no other module writes CSV or XLSX itself.

- :func:`safe_cell` / :func:`safe_row`: one value, one row.
- :func:`csv_writer` / :func:`csv_dict_writer`: ``csv.writer`` / ``csv.DictWriter``
  that neutralise every row they write.
- :func:`tables_xlsx` / :func:`table_xlsx`: the one writer of every XLSX export, a file
  an office can print: per sheet, title rows (what, the unit, the period, when it was
  made in the unit's time zone), the header row repeated on every printed page, frozen
  panes, landscape fitted to the page's width, columns fitted, number formats (percent,
  rupiah, dd/mm/yyyy dates); names first, codes last in a hidden column
  (:class:`Column`, :class:`Formatted`, :class:`Heading`, :class:`Table`).
- :func:`new_workbook`: an openpyxl workbook whose ``save`` neutralises every cell of
  every sheet first (also cells set with ``ws.cell(...)`` or ``ws["A1"] = ...``), and
  :func:`xlsx_bytes` to get the saved file.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.utils.functional import Promise

__all__ = [
    "FORMULA_START",
    "HEADER_ROW",
    "NUMBER_FORMATS",
    "Column",
    "Formatted",
    "Heading",
    "Table",
    "csv_dict_writer",
    "csv_writer",
    "neutralise_workbook",
    "new_workbook",
    "safe_cell",
    "safe_row",
    "table_xlsx",
    "tables_xlsx",
    "unit_of_user",
    "xlsx_bytes",
]

#: The first characters that make a spreadsheet read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` with a leading apostrophe if it is text a spreadsheet would run.

    Lazy translations are turned into text; numbers, dates and ``None`` are returned as
    they are.
    """
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """Every value of a row through :func:`safe_cell`."""
    return [safe_cell(value) for value in values]


class _SafeWriter:
    """``csv.writer`` with every row neutralised."""

    def __init__(self, stream: Any, **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class _SafeDictWriter:
    """``csv.DictWriter`` with every value neutralised (the header too)."""

    def __init__(self, stream: Any, fieldnames: Sequence[str], **options: Any) -> None:
        self._writer = csv.DictWriter(stream, fieldnames=fieldnames, **options)

    def writeheader(self) -> Any:
        return self._writer.writerow({name: safe_cell(name) for name in self._writer.fieldnames})

    def writerow(self, row: Mapping[str, Any]) -> Any:
        return self._writer.writerow({key: safe_cell(value) for key, value in row.items()})

    def writerows(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: IO[str] | Any, **options: Any) -> _SafeWriter:
    """A ``csv.writer`` on ``stream`` (same options) that neutralises every cell."""
    return _SafeWriter(stream, **options)


def csv_dict_writer(
    stream: IO[str] | Any, fieldnames: Sequence[str], **options: Any
) -> _SafeDictWriter:
    """A ``csv.DictWriter`` on ``stream`` (same options) that neutralises every value."""
    return _SafeDictWriter(stream, fieldnames, **options)


def neutralise_workbook(workbook: Any) -> None:
    """Neutralise every cell of every sheet of an openpyxl workbook, in place.

    Text that starts like a formula gets its apostrophe; a cell openpyxl took for a
    formula (any text starting with ``=``) becomes that text as a string cell.
    """
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, Promise):
                    value = str(value)
                if isinstance(value, str) and (
                    cell.data_type == "f" or value.startswith(FORMULA_START)
                ):
                    cell.value = safe_cell(value)
                    cell.data_type = "s"


def new_workbook() -> Any:
    """An empty openpyxl workbook (one sheet) whose ``save`` neutralises every cell."""
    from openpyxl import Workbook

    class SafeWorkbook(Workbook):
        def save(self, filename: Any) -> None:
            neutralise_workbook(self)
            super().save(filename)

    return SafeWorkbook()


def xlsx_bytes(workbook: Any) -> bytes:
    """The workbook saved as an XLSX file, every cell neutralised."""
    neutralise_workbook(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- printable tables ------------------------------------------------------------------

#: How a column (or a single :class:`Formatted` cell) shows its values.
AUTO = "auto"  # dates as dates, times as times, decimals with their decimals, text as is
TEXT = "text"
INTEGER = "integer"
DECIMAL = "decimal"
PERCENT = "percent"  # a fraction: 0.855 is shown 85,5%
RUPIAH = "rupiah"
DATE = "date"
DATETIME = "datetime"
CODE = "code"  # an identifier for programs, not people: a hidden column at the end
LINK = "link"  # an address: clickable on screen, after the printed columns, not printed

#: The number format of each kind of value (Excel's codes; LibreOffice reads them too).
NUMBER_FORMATS = {
    INTEGER: "#,##0",
    DECIMAL: "#,##0.0#",
    PERCENT: "0.0%",
    RUPIAH: '"Rp "#,##0',
    DATE: "dd/mm/yyyy",
    DATETIME: "dd/mm/yyyy hh:mm",
}
UNPRINTED = frozenset({CODE, LINK})

#: The title rows above each table (what, which unit; the period and when), then the
#: header row, repeated on every printed page.
TITLE_ROWS = 2
HEADER_ROW = TITLE_ROWS + 1
#: Column widths, in characters: fitted to the values, within these bounds; a header
#: longer than HEADER_WRAP wraps rather than widening a column of short values.
MIN_WIDTH, MAX_WIDTH, HEADER_WRAP = 6, 50, 16
LINE_HEIGHT = 15  # points: one line of 11-point text
ZONE_LABELS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


@dataclass(frozen=True)
class Column:
    """A column of a printable table: its header (in the reader's language) and how its
    values are shown (:data:`AUTO` by default; :data:`CODE` and :data:`LINK` columns
    come after all the others)."""

    header: Any
    format: str = AUTO


@dataclass(frozen=True)
class Formatted:
    """One cell shown its own way, e.g. in a column whose rows have different units."""

    value: Any
    format: str


@dataclass(frozen=True)
class Heading:
    """The title rows of every sheet of a file: what it is, the unit it covers (facility,
    region or national), the period, and when it was made, in the unit's time zone."""

    title: str
    unit: str
    period: str
    generated_at: datetime.datetime  # aware, in ``zone``
    zone: str

    @classmethod
    def of(cls, title: Any, unit: Any, period: Any, at: datetime.datetime | None = None) -> Heading:
        """``unit``: a facility or region (a name and a ``time_zone``), another
        organisation (a name; the reader's zone), or ``None`` for the whole country
        (settings.TIME_ZONE). ``at``: when the figures were made (now by default)."""
        from django.conf import settings
        from django.utils import timezone
        from django.utils.translation import gettext as _

        if unit is None:
            name, zone = _("National"), settings.TIME_ZONE
        else:
            name = unit.name
            zone = getattr(unit, "time_zone", None) or timezone.get_current_timezone_name()
        moment = (at or timezone.now()).astimezone(ZoneInfo(zone))
        return cls(str(title), str(name), str(period), moment, zone)

    def lines(self, table: str) -> tuple[str, str]:
        from django.utils.translation import gettext as _

        what = self.title if table in ("", self.title) else f"{self.title}: {table}"
        when = _("Period: %(period)s · Generated on %(date)s at %(time)s %(zone)s") % {
            "period": self.period,
            "date": self.generated_at.strftime("%d/%m/%Y"),
            "time": self.generated_at.strftime("%H:%M"),
            "zone": ZONE_LABELS.get(self.zone, self.zone),
        }
        return f"{what} \u2014 {self.unit}", when


@dataclass(frozen=True)
class Table:
    """One sheet: its name, columns and rows; ``frozen_columns`` stay in view when the
    reader scrolls right (the names)."""

    name: Any
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    frozen_columns: int = 1


def unit_of_user(user: Any) -> Any:
    """The unit a list made for ``user`` covers: their facility (Bapas) or region, their
    units' names together when they belong to several, ``None`` (national) for an
    administrator or a user without a unit."""
    from types import SimpleNamespace

    if getattr(getattr(user, "scope", None), "is_admin", False):
        return None
    units: list[Any] = []
    for membership in getattr(user, "active_memberships", ()):
        unit = membership.facility or membership.region
        if unit is not None and unit not in units:
            units.append(unit)
    if len(units) <= 1:
        return units[0] if units else None
    return SimpleNamespace(
        name=", ".join(unit.name for unit in units), time_zone=units[0].time_zone
    )


def table_xlsx(
    heading: Heading,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    frozen_columns: int = 1,
) -> bytes:
    """A file of one printable table (see :func:`tables_xlsx`) named after the heading."""
    return tables_xlsx(heading, [Table(heading.title, columns, rows, frozen_columns)])


def tables_xlsx(heading: Heading, tables: Sequence[Table]) -> bytes:
    """A file an office can print, one sheet per table, every cell neutralised.

    Each sheet: two title rows (what and the unit; the period and when it was made),
    the header row (bold, wrapped, repeated on every printed page, with a filter), the
    rows; panes frozen under the header and right of the names; printed landscape on
    A4, fitted to the page's width, page numbers below; columns as wide as their
    values (within bounds), long text wrapped; numbers, percentages, rupiah and dates
    in their format; code columns hidden and links left out of the printed area."""
    workbook = new_workbook()
    for index, table in enumerate(tables):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        _write_table(sheet, heading, table)
    workbook.properties.title = f"{heading.title} \u2014 {heading.unit} \u2014 {heading.period}"
    workbook.properties.creator = "Sinergi"
    return xlsx_bytes(workbook)


def _sheet_name(name: Any) -> str:
    text = str(name)
    for character in "[]:*?/\\":
        text = text.replace(character, " ")
    return text.strip()[:31] or "Sheet"


def _check_order(columns: Sequence[Column]) -> None:
    unprinted = [column.format in UNPRINTED for column in columns]
    if True in unprinted and not all(unprinted[unprinted.index(True) :]):
        raise ValueError("Code and link columns come after the printed columns")


def _plain(value: Any, zone: ZoneInfo) -> Any:
    """A value a spreadsheet takes: texts for lazy translations, times without a zone
    (in the unit's), everything else as it is."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.astimezone(zone).replace(tzinfo=None)
    return value


def _format_of(value: Any, wanted: str) -> str | None:
    if wanted in NUMBER_FORMATS:
        return NUMBER_FORMATS[wanted] if value is not None and not isinstance(value, str) else None
    if wanted == AUTO:
        if isinstance(value, datetime.datetime):
            return NUMBER_FORMATS[DATETIME]
        if isinstance(value, datetime.date):
            return NUMBER_FORMATS[DATE]
        if isinstance(value, float | Decimal):
            return NUMBER_FORMATS[DECIMAL]
    return None


def _shown_length(value: Any, number_format: str | None) -> int:
    """About how many characters ``value`` takes once shown."""
    if value is None:
        return 0
    if number_format == NUMBER_FORMATS[DATE]:
        return 10
    if number_format == NUMBER_FORMATS[DATETIME]:
        return 16
    if number_format == NUMBER_FORMATS[PERCENT]:
        return 7
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        if number_format in (NUMBER_FORMATS[INTEGER], NUMBER_FORMATS[RUPIAH]):
            return len(f"{value:,.0f}") + (3 if number_format == NUMBER_FORMATS[RUPIAH] else 0)
        if number_format == NUMBER_FORMATS[DECIMAL]:
            return len(f"{value:,.2f}")
        return len(str(value))
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def _lines(length: int, width: float) -> int:
    return max(1, math.ceil(length / max(width - 2, 1)))


def _write_table(sheet: Any, heading: Heading, table: Table) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.page import PageMargins

    columns = list(table.columns)
    _check_order(columns)
    zone = ZoneInfo(heading.zone)
    sheet.title = _sheet_name(table.name)
    first, second = heading.lines(str(table.name))
    sheet.append([safe_cell(first)])
    sheet.append([safe_cell(second)])
    headers = [str(column.header) for column in columns]
    sheet.append(safe_row(headers))
    widths = [
        max(max((len(word) for word in header.split()), default=0), min(len(header), HEADER_WRAP))
        for header in headers
    ]
    long_texts: list[tuple[int, int, int]] = []  # (row, column, length) of texts to wrap
    # The sheet's row counted here: openpyxl's ``max_row`` looks at every cell written so
    # far, which made a file of N rows cost N² (an export of 4,000 people took a minute).
    row = HEADER_ROW
    for values in table.rows:
        row += 1
        cells = []
        formats = []
        for index, value in enumerate(values):
            wanted = columns[index].format if index < len(columns) else AUTO
            if isinstance(value, Formatted):
                wanted, value = value.format, value.value
            value = _plain(value, zone)
            number_format = _format_of(value, wanted)
            cells.append(safe_cell(value))
            formats.append(number_format)
            length = _shown_length(value, number_format)
            if index < len(widths):
                widths[index] = max(widths[index], min(length, MAX_WIDTH))
            if isinstance(value, str) and (length > MAX_WIDTH or "\n" in value):
                long_texts.append((row, index + 1, length + value.count("\n")))
        sheet.append(cells)
        for index, number_format in enumerate(formats, start=1):
            if number_format is not None:
                sheet.cell(row=row, column=index).number_format = number_format
            if index <= len(columns) and columns[index - 1].format == LINK:
                cell = sheet.cell(row=row, column=index)
                if isinstance(cell.value, str) and cell.value.startswith(("https://", "http://")):
                    cell.hyperlink = cell.value
                    cell.style = "Hyperlink"
    last_row = row
    count = max(len(columns), 1)
    widths = [min(max(width, MIN_WIDTH), MAX_WIDTH) + 2 for width in widths] or [MIN_WIDTH + 2]
    for index, width in enumerate(widths, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = width
        if columns and columns[index - 1].format == CODE:
            dimension.hidden = True

    # Long text wraps in its column; its row grows to show every line.
    heights: dict[int, int] = {}
    for row, column, length in long_texts:
        cell = sheet.cell(row=row, column=column)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        lines = _lines(length, widths[column - 1]) if column <= len(widths) else 1
        heights[row] = max(heights.get(row, 1), lines)
    for row, lines in heights.items():
        if lines > 1:
            sheet.row_dimensions[row].height = lines * LINE_HEIGHT

    # The header: bold on grey, wrapped, as tall as its longest header.
    header_lines = 1
    for index, header in enumerate(headers):
        cell = sheet.cell(row=HEADER_ROW, column=index + 1)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header_lines = max(header_lines, len(textwrap.wrap(header, int(widths[index]) - 1)) or 1)
    sheet.row_dimensions[HEADER_ROW].height = header_lines * LINE_HEIGHT + 2

    # The title rows span the printed columns, wrapped when longer than the table.
    printed = sum(1 for column in columns if column.format not in UNPRINTED) or 1
    page_width = sum(widths[:printed])
    for row, text, size in ((1, first, 13), (2, second, 10)):
        cell = sheet.cell(row=row, column=1)
        cell.font = Font(bold=row == 1, size=size)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if printed > 1:
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=printed)
        lines = _lines(math.ceil(len(text) * size / 11), page_width)
        sheet.row_dimensions[row].height = lines * math.ceil(LINE_HEIGHT * size / 11)

    last = get_column_letter(count)
    sheet.freeze_panes = f"{get_column_letter(table.frozen_columns + 1)}{HEADER_ROW + 1}"
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{last_row}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.print_area = f"A1:{get_column_letter(printed)}{last_row}"
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = True
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    sheet.oddFooter.center.text = "&P / &N"
