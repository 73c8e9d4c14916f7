"""How the indicator definitions and figures read (issue 14's walkthrough): the levels an
indicator is shown for are named in the reader's language, not as codes; the count of
people held past their release date is of people; a median shows how many it is taken
over instead of a meaningless numerator and denominator."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from sinergi.indicators import catalogue
from sinergi.indicators.templatetags.indicators_tags import median_parts
from sinergi.orgs.models import Facility

pytestmark = pytest.mark.django_db


def test_the_catalogue_names_the_levels_in_indonesian(client_for):
    page = client_for("kalapas.selong").get("/indicators/catalogue/", language="id")
    text = page.content.decode()
    assert "UPT, Kanwil, Nasional, Mitra" in text
    assert "facility, region" not in text


def test_the_catalogue_names_the_levels_in_english(client_for):
    page = client_for("kalapas.selong").get("/indicators/catalogue/", language="en")
    assert "Facility, Region, National, Partner" in page.content.decode()


def test_held_past_release_counts_people():
    indicator = catalogue.BY_ID["reintegration.held_past_release"]
    assert indicator.unit == "people"
    with translation.override("id"):
        assert str(catalogue.UNITS[indicator.unit]) == "orang"


def test_a_median_says_how_many_people_it_is_taken_over():
    indicator = catalogue.BY_ID["proposals.eligible_to_released_days"]
    value = catalogue.make_value(catalogue.MEDIAN, Decimal(271), 1)
    with translation.override("id"):
        assert median_parts(value, indicator) == "median dari 1 orang"
    with translation.override("en"):
        assert median_parts(value, indicator) == "median of 1 person"
        ratio = catalogue.BY_ID["participation.attendance_rate"]
        assert median_parts(catalogue.make_value(catalogue.RATIO, 3, 4), ratio) == ""


def test_the_dashboard_shows_the_median_without_numerator_and_denominator(client_for):
    selong = Facility.objects.get(code="selong")
    page = client_for("kalapas.selong").get(f"/indicators/facility/{selong.pk}/", language="en")
    text = page.content.decode()
    start = text.index("Eligible to released, median days")
    row = text[start : text.index("</tr>", start)]
    assert "median of" in row
