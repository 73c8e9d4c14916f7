"""The day a person must be released is the earlier of the sentence's date and the day a
granted right let them out, either of which may be unknown (inmates.queries.Earlier:
LEAST on PostgreSQL, which names the granted day's subquery once; issue 18)."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import DateField, Value

from sinergi.inmates.models import Inmate
from sinergi.inmates.queries import Earlier
from tests.inmates.factories import make_inmate

pytestmark = pytest.mark.django_db

D1 = datetime.date(2027, 1, 5)
D2 = datetime.date(2027, 3, 1)


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [(D1, D2, D1), (D2, D1, D1), (None, D2, D2), (D1, None, D1), (None, None, None), (D1, D1, D1)],
)
def test_the_earlier_of_two_dates_either_unknown(demo_world, first, second, expected):
    person = make_inmate()
    found = (
        Inmate.objects.filter(pk=person.pk)
        .annotate(
            day=Earlier(
                Value(first, output_field=DateField()), Value(second, output_field=DateField())
            )
        )
        .values_list("day", flat=True)
        .get()
    )
    assert found == expected
