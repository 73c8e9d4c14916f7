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
