"""Result types of the sentence engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from .explain import ExplanationLine
from .inputs import CrimeCategory, Term
from .rules import IntegrationRight

__all__ = ["Calculation", "RightResult", "RightStatus"]


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


class RightStatus(StrEnum):
    """The outcome for one right."""

    ELIGIBLE = "eligible"
    """The time and behaviour conditions give a date (which may be in the future)."""
    NOT_APPLICABLE = "not_applicable"
    """The right does not exist for this sentence (see ``reason``)."""
    BLOCKED = "blocked"
    """A condition currently prevents the right (see ``reason``)."""


@dataclass(frozen=True)
class RightResult:
    """Eligibility for one right.

    ``eligible_from`` is set only when ``status`` is ``eligible``. ``almost_eligible`` is
    true when ``as_of <= eligible_from <= as_of + almost_eligible_days``; ``is_due`` when
    ``eligible_from <= as_of``. ``reason`` is the deciding line for ``not_applicable``
    and ``blocked``. ``missing_conditions`` names inputs that were unknown (``None``) and
    must still be verified. ``leave_length_days`` is CMB's length when it can be computed.
    """

    right: IntegrationRight
    status: RightStatus
    eligible_from: date | None = None
    almost_eligible: bool = False
    is_due: bool = False
    reason: ExplanationLine | None = None
    missing_conditions: list[str] = field(default_factory=list)
    leave_length_days: int | None = None
    ends_on: date | None = None
    """PB: the end of the probation; CB: the end of the leave; CMB: the release day."""
    explanation: list[ExplanationLine] = field(default_factory=list)

    @property
    def is_eligible(self) -> bool:
        return self.status is RightStatus.ELIGIBLE

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: status, eligible_from, almost_eligible, explanation."""
        return {
            "status": self.status.value,
            "eligible_from": _iso(self.eligible_from),
            "ends_on": _iso(self.ends_on),
            "almost_eligible": self.almost_eligible,
            "reason": None if self.reason is None else str(self.reason),
            "missing_conditions": list(self.missing_conditions),
            "explanation": [str(item) for item in self.explanation],
        }


@dataclass(frozen=True)
class Calculation:
    """The key dates of a sentence and the eligibility for each right.

    Dates are ``None`` for life and death sentences. ``sentence_days`` counts from
    detention start to expiry, ``total_days`` from detention start to the expiry after
    remisi.
    """

    detention_start: date
    term: Term
    crime_category: CrimeCategory
    special_crime: bool
    as_of: date
    remission_days: int
    expiry_date: date | None
    expiry_after_remission: date | None
    one_third_date: date | None
    half_date: date | None
    two_thirds_date: date | None
    sentence_days: int | None
    total_days: int | None
    rights: dict[str, RightResult]
    rule_set: str
    explanation: list[ExplanationLine]
    rule_set_title: str = ""
    conventions_version: str = ""
    term_start: date | None = None
    """The day the term runs from (after detention credit or a commutation)."""
    release_date: date | None = None
    """The expiry after remisi plus any substitute term served for an unpaid fine."""
    pb_probation_end: date | None = None

    def days_served(self, on: date) -> int:
        """Days in detention from detention start up to ``on`` (0 before the start).

        For a fixed term this stops at the expiry after remisi.
        """
        end = on
        if self.expiry_after_remission is not None:
            end = min(end, self.expiry_after_remission)
        return max(0, (end - self.detention_start).days)

    def days_remaining(self, on: date) -> int | None:
        """Days from ``on`` to the expiry after remisi (``None`` for life/death)."""
        if self.expiry_after_remission is None:
            return None
        return max(0, (self.expiry_after_remission - on).days)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready primitives (dates as ISO strings, explanations as English lines)."""
        return {
            "expiry_date": _iso(self.expiry_date),
            "expiry_after_remission": _iso(self.expiry_after_remission),
            "one_third_date": _iso(self.one_third_date),
            "half_date": _iso(self.half_date),
            "two_thirds_date": _iso(self.two_thirds_date),
            "rights": {key: value.to_dict() for key, value in self.rights.items()},
            "rule_set": self.rule_set,
            "rule_set_title": self.rule_set_title,
            "conventions_version": self.conventions_version,
            "term_start": _iso(self.term_start),
            "release_date": _iso(self.release_date),
            "pb_probation_end": _iso(self.pb_probation_end),
            "explanation": [str(item) for item in self.explanation],
        }
