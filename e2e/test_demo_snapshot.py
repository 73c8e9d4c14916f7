"""The whole demo that `full_demo_live` serves is copied back from a snapshot after the
first browser test of a worker (SQLite): each test still finds it whole, as seeded,
with the files the seed wrote, whatever the tests before it changed (no browser needed
to check that)."""

from __future__ import annotations

import pytest

from sinergi.indicators.models import MonthlyReport
from sinergi.inmates.models import Inmate
from sinergi.programs.models import Program


@pytest.mark.parametrize("turn", ["first", "second", "third"])
def test_each_test_finds_the_whole_demo_whatever_the_one_before_changed(full_demo_live, turn):
    assert Inmate.objects.exists() and Program.objects.exists()
    assert not Inmate.objects.filter(name__startswith="Changed").exists()
    assert not Program.objects.filter(title__startswith="Changed").exists()
    # the files the seed wrote are in this test's media folder too
    report = MonthlyReport.objects.exclude(pdf="").first()
    assert report is not None and report.pdf.storage.exists(report.pdf.name)

    Inmate.objects.filter(pk=Inmate.objects.order_by("pk").first().pk).update(
        name=f"Changed {turn}"
    )
    Program.objects.filter(pk=Program.objects.order_by("pk").first().pk).update(
        title=f"Changed {turn}"
    )
