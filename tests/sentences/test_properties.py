"""Property tests: orderings and monotonicity that must hold for every sentence."""

from __future__ import annotations

import json
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from sinergi.sentences import (
    Calculation,
    CrimeCategory,
    DisciplinaryPeriod,
    RightStatus,
    SentenceInput,
    Term,
    calculate,
    next_remissions,
)

# No example database: keep the working tree clean and the runs reproducible.
PROPERTY = settings(database=None, max_examples=300, deadline=None)

starts = st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31))
terms = (
    st.tuples(
        st.integers(min_value=0, max_value=25),
        st.integers(min_value=0, max_value=23),
        st.integers(min_value=0, max_value=60),
    )
    .filter(any)
    .map(lambda parts: Term.fixed(*parts))
)
categories = st.sampled_from(list(CrimeCategory))
special_categories = st.sampled_from([c for c in CrimeCategory if c is not CrimeCategory.GENERAL])
remissions = st.integers(min_value=0, max_value=3000)


@st.composite
def records(draw: st.DrawFn, start: date) -> DisciplinaryPeriod:
    begin = start + timedelta(days=draw(st.integers(min_value=-100, max_value=9000)))
    length = draw(st.integers(min_value=0, max_value=400))
    return DisciplinaryPeriod(begin, begin + timedelta(days=length))


@st.composite
def sentences(draw: st.DrawFn) -> SentenceInput:
    start = draw(starts)
    return SentenceInput(
        detention_start=start,
        term=draw(terms),
        crime_category=draw(categories),
        remission_days=draw(remissions),
        disciplinary_records=draw(st.lists(records(start), max_size=3)),
    )


def _as_of(subject: SentenceInput) -> date:
    return subject.detention_start


def _eligible_dates(result: Calculation) -> dict[str, date]:
    return {
        name: right.eligible_from
        for name, right in result.rights.items()
        if right.status is RightStatus.ELIGIBLE and right.eligible_from is not None
    }


@PROPERTY
@given(sentences())
def test_key_dates_are_in_order(subject: SentenceInput) -> None:
    result = calculate(subject, _as_of(subject))
    assert result.one_third_date is not None
    assert result.half_date is not None
    assert result.two_thirds_date is not None
    assert result.expiry_after_remission is not None
    assert result.expiry_date is not None
    assert subject.detention_start <= result.one_third_date
    assert result.one_third_date <= result.half_date <= result.two_thirds_date
    assert result.two_thirds_date <= result.expiry_after_remission <= result.expiry_date


@PROPERTY
@given(sentences())
def test_eligible_rights_fall_between_their_time_condition_and_release(
    subject: SentenceInput,
) -> None:
    result = calculate(subject, _as_of(subject))
    assert result.half_date is not None
    assert result.expiry_after_remission is not None
    for eligible_from in _eligible_dates(result).values():
        assert result.half_date <= eligible_from < result.expiry_after_remission


@PROPERTY
@given(sentences(), st.integers(min_value=1, max_value=1000))
def test_more_remisi_never_makes_a_date_later(subject: SentenceInput, extra: int) -> None:
    base = calculate(subject, _as_of(subject))
    more = calculate(
        SentenceInput(
            detention_start=subject.detention_start,
            term=subject.term,
            crime_category=subject.crime_category,
            remission_days=subject.remission_days + extra,
            disciplinary_records=subject.disciplinary_records,
        ),
        _as_of(subject),
    )
    for name in ("expiry_after_remission", "one_third_date", "half_date", "two_thirds_date"):
        before, after = getattr(base, name), getattr(more, name)
        assert after <= before, name
    base_dates, more_dates = _eligible_dates(base), _eligible_dates(more)
    for name in base_dates.keys() & more_dates.keys():
        assert more_dates[name] <= base_dates[name], name


@PROPERTY
@given(sentences(), st.data())
def test_a_register_f_entry_never_makes_a_date_earlier(
    subject: SentenceInput, data: st.DataObject
) -> None:
    added = data.draw(records(subject.detention_start))
    base = calculate(subject, _as_of(subject))
    more = calculate(
        SentenceInput(
            detention_start=subject.detention_start,
            term=subject.term,
            crime_category=subject.crime_category,
            remission_days=subject.remission_days,
            disciplinary_records=(*subject.disciplinary_records, added),
        ),
        _as_of(subject),
    )
    base_dates, more_dates = _eligible_dates(base), _eligible_dates(more)
    for name in base_dates.keys() & more_dates.keys():
        assert more_dates[name] >= base_dates[name], name
    # A right that was not eligible does not become eligible through a punishment.
    assert more_dates.keys() <= base_dates.keys()


@PROPERTY
@given(sentences(), special_categories)
def test_special_crimes_are_never_earlier_than_general_ones(
    subject: SentenceInput, category: CrimeCategory
) -> None:
    def with_category(value: CrimeCategory) -> Calculation:
        return calculate(
            SentenceInput(
                detention_start=subject.detention_start,
                term=subject.term,
                crime_category=value,
                remission_days=subject.remission_days,
                disciplinary_records=subject.disciplinary_records,
            ),
            _as_of(subject),
        )

    general = _eligible_dates(with_category(CrimeCategory.GENERAL))
    special = _eligible_dates(with_category(category))
    for name in general.keys() & special.keys():
        assert special[name] >= general[name], name


@PROPERTY
@given(sentences(), st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)))
def test_every_calculation_is_json_ready_and_explained(subject: SentenceInput, as_of: date) -> None:
    result = calculate(subject, as_of)
    data = result.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["explanation"]
    for right in result.rights.values():
        assert right.explanation
        assert (right.eligible_from is not None) == (right.status is RightStatus.ELIGIBLE)
        if right.status is not RightStatus.ELIGIBLE:
            assert right.reason is not None
        if right.almost_eligible:
            assert right.eligible_from is not None
            assert as_of <= right.eligible_from <= as_of + timedelta(days=90)


@PROPERTY
@given(sentences(), st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)))
def test_remisi_is_never_negative_and_never_before_six_months(
    subject: SentenceInput, as_of: date
) -> None:
    result = next_remissions(subject, as_of)
    due = result.umum
    assert due.total_days >= 0
    if due.granted:
        assert due.due_date is not None
        assert (due.due_date - subject.detention_start).days > 181
        assert due.year_number is not None and due.year_number >= 1
    else:
        assert due.reason is not None
