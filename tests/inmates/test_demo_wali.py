"""The inmates demo gives the wali work and the pipeline's wali filter something to find:
the demo program officer of Selong names wali.selong for a caseload of 24 Selong inmates
through the action (history, audit, one notification), the same people on every run;
Lombok Barat has no demo wali."""

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


def test_wali_selong_follows_a_caseload_of_selong_inmates_named_through_the_action(seeded):
    from sinergi.accounts.models import Notification
    from sinergi.core.models import AuditEvent

    selong = Inmate.objects.filter(facility=seeded)
    followed = selong.filter(wali__username="wali.selong")
    assert selong.count() == 120
    assert followed.count() == 24
    assert selong.filter(wali__isnull=True).count() == 96
    assert not Inmate.objects.filter(facility__code="lobar", wali__isnull=False).exists()
    # In the history, by the officer who named the wali, and audited.
    first = followed.order_by("registration_number").first()
    assert first is not None
    named = first.history.get(history_change_reason="wali assigned")
    assert named.history_user.username == "petugas.selong"
    assert AuditEvent.objects.filter(
        action="inmate.update", target_id=str(first.pk), actor__username="petugas.selong"
    ).exists()
    # The wali was told once, with the scoring sheet.
    told = Notification.objects.filter(user__username="wali.selong", url="/inmates/scores/")
    assert told.count() == 1 and "24" in told.get().title


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
