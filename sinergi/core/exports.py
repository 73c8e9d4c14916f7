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
