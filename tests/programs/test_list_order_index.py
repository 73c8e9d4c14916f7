"""National scale: an administrator's program list sorted the country's 51,000 programs
for its first page (about 50 ms of a 114 ms page); an index in the list's order
(``program_latest_first``) gives that page as 50 index entries (39 ms)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sinergi.programs.models import Program
from tests.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db


def test_the_program_lists_order_is_an_index(client_for, selong):
    ProgramFactory(facility=selong)
    with CaptureQueriesContext(connection) as ctx:
        assert client_for("admin").get("/programs/").status_code == 200
    listed = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith('SELECT "programs_program"."id"') and " LIMIT " in q["sql"]
    ]
    assert listed, [q["sql"] for q in ctx.captured_queries]
    order = listed[0].split("ORDER BY")[1].split("LIMIT")[0]
    columns = re.findall(r'"programs_program"\."(\w+)" (ASC|DESC)', order)
    index = next(i for i in Program._meta.indexes if i.name == "program_latest_first")
    assert [f"-{name}" if way == "DESC" else name for name, way in columns] == index.fields
