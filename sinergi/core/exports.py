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
- :func:`table_xlsx`: a list as a printable sheet (bold header row repeated on each
  printed page, frozen panes, landscape, dates as dates, columns fitted).
- :func:`new_workbook`: an openpyxl workbook whose ``save`` neutralises every cell of
  every sheet first (also cells set with ``ws.cell(...)`` or ``ws["A1"] = ...``), and
  :func:`xlsx_bytes` to get the saved file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

from django.utils.functional import Promise

__all__ = [
    "FORMULA_START",
    "csv_dict_writer",
    "csv_writer",
    "neutralise_workbook",
    "new_workbook",
    "safe_cell",
    "safe_row",
    "table_xlsx",
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


def table_xlsx(
    title: str, headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, freeze: str = "B2"
) -> bytes:
    """One sheet named ``title``: the bold ``headers`` row, then ``rows``; the header
    row frozen (with the columns left of ``freeze``) and repeated on every printed page,
    printed landscape fitted to the page width; dates stay dates (shown dd/mm/yyyy);
    columns fitted to their text (at most 50 characters wide). Every cell neutralised."""
    import datetime

    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = str(title)[:31]
    titles = [str(t) for t in headers]
    sheet.append(titles)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(t) for t in titles]
    for values in rows:
        sheet.append([safe_cell(v) for v in values])
        for index, value in enumerate(values):
            if value is not None and index < len(widths):
                widths[index] = max(widths[index], min(len(str(value)), 50))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width + 2
    for cells in sheet.iter_cols(min_row=2):
        for cell in cells:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "DD/MM/YYYY"
    sheet.freeze_panes = freeze
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    return xlsx_bytes(workbook)
