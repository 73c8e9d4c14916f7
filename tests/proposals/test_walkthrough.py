"""What a walkthrough of the proposal page and its API found: the sidang TPP's
recommendation and the Litmas submission on the page and its timeline; only the moves
that would succeed offered (the blocked ones shown disabled with why, listed apart in the
API), the refusals for a missing condition carrying the allowed moves; dates written the
page's way; meaningful empty choices; an upload refusal headed as one; one verb for
withdrawing; the letter signed by the head's name with its attachments in the
checklist's order; ``q`` on the proposals list; the Litmas list's order in the API."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from sinergi.accounts.models import Membership, User
from sinergi.cooperation.actions import RequestConflict
from sinergi.core.roles import Role
from sinergi.orgs.models import Facility, Signatory
from sinergi.proposals import actions, documents
from sinergi.proposals import tpp_actions as tpp
from sinergi.proposals.choices import (
    CHECKLIST,
    DocumentKind,
    LitmasStatus,
    Recommendation,
    SentTo,
    Stage,
)
from sinergi.proposals.models import LitmasRequest, Proposal, ProposalDocument
from tests.proposals.factories import (
    add_checklist,
    at_stage,
    eligible_person,
    make_proposal,
    pdf,
    recommend,
)
from tests.proposals.moves import prepare

pytestmark = pytest.mark.django_db


def page(client: Any, proposal: Proposal, language: str = "id") -> str:
    response = client.get(reverse("proposals:detail", args=[proposal.pk]), language=language)
    assert response.status_code == 200
    return str(response.content.decode())


def submitted_litmas(proposal: Proposal, bapas: Facility, pk: User) -> LitmasRequest:
    today = proposal.facility.today()
    litmas_file = ProposalDocument.objects.create(
        proposal=proposal, kind=DocumentKind.LITMAS, file=pdf("litmas.pdf"), received_on=today
    )
    return LitmasRequest.objects.create(
        proposal=proposal,
        bapas=bapas,
        officer=pk,
        requested_on=today - datetime.timedelta(days=10),
        due_on=today + datetime.timedelta(days=2),
        status=LitmasStatus.SUBMITTED,
        submitted_on=today - datetime.timedelta(days=3),
        recommendation="Layak diberikan PB",
        document=litmas_file,
    )


# --- 1. the TPP's recommendation and the Litmas on the page -------------------------------


def test_the_page_shows_the_litmas_submission_and_the_tpp_recommendation_in_place(
    client_for, person, bapas, pk, officer
):
    proposal = at_stage(make_proposal(person), Stage.TPP)
    today = proposal.facility.today()
    litmas = submitted_litmas(proposal, bapas, pk)
    meeting = tpp.record_meeting(
        facility=proposal.facility,
        values={
            "held_on": today,  # not before the proposal reached the TPP (today)
            "place": "Aula",
            "chair": None,
            "members": "",
            "minutes_number": "BA-7",
            "notes": "",
        },
        by=officer,
    )
    tpp.record_decision(
        meeting=meeting,
        proposal=proposal,
        recommendation=Recommendation.RECOMMENDED,
        note="Berkelakuan baik",
        by=officer,
    )
    proposal.events.create(from_stage=Stage.LITMAS, to_stage=Stage.TPP, on=today, by=officer)
    text = page(client_for("petugas.selong"), proposal, "en")
    minutes = reverse("proposals:tpp_minutes", args=[meeting.pk])
    litmas_link = reverse("proposals:document", args=[litmas.document.pk])
    timeline = text[text.index('id="timeline-title"') : text.index('id="documents-title"')]
    assert "Sidang TPP: Recommended" in timeline and "Berkelakuan baik" in timeline
    assert minutes in timeline
    assert "Litmas submitted" in timeline and litmas_link in timeline
    assert "Layak diberikan PB" in timeline and pk.get_full_name() in timeline
    # In place: the Litmas before the sidang TPP, the recommendation after the move to it.
    assert timeline.index("Litmas submitted") < timeline.index("Sidang TPP: Recommended")
    section = text[text.index('id="litmas-title"') :]
    assert "Submitted on" in section and litmas_link in section
    assert "Layak diberikan PB" in section and pk.get_full_name() in section


def test_the_minutes_link_is_not_shown_to_a_reader_who_cannot_open_them(
    client_for, person, bapas, pk
):
    proposal = at_stage(make_proposal(person), Stage.TPP)
    submitted_litmas(proposal, bapas, pk)
    decision = recommend(proposal)
    text = page(client_for("pk.bapas"), proposal, "en")
    assert "Sidang TPP: Recommended" in text
    assert reverse("proposals:tpp_minutes", args=[decision.meeting_id]) not in text


# --- 2. only the moves that would succeed ---------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "to", "code", "who"),
    [
        (Stage.DOCUMENTS, Stage.LITMAS, "checklist_incomplete", "petugas.selong"),
        (Stage.LITMAS, Stage.TPP, "litmas_not_submitted", "petugas.selong"),
        (Stage.TPP, Stage.SENT, "not_recommended", "kalapas.selong"),
    ],
)
def test_a_blocked_move_is_not_allowed_but_listed_apart_with_its_reason(
    client_for, person, stage, to, code, who
):
    proposal = at_stage(make_proposal(person), stage)
    user = User.objects.get(username=who)
    assert to not in actions.allowed_moves(proposal, user)
    assert [b[:2] for b in actions.blocked_moves(proposal, user)] == [(to, code)]
    body = client_for(who).get(f"/api/v1/proposals/{proposal.pk}/transitions").json()
    assert to not in [m["to_stage"] for m in body["allowed"]]
    assert [(b["to_stage"], b["reason_code"]) for b in body["blocked"]] == [(to, code)]
    assert body["blocked"][0]["message"]
    detail = client_for(who).get(f"/api/v1/proposals/{proposal.pk}").json()
    assert to not in detail["allowed_moves"]
    # The page shows it disabled, with the reason, and no form for it.
    text = page(client_for(who), proposal, "en")
    assert f'id="blocked-{to}-reason"' in text and "disabled" in text
    assert f'name="to_stage" value="{to}"' not in text


def test_once_the_condition_holds_the_move_is_allowed(person, head):
    proposal = at_stage(make_proposal(person), Stage.TPP)
    assert actions.allowed_moves(proposal, head) == [Stage.WITHDRAWN]
    recommend(proposal, Recommendation.POSTPONED)
    assert actions.allowed_moves(proposal, head) == [Stage.WITHDRAWN]
    recommend(proposal)
    assert actions.allowed_moves(proposal, head) == [Stage.SENT, Stage.WITHDRAWN]
    assert actions.blocked_moves(proposal, head) == []


def test_the_blocked_moves_are_the_callers_only(person, wali):
    proposal = at_stage(make_proposal(person), Stage.TPP)
    assert actions.blocked_moves(proposal, wali) == []
    outsider = User.objects.get(username="petugas.lobar")
    assert actions.blocked_moves(proposal, outsider) == []


def test_a_missing_condition_is_a_409_with_the_allowed_moves(client_for, person):
    proposal = make_proposal(person)
    prepare(proposal, Stage.LITMAS, Stage.WITHDRAWN)  # a Litmas asked, not submitted
    response = client_for("petugas.selong").post(
        f"/api/v1/proposals/{proposal.pk}/transitions",
        {"to_stage": "tpp"},
        content_type="application/json",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "litmas_not_submitted"
    assert body["allowed"] == ["withdrawn"]


def test_the_action_refuses_a_blocked_move_with_the_allowed_ones(person, head):
    proposal = make_proposal(person)
    facts = prepare(proposal, Stage.TPP, Stage.SENT)
    proposal.tpp_decisions.all().delete()
    with pytest.raises(RequestConflict) as refused:
        actions.transition(proposal=proposal, to_stage=Stage.SENT, facts=facts, by=head)
    assert refused.value.code == "not_recommended"
    assert refused.value.allowed == [Stage.WITHDRAWN]


# --- 3. the words and dates of the page --------------------------------------------------------


def test_a_date_refusal_is_written_the_pages_way(person, head):
    proposal = make_proposal(person)
    facts = prepare(proposal, Stage.SENT, Stage.GRANTED)
    today = proposal.facility.today()
    facts["sk_date"] = today + datetime.timedelta(days=3)
    with translation.override("id"), pytest.raises(Exception) as refused:
        actions.transition(proposal=proposal, to_stage=Stage.GRANTED, facts=facts, by=head)
    message = " ".join(refused.value.message_dict["sk_date"])  # type: ignore[attr-defined]
    with translation.override("id"):
        from django.utils.formats import date_format

        written = date_format(today, "DATE_FORMAT")
    assert written in message and today.isoformat() not in message


def test_the_choices_have_meaningful_empty_labels_and_page_dates(client_for, person):
    proposal = at_stage(make_proposal(person), Stage.DOCUMENTS)
    add_checklist(proposal)
    text = page(client_for("petugas.selong"), proposal, "id")
    assert "---------" not in text
    assert "Pilih Bapas" in text and "Pilih dokumen (tidak wajib)" in text
    day = proposal.stage_since
    assert f"Petikan putusan ({day.isoformat()})" not in text
    with translation.override("id"):
        from django.utils.formats import date_format

        assert f"({date_format(day, 'DATE_FORMAT')})" in text


def test_a_rejected_upload_is_not_headed_as_a_move(client_for, person):
    proposal = at_stage(make_proposal(person), Stage.DOCUMENTS)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for("petugas.selong").post(
        reverse("proposals:document_add", args=[proposal.pk]),
        {"kind": "verdict_extract", "file": SimpleUploadedFile("x.pdf", b"not a pdf")},
        language="id",
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "Berkas tidak disimpan" in text and "Langkah tidak dilakukan" not in text


def test_withdrawing_says_one_verb(client_for, person):
    proposal = at_stage(make_proposal(person), Stage.DOCUMENTS)
    text = page(client_for("petugas.selong"), proposal, "id")
    withdraw = text[text.index('id="withdraw-title"') :]
    assert "Tarik usulan" in withdraw and "Cabut" not in withdraw
    assert "ditarik" in withdraw


# --- 4. the proposal letter ----------------------------------------------------------------------


def _letter_case(person: Any, officer: User) -> tuple[Any, Proposal]:
    proposal = at_stage(make_proposal(person), Stage.TPP)
    # The dossier kept in an order other than the checklist's.
    for kind in reversed(CHECKLIST):
        ProposalDocument.objects.create(
            proposal=proposal, kind=kind, file=pdf(), received_on=proposal.stage_since
        )
    decision = recommend(proposal)
    return decision.meeting, proposal


def test_the_letter_is_signed_with_the_heads_name_and_lists_the_checklist_in_order(
    person, officer, head
):
    # The facility names no signatory: its active head signs (test_official_documents.py).
    Signatory.objects.filter(facility=person.facility).delete()
    meeting, _proposal = _letter_case(person, officer)
    context = documents.proposal_letter_context(meeting, SentTo.KANWIL)
    assert context["head_name"] == head.get_full_name()
    labels = [str(DocumentKind(k).label) for k in CHECKLIST]
    attachments = context["rows"][0]["attachments"]
    assert attachments[: len(CHECKLIST)] == labels
    assert attachments[-1] == str(DocumentKind.TPP_MINUTES.label)
    from tests.proposals.pdf_text import pdf_text

    with translation.override("en"):
        text = pdf_text(documents.render_proposal_letter(meeting, SentTo.KANWIL))
    signature = text[text.rindex("Thank you") :]
    assert head.get_full_name() in signature


def test_without_an_active_head_the_letter_leaves_the_name_blank(person, officer, selong):
    meeting, _proposal = _letter_case(person, officer)
    Membership.objects.filter(facility=selong, role=Role.HEAD).update(is_active=False)
    context = documents.proposal_letter_context(meeting, SentTo.KANWIL)
    assert context["head_name"] == ""
    assert selong.head_name not in str(context["head_name"])


# --- 5. the API lists ----------------------------------------------------------------------------


def test_the_proposals_list_searches_by_name_or_number(client_for, selong):
    found = eligible_person(selong)
    found.name = "Lalu Muhammad Zulkarnain"
    found.save()
    other = eligible_person(selong)
    make_proposal(found)
    make_proposal(other)

    def ids(query: str) -> list[int]:
        body = client_for("petugas.selong").get(f"/api/v1/proposals?{query}").json()
        return [row["inmate_id"] for row in body["items"]]

    assert ids("q=zulkarnain") == [found.pk]
    assert ids(f"q={found.registration_number}") == [found.pk]
    assert set(ids("q=")) >= {found.pk, other.pk}


def test_the_litmas_requests_api_lists_the_overdue_first_like_the_page(
    client_for, person, selong, bapas
):
    today = selong.today()
    done = LitmasRequest.objects.create(
        proposal=make_proposal(person, stage=Stage.LITMAS),
        bapas=bapas,
        requested_on=today - datetime.timedelta(days=40),
        due_on=today - datetime.timedelta(days=30),
        status=LitmasStatus.SUBMITTED,
        submitted_on=today - datetime.timedelta(days=31),
    )
    late = LitmasRequest.objects.create(
        proposal=make_proposal(eligible_person(selong), stage=Stage.LITMAS),
        bapas=bapas,
        requested_on=today - datetime.timedelta(days=20),
        due_on=today - datetime.timedelta(days=2),
    )
    soon = LitmasRequest.objects.create(
        proposal=make_proposal(eligible_person(selong), stage=Stage.LITMAS),
        bapas=bapas,
        requested_on=today - datetime.timedelta(days=5),
        due_on=today + datetime.timedelta(days=5),
    )
    body = client_for("pk.bapas").get("/api/v1/litmas-requests").json()
    assert [row["id"] for row in body["items"]] == [late.pk, soon.pk, done.pk]
    page_text = client_for("pk.bapas").get(reverse("proposals:litmas_list") + "?show=all")
    html = page_text.content.decode()
    rows = [html.index(f"/proposals/litmas/{r.pk}/") for r in (late, soon, done)]
    assert rows == sorted(rows)
