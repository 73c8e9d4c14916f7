"""A proposal from eligible to released through the API, each step by the role that owns
it (issue 14's acceptance): the officer starts it, moves it to documents and asks Bapas
Mataram for the Litmas (/api/v1/proposals, /transitions); pk.bapas takes the Litmas and
submits it (/api/v1/litmas-requests); the officer puts it to the sidang TPP, records the
meeting and its "recommended" (/api/v1/tpp-meetings); the head sends it with a reference
and records the SK; the officer records the release, which carries the SK number.

Two steps have no API endpoint and go through the pages, as a client would have to: the
dossier's documents (POST /proposals/<id>/documents/, multipart) and the Litmas file
(POST /proposals/litmas/<id>/submit/ with action=upload): there is no
/api/v1/proposals/{id}/documents, and /api/v1/litmas-requests/{id}/submission takes no
file (it submits the file kept on the page)."""

from __future__ import annotations

import pytest

from sinergi.core.models import AuditEvent
from sinergi.proposals.choices import CHECKLIST
from sinergi.proposals.models import Proposal
from sinergi.reintegration.models import Release
from tests.proposals.factories import eligible_person, pdf

pytestmark = pytest.mark.django_db


def post(client, path: str, body: dict, status: int = 200) -> dict:
    response = client.post(path, body, content_type="application/json")
    assert response.status_code == status, (path, response.status_code, response.content[:500])
    return response.json()


def move(client, proposal_id: int, status: int = 200, **body) -> dict:
    return post(client, f"/api/v1/proposals/{proposal_id}/transitions", body, status)


def test_a_proposal_goes_from_eligible_to_released_through_the_api(client_for, selong):
    person = eligible_person(selong)
    today = selong.today()
    officer = client_for("petugas.selong")
    head = client_for("kalapas.selong")
    pk = client_for("pk.bapas")

    # The officer starts it and gathers the dossier.
    started = post(
        officer,
        "/api/v1/proposals",
        {"inmate_id": person.pk, "right": "pb", "sdp_reference": "PB-SLG-2026-77"},
        201,
    )
    proposal_id = started["id"]
    assert started["stage"] == "eligible"
    assert move(officer, proposal_id, to_stage="documents")["stage"] == "documents"
    # Asked too early: 409 saying what is missing.
    early = officer.post(
        f"/api/v1/proposals/{proposal_id}/transitions",
        {"to_stage": "litmas", "bapas": "bapas-mataram"},
        content_type="application/json",
    )
    assert early.status_code == 409 and early.json()["code"] == "checklist_incomplete"
    for kind in CHECKLIST:  # no API endpoint: the page's upload (multipart)
        page = officer.post(
            f"/proposals/{proposal_id}/documents/", {"kind": kind, "file": pdf(f"{kind}.pdf")}
        )
        assert page.status_code == 302, page.content[:300]
    detail = officer.get(f"/api/v1/proposals/{proposal_id}").json()
    assert detail["missing_documents"] == []
    asked = move(officer, proposal_id, to_stage="litmas", bapas="bapas-mataram")
    assert asked["stage"] == "litmas"

    # The PK of Bapas Mataram finds it, takes it, keeps the file and submits it.
    listed = pk.get("/api/v1/litmas-requests").json()
    (item,) = [i for i in listed["items"] if i["proposal_id"] == proposal_id]
    litmas_id = item["id"]
    taken = post(pk, f"/api/v1/litmas-requests/{litmas_id}/assignment", {"officer": "pk.bapas"})
    assert taken["officer"] == "pk.bapas"
    not_yet = pk.post(
        f"/api/v1/litmas-requests/{litmas_id}/submission",
        {"recommendation": "Disarankan PB."},
        content_type="application/json",
    )
    assert not_yet.status_code == 422  # no file kept yet
    kept = pk.post(
        f"/proposals/litmas/{litmas_id}/submit/",
        {"action": "upload", "document": pdf("litmas.pdf"), "recommendation": ""},
    )
    assert kept.status_code == 302, kept.content[:300]
    submitted = post(
        pk,
        f"/api/v1/litmas-requests/{litmas_id}/submission",
        {"recommendation": "Klien layak diberikan pembebasan bersyarat."},
    )
    assert submitted["status"] == "submitted"
    # The PK does not move the proposal: the facility's stage.
    assert move(pk, proposal_id, 403, to_stage="tpp")

    # The officer puts it to the sidang TPP; the board recommends it.
    assert move(officer, proposal_id, to_stage="tpp")["stage"] == "tpp"
    meeting = post(
        officer,
        "/api/v1/tpp-meetings",
        {
            "facility": "selong",
            "held_on": today.isoformat(),
            "place": "Aula Lapas Selong",
            "chair": "kalapas.selong",
            "members": ["Kepala Lapas (ketua)", "Kasi Binadik"],
            "minutes_number": "BA-TPP-77",
        },
        201,
    )
    decision = post(
        officer,
        f"/api/v1/tpp-meetings/{meeting['id']}/decisions",
        {"proposal_id": proposal_id, "recommendation": "recommended"},
    )
    assert decision["recommendation"] == "recommended"

    # Only the head sends it and records the SK.
    refused = officer.post(
        f"/api/v1/proposals/{proposal_id}/transitions",
        {
            "to_stage": "sent",
            "sent_to": "kanwil",
            "sent_reference": "W.22-PK.01.05.06-77",
            "sent_on": today.isoformat(),
        },
        content_type="application/json",
    )
    assert refused.status_code == 403
    sent = move(
        head,
        proposal_id,
        to_stage="sent",
        sent_to="kanwil",
        sent_reference="W.22-PK.01.05.06-77",
        sent_on=today.isoformat(),
    )
    assert (sent["stage"], sent["sent_reference"]) == ("sent", "W.22-PK.01.05.06-77")
    wrong = officer.post(
        f"/api/v1/proposals/{proposal_id}/transitions",
        {"to_stage": "released"},
        content_type="application/json",
    )
    assert wrong.status_code == 409 and set(wrong.json()["allowed"]) >= {"granted", "refused"}
    granted = move(
        head, proposal_id, to_stage="granted", sk_number="PAS-77.PK.01.05.06", sk_date=today
    )
    assert (granted["stage"], granted["sk_number"]) == ("granted", "PAS-77.PK.01.05.06")

    # The officer records the release on the SK.
    released = move(officer, proposal_id, to_stage="released")
    assert (released["stage"], released["released_on"]) == ("released", today.isoformat())
    assert [e["to_stage"] for e in released["events"]] == [
        "eligible",
        "documents",
        "litmas",
        "tpp",
        "sent",
        "granted",
        "released",
    ]
    assert [e["by"] for e in released["events"]] == [
        "petugas.selong",
        "petugas.selong",
        "petugas.selong",
        "petugas.selong",
        "kalapas.selong",
        "kalapas.selong",
        "petugas.selong",
    ]
    release = Release.objects.get(inmate=person)
    assert release.released_on == today and release.kind == "pb"
    assert "PAS-77.PK.01.05.06" in release.sk_number and release.sk_date is not None
    assert release.bapas.code == "bapas-mataram"
    person.refresh_from_db()
    assert person.status == "released"
    moves = AuditEvent.objects.filter(action="proposal.transition", target_id=str(proposal_id))
    assert moves.count() == 6
    assert Proposal.objects.get(pk=proposal_id).released_on == today
    # Nothing further: a released proposal is closed.
    assert move(officer, proposal_id, 409, to_stage="withdrawn", reason="x")["allowed"] == []
