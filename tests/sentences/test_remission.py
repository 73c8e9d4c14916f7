"""Remisi: the Keppres 174/1999 tables, the 6-month rule, year counting, Register F."""

from __future__ import annotations

from datetime import date

import pytest

from sinergi.sentences import (
    CrimeCategory,
    DisciplinaryPeriod,
    ReligiousHoliday,
    RemissionExtra,
    RemissionGrant,
    SentenceInput,
    SentenceInputError,
    Term,
    next_remissions,
    remission_months_to_days,
)

from .helpers import sentence


def test_one_remisi_month_counts_as_thirty_days() -> None:
    assert remission_months_to_days(1) == 30
    assert remission_months_to_days(2, 15) == 75
    assert remission_months_to_days(0, 15) == 15


def test_negative_remisi_months_are_rejected() -> None:
    with pytest.raises(SentenceInputError) as error:
        remission_months_to_days(-1)
    assert error.value.field == "months"


# Detention 1 Jan 2018; 17 Aug 2018 is after 1 Jul 2018 (6 months) but before 1 Jan 2019
# (12 months): year 1, 6-12 months served -> 1 month = 30 days.
def test_first_remisi_umum_after_six_to_twelve_months_is_one_month() -> None:
    due = next_remissions(sentence(date(2018, 1, 1), Term.fixed(2)), date(2018, 7, 1)).umum
    assert due.due_date == date(2018, 8, 17)
    assert due.year_number == 1
    assert (due.months, due.days, due.total_days) == (1, 0, 30)
    assert due.reason is None
    assert due.granted


# Detention 9 May 2017; 17 Aug 2017 is before 9 Nov 2017 (6 months): no earlier occasion.
# 17 Aug 2018 is after 9 May 2018 (12 months): year 1, at least 12 months -> 2 months.
def test_first_remisi_umum_after_twelve_months_served_is_two_months() -> None:
    due = next_remissions(sentence(date(2017, 5, 9), Term.fixed(2)), date(2018, 1, 1)).umum
    assert due.year_number == 1
    assert due.total_days == 60


# Detention 1 Mar 2018: 6 months later is 1 Sep 2018, so on 17 Aug 2018 not more than 6
# months have been served.
def test_no_remisi_umum_before_more_than_six_months_are_served() -> None:
    due = next_remissions(sentence(date(2018, 3, 1), Term.fixed(2)), date(2018, 7, 1)).umum
    assert due.total_days == 0
    assert not due.granted
    assert due.reason is not None
    assert due.reason.code == "remisi.too_early"


# Six months are counted as 30-day months: 180 days (Keppres 174/1999 Pasal 7(4)).
# Detention 18 Feb 2018 -> 17 Aug 2018 = 10 (to 28 Feb) + 31 + 30 + 31 + 30 + 31 + 17 =
# 180 days: exactly 6 months is not "more than". Detention 17 Feb 2018: 181 days, it
# qualifies (calendar months would have needed 16 Feb).
def test_exactly_six_months_served_is_not_enough_for_remisi() -> None:
    exact = next_remissions(sentence(date(2018, 2, 18), Term.fixed(2)), date(2018, 7, 1)).umum
    one_more = next_remissions(sentence(date(2018, 2, 17), Term.fixed(2)), date(2018, 7, 1)).umum
    assert exact.total_days == 0
    assert one_more.total_days == 30


# Detention 1 Jan 2015, 10 years; as of 1 Jan 2020 the next 17 August is 17 Aug 2020.
# Only the SDP total (600 days) is known, so the year is derived from the calendar:
# earlier 17 Augusts with more than 180 days served: 2015 (228 days), 2016 ... 2019 = 5
# -> year 6 -> 6 months = 180 days, and the sheet says it is assumed.
def test_year_six_remisi_umum_is_six_months_when_derived_from_earlier_17_augusts() -> None:
    due = next_remissions(
        sentence(date(2015, 1, 1), Term.fixed(10), remission_days=600), date(2020, 1, 1)
    ).umum
    assert due.due_date == date(2020, 8, 17)
    assert due.year_number == 6
    assert due.total_days == 180
    assert "remisi.year.derived" in [item.code for item in due.explanation]


# The year counts the remisi actually recorded: the same person with remisi umum recorded
# only in 2017 and 2019 is in year 3 on 17 Aug 2020 -> 4 months = 120 days.
def test_the_remisi_year_counts_the_remisi_actually_recorded() -> None:
    grants = [RemissionGrant(date(2017, 8, 17), 60), RemissionGrant(date(2019, 8, 17), 90)]
    due = next_remissions(
        SentenceInput(date(2015, 1, 1), Term.fixed(10), CrimeCategory.GENERAL, remissions=grants),
        date(2020, 1, 1),
    ).umum
    assert due.year_number == 3
    assert due.total_days == 120
    assert "remisi.year.recorded" in [item.code for item in due.explanation]


# The same with a Register F from 1 to 31 Aug 2016: 17 Aug 2016 falls in it, so 4 earlier
# occasions qualify -> year 5 -> 5 months = 150 days.
def test_a_missed_17_august_under_register_f_is_not_counted_as_a_remisi_year() -> None:
    record = DisciplinaryPeriod(date(2016, 8, 1), date(2016, 8, 31))
    due = next_remissions(
        sentence(date(2015, 1, 1), Term.fixed(10), records=[record], remission_days=500),
        date(2020, 1, 1),
    ).umum
    assert due.year_number == 5
    assert due.total_days == 150


# No remisi with a Register F punishment in the 6 months before the remisi day, even if
# it ended before the day: 17 Aug 2020 - 6 months = 17 Feb 2020. A punishment ending on
# 17 Feb 2020 touches the window (none); one ending on 16 Feb 2020 does not (remisi).
@pytest.mark.parametrize(
    ("end", "granted"), [(date(2020, 2, 17), False), (date(2020, 2, 16), True)]
)
def test_register_f_in_the_six_months_before_the_remisi_day_excludes_it(
    end: date, granted: bool
) -> None:
    record = DisciplinaryPeriod(date(2020, 1, 10), end)
    due = next_remissions(
        sentence(date(2015, 1, 1), Term.fixed(10), records=[record]), date(2020, 1, 1)
    ).umum
    assert due.granted is granted
    if not granted:
        assert due.reason is not None
        assert due.reason.code == "remisi.register_f"


# previous_remission_years = 1 -> year 2 -> 3 months = 90 days; tambahan for service to
# the state 1/2 x 90 = 45 days, as pemuka 1/3 x 90 = 30 days.
def test_given_previous_years_and_remisi_tambahan() -> None:
    subject = sentence(date(2015, 1, 1), Term.fixed(10))
    state = next_remissions(
        subject, date(2020, 1, 1), previous_remission_years=1, tambahan=RemissionExtra.STATE_SERVICE
    ).umum
    pemuka = next_remissions(
        subject, date(2020, 1, 1), previous_remission_years=1, tambahan=RemissionExtra.PEMUKA
    ).umum
    assert state.year_number == 2
    assert state.total_days == 90
    assert state.tambahan_days == 45
    assert pemuka.tambahan_days == 30


@pytest.mark.parametrize(
    ("previous", "expected_days"),
    [(1, 90), (2, 120), (3, 150), (4, 150), (5, 180), (9, 180)],
)
def test_remisi_umum_table_by_year(previous: int, expected_days: int) -> None:
    due = next_remissions(
        sentence(date(2010, 1, 1), Term.fixed(20)),
        date(2020, 1, 1),
        previous_remission_years=previous,
    ).umum
    assert due.total_days == expected_days


# Khusus: year 2-3 one month (30), years 4-5 one month 15 days (45), year 6 on 2 months
# (60, uncertain parameter).
@pytest.mark.parametrize(
    ("previous", "expected_days"),
    [(1, 30), (2, 30), (3, 45), (4, 45), (5, 60), (9, 60)],
)
def test_remisi_khusus_table_by_year(previous: int, expected_days: int) -> None:
    due = next_remissions(
        sentence(date(2010, 1, 1), Term.fixed(20)),
        date(2020, 1, 1),
        holiday=ReligiousHoliday.NATAL,
        previous_remission_years=previous,
    ).khusus
    assert due.total_days == expected_days


# Detention 1 Jan 2018, Idul Fitri given as 15 Jun 2018: after 1 Jul 2018? No -> too
# early. Natal 25 Dec 2018: after 1 Jul 2018 and before 1 Jan 2019 -> year 1, 15 days.
def test_first_remisi_khusus_after_six_to_twelve_months_is_fifteen_days() -> None:
    subject = sentence(date(2018, 1, 1), Term.fixed(3))
    early = next_remissions(
        subject,
        date(2018, 6, 1),
        holiday=ReligiousHoliday.IDUL_FITRI,
        holiday_date=date(2018, 6, 15),
    ).khusus
    natal = next_remissions(subject, date(2018, 9, 1), holiday=ReligiousHoliday.NATAL).khusus
    assert early.total_days == 0
    assert natal.due_date == date(2018, 12, 25)
    assert (natal.year_number, natal.months, natal.days, natal.total_days) == (1, 0, 15, 15)


# Detention 1 Jan 2015, SDP total only; Idul Fitri given as 24 May 2020. Earlier same-day
# dates with more than 180 days served: 24 May 2016, 2017, 2018, 2019 = 4 (24 May 2015 is
# day 143) -> year 5 -> 1 month 15 days = 45 days.
def test_remisi_khusus_year_is_derived_from_the_same_calendar_day_in_earlier_years() -> None:
    due = next_remissions(
        sentence(date(2015, 1, 1), Term.fixed(10), remission_days=300),
        date(2020, 1, 1),
        holiday=ReligiousHoliday.IDUL_FITRI,
        holiday_date=date(2020, 5, 24),
    ).khusus
    assert due.due_date == date(2020, 5, 24)
    assert due.year_number == 5
    assert (due.months, due.days, due.total_days) == (1, 15, 45)


def test_remisi_khusus_without_a_holiday_date_says_the_date_is_missing() -> None:
    subject = sentence(date(2015, 1, 1), Term.fixed(10))
    due = next_remissions(subject, date(2020, 1, 1), holiday=ReligiousHoliday.IDUL_FITRI).khusus
    assert due.due_date is None
    assert due.reason is not None
    assert due.reason.code == "remisi.khusus.no_date"
    assert next_remissions(subject, date(2020, 1, 1)).khusus.total_days == 0


def test_no_remisi_with_a_register_f_punishment_active_on_the_day() -> None:
    record = DisciplinaryPeriod(date(2020, 8, 1))
    due = next_remissions(
        sentence(date(2015, 1, 1), Term.fixed(10), records=[record]), date(2020, 1, 1)
    ).umum
    assert due.total_days == 0
    assert due.reason is not None
    assert due.reason.code == "remisi.register_f"


@pytest.mark.parametrize("term", [Term.life(), Term.death()])
def test_no_remisi_for_life_or_death_sentences(term: Term) -> None:
    result = next_remissions(
        sentence(date(2015, 1, 1), term, CrimeCategory.TERRORISM),
        date(2020, 1, 1),
        holiday=ReligiousHoliday.NATAL,
    )
    for due in (result.umum, result.khusus):
        assert due.total_days == 0
        assert due.reason is not None
        assert due.reason.code == "remisi.no_fixed_term"


def test_no_remisi_while_on_cmb_and_unknown_cmb_is_listed_to_verify() -> None:
    subject = sentence(date(2015, 1, 1), Term.fixed(10))
    on_cmb = next_remissions(subject, date(2020, 1, 1), on_cmb=True).umum
    unknown = next_remissions(subject, date(2020, 1, 1)).umum
    assert on_cmb.total_days == 0
    # Serving a substitute term is derived from the sentence (unpaid fine), not asked.
    assert unknown.missing_conditions == ["on_cmb"]
    checked = next_remissions(
        subject, date(2020, 1, 1), on_cmb=False, serving_fine_substitute=False
    ).umum
    assert checked.missing_conditions == []


# 8 months from 1 Jan 2018 expires 1 Sep 2018. On 17 Aug 2018 (more than 6 months
# served) remisi is 30 days, and 1 Sep is only 15 days later: the person goes free on
# the day ("RK II").
def test_a_remisi_larger_than_the_rest_of_the_sentence_frees_the_person_on_the_day() -> None:
    due = next_remissions(sentence(date(2018, 1, 1), Term.fixed(0, 8)), date(2018, 7, 1)).umum
    assert due.total_days == 30
    assert due.frees_on_the_day is True


# 7 months from 1 Jan 2018 expires 1 Aug 2018, before 17 Aug 2018.
def test_no_remisi_after_release() -> None:
    due = next_remissions(sentence(date(2018, 1, 1), Term.fixed(0, 7)), date(2018, 7, 1)).umum
    assert due.reason is not None
    assert due.reason.code == "remisi.released"


def test_next_remissions_to_dict_is_json_ready() -> None:
    import json

    result = next_remissions(
        sentence(date(2015, 1, 1), Term.fixed(10)), date(2020, 1, 1), holiday=ReligiousHoliday.NATAL
    )
    data = result.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["umum"]["date"] == "2020-08-17"
    assert data["khusus"]["date"] == "2020-12-25"


def test_negative_previous_remission_years_is_rejected() -> None:
    with pytest.raises(SentenceInputError) as error:
        next_remissions(
            sentence(date(2015, 1, 1), Term.fixed(10)),
            date(2020, 1, 1),
            previous_remission_years=-1,
        )
    assert error.value.field == "previous_remission_years"
