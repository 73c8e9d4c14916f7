"""The law in force (issue #13): rule sets chosen by date, the day-count conventions, the
public cases, CB and CMB as revised, special-crime conditions, remisi conditions,
children, detention facts and the PB probation.

Every expected date is computed by hand in the comment above its test. "30-day" means one
month = 30 days and one year = 360 days (Keppres 174/1999 Pasal 7(4)); "calendar" means
calendar days.
"""

from __future__ import annotations

from datetime import date

import pytest

from sinergi.sentences import (
    KUHP_2023,
    PERMENKUMHAM_3_2018,
    PERMENKUMHAM_3_2018_AMENDED_7_2022,
    PP_28_2006,
    PP_99_2012,
    CrimeCategory,
    DetentionKind,
    DetentionPeriod,
    DisciplinaryPeriod,
    ReligiousHoliday,
    RemissionExtra,
    RemissionGrant,
    RightStatus,
    RuleSet,
    SentenceInput,
    SentenceInputError,
    Term,
    calculate,
    next_remissions,
    rule_set_for,
)

GENERAL = CrimeCategory.GENERAL
AS_OF = date(2026, 12, 5)


def subject(
    start: date, term: Term, category: CrimeCategory = GENERAL, **kwargs: object
) -> SentenceInput:
    return SentenceInput(start, term, category, **kwargs)  # type: ignore[arg-type]


# --- The public cases -------------------------------------------------------------------


# Ahok (Basuki Tjahaja Purnama): 2 years from 9 May 2017, general crime, remisi 15 days
# (Christmas 2017), 2 months (17 Aug 2018), 1 month (Christmas 2018) = 105 days.
# Expiry (calendar) 9 May 2019; 9 May 2019 - 105 days: - 9 = 30 Apr, - 30 = 31 Mar (39),
# - 31 = 28 Feb (70), - 28 = 31 Jan (98), - 7 = 24 Jan 2019 (105): released 24 Jan 2019.
# Rule set: detention in 2017 -> PP 99/2012 (30-day fractions): 2 years = 720 days.
# 2/3 with the remisi received by each date: before 25 Dec 2017, 720 x 2/3 = 480 days ->
# 1 Sep 2018 (not before 25 Dec 2017's remisi); from 25 Dec 2017, (720 - 15) x 2/3 = 470
# -> 22 Aug 2018 (not before the next remisi on 17 Aug 2018); from 17 Aug 2018,
# (720 - 75) x 2/3 = 430 -> 13 Jul 2018, already past: PB from 17 Aug 2018, in August 2018.
def test_public_case_ahok_released_24_january_2019_pb_possible_in_august_2018() -> None:
    grants = [
        RemissionGrant(date(2017, 12, 25), 15, "khusus"),
        RemissionGrant(date(2018, 8, 17), 60, "umum"),
        RemissionGrant(date(2018, 12, 25), 30, "khusus"),
    ]
    result = calculate(subject(date(2017, 5, 9), Term.fixed(2), remissions=grants), AS_OF)
    assert result.rule_set == PP_99_2012.name
    assert result.remission_days == 105
    assert result.expiry_date == date(2019, 5, 9)
    assert result.expiry_after_remission == date(2019, 1, 24)
    pb = result.rights["pb"]
    assert pb.status is RightStatus.ELIGIBLE
    assert pb.eligible_from == date(2018, 8, 17)
    assert (pb.eligible_from.year, pb.eligible_from.month) == (2018, 8)


# Obor Rakyat editors: 1 year from 8 May 2018, general crime. Rule set Permenkumham
# 3/2018 (30-day fractions): 2/3 x 360 = 240 days; 8 May 2018 + 240: 23 to 31 May, 30
# (53), 31 (84), 31 (115), 30 (145), 31 (176), 30 (206), 31 (237), + 3 -> 3 Jan 2019.
def test_public_case_obor_rakyat_cb_from_3_january_2019() -> None:
    result = calculate(subject(date(2018, 5, 8), Term.fixed(1)), AS_OF)
    assert result.rule_set == PERMENKUMHAM_3_2018.name
    assert result.rights["cb"].status is RightStatus.ELIGIBLE
    assert result.rights["cb"].eligible_from == date(2019, 1, 3)


# Richard Eliezer: 1 year 6 months from 3 Aug 2022. Rule set as amended by 7/2022
# (calendar fractions): expiry 3 Feb 2024; 3 Aug 2022 -> 3 Feb 2024 = 365 + 184 = 549
# days; 2/3 = 366 days -> 4 Aug 2023 (3 Aug 2023 is day 365). 1 year 6 months is at most
# 1 year 6 months: CB applies, lasting 6 x 30 = 180 days: 4 Aug 2023 + 180 = 27 (to
# 31 Aug) + 30 + 31 + 30 + 31 + 31 -> 31 Jan 2024, before the expiry 3 Feb 2024.
def test_public_case_richard_eliezer_cb_from_4_august_2023_to_31_january_2024() -> None:
    result = calculate(subject(date(2022, 8, 3), Term.fixed(1, 6)), AS_OF)
    assert result.rule_set == PERMENKUMHAM_3_2018_AMENDED_7_2022.name
    cb = result.rights["cb"]
    assert cb.status is RightStatus.ELIGIBLE
    assert cb.eligible_from == date(2023, 8, 4)
    assert cb.ends_on == date(2024, 1, 31)


# --- Rule sets chosen by date -----------------------------------------------------------


# PP 99/2012 is in force from 12 Nov 2012; special crimes final before it keep PP 28/2006.
@pytest.mark.parametrize(
    ("verdict", "expected"),
    [(date(2012, 11, 11), PP_28_2006), (date(2012, 11, 12), PP_99_2012)],
)
def test_special_crimes_final_before_12_november_2012_keep_pp_28_2006(
    verdict: date, expected: RuleSet
) -> None:
    sentence = subject(
        date(2012, 1, 1), Term.fixed(8), CrimeCategory.CORRUPTION, verdict_date=verdict
    )
    assert calculate(sentence, AS_OF).rule_set == expected.name


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        (date(2018, 2, 14), PP_99_2012),
        (date(2018, 2, 15), PERMENKUMHAM_3_2018),
        (date(2022, 3, 31), PERMENKUMHAM_3_2018),
        (date(2022, 4, 1), PERMENKUMHAM_3_2018_AMENDED_7_2022),
        (date(2026, 1, 1), PERMENKUMHAM_3_2018_AMENDED_7_2022),
        (date(2026, 1, 2), KUHP_2023),
    ],
)
def test_each_rule_set_starts_on_its_day(reference: date, expected: object) -> None:
    assert rule_set_for(reference) is expected


# The verdict date chooses the set when it is known, not the detention start.
def test_the_verdict_date_chooses_the_rule_set_over_the_detention_start() -> None:
    detained_2017 = subject(date(2017, 5, 9), Term.fixed(6), verdict_date=date(2022, 8, 1))
    result = calculate(detained_2017, AS_OF)
    assert result.rule_set == PERMENKUMHAM_3_2018_AMENDED_7_2022.name
    codes = [item.code for item in result.explanation]
    assert "calc.rule_set.chosen" in codes


def test_the_sheet_names_the_rule_set_by_a_readable_title_not_its_code() -> None:
    result = calculate(subject(date(2026, 3, 1), Term.fixed(2)), AS_OF)
    assert result.rule_set == "kuhp-2023"
    first = str(result.explanation[0])
    assert "kuhp-2023" not in first
    assert "UU 1/2023 (KUHP" in first
    assert result.rule_set_title and "kuhp-2023" not in result.rule_set_title


# --- Day-count conventions --------------------------------------------------------------


# The Obor Rakyat term under the 2022 (calendar) set: 365 x 2/3 = 243.33 -> 244 days ->
# 8 May 2018 + 244 = 7 Jan 2019 (3 Jan is day 240).
def test_the_same_one_year_term_in_calendar_fractions_gives_7_january_2019() -> None:
    result = calculate(
        subject(date(2018, 5, 8), Term.fixed(1)), AS_OF, PERMENKUMHAM_3_2018_AMENDED_7_2022
    )
    assert result.rights["cb"].eligible_from == date(2019, 1, 7)


# The Eliezer term under the 2018 (30-day) set: 540 x 2/3 = 360 days -> 3 Aug 2022 +
# 360: 28 to 31 Aug, then 30, 31, 30, 31, 31, 28, 31, 30, 31, 30 (331 to 30 Jun 2023),
# + 29 -> 29 Jul 2023.
def test_the_same_eighteen_month_term_in_thirty_day_fractions_gives_29_july_2023() -> None:
    result = calculate(subject(date(2022, 8, 3), Term.fixed(1, 6)), AS_OF, PERMENKUMHAM_3_2018)
    assert result.rights["cb"].eligible_from == date(2023, 7, 29)


# 29 Feb 2020 + 1 year: the expiry is calendar in every set, 28 Feb 2021. The 1/2 date in
# 30-day fractions (Permenkumham 3/2018 by date): 360 / 2 = 180 days -> 29 Feb + 180 =
# 31 (Mar) + 30 + 31 + 30 + 31 + 27 -> 27 Aug 2020. In calendar fractions: 365 / 2 = 182.5
# -> 183 days -> 30 Aug 2020.
def test_a_leap_day_start_in_both_conventions() -> None:
    thirty = calculate(subject(date(2020, 2, 29), Term.fixed(1)), AS_OF)
    calendar = calculate(
        subject(date(2020, 2, 29), Term.fixed(1)), AS_OF, PERMENKUMHAM_3_2018_AMENDED_7_2022
    )
    assert thirty.rule_set == PERMENKUMHAM_3_2018.name
    assert thirty.expiry_date == calendar.expiry_date == date(2021, 2, 28)
    assert thirty.half_date == date(2020, 8, 27)
    assert calendar.half_date == date(2020, 8, 30)


# 31 Jan 2023 + 1 month 15 days: calendar 31 Jan + 1 month = 28 Feb 2023 (clamped), + 15
# days = 15 Mar 2023.
def test_a_month_from_31_january_is_clamped_before_the_days_are_added() -> None:
    result = calculate(subject(date(2023, 1, 31), Term.fixed(0, 1, 15)), AS_OF)
    assert result.expiry_date == date(2023, 3, 15)


def test_the_sheet_states_the_day_count_and_its_version() -> None:
    result = calculate(subject(date(2018, 5, 8), Term.fixed(1)), AS_OF)
    line = next(item for item in result.explanation if item.code == "calc.convention")
    assert line.values["version"] == result.conventions_version == "2018.1-thirty-day"
    assert "30-day months" in str(line)


# --- Cuti bersyarat ---------------------------------------------------------------------


# 1 year from 1 Jan 2023 (2022 set, calendar): 2/3 of 365 = 243.33 -> 244 -> 2 Sep 2023.
# CB lasts at most 180 days (2 Sep 2023 + 180 = 29 Feb 2024) but not beyond the expiry
# 1 Jan 2024: it ends on 1 Jan 2024.
def test_cb_never_runs_past_the_expiry_after_remisi() -> None:
    result = calculate(subject(date(2023, 1, 1), Term.fixed(1)), AS_OF)
    assert result.rights["cb"].eligible_from == date(2023, 9, 2)
    assert result.rights["cb"].ends_on == date(2024, 1, 1)


# 1 year + 6 months served one after the other count as one term of 1 year 6 months: CB
# applies (at most 1 year 6 months); from 1 Jan 2023 the expiry is 1 Jul 2024.
def test_consecutive_sentences_count_as_one_term() -> None:
    result = calculate(
        subject(date(2023, 1, 1), Term.fixed(1), consecutive_terms=[Term.fixed(0, 6)]), AS_OF
    )
    assert result.expiry_date == date(2024, 7, 1)
    assert result.rights["cb"].status is RightStatus.ELIGIBLE
    assert "calc.consecutive" in [item.code for item in result.explanation]


# --- Cuti menjelang bebas ---------------------------------------------------------------


# 3 years from 1 Jan 2023 (2022 set): expiry 1 Jan 2026; remisi 30 days on 17 Aug 2023 and
# 90 days on 17 Aug 2024 = 120 -> expiry after remisi 1 Jan 2026 - 120 = 3 Sep 2025.
# 2/3: base 1096 days; from 17 Aug 2024 (1096 - 120) x 2/3 = 650.67 -> 651 -> 13 Oct 2024
# (before it: 731 -> 1 Jan 2025 and 711 -> 12 Dec 2024, both after the next grant).
# CMB lasts as long as the last remisi (90 days) and ends on 3 Sep 2025: from 3 Sep 2025 -
# 90 = 5 Jun 2025, after the 2/3 date.
def test_cmb_starts_the_last_remisi_before_the_release_day() -> None:
    grants = [RemissionGrant(date(2023, 8, 17), 30), RemissionGrant(date(2024, 8, 17), 90)]
    result = calculate(subject(date(2023, 1, 1), Term.fixed(3), remissions=grants), AS_OF)
    assert result.expiry_after_remission == date(2025, 9, 3)
    assert result.two_thirds_date == date(2024, 10, 13)
    cmb = result.rights["cmb"]
    assert cmb.eligible_from == date(2025, 6, 5)
    assert cmb.ends_on == date(2025, 9, 3)
    assert cmb.leave_length_days == 90


# 1 year 8 months from 1 Jan 2023: expiry 1 Sep 2024 (365 + 244 = 609 days); 180 days of
# remisi (SDP total), last 180: expiry after remisi 1 Sep 2024 - 180 = 5 Mar 2024. 2/3 of
# (609 - 180) = 286 days -> 14 Oct 2023 (at least 9 months: 1 Oct 2023). CMB would start
# 5 Mar 2024 - 180 = 7 Sep 2023, before the 2/3 date: it starts on 14 Oct 2023.
def test_cmb_never_starts_before_the_two_thirds_date() -> None:
    result = calculate(
        subject(date(2023, 1, 1), Term.fixed(1, 8), remission_days=180, last_remission_days=180),
        AS_OF,
    )
    assert result.expiry_after_remission == date(2024, 3, 5)
    assert result.rights["cmb"].eligible_from == date(2023, 10, 14)


# The last remisi is capped at 6 months: 240 days -> 180.
def test_cmb_length_is_at_most_six_months() -> None:
    result = calculate(
        subject(date(2020, 1, 1), Term.fixed(10), remission_days=400, last_remission_days=240),
        AS_OF,
    )
    assert result.rights["cmb"].leave_length_days == 180


# --- Special crimes ---------------------------------------------------------------------


# Terrorism 6 years from 1 Jan 2020 (2018 set by date, 30-day fractions): 2160 days; 2/3 =
# 1440 -> 1 Jan 2020 + 1440 = 11 Dec 2023 (1461 days to 1 Jan 2024, minus 21). Asimilasi
# (special) at 2/3. Expiry 1 Jan 2026: 11 Dec 2023 -> 1 Jan 2026 = 21 + 366 + 365 = 752
# days; PB needs asimilasi for 1/2 of it: 376 days -> 11 Dec 2023 + 376 = 21 Dec 2024.
def test_terrorism_pb_needs_asimilasi_for_half_of_the_remaining_sentence() -> None:
    result = calculate(subject(date(2020, 1, 1), Term.fixed(6), CrimeCategory.TERRORISM), AS_OF)
    assert result.rights["asimilasi"].eligible_from == date(2023, 12, 11)
    pb = result.rights["pb"]
    assert pb.eligible_from == date(2024, 12, 21)
    assert "right.pb.article_86" not in [item.code for item in pb.explanation]
    assert any("Pasal 84" in item.basis for item in pb.explanation)


def test_other_special_crimes_say_that_pasal_86_was_not_available() -> None:
    result = calculate(subject(date(2020, 1, 1), Term.fixed(6), CrimeCategory.CORRUPTION), AS_OF)
    codes = [item.code for item in result.rights["pb"].explanation]
    assert "right.pb.article_86" in codes


# Remisi for special crimes needs their conditions: corruption with the fine unpaid gets
# none, and the reason names the fine; paid, it is granted.
def test_special_crime_remisi_is_blocked_by_an_unpaid_fine() -> None:
    unpaid = subject(date(2020, 1, 1), Term.fixed(6), CrimeCategory.CORRUPTION, fine_paid=False)
    due = next_remissions(unpaid, date(2024, 7, 1)).umum
    assert due.blocked is True
    assert not due.granted
    assert due.reason is not None and "fine" in str(due.reason)
    paid = subject(
        date(2020, 1, 1),
        Term.fixed(6),
        CrimeCategory.CORRUPTION,
        fine_paid=True,
        restitution_paid=True,
    )
    assert next_remissions(paid, date(2024, 7, 1)).umum.granted


# Justice-collaborator status was required for special-crime remisi until the Supreme
# Court annulled it on 28 Oct 2021: a remisi khusus on 27 Oct 2021 is blocked without it,
# one on 28 Oct 2021 is not (the set in force on the remisi day decides).
@pytest.mark.parametrize(
    ("day", "blocked"), [(date(2021, 10, 27), True), (date(2021, 10, 28), False)]
)
def test_justice_collaborator_requirement_ends_on_28_october_2021(day: date, blocked: bool) -> None:
    sentence = subject(
        date(2016, 1, 1),
        Term.fixed(12),
        CrimeCategory.CORRUPTION,
        fine_paid=True,
        restitution_paid=True,
        justice_collaborator=False,
    )
    due = next_remissions(
        sentence, date(2021, 10, 1), holiday=ReligiousHoliday.IDUL_FITRI, holiday_date=day
    ).khusus
    assert due.blocked is blocked


# PP 28/2006: a special crime gets remisi only after 1/3 of the term. 9 years (3240
# days, 30-day) from 1 Jan 2010, verdict 2011: 1/3 = 1080 days -> 15 Dec 2012.
# 17 Aug 2012 (959 days) none; 17 Aug 2013 (1324 days) granted.
def test_pp_28_2006_special_crime_remisi_only_after_one_third() -> None:
    sentence = subject(
        date(2010, 1, 1),
        Term.fixed(9),
        CrimeCategory.CORRUPTION,
        verdict_date=date(2011, 3, 1),
        remission_days=90,
    )
    early = next_remissions(sentence, date(2012, 7, 1)).umum
    later = next_remissions(sentence, date(2013, 7, 1)).umum
    assert early.reason is not None and early.reason.code == "remisi.one_third"
    assert later.granted


# --- Remisi -----------------------------------------------------------------------------


# Year 1 needs 12 months (360 days, 30-day months) for the larger amount: detention
# 22 Aug 2017 -> 17 Aug 2018 = 365 - 5 = 360 days: 2 months; 23 Aug 2017: 359 days: 1 month.
@pytest.mark.parametrize(("start", "days"), [(date(2017, 8, 22), 60), (date(2017, 8, 23), 30)])
def test_twelve_months_for_the_first_year_are_360_days(start: date, days: int) -> None:
    due = next_remissions(subject(start, Term.fixed(5)), date(2018, 7, 1)).umum
    assert due.total_days == days


# Remisi dasawarsa on 17 Aug 2025: 1/12 of the term (30-day days), at most 3 months.
# 2 years = 720 -> 60 days; 4 years = 1440 -> 120, capped at 90. None on 17 Aug 2024.
@pytest.mark.parametrize(("years", "extra"), [(2, 60), (4, 90)])
def test_remisi_dasawarsa_2025(years: int, extra: int) -> None:
    sentence = subject(date(2024, 1, 1), Term.fixed(years))
    assert next_remissions(sentence, date(2025, 7, 1)).umum.dasawarsa_days == extra
    assert next_remissions(sentence, date(2024, 7, 1)).umum.dasawarsa_days == 0


# Humanitarian remisi (16/2023): over 70 on the remisi day. Born 16 Aug 1954: 70 on
# 16 Aug 2024, over 70 on 17 Aug 2024. Born 17 Aug 1954: exactly 70, not over.
@pytest.mark.parametrize(("born", "over"), [(date(1954, 8, 16), True), (date(1954, 8, 17), False)])
def test_humanitarian_remisi_over_seventy(born: date, over: bool) -> None:
    sentence = subject(date(2022, 1, 1), Term.fixed(5), birth_date=born)
    due = next_remissions(sentence, date(2024, 7, 1)).umum
    assert ("over 70 years old" in due.humanitarian_grounds) is over


def test_humanitarian_remisi_for_a_sentence_of_at_most_one_year() -> None:
    due = next_remissions(subject(date(2024, 1, 1), Term.fixed(1)), date(2024, 7, 1)).umum
    assert due.humanitarian_grounds == ["sentence of at most 1 year"]
    none_before = next_remissions(subject(date(2022, 1, 1), Term.fixed(1)), date(2022, 7, 1))
    assert none_before.umum.humanitarian_grounds == []  # 16/2023 not yet in force


# Remisi tambahan for justice collaborators (Pasal 35A of 7/2022): 1/2 of the umum.
# Year 1 with 12 months served: 60 days -> 30 days.
def test_remisi_tambahan_for_a_justice_collaborator() -> None:
    due = next_remissions(
        subject(date(2023, 1, 1), Term.fixed(5)),
        date(2024, 7, 1),
        tambahan=RemissionExtra.JUSTICE_COLLABORATOR,
    ).umum
    assert (due.total_days, due.tambahan_days) == (60, 30)


# --- Children ---------------------------------------------------------------------------


# A child sentenced to 2 years from 1 Jan 2023 (2022 set, calendar): asimilasi after 3
# months (1 Apr 2023); PB and CMB at 1/2: 731 / 2 = 365.5 -> 366 days -> 2 Jan 2024.
# CB: 2 years is more than 1 year 6 months.
def test_children_get_asimilasi_after_three_months_and_pb_at_half() -> None:
    result = calculate(subject(date(2023, 1, 1), Term.fixed(2), sentenced_as_child=True), AS_OF)
    assert result.rights["asimilasi"].eligible_from == date(2023, 4, 1)
    assert result.rights["pb"].eligible_from == date(2024, 1, 2)
    assert result.rights["cb"].status is RightStatus.NOT_APPLICABLE


# The behaviour window of children is 3 months: Register F ending 31 Mar 2023 moves
# asimilasi to 30 Jun 2023 (31 Mar + 3 months, clamped to 30 June).
def test_children_have_a_three_month_behaviour_window() -> None:
    record = DisciplinaryPeriod(date(2023, 3, 1), date(2023, 3, 31))
    result = calculate(
        subject(
            date(2023, 1, 1), Term.fixed(2), sentenced_as_child=True, disciplinary_records=[record]
        ),
        AS_OF,
    )
    assert result.rights["asimilasi"].eligible_from == date(2023, 6, 30)


@pytest.mark.parametrize(("age", "child"), [(17, True), (18, False)])
def test_under_eighteen_at_the_offence_is_a_child(age: int, child: bool) -> None:
    result = calculate(subject(date(2023, 1, 1), Term.fixed(2), age_at_offence=age), AS_OF)
    assert (result.rights["asimilasi"].eligible_from == date(2023, 4, 1)) is child


# Pengurangan masa pidana after more than 3 months (90 days): detention 18 May 2023 ->
# 17 Aug 2023 = 13 + 30 + 31 + 17 = 91 days: granted; 19 May 2023: 90 days: none.
@pytest.mark.parametrize(
    ("start", "granted"), [(date(2023, 5, 18), True), (date(2023, 5, 19), False)]
)
def test_children_get_pengurangan_masa_pidana_after_three_months(
    start: date, granted: bool
) -> None:
    due = next_remissions(
        subject(start, Term.fixed(2), sentenced_as_child=True), date(2023, 7, 1)
    ).umum
    assert due.granted is granted


# --- Detention facts --------------------------------------------------------------------


# Rutan 1-31 Jan 2022 (31 days, in full), released, detained again from 1 Jun 2022 for 1
# year: the term runs from 1 Jun 2022 - 31 = 1 May 2022, expiry 1 May 2023. Detention
# was interrupted, so remisi counts from 1 Jun 2022: on 17 Aug 2022 only 77 days.
def test_an_earlier_rutan_detention_is_credited_in_full() -> None:
    sentence = subject(
        date(2022, 6, 1),
        Term.fixed(1),
        earlier_detention=[DetentionPeriod(date(2022, 1, 1), date(2022, 1, 31))],
    )
    result = calculate(sentence, AS_OF)
    assert result.term_start == date(2022, 5, 1)
    assert result.expiry_date == date(2023, 5, 1)
    assert "calc.interrupted" in [item.code for item in result.explanation]


# House detention 1-30 Jan 2022 (30 days, 1/3 = 10) right before the rutan from 31 Jan
# 2022: the term runs from 21 Jan 2022; 1 year -> 21 Jan 2023. Not interrupted.
# City detention 1-31 Jan 2022 (31 days, 1/5 = 6.2 -> 6, rounded down) before 1 Feb:
# from 26 Jan 2022.
@pytest.mark.parametrize(
    ("kind", "end", "current", "start"),
    [
        (DetentionKind.HOUSE, date(2022, 1, 30), date(2022, 1, 31), date(2022, 1, 21)),
        (DetentionKind.CITY, date(2022, 1, 31), date(2022, 2, 1), date(2022, 1, 26)),
    ],
)
def test_house_and_city_detention_count_one_third_and_one_fifth(
    kind: DetentionKind, end: date, current: date, start: date
) -> None:
    sentence = subject(
        current,
        Term.fixed(1),
        earlier_detention=[DetentionPeriod(date(2022, 1, 1), end, kind)],
    )
    result = calculate(sentence, AS_OF)
    assert result.term_start == start
    assert "calc.interrupted" not in [item.code for item in result.explanation]


def test_detention_periods_must_end_before_the_current_detention_and_not_overlap() -> None:
    with pytest.raises(SentenceInputError) as error:
        subject(
            date(2022, 6, 1),
            Term.fixed(1),
            earlier_detention=[DetentionPeriod(date(2022, 5, 1), date(2022, 6, 1))],
        )
    assert error.value.field == "earlier_detention[0].end_date"
    with pytest.raises(SentenceInputError) as overlap:
        subject(
            date(2022, 6, 1),
            Term.fixed(1),
            earlier_detention=[
                DetentionPeriod(date(2022, 1, 1), date(2022, 1, 31)),
                DetentionPeriod(date(2022, 1, 31), date(2022, 2, 10)),
            ],
        )
    assert overlap.value.field == "earlier_detention[1].start_date"


# Life commuted to 20 years on 1 Jan 2020 (detained since 2010): counted from the
# commutation, expiry 1 Jan 2040.
def test_a_commuted_life_sentence_counts_from_the_commutation() -> None:
    sentence = subject(date(2010, 3, 1), Term.fixed(20), commuted_on=date(2020, 1, 1))
    result = calculate(sentence, AS_OF)
    assert result.term_start == date(2020, 1, 1)
    assert result.expiry_date == date(2040, 1, 1)
    with pytest.raises(SentenceInputError) as error:
        subject(date(2010, 3, 1), Term.life(), commuted_on=date(2020, 1, 1))
    assert error.value.field == "commuted_on"


# 2 years from 1 Jan 2023, fine unpaid with 300 days of substitute term: the prison term
# ends 1 Jan 2025, the stay on 1 Jan 2025 + 300 = 28 Oct 2025. No remisi on 17 Aug 2025
# (serving the substitute term); as of 1 Feb 2025 no PB (serving it).
def test_an_unpaid_fine_lengthens_the_stay_with_its_substitute_term() -> None:
    sentence = subject(date(2023, 1, 1), Term.fixed(2), fine_paid=False, fine_substitute_days=300)
    result = calculate(sentence, date(2025, 2, 1))
    assert result.expiry_after_remission == date(2025, 1, 1)
    assert result.release_date == date(2025, 10, 28)
    assert result.rights["pb"].status is RightStatus.NOT_APPLICABLE
    assert result.rights["pb"].reason is not None
    assert result.rights["pb"].reason.code == "right.substitute_term"
    due = next_remissions(sentence, date(2025, 7, 1)).umum
    assert not due.granted
    assert due.reason is not None and due.reason.code == "remisi.excluded"


# --- PB probation -----------------------------------------------------------------------


# PB probation = the remaining sentence + 1 year, i.e. the release day + 1 year: 2 years
# from 9 May 2017 without remisi (2022 set) -> PB 8 Sep 2018, probation to 9 May 2020.
def test_pb_probation_ends_one_year_after_the_release_day() -> None:
    result = calculate(
        subject(date(2017, 5, 9), Term.fixed(2)), AS_OF, PERMENKUMHAM_3_2018_AMENDED_7_2022
    )
    assert result.rights["pb"].eligible_from == date(2018, 9, 8)
    assert result.pb_probation_end == date(2020, 5, 9)
    assert result.rights["pb"].ends_on == date(2020, 5, 9)


def test_kuhp_2023_cites_pasal_72_for_pb() -> None:
    result = calculate(subject(date(2026, 2, 1), Term.fixed(3)), AS_OF)
    assert result.rule_set == KUHP_2023.name
    assert any("Pasal 72" in item.basis for item in result.rights["pb"].explanation)


def test_every_right_line_with_a_rule_names_its_article() -> None:
    result = calculate(subject(date(2023, 1, 1), Term.fixed(3)), AS_OF)
    for name, right in result.rights.items():
        time_lines = [i for i in right.explanation if i.code == "right.time_condition"]
        assert time_lines and all(i.basis for i in time_lines), name


# A commuted term's lengths are measured from the commutation (walkthrough finding: the
# CMK line said "term's end 28 Oct 2045", detention start + 20 years): life from 28 Oct
# 2025 commuted to 20 years on 1 Jun 2026 -> the term ends 1 Jun 2046 on every line.
def test_a_commuted_term_is_compared_from_the_commutation() -> None:
    sentence = subject(date(2025, 10, 28), Term.fixed(20), commuted_on=date(2026, 6, 1))
    result = calculate(sentence, AS_OF)
    assert result.expiry_date == date(2046, 6, 1)
    cmk = next(i for i in result.rights["cmk"].explanation if i.code == "right.cmk.sentence_ok")
    assert cmk.values["expiry"] == date(2046, 6, 1)


# Under 30-day months the length tests are written in days, not as a misleading "end"
# date: 2 years = 720 days is more than 1 year 6 months = 540 days.
def test_thirty_day_length_tests_are_written_in_days() -> None:
    result = calculate(subject(date(2018, 5, 8), Term.fixed(2)), AS_OF)
    reason = result.rights["cb"].reason
    assert reason is not None and reason.code == "right.cb.sentence_too_long.days"
    assert (reason.values["term_days"], reason.values["limit_days"]) == (720, 540)


# Remisi granted after a fraction date is listed as not moving it (walkthrough finding).
def test_remisi_granted_after_the_two_thirds_date_is_said_not_to_move_it() -> None:
    grants = [RemissionGrant(date(2024, 8, 17), 60)]
    result = calculate(subject(date(2023, 1, 1), Term.fixed(2), remissions=grants), AS_OF)
    later = [i for i in result.explanation if i.code == "calc.two_thirds.later"]
    assert later and later[0].values["days"] == 60


# Article numbers are Permenkumham 3/2018's: an older set cites its instrument without a
# number, never "Pasal 82 PP 99/2012".
def test_older_rule_sets_do_not_cite_permenkumham_article_numbers() -> None:
    result = calculate(subject(date(2015, 1, 1), Term.fixed(4)), AS_OF)
    assert result.rule_set == PP_99_2012.name
    bases = {i.basis for right in result.rights.values() for i in right.explanation if i.basis}
    assert "PP 99/2012" in bases
    assert not any(b.startswith("Pasal") and b.endswith("PP 99/2012") for b in bases)
