"""Worked examples, each checked by hand (the calculation is in the comment above it).

Convention reminders (see sinergi.sentences.rules): expiry = detention start + years,
then months, then days (clamped at month end); fraction dates = detention start +
ceil(fraction x days from detention start to the expiry after remisi).
"""

from __future__ import annotations

import json
from datetime import date

from sinergi.sentences import (
    CrimeCategory,
    DisciplinaryPeriod,
    Term,
)

from .helpers import calc, dates_from, statuses


# 9 May 2017 + 2 years = 9 May 2019. Days: 9 May 2017 -> 9 May 2018 = 365 (no 29 Feb in
# between), 9 May 2018 -> 9 May 2019 = 365, total 730.
def test_two_year_term_from_9_may_2017_expires_9_may_2019() -> None:
    result = calc(date(2017, 5, 9), Term.fixed(2))
    assert result.expiry_date == date(2019, 5, 9)
    assert result.expiry_after_remission == date(2019, 5, 9)
    assert result.sentence_days == 730
    assert result.total_days == 730


# 730 x 1/3 = 243.33 -> 244 days. From 9 May 2017: 22 days to 31 May (222 left), June 30
# (192), July 31 (161), August 31 (130), September 30 (100), October 31 (69), November
# 30 (39), December 31 (8) -> 8 January 2018.
# 730 x 1/2 = 365 days -> 9 May 2018 (one common year).
# 730 x 2/3 = 486.67 -> 487 days = 365 + 122. From 9 May 2018: 22 to 31 May (100 left),
# June 30 (70), July 31 (39), August 31 (8) -> 8 September 2018.
def test_two_year_term_from_9_may_2017_has_fraction_dates_8_jan_9_may_and_8_sep_2018() -> None:
    result = calc(date(2017, 5, 9), Term.fixed(2))
    assert result.one_third_date == date(2018, 1, 8)
    assert result.half_date == date(2018, 5, 9)
    assert result.two_thirds_date == date(2018, 9, 8)


# General crime, no Register F: asimilasi and CMK at 1/2 (9 May 2018); PB at 2/3
# (8 Sep 2018), and 8 Sep 2018 is after 9 May 2017 + 9 months = 9 Feb 2018. CB does not
# apply: 2 years is more than 1 year 6 months (limit 9 Nov 2018 < expiry 9 May 2019).
# CMB does not apply: it lasts as long as the last remisi, and none was received.
def test_two_year_general_term_gives_asimilasi_and_cmk_at_half_and_pb_cmb_at_two_thirds() -> None:
    result = calc(date(2017, 5, 9), Term.fixed(2))
    assert statuses(result) == {
        "asimilasi": "eligible",
        "pb": "eligible",
        "cb": "not_applicable",
        "cmb": "not_applicable",
        "cmk": "eligible",
    }
    assert dates_from(result) == {
        "asimilasi": date(2018, 5, 9),
        "pb": date(2018, 9, 8),
        "cb": None,
        "cmb": None,
        "cmk": date(2018, 5, 9),
    }


# 90 days of remisi (3 remisi months): 9 May 2019 - 9 days = 30 Apr, - 30 = 31 Mar (39),
# - 31 = 28 Feb (70), - 20 = 8 Feb 2019 (90). Days 9 May 2017 -> 8 Feb 2019 = 730 - 90 =
# 640. 1/3: 213.33 -> 214 days -> 9 Dec 2017 (22 to 31 May, then 30+31+31+30+31+30 = 183
# brings 205 to 30 Nov, + 9). 1/2: 320 days = 365 - 45 -> 9 May 2018 - 45 = 25 Mar 2018.
# 2/3: 426.67 -> 427 = 365 + 62 -> 9 May 2018 + 62 = 10 Jul 2018 (22 + 30 = 52 to 30 Jun).
def test_ninety_days_of_remisi_move_the_expiry_to_8_feb_2019_and_every_fraction_earlier() -> None:
    result = calc(date(2017, 5, 9), Term.fixed(2), remission_days=90)
    assert result.expiry_date == date(2019, 5, 9)
    assert result.expiry_after_remission == date(2019, 2, 8)
    assert result.total_days == 640
    assert result.one_third_date == date(2017, 12, 9)
    assert result.half_date == date(2018, 3, 25)
    assert result.two_thirds_date == date(2018, 7, 10)
    assert result.rights["pb"].eligible_from == date(2018, 7, 10)


# 1 Jan 2021 + 1 year = 1 Jan 2022, 365 days. 1/2: 182.5 -> 183 days -> day 184 of 2021 =
# 3 July. 2/3: 243.33 -> 244 days -> day 245 of 2021 = 2 September (31 Aug is day 243).
# 9 months after 1 Jan 2021 is 1 Oct 2021 > 2 Sep: no PB, no CMB. CB: 1 year <= 1 year 3
# months, so CB at 2/3. CMK: 12 months >= 12 months, at 1/2.
def test_one_year_term_gets_cb_but_no_pb_or_cmb_because_two_thirds_is_under_nine_months() -> None:
    result = calc(date(2021, 1, 1), Term.fixed(1))
    assert result.half_date == date(2021, 7, 3)
    assert result.two_thirds_date == date(2021, 9, 2)
    assert statuses(result) == {
        "asimilasi": "eligible",
        "pb": "not_applicable",
        "cb": "eligible",
        "cmb": "not_applicable",
        "cmk": "eligible",
    }
    assert result.rights["cb"].eligible_from == date(2021, 9, 2)
    assert result.rights["pb"].reason is not None
    assert result.rights["pb"].reason.code == "right.min_months.short"


# 1 Jan 2021 + 1 year 3 months = 1 Apr 2022: 365 + 90 = 455 days. 2/3: 303.33 -> 304
# days -> day 305 of 2021 = 1 November (31 Oct is day 304). 1 Nov >= 1 Oct (9 months):
# PB and CMB apply; the sentence is exactly 1 year 3 months, so CB applies too.
def test_term_of_exactly_one_year_three_months_gets_cb_and_pb_on_1_nov_2021() -> None:
    result = calc(date(2021, 1, 1), Term.fixed(1, 3))
    assert result.expiry_date == date(2022, 4, 1)
    assert result.total_days == 455
    assert result.two_thirds_date == date(2021, 11, 1)
    assert result.rights["cb"].eligible_from == date(2021, 11, 1)
    assert result.rights["pb"].eligible_from == date(2021, 11, 1)


# CB is for sentences of at most 1 year 6 months (not 1 year 3 months any more).
# 1 Jan 2021 + 1 year 6 months = 1 Jul 2022: 365 + 181 = 546 days; 2/3 = 364 days ->
# 31 Dec 2021. CB applies, lasting 180 days -> 29 Jun 2022 (before the expiry 1 Jul).
# One day more (1 year 6 months 1 day): expiry 2 Jul 2022 is after the CB limit 1 Jul 2022.
def test_term_of_exactly_one_year_six_months_gets_cb_and_one_day_more_does_not() -> None:
    exact = calc(date(2021, 1, 1), Term.fixed(1, 6))
    assert exact.rights["cb"].eligible_from == date(2021, 12, 31)
    assert exact.rights["cb"].ends_on == date(2022, 6, 29)
    over = calc(date(2021, 1, 1), Term.fixed(1, 6, 1))
    assert over.rights["cb"].status.value == "not_applicable"
    assert over.rights["cb"].reason is not None
    assert over.rights["cb"].reason.code == "right.cb.sentence_too_long"


# 31 Jan 2020 + 1 month: February 2020 has 29 days -> 29 Feb 2020 (clamped).
# 31 Jan 2021 + 1 month -> 28 Feb 2021. 29 Feb 2020 + 1 year -> 28 Feb 2021.
def test_a_month_from_31_january_ends_on_the_last_day_of_february() -> None:
    assert calc(date(2020, 1, 31), Term.fixed(0, 1)).expiry_date == date(2020, 2, 29)
    assert calc(date(2021, 1, 31), Term.fixed(0, 1)).expiry_date == date(2021, 2, 28)
    assert calc(date(2020, 2, 29), Term.fixed(1)).expiry_date == date(2021, 2, 28)


# Years, then months, then days, clamping at each step: 29 Feb 2020 + 1 year = 28 Feb
# 2021, + 1 month = 28 Mar 2021, + 3 days = 31 Mar 2021.
def test_years_months_and_days_are_added_one_after_the_other() -> None:
    assert calc(date(2020, 2, 29), Term.fixed(1, 1, 3)).expiry_date == date(2021, 3, 31)


# Register F 1-31 Jan 2018 on the 2-year term from 9 May 2017. Asimilasi (window 6
# months): 31 Jan 2018 + 6 months = 31 Jul 2018, after the 1/2 date 9 May 2018 -> moves
# to 31 Jul 2018. PB (window 9): 31 Jan + 9 months = 31 Oct 2018, after 8 Sep -> 31 Oct.
# CMK (window: the running year, 2018) -> 1 Jan 2019.
def test_register_f_in_january_2018_moves_asimilasi_to_31_july_and_pb_to_31_october() -> None:
    record = DisciplinaryPeriod(date(2018, 1, 1), date(2018, 1, 31))
    result = calc(date(2017, 5, 9), Term.fixed(2), records=[record])
    assert result.rights["asimilasi"].eligible_from == date(2018, 7, 31)
    assert result.rights["pb"].eligible_from == date(2018, 10, 31)
    assert result.rights["cmk"].eligible_from == date(2019, 1, 1)


# Register F ending 1 Jun 2017: + 6 months = 1 Dec 2017 (before 9 May 2018), + 9 months
# = 1 Mar 2018 (before 8 Sep 2018): no effect on any date.
def test_register_f_long_before_the_time_condition_has_no_effect() -> None:
    record = DisciplinaryPeriod(date(2017, 5, 20), date(2017, 6, 1))
    with_record = calc(date(2017, 5, 9), Term.fixed(2), records=[record])
    without = calc(date(2017, 5, 9), Term.fixed(2))
    assert dates_from(with_record) == dates_from(without)
    codes = [item.code for item in with_record.rights["pb"].explanation]
    assert "right.window.no_effect" in codes


# Register F ending 31 Aug 2018: + 6 months = 28 Feb 2019 (clamped: February 2019 has 28
# days), after the asimilasi 1/2 date 9 May 2018 and before the expiry 9 May 2019.
def test_register_f_window_ending_at_month_end_is_clamped_to_28_february() -> None:
    record = DisciplinaryPeriod(date(2018, 8, 1), date(2018, 8, 31))
    result = calc(date(2017, 5, 9), Term.fixed(2), records=[record])
    assert result.rights["asimilasi"].eligible_from == date(2019, 2, 28)


# Register F ending 1 Mar 2019: + 9 months = 1 Dec 2019, after the expiry 9 May 2019 ->
# the person is free first: PB not applicable. + 6 months = 1 Sep 2019, also after.
def test_register_f_that_pushes_a_right_past_the_expiry_makes_it_not_applicable() -> None:
    record = DisciplinaryPeriod(date(2019, 2, 1), date(2019, 3, 1))
    result = calc(date(2017, 5, 9), Term.fixed(2), records=[record])
    assert result.rights["pb"].status.value == "not_applicable"
    assert result.rights["pb"].reason is not None
    assert result.rights["pb"].reason.code == "right.released_first"
    assert result.rights["asimilasi"].status.value == "not_applicable"


# Narcotics 5 years from 1 Jan 2020: expiry 1 Jan 2025, 366 + 4 x 365 = 1827 days.
# 5 years >= 5 years -> special crime. 2/3 = 1218 days = 1096 (to 1 Jan 2023) + 122 ->
# 3 May 2023: asimilasi (special) at 2/3. 1/2: 913.5 -> 914 = 731 (to 1 Jan 2022) + 183 ->
# 3 Jul 2022 (day 184 of 2022): CMK.
# PB also needs asimilasi for 1/2 of the remaining sentence: 3 May 2023 -> 1 Jan 2025 =
# 609 days (366 to 3 May 2024 + 243); 609 x 1/2 = 304.5 -> 305 days -> 3 Mar 2024
# (3 May 2023 + 10 calendar months = 31+30+31+31+30+31+30+31+31+29 = 305 days).
def test_narcotics_five_years_is_special_with_asimilasi_at_two_thirds_and_pb_later() -> None:
    result = calc(date(2020, 1, 1), Term.fixed(5), CrimeCategory.NARCOTICS)
    assert result.special_crime is True
    assert result.expiry_date == date(2025, 1, 1)
    assert result.total_days == 1827
    assert result.two_thirds_date == date(2023, 5, 3)
    assert result.rights["asimilasi"].eligible_from == date(2023, 5, 3)
    assert result.rights["pb"].eligible_from == date(2024, 3, 3)
    assert result.rights["cmb"].status.value == "not_applicable"  # no remisi received
    assert result.rights["cmk"].eligible_from == date(2022, 7, 3)


# Narcotics 4 years 11 months is under 5 years -> general: asimilasi at 1/2, no
# narcotics PB condition. From 1 Jan 2020: expiry 1 Dec 2024; days = 1827 - 31 = 1796.
# 1/2 = 898 days = 731 (to 1 Jan 2022) + 167 -> day 168 of 2022 = 17 Jun 2022.
# 2/3 = 1197.33 -> 1198 = 1096 (to 1 Jan 2023) + 102 -> day 103 of 2023 = 13 Apr 2023.
def test_narcotics_under_five_years_follows_the_general_rules() -> None:
    result = calc(date(2020, 1, 1), Term.fixed(4, 11), CrimeCategory.NARCOTICS)
    assert result.special_crime is False
    assert result.expiry_date == date(2024, 12, 1)
    assert result.rights["asimilasi"].eligible_from == date(2022, 6, 17)
    assert result.rights["pb"].eligible_from == date(2023, 4, 13)


# The same 2-year term for terrorism: special, so asimilasi waits for 2/3 (8 Sep 2018)
# instead of 1/2 (9 May 2018); 8 Sep 2018 is after 9 Feb 2018 (9 months).
def test_terrorism_two_year_term_gets_asimilasi_at_two_thirds_instead_of_half() -> None:
    result = calc(date(2017, 5, 9), Term.fixed(2), CrimeCategory.TERRORISM)
    assert result.special_crime is True
    assert result.rights["asimilasi"].eligible_from == date(2018, 9, 8)
    assert result.rights["cmk"].eligible_from == date(2018, 5, 9)


def test_to_dict_is_json_ready_and_has_exactly_the_documented_shape() -> None:
    result = calc(date(2017, 5, 9), Term.fixed(2), as_of=date(2018, 3, 1))
    data = result.to_dict()
    assert set(data) == {
        "expiry_date",
        "expiry_after_remission",
        "one_third_date",
        "half_date",
        "two_thirds_date",
        "rights",
        "rule_set",
        "rule_set_title",
        "conventions_version",
        "term_start",
        "release_date",
        "pb_probation_end",
        "explanation",
    }
    assert data["expiry_date"] == "2019-05-09"
    assert data["rule_set"] == "permenkumham-3-2018-amended-7-2022"
    rights = data["rights"]
    assert isinstance(rights, dict)
    assert list(rights) == ["asimilasi", "pb", "cb", "cmb", "cmk"]
    for entry in rights.values():
        assert isinstance(entry, dict)
        assert set(entry) == {
            "status",
            "eligible_from",
            "ends_on",
            "almost_eligible",
            "reason",
            "missing_conditions",
            "explanation",
        }
    assert rights["asimilasi"] == {
        "status": "eligible",
        "eligible_from": "2018-05-09",
        "ends_on": None,
        "almost_eligible": True,
        "reason": None,
        "missing_conditions": [],
        "explanation": rights["asimilasi"]["explanation"],
    }
    assert rights["cb"]["eligible_from"] is None
    assert json.loads(json.dumps(data)) == data


def test_calculation_sheet_shows_the_day_counts_of_each_fraction() -> None:
    lines = [str(item) for item in calc(date(2017, 5, 9), Term.fixed(2)).explanation]
    assert "Detention start: 2017-05-09" in lines
    assert (
        "Expiry: 2017-05-09 + 2 years 0 months 0 days = 2019-05-09 [Pasal 22 ayat (4) KUHAP]"
    ) in lines
    assert "Remisi granted: 0 days" in lines
    assert "Expiry after remisi: 2019-05-09 - 0 days = 2019-05-09 [Keppres 174/1999]" in lines
    assert (
        "1/3 date: (730 - 0 days of remisi received) x 1/3 = 243.33 days, rounded up to "
        "244 days; 2017-05-09 + 244 days = 2018-01-08"
    ) in lines
    assert (
        "2/3 date: (730 - 0 days of remisi received) x 2/3 = 486.67 days, rounded up to "
        "487 days; 2017-05-09 + 487 days = 2018-09-08"
    ) in lines


def test_days_served_and_days_remaining_count_from_detention_start() -> None:
    result = calc(date(2017, 5, 9), Term.fixed(2))
    assert result.days_served(date(2018, 5, 9)) == 365
    assert result.days_served(date(2017, 1, 1)) == 0
    assert result.days_served(date(2030, 1, 1)) == 730
    assert result.days_remaining(date(2018, 5, 9)) == 365
