"""The inmates demo gives the pipeline's wali filter something to find: the demo guardian
officer of Selong (wali.selong) follows about half the Selong inmates, the same people on
every run, with the assignment in each inmate's history; Lombok Barat has no demo wali."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from sinergi.core.demo import seeders
from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Facility

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo_world):
    out = io.StringIO()
    for name, seed in seeders():
        if name in ("organisations", "users", "inmates"):
            seed(out)
    return Facility.objects.get(code="selong")


def test_wali_selong_follows_about_half_the_selong_inmates(seeded):
    selong = Inmate.objects.filter(facility=seeded)
    followed = selong.filter(wali__username="wali.selong")
    assert selong.count() == 120
    assert followed.count() == 60
    assert selong.filter(wali__isnull=True).count() == 60
    assert not Inmate.objects.filter(facility__code="lobar", wali__isnull=False).exists()
    # In the history with the rest of the row.
    first = followed.order_by("registration_number").first()
    assert first is not None
    assert first.history.filter(wali__username="wali.selong").exists()


def test_the_same_people_on_every_run(seeded):
    names = set(
        Inmate.objects.filter(wali__username="wali.selong").values_list(
            "registration_number", flat=True
        )
    )
    Inmate.objects.all().delete()
    for name, seed in seeders():
        if name == "inmates":
            seed(io.StringIO())
    again = set(
        Inmate.objects.filter(wali__username="wali.selong").values_list(
            "registration_number", flat=True
        )
    )
    assert again == names


def test_the_pipelines_wali_filter_finds_them(seeded, client_for):
    client: Client = client_for("petugas.selong")
    wali = Inmate.objects.filter(wali__username="wali.selong").first()
    assert wali is not None
    shown = client.get(f"/inmates/rights/?wali={wali.wali_id}")
    people = shown.context["page"].paginator.count
    assert people > 0
    assert all(row.inmate.wali_id == wali.wali_id for row in shown.context["rows"])
