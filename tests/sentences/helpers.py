"""Shared builders for the sentence engine tests (no Django needed)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, cast

from sinergi.sentences import (
    DEFAULT_RULE_SET,
    Calculation,
    CrimeCategory,
    DisciplinaryPeriod,
    RuleSet,
    SentenceInput,
    Term,
    calculate,
)

GENERAL = CrimeCategory.GENERAL
ALWAYS_SPECIAL = (
    CrimeCategory.TERRORISM,
    CrimeCategory.CORRUPTION,
    CrimeCategory.STATE_SECURITY,
    CrimeCategory.HUMAN_RIGHTS,
    CrimeCategory.TRANSNATIONAL,
)


def sentence(
    start: date,
    term: Term,
    category: CrimeCategory = GENERAL,
    *,
    remission_days: int = 0,
    records: Sequence[DisciplinaryPeriod] = (),
    fine_paid: bool | None = None,
    restitution_paid: bool | None = None,
    deradicalisation_completed: bool | None = None,
    nkri_pledge_signed: bool | None = None,
    last_remission_days: int | None = None,
) -> SentenceInput:
    return SentenceInput(
        detention_start=start,
        term=term,
        crime_category=category,
        remission_days=remission_days,
        disciplinary_records=records,
        fine_paid=fine_paid,
        restitution_paid=restitution_paid,
        deradicalisation_completed=deradicalisation_completed,
        nkri_pledge_signed=nkri_pledge_signed,
        last_remission_days=last_remission_days,
    )


def calc(
    start: date,
    term: Term,
    category: CrimeCategory = GENERAL,
    *,
    as_of: date = date(2000, 1, 1),
    rule_set: RuleSet = DEFAULT_RULE_SET,
    **kwargs: Any,
) -> Calculation:
    """The calculation under one rule set (by default the 2022 one, whose day count is
    calendar): the worked examples check the arithmetic of a set, and the choice of the
    set by date is tested on its own (test_rule_sets)."""
    return calculate(sentence(start, term, category, **kwargs), as_of, rule_set)


def statuses(result: Calculation) -> dict[str, str]:
    return {name: right.status.value for name, right in result.rights.items()}


def dates_from(result: Calculation) -> dict[str, date | None]:
    return {name: right.eligible_from for name, right in result.rights.items()}


def rights_of(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The ``rights`` part of a ``to_dict()`` result, typed for the tests."""
    return cast(dict[str, dict[str, Any]], data["rights"])
