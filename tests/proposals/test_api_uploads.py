"""Uploads and downloads through /api/v1: the dossier's documents
(``/proposals/{id}/documents``) and the Litmas file (``/litmas-requests/{id}/document``).
They go through the pages' actions: the same checks of a file by its content and size,
the same audit and history, the same people allowed (a 403 for someone who reaches the
record but may not write to it, a 404 for anyone who does not reach it)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sinergi.accounts.actions import create_api_token
from sinergi.accounts.models import User
from sinergi.cooperation.validators import MAX_UPLOAD_BYTES
from sinergi.core.models import AuditEvent
from sinergi.orgs.models import Facility
from sinergi.proposals.choices import DocumentKind, LitmasStatus, Stage
from sinergi.proposals.models import LitmasRequest, Proposal, ProposalDocument
from tests.factories import FacilityFactory, MembershipFactory
from tests.proposals.factories import make_proposal, other_bapas_pk, pdf

pytestmark = pytest.mark.django_db

# What a Windows program begins with, whatever its name says.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def exe_named_pdf(name: str = "dokumen.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, EXE, content_type="application/pdf")


def too_large_pdf(name: str = "dokumen.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n" + b"0" * MAX_UPLOAD_BYTES, content_type="application/pdf"
    )


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def documents_url(proposal: Proposal) -> str:
    return f"/api/v1/proposals/{proposal.pk}/documents"


def upload(client: Client, proposal: Proposal, file: Any, **fields: Any) -> Any:
    return client.post(documents_url(proposal), {"kind": "verdict_extract", "file": file, **fields})


@pytest.fixture
def proposal(person: Any) -> Proposal:
    return make_proposal(person, stage=Stage.DOCUMENTS)


@pytest.fixture
def litmas_request(person: Any, bapas: Facility, officer: User) -> LitmasRequest:
    proposal = make_proposal(person, stage=Stage.LITMAS)
    today = proposal.facility.today()
    return LitmasRequest.objects.create(
        proposal=proposal,
        bapas=bapas,
        requested_on=today - datetime.timedelta(days=2),
        due_on=today + datetime.timedelta(days=10),
        requested_by=officer,
    )


# --- the dossier's documents ---------------------------------------------------------------


def test_the_officer_uploads_a_document_of_the_dossier(client_for, proposal, officer):
    response = upload(
        client_for("petugas.selong"), proposal, pdf("sk.pdf"), note="Salinan dari pengadilan"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    document = ProposalDocument.objects.get(pk=body["id"])
    assert (document.proposal, document.kind, document.uploaded_by) == (
        proposal,
        DocumentKind.VERDICT_EXTRACT,
        officer,
    )
    assert body["kind"] == "verdict_extract" and body["note"] == "Salinan dari pengadilan"
    assert body["received_on"] == str(proposal.facility.today())
    assert body["file_url"] == f"{documents_url(proposal)}/{document.pk}/file"
    assert document.file.read().startswith(b"%PDF")
    event = AuditEvent.objects.get(action="proposal.document.add")
    assert event.actor == officer and event.target_id == str(proposal.pk)
    assert "verdict_extract" not in actions_missing(client_for("petugas.selong"), proposal)


def actions_missing(client: Client, proposal: Proposal) -> list[str]:
    detail: list[str] = client.get(f"/api/v1/proposals/{proposal.pk}").json()["missing_documents"]
    return detail


def test_a_document_uploaded_with_a_token_is_in_its_history_as_the_callers(proposal, officer):
    _token, secret = create_api_token(user=officer, name="SDP", by=officer)
    response = Client().post(
        documents_url(proposal),
        {"kind": "execution_record", "file": pdf("putusan.pdf"), "received_on": "2026-01-05"},
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 201, response.content
    document = ProposalDocument.objects.get(pk=response.json()["id"])
    assert document.received_on == datetime.date(2026, 1, 5)
    assert document.history.get().history_user == officer


@pytest.mark.parametrize(
    ("file", "field"),
    [
        (exe_named_pdf, "file"),  # a program renamed .pdf: refused by its content
        (too_large_pdf, "file"),
        (lambda: SimpleUploadedFile("setup.exe", EXE), "file"),
    ],
)
def test_a_file_that_is_not_a_document_is_a_422_at_the_file(client_for, proposal, file, field):
    response = upload(client_for("petugas.selong"), proposal, file())
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"], response.json()
    assert not ProposalDocument.objects.filter(proposal=proposal).exists()
    assert not AuditEvent.objects.filter(action="proposal.document.add").exists()


def test_a_missing_file_or_an_unknown_kind_is_a_422_naming_the_field(client_for, proposal):
    client = client_for("petugas.selong")
    missing = client.post(documents_url(proposal), {"kind": "execution_record"})
    assert missing.status_code == 422 and "file" in missing.json()["errors"], missing.content
    unknown = upload(client, proposal, pdf(), kind="surat_cinta")
    assert unknown.status_code == 422 and "kind" in unknown.json()["errors"], unknown.content
    future = upload(client, proposal, pdf(), received_on="2099-01-01")
    assert future.status_code == 422 and "received_on" in future.json()["errors"]
    assert not ProposalDocument.objects.filter(proposal=proposal).exists()


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("kanwil.ntb", 403),  # reads the region's proposals, writes none
        ("petugas.lobar", 404),  # another facility
        ("mitra.disnaker", 404),  # a partner
        ("pk.bapas", 404),  # a Bapas not asked for a Litmas of this proposal
    ],
)
def test_outsiders_upload_no_document(client_for, proposal, username, status):
    response = upload(client_for(username), proposal, pdf())
    assert response.status_code == status, response.content
    assert not ProposalDocument.objects.filter(proposal=proposal).exists()


def test_the_pk_asked_for_the_litmas_reads_the_dossier_but_does_not_add_to_it(
    client_for, litmas_request
):
    response = upload(client_for("pk.bapas"), litmas_request.proposal, pdf())
    assert response.status_code == 403, response.content
    other = client_of(other_bapas_pk())
    assert upload(other, litmas_request.proposal, pdf()).status_code == 404


def test_a_closed_proposal_takes_no_document_409(client_for, person):
    closed = make_proposal(person, stage=Stage.WITHDRAWN)
    response = upload(client_for("petugas.selong"), closed, pdf())
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "proposal_closed"


def test_the_download_is_scoped_and_audited(client_for, proposal, officer):
    created = upload(client_for("petugas.selong"), proposal, pdf("kk.pdf"), kind="guarantor_letter")
    url = created.json()["file_url"]
    response = client_for("kanwil.ntb").get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"
    event = AuditEvent.objects.get(action="proposal.document.view")
    assert event.actor.username == "kanwil.ntb" and event.target_id == str(proposal.pk)
    assert event.changes["document"] == created.json()["id"]
    for username in ("petugas.lobar", "mitra.disnaker", "pk.bapas"):
        assert client_for(username).get(url).status_code == 404, username
    assert AuditEvent.objects.filter(action="proposal.document.view").count() == 1


def test_a_document_is_reached_only_through_its_own_proposal(client_for, proposal, selong):
    from tests.proposals.factories import eligible_person

    other = make_proposal(eligible_person(selong), stage=Stage.DOCUMENTS)
    kept = upload(client_for("petugas.selong"), other, pdf()).json()["id"]
    wrong = f"{documents_url(proposal)}/{kept}/file"
    assert client_for("petugas.selong").get(wrong).status_code == 404


def test_the_list_of_documents_is_scoped_audited_and_its_queries_do_not_grow(client_for, proposal):
    client = client_for("petugas.selong")
    upload(client, proposal, pdf(), kind="execution_record")
    with CaptureQueriesContext(connection) as few:
        first = client.get(documents_url(proposal))
    assert first.status_code == 200 and first.json()["count"] == 1
    for kind in ("guarantor_letter", "statement", "verdict_extract", "wali_report"):
        upload(client, proposal, pdf(), kind=kind)
    with CaptureQueriesContext(connection) as many:
        listed = client.get(documents_url(proposal))
    assert listed.json()["count"] == 5
    assert len(many) == len(few)
    assert {row["uploaded_by"] for row in listed.json()["items"]} == {"petugas.selong"}
    # The dossier is part of the proposal's record: its read is audited as one.
    read = AuditEvent.objects.filter(action="proposal.view").latest("created_at")
    assert read.target_id == str(proposal.pk)
    assert read.changes["path"] == documents_url(proposal)
    assert client_for("petugas.lobar").get(documents_url(proposal)).status_code == 404


def test_a_document_whose_file_the_storage_lost_is_a_404_not_audited(client_for, proposal):
    created = upload(client_for("petugas.selong"), proposal, pdf()).json()
    document = ProposalDocument.objects.get(pk=created["id"])
    document.file.storage.delete(document.file.name)
    response = client_for("petugas.selong").get(created["file_url"])
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert not AuditEvent.objects.filter(action="proposal.document.view").exists()


# --- the Litmas file ------------------------------------------------------------------------


def litmas_url(item: LitmasRequest) -> str:
    return f"/api/v1/litmas-requests/{item.pk}/document"


def test_the_pk_of_the_bapas_uploads_the_litmas_then_submits_it(client_for, litmas_request, pk):
    client = client_for("pk.bapas")
    response = client.post(litmas_url(litmas_request), {"document": pdf("litmas.pdf")})
    assert response.status_code == 200, response.content
    assert response.json()["has_document"] is True
    assert response.json()["officer"] == "pk.bapas"  # who uploads takes the request
    litmas_request.refresh_from_db()
    assert litmas_request.document is not None
    assert litmas_request.document.kind == DocumentKind.LITMAS
    assert litmas_request.document.uploaded_by == pk
    assert litmas_request.history.first().history_user == pk
    assert AuditEvent.objects.get(action="litmas.upload").actor == pk
    submitted = client.post(
        f"/api/v1/litmas-requests/{litmas_request.pk}/submission",
        {"recommendation": "Direkomendasikan"},
        content_type="application/json",
    )
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == LitmasStatus.SUBMITTED
    again = client.post(litmas_url(litmas_request), {"document": pdf("litmas-2.pdf")})
    assert again.status_code == 409 and again.json()["code"] == "litmas_not_open"


@pytest.mark.parametrize("file", [exe_named_pdf, too_large_pdf])
def test_a_litmas_file_that_is_not_a_document_is_a_422_at_the_document(
    client_for, litmas_request, file
):
    response = client_for("pk.bapas").post(litmas_url(litmas_request), {"document": file()})
    assert response.status_code == 422, response.content
    assert "document" in response.json()["errors"]
    litmas_request.refresh_from_db()
    assert litmas_request.document is None and litmas_request.officer is None


def test_a_missing_litmas_file_is_a_422_at_the_document(client_for, litmas_request):
    response = client_for("pk.bapas").post(litmas_url(litmas_request), {})
    assert response.status_code == 422, response.content
    assert "document" in response.json()["errors"]


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("petugas.selong", 403),  # the facility that asked reads it, the Bapas writes it
        ("kanwil.ntb", 403),
        ("petugas.lobar", 404),
        ("mitra.disnaker", 404),
    ],
)
def test_only_the_bapas_asked_uploads_the_litmas(client_for, litmas_request, username, status):
    response = client_for(username).post(litmas_url(litmas_request), {"document": pdf()})
    assert response.status_code == status, response.content
    litmas_request.refresh_from_db()
    assert litmas_request.document is None


def test_a_pk_of_another_bapas_does_not_reach_the_request(litmas_request):
    response = client_of(other_bapas_pk()).post(litmas_url(litmas_request), {"document": pdf()})
    assert response.status_code == 404


def test_a_request_assigned_to_another_pk_is_a_409(litmas_request, bapas):
    litmas_request.officer = MembershipFactory(role="probation_officer", facility=bapas).user
    litmas_request.save()
    response = Client()
    response.force_login(User.objects.get(username="pk.bapas"))
    answer = response.post(litmas_url(litmas_request), {"document": pdf()})
    assert answer.status_code == 409 and answer.json()["code"] == "litmas_assigned_elsewhere"


def test_the_litmas_download_is_audited_and_scoped(client_for, litmas_request):
    assert client_for("petugas.selong").get(litmas_url(litmas_request)).status_code == 404
    client_for("pk.bapas").post(litmas_url(litmas_request), {"document": pdf("litmas.pdf")})
    response = client_for("petugas.selong").get(litmas_url(litmas_request))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    event = AuditEvent.objects.get(action="litmas.file.view")
    assert event.actor.username == "petugas.selong"
    assert event.target_id == str(litmas_request.pk)
    elsewhere = FacilityFactory(kind="bapas", code="bapas-sumbawa")
    stranger = MembershipFactory(role="probation_officer", facility=elsewhere).user
    assert client_of(stranger).get(litmas_url(litmas_request)).status_code == 404
    assert client_for("mitra.disnaker").get(litmas_url(litmas_request)).status_code == 404
    assert AuditEvent.objects.filter(action="litmas.file.view").count() == 1


def test_the_openapi_description_names_the_upload_fields(client):
    schema = client.get("/api/v1/openapi.json").json()
    upload_op = schema["paths"]["/api/v1/proposals/{proposal_id}/documents"]["post"]
    form = upload_op["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert {"kind", "file", "note", "received_on"} <= set(_properties(schema, form))
    download = schema["paths"]["/api/v1/proposals/{proposal_id}/documents/{document_id}/file"]
    assert "application/pdf" in download["get"]["responses"]["200"]["content"]
    litmas_op = schema["paths"]["/api/v1/litmas-requests/{litmas_id}/document"]["post"]
    form = litmas_op["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert "document" in _properties(schema, form)


def _properties(schema: dict[str, Any], form: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in form:
        form = schema["components"]["schemas"][form["$ref"].rsplit("/", 1)[-1]]
    return dict(form.get("properties", {}))


def test_the_dossier_page_answers_404_not_500_when_the_storage_lost_a_file(client_for, proposal):
    """The download pages, like the API: a file the storage lost is a 404, and nothing is
    audited as read."""
    created = upload(client_for("petugas.selong"), proposal, pdf()).json()
    document = ProposalDocument.objects.get(pk=created["id"])
    document.file.storage.delete(document.file.name)
    page = client_for("petugas.selong").get(reverse("proposals:document", args=[document.pk]))
    assert page.status_code == 404
    assert not AuditEvent.objects.filter(action="proposal.document.view").exists()


def test_the_litmas_page_answers_404_not_500_when_the_storage_lost_its_file(
    client_for, litmas_request
):
    client_for("pk.bapas").post(litmas_url(litmas_request), {"document": pdf("litmas.pdf")})
    litmas_request.refresh_from_db()
    kept = litmas_request.document
    kept.file.storage.delete(kept.file.name)
    page = client_for("pk.bapas").get(reverse("proposals:litmas_file", args=[litmas_request.pk]))
    assert page.status_code == 404
    assert not AuditEvent.objects.filter(action="litmas.file.view").exists()
