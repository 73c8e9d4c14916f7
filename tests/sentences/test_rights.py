"""Every right under every crime category, and the blocking conditions."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from sinergi.sentences import (
    DEFAULT_RULE_SET,
    CrimeCategory,
    DisciplinaryPeriod,
    RightStatus,
    Term,
    calculate,
)

from .helpers import ALWAYS_SPECIAL, calc, dates_from, sentence, statuses

# 10 years from 1 Jan 2020: expiry 1 Jan 2030, 3653 days (2020, 2024, 2028 are leap).
# 1/2: 1826.5 -> 1827 days = 366 + 365 + 365 + 365 + 366 -> 1 Jan 2025.
# 2/3: 2435.33 -> 2436 days = 2192 (to 1 Jan 2026) + 244 -> day 245 of 2026 = 2 Sep 2026.
TEN_YEARS_FROM_2020 = (date(2020, 1, 1), Term.fixed(10))
HALF_10Y = date(2025, 1, 1)
TWO_THIRDS_10Y = date(2026, 9, 2)


# General: asimilasi and CMK at 1/2, PB at 2/3; CB not applicable (> 1 yr 6 mo); CMB not
# applicable: it lasts as long as the last remisi, and none was received.
def test_ten_year_general_term_has_asimilasi_at_half_and_pb_at_two_thirds() -> None:
    result = calc(*TEN_YEARS_FROM_2020, CrimeCategory.GENERAL)
    assert dates_from(result) == {
        "asimilasi": HALF_10Y,
        "pb": TWO_THIRDS_10Y,
        "cb": None,
        "cmb": None,
        "cmk": HALF_10Y,
    }
    assert statuses(result)["cb"] == "not_applicable"
    assert statuses(result)["cmb"] == "not_applicable"
    assert result.rights["cmb"].reason is not None
    assert result.rights["cmb"].reason.code == "right.cmb.no_remission"


# The same term with a last remisi of 2 months (60 days), 60 days in all: expiry after
# remisi 1 Jan 2030 - 60 = 2 Nov 2029; CMB ends that day and starts 60 days before it,
# 3 Sep 2029 (2 Nov - 30 = 3 Oct, - 30 = 3 Sep), after the 2/3 date.
def test_cmb_starts_the_length_of_the_last_remisi_before_the_release() -> None:
    result = calc(*TEN_YEARS_FROM_2020, remission_days=60, last_remission_days=60)
    assert result.expiry_after_remission == date(2029, 11, 2)
    assert result.rights["cmb"].eligible_from == date(2029, 9, 3)
    assert result.rights["cmb"].ends_on == date(2029, 11, 2)
    assert result.rights["cmb"].leave_length_days == 60


# Special crimes: asimilasi moves to 2/3; PB also needs asimilasi for 1/2 of the
# remaining sentence (Pasal 84 terrorism; PP 99/2012 Pasal 43A(1)c for the others, whose
# Pasal 86 text was not available), so PB is 3 May 2028 as computed for narcotics below;
# CMK stays at 1/2; CB and CMB (no remisi) n/a.
@pytest.mark.parametrize("category", ALWAYS_SPECIAL)
def test_ten_year_special_crime_term_has_asimilasi_at_two_thirds(
    category: CrimeCategory,
) -> None:
    result = calc(*TEN_YEARS_FROM_2020, category)
    assert result.special_crime is True
    assert dates_from(result) == {
        "asimilasi": TWO_THIRDS_10Y,
        "pb": date(2028, 5, 3),
        "cb": None,
        "cmb": None,
        "cmk": HALF_10Y,
    }
    codes = [item.code for item in result.rights["pb"].explanation]
    assert ("right.pb.article_86" in codes) is (category is not CrimeCategory.TERRORISM)


# Narcotics 10 years (special): PB also needs asimilasi for 1/2 of the remaining sentence:
# 2 Sep 2026 -> 1 Jan 2030 = 3653 - 2436 = 1217 days; x 1/2 = 608.5 -> 609 days.
# 2 Sep 2026 + 365 = 2 Sep 2027; + 244: 28 to 30 Sep, 31 Oct (59), 30 Nov (89), 31 Dec
# (120), 31 Jan (151), 29 Feb 2028 (180), 31 Mar (211), 30 Apr (241), + 3 -> 3 May 2028.
def test_ten_year_narcotics_term_has_pb_after_half_of_the_remaining_sentence_in_asimilasi() -> None:
    result = calc(*TEN_YEARS_FROM_2020, CrimeCategory.NARCOTICS)
    assert result.special_crime is True
    assert dates_from(result) == {
        "asimilasi": TWO_THIRDS_10Y,
        "pb": date(2028, 5, 3),
        "cb": None,
        "cmb": None,
        "cmk": HALF_10Y,
    }


def test_narcotics_pb_condition_can_be_turned_off_in_the_rule_set() -> None:
    rule_set = replace(DEFAULT_RULE_SET, narcotics_pb_asimilasi_share=None)
    result = calculate(
        sentence(*TEN_YEARS_FROM_2020, CrimeCategory.NARCOTICS), date(2020, 1, 1), rule_set
    )
    assert result.rights["pb"].eligible_from == TWO_THIRDS_10Y


# 1 year from 1 Jan 2021 (see the worked examples): 1/2 = 3 Jul 2021, 2/3 = 2 Sep 2021,
# under 9 months (1 Oct 2021). General: asimilasi 3 Jul, CB 2 Sep, CMK 3 Jul, no PB/CMB.
# Special: asimilasi needs 2/3 >= 9 months -> not applicable; CB still at 2 Sep (window 9
# months, no Register F). Narcotics 1 year is general.
@pytest.mark.parametrize("category", list(CrimeCategory))
def test_one_year_term_under_every_category(category: CrimeCategory) -> None:
    result = calc(date(2021, 1, 1), Term.fixed(1), category)
    special = category in ALWAYS_SPECIAL
    assert result.special_crime is special
    assert statuses(result) == {
        "asimilasi": "not_applicable" if special else "eligible",
        "pb": "not_applicable",
        "cb": "eligible",
        "cmb": "not_applicable",
        "cmk": "eligible",
    }
    assert result.rights["cb"].eligible_from == date(2021, 9, 2)
    assert result.rights["cmk"].eligible_from == date(2021, 7, 3)


# CB window: Register F 1-31 Jan 2021 on a 1-year term from 1 Jan 2021. General (6
# months): 31 Jul 2021 is before the 2/3 date 2 Sep 2021 -> no effect. Special (9
# months): 31 Oct 2021 -> CB moves to 31 Oct 2021 (before the expiry 1 Jan 2022).
def test_cb_behaviour_window_is_six_months_general_and_nine_months_special() -> None:
    record = DisciplinaryPeriod(date(2021, 1, 1), date(2021, 1, 31))
    general = calc(date(2021, 1, 1), Term.fixed(1), records=[record])
    special = calc(date(2021, 1, 1), Term.fixed(1), CrimeCategory.CORRUPTION, records=[record])
    assert general.rights["cb"].eligible_from == date(2021, 9, 2)
    assert special.rights["cb"].eligible_from == date(2021, 10, 31)


# CMK needs a sentence of at least 12 months: 11 months 30 days from 1 Jan 2021 expires
# 31 Dec 2021, before 1 Jan 2022.
def test_cmk_is_not_applicable_to_a_sentence_under_twelve_months() -> None:
    result = calc(date(2021, 1, 1), Term.fixed(0, 11, 30))
    assert result.rights["cmk"].status is RightStatus.NOT_APPLICABLE
    assert result.rights["cmk"].reason is not None
    assert result.rights["cmk"].reason.code == "right.cmk.sentence_too_short"


# CMK's window is the running year: 2 years from 9 May 2017, 1/2 on 9 May 2018. A
# Register F entry ending 31 Dec 2017 is in the year before: no effect. One ending on
# 1 Jan 2018 is in the running year: CMK moves to 1 Jan 2019.
@pytest.mark.parametrize(
    ("end", "expected"),
    [(date(2017, 12, 31), date(2018, 5, 9)), (date(2018, 1, 1), date(2019, 1, 1))],
)
def test_cmk_window_is_the_running_year(end: date, expected: date) -> None:
    record = DisciplinaryPeriod(date(2017, 12, 1), end)
    result = calc(date(2017, 5, 9), Term.fixed(2), records=[record])
    assert result.rights["cmk"].eligible_from == expected


def test_ongoing_register_f_without_end_date_blocks_every_right_with_a_window() -> None:
    record = DisciplinaryPeriod(date(2018, 1, 1))
    result = calc(date(2017, 5, 9), Term.fixed(2), records=[record])
    assert statuses(result) == {
        "asimilasi": "blocked",
        "pb": "blocked",
        "cb": "not_applicable",
        "cmb": "not_applicable",  # no remisi received: CMB has no length
        "cmk": "blocked",
    }
    reason = result.rights["pb"].reason
    assert reason is not None
    assert reason.code == "right.window.open"
    assert result.rights["pb"].eligible_from is None
    assert result.to_dict()["rights"]["pb"]["eligible_from"] is None


@pytest.mark.parametrize("right", ["asimilasi", "pb", "cmb"])
def test_corruption_with_unpaid_fine_is_blocked(right: str) -> None:
    result = calc(
        *TEN_YEARS_FROM_2020,
        CrimeCategory.CORRUPTION,
        fine_paid=False,
        remission_days=30,
        last_remission_days=30,
    )
    assert result.rights[right].status is RightStatus.BLOCKED
    reason = result.rights[right].reason
    assert reason is not None
    assert "fine" in str(reason)


def test_corruption_with_unpaid_restitution_is_blocked_but_cmk_is_not() -> None:
    result = calc(
        *TEN_YEARS_FROM_2020, CrimeCategory.CORRUPTION, fine_paid=True, restitution_paid=False
    )
    assert result.rights["pb"].status is RightStatus.BLOCKED
    assert result.rights["cmk"].status is RightStatus.ELIGIBLE


def test_corruption_with_unknown_payments_is_eligible_and_lists_what_to_verify() -> None:
    result = calc(*TEN_YEARS_FROM_2020, CrimeCategory.CORRUPTION)
    pb = result.rights["pb"]
    assert pb.status is RightStatus.ELIGIBLE
    assert pb.missing_conditions == ["fine_paid", "restitution_paid"]
    assert "right.condition.unknown" in [item.code for item in pb.explanation]


def test_corruption_with_everything_paid_has_no_missing_conditions() -> None:
    result = calc(
        *TEN_YEARS_FROM_2020, CrimeCategory.CORRUPTION, fine_paid=True, restitution_paid=True
    )
    assert result.rights["pb"].missing_conditions == []
    # PB after asimilasi for 1/2 of the remainder (see the special-crime test above).
    assert result.rights["pb"].eligible_from == date(2028, 5, 3)


def test_terrorism_without_deradicalisation_is_blocked() -> None:
    result = calc(
        *TEN_YEARS_FROM_2020,
        CrimeCategory.TERRORISM,
        deradicalisation_completed=False,
        remission_days=30,
        last_remission_days=30,
    )
    for right in ("asimilasi", "pb", "cmb"):
        assert result.rights[right].status is RightStatus.BLOCKED
    assert result.rights["cmk"].status is RightStatus.ELIGIBLE


def test_terrorism_with_unknown_deradicalisation_lists_it_as_missing() -> None:
    result = calc(*TEN_YEARS_FROM_2020, CrimeCategory.TERRORISM)
    assert result.rights["pb"].status is RightStatus.ELIGIBLE
    assert "deradicalisation_completed" in result.rights["pb"].missing_conditions


def test_payment_flags_do_not_matter_for_a_general_crime() -> None:
    result = calc(*TEN_YEARS_FROM_2020, CrimeCategory.GENERAL, fine_paid=False)
    assert result.rights["pb"].status is RightStatus.ELIGIBLE


@pytest.mark.parametrize("term", [Term.life(), Term.death()])
@pytest.mark.parametrize("category", list(CrimeCategory))
def test_life_and_death_sentences_have_no_dates_and_no_rights(
    term: Term, category: CrimeCategory
) -> None:
    result = calc(date(2020, 1, 1), term, category)
    assert result.expiry_date is None
    assert result.expiry_after_remission is None
    assert result.one_third_date is None
    assert result.half_date is None
    assert result.two_thirds_date is None
    for right in result.rights.values():
        assert right.status is RightStatus.NOT_APPLICABLE
        assert right.reason is not None
        assert right.reason.code == "calc.no_fixed_term"
    data = result.to_dict()
    assert data["expiry_date"] is None
    assert data["rights"]["pb"]["status"] == "not_applicable"


# Almost eligible: as of 1 Mar 2018, asimilasi on 9 May 2018 is 69 days away (<= 90);
# PB on 8 Sep 2018 is 191 days away.
def test_almost_eligible_is_true_within_ninety_days_of_as_of() -> None:
    result = calc(date(2017, 5, 9), Term.fixed(2), as_of=date(2018, 3, 1))
    assert result.rights["asimilasi"].almost_eligible is True
    assert result.rights["asimilasi"].is_due is False
    assert result.rights["pb"].almost_eligible is False


def test_a_right_whose_date_has_passed_is_due_and_not_almost_eligible() -> None:
    result = calc(date(2017, 5, 9), Term.fixed(2), as_of=date(2018, 6, 1))
    assert result.rights["asimilasi"].is_due is True
    assert result.rights["asimilasi"].almost_eligible is False


def test_on_the_day_itself_a_right_is_both_due_and_almost_eligible() -> None:
    result = calc(date(2017, 5, 9), Term.fixed(2), as_of=date(2018, 5, 9))
    assert result.rights["asimilasi"].is_due is True
    assert result.rights["asimilasi"].almost_eligible is True


def test_almost_eligible_window_is_a_rule_set_parameter() -> None:
    rule_set = replace(DEFAULT_RULE_SET, almost_eligible_days=30)
    result = calculate(sentence(date(2017, 5, 9), Term.fixed(2)), date(2018, 3, 1), rule_set)
    assert result.rights["asimilasi"].almost_eligible is False


# CMB length = last remisi, at most 6 remisi months = 180 days.
def test_cmb_length_is_the_last_remisi_capped_at_six_months() -> None:
    short = calc(date(2017, 5, 9), Term.fixed(2), last_remission_days=60)
    long = calc(date(2017, 5, 9), Term.fixed(2), last_remission_days=240)
    unknown = calc(date(2017, 5, 9), Term.fixed(2), remission_days=30)
    assert short.rights["cmb"].leave_length_days == 60
    assert long.rights["cmb"].leave_length_days == 180
    assert unknown.rights["cmb"].leave_length_days is None
    # Only the SDP total is known, not the last remisi: CMB cannot start, blocked.
    assert unknown.rights["cmb"].status is RightStatus.BLOCKED
    assert "right.cmb.length_unknown" in [i.code for i in unknown.rights["cmb"].explanation]


def test_cb_maximum_length_is_an_uncertain_parameter_shown_on_the_sheet() -> None:
    rule_set = replace(DEFAULT_RULE_SET, cb_max_leave_months=4)
    result = calculate(sentence(date(2021, 1, 1), Term.fixed(1)), date(2021, 1, 1), rule_set)
    lines = [str(item) for item in result.rights["cb"].explanation]
    assert any("at most 4 months (120 days)" in text for text in lines)
    assert result.rights["cb"].ends_on == date(2021, 12, 31)  # 2 Sep 2021 + 120 days
