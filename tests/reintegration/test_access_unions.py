"""Who reaches follow-ups and releases, read as a UNION of indexed lookups (the Bapas's
hand-overs; the facility's own releases) rather than an OR across two joins, which
scans every follow-up in the country on PostgreSQL; there the UNION's ids are an array
(``= ANY(ARRAY(…))``, sinergi.core.lookups) looked up through the index, or for the
releases a subquery PostgreSQL hashes while it reads them latest first. What each role
reaches is tested with the pages and the API (test_bapas_access, test_handover_probation,
the route matrix)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sinergi.accounts.models import User
from sinergi.reintegration.queries import follow_ups_for, releases_for
from tests.reintegration.test_handoff_notices import released_on_parole

pytestmark = pytest.mark.django_db


# (reach, user, the lookup on PostgreSQL, both ways in a UNION). The follow-ups of the
# ways' releases by an array of their ids; the releases the union as a plain subquery,
# which PostgreSQL hashes while it walks the releases latest first (a Bapas's 25,000:
# the API's page 96-160 -> 44 ms), or a facility's people's ids when that is the only way.
ARRAY, SUBQUERY = r" = ANY\(ARRAY\(+SELECT ", r" IN \(+SELECT "
WAYS = [
    (follow_ups_for, "petugas.selong", ARRAY, False),
    (follow_ups_for, "kalapas.selong", ARRAY, True),
    (releases_for, "pk.bapas", SUBQUERY, False),
    (releases_for, "petugas.selong", ARRAY, False),
    (releases_for, "kalapas.selong", SUBQUERY, True),
]


@pytest.mark.parametrize(("reach", "username", "lookup", "union"), WAYS)
def test_each_way_of_reaching_is_its_own_lookup(demo_world, reach, username, lookup, union):
    user = User.objects.get(username=username)
    with CaptureQueriesContext(connection) as ctx:
        list(reach(user))
    sql = ctx.captured_queries[-1]["sql"].upper()
    assert " OR " not in sql
    assert re.search(lookup if connection.vendor == "postgresql" else SUBQUERY, sql), sql
    # a head reaches both ways (their facility's people; a Bapas's hand-overs)
    assert (" UNION " in sql) == union, sql


@pytest.mark.parametrize("username", ["kanwil.ntb", "petugas.selong"])
def test_releases_reached_one_way_are_read_without_looking_them_up_again(officer, person, username):
    """Without a Bapas role, the releases reached are those of the people reached: read
    as such, not their ids read first and the releases looked up again by id (which
    doubled a region's reads at national scale)."""
    from sinergi.inmates.models import Inmate
    from sinergi.reintegration.models import Release

    released_on_parole(person, officer, None)
    user = User.objects.get(username=username)
    with CaptureQueriesContext(connection) as ctx:
        reached = {release.pk for release in releases_for(user)}
    sql = ctx.captured_queries[-1]["sql"].upper()
    assert sql.count('FROM "REINTEGRATION_RELEASE"') == 1, sql
    assert " UNION " not in sql
    people = Inmate.objects.for_user(user)
    assert reached == set(Release.objects.filter(inmate__in=people).values_list("pk", flat=True))
    assert reached


def test_a_bapas_reads_its_follow_ups_through_the_releases_handed_to_it(officer, person):
    """A Bapas's users (no facility staff's role) reach the follow-ups of the releases
    handed to their Bapas: a join on the release, so that PostgreSQL may walk the
    follow-ups by due day and stop at a page (a Bapas of 100,000 follow-ups: its API
    page 104 -> 45 ms at national scale), not every id read first and sorted."""
    from sinergi.reintegration.models import FollowUp

    released_on_parole(person, officer, None)
    user = User.objects.get(username="pk.bapas")
    with CaptureQueriesContext(connection) as ctx:
        reached = {item.pk for item in follow_ups_for(user)}
    sql = ctx.captured_queries[-1]["sql"].upper()
    assert 'INNER JOIN "REINTEGRATION_RELEASE"' in sql
    assert " OR " not in sql and " UNION " not in sql and "ANY(" not in sql
    handed = FollowUp.objects.filter(release__bapas__code="bapas-mataram")
    assert reached == set(handed.values_list("pk", flat=True))
    assert reached
