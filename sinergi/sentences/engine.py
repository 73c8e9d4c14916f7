"""The calculation: key dates of a sentence and eligibility for integration rights.

The conventions are documented in :mod:`sinergi.sentences.rules`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from .dates import add_calendar, add_fraction_of_days, days_between, fraction_of_days
from .explain import ExplanationLine, line, phrase
from .inputs import CrimeCategory, SentenceInput, SentenceInputError
from .results import Calculation, RightResult, RightStatus
from .rules import DEFAULT_RULE_SET, IntegrationRight, RuleSet, Span

__all__ = ["calculate", "expiry_dates", "is_special_crime"]

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
}

_SPECIAL_CONDITIONS: dict[CrimeCategory, tuple[str, ...]] = {
    CrimeCategory.CORRUPTION: ("fine_paid", "restitution_paid"),
    CrimeCategory.TERRORISM: ("deradicalisation_completed", "nkri_pledge_signed"),
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


def _add(field_name: str, start: date, years: int = 0, months: int = 0, days: int = 0) -> date:
    try:
        return add_calendar(start, years, months, days)
    except (OverflowError, ValueError) as exc:
        raise SentenceInputError(field_name, "the resulting date is out of range") from exc


def _add_span(field_name: str, start: date, span: Span) -> date:
    return _add(field_name, start, span.years, span.months, span.days)


def _decimal(value: Fraction) -> int | Decimal:
    """A whole number as it is, otherwise rounded to two decimals (``Decimal("243.67")``)."""
    if value.denominator == 1:
        return value.numerator
    return Decimal(f"{float(value):.2f}")


def _fraction_label(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


def expiry_dates(sentence: SentenceInput) -> tuple[date, date] | None:
    """``(expiry, expiry after remisi)`` of a fixed term, ``None`` for life/death.

    The expiry after remisi is clamped so that it is never before the detention start.
    """
    term = sentence.term
    if not term.is_fixed:
        return None
    start = sentence.detention_start
    expiry = _add("term", start, term.years, term.months, term.days)
    after = expiry - timedelta(days=min(sentence.remission_days, days_between(start, expiry)))
    return expiry, after


def is_special_crime(sentence: SentenceInput, rule_set: RuleSet = DEFAULT_RULE_SET) -> bool:
    """Whether the sentence falls under the special-crime rules.

    Narcotics is special only for a fixed term of at least 5 years (compared as dates:
    expiry on or after detention start + 5 years). Life and death narcotics sentences
    count as special.
    """
    return _special(sentence, rule_set)[0]


def _special(sentence: SentenceInput, rule_set: RuleSet) -> tuple[bool, ExplanationLine]:
    category = sentence.crime_category
    if category in rule_set.always_special_categories:
        return True, line(
            "calc.special.category",
            "Special crime: yes ({category} is always a special crime)",
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
    start = sentence.detention_start
    expiry = _add("term", start, term.years, term.months, term.days)
    limit = _add_span("term", start, threshold)
    reached = expiry >= limit
    return rule_set.is_special(category, reaches_narcotics_threshold=reached), line(
        "calc.special.narcotics",
        "Special crime: {special} (narcotics is special when the sentence is at least "
        "{threshold}, i.e. when the expiry {expiry} is on or after {limit})",
        special=reached,
        threshold=threshold.length,
        expiry=expiry,
        limit=limit,
    )


@dataclass(frozen=True)
class _Context:
    sentence: SentenceInput
    as_of: date
    rule_set: RuleSet
    special: bool
    expiry: date
    expiry_after_remission: date
    half: date
    two_thirds: date


@dataclass
class _Builder:
    right: IntegrationRight
    lines: list[ExplanationLine] = field(default_factory=list)
    not_applicable: list[ExplanationLine] = field(default_factory=list)
    blocked: list[ExplanationLine] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    leave_length_days: int | None = None

    def note(self, item: ExplanationLine) -> None:
        self.lines.append(item)

    def exclude(self, item: ExplanationLine) -> None:
        self.lines.append(item)
        self.not_applicable.append(item)

    def block(self, item: ExplanationLine) -> None:
        self.lines.append(item)
        self.blocked.append(item)

    def finish(self, ctx: _Context, candidate: date | None) -> RightResult:
        if candidate is not None and not self.not_applicable:
            release = ctx.expiry_after_remission
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
    on: date,
    needs_min_months: bool,
) -> None:
    label = _fraction_label(fraction)
    b.note(
        line(
            "right.time_condition",
            "Time condition: {fraction} of the sentence served, on {date}",
            fraction=label,
            date=on,
        )
    )
    if not needs_min_months:
        return
    months = ctx.rule_set.min_months_at_two_thirds
    threshold = _add("term", ctx.sentence.detention_start, months=months)
    if on >= threshold:
        b.note(
            line(
                "right.min_months.ok",
                "The {fraction} date {date} is at least {months} months after detention "
                "start ({threshold}): yes",
                fraction=label,
                date=on,
                months=months,
                threshold=threshold,
            )
        )
    else:
        b.exclude(
            line(
                "right.min_months.short",
                "Not applicable: the {fraction} date {date} is less than {months} months after "
                "detention start ({threshold})",
                fraction=label,
                date=on,
                months=months,
                threshold=threshold,
            )
        )


def _behaviour_window(
    ctx: _Context, b: _Builder, on: date, window_months: int | None, *, window_note: str = ""
) -> date:
    """Move ``on`` past every Register F entry's end + window; block on an open entry."""
    if window_months is None:
        b.note(
            line(
                "right.window.none",
                "Behaviour window: none applies{note}",
                note=window_note,
            )
        )
        return on
    b.note(
        line(
            "right.window",
            "Behaviour window: no Register F punishment in the {months} months before the "
            "date{note}",
            months=window_months,
            note=window_note,
        )
    )
    records = sorted(ctx.sentence.disciplinary_records, key=lambda r: r.start_date)
    if not records:
        b.note(line("right.window.clean", "No Register F entries: the window is clean"))
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


def _special_conditions(ctx: _Context, b: _Builder) -> None:
    if not ctx.special or b.right not in ctx.rule_set.special_condition_rights:
        return
    names = _SPECIAL_CONDITIONS.get(ctx.sentence.crime_category, ())
    for name in names:
        value: bool | None = getattr(ctx.sentence, name)
        label = CONDITION_LABELS[name]
        if value is True:
            b.note(
                line("right.condition.met", "Special-crime condition: {label}: yes", label=label)
            )
        elif value is False:
            b.block(
                line(
                    "right.condition.unmet",
                    "Blocked: special-crime condition not met: {label}",
                    label=label,
                )
            )
        else:
            b.missing.append(name)
            b.note(
                line(
                    "right.condition.unknown",
                    "Special-crime condition not known: {label}; verify before the proposal",
                    label=label,
                )
            )


def _review_note(b: _Builder) -> None:
    b.note(
        line(
            "right.review",
            "Checked by the review board (sidang TPP), not by this calculation: {conditions}",
            conditions=_REVIEW_NOTES[b.right],
        )
    )


def _asimilasi(ctx: _Context) -> RightResult:
    rs = ctx.rule_set
    b = _Builder(IntegrationRight.ASIMILASI)
    if ctx.special:
        _time_condition(ctx, b, fraction=rs.two_thirds, on=ctx.two_thirds, needs_min_months=True)
        candidate = _behaviour_window(ctx, b, ctx.two_thirds, rs.asimilasi_special_window_months)
    else:
        _time_condition(ctx, b, fraction=rs.half, on=ctx.half, needs_min_months=False)
        candidate = _behaviour_window(ctx, b, ctx.half, rs.asimilasi_general_window_months)
    _special_conditions(ctx, b)
    _review_note(b)
    return b.finish(ctx, candidate)


def _pb(ctx: _Context, asimilasi: RightResult) -> RightResult:
    rs = ctx.rule_set
    b = _Builder(IntegrationRight.PB)
    _time_condition(ctx, b, fraction=rs.two_thirds, on=ctx.two_thirds, needs_min_months=True)
    candidate = _behaviour_window(ctx, b, ctx.two_thirds, rs.pb_window_months)
    _special_conditions(ctx, b)
    share = rs.narcotics_pb_asimilasi_share
    if (
        share is not None
        and ctx.special
        and ctx.sentence.crime_category is CrimeCategory.NARCOTICS
        and not b.not_applicable
    ):
        start = asimilasi.eligible_from
        if start is None:
            b.block(
                line(
                    "right.pb.narcotics_no_asimilasi",
                    "Blocked: PB for narcotics needs asimilasi first, which is {status}",
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
                    "Narcotics: asimilasi for {share} of the remaining sentence; asimilasi from "
                    "{start}, {remaining} days to {release}; {remaining} x {share} = {exact}, "
                    "rounded up to {needed} days → {earliest}",
                    share=_fraction_label(share),
                    start=start,
                    remaining=remaining,
                    release=ctx.expiry_after_remission,
                    exact=_decimal(share * remaining),
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
    _time_condition(ctx, b, fraction=rs.two_thirds, on=ctx.two_thirds, needs_min_months=True)
    candidate = _behaviour_window(ctx, b, ctx.two_thirds, rs.cmb_window_months)
    _special_conditions(ctx, b)
    cap = rs.cmb_max_leave_months * rs.remission_month_days
    last = ctx.sentence.last_remission_days
    if last is None:
        b.note(
            line(
                "right.cmb.length_unknown",
                "CMB length: as long as the last remisi received, at most {months} months "
                "({cap} days); not computed because the last remisi is not given",
                months=rs.cmb_max_leave_months,
                cap=cap,
            )
        )
    else:
        b.leave_length_days = min(last, cap)
        b.note(
            line(
                "right.cmb.length",
                "CMB length: last remisi {last} days, at most {cap} days → {length} days",
                last=last,
                cap=cap,
                length=b.leave_length_days,
            )
        )
    _review_note(b)
    return b.finish(ctx, candidate)


def _cb(ctx: _Context) -> RightResult:
    rs = ctx.rule_set
    b = _Builder(IntegrationRight.CB)
    _time_condition(ctx, b, fraction=rs.two_thirds, on=ctx.two_thirds, needs_min_months=False)
    window = rs.cb_special_window_months if ctx.special else rs.cb_general_window_months
    candidate = _behaviour_window(ctx, b, ctx.two_thirds, window)
    _special_conditions(ctx, b)
    limit = _add_span("term", ctx.sentence.detention_start, rs.cb_max_sentence)
    if ctx.expiry <= limit:
        b.note(
            line(
                "right.cb.sentence_ok",
                "The sentence is at most {limit_span}: expiry {expiry} is on or before {limit}",
                limit_span=rs.cb_max_sentence.length,
                expiry=ctx.expiry,
                limit=limit,
            )
        )
    else:
        b.exclude(
            line(
                "right.cb.sentence_too_long",
                "Not applicable: CB is only for sentences of at most {limit_span}; the expiry "
                "{expiry} is after {limit}",
                limit_span=rs.cb_max_sentence.length,
                expiry=ctx.expiry,
                limit=limit,
            )
        )
    b.note(
        line(
            "right.cb.length",
            "CB lasts at most {months} months (uncertain: sources say 4 or 6 months)",
            months=rs.cb_max_leave_months,
        )
    )
    _review_note(b)
    return b.finish(ctx, candidate)


def _cmk(ctx: _Context) -> RightResult:
    rs = ctx.rule_set
    b = _Builder(IntegrationRight.CMK)
    _time_condition(ctx, b, fraction=rs.half, on=ctx.half, needs_min_months=False)
    candidate = _behaviour_window(
        ctx,
        b,
        ctx.half,
        rs.cmk_behaviour_window_months,
        window_note=phrase(" (engine choice: no window is listed for CMK, the general one is used)")
        if rs.cmk_behaviour_window_months is not None
        else phrase(" (no window is listed for CMK)"),
    )
    minimum = _add_span("term", ctx.sentence.detention_start, rs.cmk_min_sentence)
    if ctx.expiry >= minimum:
        b.note(
            line(
                "right.cmk.sentence_ok",
                "The sentence is at least {minimum_span}: expiry {expiry} is on or after {minimum}",
                minimum_span=rs.cmk_min_sentence.length,
                expiry=ctx.expiry,
                minimum=minimum,
            )
        )
    else:
        b.exclude(
            line(
                "right.cmk.sentence_too_short",
                "Not applicable: CMK needs a sentence of at least {minimum_span}; the expiry "
                "{expiry} is before {minimum}",
                minimum_span=rs.cmk_min_sentence.length,
                expiry=ctx.expiry,
                minimum=minimum,
            )
        )
    b.note(
        line(
            "right.cmk.length",
            "CMK lasts at most {hours} hours, at most once every {interval} months; family "
            "guarantee required: {guarantee} (uncertain after 2022)",
            hours=rs.cmk_max_hours,
            interval=rs.cmk_min_interval_months,
            guarantee=rs.cmk_family_guarantee_required,
        )
    )
    _review_note(b)
    return b.finish(ctx, candidate)


def calculate(
    sentence: SentenceInput, as_of: date, rule_set: RuleSet = DEFAULT_RULE_SET
) -> Calculation:
    """Compute the key dates and the eligibility for each right as of ``as_of``.

    Raises :class:`SentenceInputError` for invalid input.
    """
    if not isinstance(sentence, SentenceInput):
        raise SentenceInputError("sentence", "must be a SentenceInput")
    if isinstance(as_of, datetime) or not isinstance(as_of, date):
        raise SentenceInputError("as_of", "must be a date")
    start = sentence.detention_start
    term = sentence.term
    special, special_line = _special(sentence, rule_set)
    explanation = [
        line("calc.rule_set", "Rule set: {name}", name=rule_set.name),
        line(
            "calc.convention",
            "Convention: add calendar years, then months, then days; a day past the end of "
            "a month becomes its last day; the expiry is detention start + term (the release "
            "day, not counted as a further day served); fractions of days are rounded up",
        ),
        line("calc.detention_start", "Detention start: {date}", date=start),
        line("calc.term", "Term: {term}", term=term.sheet_value),
        line("calc.category", "Crime category: {category}", category=sentence.crime_category.value),
        special_line,
        line("calc.as_of", "As of: {date}", date=as_of),
    ]

    if not term.is_fixed:
        reason = line(
            "calc.no_fixed_term",
            "A {term} sentence has no expiry date, no fractions, no integration rights and no "
            "remisi unless it is commuted to a fixed term (UU 22/2022)",
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
        )

    expiry = _add("term", start, term.years, term.months, term.days)
    sentence_days = days_between(start, expiry)
    explanation.append(
        line(
            "calc.expiry",
            "Expiry: {start} + {term} = {expiry}",
            start=start,
            term=term.sheet_value,
            expiry=expiry,
        )
    )
    explanation.append(
        line(
            "calc.sentence_days",
            "Sentence: {days} days from detention start to expiry",
            days=sentence_days,
        )
    )
    remission = sentence.remission_days
    explanation.append(line("calc.remission", "Remisi granted: {days} days", days=remission))
    if remission > sentence_days:
        after = start
        explanation.append(
            line(
                "calc.expiry_after_remission.clamped",
                "Expiry after remisi: {expiry} - {days} days would be before detention start; "
                "clamped to {start}",
                expiry=expiry,
                days=remission,
                start=start,
            )
        )
    else:
        after = expiry - timedelta(days=remission)
        explanation.append(
            line(
                "calc.expiry_after_remission",
                "Expiry after remisi: {expiry} - {days} days = {after}",
                expiry=expiry,
                days=remission,
                after=after,
            )
        )
    total = days_between(start, after)
    explanation.append(
        line(
            "calc.total_days",
            "Days from detention start to expiry after remisi: {days}",
            days=total,
        )
    )
    fraction_dates: list[date] = []
    for name, fraction in (
        ("one_third", rule_set.one_third),
        ("half", rule_set.half),
        ("two_thirds", rule_set.two_thirds),
    ):
        on = add_fraction_of_days(start, total, fraction)
        days = fraction_of_days(total, fraction)
        fraction_dates.append(on)
        explanation.append(
            line(
                f"calc.{name}",
                "{fraction} date: {total} x {fraction} = {exact} days, rounded up to {days} "
                "days; {start} + {days} days = {date}",
                fraction=_fraction_label(fraction),
                total=total,
                exact=_decimal(fraction * total),
                days=days,
                start=start,
                date=on,
            )
        )
    one_third, half, two_thirds = fraction_dates

    ctx = _Context(
        sentence=sentence,
        as_of=as_of,
        rule_set=rule_set,
        special=special,
        expiry=expiry,
        expiry_after_remission=after,
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
        expiry_date=expiry,
        expiry_after_remission=after,
        one_third_date=one_third,
        half_date=half,
        two_thirds_date=two_thirds,
        sentence_days=sentence_days,
        total_days=total,
        rights={right.value: results[right] for right in RIGHT_ORDER},
        rule_set=rule_set.name,
        explanation=explanation,
    )
