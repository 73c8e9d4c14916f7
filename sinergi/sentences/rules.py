"""The rule sets of the sentence engine, their validity dates and their conventions.

Every number the engine uses lives in a frozen :class:`RuleSet`. Which set applies is
decided by dates, never by a facility (:func:`rule_set_for`): the date of the final
verdict (or, when it is not known, the detention start) chooses the set for the key
dates and the integration rights; the date of the event (the remisi day, the proposal
date ``as_of``) decides the conditions that were annulled or added on a date (the
justice-collaborator requirement ended on 28 Oct 2021; humanitarian remisi exists from
Permenkumham 16/2023; remisi dasawarsa falls on every tenth 17 August). A new set is
published as data plus code: add a :class:`RuleSet` to :data:`RULE_SETS` with its
``valid_from`` and run ``manage.py recalculate_sentences``, which reports per facility
whose dates moved before it writes.

Sources (as named in the project's domain primer, ``DOMAIN.md``)
-----------------------------------------------------------------
* PP 32/1999 as amended by PP 28/2006: special crimes with a verdict final before
  12 Nov 2012 (remisi after 1/3 served).
* PP 99/2012 (in force 12 Nov 2012), Pasal 34A and 43A; their justice-collaborator
  requirement (34A(1)a, 43A(1)a) was annulled by the Supreme Court on 28 Oct 2021
  (28 P/HUM/2021).
* Permenkumham 3/2018 as amended by 18/2019, 7/2022 and 16/2023: Pasal 44, 45
  (asimilasi), 67 (CMK), 82, 84, 85, 86 (PB), 114 (CB), 35A (remisi tambahan for justice
  collaborators).
* UU 22/2022 Pasal 10: every narapidana has the rights; none for life or death sentences
  unless commuted to a fixed term (then counted from the commutation).
* UU 1/2023 (KUHP, in force 2 Jan 2026) Pasal 72: PB at 2/3, at least 9 months;
  consecutive sentences count as one; probation = remainder + 1 year.
* Keppres 174/1999 on remisi (Pasal 4 remisi umum, Pasal 5 remisi khusus, Pasal 7: one
  month = 30 days, counted from detention, restarting at the last detention); Keppres
  120/1955 (remisi dasawarsa); KUHAP Pasal 22(5) (house detention counts 1/3, city
  detention 1/5).

Day-count conventions (versioned per rule set and per use, written on every sheet)
-----------------------------------------------------------------------------------
A length is measured either in **calendar** terms (add calendar years, then months, then
days; a day the target month does not have becomes its last day, 31 January + 1 month =
28/29 February) or in **30-day months** (one month = 30 days, one year = 360 days,
Keppres 174/1999 Pasal 7(4), KUHP lama Pasal 97). Each rule set says which applies to
each use:

* ``expiry``: detention start + term. Calendar in every set (2 years from 9 May 2017
  expire on 9 May 2019; with 105 days of remisi the person is released on 24 Jan 2019).
* ``fractions``: the number of days the 1/3, 1/2 and 2/3 are taken of (the term less the
  remisi received by then). 30-day months up to Permenkumham 3/2018 before its 2022
  amendment (1 year from 8 May 2018: 2/3 of 360 = 240 days, CB from 3 Jan 2019);
  calendar from Permenkumham 7/2022 (1 year 6 months from 3 Aug 2022: 2/3 of 549 = 366
  days, CB from 4 Aug 2023). The sentence-length thresholds (at least 5 years, at most 1
  year 6 months, at least 12 months) and "2/3 is at least 9 months" follow the same use.
* ``remission``: "more than 6 months" and "12 months or more" served for remisi: 30-day
  months in every set (Keppres 174/1999 Pasal 7(4)).
* ``windows``: behaviour windows (no Register F punishment in the last N months):
  calendar months.
* ``leave``: the length of CB and CMB: 30-day months (6 months = 180 days: CB from
  4 Aug 2023 to 31 Jan 2024).
* Fractions of days are rounded **up** (the right is never earlier than the law allows);
  the detention credit of house and city detention is rounded **down**.

Further conventions
-------------------
1. **Remisi received counts as time served**: the fractions are taken of the term less
   the remisi received *by that date*. A remisi recorded with its date moves the fraction
   dates from the day it was granted (never before it); remisi known only as a total (the
   SDP figure) counts from the detention start.
2. **Expiry after remisi** = expiry - every remisi received, never before the detention
   start. A fine-substitute term (subsider) that is served because the fine or uang
   pengganti was not paid follows it and lengthens the stay; no PB or CB while serving it.
3. **Detention credit**: earlier detention periods count in full (rutan), 1/3 (house) or
   1/5 (city); the term runs from the current detention start less that credit. Remisi
   counting ("more than 6 months") restarts at the last uninterrupted detention.
4. **Released first**: a right whose earliest date is on or after the expiry after remisi
   is not applicable.
5. **Unknown conditions** (``None``) are listed as still to verify and do not block;
   ``False`` blocks, and the sheet says which condition.

Uncertain parameters (secondary sources only; correct them in a new rule set)
-------------------------------------------------------------------------------
* :attr:`RuleSet.cb_max_leave_months`: CB lasts at most 6 months (Pasal 114).
* :attr:`RuleSet.remisi_khusus` (``ongoing``, year 6 on: 2 months) and the khusus table.
* :attr:`RuleSet.cmk_family_guarantee_required`: uncertain after 2022.
* The in-force dates of Permenkumham 3/2018 (15 Feb 2018, date of enactment) and 7/2022
  (1 Apr 2022) and 16/2023 (1 Jul 2023) as used by :data:`RULE_SETS`: verify against the
  Berita Negara.
* Pasal 86 of Permenkumham 3/2018 (PB for corruption, state security, gross human-rights
  violations and transnational crime) was not available: PP 99/2012 Pasal 43A(1)c
  (asimilasi for 1/2 of the remainder) is applied to them, and the sheet says so.

Choices of this engine where DOMAIN.md is silent (also parameters)
-------------------------------------------------------------------
* :attr:`RuleSet.cmk_behaviour_window_months` is not used: CMK's window is "the running
  year" (no Register F punishment in the calendar year of the date).
* :attr:`RuleSet.narcotics_pb_asimilasi_share`: PB for special crimes needs asimilasi for
  1/2 of the remaining sentence; read as PB no earlier than the earliest asimilasi date +
  1/2 of the days from that date to the expiry after remisi (rounded up).
* :attr:`RuleSet.special_condition_rights`: the special-crime conditions (corruption: fine
  and uang pengganti paid; terrorism: deradicalisation and NKRI pledge) apply to
  asimilasi, PB, CB and CMB and to remisi, not to CMK.
* Remisi tambahan is rounded down to whole days; remisi dasawarsa (1/12 of the term in
  30-day days, at most 3 months) is rounded down.
* Humanitarian remisi: the engine says who may be proposed (sentence of at most 1 year,
  over 70, chronic illness); its amount is set by the decree and not computed.
* Children: pengurangan masa pidana uses the remisi tables.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from fractions import Fraction

from .explain import Length, phrase
from .inputs import CrimeCategory, SentenceInputError

__all__ = [
    "DEFAULT_RULE_SET",
    "KUHP_2023",
    "PERMENKUMHAM_3_2018",
    "PERMENKUMHAM_3_2018_AMENDED_7_2022",
    "PP_28_2006",
    "PP_99_2012",
    "RULE_SET",
    "RULE_SETS",
    "Conventions",
    "DayCount",
    "IntegrationRight",
    "RemissionAmount",
    "RemissionTable",
    "RuleSet",
    "Span",
    "remission_months_to_days",
    "rule_set_for",
]


class IntegrationRight(StrEnum):
    """The integration rights (hak integrasi) and related leave the engine evaluates."""

    ASIMILASI = "asimilasi"
    PB = "pb"
    CB = "cb"
    CMB = "cmb"
    CMK = "cmk"


class DayCount(StrEnum):
    """How a length of months and years is counted in days."""

    CALENDAR = "calendar"
    """Calendar years, then months, then days (month ends clamped)."""
    THIRTY_DAY = "thirty_day"
    """One month = 30 days, one year = 360 days (Keppres 174/1999 Pasal 7(4))."""


@dataclass(frozen=True)
class Conventions:
    """The day-count convention of each use, with a version that is stored."""

    version: str
    expiry: DayCount = DayCount.CALENDAR
    fractions: DayCount = DayCount.CALENDAR
    remission: DayCount = DayCount.THIRTY_DAY
    windows: DayCount = DayCount.CALENDAR
    leave: DayCount = DayCount.THIRTY_DAY


@dataclass(frozen=True)
class Span:
    """A length (years, months, days) used for thresholds."""

    years: int = 0
    months: int = 0
    days: int = 0

    @property
    def length(self) -> Length:
        """The span as a calculation-sheet parameter (only the parts that are not zero)."""
        return Length(self.years, self.months, self.days)

    @property
    def thirty_day_days(self) -> int:
        """The span in days with 30-day months and 360-day years."""
        return self.years * 360 + self.months * 30 + self.days

    def __str__(self) -> str:
        return str(self.length)


@dataclass(frozen=True)
class RemissionAmount:
    """An amount of remisi in remisi months and days."""

    months: int = 0
    days: int = 0

    def to_days(self, month_days: int = 30) -> int:
        """Total days, counting one remisi month as ``month_days`` days."""
        return self.months * month_days + self.days

    @property
    def length(self) -> Length:
        """The amount as a calculation-sheet parameter (only the parts that are not zero)."""
        return Length(months=self.months, days=self.days)

    def __str__(self) -> str:
        return str(self.length)


@dataclass(frozen=True)
class RemissionTable:
    """A Keppres 174/1999 table.

    ``first_year_short`` applies in year 1 when 6-12 months have been served,
    ``first_year_full`` in year 1 when at least 12 months have been served,
    ``later_years`` to years 2, 3, … in order, and ``ongoing`` to every year after them.
    """

    first_year_short: RemissionAmount
    first_year_full: RemissionAmount
    later_years: tuple[RemissionAmount, ...]
    ongoing: RemissionAmount

    def amount(self, year: int, *, served_full_year: bool) -> RemissionAmount:
        """The remisi for the given year (1-based)."""
        if year < 1:
            raise ValueError("the year of remisi starts at 1")
        if year == 1:
            return self.first_year_full if served_full_year else self.first_year_short
        index = year - 2
        if index < len(self.later_years):
            return self.later_years[index]
        return self.ongoing


_SPECIAL = frozenset(
    {
        CrimeCategory.TERRORISM,
        CrimeCategory.CORRUPTION,
        CrimeCategory.STATE_SECURITY,
        CrimeCategory.HUMAN_RIGHTS,
        CrimeCategory.TRANSNATIONAL,
    }
)

_PERMEN = "Permenkumham 3/2018"
_KEPPRES = "Keppres 174/1999"


@dataclass(frozen=True)
class RuleSet:
    """All parameters of one version of the rules. See the module docstring."""

    name: str
    """Identifier stored with every calculation, e.g. ``permenkumham-3-2018-amended-7-2022``."""

    title: str = ""
    """Readable title with its instruments (English; translated by the user interface)."""

    valid_from: date = date(1999, 1, 1)
    """The first verdict date (or detention start) this set applies to."""

    conventions: Conventions = Conventions(version="2026.12-calendar")

    regulation: str = _PERMEN
    """The instrument cited for the rights' articles on the sheet."""

    # Fractions of the sentence.
    one_third: Fraction = Fraction(1, 3)
    half: Fraction = Fraction(1, 2)
    two_thirds: Fraction = Fraction(2, 3)

    min_months_at_two_thirds: int = 9
    """PB, CMB and special-crime asimilasi need the 2/3 to be at least 9 months."""

    always_special_categories: frozenset[CrimeCategory] = _SPECIAL
    narcotics_special_threshold: Span = Span(years=5)

    # Behaviour windows, in months (no Register F entry in the window).
    asimilasi_general_window_months: int = 6
    asimilasi_special_window_months: int = 9
    pb_window_months: int = 9
    cmb_window_months: int = 9
    cb_general_window_months: int = 6
    cb_special_window_months: int = 9
    cmk_behaviour_window_months: int | None = None
    """Not used by the engine: CMK's window is the running year (see the docstring)."""

    cb_max_sentence: Span = Span(years=1, months=6)
    """CB is only for sentences of at most 1 year 6 months."""
    cb_max_leave_months: int = 6
    """CB lasts at most 6 months (Pasal 114)."""
    cmb_max_leave_months: int = 6
    """CMB lasts as long as the last remisi, at most 6 (remisi) months."""

    cmk_min_sentence: Span = Span(months=12)
    cmk_max_hours: int = 48
    cmk_min_interval_months: int = 3
    cmk_family_guarantee_required: bool = True
    """UNCERTAIN after 2022: whether CMK still needs the family's guarantee."""

    special_condition_rights: frozenset[IntegrationRight] = frozenset(
        {
            IntegrationRight.ASIMILASI,
            IntegrationRight.PB,
            IntegrationRight.CB,
            IntegrationRight.CMB,
        }
    )
    special_conditions: bool = True
    """PP 99/2012: fines and uang pengganti paid, deradicalisation and the pledge."""

    narcotics_pb_asimilasi_share: Fraction | None = Fraction(1, 2)
    """PB for special crimes needs asimilasi for this share of the remaining sentence
    (Pasal 84 terrorism, 85 narcotics ≥ 5 years; PP 99/2012 Pasal 43A(1)c for the
    others). ``None`` turns the condition off (PP 28/2006)."""

    justice_collaborator_required_until: date | None = None
    """PP 99/2012 Pasal 34A(1)a and 43A(1)a: special crimes need justice-collaborator
    status for remisi and PB for events on or before this date (annulled 28 Oct 2021)."""

    special_remission_after_one_third: bool = False
    """PP 28/2006: remisi for special crimes only after 1/3 of the term is served."""

    kuhp_2023: bool = False
    """UU 1/2023 Pasal 72: cited for PB, consecutive sentences and the probation."""

    pb_probation_extra: Span = Span(years=1)
    """PB probation = the remaining sentence + 1 year."""

    almost_eligible_days: int = 90

    # Remisi (Keppres 174/1999).
    remission_month_days: int = 30
    remission_min_served_months: int = 6
    remission_full_year_months: int = 12
    remission_register_f_window_months: int = 6
    """No remisi with a Register F punishment in the 6 months before the remisi day."""
    remisi_umum_month: int = 8
    remisi_umum_day: int = 17
    natal_month: int = 12
    natal_day: int = 25
    remisi_umum: RemissionTable = field(
        default_factory=lambda: RemissionTable(
            first_year_short=RemissionAmount(months=1),
            first_year_full=RemissionAmount(months=2),
            later_years=(
                RemissionAmount(months=3),  # year 2
                RemissionAmount(months=4),  # year 3
                RemissionAmount(months=5),  # year 4
                RemissionAmount(months=5),  # year 5
            ),
            ongoing=RemissionAmount(months=6),  # year 6 on
        )
    )
    remisi_khusus: RemissionTable = field(
        default_factory=lambda: RemissionTable(
            first_year_short=RemissionAmount(days=15),
            first_year_full=RemissionAmount(months=1),
            later_years=(
                RemissionAmount(months=1),  # year 2
                RemissionAmount(months=1),  # year 3
                RemissionAmount(months=1, days=15),  # year 4
                RemissionAmount(months=1, days=15),  # year 5
            ),
            # UNCERTAIN: year 6 on, 2 months (secondary sources only).
            ongoing=RemissionAmount(months=2),
        )
    )
    remisi_tambahan_state_service: Fraction = Fraction(1, 2)
    remisi_tambahan_pemuka: Fraction = Fraction(1, 3)
    remisi_tambahan_justice_collaborator: Fraction | None = None
    """Pasal 35A (7/2022): 1/2 of the remisi umum for justice collaborators."""
    dasawarsa_share: Fraction = Fraction(1, 12)
    dasawarsa_max_months: int = 3
    humanitarian_remission_from: date | None = None
    """Permenkumham 16/2023: humanitarian remisi for remisi days on or after this date."""
    humanitarian_max_sentence: Span = Span(years=1)
    humanitarian_min_age: int = 70

    # Children (Anak Binaan; UU 11/2012, UU 22/2022).
    child_asimilasi_after: Span = Span(months=3)
    child_fraction: Fraction = Fraction(1, 2)
    child_window_months: int = 3
    child_remission_min_served_months: int = 3

    def is_special(self, category: CrimeCategory, *, reaches_narcotics_threshold: bool) -> bool:
        """Whether ``category`` is a special crime for a sentence of the given length."""
        if category in self.always_special_categories:
            return True
        return category is CrimeCategory.NARCOTICS and reaches_narcotics_threshold

    def article(self, number: str) -> str:
        """``Pasal 82 Permenkumham 3/2018`` (the citation of a right's rule). The numbers
        are Permenkumham 3/2018's; an older set cites its instrument without a number
        rather than a wrong one."""
        if not self.regulation.startswith("Permenkumham 3/2018"):
            return self.regulation
        return f"Pasal {number} {self.regulation}"


THIRTY_DAY_FRACTIONS = Conventions(version="2018.1-thirty-day", fractions=DayCount.THIRTY_DAY)
CALENDAR_FRACTIONS = Conventions(version="2022.1-calendar", fractions=DayCount.CALENDAR)

PP_28_2006 = RuleSet(
    name="pp-28-2006",
    title=phrase(
        "PP 32/1999 as amended by PP 28/2006 (verdicts final before 12 Nov 2012), Keppres 174/1999"
    ),
    valid_from=date(2006, 7, 28),
    conventions=THIRTY_DAY_FRACTIONS,
    regulation="PP 28/2006",
    cb_max_sentence=Span(years=1, months=3),
    special_conditions=False,
    narcotics_pb_asimilasi_share=None,
    special_remission_after_one_third=True,
)
"""Special crimes with a verdict final before 12 Nov 2012 (and every verdict before it)."""

PP_99_2012 = RuleSet(
    name="pp-99-2012",
    title=phrase(
        "PP 99/2012 with Permenkumham 21/2013 (justice-collaborator requirement until the "
        "Supreme Court decision of 28 Oct 2021), Keppres 174/1999"
    ),
    valid_from=date(2012, 11, 12),
    conventions=THIRTY_DAY_FRACTIONS,
    regulation="PP 99/2012",
    cb_max_sentence=Span(years=1, months=3),
    justice_collaborator_required_until=date(2021, 10, 27),
)

PERMENKUMHAM_3_2018 = RuleSet(
    name="permenkumham-3-2018",
    title=phrase(
        "Permenkumham 3/2018 as amended by 18/2019, with PP 99/2012 (justice-collaborator "
        "requirement until 28 Oct 2021) and Keppres 174/1999"
    ),
    valid_from=date(2018, 2, 15),
    conventions=THIRTY_DAY_FRACTIONS,
    justice_collaborator_required_until=date(2021, 10, 27),
)

PERMENKUMHAM_3_2018_AMENDED_7_2022 = RuleSet(
    name="permenkumham-3-2018-amended-7-2022",
    title=phrase(
        "Permenkumham 3/2018 as amended by 18/2019, 7/2022 and 16/2023, UU 22/2022, "
        "PP 99/2012 and Keppres 174/1999"
    ),
    valid_from=date(2022, 4, 1),
    conventions=CALENDAR_FRACTIONS,
    remisi_tambahan_justice_collaborator=Fraction(1, 2),
    humanitarian_remission_from=date(2023, 7, 1),
)

KUHP_2023 = dataclasses.replace(
    PERMENKUMHAM_3_2018_AMENDED_7_2022,
    name="kuhp-2023",
    title=phrase(
        "UU 1/2023 (KUHP, from 2 Jan 2026), UU 22/2022, Permenkumham 3/2018 as amended by "
        "7/2022 and 16/2023, and Keppres 174/1999"
    ),
    valid_from=date(2026, 1, 2),
    kuhp_2023=True,
)

RULE_SETS: tuple[RuleSet, ...] = (
    PP_28_2006,
    PP_99_2012,
    PERMENKUMHAM_3_2018,
    PERMENKUMHAM_3_2018_AMENDED_7_2022,
    KUHP_2023,
)
"""Every published rule set, oldest first."""

DEFAULT_RULE_SET = PERMENKUMHAM_3_2018_AMENDED_7_2022
RULE_SET = DEFAULT_RULE_SET

PP_99_IN_FORCE = date(2012, 11, 12)
_SORTED = sorted(RULE_SETS, key=lambda s: s.valid_from)


def rule_set_for(
    reference: date, *, special: bool = False, sets: tuple[RuleSet, ...] = RULE_SETS
) -> RuleSet:
    """The rule set for a verdict final on ``reference`` (or a detention from it).

    Special crimes with a verdict final before 12 Nov 2012 keep PP 28/2006; every other
    case takes the newest set whose ``valid_from`` is on or before ``reference``.
    """
    ordered = _SORTED if sets is RULE_SETS else sorted(sets, key=lambda s: s.valid_from)
    if special and reference < PP_99_IN_FORCE:
        for candidate in ordered:
            if candidate.name == PP_28_2006.name:
                return candidate
    chosen = ordered[0]
    for candidate in ordered:
        if candidate.valid_from <= reference:
            chosen = candidate
    return chosen


def remission_months_to_days(
    months: int, days: int = 0, rule_set: RuleSet = DEFAULT_RULE_SET
) -> int:
    """Convert remisi months (+ days) to days: one remisi month is 30 days.

    ``remission_months_to_days(2, 15) == 75`` (Keppres 174/1999 Pasal 7).
    """
    if months < 0:
        raise SentenceInputError("months", f"remisi cannot be negative, not {months}")
    if days < 0:
        raise SentenceInputError("days", f"remisi cannot be negative, not {days}")
    return months * rule_set.remission_month_days + days
