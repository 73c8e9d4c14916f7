"""/api/v1/proposals: list (filters, scoping, query count), start, detail, the moves
(allowed for the caller; a move refused with the allowed ones as a 409, a missing fact a
422 at its field, an outsider a 403 or a 404)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sinergi.core.models import AuditEvent
from sinergi.inmates.choices import Right
from sinergi.proposals.choices import Stage
from sinergi.proposals.models import LitmasRequest, Proposal
from tests.proposals.factories import at_stage, eligible_person, make_proposal
from tests.proposals.moves import prepare

pytestmark = pytest.mark.django_db


def post(client, path, body):
    return client.post(path, body, content_type="application/json")


def test_the_staff_start_a_proposal_through_the_api(client_for, person):
    response = post(
        client_for("wali.selong"),
        "/api/v1/proposals",
        {"inmate_id": person.pk, "right": "pb", "sdp_reference": "PB-2026-9"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["stage"], body["sdp_reference"], body["right"]) == ("eligible", "PB-2026-9", "pb")
    assert body["allowed_moves"] == ["documents"]  # a wali does not withdraw
    assert body["events"][0]["to_stage"] == "eligible"
    assert body["events"][0]["by"] == "wali.selong"
    assert len(body["missing_documents"]) == 7


def test_starting_twice_is_a_409_and_a_right_not_eligible_a_422(client_for, person):
    client = client_for("petugas.selong")
    assert (
        post(client, "/api/v1/proposals", {"inmate_id": person.pk, "right": "pb"}).status_code
        == 201
    )
    again = post(client, "/api/v1/proposals", {"inmate_id": person.pk, "right": "pb"})
    assert again.status_code == 409
    assert again.json()["code"] == "proposal_already_open"
    refused = post(client, "/api/v1/proposals", {"inmate_id": person.pk, "right": "cb"})
    assert refused.status_code == 422
    assert "right" in refused.json()["errors"]


@pytest.mark.parametrize(
    ("username", "status"),
    [("petugas.lobar", 404), ("mitra.disnaker", 404), ("pk.bapas", 404), ("kanwil.ntb", 403)],
)
def test_outsiders_cannot_start_one(client_for, person, username, status):
    response = post(
        client_for(username), "/api/v1/proposals", {"inmate_id": person.pk, "right": "pb"}
    )
    assert response.status_code == status


def test_a_move_not_allowed_is_a_409_with_the_allowed_ones(client_for, person):
    proposal = make_proposal(person)
    response = post(
        client_for("kalapas.selong"),
        f"/api/v1/proposals/{proposal.pk}/transitions",
        {"to_stage": "granted", "sk_number": "SK-1", "sk_date": str(person.facility.today())},
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "invalid_transition"
    assert body["allowed"] == ["documents", "withdrawn"]


def test_a_missing_sk_number_is_a_422_at_its_field(client_for, person):
    proposal = make_proposal(person)
    prepare(proposal, Stage.SENT, Stage.GRANTED)
    response = post(
        client_for("kalapas.selong"),
        f"/api/v1/proposals/{proposal.pk}/transitions",
        {"to_stage": "granted", "sk_date": str(person.facility.today())},
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"sk_number"}


def test_the_litmas_move_names_the_bapas_by_its_code(client_for, person):
    proposal = make_proposal(person)
    prepare(proposal, Stage.DOCUMENTS, Stage.LITMAS)
    client = client_for("petugas.selong")
    wrong = post(
        client,
        f"/api/v1/proposals/{proposal.pk}/transitions",
        {"to_stage": "litmas", "bapas": "selong"},
    )
    assert wrong.status_code == 422
    assert "bapas" in wrong.json()["errors"]
    response = post(
        client,
        f"/api/v1/proposals/{proposal.pk}/transitions",
        {"to_stage": "litmas", "bapas": "bapas-mataram", "due_on": "2100-01-01"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["stage"] == "litmas"
    assert LitmasRequest.objects.get(proposal=proposal).due_on == datetime.date(2100, 1, 1)


def test_a_document_of_another_proposal_is_a_422_at_document_id(client_for, person, selong):
    from sinergi.proposals.models import ProposalDocument
    from tests.proposals.factories import pdf

    other = make_proposal(eligible_person(selong))
    document = ProposalDocument.objects.create(
        proposal=other, kind="statement", file=pdf(), received_on=selong.today()
    )
    proposal = make_proposal(person)
    response = post(
        client_for("petugas.selong"),
        f"/api/v1/proposals/{proposal.pk}/transitions",
        {"to_stage": "documents", "document_id": document.pk},
    )
    assert response.status_code == 422
    assert "document_id" in response.json()["errors"]


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("petugas.lobar", 404),
        ("mitra.disnaker", 404),
        ("kanwil.ntb", 403),
        ("wali.selong", 403),
        ("petugas.selong", 403),
    ],
)
def test_sending_by_anyone_but_the_head_is_refused(client_for, person, username, status):
    proposal = make_proposal(person)
    facts = prepare(proposal, Stage.TPP, Stage.SENT)
    body = {"to_stage": "sent", **{k: str(v) for k, v in facts.items()}}
    response = post(client_for(username), f"/api/v1/proposals/{proposal.pk}/transitions", body)
    assert response.status_code == status
    assert Proposal.objects.get(pk=proposal.pk).stage == Stage.TPP
    ok = post(client_for("kalapas.selong"), f"/api/v1/proposals/{proposal.pk}/transitions", body)
    assert ok.status_code == 200, ok.content
    assert ok.json()["stage"] == "sent"


def test_the_pk_of_the_bapas_asked_reads_the_proposal_another_bapas_does_not(client_for, person):
    from django.test import Client

    from tests.proposals.factories import other_bapas_pk

    proposal = make_proposal(person)
    assert client_for("pk.bapas").get(f"/api/v1/proposals/{proposal.pk}").status_code == 404
    prepare(proposal, Stage.LITMAS, Stage.TPP)
    assert client_for("pk.bapas").get(f"/api/v1/proposals/{proposal.pk}").status_code == 200
    other = Client()
    other.force_login(other_bapas_pk())
    assert other.get(f"/api/v1/proposals/{proposal.pk}").status_code == 404
    assert client_for("pk.bapas").get(f"/api/v1/proposals/{proposal.pk}/transitions").json() == {
        "stage": "litmas",
        "allowed": [],
        "blocked": [],
    }


def test_the_allowed_moves_with_their_facts_are_the_callers(client_for, person):
    proposal = at_stage(make_proposal(person), Stage.SENT)
    head = client_for("kalapas.selong").get(f"/api/v1/proposals/{proposal.pk}/transitions").json()
    assert [m["to_stage"] for m in head["allowed"]] == ["granted", "refused", "withdrawn"]
    granted = head["allowed"][0]
    assert granted["required"] == ["sk_number", "sk_date"]
    officer = client_for("petugas.selong").get(f"/api/v1/proposals/{proposal.pk}/transitions")
    assert [m["to_stage"] for m in officer.json()["allowed"]] == ["withdrawn"]


def test_the_detail_is_audited_and_scoped(client_for, person):
    proposal = make_proposal(person)
    body = client_for("kanwil.ntb").get(f"/api/v1/proposals/{proposal.pk}").json()
    assert body["allowed_moves"] == []
    assert AuditEvent.objects.filter(action="proposal.view", target_id=str(proposal.pk)).exists()
    for username in ("petugas.lobar", "mitra.disnaker", "pk.bapas"):
        assert client_for(username).get(f"/api/v1/proposals/{proposal.pk}").status_code == 404


def test_the_list_filters_by_right_stage_facility_and_overdue(client_for, person, selong):
    today = selong.today()
    late = make_proposal(person, eligible_on=today - datetime.timedelta(days=60))
    fresh = make_proposal(
        eligible_person(selong, right=Right.CB), right=Right.CB, eligible_on=today
    )
    at_stage(fresh, Stage.DOCUMENTS)
    client = client_for("petugas.selong")

    def ids(query: str) -> set[int]:
        response = client.get(f"/api/v1/proposals?{query}")
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["items"]}

    assert {late.pk, fresh.pk} <= ids("")
    assert ids("right=cb") == {fresh.pk}
    assert ids("stage=documents") == {fresh.pk}
    assert {late.pk, fresh.pk} <= ids("facility=selong")
    assert ids("facility=lobar") == set()
    assert late.pk in ids("overdue=true")
    assert fresh.pk not in ids("overdue=true")
    assert fresh.pk in ids("overdue=false")
    row = next(r for r in client.get("/api/v1/proposals").json()["items"] if r["id"] == late.pk)
    assert row["overdue"] is True
    assert row["days_in_all"] == 60
    assert row["clocks"][0]["office"] == "facility"
    assert client.get("/api/v1/proposals?stage=nonsense").status_code == 422
    assert AuditEvent.objects.filter(action="proposal.list").exists()


def test_the_list_is_scoped(client_for, person):
    proposal = make_proposal(person)
    for username, sees in (
        ("petugas.selong", True),
        ("wali.selong", True),
        ("kanwil.ntb", True),
        ("admin", True),
        ("petugas.lobar", False),
        ("mitra.disnaker", False),
        ("pk.bapas", False),
    ):
        items = client_for(username).get("/api/v1/proposals").json()["items"]
        assert (proposal.pk in {row["id"] for row in items}) is sees, username


def test_the_list_query_count_does_not_grow_with_the_rows(client_for, selong):
    client = client_for("petugas.selong")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/v1/proposals?page_size=200&overdue=false")
            assert response.status_code == 200
        return len(ctx)

    make_proposal(eligible_person(selong))
    few = count()
    for _ in range(5):
        make_proposal(
            eligible_person(selong), stage=Stage.SENT, sent_to="kanwil", sent_on=selong.today()
        )
    assert count() == few


def test_the_lists_order_is_an_index_read_backward(client_for, selong):
    """National scale: the administrator's list sorted the country's proposals, each
    joined with its person, for its first page (170 ms); an index in the list's order
    gives that page as 50 index entries."""
    import re

    make_proposal(eligible_person(selong))
    with CaptureQueriesContext(connection) as ctx:
        assert client_for("admin").get("/api/v1/proposals").status_code == 200
    pages = [q["sql"] for q in ctx.captured_queries if " LIMIT " in q["sql"].upper()]
    listed = [sql for sql in pages if sql.startswith('SELECT "proposals_proposal"."id"')]
    assert listed, pages
    order = listed[0].split("ORDER BY")[1].split("LIMIT")[0]
    columns = re.findall(r'"proposals_proposal"\."(\w+)" (ASC|DESC)', order)
    assert [name for name, _way in columns] == ["stage_since", "id"]
    assert len({way for _name, way in columns}) == 1  # one direction: read backward
    indexed = [tuple(index.fields) for index in Proposal._meta.indexes]
    assert ("stage_since", "id") in indexed


def test_the_proposal_schemas_have_names_no_other_router_uses():
    """OpenAPI keys its components by class name: a second ``TransitionIn`` would
    silently describe another operation's body with this one's fields."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "sinergi"

    def schema_names(path: Path) -> set[str]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        return {node.name for node in tree.body if isinstance(node, ast.ClassDef)}

    mine = schema_names(root / "proposals" / "api.py")
    others: set[str] = set()
    for path in root.glob("*/api*.py"):
        if path != root / "proposals" / "api.py":
            others |= schema_names(path)
    assert not mine & others
