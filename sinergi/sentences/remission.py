"""Remisi due on the next 17 August (umum) and the next religious holiday (khusus).

Tables and conditions from Keppres 174/1999 as summarised in DOMAIN.md; parameters in
:class:`sinergi.sentences.rules.RuleSet`, the set being the one in force on the remisi
day (PP 28/2006 keeps the special crimes it governs). Conventions:

* Remisi needs **more than** 6 months served on the remisi day, in 30-day months (more
  than 180 days), counted from the detention start, or from the last detention when it
  was interrupted (Keppres 174/1999 Pasal 7). In year 1 the larger amount applies when at
  least 12 months (360 days) have been served. Children get pengurangan masa pidana
  (PMP) after more than 3 months. Special crimes under PP 28/2006: after 1/3 served.
* None with a Register F punishment in the 6 months before the remisi day, none for life
  or death sentences, none when the person is free (expiry after remisi) on or before that
  day, none while serving the substitute term of an unpaid fine (derived from the
  sentence, or the ``serving_fine_substitute`` input) or on CMB (``on_cmb``; ``None`` =
  unknown, listed as still to verify). Special crimes need their conditions (fine and
  uang pengganti paid; deradicalisation and the NKRI pledge; justice-collaborator status
  for remisi days up to 27 Oct 2021): a condition not met blocks the remisi and the
  reason names it.
* Year counting: ``previous_remission_years + 1`` when given; otherwise from the remisi
  actually recorded (1 + the remisi of the same kind granted before the day). Only when
  the person has nothing recorded but an SDP total is the year derived from the calendar
  (earlier occasions with more than 6 months served), and the sheet says it is assumed.
* Remisi dasawarsa on every tenth 17 August (2025, 2035): 1/12 of the term (30-day
  days), at most 3 months. Humanitarian remisi (Permenkumham 16/2023): who may be
  proposed is said, its amount is not computed.
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

from .dates import add_calendar, fraction_of_days, next_month_day
from .engine import (
    KEPPRES_7,
    _at_most,
    is_special_crime,
    select_rule_set,
    sentence_facts,
    special_condition_lines,
)
from .explain import ExplanationLine, line, phrase
from .inputs import SentenceInput, SentenceInputError
from .rules import RemissionAmount, RemissionTable, RuleSet, rule_set_for

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
    JUSTICE_COLLABORATOR = "justice_collaborator"
    """Justice collaborator (Pasal 35A, 7/2022): 1/2 of the remisi umum."""


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
    dasawarsa_days: int = 0
    humanitarian_grounds: list[str] = field(default_factory=list)
    blocked: bool = False
    """A special-crime condition is not met (``reason`` says which)."""
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
            "dasawarsa_days": self.dasawarsa_days,
            "humanitarian_grounds": list(self.humanitarian_grounds),
            "blocked": self.blocked,
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


def _rule_set_on(sentence: SentenceInput, on: date) -> RuleSet:
    """The rule set for a remisi on ``on``: PP 28/2006 keeps the special crimes it
    governs (verdict before 12 Nov 2012); otherwise the set in force on the remisi day."""
    own = select_rule_set(sentence)
    if own.special_remission_after_one_third and is_special_crime(sentence, own):
        return own
    return rule_set_for(on)


def _served_days_needed(sentence: SentenceInput, rule_set: RuleSet) -> int:
    months = (
        rule_set.child_remission_min_served_months
        if sentence.is_child
        else rule_set.remission_min_served_months
    )
    return months * rule_set.remission_month_days


def _qualifies(sentence: SentenceInput, on: date, rule_set: RuleSet) -> bool:
    facts = sentence_facts(sentence, rule_set)
    if facts is None:
        return False
    if (on - facts.remission_from).days <= _served_days_needed(sentence, rule_set):
        return False
    window_start = add_calendar(on, months=-rule_set.remission_register_f_window_months)
    return not any(r.overlaps(window_start, on) for r in sentence.disciplinary_records)


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


def _year_of(
    sentence: SentenceInput,
    kind: RemissionKind,
    on: date,
    previous_remission_years: int | None,
    rule_set: RuleSet,
    lines: list[ExplanationLine],
) -> int:
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
        return year
    if sentence.remissions or sentence.remission_days == 0:
        earlier = [g for g in sentence.remissions if g.kind == kind.value and g.granted_on < on]
        year = len(earlier) + 1
        lines.append(
            line(
                "remisi.year.recorded",
                "Year of remisi: {year} ({count} remisi {kind} recorded before {date})",
                basis="Pasal 4, 5 Keppres 174/1999",
                year=year,
                count=len(earlier),
                kind=kind.value,
                date=on,
            )
        )
        return year
    occasions = [d for d in _earlier_occasions(sentence, on) if _qualifies(sentence, d, rule_set)]
    year = len(occasions) + 1
    lines.append(
        line(
            "remisi.year.derived",
            "Year of remisi: {year} (derived: {count} earlier occasions after detention start "
            "with more than {months} months served and no Register F; assumed granted each "
            "time, because only the total from SDP is recorded)",
            year=year,
            count=len(occasions),
            months=rule_set.remission_min_served_months,
        )
    )
    return year


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
    rule_set: RuleSet | None,
) -> RemissionDue:
    lines = [occasion]
    rule_set = rule_set or _rule_set_on(sentence, on)
    child = sentence.is_child
    name = phrase("pengurangan masa pidana (PMP)") if child else phrase("remisi")
    lines.append(
        line(
            "remisi.rule_set",
            "Rule set on {date}: {title}",
            date=on,
            title=rule_set.title or rule_set.name,
        )
    )
    facts = sentence_facts(sentence, rule_set)
    if facts is None:
        return _none(
            kind,
            on,
            line(
                "remisi.no_fixed_term",
                "No remisi: a {term} sentence gets no remisi unless commuted to a fixed term",
                basis="Pasal 10 UU 22/2022",
                term=sentence.term.sheet_value,
            ),
            lines,
        )
    release = facts.expiry_after_remission
    start = facts.remission_from
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
    if facts.release_date <= on or (release <= on and not facts.substitute_days):
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
    if release <= on:
        return _none(
            kind,
            on,
            line(
                "remisi.excluded",
                "No remisi: the person is {label}",
                label=EXCLUSION_LABELS["serving_fine_substitute"],
            ),
            lines,
        )
    needed = _served_days_needed(sentence, rule_set)
    served = (on - start).days
    months = needed // rule_set.remission_month_days
    if served <= needed:
        return _none(
            kind,
            on,
            line(
                "remisi.too_early",
                "No {name}: more than {months} months ({needed} days, 30-day months) must be "
                "served on {date}; counted from {start}: {served} days",
                basis=KEPPRES_7,
                name=name,
                months=months,
                needed=needed,
                date=on,
                start=start,
                served=served,
            ),
            lines,
        )
    lines.append(
        line(
            "remisi.served",
            "Served more than {months} months on {date}: {served} days from {start}, more "
            "than {needed}: yes",
            basis=KEPPRES_7,
            months=months,
            date=on,
            served=served,
            start=start,
            needed=needed,
        )
    )
    special = is_special_crime(sentence, rule_set)
    if special and rule_set.special_remission_after_one_third:
        third = fraction_of_days(facts.base_days, rule_set.one_third)
        if served < third:
            return _none(
                kind,
                on,
                line(
                    "remisi.one_third",
                    "No remisi: a special crime under PP 28/2006 gets remisi only after 1/3 of "
                    "the term ({days} days) is served; {served} days on {date}",
                    basis="Pasal 34 PP 28/2006",
                    days=third,
                    served=served,
                    date=on,
                ),
                lines,
            )
    window = rule_set.remission_register_f_window_months
    window_start = add_calendar(on, months=-window)
    hits = [r for r in sentence.disciplinary_records if r.overlaps(window_start, on)]
    if hits:
        return _none(
            kind,
            on,
            line(
                "remisi.register_f",
                "No remisi: a Register F punishment (since {start}) falls in the {months} "
                "months before {date} (from {window_start})",
                start=hits[0].start_date,
                months=window,
                date=on,
                window_start=window_start,
            ),
            lines,
        )
    lines.append(
        line(
            "remisi.register_f_clear",
            "No Register F punishment in the {months} months before {date}",
            months=window,
            date=on,
        )
    )
    missing: list[str] = []
    if special and rule_set.special_conditions:
        notes, blocking, unknown = special_condition_lines(sentence, on, rule_set)
        lines.extend(notes)
        missing.extend(unknown)
        if blocking:
            lines.extend(blocking[1:])
            due = _none(kind, on, blocking[0], lines, missing)
            return RemissionDue(**{**due.__dict__, "blocked": True})
    for flag, value in (("on_cmb", on_cmb), ("serving_fine_substitute", serving_fine_substitute)):
        label = EXCLUSION_LABELS[flag]
        if value is True:
            return _none(
                kind,
                on,
                line("remisi.excluded", "No remisi: the person is {label}", label=label),
                lines,
                missing,
            )
        if value is None and flag == "on_cmb":
            missing.append(flag)
            lines.append(
                line(
                    "remisi.unknown",
                    "Not known whether the person is {label}; verify (no remisi if so)",
                    label=label,
                )
            )

    year = _year_of(sentence, kind, on, previous_remission_years, rule_set, lines)
    full_days = rule_set.remission_full_year_months * rule_set.remission_month_days
    served_full_year = served >= full_days
    table: RemissionTable = (
        rule_set.remisi_umum if kind is RemissionKind.UMUM else rule_set.remisi_khusus
    )
    amount: RemissionAmount = table.amount(year, served_full_year=served_full_year)
    total = amount.to_days(rule_set.remission_month_days)
    if year == 1:
        lines.append(
            line(
                "remisi.first_year",
                "Year 1: at least {months} months ({days} days) served on {date}: {full}",
                basis=KEPPRES_7,
                months=rule_set.remission_full_year_months,
                days=full_days,
                date=on,
                full=served_full_year,
            )
        )
    lines.append(
        line(
            "remisi.amount",
            "{name} {kind} year {year}: {amount} = {days} days (one remisi month = {month_days} "
            "days)",
            basis="Pasal 4 Keppres 174/1999"
            if kind is RemissionKind.UMUM
            else "Pasal 5 Keppres 174/1999",
            name=name,
            kind=kind.value,
            year=year,
            amount=amount.length,
            days=total,
            month_days=rule_set.remission_month_days,
        )
    )
    extra_days = 0
    if tambahan is not None and kind is RemissionKind.UMUM:
        share = {
            RemissionExtra.STATE_SERVICE: rule_set.remisi_tambahan_state_service,
            RemissionExtra.PEMUKA: rule_set.remisi_tambahan_pemuka,
            RemissionExtra.JUSTICE_COLLABORATOR: rule_set.remisi_tambahan_justice_collaborator,
        }[tambahan]
        if share is None:
            lines.append(
                line(
                    "remisi.tambahan.unavailable",
                    "No remisi tambahan ({ground}) under this rule set",
                    ground=tambahan.value,
                )
            )
        else:
            extra_days = math.floor(share * total)
            lines.append(
                line(
                    "remisi.tambahan",
                    "Remisi tambahan ({ground}): {share} x {days} days = {extra} days (rounded "
                    "down)",
                    basis="Pasal 35A Permenkumham 7/2022"
                    if tambahan is RemissionExtra.JUSTICE_COLLABORATOR
                    else "Pasal 3 Keppres 174/1999",
                    ground=tambahan.value,
                    share=share,
                    days=total,
                    extra=extra_days,
                )
            )
    dasawarsa = 0
    if kind is RemissionKind.UMUM and (on.year - 1945) % 10 == 0:
        term = sentence.combined_term
        term_days = term.years * 360 + term.months * 30 + term.days
        cap = rule_set.dasawarsa_max_months * rule_set.remission_month_days
        dasawarsa = min(math.floor(rule_set.dasawarsa_share * term_days), cap)
        lines.append(
            line(
                "remisi.dasawarsa",
                "Remisi dasawarsa ({year}): {share} x {term_days} days = {days} days (rounded "
                "down, at most {cap} days)",
                basis="Keppres 120/1955",
                year=on.year,
                share=rule_set.dasawarsa_share,
                term_days=term_days,
                days=dasawarsa,
                cap=cap,
            )
        )
    grounds: list[str] = []
    since = rule_set.humanitarian_remission_from
    if kind is RemissionKind.UMUM and since is not None and on >= since:
        within, _compared = _at_most(sentence, rule_set, rule_set.humanitarian_max_sentence)
        if within:
            grounds.append(phrase("sentence of at most 1 year"))
        birth = sentence.birth_date
        if birth is not None and add_calendar(birth, years=rule_set.humanitarian_min_age) < on:
            grounds.append(phrase("over 70 years old"))
        if sentence.chronic_illness:
            grounds.append(phrase("chronic illness"))
        if grounds:
            lines.append(
                line(
                    "remisi.humanitarian",
                    "May be proposed for humanitarian remisi ({grounds}); its amount is set by "
                    "the decree",
                    basis="Permenkumham 16/2023",
                    grounds=phrase("; ").join(grounds),
                )
            )
    granted_days = total + extra_days + dasawarsa
    frees = (release - on).days <= granted_days
    if frees:
        lines.append(
            line(
                "remisi.rk2",
                "RK II: the expiry after remisi {release} minus {days} days is on or before "
                "{date}; the person is freed on {date}",
                release=release,
                days=granted_days,
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
        dasawarsa_days=dasawarsa,
        humanitarian_grounds=grounds,
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
    rule_set: RuleSet | None = None,
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
    dates_from = rule_set or select_rule_set(sentence)
    umum_date = next_month_day(as_of, dates_from.remisi_umum_month, dates_from.remisi_umum_day)
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
        khusus_date = next_month_day(as_of, dates_from.natal_month, dates_from.natal_day)
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
