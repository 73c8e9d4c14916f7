"""The derived dates and rights (sinergi.inmates.calculation)."""

from __future__ import annotations

import datetime

import pytest
from django.db import DatabaseError

from sinergi.inmates import calculation, recalculation_write
from sinergi.inmates.models import InmateRight, Sentence
from sinergi.orgs.models import Facility
from tests.inmates.factories import make_inmate


def test_a_recalculation_that_fails_midway_leaves_the_dates_and_rights_as_they_were(
    demo_world, monkeypatch
):
    inmate = make_inmate(
        facility=Facility.objects.get(code="selong"),
        term_years=2,
        detention_start=datetime.date(2024, 5, 9),
    )
    rights_before = set(InmateRight.objects.filter(inmate=inmate).values_list("right", "status"))
    assert rights_before
    # The term changes behind the calculation's back; the rights' rewrite then fails.
    Sentence.objects.filter(inmate=inmate).update(term_years=3)

    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    # The sentence is written first, then the rights fail.
    monkeypatch.setattr(recalculation_write, "write_rights", fail)
    with pytest.raises(DatabaseError):
        calculation.recalculate([inmate.pk])

    # Nothing of the chunk was written: the old rights stay, the old expiry too.
    assert (
        set(InmateRight.objects.filter(inmate=inmate).values_list("right", "status"))
        == rights_before
    )
    assert Sentence.objects.get(inmate=inmate).expiry_date == datetime.date(2026, 5, 9)


NEW_PEOPLE = [
    # (sentence values as an import row gives them, birth date)
    (
        {
            "crime_category": "general",
            "term_kind": "fixed",
            "term_years": 3,
            "term_months": 6,
            "term_days": 15,
            "detention_start": datetime.date(2025, 3, 1),
            "remission_days": 30,
        },
        datetime.date(1988, 4, 3),
    ),
    (
        {
            "crime_category": "narcotics",
            "term_kind": "fixed",
            "term_years": 6,
            "detention_start": datetime.date(2022, 1, 10),
            "remission_days": 0,
            "verdict_date": datetime.date(2022, 6, 1),
            "fine_substitute_days": 90,
            "restitution_substitute_days": 0,
            "commuted_on": None,
        },
        None,
    ),
    (
        {
            "crime_category": "general",
            "term_kind": "fixed",
            "term_months": 8,
            "detention_start": datetime.date(2026, 1, 5),
            "sentenced_as_child": False,
            "age_at_offence": 16,
        },
        datetime.date(2009, 11, 2),
    ),
    ({"term_kind": "life", "detention_start": datetime.date(2023, 1, 1)}, None),
    ({"term_kind": "death", "detention_start": datetime.date(2020, 7, 7)}, None),
]


@pytest.mark.parametrize("in_lpka", [False, True])
def test_new_people_are_computed_as_their_sentence_rows_would_be(in_lpka):
    # compute_new reads the row's values without making a Sentence of them: the dates and
    # rights are those of a Sentence made of the same values.
    today = datetime.date(2026, 12, 8)
    computed = calculation.compute_new(NEW_PEOPLE, in_lpka, today)
    for (values, birth_date), (dates, rights) in zip(NEW_PEOPLE, computed, strict=True):
        sentence = Sentence(**values)
        expected = calculation.compute_onto(
            sentence, calculation.Facts(birth_date=birth_date, in_lpka=in_lpka), today
        )
        assert dates == tuple(getattr(sentence, n) for n in calculation.SENTENCE_DATE_FIELDS)
        assert rights == expected
        # Something computed, not two empty results compared.
        assert len(rights) == 5
        if values["term_kind"] == "fixed":
            assert dates[0] is not None
