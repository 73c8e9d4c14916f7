"""``field__any_of=subquery`` (sinergi.core.lookups, issue 18): the rows ``__in`` finds, written
``= ANY(ARRAY(subquery))`` on PostgreSQL so that the planner looks the ids up through the
index instead of a semi join (at national scale the follow-ups of one facility went from a
scan of every release to an index lookup)."""

from __future__ import annotations

import pytest
from django.db import connection

from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Facility
from sinergi.reintegration.models import FollowUp, Release
from sinergi.reintegration.queries import follow_ups_for, releases_for
from tests.factories import FacilityFactory
from tests.inmates.factories import make_inmate
from tests.reintegration.factories import ReleaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(demo_world):
    """People at Selong and elsewhere, released to the demo Bapas and to another one, each
    release with two follow-ups (one done)."""
    selong = Facility.objects.get(code="selong")
    elsewhere = Facility.objects.exclude(pk=selong.pk).exclude(kind="bapas").first()
    bapas = Facility.objects.get(code="bapas-mataram")
    other_bapas = FacilityFactory(kind="bapas", region=bapas.region)
    people = [make_inmate(facility=selong) for _ in range(3)]
    people += [make_inmate(facility=elsewhere) for _ in range(2)]
    for person, to in zip(people[1:], [bapas, other_bapas, bapas, other_bapas], strict=True):
        release = ReleaseFactory(inmate=person, bapas=to)
        FollowUp.objects.create(release=release, month=1, due_on=release.released_on)
        FollowUp.objects.create(
            release=release, month=3, due_on=release.released_on, done_on=release.released_on
        )


def test_any_of_finds_what_in_finds_on_a_field_and_a_foreign_key(world):
    selong = Facility.objects.filter(code="selong").order_by().values("pk")
    people = Inmate.objects.filter(facility__in=selong)
    assert people.exists()
    by_in = set(Inmate.objects.filter(pk__in=people.values("pk")).values_list("pk", flat=True))
    by_any = set(Inmate.objects.filter(pk__any_of=people.values("pk")).values_list("pk", flat=True))
    assert by_any == by_in
    union = (
        Inmate.objects.filter(facility__in=selong)
        .order_by()
        .values("pk")
        .union(Inmate.objects.filter(release__isnull=False).order_by().values("pk"))
    )
    assert set(Inmate.objects.filter(facility_id__any_of=selong).values_list("pk", flat=True)) == (
        by_in
    )
    assert set(Inmate.objects.filter(pk__any_of=union).values_list("pk", flat=True)) == set(
        Inmate.objects.filter(pk__in=union).values_list("pk", flat=True)
    )


def test_any_of_with_a_list_of_values_is_in(world):
    first = Inmate.objects.order_by("pk").first()
    assert list(Inmate.objects.filter(pk__any_of=[first.pk])) == [first]


def test_on_postgresql_the_subquery_becomes_an_array(world):
    sql = str(Inmate.objects.filter(pk__any_of=Inmate.objects.values("pk")).query)
    if connection.vendor == "postgresql":
        assert "= ANY(ARRAY(SELECT" in sql
    else:
        assert " IN (SELECT" in sql


@pytest.mark.parametrize("username", ["petugas.selong", "pk.bapas", "kalapas.selong"])
def test_the_follow_ups_and_releases_reached_are_those_of_the_access_rule(world, user, username):
    """The rule itself (Bapas's releases, or the facility's people's) is unchanged."""
    from sinergi.core.roles import OFFICER_ROLES
    from sinergi.core.scoping import scope_of
    from sinergi.reintegration.queries import BAPAS_ROLES

    reader = user(username)
    scope = scope_of(reader)
    rule = Release.objects.filter(bapas_id__in=scope.facility_ids(*BAPAS_ROLES)) | (
        Release.objects.filter(inmate__facility_id__in=scope.facility_ids(*OFFICER_ROLES))
    )
    expected = set(FollowUp.objects.filter(release__in=rule).values_list("pk", flat=True))
    assert expected
    assert set(follow_ups_for(reader).values_list("pk", flat=True)) == expected
    assert releases_for(reader).filter(pk__in=rule).count() == rule.count()
