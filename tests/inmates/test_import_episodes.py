"""The first custody episodes of newly admitted people, written set-based on PostgreSQL
(``custody.open_first_episodes``), are the rows and history ``custody.follow_status``
writes: an admission, a transfer in (the same NIK left another facility by a transfer on
or after the admission), and the people it leaves to ``follow_status`` (no admission
date, not in custody). On SQLite every person is left to ``follow_status``."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection

from sinergi.accounts.models import User
from sinergi.inmates import custody
from sinergi.inmates.models import CustodyEpisode, Inmate
from sinergi.orgs.models import Facility
from tests.inmates.factories import InmateFactory

pytestmark = pytest.mark.django_db

VOLATILE = {"id", "history_id", "created_at", "updated_at", "history_date"}
NIK = "5203010101900001"


def _episodes(people: list[Inmate]) -> dict[str, Any]:
    ids = [p.pk for p in people]
    return {
        "episodes": sorted(
            (
                {k: v for k, v in row.items() if k not in VOLATILE}
                for row in CustodyEpisode.objects.filter(inmate__in=ids).values()
            ),
            key=repr,
        ),
        "history": sorted(
            (
                {k: v for k, v in row.items() if k not in VOLATILE}
                for row in CustodyEpisode.history.filter(inmate_id__in=ids).values()
            ),
            key=repr,
        ),
    }


def test_first_episodes_set_based_are_those_follow_status_writes(demo_world):
    selong = Facility.objects.get(code="selong")
    lobar = Facility.objects.get(code="lobar")
    by = User.objects.get(username="petugas.selong")
    left = InmateFactory(facility=lobar, nik=NIK, admission_date=datetime.date(2026, 1, 5))
    left.status = "transferred"
    left.status_changed_on = datetime.date(2026, 6, 15)
    left.save()
    custody.follow_status([left])
    people = [
        InmateFactory(facility=selong, custody=False, admission_date=datetime.date(2026, 3, 1)),
        InmateFactory(
            facility=selong, custody=False, nik=NIK, admission_date=datetime.date(2026, 2, 1)
        ),
        InmateFactory(facility=selong, custody=False, admission_date=None),
    ]
    ids = [p.pk for p in people]
    custody.follow_status(Inmate.objects.filter(pk__in=ids), by=by)
    expected = _episodes(people)
    assert {e["started_how"] for e in expected["episodes"]} == {"admission", "transfer_in"}
    CustodyEpisode.objects.filter(inmate__in=ids).delete()
    CustodyEpisode.history.filter(inmate_id__in=ids).delete()

    others = custody.open_first_episodes(ids, by=by)
    assert others == (ids[2:] if connection.vendor == "postgresql" else ids)
    custody.follow_status(Inmate.objects.filter(pk__in=others), by=by)
    assert _episodes(people) == expected
