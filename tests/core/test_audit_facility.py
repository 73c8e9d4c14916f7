"""The audit trail names an event's facility by id (core knows no app): the migration
from the foreign key keeps every value both ways, and the audit page and its CSV still
show the facility's code."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from sinergi.core import audit
from sinergi.core.models import AuditEvent
from sinergi.orgs.models import Facility

BEFORE = ("core", "0002_auditevent_action_choices")
AFTER = ("core", "0003_auditevent_facility_id_plain")


def _migrate(target: tuple[str, str]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return MigrationExecutor(connection)  # a fresh loader: the graph as now applied


def _facility_column() -> dict[int, int | None]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, facility_id FROM core_auditevent")
        return dict(cursor.fetchall())


def _foreign_keys_of_the_facility_column() -> list[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "core_auditevent")
    return [
        name
        for name, c in constraints.items()
        if c["foreign_key"] and c["columns"] == ["facility_id"]
    ]


@pytest.mark.django_db(transaction=True)
def test_the_facility_becomes_a_plain_id_both_ways_with_every_value_kept(demo_world):
    selong = Facility.objects.get(code="selong")
    lobar = Facility.objects.get(code="lobar")
    try:
        executor = _migrate(BEFORE)
        old = executor.loader.project_state([BEFORE]).apps.get_model("core", "AuditEvent")
        assert old._meta.get_field("facility").is_relation
        ids = [
            old.objects.create(action="program.create", facility_id=selong.pk).pk,
            old.objects.create(action="program.create", facility_id=lobar.pk).pk,
            old.objects.create(action="auth.login", facility_id=None).pk,
        ]
        expected = {ids[0]: selong.pk, ids[1]: lobar.pk, ids[2]: None}
        assert _foreign_keys_of_the_facility_column()

        executor = _migrate(AFTER)
        assert {k: v for k, v in _facility_column().items() if k in ids} == expected
        assert _foreign_keys_of_the_facility_column() == []
        new = executor.loader.project_state([AFTER]).apps.get_model("core", "AuditEvent")
        assert not new._meta.get_field("facility_id").is_relation
        assert new.objects.filter(facility_id=selong.pk, pk__in=ids).count() == 1

        executor = _migrate(BEFORE)
        assert {k: v for k, v in _facility_column().items() if k in ids} == expected
        assert _foreign_keys_of_the_facility_column()
    finally:
        _migrate(AFTER)
    assert AuditEvent.objects.get(pk=ids[1]).facility_id == lobar.pk


@pytest.mark.django_db
def test_an_event_may_name_a_facility_that_is_gone(demo_world, user):
    """No foreign key: deleting a facility leaves its events as they were."""
    selong = Facility.objects.get(code="selong")
    event = audit.record("program.create", by=user("petugas.selong"), facility=selong)
    gone = audit.record("program.create", by=user("petugas.selong"), facility=987654)
    assert AuditEvent.objects.get(pk=event.pk).facility_id == selong.pk
    assert AuditEvent.objects.get(pk=gone.pk).facility_id == 987654
    nothing = audit.record("auth.login", by=user("petugas.selong"))
    read = audit.with_facility_code(AuditEvent.objects.filter(pk__in=[event.pk, gone.pk]))
    codes = {e.pk: audit.facility_code(e) for e in read}
    assert codes == {event.pk: "selong", gone.pk: "#987654"}
    assert (
        audit.facility_code(audit.with_facility_code(AuditEvent.objects).get(pk=nothing.pk)) == ""
    )


@pytest.mark.django_db
def test_the_audit_page_and_its_csv_ask_as_many_queries_whether_events_name_a_facility(
    client_for, user
):
    """The codes are read with the events: a lookup after them was left out when no event
    on the page named a facility (10 statements at one scale, 9 at the other)."""
    from django.test.utils import CaptureQueriesContext

    client = client_for("admin")

    def asked(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"action": "program.create"})
            assert response.status_code == 200
            if response.streaming:
                b"".join(response.streaming_content)
        return len(queries.captured_queries)

    AuditEvent.objects.filter(action="program.create").delete()
    for _ in range(3):
        audit.record("program.create", by=user("petugas.selong"))
    none = asked("/audit/"), asked("/audit/export.csv")
    selong = Facility.objects.get(code="selong")
    AuditEvent.objects.filter(action="program.create").update(facility_id=selong.pk)
    assert (asked("/audit/"), asked("/audit/export.csv")) == none


@pytest.mark.django_db
def test_the_audit_page_and_its_csv_show_the_facilitys_code(client_for, user):
    selong = Facility.objects.get(code="selong")
    audit.record("program.create", by=user("petugas.selong"), target=selong, facility=selong)
    audit.record("auth.login", by=user("wali.selong"))  # no facility
    client = client_for("admin")
    body = client.get("/audit/", {"action": "program.create"}).content.decode()
    assert "<td>selong</td>" in body
    response = client.get("/audit/export.csv", {"action": "program.create"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    column = rows[0].index("facility")
    assert {r[column] for r in rows[1:]} == {"selong"}
    response = client.get("/audit/export.csv", {"action": "auth.login"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {r[column] for r in rows[1:]} == {""}
