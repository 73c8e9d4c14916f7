"""The rule set ``permenkumham-3-2018-amended-7-2022`` and the conventions of the engine.

Every number the engine uses lives in one frozen :class:`RuleSet`; the default instance
is :data:`DEFAULT_RULE_SET`. A facility that finds a parameter wrong can build a
corrected copy with :func:`dataclasses.replace` and give it a new ``name``.

Sources (as named in the project's domain primer, ``DOMAIN.md``)
-----------------------------------------------------------------
* UU 22/2022 on corrections (Pasal 10): the rights to remisi, asimilasi, CMK, CB, CMB
  and PB; none for life or death sentences unless commuted to a fixed term.
* Permenkumham 3/2018 as amended by 18/2019, 7/2022 and 16/2023: time, behaviour and
  special-crime conditions of asimilasi, PB, CMB, CB and CMK.
* Keppres 174/1999 on remisi: the remisi umum and khusus tables, remisi tambahan, and
  Pasal 7 (one remisi month counts as 30 days).

Conventions (also written on every calculation sheet)
------------------------------------------------------
1. **Date arithmetic.** A term is added to the detention start in calendar years, then
   calendar months, then days. A day the target month does not have is clamped to the
   month's last day at each step (31 January + 1 month = 28/29 February; 29 February
   2020 + 1 year = 28 February 2021). Behaviour windows and thresholds ("9 months",
   "1 year 3 months", "5 years", "12 months") are measured the same way.
2. **Expiry.** The expiry date (tanggal ekspirasi) is detention start + term: a 2-year
   term from 9 May 2017 expires on 9 May 2019. The sentence is the number of days from
   detention start to expiry (730 in that example); the expiry day itself is not
   counted as a further day served.
3. **Remisi.** Granted remisi (in days) moves the expiry earlier day for day. One remisi
   month is 30 days (Keppres 174/1999 Pasal 7; :func:`remission_months_to_days`). The
   expiry after remisi is never before the detention start (it is clamped, and the
   sheet says so).
4. **Fractions.** The 1/3, 1/2 and 2/3 dates are detention start + that fraction of the
   days from detention start to the expiry after remisi, rounded **up** to a whole day.
5. **Sentence-length thresholds** compare the court's term (before remisi) as dates:
   the sentence is at least 5 years when the expiry is on or after detention start +
   5 years; at most 1 year 3 months when the expiry is on or before detention start +
   1 year 3 months; at least 12 months likewise.
6. **"2/3 ≥ 9 months"** means the 2/3 date is on or after detention start + 9 calendar
   months. When it is not, the right is ``not_applicable`` (short sentences get no PB,
   CMB or special-crime asimilasi).
7. **Behaviour window.** A right needs no Register F punishment in the last N months
   before its date. Every recorded Register F entry moves the date to at least its end
   date (the last day of the punishment) + N calendar months; an entry that ended long
   enough before the time condition has no effect. An entry recorded *after* the time
   condition also moves the date (the right has to wait for a clean window again). An
   entry with no end date blocks the right (status ``blocked``).
8. **Released first.** A right whose earliest date is on or after the expiry after remisi
   is ``not_applicable``: the person is free before it could start.
9. **Special crimes**: terrorism, corruption, state security, gross human-rights
   violations, transnational organised crime, and narcotics when the sentence is at
   least 5 years (narcotics under 5 years follows the general rules).
10. **Unknown conditions.** Conditions given as ``None`` (fine paid, restitution paid,
    deradicalisation completed, NKRI pledge) are listed as still to verify and do not
    block; ``False`` blocks.
11. **Remisi year counting.** The year of a remisi (year 1, 2, …) is
    ``previous_remission_years + 1`` when the caller gives it; otherwise it is derived as
    1 + the number of earlier occasions (17 August for umum, the same calendar day of
    the holiday in earlier years for khusus) after detention start on which more than 6
    months had been served and no Register F entry was active. This assumes the remisi
    was granted on every such occasion; pass ``previous_remission_years`` when not.

Uncertain parameters (found only in secondary sources; correct them per facility)
----------------------------------------------------------------------------------
* :attr:`RuleSet.cb_max_leave_months`: CB lasts at most 4 **or** 6 months; 6 is used.
* :attr:`RuleSet.remisi_khusus` (``ongoing``, year 6 on: 2 months) and the khusus table.
* :attr:`RuleSet.cmk_family_guarantee_required`: uncertain after 2022.

Choices of this engine where DOMAIN.md is silent (also parameters)
-------------------------------------------------------------------
* :attr:`RuleSet.cmk_behaviour_window_months`: no window is listed for CMK; the general
  6-month window is used (``None`` turns it off).
* :attr:`RuleSet.narcotics_pb_asimilasi_share`: PB for narcotics ≥ 5 years also needs
  asimilasi for ≥ 1/2 of the remaining sentence. The engine reads this as: PB no earlier
  than the earliest asimilasi date + 1/2 of the days from that date to the expiry after
  remisi (rounded up), assuming asimilasi starts on its earliest date.
* :attr:`RuleSet.special_condition_rights`: the special-crime conditions (corruption:
  fine and restitution paid; terrorism: deradicalisation and NKRI pledge) are applied to
  asimilasi, PB, CB and CMB, not to CMK.
* :attr:`RuleSet.cmb_max_leave_months` is converted to days with the remisi month
  (6 x 30 = 180 days), because CMB's length is measured in remisi.
* Remisi tambahan is rounded down to whole days (with 30-day months the tables never
  produce a fraction of a day).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from .explain import Length
from .inputs import CrimeCategory, SentenceInputError

__all__ = [
    "DEFAULT_RULE_SET",
    "PERMENKUMHAM_3_2018_AMENDED_7_2022",
    "RULE_SET",
    "IntegrationRight",
    "RemissionAmount",
    "RemissionTable",
    "RuleSet",
    "Span",
    "remission_months_to_days",
]


class IntegrationRight(StrEnum):
    """The integration rights (hak integrasi) and related leave the engine evaluates."""

    ASIMILASI = "asimilasi"
    PB = "pb"
    CB = "cb"
    CMB = "cmb"
    CMK = "cmk"


@dataclass(frozen=True)
class Span:
    """A calendar length (years, months, days) used for thresholds."""

    years: int = 0
    months: int = 0
    days: int = 0

    @property
    def length(self) -> Length:
        """The span as a calculation-sheet parameter (only the parts that are not zero)."""
        return Length(self.years, self.months, self.days)

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


@dataclass(frozen=True)
class RuleSet:
    """All parameters of one version of the rules. See the module docstring."""

    name: str
    """Identifier shown on every calculation, e.g. ``permenkumham-3-2018-amended-7-2022``."""

    # Fractions of the sentence (Permenkumham 3/2018).
    one_third: Fraction = Fraction(1, 3)
    half: Fraction = Fraction(1, 2)
    two_thirds: Fraction = Fraction(2, 3)

    min_months_at_two_thirds: int = 9
    """PB, CMB and special-crime asimilasi need the 2/3 date ≥ detention start + 9 months."""

    always_special_categories: frozenset[CrimeCategory] = _SPECIAL
    """Categories that are special crimes whatever the sentence."""

    narcotics_special_threshold: Span = Span(years=5)
    """Narcotics is a special crime when the sentence is at least this long."""

    # Behaviour windows, in calendar months (no Register F entry in the window).
    asimilasi_general_window_months: int = 6
    asimilasi_special_window_months: int = 9
    pb_window_months: int = 9
    cmb_window_months: int = 9
    cb_general_window_months: int = 6
    cb_special_window_months: int = 9
    cmk_behaviour_window_months: int | None = 6
    """Engine choice: DOMAIN.md lists no window for CMK; the general 6 months is used.
    ``None`` means no behaviour window for CMK."""

    cb_max_sentence: Span = Span(years=1, months=3)
    """CB is only for sentences of at most 1 year 3 months."""

    cb_max_leave_months: int = 6
    """UNCERTAIN: CB lasts at most 4 or 6 months according to secondary sources; 6 is used."""

    cmb_max_leave_months: int = 6
    """CMB lasts as long as the last remisi, at most 6 (remisi) months."""

    cmk_min_sentence: Span = Span(months=12)
    """CMK needs a sentence of at least 12 months."""
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
    """Engine choice: rights to which the special-crime conditions (corruption: fine and
    restitution paid; terrorism: deradicalisation and NKRI pledge) apply."""

    narcotics_pb_asimilasi_share: Fraction | None = Fraction(1, 2)
    """Engine reading: PB for narcotics ≥ 5 years needs asimilasi for this share of the
    remaining sentence (from the earliest asimilasi date to the expiry after remisi).
    ``None`` turns the condition off."""

    almost_eligible_days: int = 90
    """A right is "almost eligible" when its date is within this many days of ``as_of``."""

    # Remisi (Keppres 174/1999).
    remission_month_days: int = 30
    """One remisi month = 30 days (Keppres 174/1999 Pasal 7)."""
    remission_min_served_months: int = 6
    """Remisi only after *more than* this many months served, counted from detention."""
    remission_full_year_months: int = 12
    """In year 1 the larger amount applies once this many months have been served."""
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
    """Remisi khusus table; its year-6-on amount (``ongoing``) is UNCERTAIN."""
    remisi_tambahan_state_service: Fraction = Fraction(1, 2)
    """Remisi tambahan for service to the state: 1/2 of that year's remisi umum."""
    remisi_tambahan_pemuka: Fraction = Fraction(1, 3)
    """Remisi tambahan for acting as pemuka: 1/3 of that year's remisi umum."""

    def is_special(self, category: CrimeCategory, *, reaches_narcotics_threshold: bool) -> bool:
        """Whether ``category`` is a special crime for a sentence of the given length."""
        if category in self.always_special_categories:
            return True
        return category is CrimeCategory.NARCOTICS and reaches_narcotics_threshold


PERMENKUMHAM_3_2018_AMENDED_7_2022 = RuleSet(name="permenkumham-3-2018-amended-7-2022")
"""The rule set of Permenkumham 3/2018 as amended (7/2022) with Keppres 174/1999 remisi."""

DEFAULT_RULE_SET = PERMENKUMHAM_3_2018_AMENDED_7_2022
RULE_SET = DEFAULT_RULE_SET


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
