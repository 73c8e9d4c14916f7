"""Input types of the sentence engine, validated on construction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from .explain import Length, phrase

__all__ = [
    "CrimeCategory",
    "DetentionKind",
    "DetentionPeriod",
    "DisciplinaryPeriod",
    "RemissionGrant",
    "SentenceInput",
    "SentenceInputError",
    "Term",
    "TermKind",
]


class SentenceInputError(ValueError):
    """An input of the sentence engine is invalid.

    ``field`` names the offending input (for example ``"term"`` or
    ``"disciplinary_records[0].end_date"``) so that a form can show the message next
    to it.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class CrimeCategory(StrEnum):
    """The crime category that decides the general or special-crime rules."""

    GENERAL = "general"
    NARCOTICS = "narcotics"
    TERRORISM = "terrorism"
    CORRUPTION = "corruption"
    STATE_SECURITY = "state_security"
    HUMAN_RIGHTS = "human_rights"
    TRANSNATIONAL = "transnational"


_CATEGORY_VALUES = frozenset(c.value for c in CrimeCategory)


class TermKind(StrEnum):
    """A fixed term of years/months/days, life imprisonment, or the death penalty."""

    FIXED = "fixed"
    LIFE = "life"
    DEATH = "death"


def _check_date(field: str, value: object) -> None:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise SentenceInputError(field, f"must be a date, not {type(value).__name__}")


def _check_int(field: str, value: object, *, minimum: int = 0) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SentenceInputError(field, f"must be a whole number, not {type(value).__name__}")
    if value < minimum:
        raise SentenceInputError(field, f"must be at least {minimum}, not {value}")


def _check_optional_bool(field: str, value: object) -> None:
    if value is not None and not isinstance(value, bool):
        raise SentenceInputError(field, "must be true, false or unknown (None)")


@dataclass(frozen=True)
class Term:
    """The sentence imposed by the court.

    Build it with :meth:`fixed`, :meth:`life` or :meth:`death`. A fixed term must be
    longer than zero; life and death terms carry no years, months or days.
    """

    kind: TermKind
    years: int = 0
    months: int = 0
    days: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.kind, TermKind):
            raise SentenceInputError("term", f"unknown kind of term {self.kind!r}")
        for name in ("years", "months", "days"):
            _check_int(f"term.{name}", getattr(self, name))
        parts = (self.years, self.months, self.days)
        if self.kind is TermKind.FIXED and not any(parts):
            raise SentenceInputError("term", "a fixed term must be longer than zero")
        if self.kind is not TermKind.FIXED and any(parts):
            raise SentenceInputError(
                "term", f"a {self.kind.value} term has no years, months or days"
            )

    @classmethod
    def fixed(cls, years: int = 0, months: int = 0, days: int = 0) -> Term:
        """A fixed term, e.g. ``Term.fixed(2)`` or ``Term.fixed(1, 3)``."""
        return cls(TermKind.FIXED, years, months, days)

    @classmethod
    def life(cls) -> Term:
        """Life imprisonment (pidana penjara seumur hidup)."""
        return cls(TermKind.LIFE)

    @classmethod
    def death(cls) -> Term:
        """The death penalty (pidana mati)."""
        return cls(TermKind.DEATH)

    @property
    def is_fixed(self) -> bool:
        return self.kind is TermKind.FIXED

    @property
    def sheet_value(self) -> Length | str:
        """The term as a calculation-sheet parameter: a fixed term's length with every
        part, or the phrase naming a life or death sentence."""
        if self.kind is TermKind.LIFE:
            return phrase("life imprisonment")
        if self.kind is TermKind.DEATH:
            return phrase("death penalty")
        return Length(self.years, self.months, self.days, all_parts=True)

    def __str__(self) -> str:
        return str(self.sheet_value)


@dataclass(frozen=True)
class DisciplinaryPeriod:
    """A Register F entry: a disciplinary punishment from ``start_date``.

    ``end_date`` is the last day of the punishment, or ``None`` while it is ongoing
    with no known end (which blocks every right that has a behaviour window).
    """

    start_date: date
    end_date: date | None = None
    note: str = ""

    def __post_init__(self) -> None:
        _check_date("start_date", self.start_date)
        if self.end_date is not None:
            _check_date("end_date", self.end_date)
            if self.end_date < self.start_date:
                raise SentenceInputError(
                    "end_date",
                    f"the end {self.end_date.isoformat()} is before the start "
                    f"{self.start_date.isoformat()}",
                )

    @property
    def is_open(self) -> bool:
        """True while the punishment has no end date."""
        return self.end_date is None

    def is_active_on(self, day: date) -> bool:
        """True when ``day`` falls within the punishment (both ends included)."""
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)

    def overlaps(self, first: date, last: date) -> bool:
        """True when the punishment falls at least partly within ``first``..``last``."""
        return self.start_date <= last and (self.end_date is None or self.end_date >= first)


class DetentionKind(StrEnum):
    """The kind of a detention period before the current one (KUHAP Pasal 22)."""

    RUTAN = "rutan"
    """Detention in a rutan (or police cell): counts in full."""
    HOUSE = "house"
    """House detention (tahanan rumah): counts 1/3."""
    CITY = "city"
    """City detention (tahanan kota): counts 1/5."""


@dataclass(frozen=True)
class DetentionPeriod:
    """A detention period that ended before the current detention start.

    Both ends are days in detention (a period from 1 to 31 January is 31 days).
    """

    start_date: date
    end_date: date
    kind: DetentionKind = DetentionKind.RUTAN

    def __post_init__(self) -> None:
        _check_date("start_date", self.start_date)
        _check_date("end_date", self.end_date)
        if self.end_date < self.start_date:
            raise SentenceInputError(
                "end_date",
                f"the end {self.end_date.isoformat()} is before the start "
                f"{self.start_date.isoformat()}",
            )
        kind: object = self.kind
        if not isinstance(kind, DetentionKind):
            if not isinstance(kind, str) or kind not in {k.value for k in DetentionKind}:
                raise SentenceInputError("kind", f"unknown kind of detention {kind!r}")
            object.__setattr__(self, "kind", DetentionKind(kind))

    @property
    def days(self) -> int:
        """Days in this period, both ends included."""
        return (self.end_date - self.start_date).days + 1


@dataclass(frozen=True)
class RemissionGrant:
    """A remisi actually received: its date, its length in days and its kind
    (``umum``, ``khusus``, ``dasawarsa``, ``tambahan``, ``humanitarian``, ``pmp``)."""

    granted_on: date
    days: int
    kind: str = "umum"

    def __post_init__(self) -> None:
        _check_date("granted_on", self.granted_on)
        _check_int("days", self.days)


@dataclass(frozen=True)
class SentenceInput:
    """Everything the engine needs to know about one sentence.

    ``remission_days`` is the total remisi already granted, in days (see
    :func:`sinergi.sentences.remission_months_to_days`). ``last_remission_days`` is the
    most recent remisi, which sets the length of CMB. ``fine_paid``,
    ``restitution_paid`` (corruption), ``deradicalisation_completed`` and
    ``nkri_pledge_signed`` (terrorism) are ``None`` when unknown: unknown is listed as a
    condition still to verify, ``False`` blocks the right.
    """

    detention_start: date
    term: Term
    crime_category: CrimeCategory
    remission_days: int = 0
    disciplinary_records: Sequence[DisciplinaryPeriod] = ()
    fine_paid: bool | None = None
    restitution_paid: bool | None = None
    deradicalisation_completed: bool | None = None
    nkri_pledge_signed: bool | None = None
    last_remission_days: int | None = None
    verdict_date: date | None = None
    """The date the verdict became final: chooses the rule set (else the detention start)."""
    remissions: Sequence[RemissionGrant] = ()
    """Remisi received with their dates; ``remission_days`` is the total (0: their sum)."""
    earlier_detention: Sequence[DetentionPeriod] = ()
    """Detention periods that ended before ``detention_start`` (credited)."""
    consecutive_terms: Sequence[Term] = ()
    """Further fixed terms served one after the other with ``term``: counted as one."""
    commuted_on: date | None = None
    """A life or death sentence commuted to the fixed ``term`` on this date."""
    fine_substitute_days: int = 0
    """The substitute term (subsider) for the fine, served when ``fine_paid`` is False."""
    restitution_substitute_days: int = 0
    """The substitute term for uang pengganti, served when ``restitution_paid`` is False."""
    justice_collaborator: bool | None = None
    """Justice-collaborator status (PP 99/2012 until 28 Oct 2021; remisi tambahan)."""
    sentenced_as_child: bool = False
    """The court sentenced the person as a child (Anak), or they are held in an LPKA."""
    age_at_offence: int | None = None
    """Age at the offence: under 18 makes the children's rules apply."""
    birth_date: date | None = None
    """For humanitarian remisi (over 70)."""
    chronic_illness: bool | None = None
    """For humanitarian remisi."""

    def __post_init__(self) -> None:
        _check_date("detention_start", self.detention_start)
        if not isinstance(self.term, Term):
            raise SentenceInputError("term", "must be a Term (Term.fixed/life/death)")
        category: object = self.crime_category
        if not isinstance(category, CrimeCategory):
            # Accept the plain string value ("general", "narcotics", ...).
            if not isinstance(category, str) or category not in _CATEGORY_VALUES:
                raise SentenceInputError(
                    "crime_category", f"unknown crime category {self.crime_category!r}"
                )
            object.__setattr__(self, "crime_category", CrimeCategory(category))
        _check_int("remission_days", self.remission_days)
        if self.last_remission_days is not None:
            _check_int("last_remission_days", self.last_remission_days)
        if isinstance(self.disciplinary_records, str | bytes):
            raise SentenceInputError("disciplinary_records", "must be a sequence of periods")
        for index, record in enumerate(self.disciplinary_records):
            if not isinstance(record, DisciplinaryPeriod):
                raise SentenceInputError(
                    f"disciplinary_records[{index}]", "must be a DisciplinaryPeriod"
                )
        # Freeze the records so that later changes to the caller's list do not leak in.
        object.__setattr__(self, "disciplinary_records", tuple(self.disciplinary_records))
        for name in (
            "fine_paid",
            "restitution_paid",
            "deradicalisation_completed",
            "nkri_pledge_signed",
        ):
            _check_optional_bool(name, getattr(self, name))
        for name in ("verdict_date", "commuted_on", "birth_date"):
            value = getattr(self, name)
            if value is not None:
                _check_date(name, value)
        _check_optional_bool("justice_collaborator", self.justice_collaborator)
        _check_optional_bool("chronic_illness", self.chronic_illness)
        if not isinstance(self.sentenced_as_child, bool):
            raise SentenceInputError("sentenced_as_child", "must be true or false")
        if self.age_at_offence is not None:
            _check_int("age_at_offence", self.age_at_offence)
        _check_int("fine_substitute_days", self.fine_substitute_days)
        _check_int("restitution_substitute_days", self.restitution_substitute_days)
        self._freeze("remissions", RemissionGrant)
        self._freeze("earlier_detention", DetentionPeriod)
        self._freeze("consecutive_terms", Term)
        for index, extra in enumerate(self.consecutive_terms):
            if not extra.is_fixed or not self.term.is_fixed:
                raise SentenceInputError(
                    f"consecutive_terms[{index}]",
                    "only fixed terms can be served one after another",
                )
        granted = sum(grant.days for grant in self.remissions)
        if self.remissions and self.remission_days == 0:
            object.__setattr__(self, "remission_days", granted)
        elif granted > self.remission_days:
            raise SentenceInputError(
                "remissions",
                f"the remisi listed ({granted} days) is more than the total "
                f"({self.remission_days} days)",
            )
        periods = sorted(self.earlier_detention, key=lambda p: p.start_date)
        for index, period in enumerate(periods):
            if period.end_date >= self.detention_start:
                raise SentenceInputError(
                    f"earlier_detention[{index}].end_date",
                    "an earlier detention period must end before the detention start",
                )
            if index and period.start_date <= periods[index - 1].end_date:
                raise SentenceInputError(
                    f"earlier_detention[{index}].start_date", "detention periods overlap"
                )
        object.__setattr__(self, "earlier_detention", tuple(periods))
        if self.commuted_on is not None:
            if not self.term.is_fixed:
                raise SentenceInputError(
                    "commuted_on", "a commuted sentence is the fixed term it was commuted to"
                )
            if self.commuted_on < self.detention_start:
                raise SentenceInputError(
                    "commuted_on", "the commutation cannot be before the detention start"
                )

    def _freeze(self, name: str, kind: type) -> None:
        value = getattr(self, name)
        if isinstance(value, str | bytes):
            raise SentenceInputError(name, "must be a sequence")
        for index, item in enumerate(value):
            if not isinstance(item, kind):
                raise SentenceInputError(f"{name}[{index}]", f"must be a {kind.__name__}")
        object.__setattr__(self, name, tuple(value))

    @property
    def is_child(self) -> bool:
        """The children's rules apply (sentenced as a child, or under 18 at the offence)."""
        return self.sentenced_as_child or (
            self.age_at_offence is not None and self.age_at_offence < 18
        )

    @property
    def combined_term(self) -> Term:
        """``term`` and the consecutive terms as one fixed term (parts added)."""
        if not self.consecutive_terms:
            return self.term
        return Term.fixed(
            self.term.years + sum(t.years for t in self.consecutive_terms),
            self.term.months + sum(t.months for t in self.consecutive_terms),
            self.term.days + sum(t.days for t in self.consecutive_terms),
        )
