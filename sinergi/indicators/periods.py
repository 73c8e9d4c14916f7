"""Reporting periods: a month, a quarter, a year or a custom range of days.

A period is written the way it appears in URLs and the API: ``2025-08`` (month),
``2025-Q3`` (quarter), ``2025`` (year) or ``2025-08-01..2025-09-15`` (custom, both days
included).
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

MONTH = "month"
QUARTER = "quarter"
YEAR = "year"
CUSTOM = "custom"
KINDS = (MONTH, QUARTER, YEAR, CUSTOM)
MAX_CUSTOM_DAYS = 3 * 366


class PeriodError(ValueError):
    """The text is not a period, with a message to show."""


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date
    end: datetime.date  # included

    @property
    def code(self) -> str:
        if self.kind == MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == YEAR:
            return str(self.start.year)
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return formats.date_format(self.start, "YEAR_MONTH_FORMAT")
        if self.kind == QUARTER:
            return _("Quarter %(q)s %(year)s") % {
                "q": (self.start.month - 1) // 3 + 1,
                "year": self.start.year,
            }
        if self.kind == YEAR:
            return str(self.start.year)
        start = formats.date_format(self.start, "SHORT_DATE_FORMAT")
        end = formats.date_format(self.end, "SHORT_DATE_FORMAT")
        return f"{start} - {end}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def within(self, field: str, *, instants: bool = False) -> Q:
        """Rows whose ``field`` falls in the period, both days included.

        A date field is compared with the first and the last day. A datetime field
        (``instants=True``) is compared with the instant that starts the first day and the
        one that starts the day after the last, in the project's time zone: the same rows
        as a ``__date`` lookup would give, but as a range an index can serve.
        """
        if not instants:
            return Q(**{f"{field}__gte": self.start, f"{field}__lte": self.end})
        zone = timezone.get_default_timezone()
        first = datetime.datetime.combine(self.start, datetime.time.min)
        after = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min)
        return Q(
            **{
                f"{field}__gte": timezone.make_aware(first, zone),
                f"{field}__lt": timezone.make_aware(after, zone),
            }
        )

    def previous(self) -> Period:
        if self.kind == MONTH:
            return month_of(self.start - datetime.timedelta(days=1))
        if self.kind == QUARTER:
            return quarter_of(self.start - datetime.timedelta(days=1))
        if self.kind == YEAR:
            return year_period(self.start.year - 1)
        end = self.start - datetime.timedelta(days=1)
        return Period(CUSTOM, end - datetime.timedelta(days=self.days - 1), end)

    def next(self) -> Period:
        if self.kind == MONTH:
            return month_of(self.end + datetime.timedelta(days=1))
        if self.kind == QUARTER:
            return quarter_of(self.end + datetime.timedelta(days=1))
        if self.kind == YEAR:
            return year_period(self.start.year + 1)
        start = self.end + datetime.timedelta(days=1)
        return Period(CUSTOM, start, start + datetime.timedelta(days=self.days - 1))

    def months_back(self, months: int) -> datetime.date:
        """The first day of the month ``months`` before the start of this period."""
        total = self.start.year * 12 + self.start.month - 1 - months
        return datetime.date(total // 12, total % 12 + 1, 1)

    def __str__(self) -> str:
        return self.code


def month_of(day: datetime.date) -> Period:
    last = calendar.monthrange(day.year, day.month)[1]
    return Period(MONTH, day.replace(day=1), day.replace(day=last))


def quarter_of(day: datetime.date) -> Period:
    first_month = (day.month - 1) // 3 * 3 + 1
    start = datetime.date(day.year, first_month, 1)
    end_month = first_month + 2
    end = datetime.date(day.year, end_month, calendar.monthrange(day.year, end_month)[1])
    return Period(QUARTER, start, end)


def year_period(year: int) -> Period:
    return Period(YEAR, datetime.date(year, 1, 1), datetime.date(year, 12, 31))


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_CUSTOM = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


def parse_period(text: str) -> Period:
    """The period ``text`` names; :class:`PeriodError` with a clear message otherwise."""
    text = (text or "").strip()
    try:
        if match := _MONTH.match(text):
            return month_of(datetime.date(int(match[1]), int(match[2]), 1))
        if match := _QUARTER.match(text):
            return quarter_of(datetime.date(int(match[1]), int(match[2]) * 3 - 2, 1))
        if match := _YEAR.match(text):
            return year_period(int(match[1]))
        if match := _CUSTOM.match(text):
            start = datetime.date.fromisoformat(match[1])
            end = datetime.date.fromisoformat(match[2])
        else:
            raise PeriodError(
                _(
                    "“%(text)s” is not a period. Write a month (2025-08), a quarter "
                    "(2025-Q3), a year (2025) or two days (2025-08-01..2025-09-15)."
                )
                % {"text": text}
            )
    except ValueError as exc:
        if isinstance(exc, PeriodError):
            raise
        raise PeriodError(
            _("“%(text)s” names a day that does not exist.") % {"text": text}
        ) from exc
    if end < start:
        raise PeriodError(_("The period ends before it starts."))
    if (end - start).days + 1 > MAX_CUSTOM_DAYS:
        raise PeriodError(_("A custom period may cover at most three years."))
    return Period(CUSTOM, start, end)


def period_from_parts(kind: str, value: str, start: str = "", end: str = "") -> Period:
    """The period chosen in the dashboard's selector (kind + value, or two days)."""
    if kind == CUSTOM:
        return parse_period(f"{start}..{end}")
    return parse_period(value)
