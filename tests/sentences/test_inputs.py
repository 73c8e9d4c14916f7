"""Invalid input raises SentenceInputError naming the field."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from sinergi.sentences import (
    CrimeCategory,
    DisciplinaryPeriod,
    SentenceInput,
    SentenceInputError,
    Term,
    calculate,
)

from .helpers import calc, sentence


def _field_of(error: pytest.ExceptionInfo[SentenceInputError]) -> str:
    return error.value.field


def test_a_zero_fixed_term_is_rejected() -> None:
    with pytest.raises(SentenceInputError) as error:
        Term.fixed(0, 0, 0)
    assert _field_of(error) == "term"
    assert "longer than zero" in str(error.value)


@pytest.mark.parametrize(
    ("parts", "field"),
    [((-1, 0, 0), "term.years"), ((1, -2, 0), "term.months"), ((1, 0, -3), "term.days")],
)
def test_a_negative_term_part_is_rejected(parts: tuple[int, int, int], field: str) -> None:
    with pytest.raises(SentenceInputError) as error:
        Term.fixed(*parts)
    assert _field_of(error) == field


def test_a_non_integer_term_is_rejected() -> None:
    bad: Any = 1.5
    with pytest.raises(SentenceInputError) as error:
        Term.fixed(bad)
    assert _field_of(error) == "term.years"


def test_sentence_input_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="term"):
        Term.fixed()


def test_negative_remisi_is_rejected() -> None:
    with pytest.raises(SentenceInputError) as error:
        sentence(date(2020, 1, 1), Term.fixed(1), remission_days=-1)
    assert _field_of(error) == "remission_days"


def test_negative_last_remisi_is_rejected() -> None:
    with pytest.raises(SentenceInputError) as error:
        sentence(date(2020, 1, 1), Term.fixed(1), last_remission_days=-5)
    assert _field_of(error) == "last_remission_days"


def test_register_f_ending_before_it_starts_is_rejected() -> None:
    with pytest.raises(SentenceInputError) as error:
        DisciplinaryPeriod(date(2020, 2, 1), date(2020, 1, 31))
    assert _field_of(error) == "end_date"
    assert "before the start" in error.value.message


def test_a_register_f_of_one_day_is_accepted() -> None:
    assert DisciplinaryPeriod(date(2020, 2, 1), date(2020, 2, 1)).is_active_on(date(2020, 2, 1))


def test_detention_start_must_be_a_date_not_a_string_or_datetime() -> None:
    bad: Any = "2020-01-01"
    with pytest.raises(SentenceInputError) as error:
        SentenceInput(bad, Term.fixed(1), CrimeCategory.GENERAL)
    assert _field_of(error) == "detention_start"
    stamp: Any = datetime(2020, 1, 1, 8, 0)
    with pytest.raises(SentenceInputError):
        SentenceInput(stamp, Term.fixed(1), CrimeCategory.GENERAL)


def test_crime_category_accepts_its_string_value_and_rejects_unknown_ones() -> None:
    value: Any = "narcotics"
    assert SentenceInput(date(2020, 1, 1), Term.fixed(1), value).crime_category is (
        CrimeCategory.NARCOTICS
    )
    unknown: Any = "theft"
    with pytest.raises(SentenceInputError) as error:
        SentenceInput(date(2020, 1, 1), Term.fixed(1), unknown)
    assert _field_of(error) == "crime_category"


def test_unknown_flags_must_be_true_false_or_none() -> None:
    bad: Any = "yes"
    with pytest.raises(SentenceInputError) as error:
        sentence(date(2020, 1, 1), Term.fixed(1), fine_paid=bad)
    assert _field_of(error) == "fine_paid"


def test_as_of_must_be_a_date() -> None:
    bad: Any = "2020-01-01"
    with pytest.raises(SentenceInputError) as error:
        calculate(sentence(date(2020, 1, 1), Term.fixed(1)), bad)
    assert _field_of(error) == "as_of"


def test_a_term_beyond_the_calendar_is_rejected() -> None:
    with pytest.raises(SentenceInputError) as error:
        calc(date(2020, 1, 1), Term.fixed(9000))
    assert _field_of(error) == "term"


def test_records_are_copied_so_later_changes_do_not_leak_in() -> None:
    records = [DisciplinaryPeriod(date(2018, 1, 1), date(2018, 1, 31))]
    subject = sentence(date(2017, 5, 9), Term.fixed(2), records=records)
    records.clear()
    assert len(subject.disciplinary_records) == 1


# Remisi larger than the sentence: 1 year from 1 Jan 2021 is 365 days; 400 days of remisi
# would end before detention start, so the expiry after remisi is clamped to 1 Jan 2021.
def test_remisi_larger_than_the_sentence_is_clamped_to_the_detention_start() -> None:
    result = calc(date(2021, 1, 1), Term.fixed(1), remission_days=400)
    assert result.expiry_after_remission == date(2021, 1, 1)
    assert result.total_days == 0
    assert "calc.expiry_after_remission.clamped" in [item.code for item in result.explanation]
    assert result.two_thirds_date == date(2021, 1, 1)
