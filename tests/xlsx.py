"""Reading the tables of the XLSX exports (written by :func:`sinergi.core.exports.tables_xlsx`):
title rows first, then the header row and the rows."""

from __future__ import annotations

from typing import Any

from sinergi.core.exports import HEADER_ROW


def table(sheet: Any) -> list[tuple[Any, ...]]:
    """The header row, then every row, as values."""
    return list(sheet.iter_rows(min_row=HEADER_ROW, values_only=True))


def records(sheet: Any) -> list[dict[str, Any]]:
    """Every row as a dictionary by header."""
    header, *rows = table(sheet)
    return [dict(zip(header, row, strict=False)) for row in rows]


def first_row(sheet: Any) -> int:
    """The sheet row of the table's first row (under the header)."""
    return HEADER_ROW + 1
