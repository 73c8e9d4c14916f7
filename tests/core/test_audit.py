"""The audit trail: who may read it, its filters, its CSV export, its query count."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sinergi.core import audit
from sinergi.core.models import AuditEvent
from sinergi.orgs.models import Facility

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(demo_world, user):
    selong = Facility.objects.get(code="selong")
    lobar = Facility.objects.get(code="lobar")
    audit.record("program.create", by=user("petugas.selong"), target=selong, facility=selong)
    audit.record("program.create", by=user("petugas.lobar"), target=lobar, facility=lobar)
    return selong, lobar


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("admin", 200),
        ("kalapas.selong", 200),
        ("petugas.selong", 403),
        ("wali.selong", 403),
        ("mitra.disnaker", 403),
        ("instruktur.blk", 403),
        ("pk.bapas", 403),
        ("kanwil.ntb", 403),
    ],
)
def test_only_administrators_and_heads_read_the_audit_trail(client_for, username, status):
    client = client_for(username)
    assert client.get("/audit/").status_code == status
    assert client.get("/audit/export.csv").status_code == status


def test_head_sees_only_their_own_facilitys_events(client_for, events):
    body = client_for("kalapas.selong").get("/audit/?action=program").content.decode()
    assert "petugas.selong" in body
    assert "petugas.lobar" not in body


def test_administrator_sees_every_facility(client_for, events):
    body = client_for("admin").get("/audit/?action=program").content.decode()
    assert "petugas.selong" in body and "petugas.lobar" in body


def test_audit_filters_by_user_record_and_date(client_for, events):
    selong, _lobar = events
    client = client_for("admin")
    page = client.get("/audit/", {"user": "petugas.lobar"}).context["page"]
    assert {e.actor_username for e in page.object_list} == {"petugas.lobar"}
    page = client.get("/audit/", {"record": f"orgs.Facility:{selong.pk}"}).context["page"]
    assert [e.target_id for e in page.object_list] == [str(selong.pk)]
    page = client.get("/audit/", {"from": "2000-01-01", "to": "2000-01-02"}).context["page"]
    assert list(page.object_list) == []


def test_audit_page_explains_a_malformed_date(client_for, events):
    response = client_for("admin").get("/audit/", {"from": "31-12-2024x"})
    assert response.status_code == 200
    assert response.context["errors"]


def test_audit_csv_export_has_the_filtered_rows(client_for, events):
    response = client_for("kalapas.selong").get("/audit/export.csv?action=program")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["time", "user", "action"]
    assert [r[1] for r in rows[1:]] == ["petugas.selong"]


def test_the_audit_csv_writes_changes_as_json(client_for, user):
    selong = Facility.objects.get(code="selong")
    audit.record(
        "inmate.update",
        by=user("petugas.selong"),
        target=selong,
        facility=selong,
        changes={"status": ["in_custody", "released"], "note": 'Kakak\'s "rumah"'},
    )
    response = client_for("kalapas.selong").get("/audit/export.csv?action=inmate.update")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert json.loads(rows[0]["changes"]) == {
        "status": ["in_custody", "released"],
        "note": 'Kakak\'s "rumah"',
    }


def test_audit_event_records_request_id_and_address(client_for):
    client = client_for("wali.selong")
    client.post("/me/tokens/", {"name": "x"}, HTTP_X_REQUEST_ID="abc123", REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.get(action="api_token.create")
    assert event.request_id == "abc123"
    assert event.ip_address == "10.1.2.3"
    assert event.actor.username == "wali.selong"


def test_audit_list_query_count_does_not_grow_with_rows(client_for, events, user):
    client = client_for("admin")
    selong = Facility.objects.get(code="selong")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/audit/").status_code == 200
        return len(ctx)

    few = count()
    for _ in range(25):
        audit.record("program.create", by=user("petugas.selong"), target=selong, facility=selong)
    assert count() == few


def test_changes_read_as_field_names_and_labels_in_the_pages_language(client_for, user):
    from tests.inmates.factories import make_inmate

    selong = Facility.objects.get(code="selong")
    inmate = make_inmate(facility=selong, name="Lalu Audit")
    audit.record(
        "inmate.status",
        by=user("petugas.selong"),
        target=inmate,
        changes={"status": ["in_custody", "released"], "status_changed_on": "2026-11-30"},
    )
    client = client_for("kalapas.selong")
    indonesian = client.get("/audit/").content.decode()
    assert "{&#x27;status&#x27;" not in indonesian and "in_custody" not in indonesian
    assert "<dd>Berada di UPT → Bebas</dd>" in indonesian
    client.cookies["sinergi_language"] = "en"
    english = client.get("/audit/").content.decode()
    assert "<dt>Status</dt><dd>In custody → Released</dd>" in english
