"""Remisi due on the next 17 August (umum) and the next religious holiday (khusus).

Tables and conditions from Keppres 174/1999 as summarised in DOMAIN.md; parameters in
:class:`sinergi.sentences.rules.RuleSet`. Conventions:

* Remisi needs **more than** 6 months served on the remisi day, counted from detention
  (the day must be after detention start + 6 calendar months). In year 1 the larger
  amount applies when at least 12 months have been served on that day.
* None with a Register F entry active on the remisi day, none for life or death
  sentences, none when the person is free (expiry after remisi) on or before that day,
  none while on CMB or during a fine-substitute term (inputs ``on_cmb`` and
  ``serving_fine_substitute``; ``None`` = unknown, listed as still to verify).
* Year counting: ``previous_remission_years + 1`` when given (one count shared by umum
  and khusus); otherwise 1 + the number of earlier occasions after detention start with
  more than 6 months served and no active Register F entry. Earlier 17 Augusts are
  exact; earlier religious holidays are assumed to fall on the same calendar day as the
  given one (Idul Fitri moves about 11 days a year, so pass
  ``previous_remission_years`` when it matters).
* Religious holidays other than Natal (25 December) have no fixed date: the caller
  supplies the date.
* "RK II": when the remisi brings the expiry to the remisi day or earlier, the person
  is freed on that day; the sheet says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from .dates import add_calendar, next_month_day
from .engine import expiry_dates
from .explain import ExplanationLine, line, phrase
from .inputs import SentenceInput, SentenceInputError
from .rules import DEFAULT_RULE_SET, RemissionAmount, RemissionTable, RuleSet

__all__ = [
    "NextRemissions",
    "ReligiousHoliday",
    "RemissionDue",
    "RemissionExtra",
    "RemissionKind",
    "next_remissions",
]


# What excludes a person from remisi, by the name of the input that says so.
EXCLUSION_LABELS = {
    "on_cmb": phrase("on cuti menjelang bebas (CMB)"),
    "serving_fine_substitute": phrase("serving a fine-substitute term"),
}


class RemissionKind(StrEnum):
    UMUM = "umum"
    """Remisi umum, on 17 August."""
    KHUSUS = "khusus"
    """Remisi khusus, on the inmate's religious holiday."""


class ReligiousHoliday(StrEnum):
    """Holidays on which remisi khusus is given."""

    IDUL_FITRI = "idul_fitri"
    NATAL = "natal"
    NYEPI = "nyepi"
    WAISAK = "waisak"
    IMLEK = "imlek"


class RemissionExtra(StrEnum):
    """Grounds for remisi tambahan (a share of that year's remisi umum)."""

    STATE_SERVICE = "state_service"
    """Service to the state: 1/2 of the remisi umum."""
    PEMUKA = "pemuka"
    """Acting as pemuka: 1/3 of the remisi umum."""


@dataclass(frozen=True)
class RemissionDue:
    """The remisi due on one occasion.

    ``months`` and ``days`` are the amount as in the Keppres table; ``total_days`` is
    that amount in days (one remisi month = 30 days). All are 0 when none is due, and
    ``reason`` says why. ``tambahan_days`` is the remisi tambahan (umum only).
    """

    kind: RemissionKind
    due_date: date | None
    year_number: int | None = None
    months: int = 0
    days: int = 0
    total_days: int = 0
    tambahan_days: int = 0
    frees_on_the_day: bool = False
    reason: ExplanationLine | None = None
    missing_conditions: list[str] = field(default_factory=list)
    explanation: list[ExplanationLine] = field(default_factory=list)

    @property
    def granted(self) -> bool:
        return self.total_days > 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "date": None if self.due_date is None else self.due_date.isoformat(),
            "year_number": self.year_number,
            "months": self.months,
            "days": self.days,
            "total_days": self.total_days,
            "tambahan_days": self.tambahan_days,
            "frees_on_the_day": self.frees_on_the_day,
            "reason": None if self.reason is None else str(self.reason),
            "missing_conditions": list(self.missing_conditions),
            "explanation": [str(item) for item in self.explanation],
        }


@dataclass(frozen=True)
class NextRemissions:
    umum: RemissionDue
    khusus: RemissionDue

    def to_dict(self) -> dict[str, Any]:
        return {"umum": self.umum.to_dict(), "khusus": self.khusus.to_dict()}


def _check_date(name: str, value: object) -> None:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise SentenceInputError(name, "must be a date")


def _check_flag(name: str, value: object) -> None:
    if value is not None and not isinstance(value, bool):
        raise SentenceInputError(name, "must be true, false or unknown (None)")


def _none(
    kind: RemissionKind,
    on: date | None,
    reason: ExplanationLine,
    lines: list[ExplanationLine],
    missing: list[str] | None = None,
) -> RemissionDue:
    lines.append(reason)
    return RemissionDue(
        kind=kind,
        due_date=on,
        reason=reason,
        missing_conditions=list(missing or []),
        explanation=lines,
    )


def _qualifies(sentence: SentenceInput, on: date, rule_set: RuleSet) -> bool:
    minimum = add_calendar(sentence.detention_start, months=rule_set.remission_min_served_months)
    if on <= minimum:
        return False
    return not any(r.is_active_on(on) for r in sentence.disciplinary_records)


def _earlier_occasions(sentence: SentenceInput, on: date) -> list[date]:
    """The same calendar day in earlier years, after detention start.

    Exact for 17 August; an approximation for holidays whose date moves.
    """
    start = sentence.detention_start
    found: list[date] = []
    years_back = 1
    while on.year - years_back >= start.year:
        earlier = add_calendar(on, years=-years_back)
        if earlier <= start:
            break
        found.append(earlier)
        years_back += 1
    return found


def _remission_on(
    sentence: SentenceInput,
    kind: RemissionKind,
    on: date,
    occasion: ExplanationLine,
    *,
    previous_remission_years: int | None,
    tambahan: RemissionExtra | None,
    on_cmb: bool | None,
    serving_fine_substitute: bool | None,
    rule_set: RuleSet,
) -> RemissionDue:
    lines = [occasion]
    dates = expiry_dates(sentence)
    if dates is None:
        return _none(
            kind,
            on,
            line(
                "remisi.no_fixed_term",
                "No remisi: a {term} sentence gets no remisi unless commuted to a fixed term",
                term=sentence.term.sheet_value,
            ),
            lines,
        )
    _expiry, release = dates
    start = sentence.detention_start
    if on < start:
        return _none(
            kind,
            on,
            line(
                "remisi.before_detention",
                "No remisi: {date} is before detention start {start}",
                date=on,
                start=start,
            ),
            lines,
        )
    if release <= on:
        return _none(
            kind,
            on,
            line(
                "remisi.released",
                "No remisi: the expiry after remisi {release} is on or before {date}",
                release=release,
                date=on,
            ),
            lines,
        )
    minimum = add_calendar(start, months=rule_set.remission_min_served_months)
    if on <= minimum:
        return _none(
            kind,
            on,
            line(
                "remisi.too_early",
                "No remisi: more than {months} months must be served on {date} (counted from "
                "detention start {start}, i.e. after {minimum})",
                months=rule_set.remission_min_served_months,
                date=on,
                start=start,
                minimum=minimum,
            ),
            lines,
        )
    lines.append(
        line(
            "remisi.served",
            "Served more than {months} months on {date} (after {minimum}): yes",
            months=rule_set.remission_min_served_months,
            date=on,
            minimum=minimum,
        )
    )
    active = [r for r in sentence.disciplinary_records if r.is_active_on(on)]
    if active:
        return _none(
            kind,
            on,
            line(
                "remisi.register_f",
                "No remisi: a Register F punishment (since {start}) is active on {date}",
                start=active[0].start_date,
                date=on,
            ),
            lines,
        )
    lines.append(
        line("remisi.register_f_clear", "No Register F punishment active on {date}", date=on)
    )
    missing: list[str] = []
    for name, value in (("on_cmb", on_cmb), ("serving_fine_substitute", serving_fine_substitute)):
        label = EXCLUSION_LABELS[name]
        if value is True:
            return _none(
                kind,
                on,
                line("remisi.excluded", "No remisi: the person is {label}", label=label),
                lines,
                missing,
            )
        if value is None:
            missing.append(name)
            lines.append(
                line(
                    "remisi.unknown",
                    "Not known whether the person is {label}; verify (no remisi if so)",
                    label=label,
                )
            )

    if previous_remission_years is not None:
        year = previous_remission_years + 1
        lines.append(
            line(
                "remisi.year.given",
                "Year of remisi: {year} ({previous} earlier years given)",
                year=year,
                previous=previous_remission_years,
            )
        )
    else:
        earlier = [d for d in _earlier_occasions(sentence, on) if _qualifies(sentence, d, rule_set)]
        year = len(earlier) + 1
        lines.append(
            line(
                "remisi.year.derived",
                "Year of remisi: {year} (derived: {count} earlier occasions after detention start "
                "with more than {months} months served and no active Register F; assumed "
                "granted each time)",
                year=year,
                count=len(earlier),
                months=rule_set.remission_min_served_months,
            )
        )
    full_from = add_calendar(start, months=rule_set.remission_full_year_months)
    served_full_year = on >= full_from
    table: RemissionTable = (
        rule_set.remisi_umum if kind is RemissionKind.UMUM else rule_set.remisi_khusus
    )
    amount: RemissionAmount = table.amount(year, served_full_year=served_full_year)
    total = amount.to_days(rule_set.remission_month_days)
    if year == 1:
        lines.append(
            line(
                "remisi.first_year",
                "Year 1: at least {months} months served on {date} (on or after {full_from}): "
                "{full}",
                months=rule_set.remission_full_year_months,
                date=on,
                full_from=full_from,
                full=served_full_year,
            )
        )
    lines.append(
        line(
            "remisi.amount",
            "Remisi {kind} year {year}: {amount} = {days} days (one remisi month = {month_days} "
            "days)",
            kind=kind.value,
            year=year,
            amount=amount.length,
            days=total,
            month_days=rule_set.remission_month_days,
        )
    )
    extra_days = 0
    if tambahan is not None and kind is RemissionKind.UMUM:
        share = (
            rule_set.remisi_tambahan_state_service
            if tambahan is RemissionExtra.STATE_SERVICE
            else rule_set.remisi_tambahan_pemuka
        )
        extra_days = math.floor(share * total)
        lines.append(
            line(
                "remisi.tambahan",
                "Remisi tambahan ({ground}): {share} x {days} days = {extra} days (rounded down)",
                ground=tambahan.value,
                share=share,
                days=total,
                extra=extra_days,
            )
        )
    frees = (release - on).days <= total + extra_days
    if frees:
        lines.append(
            line(
                "remisi.rk2",
                "RK II: the expiry after remisi {release} minus {days} days is on or before "
                "{date}; the person is freed on {date}",
                release=release,
                days=total + extra_days,
                date=on,
            )
        )
    return RemissionDue(
        kind=kind,
        due_date=on,
        year_number=year,
        months=amount.months,
        days=amount.days,
        total_days=total,
        tambahan_days=extra_days,
        frees_on_the_day=frees,
        missing_conditions=missing,
        explanation=lines,
    )


def next_remissions(
    sentence: SentenceInput,
    as_of: date,
    *,
    holiday: ReligiousHoliday | None = None,
    holiday_date: date | None = None,
    previous_remission_years: int | None = None,
    tambahan: RemissionExtra | None = None,
    on_cmb: bool | None = None,
    serving_fine_substitute: bool | None = None,
    rule_set: RuleSet = DEFAULT_RULE_SET,
) -> NextRemissions:
    """Remisi umum due on the next 17 August and remisi khusus on the next holiday.

    ``holiday_date`` is the date of the inmate's next religious holiday (Idul Fitri,
    Nyepi, Waisak, … vary by year); for :attr:`ReligiousHoliday.NATAL` it may be left
    out (25 December). ``previous_remission_years`` is the number of years in which
    remisi was already received; when ``None`` it is derived (see the module docstring).
    """
    if not isinstance(sentence, SentenceInput):
        raise SentenceInputError("sentence", "must be a SentenceInput")
    _check_date("as_of", as_of)
    if holiday_date is not None:
        _check_date("holiday_date", holiday_date)
    if holiday is not None and not isinstance(holiday, ReligiousHoliday):
        raise SentenceInputError("holiday", f"unknown religious holiday {holiday!r}")
    if tambahan is not None and not isinstance(tambahan, RemissionExtra):
        raise SentenceInputError("tambahan", f"unknown ground for remisi tambahan {tambahan!r}")
    if previous_remission_years is not None and (
        isinstance(previous_remission_years, bool)
        or not isinstance(previous_remission_years, int)
        or previous_remission_years < 0
    ):
        raise SentenceInputError("previous_remission_years", "must be a whole number of at least 0")
    _check_flag("on_cmb", on_cmb)
    _check_flag("serving_fine_substitute", serving_fine_substitute)
    umum_date = next_month_day(as_of, rule_set.remisi_umum_month, rule_set.remisi_umum_day)
    umum = _remission_on(
        sentence,
        RemissionKind.UMUM,
        umum_date,
        line(
            "remisi.umum.date",
            "Remisi umum: the next 17 August on or after {as_of} is {date}",
            as_of=as_of,
            date=umum_date,
        ),
        previous_remission_years=previous_remission_years,
        tambahan=tambahan,
        on_cmb=on_cmb,
        serving_fine_substitute=serving_fine_substitute,
        rule_set=rule_set,
    )

    khusus_date = holiday_date
    holiday_name = holiday.value if holiday is not None else phrase("religious holiday")
    if khusus_date is None and holiday is ReligiousHoliday.NATAL:
        khusus_date = next_month_day(as_of, rule_set.natal_month, rule_set.natal_day)
    if khusus_date is None:
        lines: list[ExplanationLine] = []
        khusus = _none(
            RemissionKind.KHUSUS,
            None,
            line(
                "remisi.khusus.no_date",
                "Remisi khusus not computed: the date of the {holiday} is not given",
                holiday=holiday_name,
            ),
            lines,
        )
    else:
        khusus = _remission_on(
            sentence,
            RemissionKind.KHUSUS,
            khusus_date,
            line(
                "remisi.khusus.date",
                "Remisi khusus: {holiday} on {date}",
                holiday=holiday_name,
                date=khusus_date,
            ),
            previous_remission_years=previous_remission_years,
            tambahan=None,
            on_cmb=on_cmb,
            serving_fine_substitute=serving_fine_substitute,
            rule_set=rule_set,
        )
    return NextRemissions(umum=umum, khusus=khusus)
