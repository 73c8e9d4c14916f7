"""Calendar arithmetic used by the sentence engine.

One convention everywhere (also written on the calculation sheet):

* A length of time is added to a date in calendar **years**, then calendar
  **months**, then **days**, one step after the other.
* When a year or month step lands on a day the target month does not have, the date
  is clamped to the last day of that month (31 January + 1 month = 28 February, or 29
  in a leap year; 29 February 2020 + 1 year = 28 February 2021). The clamp happens at
  each step, so 29 February 2020 + 1 year 1 month = 28 March 2021.
* Counting a fraction of a number of days rounds **up** to a whole day (ceil).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from fractions import Fraction

__all__ = [
    "add_calendar",
    "add_fraction_of_days",
    "days_between",
    "fraction_of_days",
    "next_month_day",
]


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _clamped(year: int, month: int, day: int) -> date:
    if day <= 28:
        return date(year, month, day)
    last = 29 if month == 2 and calendar.isleap(year) else _MONTH_DAYS[month - 1]
    return date(year, month, min(day, last))


def add_calendar(start: date, years: int = 0, months: int = 0, days: int = 0) -> date:
    """Return ``start`` + years, then + months, then + days (clamping at month end).

    Negative values move backwards with the same clamping rule. Raises ``ValueError``
    or ``OverflowError`` when the result is outside the range of :class:`datetime.date`.
    """
    moved = _clamped(start.year + years, start.month, start.day)
    month_index = moved.month - 1 + months
    moved = _clamped(moved.year + month_index // 12, month_index % 12 + 1, moved.day)
    return moved + timedelta(days=days)


def days_between(start: date, end: date) -> int:
    """Number of days from ``start`` to ``end`` (``end - start``; negative if before)."""
    return (end - start).days


def fraction_of_days(total_days: int, fraction: Fraction) -> int:
    """``fraction`` of ``total_days``, rounded up to a whole day (integer arithmetic)."""
    return -(-fraction.numerator * total_days // fraction.denominator)


def add_fraction_of_days(start: date, total_days: int, fraction: Fraction) -> date:
    """``start`` + ``fraction`` of ``total_days``, rounded up to a whole day."""
    return start + timedelta(days=fraction_of_days(total_days, fraction))


def next_month_day(on_or_after: date, month: int, day: int) -> date:
    """The first date with the given month and day that is on or after ``on_or_after``.

    29 February is clamped to 28 February in common years.
    """
    candidate = _clamped(on_or_after.year, month, day)
    if candidate < on_or_after:
        candidate = _clamped(on_or_after.year + 1, month, day)
    return candidate


def add_months(start: date, months: int, convention: str) -> date:
    """``start`` + ``months``: calendar months, or 30 days each (``"thirty_day"``)."""
    if convention == "thirty_day":
        return start + timedelta(days=30 * months)
    return add_calendar(start, months=months)


def length_in_days(start: date, years: int, months: int, days: int, convention: str) -> int:
    """The days of a length from ``start``: calendar, or 360-day years and 30-day months."""
    if convention == "thirty_day":
        return years * 360 + months * 30 + days
    return (add_calendar(start, years, months, days) - start).days
