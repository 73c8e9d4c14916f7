"""Dates as documents write them (sinergi.core.dates)."""

from __future__ import annotations

import datetime

from django.template import Context, Template
from django.utils import timezone, translation

from sinergi.core.dates import long_date, place_and_date


def test_a_date_in_indonesian_long_form():
    assert long_date(datetime.date(2026, 12, 5), "id") == "5 Desember 2026"
    assert long_date(datetime.date(2027, 2, 28), "id") == "28 Februari 2027"
    assert long_date(None) == ""


def test_the_active_language_chooses_the_month_names():
    with translation.override("en"):
        assert long_date(datetime.date(2026, 8, 17)) == "17 August 2026"
    with translation.override("id"):
        assert long_date(datetime.date(2026, 8, 17)) == "17 Agustus 2026"


def test_an_aware_datetime_is_dated_in_the_active_time_zone():
    late = datetime.datetime(2026, 12, 5, 17, 30, tzinfo=datetime.UTC)  # 00.30 WITA
    with timezone.override("Asia/Makassar"):
        assert long_date(late, "id") == "6 Desember 2026"


def test_the_place_line_and_the_filter():
    assert place_and_date("Selong", datetime.date(2026, 12, 5), "id") == "Selong, 5 Desember 2026"
    assert place_and_date("Selong", None) == "Selong"
    template = Template("{% load document_tags %}{{ day|long_date }}")
    with translation.override("id"):
        assert template.render(Context({"day": datetime.date(2026, 1, 1)})) == "1 Januari 2026"
