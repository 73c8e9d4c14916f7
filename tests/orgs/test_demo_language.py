"""The demo is an East Lombok facility's data: what its partners wrote of themselves is in
Indonesian, as the pages around it are by default (a reader of the Indonesian pages met
English descriptions on every partner's page)."""

import re

import pytest

from sinergi.inmates.models import ReligiousHolidayDate
from sinergi.orgs.models import Partner

pytestmark = pytest.mark.django_db

# English words no Indonesian sentence has (whole words, any case)
ENGLISH = re.compile(r"\b(the|and|of|after|with|for|inside|check|takes|buys)\b", re.IGNORECASE)


def test_the_demo_partners_describe_themselves_in_indonesian(demo_world):
    described = dict(Partner.objects.exclude(description="").values_list("code", "description"))
    assert len(described) >= 10
    english = {code: text for code, text in described.items() if ENGLISH.search(text)}
    assert not english


def test_the_demo_holiday_notes_are_in_indonesian(demo_world):
    from io import StringIO

    from sinergi.inmates.demo import HOLIDAYS, seed

    if not ReligiousHolidayDate.objects.exists():
        seed(StringIO())
    notes = set(ReligiousHolidayDate.objects.values_list("note", flat=True))
    assert len(HOLIDAYS) and notes
    assert not [note for note in notes if ENGLISH.search(note)]
