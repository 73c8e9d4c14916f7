"""The service standard's clocks, as pure functions (no database, no clock of their own).

Ditjenpas's service standard for the integration rights gives each office a number of
working days: the facility 14 from the day the person is eligible to the day the
proposal is sent, the Kanwil 14 from receipt to decision for general crimes, the
Directorate General 30 for special crimes (narcotics, corruption, terrorism and the like,
which go to it). Working days are Monday to Friday, less the days off the caller passes:
the national holidays and collective leave days of the SKB 3 Menteri, and the facility's
own holidays (programs/days_off.py reads them).

The *deadline* is the last working day within the limit, and a user reads it as the last
day: the limit has *passed* on the next calendar day. A clock whose deadline is a Friday
has passed on the Saturday, late by 0 working days (``late``); on the Monday it is late by
one working day.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from dataclasses import dataclass

FACILITY_LIMIT = 14  # eligible → sent, at the facility
KANWIL_LIMIT = 14  # sent → decided, general crimes (the Kanwil decides)
DITJENPAS_LIMIT = 30  # sent → decided, special crimes (the Directorate General decides)

FACILITY = "facility"
KANWIL = "kanwil"
DITJENPAS = "ditjenpas"
LIMITS = {FACILITY: FACILITY_LIMIT, KANWIL: KANWIL_LIMIT, DITJENPAS: DITJENPAS_LIMIT}

_ONE_DAY = datetime.timedelta(days=1)


def is_working_day(day: datetime.date, holidays: Collection[datetime.date] = ()) -> bool:
    return day.weekday() < 5 and day not in holidays


def _weekdays_through(day: datetime.date) -> int:
    """Mondays to Fridays from an arbitrary fixed Monday up to and including ``day``."""
    ordinal = day.toordinal() - 1  # date(1, 1, 1) is a Monday: ordinal 1
    weeks, rest = divmod(ordinal + 1, 7)
    return weeks * 5 + min(rest, 5)


def working_days_between(
    start: datetime.date, end: datetime.date, holidays: Collection[datetime.date] = ()
) -> int:
    """The working days after ``start`` up to and including ``end`` (0 when ``end`` is not
    after ``start``): how many working days have been used since ``start``."""
    if end <= start:
        return 0
    count = _weekdays_through(end) - _weekdays_through(start)
    return count - sum(1 for day in set(holidays) if start < day <= end and day.weekday() < 5)


def add_working_days(
    start: datetime.date, days: int, holidays: Collection[datetime.date] = ()
) -> datetime.date:
    """The ``days``-th working day after ``start`` (``start`` itself for 0); for a
    negative ``days``, the ``-days``-th working day before it."""
    step = _ONE_DAY if days >= 0 else -_ONE_DAY
    day = start
    left = abs(days)
    while left > 0:
        day += step
        if is_working_day(day, holidays):
            left -= 1
    return day


@dataclass(frozen=True)
class Clock:
    """One office's time limit on one proposal."""

    office: str  # FACILITY, KANWIL or DITJENPAS
    limit: int  # working days allowed
    start: datetime.date  # the day the clock started (its day 0)
    deadline: datetime.date  # the last working day within the limit
    stopped_on: datetime.date | None  # the day the office acted; None while running
    used: int  # working days used (to today, or to the day it stopped)
    counted_to: datetime.date  # today, or the day it stopped

    @property
    def running(self) -> bool:
        return self.stopped_on is None

    @property
    def passed(self) -> bool:
        """The deadline is behind (today, or the day it stopped, is after it): red on the
        page, also once stopped if it stopped late."""
        return self.counted_to > self.deadline

    @property
    def late(self) -> int:
        """Working days used past the limit: 0 until, and on the weekend right after, the
        deadline."""
        return max(self.used - self.limit, 0)

    @property
    def remaining(self) -> int:
        """Working days left (negative: working days late)."""
        return self.limit - self.used


def clock(
    office: str,
    *,
    start: datetime.date,
    stopped_on: datetime.date | None,
    today: datetime.date,
    holidays: Collection[datetime.date] = (),
) -> Clock:
    limit = LIMITS[office]
    end = stopped_on if stopped_on is not None else today
    return Clock(
        office=office,
        limit=limit,
        start=start,
        deadline=add_working_days(start, limit, holidays),
        stopped_on=stopped_on,
        used=working_days_between(start, end, holidays),
        counted_to=end,
    )


def facility_clock(
    *,
    eligible_on: datetime.date,
    sent_on: datetime.date | None,
    closed_on: datetime.date | None,
    today: datetime.date,
    holidays: Collection[datetime.date] = (),
) -> Clock | None:
    """Eligible → sent: 14 working days from the eligibility date. None before that date
    (a proposal prepared ahead, as it should be, has no clock yet). It stops when the
    proposal is sent, or when it is closed unsent (``closed_on``: withdrawn)."""
    if eligible_on > today and sent_on is None:
        return None
    stop = sent_on if sent_on is not None else closed_on
    if stop is not None and stop < eligible_on:
        stop = eligible_on  # sent before the eligibility date: no day used
    return clock(FACILITY, start=eligible_on, stopped_on=stop, today=today, holidays=holidays)


def decision_clock(
    *,
    sent_to: str,
    sent_on: datetime.date | None,
    decided_on: datetime.date | None,
    today: datetime.date,
    holidays: Collection[datetime.date] = (),
) -> Clock | None:
    """Sent → decided: 14 working days at the Kanwil, 30 at the Directorate General.
    None until the proposal is sent."""
    if sent_on is None or sent_to not in (KANWIL, DITJENPAS):
        return None
    return clock(sent_to, start=sent_on, stopped_on=decided_on, today=today, holidays=holidays)


def days_between(start: datetime.date, end: datetime.date) -> int:
    """Calendar days from ``start`` to ``end`` (0 when ``end`` is not after it)."""
    return max((end - start).days, 0)


def days_at_stage(stage_since: datetime.date, today: datetime.date) -> int:
    """Calendar days the proposal has waited at its current stage."""
    return days_between(stage_since, today)


def days_in_all(
    eligible_on: datetime.date, today: datetime.date, ended_on: datetime.date | None = None
) -> int:
    """Calendar days since eligibility, to today or to the day the proposal ended
    (released, refused, withdrawn): 0 before the eligibility date."""
    return days_between(eligible_on, ended_on if ended_on is not None else today)


def could_have_been_proposed_earlier(
    *, eligible_on: datetime.date | None, moved: bool, today: datetime.date
) -> bool:
    """The eligibility date has passed and nothing has moved yet (no proposal, or one
    still at "eligible"): the person could have been proposed earlier."""
    return eligible_on is not None and eligible_on < today and not moved
