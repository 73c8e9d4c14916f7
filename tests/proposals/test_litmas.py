"""Litmas requests, the Bapas's side (sinergi/proposals/litmas_actions.py): the head assigns a
PK, a PK takes an unassigned request, the PK keeps the file and submits the Litmas with
its recommendation; the facility is notified; every refusal changes nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from sinergi.accounts.models import Notification, User
from sinergi.core.errors import Conflict
from sinergi.core.models import AuditEvent
from sinergi.core.roles import Role
from sinergi.orgs.models import Facility
from sinergi.programs.days_off import days_off
from sinergi.proposals import actions, clocks
from sinergi.proposals import litmas_actions as litmas
from sinergi.proposals.choices import DocumentKind, LitmasStatus, Stage
from sinergi.proposals.models import LitmasRequest, Proposal
from tests.factories import MembershipFactory
from tests.proposals.factories import make_proposal, other_bapas_pk, pdf

pytestmark = pytest.mark.django_db


def make_request(
    proposal: Proposal, bapas: Facility, *, due_in: int = 10, **fields: Any
) -> LitmasRequest:
    today = proposal.facility.today()
    return LitmasRequest.objects.create(
        proposal=proposal,
        bapas=bapas,
        requested_on=fields.pop("requested_on", today - datetime.timedelta(days=2)),
        due_on=today + datetime.timedelta(days=due_in),
        **fields,
    )


@pytest.fixture
def proposal(person: Any, officer: User) -> Proposal:
    return make_proposal(person, stage=Stage.LITMAS, by=officer)


@pytest.fixture
def request_(proposal: Proposal, bapas: Facility, officer: User) -> LitmasRequest:
    return make_request(proposal, bapas, requested_by=officer)


@pytest.fixture
def bapas_head(bapas: Facility) -> User:
    return MembershipFactory(
        role=Role.HEAD, facility=bapas, user__full_name="Kepala Bapas Mataram"
    ).user


def second_pk(bapas: Facility) -> User:
    return MembershipFactory(
        role=Role.PROBATION_OFFICER, facility=bapas, user__full_name="PK Kedua"
    ).user


# --- assigning ------------------------------------------------------------------------------


def test_the_head_of_the_bapas_assigns_a_pk_who_is_notified(request_, bapas_head, pk):
    litmas.assign_officer(litmas=request_, officer=pk, by=bapas_head)
    request_.refresh_from_db()
    assert request_.officer == pk
    event = AuditEvent.objects.get(action="litmas.assign")
    assert event.actor == bapas_head and event.facility_id == request_.bapas_id
    assert event.changes["officer"] == [None, pk.pk]
    note = Notification.objects.get(user=pk)
    assert request_.proposal.inmate.name in note.title
    assert note.url == f"/proposals/litmas/{request_.pk}/" or note.url.endswith(
        f"/litmas/{request_.pk}/"
    )


def test_a_pk_takes_an_unassigned_request_but_not_one_assigned_to_another(request_, bapas, pk):
    litmas.assign_officer(litmas=request_, officer=pk, by=pk)
    request_.refresh_from_db()
    assert request_.officer == pk
    assert AuditEvent.objects.get(action="litmas.assign").changes["taken"] is True
    assert not Notification.objects.filter(user=pk).exists()  # no note to oneself

    other = second_pk(bapas)
    with pytest.raises(PermissionDenied):
        litmas.assign_officer(litmas=request_, officer=other, by=other)
    request_.refresh_from_db()
    assert request_.officer == pk


def test_only_a_pk_of_the_bapas_is_assigned(request_, bapas_head, officer):
    with pytest.raises(ValidationError) as caught:
        litmas.assign_officer(litmas=request_, officer=officer, by=bapas_head)
    assert "officer" in caught.value.message_dict
    stranger = other_bapas_pk()
    with pytest.raises(ValidationError):
        litmas.assign_officer(litmas=request_, officer=stranger, by=bapas_head)
    request_.refresh_from_db()
    assert request_.officer is None
    assert not AuditEvent.objects.filter(action="litmas.assign").exists()


@pytest.mark.parametrize("who", ["petugas.selong", "kalapas.selong", "kanwil.ntb", "other-pk"])
def test_outsiders_of_the_bapas_do_not_assign(request_, pk, who):
    by = other_bapas_pk() if who == "other-pk" else User.objects.get(username=who)
    with pytest.raises(PermissionDenied):
        litmas.assign_officer(litmas=request_, officer=pk, by=by)
    request_.refresh_from_db()
    assert request_.officer is None


def test_the_head_of_a_lapas_is_not_the_head_of_a_bapas(request_, head, pk):
    """kalapas.selong holds the head role, in Selong: no Bapas's head."""
    assert not litmas.may_assign(head, request_)
    with pytest.raises(PermissionDenied):
        litmas.assign_officer(litmas=request_, officer=pk, by=head)


def test_a_submitted_request_is_not_reassigned(request_, bapas, bapas_head, pk):
    request_.status = LitmasStatus.SUBMITTED
    request_.save()
    with pytest.raises(Conflict) as caught:
        litmas.assign_officer(litmas=request_, officer=pk, by=bapas_head)
    assert caught.value.code == "litmas_not_open"


# --- submitting -----------------------------------------------------------------------------


def test_the_pk_submits_the_litmas_and_the_facility_is_notified(request_, bapas, pk, officer, head):
    done = litmas.submit_litmas(
        litmas=request_,
        upload=pdf("litmas-budi.pdf"),
        recommendation="  Direkomendasikan untuk PB dengan pengawasan Bapas.  ",
        by=pk,
    )
    done.refresh_from_db()
    assert done.status == LitmasStatus.SUBMITTED
    assert done.submitted_on == bapas.today()
    assert done.officer == pk  # the PK who submits an unassigned request is its officer
    assert done.recommendation == "Direkomendasikan untuk PB dengan pengawasan Bapas."
    document = done.document
    assert document is not None
    assert document.kind == DocumentKind.LITMAS and document.proposal == request_.proposal
    assert document.uploaded_by == pk and document.file.read().startswith(b"%PDF")
    event = AuditEvent.objects.get(action="litmas.submit")
    assert event.actor == pk and event.changes["status"] == ["requested", "submitted"]
    assert done.history.first().history_user == pk  # attributed outside a request too
    notified = set(Notification.objects.values_list("user__username", flat=True))
    assert {"petugas.selong", "kalapas.selong"} <= notified
    assert "pk.bapas" not in notified and "wali.selong" not in notified


def test_the_facility_then_moves_the_proposal_to_the_sidang_tpp(request_, pk, officer):
    litmas.submit_litmas(litmas=request_, upload=pdf(), recommendation="Layak", by=pk)
    moved = actions.transition(proposal=request_.proposal, to_stage=Stage.TPP, by=officer)
    assert moved.stage == Stage.TPP


def test_a_litmas_file_kept_first_is_submitted_later_without_a_new_upload(request_, pk):
    litmas.attach_document(litmas=request_, upload=pdf("draf.pdf"), by=pk)
    request_.refresh_from_db()
    assert request_.status == LitmasStatus.REQUESTED and request_.document is not None
    assert request_.officer == pk
    assert AuditEvent.objects.filter(action="litmas.upload").count() == 1
    litmas.submit_litmas(litmas=request_, recommendation="Direkomendasikan", by=pk)
    request_.refresh_from_db()
    assert request_.status == LitmasStatus.SUBMITTED
    assert request_.document.file.name.startswith("proposals/draf")


@pytest.mark.parametrize(
    ("upload", "recommendation", "field"),
    [
        (None, "Direkomendasikan", "document"),
        ("pdf", "   ", "recommendation"),
        ("pdf", "x" * (litmas.MAX_RECOMMENDATION + 1), "recommendation"),
        ("fake", "Direkomendasikan", "document"),
        ("exe", "Direkomendasikan", "document"),
    ],
)
def test_a_submission_without_its_file_or_recommendation_is_refused_at_its_field(
    request_, pk, upload, recommendation, field
):
    files = {
        None: None,
        "pdf": pdf(),
        "fake": SimpleUploadedFile("litmas.pdf", b"MZ not a pdf", content_type="application/pdf"),
        "exe": SimpleUploadedFile("litmas.exe", b"%PDF-1.4", content_type="application/pdf"),
    }
    with pytest.raises(ValidationError) as caught:
        litmas.submit_litmas(
            litmas=request_, upload=files[upload], recommendation=recommendation, by=pk
        )
    assert field in caught.value.message_dict
    request_.refresh_from_db()
    assert request_.status == LitmasStatus.REQUESTED and request_.document is None
    assert not request_.proposal.documents.exists()
    assert not AuditEvent.objects.filter(action="litmas.submit").exists()


def test_a_litmas_is_submitted_once(request_, pk):
    litmas.submit_litmas(litmas=request_, upload=pdf(), recommendation="Layak", by=pk)
    with pytest.raises(Conflict) as caught:
        litmas.submit_litmas(litmas=request_, upload=pdf(), recommendation="Lagi", by=pk)
    assert caught.value.code == "litmas_not_open"
    assert request_.proposal.documents.filter(kind=DocumentKind.LITMAS).count() == 1


def test_a_cancelled_request_takes_no_litmas(request_, pk):
    request_.status = LitmasStatus.CANCELLED
    request_.save()
    with pytest.raises(Conflict):
        litmas.submit_litmas(litmas=request_, upload=pdf(), recommendation="Layak", by=pk)


def test_a_request_assigned_to_another_pk_is_theirs_to_submit(request_, bapas, pk):
    other = second_pk(bapas)
    request_.officer = other
    request_.save()
    assert not litmas.may_submit(pk, request_)
    with pytest.raises(Conflict) as caught:
        litmas.submit_litmas(litmas=request_, upload=pdf(), recommendation="Layak", by=pk)
    assert caught.value.code == "litmas_assigned_elsewhere"
    litmas.submit_litmas(litmas=request_, upload=pdf(), recommendation="Layak", by=other)


@pytest.mark.parametrize(
    "who", ["petugas.selong", "kalapas.selong", "wali.selong", "kanwil.ntb", "admin", "other-pk"]
)
def test_only_a_pk_of_the_bapas_asked_submits(request_, who):
    by = other_bapas_pk() if who == "other-pk" else User.objects.get(username=who)
    with pytest.raises(PermissionDenied):
        litmas.submit_litmas(litmas=request_, upload=pdf(), recommendation="Layak", by=by)
    with pytest.raises(PermissionDenied):
        litmas.attach_document(litmas=request_, upload=pdf(), by=by)
    request_.refresh_from_db()
    assert request_.status == LitmasStatus.REQUESTED and request_.document is None


def test_the_bapas_head_reaches_the_requests_to_the_bapas_only(request_, proposal, bapas_head):
    other_bapas = Facility.objects.create(
        code="bapas-sumbawa",
        name="Bapas Sumbawa",
        kind="bapas",
        region=proposal.facility.region,
        regency="Sumbawa",
    )
    elsewhere = make_request(proposal, other_bapas)
    reached = set(litmas.requests_for(bapas_head).values_list("pk", flat=True))
    assert request_.pk in reached and elsewhere.pk not in reached


def test_overdue_is_counted_in_working_days_past_the_due_date_while_open(request_):
    today = request_.due_on + datetime.timedelta(days=4)
    working = clocks.working_days_between(request_.due_on, today, days_off(request_.bapas))
    assert litmas.is_overdue(request_, today) and litmas.days_overdue(request_, today) == working
    assert litmas.days_overdue(request_, request_.due_on) == 0  # the due day is not late
    request_.status = LitmasStatus.SUBMITTED
    assert litmas.days_overdue(request_, today) == 0


def test_the_bapas_is_told_when_a_litmas_is_asked(request_, bapas_head):
    litmas.notify_requested(request_)
    assert set(Notification.objects.values_list("user__username", flat=True)) == {
        "pk.bapas",
        bapas_head.username,
    }
