"""Whose releases and follow-ups a monthly report holds: those of the facility's own people
and those handed over to it (a Bapas), nobody else's; read through one indexed lookup each
way (a UNION), not an OR across two joins (which read the whole country's releases and
follow-ups for every report at national scale)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sinergi.indicators import reports
from sinergi.indicators.periods import month_of
from sinergi.orgs.models import Facility
from sinergi.reintegration.models import FollowUp, Release
from tests.inmates.factories import InmateFactory

pytestmark = pytest.mark.django_db

AUGUST = month_of(datetime.date(2025, 8, 1))


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.fixture
def places(demo_world: None) -> dict[str, Facility]:
    return {code: Facility.objects.get(code=code) for code in ("selong", "lobar", "bapas-mataram")}


def _release(facility: Facility, number: str, bapas: Facility | None) -> Release:
    person = InmateFactory(facility=facility, status="released", registration_number=number)
    release = Release.objects.create(
        inmate=person, released_on=day("2025-08-15"), kind="pb", bapas=bapas
    )
    FollowUp.objects.create(
        release=release,
        month=0,
        due_on=day("2025-08-16"),
        done_on=day("2025-08-18"),
        contact_made=True,
        work_status="employed",
    )
    return release


@pytest.fixture
def released(places: dict[str, Facility]) -> None:
    _release(places["selong"], "BI 1/25", places["bapas-mataram"])
    _release(places["selong"], "BI 2/25", None)
    _release(places["lobar"], "BI 3/25", places["bapas-mataram"])
    _release(places["lobar"], "BI 4/25", None)


def _numbers(part: dict) -> list[str]:
    return sorted(row["registration_number"] for row in part["rows"])


def test_a_facility_reports_its_own_peoples_releases_and_follow_ups(places, released):
    releases = reports._releases(places["selong"], AUGUST)
    follow_ups = reports._follow_ups(places["selong"], AUGUST)
    assert _numbers(releases) == ["BI 1/25", "BI 2/25"]
    assert releases["count"] == 2
    assert _numbers(follow_ups) == ["BI 1/25", "BI 2/25"]
    assert follow_ups["done"] == 2 and follow_ups["working"] == 2


def test_a_bapas_reports_the_people_handed_over_to_it_from_every_facility(places, released):
    bapas = places["bapas-mataram"]
    assert _numbers(reports._releases(bapas, AUGUST)) == ["BI 1/25", "BI 3/25"]
    assert _numbers(reports._follow_ups(bapas, AUGUST)) == ["BI 1/25", "BI 3/25"]


def test_the_releases_are_read_one_indexed_way_at_a_time(places, released):
    with CaptureQueriesContext(connection) as queries:
        reports._releases(places["selong"], AUGUST)
        reports._follow_ups(places["selong"], AUGUST)
    statements = [q["sql"] for q in queries.captured_queries]
    on_releases = [sql for sql in statements if "reintegration_release" in sql]
    assert on_releases and all("UNION" in sql for sql in on_releases)
    assert not any('OR "reintegration_release"."bapas_id"' in sql for sql in statements)
