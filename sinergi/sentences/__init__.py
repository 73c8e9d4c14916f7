"""Sentence calculations: key dates of a sentence, integration rights and remisi.

A pure-Python rule engine (standard library only, no Django). The rules and every
convention are documented in :mod:`sinergi.sentences.rules`.

Example::

    from datetime import date
    from sinergi.sentences import CrimeCategory, SentenceInput, Term, calculate

    result = calculate(
        SentenceInput(date(2017, 5, 9), Term.fixed(2), CrimeCategory.GENERAL),
        as_of=date(2018, 1, 1),
    )
    result.expiry_date  # date(2019, 5, 9)
"""

from .dates import add_calendar
from .engine import (
    CONDITION_LABELS,
    SentenceFacts,
    calculate,
    expiry_dates,
    is_special_crime,
    select_rule_set,
    sentence_facts,
)
from .explain import ExplanationLine, Length
from .inputs import (
    CrimeCategory,
    DetentionKind,
    DetentionPeriod,
    DisciplinaryPeriod,
    RemissionGrant,
    SentenceInput,
    SentenceInputError,
    Term,
    TermKind,
)
from .remission import (
    EXCLUSION_LABELS,
    NextRemissions,
    ReligiousHoliday,
    RemissionDue,
    RemissionExtra,
    RemissionKind,
    next_remissions,
)
from .results import Calculation, RightResult, RightStatus
from .rules import (
    DEFAULT_RULE_SET,
    KUHP_2023,
    PERMENKUMHAM_3_2018,
    PERMENKUMHAM_3_2018_AMENDED_7_2022,
    PP_28_2006,
    PP_99_2012,
    RULE_SET,
    RULE_SETS,
    Conventions,
    DayCount,
    IntegrationRight,
    RemissionAmount,
    RemissionTable,
    RuleSet,
    Span,
    remission_months_to_days,
    rule_set_for,
)

__all__ = [
    "CONDITION_LABELS",
    "DEFAULT_RULE_SET",
    "EXCLUSION_LABELS",
    "KUHP_2023",
    "PERMENKUMHAM_3_2018",
    "PERMENKUMHAM_3_2018_AMENDED_7_2022",
    "PP_28_2006",
    "PP_99_2012",
    "RULE_SET",
    "RULE_SETS",
    "Calculation",
    "Conventions",
    "CrimeCategory",
    "DayCount",
    "DetentionKind",
    "DetentionPeriod",
    "DisciplinaryPeriod",
    "ExplanationLine",
    "IntegrationRight",
    "Length",
    "NextRemissions",
    "ReligiousHoliday",
    "RemissionAmount",
    "RemissionDue",
    "RemissionExtra",
    "RemissionGrant",
    "RemissionKind",
    "RemissionTable",
    "RightResult",
    "RightStatus",
    "RuleSet",
    "SentenceFacts",
    "SentenceInput",
    "SentenceInputError",
    "Span",
    "Term",
    "TermKind",
    "add_calendar",
    "calculate",
    "expiry_dates",
    "is_special_crime",
    "next_remissions",
    "remission_months_to_days",
    "rule_set_for",
    "select_rule_set",
    "sentence_facts",
]
