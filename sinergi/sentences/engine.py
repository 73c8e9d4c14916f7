"""The calculation: key dates of a sentence and eligibility for integration rights.

The rule sets and every convention are documented in :mod:`sinergi.sentences.rules`.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from .dates import add_calendar, add_months, days_between, fraction_of_days, length_in_days
from .explain import ExplanationLine, line, phrase
from .inputs import CrimeCategory, DetentionKind, RemissionGrant, SentenceInput, SentenceInputError
from .results import Calculation, RightResult, RightStatus
from .rules import (
    DayCount,
    IntegrationRight,
    RuleSet,
    Span,
    rule_set_for,
)

__all__ = [
    "CONDITION_LABELS",
    "SentenceFacts",
    "calculate",
    "expiry_dates",
    "is_special_crime",
    "select_rule_set",
    "sentence_facts",
]

RIGHT_ORDER = (
    IntegrationRight.ASIMILASI,
    IntegrationRight.PB,
    IntegrationRight.CB,
    IntegrationRight.CMB,
    IntegrationRight.CMK,
)

_RIGHT_NAMES = {
    IntegrationRight.ASIMILASI: "asimilasi",
    IntegrationRight.PB: "pembebasan bersyarat (PB)",
    IntegrationRight.CB: "cuti bersyarat (CB)",
    IntegrationRight.CMB: "cuti menjelang bebas (CMB)",
    IntegrationRight.CMK: "cuti mengunjungi keluarga (CMK)",
}

CONDITION_LABELS = {
    "fine_paid": phrase("fine (denda) paid"),
    "restitution_paid": phrase("restitution (uang pengganti) paid"),
    "deradicalisation_completed": phrase("deradicalisation programme completed"),
    "nkri_pledge_signed": phrase("pledge of loyalty to the NKRI signed"),
    "justice_collaborator": phrase("justice collaborator (cooperation with law enforcement)"),
}

SPECIAL_CONDITIONS: dict[CrimeCategory, tuple[str, ...]] = {
    CrimeCategory.CORRUPTION: ("fine_paid", "restitution_paid"),
    CrimeCategory.TERRORISM: ("deradicalisation_completed", "nkri_pledge_signed"),
}

_DETENTION_SHARE = {
    DetentionKind.RUTAN: Fraction(1),
    DetentionKind.HOUSE: Fraction(1, 3),
    DetentionKind.CITY: Fraction(1, 5),
}

_REVIEW_NOTES = {
    IntegrationRight.ASIMILASI: phrase(
        "good behaviour, active participation in pembinaan and a lowered risk level (SPPN, Litmas)"
    ),
    IntegrationRight.PB: phrase(
        "good behaviour, active participation in pembinaan, a lowered risk level and "
        "acceptance by the community (Litmas)"
    ),
    IntegrationRight.CB: phrase(
        "good behaviour, active participation in pembinaan and a lowered risk level (Litmas)"
    ),
    IntegrationRight.CMB: phrase(
        "good behaviour, active participation in pembinaan and a lowered risk level (Litmas)"
    ),
    IntegrationRight.CMK: phrase("good behaviour and the family's guarantee"),
}

_CONVENTION_NAMES = {
    DayCount.CALENDAR: phrase("calendar months and years"),
    DayCount.THIRTY_DAY: phrase("30-day months (360-day years)"),
}

UU_22_2022 = "Pasal 10 UU 22/2022"
KUHAP_22 = "Pasal 22 ayat (5) KUHAP"
KUHAP_22_4 = "Pasal 22 ayat (4) KUHAP"
KEPPRES_7 = "Pasal 7 Keppres 174/1999"
KUHP_72 = "Pasal 72 UU 1/2023 (KUHP)"


def _add(field_name: str, start: date, years: int = 0, months: int = 0, days: int = 0) -> date:
    try:
        return add_calendar(start, years, months, days)
    except (OverflowError, ValueError) as exc:
        raise SentenceInputError(field_name, "the resulting date is out of range") from exc


def _plus_days(field_name: str, start: date, days: int) -> date:
    try:
        return start + timedelta(days=days)
    except OverflowError as exc:
        raise SentenceInputError(field_name, "the resulting date is out of range") from exc


def _decimal(value: Fraction) -> int | Decimal:
    """A whole number as it is, otherwise rounded to two decimals (``Decimal("243.67")``)."""
    if value.denominator == 1:
        return value.numerator
    return Decimal(f"{float(value):.2f}")


def _times(fraction: Fraction, days: int) -> int | Decimal:
    """``fraction`` x ``days`` as :func:`_decimal` writes it, in integer arithmetic."""
    whole, rest = divmod(fraction.numerator * days, fraction.denominator)
    if not rest:
        return whole
    return Decimal(f"{fraction.numerator * days / fraction.denominator:.2f}")


@functools.cache
def _fraction_label(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


def select_rule_set(sentence: SentenceInput) -> RuleSet:
    """The rule set for this sentence: by the verdict date, else the detention start."""
    reference = sentence.verdict_date or sentence.detention_start
    category = sentence.crime_category
    special = category in _ALWAYS_SPECIAL or (
        category is CrimeCategory.NARCOTICS
        and (
            not sentence.term.is_fixed
            or sentence.combined_term.years * 360
            + sentence.combined_term.months * 30
            + sentence.combined_term.days
            >= 5 * 360
        )
    )
    return rule_set_for(reference, special=special)


_ALWAYS_SPECIAL = frozenset(
    {
        CrimeCategory.TERRORISM,
        CrimeCategory.CORRUPTION,
        CrimeCategory.STATE_SECURITY,
        CrimeCategory.HUMAN_RIGHTS,
        CrimeCategory.TRANSNATIONAL,
    }
)


@dataclass(frozen=True)
class SentenceFacts:
    """What the dates of a fixed term are computed from (see the rules module).

    ``start`` is the day the term runs from (detention start less the credit of earlier
    detention, or the commutation date); ``remission_from`` the day "more than 6 months
    served" is counted from; ``base_days`` the term in the fractions' day count.
    """

    start: date
    remission_from: date
    term_days_calendar: int
    base_days: int
    expiry: date
    expiry_after_remission: date
    undated_remission: int
    grants: tuple[RemissionGrant, ...]
    substitute_days: int
    release_date: date
    credit_days: int
    lines: tuple[ExplanationLine, ...]


def sentence_facts(sentence: SentenceInput, rule_set: RuleSet) -> SentenceFacts | None:
    """The facts of a fixed term (``None`` for life and death)."""
    if not sentence.term.is_fixed:
        return None
    lines: list[ExplanationLine] = []
    term = sentence.combined_term
    if sentence.consecutive_terms:
        lines.append(
            line(
                "calc.consecutive",
                "Consecutive sentences counted as one: {terms} = {term}",
                basis=KUHP_72 if rule_set.kuhp_2023 else "",
                terms=phrase(" + ").join(
                    str(t) for t in (sentence.term, *sentence.consecutive_terms)
                ),
                term=term.sheet_value,
            )
        )
    credit = 0
    if sentence.commuted_on is not None:
        start = sentence.commuted_on
        remission_from = start
        lines.append(
            line(
                "calc.commuted",
                "Life or death sentence commuted to {term} on {date}: the term runs from the "
                "commutation",
                basis=UU_22_2022,
                term=term.sheet_value,
                date=start,
            )
        )
    else:
        interrupted = False
        following = sentence.detention_start
        for period in reversed(sentence.earlier_detention):
            share = _DETENTION_SHARE[period.kind]
            counted = math.floor(share * period.days)
            credit += counted
            if period.end_date + timedelta(days=1) != following:
                interrupted = True
            following = period.start_date
            lines.append(
                line(
                    "calc.detention_period",
                    "Earlier detention ({kind}) {start} to {end}: {days} days x {share} = "
                    "{counted} days credited (rounded down)",
                    basis=KUHAP_22,
                    kind=period.kind.value,
                    start=period.start_date,
                    end=period.end_date,
                    days=period.days,
                    share=share,
                    counted=counted,
                )
            )
        start = _plus_days("earlier_detention", sentence.detention_start, -credit)
        remission_from = sentence.detention_start if interrupted else start
        if credit:
            lines.append(
                line(
                    "calc.credit",
                    "The term runs from {detention} - {credit} days credited = {start}",
                    detention=sentence.detention_start,
                    credit=credit,
                    start=start,
                )
            )
        if interrupted:
            lines.append(
                line(
                    "calc.interrupted",
                    "Detention was interrupted: remisi is counted from the last detention, {date}",
                    basis=KEPPRES_7,
                    date=sentence.detention_start,
                )
            )
    conventions = rule_set.conventions
    expiry = _add("term", start, term.years, term.months, term.days)
    term_days = days_between(start, expiry)
    base_days = length_in_days(start, term.years, term.months, term.days, conventions.fractions)
    remission = sentence.remission_days
    grants = tuple(sorted(sentence.remissions, key=lambda g: g.granted_on))
    undated = remission - sum(g.days for g in grants)
    after = expiry - timedelta(days=min(remission, term_days))
    substitute = 0
    for paid, days, label in (
        (sentence.fine_paid, sentence.fine_substitute_days, phrase("the fine (denda)")),
        (
            sentence.restitution_paid,
            sentence.restitution_substitute_days,
            phrase("the uang pengganti"),
        ),
    ):
        if paid is False and days:
            substitute += days
            lines.append(
                line(
                    "calc.substitute",
                    "{what} is not paid: its substitute term of {days} days is served after "
                    "the prison term",
                    basis="Pasal 30 KUHP",
                    what=label,
                    days=days,
                )
            )
    release = _plus_days("fine_substitute_days", after, substitute)
    return SentenceFacts(
        start=start,
        remission_from=remission_from,
        term_days_calendar=term_days,
        base_days=base_days,
        expiry=expiry,
        expiry_after_remission=after,
        undated_remission=undated,
        grants=grants,
        substitute_days=substitute,
        release_date=release,
        credit_days=credit,
        lines=tuple(lines),
    )


def expiry_dates(
    sentence: SentenceInput, rule_set: RuleSet | None = None
) -> tuple[date, date] | None:
    """``(expiry, expiry after remisi)`` of a fixed term, ``None`` for life/death.

    The expiry after remisi is clamped so that it is never before the term's start.
    """
    facts = sentence_facts(sentence, rule_set or select_rule_set(sentence))
    if facts is None:
        return None
    return facts.expiry, facts.expiry_after_remission


def is_special_crime(sentence: SentenceInput, rule_set: RuleSet | None = None) -> bool:
    """Whether the sentence falls under the special-crime rules.

    Narcotics is special only for a term of at least 5 years (in the rule set's day
    count). Life and death narcotics sentences count as special.
    """
    return _special(sentence, rule_set or select_rule_set(sentence))[0]


class _Compared(NamedTuple):
    """A sentence length compared with a threshold: in days with 30-day months, or as
    the two calendar dates (the term's end and start + threshold)."""

    reached: bool
    """The term is at least the threshold."""
    equal: bool
    term: int | date
    limit: int | date
    thirty_day: bool


def _compare(
    sentence: SentenceInput, rule_set: RuleSet, span: Span, start: date | None = None
) -> _Compared:
    """The (combined) term against ``span`` in the rule set's day count for lengths."""
    term = sentence.combined_term
    if rule_set.conventions.fractions is DayCount.THIRTY_DAY:
        term_days = term.years * 360 + term.months * 30 + term.days
        limit_days = span.thirty_day_days
        return _Compared(
            term_days >= limit_days, term_days == limit_days, term_days, limit_days, True
        )
    begin = start or sentence.commuted_on or sentence.detention_start
    expiry = _add("term", begin, term.years, term.months, term.days)
    limit = _add("term", begin, span.years, span.months, span.days)
    return _Compared(expiry >= limit, expiry == limit, expiry, limit, False)


def _at_most(
    sentence: SentenceInput, rule_set: RuleSet, span: Span, start: date | None = None
) -> tuple[bool, _Compared]:
    compared = _compare(sentence, rule_set, span, start)
    return (not compared.reached or compared.equal), compared


def _special(sentence: SentenceInput, rule_set: RuleSet) -> tuple[bool, ExplanationLine]:
    category = sentence.crime_category
    if category in rule_set.always_special_categories:
        return True, line(
            "calc.special.category",
            "Special crime: yes ({category} is always a special crime)",
            basis="PP 99/2012 Pasal 34A, 43A",
            category=category.value,
        )
    if category is not CrimeCategory.NARCOTICS:
        return False, line(
            "calc.special.general",
            "Special crime: no ({category} follows the general rules)",
            category=category.value,
        )
    threshold = rule_set.narcotics_special_threshold
    term = sentence.term
    if not term.is_fixed:
        return True, line(
            "calc.special.narcotics_not_fixed",
            "Special crime: yes (narcotics with a {term} sentence, longer than {threshold})",
            term=term.sheet_value,
            threshold=threshold.length,
        )
    compared = _compare(sentence, rule_set, threshold)
    special = rule_set.is_special(category, reaches_narcotics_threshold=compared.reached)
    if compared.thirty_day:
        return special, line(
            "calc.special.narcotics.days",
            "Special crime: {special} (narcotics is special when the sentence is at least "
            "{threshold}: {term_days} days against {limit_days} days, in 30-day months)",
            basis=rule_set.article("85"),
            special=compared.reached,
            threshold=threshold.length,
            term_days=compared.term,
            limit_days=compared.limit,
        )
    return special, line(
        "calc.special.narcotics",
        "Special crime: {special} (narcotics is special when the sentence is at least "
        "{threshold}, i.e. when the term's end {expiry} is on or after {limit})",
        basis=rule_set.article("85"),
        special=compared.reached,
        threshold=threshold.length,
        expiry=compared.term,
        limit=compared.limit,
    )


@dataclass(frozen=True)
class _Fraction:
    on: date
    """The date the fraction is served (never before the remisi it counts)."""
    days: int
    """The fraction of the term less remisi, in days (rounded up)."""


@dataclass(frozen=True)
class _Context:
    sentence: SentenceInput
    as_of: date
    rule_set: RuleSet
    special: bool
    child: bool
    facts: SentenceFacts
    half: _Fraction
    two_thirds: _Fraction

    @property
    def start(self) -> date:
        return self.facts.start

    @property
    def expiry_after_remission(self) -> date:
        return self.facts.expiry_after_remission


def _fraction(
    facts: SentenceFacts, fraction: Fraction, label: str, lines: list[ExplanationLine]
) -> _Fraction:
    """The first day on which ``fraction`` of (term - remisi received by then) is served.

    Remisi counts from the day it was granted; the total from SDP (undated) from the start.
    """
    received = facts.undated_remission
    steps: list[tuple[date, int]] = []
    for grant in facts.grants:
        if grant.granted_on <= facts.start:
            received += grant.days
        elif steps and steps[-1][0] == grant.granted_on:
            steps[-1] = (grant.granted_on, steps[-1][1] + grant.days)
        else:
            steps.append((grant.granted_on, grant.days))
    low = facts.start
    index = 0
    while True:
        remaining = max(facts.base_days - received, 0)
        days = fraction_of_days(remaining, fraction)
        threshold = facts.start + timedelta(days=days)
        candidate = max(threshold, low)
        high = steps[index][0] if index < len(steps) else None
        if high is None or candidate < high:
            lines.append(
                line(
                    f"calc.{label}",
                    "{fraction} date: ({base} - {remisi} days of remisi received) x {fraction} "
                    "= {exact} days, rounded up to {days} days; {start} + {days} days = {date}",
                    fraction=_fraction_label(fraction),
                    base=facts.base_days,
                    remisi=received,
                    exact=_times(fraction, remaining),
                    days=days,
                    start=facts.start,
                    date=threshold,
                )
            )
            later = [g for g in facts.grants if g.granted_on > candidate]
            if later:
                lines.append(
                    line(
                        f"calc.{label}.later",
                        "{days} days of remisi granted after this date (the first on {first}) "
                        "do not move it",
                        days=sum(g.days for g in later),
                        first=later[0].granted_on,
                    )
                )
            if candidate != threshold:
                lines.append(
                    line(
                        f"calc.{label}.granted",
                        "The remisi granted on {granted} brought the {fraction} date before "
                        "it; it is served on {granted}",
                        granted=candidate,
                        fraction=_fraction_label(fraction),
                    )
                )
            return _Fraction(on=candidate, days=days)
        received += steps[index][1]
        low = steps[index][0]
        index += 1


@dataclass
class _Builder:
    right: IntegrationRight
    lines: list[ExplanationLine] = field(default_factory=list)
    not_applicable: list[ExplanationLine] = field(default_factory=list)
    blocked: list[ExplanationLine] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    leave_length_days: int | None = None
    ends_on: date | None = None

    def note(self, item: ExplanationLine) -> None:
        self.lines.append(item)

    def exclude(self, item: ExplanationLine) -> None:
        self.lines.append(item)
        self.not_applicable.append(item)

    def block(self, item: ExplanationLine) -> None:
        self.lines.append(item)
        self.blocked.append(item)

    def finish(self, ctx: _Context, candidate: date | None) -> RightResult:
        facts = ctx.facts
        if candidate is not None and not self.not_applicable:
            release = facts.expiry_after_remission
            if candidate >= release:
                self.exclude(
                    line(
                        "right.released_first",
                        "Not applicable: the earliest date {date} is on or after the expiry "
                        "after remisi {release}; the person is free first",
                        date=candidate,
                        release=release,
                    )
                )
            elif (
                facts.substitute_days
                and self.right in (IntegrationRight.PB, IntegrationRight.CB)
                and ctx.as_of >= release
            ):
                self.exclude(
                    line(
                        "right.substitute_term",
                        "Not applicable: the prison term ended on {release} and the substitute "
                        "term for the unpaid fine runs to {end}; no PB or CB while serving it",
                        release=release,
                        end=facts.release_date,
                    )
                )
        if self.not_applicable:
            return self._result(RightStatus.NOT_APPLICABLE, self.not_applicable[0])
        if self.blocked or candidate is None:
            reason = self.blocked[0] if self.blocked else None
            if candidate is not None:
                self.note(
                    line(
                        "right.blocked_date",
                        "Blocked; if the blocking condition is met, the earliest date would be "
                        "{date}",
                        date=candidate,
                    )
                )
            return self._result(RightStatus.BLOCKED, reason)
        window = ctx.rule_set.almost_eligible_days
        almost = ctx.as_of <= candidate <= ctx.as_of + timedelta(days=window)
        due = candidate <= ctx.as_of
        if self.right is IntegrationRight.PB:
            self.ends_on = _add(
                "term", facts.release_date, years=ctx.rule_set.pb_probation_extra.years
            )
            self.note(
                line(
                    "right.pb.probation",
                    "Probation (masa percobaan) to {end}: the remaining sentence to {release} + "
                    "{extra}",
                    basis=KUHP_72 if ctx.rule_set.kuhp_2023 else "",
                    end=self.ends_on,
                    release=facts.release_date,
                    extra=ctx.rule_set.pb_probation_extra.length,
                )
            )
        if self.right is IntegrationRight.CB and self.leave_length_days is not None:
            self.ends_on = min(
                candidate + timedelta(days=self.leave_length_days), facts.expiry_after_remission
            )
            self.note(
                line(
                    "right.cb.ends",
                    "CB from {date} to {end}",
                    date=candidate,
                    end=self.ends_on,
                )
            )
        self.note(
            line(
                "right.eligible",
                "Eligible from {date} (as of {as_of}: due {due}; within {window} days {almost})",
                date=candidate,
                as_of=ctx.as_of,
                due=due,
                window=window,
                almost=almost,
            )
        )
        return RightResult(
            right=self.right,
            status=RightStatus.ELIGIBLE,
            eligible_from=candidate,
            almost_eligible=almost,
            is_due=due,
            missing_conditions=list(self.missing),
            leave_length_days=self.leave_length_days,
            ends_on=self.ends_on,
            explanation=list(self.lines),
        )

    def _result(self, status: RightStatus, reason: ExplanationLine | None) -> RightResult:
        return RightResult(
            right=self.right,
            status=status,
            reason=reason,
            missing_conditions=list(self.missing),
            leave_length_days=self.leave_length_days,
            explanation=list(self.lines),
        )


def _time_condition(
    ctx: _Context,
    b: _Builder,
    *,
    fraction: Fraction,
    on: _Fraction,
    needs_min_months: bool,
    basis: str,
) -> None:
    label = _fraction_label(fraction)
    b.note(
        line(
            "right.time_condition",
            "Time condition: {fraction} of the sentence served, on {date}",
            basis=basis,
            fraction=label,
            date=on.on,
        )
    )
    if not needs_min_months:
        return
    months = ctx.rule_set.min_months_at_two_thirds
    convention = ctx.rule_set.conventions.fractions
    threshold = add_months(ctx.start, months, convention.value)
    reached = ctx.start + timedelta(days=on.days)
    if reached >= threshold:
        b.note(
            line(
                "right.min_months.ok",
                "The {fraction} of the sentence ({days} days, to {date}) is at least {months} "
                "months (to {threshold}): yes",
                basis=basis,
                fraction=label,
                days=on.days,
                date=reached,
                months=months,
                threshold=threshold,
            )
        )
    else:
        b.exclude(
            line(
                "right.min_months.short",
                "Not applicable: the {fraction} of the sentence ({days} days, to {date}) is less "
                "than {months} months (to {threshold})",
                basis=basis,
                fraction=label,
                days=on.days,
                date=reached,
                months=months,
                threshold=threshold,
            )
        )


def _behaviour_window(
    ctx: _Context, b: _Builder, on: date, window_months: int, *, basis: str = ""
) -> date:
    """Move ``on`` past every Register F entry's end + window; block on an open entry."""
    b.note(
        line(
            "right.window",
            "Behaviour window: no Register F punishment in the {months} months before the "
            "date{note}",
            basis=basis,
            months=window_months,
            note="",
        )
    )
    records = sorted(ctx.sentence.disciplinary_records, key=lambda r: r.start_date)
    if not records:
        b.note(_CLEAN_WINDOW)
    candidate = on
    for record in records:
        if record.end_date is None:
            b.block(
                line(
                    "right.window.open",
                    "Blocked: the Register F punishment since {start} has no end date",
                    start=record.start_date,
                )
            )
            continue
        clean_from = _add("disciplinary_records", record.end_date, months=window_months)
        if clean_from > candidate:
            b.note(
                line(
                    "right.window.moved",
                    "Register F {start} to {end}: {end} + {months} months = {clean}; the date "
                    "moves to {clean}",
                    start=record.start_date,
                    end=record.end_date,
                    months=window_months,
                    clean=clean_from,
                )
            )
            candidate = clean_from
        else:
            b.note(
                line(
                    "right.window.no_effect",
                    "Register F {start} to {end}: {end} + {months} months = {clean}, not after "
                    "{date}; no effect",
                    start=record.start_date,
                    end=record.end_date,
                    months=window_months,
                    clean=clean_from,
                    date=candidate,
                )
            )
    return candidate


def _running_year_window(ctx: _Context, b: _Builder, on: date) -> date:
    """CMK: no Register F punishment in the running (calendar) year of the date."""
    b.note(
        line(
            "right.window.running_year",
            "Behaviour window: no Register F punishment in the running year",
            basis=ctx.rule_set.article("67"),
        )
    )
    candidate = on
    for record in sorted(ctx.sentence.disciplinary_records, key=lambda r: r.start_date):
        if record.end_date is None:
            b.block(
                line(
                    "right.window.open",
                    "Blocked: the Register F punishment since {start} has no end date",
                    start=record.start_date,
                )
            )
            continue
        if record.end_date.year >= candidate.year:
            clean_from = date(record.end_date.year + 1, 1, 1)
            b.note(
                line(
                    "right.window.year_moved",
                    "Register F {start} to {end} falls in {year}: the date moves to {clean}",
                    start=record.start_date,
                    end=record.end_date,
                    year=record.end_date.year,
                    clean=clean_from,
                )
            )
            candidate = clean_from
    return candidate


def special_condition_lines(
    sentence: SentenceInput, on: date, rule_set: RuleSet
) -> tuple[list[ExplanationLine], list[ExplanationLine], list[str]]:
    """The special-crime conditions of a right or a remisi on ``on``:
    ``(notes, blocking lines, names still to verify)``."""
    notes: list[ExplanationLine] = []
    blocking: list[ExplanationLine] = []
    missing: list[str] = []
    names = list(SPECIAL_CONDITIONS.get(sentence.crime_category, ()))
    until = rule_set.justice_collaborator_required_until
    if until is not None and on <= until:
        names.append("justice_collaborator")
    bases = {
        "justice_collaborator": "PP 99/2012 Pasal 34A(1)a, 43A(1)a (annulled 28 Oct 2021)",
    }
    for name in names:
        value: bool | None = getattr(sentence, name)
        label = CONDITION_LABELS[name]
        basis = bases.get(name, "PP 99/2012 Pasal 34A, 43A")
        if value is True:
            notes.append(
                line(
                    "right.condition.met",
                    "Special-crime condition: {label}: yes",
                    basis=basis,
                    label=label,
                )
            )
        elif value is False:
            blocking.append(
                line(
                    "right.condition.unmet",
                    "Blocked: special-crime condition not met: {label}",
                    basis=basis,
                    label=label,
                )
            )
        else:
            missing.append(name)
            notes.append(
                line(
                    "right.condition.unknown",
                    "Special-crime condition not known: {label}; verify before the proposal",
                    basis=basis,
                    label=label,
                )
            )
    return notes, blocking, missing


def _special_conditions(ctx: _Context, b: _Builder) -> None:
    rs = ctx.rule_set
    if not ctx.special or not rs.special_conditions or b.right not in rs.special_condition_rights:
        return
    notes, blocking, missing = special_condition_lines(ctx.sentence, ctx.as_of, rs)
    if b.right is not IntegrationRight.PB:
        # The justice-collaborator requirement is PB's and remisi's (43A, 34A).
        notes = [n for n in notes if "justice" not in str(n)]
        blocking = [n for n in blocking if "justice" not in str(n)]
        missing = [m for m in missing if m != "justice_collaborator"]
    for item in notes:
        b.note(item)
    for item in blocking:
        b.block(item)
    b.missing.extend(missing)


_REVIEW_LINES = {
    right: line(
        "right.review",
        "Checked by the review board (sidang TPP), not by this calculation: {conditions}",
        conditions=conditions,
    )
    for right, conditions in _REVIEW_NOTES.items()
}
_CLEAN_WINDOW = line("right.window.clean", "No Register F entries: the window is clean")


def _review_note(b: _Builder) -> None:
    b.note(_REVIEW_LINES[b.right])


def _child_note(b: _Builder) -> None:
    b.note(
        line(
            "right.child",
            "Rules for children (Anak): the person was sentenced as a child",
            basis="UU 11/2012 (SPPA), UU 22/2022",
        )
    )


def _asimilasi(ctx: _Context) -> RightResult:
    rs = ctx.rule_set
    b = _Builder(IntegrationRight.ASIMILASI)
    if ctx.child:
        _child_note(b)
        after = rs.child_asimilasi_after
        on = add_months(ctx.start, after.months + 12 * after.years, rs.conventions.fractions.value)
        b.note(
            line(
                "right.child.asimilasi",
                "Time condition: {span} served, on {date}",
                basis="UU 22/2022",
                span=after.length,
                date=on,
            )
        )
        candidate = _behaviour_window(ctx, b, on, rs.child_window_months)
    elif ctx.special:
        _time_condition(
            ctx,
            b,
            fraction=rs.two_thirds,
            on=ctx.two_thirds,
            needs_min_months=True,
            basis=rs.article("45"),
        )
        candidate = _behaviour_window(
            ctx, b, ctx.two_thirds.on, rs.asimilasi_special_window_months, basis=rs.article("45")
        )
    else:
        _time_condition(
            ctx, b, fraction=rs.half, on=ctx.half, needs_min_months=False, basis=rs.article("44")
        )
        candidate = _behaviour_window(
            ctx, b, ctx.half.on, rs.asimilasi_general_window_months, basis=rs.article("44")
        )
    _special_conditions(ctx, b)
    _review_note(b)
    return b.finish(ctx, candidate)


_PB_ARTICLES = {
    CrimeCategory.TERRORISM: ("84", ""),
    CrimeCategory.NARCOTICS: ("85", ""),
}


def _pb(ctx: _Context, asimilasi: RightResult) -> RightResult:
    rs = ctx.rule_set
    b = _Builder(IntegrationRight.PB)
    category = ctx.sentence.crime_category
    if ctx.child:
        _child_note(b)
        _time_condition(
            ctx,
            b,
            fraction=rs.child_fraction,
            on=ctx.half,
            needs_min_months=False,
            basis="UU 22/2022",
        )
        candidate = _behaviour_window(ctx, b, ctx.half.on, rs.child_window_months)
    else:
        basis = rs.article("82")
        if rs.kuhp_2023:
            basis = f"{KUHP_72}; {basis}"
        _time_condition(
            ctx, b, fraction=rs.two_thirds, on=ctx.two_thirds, needs_min_months=True, basis=basis
        )
        candidate = _behaviour_window(
            ctx, b, ctx.two_thirds.on, rs.pb_window_months, basis=rs.article("82")
        )
    _special_conditions(ctx, b)
    share = rs.narcotics_pb_asimilasi_share
    if share is not None and ctx.special and not ctx.child and not b.not_applicable:
        if category in _PB_ARTICLES:
            basis = rs.article(_PB_ARTICLES[category][0])
        else:
            basis = "PP 99/2012 Pasal 43A(1)c"
            b.note(
                line(
                    "right.pb.article_86",
                    "The text of Pasal 86 (PB for {category}) was not available to this "
                    "calculation; PP 99/2012 Pasal 43A(1)c is applied: verify",
                    category=category.value,
                )
            )
        start = asimilasi.eligible_from
        if start is None:
            b.block(
                line(
                    "right.pb.narcotics_no_asimilasi",
                    "Blocked: PB for this special crime needs asimilasi first, which is {status}",
                    basis=basis,
                    status=asimilasi.status.value,
                )
            )
        else:
            remaining = days_between(start, ctx.expiry_after_remission)
            needed = fraction_of_days(max(remaining, 0), share)
            earliest = start + timedelta(days=needed)
            b.note(
                line(
                    "right.pb.narcotics_asimilasi",
                    "Asimilasi for {share} of the remaining sentence; asimilasi from "
                    "{start}, {remaining} days to {release}; {remaining} x {share} = {exact}, "
                    "rounded up to {needed} days → {earliest}",
                    basis=basis,
                    share=_fraction_label(share),
                    start=start,
                    remaining=remaining,
                    release=ctx.expiry_after_remission,
                    exact=_times(share, remaining),
                    needed=needed,
                    earliest=earliest,
                )
            )
            candidate = max(candidate, earliest)
    _review_note(b)
    return b.finish(ctx, candidate)


def _cmb(ctx: _Context) -> RightResult:
    rs = ctx.rule_set
    b = _Builder(IntegrationRight.CMB)
    if ctx.child:
        _child_note(b)
        _time_condition(
            ctx,
            b,
            fraction=rs.child_fraction,
            on=ctx.half,
            needs_min_months=False,
            basis="UU 22/2022",
        )
        candidate = _behaviour_window(ctx, b, ctx.half.on, rs.child_window_months)
        earliest_fraction = ctx.half.on
    else:
        _time_condition(
            ctx,
            b,
            fraction=rs.two_thirds,
            on=ctx.two_thirds,
            needs_min_months=True,
            basis=rs.regulation,
        )
        candidate = _behaviour_window(ctx, b, ctx.two_thirds.on, rs.cmb_window_months)
        earliest_fraction = ctx.two_thirds.on
    _special_conditions(ctx, b)
    cap = rs.cmb_max_leave_months * rs.remission_month_days
    last = ctx.sentence.last_remission_days
    if last is None and ctx.facts.grants:
        last = ctx.facts.grants[-1].days
    release = ctx.expiry_after_remission
    if last is None and ctx.sentence.remission_days == 0:
        b.exclude(
            line(
                "right.cmb.no_remission",
                "Not applicable: CMB lasts as long as the last remisi received, and no remisi "
                "has been received",
                basis=rs.regulation,
            )
        )
    elif last is None:
        b.block(
            line(
                "right.cmb.length_unknown",
                "Blocked: CMB lasts as long as the last remisi received (at most {months} "
                "months, {cap} days); the last remisi is not recorded",
                basis=rs.regulation,
                months=rs.cmb_max_leave_months,
                cap=cap,
            )
        )
    else:
        length = min(last, cap)
        b.leave_length_days = length
        b.ends_on = release
        start = release - timedelta(days=length)
        b.note(
            line(
                "right.cmb.length",
                "CMB length: last remisi {last} days, at most {cap} days → {length} days; it "
                "ends on the release day {release}, so it starts no earlier than {start}",
                basis=rs.regulation,
                last=last,
                cap=cap,
                length=length,
                release=release,
                start=start,
            )
        )
        if start > candidate:
            candidate = start
        elif earliest_fraction > start:
            b.note(
                line(
                    "right.cmb.not_before_fraction",
                    "CMB never starts before the {fraction} date {date}",
                    fraction=_fraction_label(rs.child_fraction if ctx.child else rs.two_thirds),
                    date=earliest_fraction,
                )
            )
    _review_note(b)
    return b.finish(ctx, candidate)


def _cb(ctx: _Context) -> RightResult:
    rs = ctx.rule_set
    b = _Builder(IntegrationRight.CB)
    basis = rs.article("114") if rs.regulation.startswith("Permenkumham") else rs.regulation
    if ctx.child:
        _child_note(b)
        _time_condition(
            ctx,
            b,
            fraction=rs.child_fraction,
            on=ctx.half,
            needs_min_months=False,
            basis="UU 22/2022",
        )
        candidate = _behaviour_window(ctx, b, ctx.half.on, rs.child_window_months)
    else:
        _time_condition(
            ctx, b, fraction=rs.two_thirds, on=ctx.two_thirds, needs_min_months=False, basis=basis
        )
        window = rs.cb_special_window_months if ctx.special else rs.cb_general_window_months
        candidate = _behaviour_window(ctx, b, ctx.two_thirds.on, window)
    _special_conditions(ctx, b)
    within, compared = _at_most(ctx.sentence, rs, rs.cb_max_sentence, ctx.start)
    if compared.thirty_day:
        if within:
            b.note(
                line(
                    "right.cb.sentence_ok.days",
                    "The sentence is at most {limit_span}: {term_days} days, not more than "
                    "{limit_days} days (30-day months)",
                    basis=basis,
                    limit_span=rs.cb_max_sentence.length,
                    term_days=compared.term,
                    limit_days=compared.limit,
                )
            )
        else:
            b.exclude(
                line(
                    "right.cb.sentence_too_long.days",
                    "Not applicable: CB is only for sentences of at most {limit_span}; "
                    "{term_days} days is more than {limit_days} days (30-day months)",
                    basis=basis,
                    limit_span=rs.cb_max_sentence.length,
                    term_days=compared.term,
                    limit_days=compared.limit,
                )
            )
    elif within:
        b.note(
            line(
                "right.cb.sentence_ok",
                "The sentence is at most {limit_span}: the term's end {expiry} is on or before "
                "{limit}",
                basis=basis,
                limit_span=rs.cb_max_sentence.length,
                expiry=compared.term,
                limit=compared.limit,
            )
        )
    else:
        b.exclude(
            line(
                "right.cb.sentence_too_long",
                "Not applicable: CB is only for sentences of at most {limit_span}; the term's "
                "end {expiry} is after {limit}",
                basis=basis,
                limit_span=rs.cb_max_sentence.length,
                expiry=compared.term,
                limit=compared.limit,
            )
        )
    length = rs.cb_max_leave_months * rs.remission_month_days
    b.leave_length_days = length
    b.note(
        line(
            "right.cb.length",
            "CB lasts at most {months} months ({days} days), and not beyond the expiry after "
            "remisi {release}",
            basis=basis,
            months=rs.cb_max_leave_months,
            days=length,
            release=ctx.expiry_after_remission,
        )
    )
    _review_note(b)
    return b.finish(ctx, candidate)


def _cmk(ctx: _Context) -> RightResult:
    rs = ctx.rule_set
    b = _Builder(IntegrationRight.CMK)
    _time_condition(
        ctx, b, fraction=rs.half, on=ctx.half, needs_min_months=False, basis=rs.article("67")
    )
    candidate = _running_year_window(ctx, b, ctx.half.on)
    compared = _compare(ctx.sentence, rs, rs.cmk_min_sentence, ctx.start)
    if compared.thirty_day:
        if compared.reached:
            b.note(
                line(
                    "right.cmk.sentence_ok.days",
                    "The sentence is at least {minimum_span}: {term_days} days, at least "
                    "{minimum_days} days (30-day months)",
                    minimum_span=rs.cmk_min_sentence.length,
                    term_days=compared.term,
                    minimum_days=compared.limit,
                )
            )
        else:
            b.exclude(
                line(
                    "right.cmk.sentence_too_short.days",
                    "Not applicable: CMK needs a sentence of at least {minimum_span}; "
                    "{term_days} days is less than {minimum_days} days (30-day months)",
                    minimum_span=rs.cmk_min_sentence.length,
                    term_days=compared.term,
                    minimum_days=compared.limit,
                )
            )
    elif compared.reached:
        b.note(
            line(
                "right.cmk.sentence_ok",
                "The sentence is at least {minimum_span}: the term's end {expiry} is on or after "
                "{minimum}",
                minimum_span=rs.cmk_min_sentence.length,
                expiry=compared.term,
                minimum=compared.limit,
            )
        )
    else:
        b.exclude(
            line(
                "right.cmk.sentence_too_short",
                "Not applicable: CMK needs a sentence of at least {minimum_span}; the term's end "
                "{expiry} is before {minimum}",
                minimum_span=rs.cmk_min_sentence.length,
                expiry=compared.term,
                minimum=compared.limit,
            )
        )
    b.note(
        line(
            "right.cmk.length",
            "CMK lasts at most {hours} hours, at most once every {interval} months; family "
            "guarantee required: {guarantee} (uncertain after 2022)",
            basis=rs.article("67"),
            hours=rs.cmk_max_hours,
            interval=rs.cmk_min_interval_months,
            guarantee=rs.cmk_family_guarantee_required,
        )
    )
    _review_note(b)
    return b.finish(ctx, candidate)


_RULE_SET_LINES: dict[int, tuple[RuleSet, tuple[ExplanationLine, ExplanationLine]]] = {}


def _rule_set_lines(rule_set: RuleSet) -> tuple[ExplanationLine, ExplanationLine]:
    """The rule set's title and day-count lines (built once per rule set)."""
    cached = _RULE_SET_LINES.get(id(rule_set))
    if cached is not None and cached[0] is rule_set:
        return cached[1]
    conventions = rule_set.conventions
    lines = (
        line("calc.rule_set", "Rule set: {title}", title=rule_set.title or rule_set.name),
        line(
            "calc.convention",
            "Day count (version {version}): expiry in {expiry}; fractions and sentence "
            "lengths in {fractions}; remisi thresholds in {remission}; behaviour windows in "
            "{windows}; leave lengths in {leave}; fractions of a day are rounded up",
            version=conventions.version,
            expiry=_CONVENTION_NAMES[conventions.expiry],
            fractions=_CONVENTION_NAMES[conventions.fractions],
            remission=_CONVENTION_NAMES[conventions.remission],
            windows=_CONVENTION_NAMES[conventions.windows],
            leave=_CONVENTION_NAMES[conventions.leave],
        ),
    )
    _RULE_SET_LINES[id(rule_set)] = (rule_set, lines)
    return lines


def _header(
    sentence: SentenceInput, as_of: date, rule_set: RuleSet, special_line: ExplanationLine
) -> list[ExplanationLine]:
    lines = [
        *_rule_set_lines(rule_set)[:1],
        line(
            "calc.rule_set.chosen",
            "Chosen by the date {date} ({which}); a facility cannot choose another",
            date=sentence.verdict_date or sentence.detention_start,
            which=phrase("the verdict became final")
            if sentence.verdict_date
            else phrase("detention start; the verdict date is not recorded"),
        ),
        _rule_set_lines(rule_set)[1],
        line("calc.detention_start", "Detention start: {date}", date=sentence.detention_start),
        line("calc.term", "Term: {term}", term=sentence.term.sheet_value),
        line("calc.category", "Crime category: {category}", category=sentence.crime_category.value),
        special_line,
    ]
    if sentence.is_child:
        lines.append(
            line(
                "calc.child",
                "Sentenced as a child: the rules for children apply (pengurangan masa pidana "
                "instead of remisi; asimilasi after 3 months; PB, CB and CMB at 1/2)",
                basis="UU 11/2012 (SPPA), UU 22/2022",
            )
        )
    lines.append(line("calc.as_of", "As of: {date}", date=as_of))
    return lines


def calculate(sentence: SentenceInput, as_of: date, rule_set: RuleSet | None = None) -> Calculation:
    """Compute the key dates and the eligibility for each right as of ``as_of``.

    The rule set is chosen by the sentence's dates (:func:`select_rule_set`) unless one
    is given (tests and the recalculation of a newly published set). Raises
    :class:`SentenceInputError` for invalid input.
    """
    if not isinstance(sentence, SentenceInput):
        raise SentenceInputError("sentence", "must be a SentenceInput")
    if isinstance(as_of, datetime) or not isinstance(as_of, date):
        raise SentenceInputError("as_of", "must be a date")
    rule_set = rule_set or select_rule_set(sentence)
    start = sentence.detention_start
    term = sentence.term
    special, special_line = _special(sentence, rule_set)
    explanation = _header(sentence, as_of, rule_set, special_line)

    facts = sentence_facts(sentence, rule_set)
    if facts is None:
        reason = line(
            "calc.no_fixed_term",
            "A {term} sentence has no expiry date, no fractions, no integration rights and no "
            "remisi unless it is commuted to a fixed term",
            basis=UU_22_2022,
            term=term.sheet_value,
        )
        explanation.append(reason)
        rights = {
            right.value: RightResult(
                right=right,
                status=RightStatus.NOT_APPLICABLE,
                reason=reason,
                explanation=[reason],
            )
            for right in RIGHT_ORDER
        }
        return Calculation(
            detention_start=start,
            term=term,
            crime_category=sentence.crime_category,
            special_crime=special,
            as_of=as_of,
            remission_days=sentence.remission_days,
            expiry_date=None,
            expiry_after_remission=None,
            one_third_date=None,
            half_date=None,
            two_thirds_date=None,
            sentence_days=None,
            total_days=None,
            rights=rights,
            rule_set=rule_set.name,
            explanation=explanation,
            rule_set_title=rule_set.title,
            conventions_version=rule_set.conventions.version,
        )

    explanation.extend(facts.lines)
    combined = sentence.combined_term
    explanation.append(
        line(
            "calc.expiry",
            "Expiry: {start} + {term} = {expiry}",
            basis=KUHAP_22_4,
            start=facts.start,
            term=combined.sheet_value,
            expiry=facts.expiry,
        )
    )
    explanation.append(
        line(
            "calc.sentence_days",
            "Sentence: {days} days from the start to the expiry; {base} days in the fractions' "
            "day count",
            days=facts.term_days_calendar,
            base=facts.base_days,
        )
    )
    remission = sentence.remission_days
    explanation.append(line("calc.remission", "Remisi granted: {days} days", days=remission))
    for grant in facts.grants:
        explanation.append(
            line(
                "calc.remission.grant",
                "Remisi {kind} of {days} days granted on {date}",
                kind=grant.kind,
                days=grant.days,
                date=grant.granted_on,
            )
        )
    after = facts.expiry_after_remission
    if remission > facts.term_days_calendar:
        explanation.append(
            line(
                "calc.expiry_after_remission.clamped",
                "Expiry after remisi: {expiry} - {days} days would be before the start; "
                "clamped to {start}",
                expiry=facts.expiry,
                days=remission,
                start=facts.start,
            )
        )
    else:
        explanation.append(
            line(
                "calc.expiry_after_remission",
                "Expiry after remisi: {expiry} - {days} days = {after}",
                basis="Keppres 174/1999",
                expiry=facts.expiry,
                days=remission,
                after=after,
            )
        )
    if facts.substitute_days:
        explanation.append(
            line(
                "calc.release_date",
                "Release after the substitute term: {after} + {days} days = {release}",
                after=after,
                days=facts.substitute_days,
                release=facts.release_date,
            )
        )
    total = days_between(facts.start, after)
    explanation.append(
        line(
            "calc.total_days",
            "Days from the start to the expiry after remisi: {days}",
            days=total,
        )
    )
    fractions: list[_Fraction] = []
    for name, fraction in (
        ("one_third", rule_set.one_third),
        ("half", rule_set.half),
        ("two_thirds", rule_set.two_thirds),
    ):
        fractions.append(_fraction(facts, fraction, name, explanation))
    one_third, half, two_thirds = fractions

    ctx = _Context(
        sentence=sentence,
        as_of=as_of,
        rule_set=rule_set,
        special=special,
        child=sentence.is_child,
        facts=facts,
        half=half,
        two_thirds=two_thirds,
    )
    asimilasi = _asimilasi(ctx)
    results = {
        IntegrationRight.ASIMILASI: asimilasi,
        IntegrationRight.PB: _pb(ctx, asimilasi),
        IntegrationRight.CB: _cb(ctx),
        IntegrationRight.CMB: _cmb(ctx),
        IntegrationRight.CMK: _cmk(ctx),
    }
    for right in RIGHT_ORDER:
        result = results[right]
        if result.eligible_from is not None:
            summary = line(
                f"calc.right.{right.value}",
                "{name}: {status} from {date}",
                name=_RIGHT_NAMES[right],
                status=result.status.value,
                date=result.eligible_from,
            )
        else:
            summary = line(
                f"calc.right.{right.value}",
                "{name}: {status}",
                name=_RIGHT_NAMES[right],
                status=result.status.value,
            )
        explanation.append(summary)
    return Calculation(
        detention_start=start,
        term=term,
        crime_category=sentence.crime_category,
        special_crime=special,
        as_of=as_of,
        remission_days=remission,
        expiry_date=facts.expiry,
        expiry_after_remission=after,
        one_third_date=one_third.on,
        half_date=half.on,
        two_thirds_date=two_thirds.on,
        sentence_days=facts.term_days_calendar,
        total_days=total,
        rights={right.value: results[right] for right in RIGHT_ORDER},
        rule_set=rule_set.name,
        explanation=explanation,
        rule_set_title=rule_set.title,
        conventions_version=rule_set.conventions.version,
        term_start=facts.start,
        release_date=facts.release_date,
        pb_probation_end=results[IntegrationRight.PB].ends_on,
    )
