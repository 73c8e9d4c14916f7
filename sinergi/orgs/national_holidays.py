"""The national holidays and collective leave days (SKB 3 Menteri) as data: the CSV file
shipped with Sinergi (orgs/data/national_holidays.csv) and those a superuser loads for a
later year (``manage.py load_national_holidays``). Reading is separate from saving so
that the data migration saves with its own (historical) model.

``national_holidays()`` reads them once per request (a list of a hundred proposals makes
one query for them, not a hundred); outside a request (commands, tasks, tests calling
the functions) each time, so nothing stale outlives a change. Each facility's days off,
these and its own holidays, are programs/days_off.py's."""

from __future__ import annotations

import csv
import datetime
import io
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from sinergi.orgs.models import NationalHolidayKind

SHIPPED = Path(__file__).resolve().parent / "data" / "national_holidays.csv"
COLUMNS = ("date", "kind", "name", "source")
MAX_NAME = 120
MAX_SOURCE = 200


class HolidayFileError(ValueError):
    """A line of a national holidays file that cannot be loaded."""


@dataclass(frozen=True)
class Row:
    date: datetime.date
    kind: str
    name: str
    source: str


def read_csv(text: str) -> list[Row]:
    """The rows of a national holidays file: a header ``date,kind,name,source`` (source
    may be left out), one day a line, ``#`` lines are comments. Every day needs its name
    and a kind (``holiday`` or ``collective_leave``); a day may appear once."""
    lines = [
        line for line in io.StringIO(text) if line.strip() and not line.lstrip().startswith("#")
    ]
    reader = csv.DictReader(lines)
    missing = [c for c in COLUMNS[:3] if c not in (reader.fieldnames or [])]
    if missing:
        raise HolidayFileError(
            _("The file has no column %(columns)s; its header is date,kind,name,source.")
            % {"columns": ", ".join(missing)}
        )
    rows: list[Row] = []
    seen: set[datetime.date] = set()
    for number, line in enumerate(reader, start=2):
        rows.append(_row(line, number, seen))
    return rows


def _row(line: dict[str, Any], number: int, seen: set[datetime.date]) -> Row:
    try:
        day = datetime.date.fromisoformat((line.get("date") or "").strip())
    except ValueError as exc:
        raise HolidayFileError(
            _("Line %(n)s: the date must be written YYYY-MM-DD.") % {"n": number}
        ) from exc
    kind = (line.get("kind") or "").strip()
    if kind not in NationalHolidayKind.values:
        raise HolidayFileError(
            _("Line %(n)s: the kind must be one of %(kinds)s.")
            % {"n": number, "kinds": ", ".join(NationalHolidayKind.values)}
        )
    name = " ".join((line.get("name") or "").split())
    if not name or len(name) > MAX_NAME:
        raise HolidayFileError(
            _("Line %(n)s: every day needs its name (at most %(max)s characters).")
            % {"n": number, "max": MAX_NAME}
        )
    source = " ".join((line.get("source") or "").split())[:MAX_SOURCE]
    if day in seen:
        raise HolidayFileError(
            _("Line %(n)s: %(date)s is listed twice.") % {"n": number, "date": day}
        )
    seen.add(day)
    return Row(day, kind, name, source)


def shipped_rows() -> list[Row]:
    """The national holidays shipped with Sinergi (the years the file says it holds)."""
    return read_csv(SHIPPED.read_text(encoding="utf-8"))


def save(model: Any, rows: Iterable[Row], *, replace_years: Iterable[int] = ()) -> dict[str, int]:
    """Create or update a national holiday per row (``model``: NationalHoliday, or its
    historical version in a migration); with ``replace_years``, the days of those years
    that are not in ``rows`` are removed (a year loaded again after an amended SKB).
    Returns how many were created, updated and removed."""
    rows = list(rows)
    counts = {"created": 0, "updated": 0, "removed": 0}
    for row in rows:
        _, created = model.objects.update_or_create(
            date=row.date, defaults={"kind": row.kind, "name": row.name, "source": row.source}
        )
        counts["created" if created else "updated"] += 1
    for year in replace_years:
        keep = [r.date for r in rows if r.date.year == year]
        stale = model.objects.filter(date__year=year).exclude(date__in=keep)
        for holiday in stale:  # one by one, so that the history records each removal
            holiday.delete()
            counts["removed"] += 1
    return counts


# --- read once per request ---------------------------------------------------------------

_request = threading.local()


def request_started(**_: Any) -> None:
    _request.active = True
    _request.national = None


def request_finished(**_: Any) -> None:
    _request.active = False
    _request.national = None


def national_changed(**_: Any) -> None:
    _request.national = None


def national_holidays(
    start: datetime.date | None = None, end: datetime.date | None = None
) -> frozenset[datetime.date]:
    """The national holidays and collective leave days (between ``start`` and ``end``,
    inclusive, when given)."""
    found: frozenset[datetime.date] | None = getattr(_request, "national", None)
    if found is None:
        from sinergi.orgs.models import NationalHoliday

        found = frozenset(NationalHoliday.objects.values_list("date", flat=True))
        if getattr(_request, "active", False):
            _request.national = found
    if start is None and end is None:
        return found
    return frozenset(
        d for d in found if (start is None or d >= start) and (end is None or d <= end)
    )
