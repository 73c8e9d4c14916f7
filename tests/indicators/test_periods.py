"""Reporting periods: parsing, errors, neighbours and labels."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Q
from django.utils import translation
from django.utils.translation import override

from sinergi.indicators.periods import (
    CUSTOM,
    MAX_CUSTOM_DAYS,
    MONTH,
    QUARTER,
    YEAR,
    Period,
    PeriodError,
    month_of,
    parse_period,
    period_from_parts,
    quarter_of,
    year_period,
)

D = datetime.date


@pytest.fixture(autouse=True)
def english():
    """The messages are checked in English; the Indonesian ones come from the catalogue."""
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("2025-08", MONTH, D(2025, 8, 1), D(2025, 8, 31)),
        ("2024-02", MONTH, D(2024, 2, 1), D(2024, 2, 29)),  # leap year
        ("2025-02", MONTH, D(2025, 2, 1), D(2025, 2, 28)),
        ("2025-Q1", QUARTER, D(2025, 1, 1), D(2025, 3, 31)),
        ("2025-Q3", QUARTER, D(2025, 7, 1), D(2025, 9, 30)),
        ("2025-q4", QUARTER, D(2025, 10, 1), D(2025, 12, 31)),
        ("2025", YEAR, D(2025, 1, 1), D(2025, 12, 31)),
        ("2025-08-01..2025-09-15", CUSTOM, D(2025, 8, 1), D(2025, 9, 15)),
        ("2025-08-10..2025-08-10", CUSTOM, D(2025, 8, 10), D(2025, 8, 10)),
        ("  2025-08 ", MONTH, D(2025, 8, 1), D(2025, 8, 31)),
    ],
)
def test_parse_period_reads_months_quarters_years_and_custom_ranges(text, kind, start, end):
    assert parse_period(text) == Period(kind, start, end)


@pytest.mark.parametrize(
    "text", ["2025-08", "2025-Q3", "2025", "2025-08-01..2025-09-15", "2024-02"]
)
def test_a_period_code_parses_back_to_the_same_period(text):
    period = parse_period(text)
    assert period.code == text
    assert parse_period(period.code) == period
    assert str(period) == period.code


def test_custom_period_days_include_both_ends():
    assert parse_period("2025-08-01..2025-09-15").days == 46  # 31 in August + 15
    assert parse_period("2025-08-10..2025-08-10").days == 1
    assert parse_period("2024").days == 366


@pytest.mark.parametrize(
    "text",
    ["", "   ", "August 2025", "2025-8", "25-08", "2025-Q5", "2025-Q0", "2025/08", "2025-08-01"],
)
def test_parse_period_rejects_text_that_is_not_a_period(text):
    with pytest.raises(PeriodError, match="is not a period"):
        parse_period(text)


def test_parse_period_rejects_none_as_not_a_period():
    with pytest.raises(PeriodError):
        parse_period(None)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["2025-13", "2025-00", "2025-02-30..2025-03-01", "0000"])
def test_parse_period_rejects_days_that_do_not_exist(text):
    with pytest.raises(PeriodError, match="does not exist"):
        parse_period(text)


def test_a_period_error_is_a_value_error():
    assert issubclass(PeriodError, ValueError)


def test_a_custom_period_may_not_end_before_it_starts():
    with pytest.raises(PeriodError, match="ends before it starts"):
        parse_period("2025-09-01..2025-08-31")


def test_a_custom_period_may_cover_at_most_three_years():
    start = D(2022, 1, 1)
    longest = start + datetime.timedelta(days=MAX_CUSTOM_DAYS - 1)
    assert parse_period(f"{start}..{longest}").days == MAX_CUSTOM_DAYS == 3 * 366
    too_long = longest + datetime.timedelta(days=1)
    with pytest.raises(PeriodError, match="at most three years"):
        parse_period(f"{start}..{too_long}")


def test_previous_and_next_month_cross_the_year():
    january = parse_period("2025-01")
    assert january.previous() == parse_period("2024-12")
    assert parse_period("2024-12").next() == january
    assert parse_period("2024-02").next() == parse_period("2024-03")
    assert parse_period("2024-03").previous().end == D(2024, 2, 29)


def test_previous_and_next_quarter_and_year():
    assert parse_period("2025-Q1").previous() == parse_period("2024-Q4")
    assert parse_period("2024-Q4").next() == parse_period("2025-Q1")
    assert parse_period("2025-Q2").next() == parse_period("2025-Q3")
    assert parse_period("2025").previous() == parse_period("2024")
    assert parse_period("2025").next() == parse_period("2026")


def test_previous_and_next_custom_period_have_the_same_length_and_touch_it():
    ten_days = parse_period("2025-08-01..2025-08-10")
    assert ten_days.previous() == Period(CUSTOM, D(2025, 7, 22), D(2025, 7, 31))
    assert ten_days.next() == Period(CUSTOM, D(2025, 8, 11), D(2025, 8, 20))
    assert ten_days.next().previous() == ten_days


def test_months_back_gives_the_first_day_of_an_earlier_month():
    q1 = parse_period("2025-Q1")
    assert q1.months_back(0) == D(2025, 1, 1)
    assert q1.months_back(2) == D(2024, 11, 1)
    assert q1.months_back(13) == D(2023, 12, 1)


def test_month_quarter_and_year_of_a_day():
    assert month_of(D(2025, 8, 17)) == Period(MONTH, D(2025, 8, 1), D(2025, 8, 31))
    assert quarter_of(D(2025, 11, 30)) == Period(QUARTER, D(2025, 10, 1), D(2025, 12, 31))
    assert year_period(2024) == Period(YEAR, D(2024, 1, 1), D(2024, 12, 31))


def test_labels_in_english():
    with override("en"):
        assert parse_period("2025-08").label == "August 2025"
        assert parse_period("2025-Q3").label == "Quarter 3 2025"
        assert parse_period("2025").label == "2025"
        custom = parse_period("2025-08-01..2025-09-15").label
    assert custom.startswith("01/08/2025")
    assert custom.endswith("15/09/2025")


def test_month_label_in_indonesian():
    with override("id"):
        assert parse_period("2025-08").label == "Agustus 2025"
        custom = parse_period("2025-08-01..2025-09-15").label
    assert "01-08-2025" in custom
    assert "15-09-2025" in custom


def test_period_from_parts_reads_the_dashboard_selector():
    assert period_from_parts("month", "2025-08") == parse_period("2025-08")
    assert period_from_parts("quarter", "2025-Q3") == parse_period("2025-Q3")
    assert period_from_parts(CUSTOM, "ignored", "2025-08-01", "2025-08-31") == Period(
        CUSTOM, D(2025, 8, 1), D(2025, 8, 31)
    )
    with pytest.raises(PeriodError):
        period_from_parts(CUSTOM, "", "2025-08-01", "")


@pytest.mark.django_db
def test_within_a_datetime_field_keeps_the_local_days_of_the_period():
    """A datetime is compared as a range of instants in WIB (Asia/Jakarta, UTC+7)."""
    from zoneinfo import ZoneInfo

    from django.contrib.auth import get_user_model

    wib = ZoneInfo("Asia/Jakarta")
    instants = {
        "before": datetime.datetime(2025, 7, 31, 23, 59, 59, tzinfo=wib),
        "first": datetime.datetime(2025, 8, 1, 0, 0, tzinfo=wib),
        "utc_evening_of_july_31": datetime.datetime(2025, 7, 31, 18, 0, tzinfo=datetime.UTC),
        "last": datetime.datetime(2025, 8, 31, 23, 59, 59, tzinfo=wib),
        "after": datetime.datetime(2025, 9, 1, 0, 0, tzinfo=wib),
    }
    User = get_user_model()
    for name, instant in instants.items():
        User.objects.create(username=name, date_joined=instant)
    august = parse_period("2025-08")

    found = set(
        User.objects.filter(august.within("date_joined", instants=True)).values_list(
            "username", flat=True
        )
    )
    by_date = set(
        User.objects.filter(
            date_joined__date__gte=august.start, date_joined__date__lte=august.end
        ).values_list("username", flat=True)
    )

    assert found == {"first", "utc_evening_of_july_31", "last"}
    assert found == by_date


def test_within_a_date_field_includes_both_days():
    q = parse_period("2025-08").within("admission_date")
    assert q == Q(admission_date__gte=D(2025, 8, 1), admission_date__lte=D(2025, 8, 31))
