"""Who reaches follow-ups and releases, read as a UNION of indexed lookups (the Bapas's
hand-overs; the facility's own releases) rather than an OR across two joins, which
scans every follow-up in the country on PostgreSQL; there the UNION's ids are an array
(``= ANY(ARRAY(…))``, sinergi.core.lookups) looked up through the index. What each role
reaches is tested with the pages and the API (test_bapas_access, test_handover_probation,
the route matrix)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sinergi.accounts.models import User
from sinergi.reintegration.queries import follow_ups_for, releases_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", ["pk.bapas", "petugas.selong", "kalapas.selong"])
@pytest.mark.parametrize("reach", [follow_ups_for, releases_for], ids=["follow-ups", "releases"])
def test_each_way_of_reaching_is_its_own_lookup(demo_world, username, reach):
    user = User.objects.get(username=username)
    with CaptureQueriesContext(connection) as ctx:
        list(reach(user))
    sql = ctx.captured_queries[-1]["sql"].upper()
    assert " OR " not in sql
    if connection.vendor == "postgresql":
        assert re.search(r" = ANY\(ARRAY\(+SELECT ", sql)
    else:
        assert re.search(r" IN \(+SELECT ", sql)
    if username == "kalapas.selong":  # the head reaches both ways: a UNION of the two
        assert " UNION " in sql
