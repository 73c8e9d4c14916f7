"""Proposals in the API: list (with filters) and start, one proposal with its timeline
and clocks, its moves (``/transitions``: the allowed ones for the caller, and making
one) and its dossier (``/documents``: the list, an upload as multipart form data, each
file's download). The TPP meetings and Litmas requests have their own routers."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from sinergi.core import audit
from sinergi.core.api import PageNumber, api_user, errors
from sinergi.core.downloads import kept_file
from sinergi.inmates.choices import Right
from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Facility, FacilityKind
from sinergi.proposals import actions, clocks
from sinergi.proposals.choices import DocumentKind, SentTo, Stage
from sinergi.proposals.models import MAX_REFERENCE, Proposal, ProposalDocument
from sinergi.proposals.queries import overdue_filter, proposal_clocks

router = Router(tags=["proposals"])


class ProposalClockOut(Schema):
    office: str = Field(description="facility, kanwil or ditjenpas")
    limit: int = Field(description="working days allowed")
    start: datetime.date
    deadline: datetime.date = Field(description="the last working day within the limit")
    stopped_on: datetime.date | None
    used: int = Field(description="working days used")
    remaining: int = Field(description="working days left; negative: working days late")
    passed: bool = Field(
        description="the deadline is behind: from the calendar day after it (also once "
        "stopped, if it stopped after it)"
    )
    late: int = Field(
        description="working days used past the limit: 0 until the deadline and on the days "
        "off right after it (passed, by 0 working days)"
    )


class ProposalEventOut(Schema):
    from_stage: str
    to_stage: str
    on: datetime.date
    at: datetime.datetime
    by: str | None
    note: str
    document_id: int | None

    @staticmethod
    def resolve_by(obj: Any) -> str | None:
        return obj.by.username if obj.by_id else None


def computed(proposal: Proposal) -> dict[str, Any]:
    """The fields of a proposal's answer that are computed (days waiting, clocks), once
    per proposal; the holidays come from the query's prefetch."""
    cached: dict[str, Any] | None = getattr(proposal, "_computed", None)
    if cached is not None:
        return cached
    today = proposal.facility.today()
    found = proposal_clocks(proposal, today=today)
    ended = proposal.released_on if proposal.stage == Stage.RELEASED else None
    if not proposal.is_open and ended is None:
        ended = proposal.stage_since
    cached = {
        "days_at_stage": clocks.days_at_stage(proposal.stage_since, today)
        if proposal.is_open
        else 0,
        "days_in_all": clocks.days_in_all(proposal.eligible_on, today, ended),
        "clocks": [
            {
                "office": c.office,
                "limit": c.limit,
                "start": c.start,
                "deadline": c.deadline,
                "stopped_on": c.stopped_on,
                "used": c.used,
                "remaining": c.remaining,
                "passed": c.passed,
                "late": c.late,
            }
            for c in found
        ],
        "overdue": any(c.passed and c.running for c in found),
    }
    proposal._computed = cached  # type: ignore[attr-defined]
    return cached


class ProposalOut(Schema):
    id: int
    inmate_id: int
    inmate_name: str
    registration_number: str
    facility: str
    right: str
    stage: str
    stage_since: datetime.date
    eligible_on: datetime.date
    sdp_reference: str
    sent_to: str
    sent_reference: str
    sent_on: datetime.date | None
    sk_number: str
    sk_date: datetime.date | None
    refusal_reason: str
    released_on: datetime.date | None
    leave_left_on: datetime.date | None = Field(description="leave_taken (CMK): left on")
    leave_returned_on: datetime.date | None = Field(
        description="leave_taken (CMK): came back on; null if not (yet) recorded"
    )
    leave_not_returned: bool = Field(description="leave_taken (CMK): did not come back")
    leave_days_late: int = Field(
        description="leave_taken (CMK): days after the leave's last day the person came back"
    )
    days_at_stage: int = Field(description="calendar days at the current stage")
    days_in_all: int = Field(description="calendar days since the eligibility date")
    clocks: list[ProposalClockOut]
    overdue: bool = Field(description="a running clock of the service standard has passed")

    @staticmethod
    def resolve_inmate_name(obj: Proposal) -> str:
        return obj.inmate.name

    @staticmethod
    def resolve_registration_number(obj: Proposal) -> str:
        return obj.inmate.registration_number

    @staticmethod
    def resolve_facility(obj: Proposal) -> str:
        return obj.facility.code

    @staticmethod
    def resolve_days_at_stage(obj: Proposal) -> int:
        return int(computed(obj)["days_at_stage"])

    @staticmethod
    def resolve_days_in_all(obj: Proposal) -> int:
        return int(computed(obj)["days_in_all"])

    @staticmethod
    def resolve_clocks(obj: Proposal) -> list[dict[str, Any]]:
        return list(computed(obj)["clocks"])

    @staticmethod
    def resolve_overdue(obj: Proposal) -> bool:
        return bool(computed(obj)["overdue"])


class ProposalDetailOut(ProposalOut):
    events: list[ProposalEventOut]
    missing_documents: list[str]
    allowed_moves: list[str]

    @staticmethod
    def resolve_events(obj: Any) -> list[Any]:
        return list(obj.events_out)

    @staticmethod
    def resolve_missing_documents(obj: Any) -> list[str]:
        return list(obj.missing_out)

    @staticmethod
    def resolve_allowed_moves(obj: Any) -> list[str]:
        return list(obj.moves_out)


class ProposalIn(Schema):
    inmate_id: int
    right: Right
    sdp_reference: str = Field("", max_length=MAX_REFERENCE, description="SDP's number")
    on: datetime.date | None = Field(None, description="the day it started; today if left out")


class ProposalFilters(Schema):
    right: Right | None = None
    stage: Stage | None = None
    facility: str | None = Field(None, max_length=30, description="facility code")
    overdue: bool | None = Field(None, description="a running service-standard clock passed")
    q: str | None = Field(
        None, max_length=100, description="the person's name or registration number (part)"
    )


class ProposalMoveOut(Schema):
    to_stage: str
    label: str
    required: list[str]
    optional: list[str]


class ProposalBlockedMoveOut(Schema):
    to_stage: str
    label: str
    reason_code: str = Field(
        description="checklist_incomplete, litmas_not_submitted or not_recommended"
    )
    message: str = Field(description="what is missing, in the request's language")


class ProposalTransitionsOut(Schema):
    stage: str
    allowed: list[ProposalMoveOut] = Field(description="the moves that would succeed now")
    blocked: list[ProposalBlockedMoveOut] = Field(
        description="your moves from this stage that a missing condition blocks"
    )


class ProposalTransitionIn(Schema):
    to_stage: Stage
    on: datetime.date | None = Field(None, description="the move's day; today if left out")
    note: str = Field("", max_length=actions.MAX_NOTE)
    document_id: int | None = Field(None, description="one of the proposal's documents")
    bapas: str | None = Field(None, max_length=30, description="litmas: the Bapas's code")
    due_on: datetime.date | None = Field(None, description="litmas: the Litmas's due date")
    sent_to: SentTo | None = Field(None, description="sent: kanwil or ditjenpas")
    sent_reference: str = Field("", max_length=MAX_REFERENCE)
    sent_on: datetime.date | None = None
    sk_number: str = Field("", max_length=MAX_REFERENCE)
    sk_date: datetime.date | None = None
    refusal_reason: str = Field("", max_length=actions.MAX_NOTE)
    released_on: datetime.date | None = None
    left_on: datetime.date | None = Field(None, description="leave_taken (CMK): left on")
    returned_on: datetime.date | None = Field(
        None, description="leave_taken (CMK): came back on (or not_returned)"
    )
    not_returned: bool | None = Field(
        None, description="leave_taken (CMK): true when the person did not come back"
    )
    reason: str = Field("", max_length=actions.MAX_NOTE, description="withdrawn: why")


def _detail(request: HttpRequest, proposal: Proposal) -> Proposal:
    """``proposal`` with what its detail answer adds: the timeline, the documents still
    missing, the caller's moves."""
    extra: Any = proposal
    extra.events_out = list(proposal.events.select_related("by"))
    extra.missing_out = actions.missing_documents(proposal)
    extra.moves_out = actions.allowed_moves(proposal, api_user(request))
    return proposal


def _proposal(request: HttpRequest, pk: int) -> Proposal:
    found: Proposal = get_object_or_404(
        Proposal.objects.for_user(api_user(request))
        .select_related("inmate", "facility")
        .prefetch_related("facility__holidays"),
        pk=pk,
    )
    return found


@router.get(
    "/proposals",
    response={200: list[ProposalOut], **errors(401, 422)},
    summary="Proposals you can reach (filters: right, stage, facility, overdue, q)",
)
@paginate(PageNumber)
def list_proposals(request: HttpRequest, filters: Query[ProposalFilters]) -> QuerySet[Proposal]:
    rows = Proposal.objects.for_user(api_user(request))
    if filters.right:
        rows = rows.filter(right=filters.right)
    if filters.stage:
        rows = rows.filter(stage=filters.stage)
    if filters.facility:
        rows = rows.filter(facility__code=filters.facility)
    if filters.q and filters.q.strip():
        rows = rows.filter(inmate__in=Inmate.objects.search(filters.q.strip()))
    if filters.overdue is not None:
        reached = list(rows.values_list("facility_id", flat=True).distinct())
        overdue = overdue_filter(reached)
        rows = rows.filter(overdue) if filters.overdue else rows.exclude(overdue)
    audit.read_list(request, "proposal.list")
    return (
        rows.select_related("inmate", "facility")
        .prefetch_related("facility__holidays")
        .order_by("-stage_since", "-id")
    )


@router.post(
    "/proposals",
    response={201: ProposalDetailOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Start a proposal for an eligible right (409 when one is already open)",
)
def create_proposal(request: HttpRequest, payload: ProposalIn) -> Status:
    user = api_user(request)
    inmate = get_object_or_404(Inmate.objects.for_user(user), pk=payload.inmate_id)
    proposal = actions.start_proposal(
        inmate=inmate,
        right=payload.right,
        sdp_reference=payload.sdp_reference,
        on=payload.on,
        by=user,
    )
    return Status(201, _detail(request, _proposal(request, proposal.pk)))


@router.get(
    "/proposals/{proposal_id}",
    response={200: ProposalDetailOut, **errors(401, 404, 422)},
    summary="One proposal: its timeline, clocks, missing documents and your moves",
)
def get_proposal(request: HttpRequest, proposal_id: int) -> Proposal:
    proposal = _proposal(request, proposal_id)
    audit.read(request, "proposal.view", target=proposal, facility=proposal.facility_id)
    return _detail(request, proposal)


@router.get(
    "/proposals/{proposal_id}/transitions",
    response={200: ProposalTransitionsOut, **errors(401, 404, 422)},
    summary="The moves you may make now, with the facts each needs; those blocked, with why",
)
def list_transitions(request: HttpRequest, proposal_id: int) -> dict[str, Any]:
    proposal = _proposal(request, proposal_id)
    user = api_user(request)
    return {
        "stage": proposal.stage,
        "allowed": [
            {
                "to_stage": to,
                "label": str(Stage(to).label),
                "required": list(actions.REQUIRED_FACTS.get(to, ())),
                "optional": [*actions.OPTIONAL_FACTS.get(to, ()), *actions.COMMON_FACTS],
            }
            for to in actions.allowed_moves(proposal, user)
        ],
        "blocked": [
            {
                "to_stage": to,
                "label": str(Stage(to).label),
                "reason_code": code,
                "message": message,
            }
            for to, code, message in actions.blocked_moves(proposal, user)
        ],
    }


@router.post(
    "/proposals/{proposal_id}/transitions",
    response={200: ProposalDetailOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Move the proposal (409 naming the allowed moves; 422 at a missing fact)",
)
def make_transition(request: HttpRequest, proposal_id: int, payload: ProposalTransitionIn) -> Any:
    user = api_user(request)
    proposal = _proposal(request, proposal_id)
    facts: dict[str, Any] = {
        name: value
        for name, value in payload.dict(exclude={"to_stage", "bapas", "document_id"}).items()
        if value not in (None, "")
    }
    if payload.bapas:
        bapas = Facility.objects.filter(code=payload.bapas, kind=FacilityKind.BAPAS).first()
        facts["bapas"] = bapas if bapas is not None else payload.bapas
    if payload.document_id is not None:
        document = ProposalDocument.objects.filter(proposal=proposal, pk=payload.document_id)
        facts["document"] = document.first() or payload.document_id
    try:
        moved = actions.transition(
            proposal=proposal, to_stage=payload.to_stage, facts=facts, by=user
        )
    except DjangoValidationError as exc:
        # The schema names the document by its id: the action's field is "document".
        if hasattr(exc, "error_dict") and "document" in exc.error_dict:
            exc.error_dict["document_id"] = exc.error_dict.pop("document")
        raise
    return _detail(request, _proposal(request, moved.pk))


# --- the dossier ----------------------------------------------------------------------

# The kinds of file the dossier keeps (checked by their content when uploaded).
DOCUMENT_TYPES = ("application/pdf", "image/jpeg", "image/png")
MAX_DOCUMENT_NOTE = 300


class ProposalDocumentOut(Schema):
    id: int
    proposal_id: int
    kind: DocumentKind
    received_on: datetime.date
    note: str
    uploaded_by: str | None = Field(description="username of who kept it")
    file_name: str
    file_url: str = Field(description="where to download the file (audited)")

    @staticmethod
    def resolve_uploaded_by(obj: ProposalDocument) -> str | None:
        return obj.uploaded_by.username if obj.uploaded_by is not None else None

    @staticmethod
    def resolve_file_name(obj: ProposalDocument) -> str:
        return obj.file.name.rsplit("/", 1)[-1]

    @staticmethod
    def resolve_file_url(obj: ProposalDocument) -> str:
        return reverse("api:proposal_document_file", args=[obj.proposal_id, obj.pk])


class ProposalDocumentIn(Schema):
    # Required, but checked by the action after the caller's permission: an outsider
    # learns nothing from a form left empty (404/403, not 422).
    kind: DocumentKind | None = Field(None, description="required: the document's kind")
    note: str = Field("", max_length=MAX_DOCUMENT_NOTE)
    received_on: datetime.date | None = Field(None, description="today if left out")


def file_answer(found: Any) -> FileResponse:
    """A kept file (a PDF, JPEG or PNG) as a download, named as it was uploaded; a 404
    when the storage has lost it (before anything is audited as read)."""
    return kept_file(found.file, as_attachment=True)


# The answer of a download in the OpenAPI description: the file itself.
FILE_ANSWER = {
    "responses": {
        200: {
            "description": "The file (PDF, JPEG or PNG).",
            "content": {
                kind: {"schema": {"type": "string", "format": "binary"}} for kind in DOCUMENT_TYPES
            },
        }
    }
}


@router.get(
    "/proposals/{proposal_id}/documents",
    response={200: list[ProposalDocumentOut], **errors(401, 404, 422)},
    summary="The documents of the proposal's dossier (the Litmas and SK among them)",
)
@paginate(PageNumber)
def list_documents(request: HttpRequest, proposal_id: int) -> QuerySet[ProposalDocument]:
    proposal = _proposal(request, proposal_id)
    # The dossier is part of the proposal's record: its read is audited as one.
    audit.read(request, "proposal.view", target=proposal, facility=proposal.facility_id)
    return proposal.documents.select_related("uploaded_by").order_by("kind", "-received_on", "-id")


@router.post(
    "/proposals/{proposal_id}/documents",
    response={201: ProposalDocumentOut, **errors(400, 401, 403, 404, 409, 422)},
    summary=(
        "Keep a document of the dossier: multipart form data with its kind and file (PDF, "
        "JPEG or PNG, at most 10 MB, checked by its content); 409 once the proposal is closed"
    ),
)
def add_document(
    request: HttpRequest,
    proposal_id: int,
    payload: Form[ProposalDocumentIn],
    file: File[UploadedFile | None] = None,
) -> Status:
    proposal = _proposal(request, proposal_id)
    document = actions.add_document(
        proposal=proposal,
        kind=payload.kind or "",
        file=file,
        received_on=payload.received_on,
        note=payload.note,
        by=api_user(request),
    )
    return Status(201, ProposalDocument.objects.select_related("uploaded_by").get(pk=document.pk))


@router.get(
    "/proposals/{proposal_id}/documents/{document_id}/file",
    response=errors(401, 404, 422),
    openapi_extra=FILE_ANSWER,
    url_name="proposal_document_file",
    summary="Download one document of the dossier (audited)",
)
def document_file(request: HttpRequest, proposal_id: int, document_id: int) -> FileResponse:
    proposal = _proposal(request, proposal_id)
    found = get_object_or_404(proposal.documents.all(), pk=document_id)
    answer = file_answer(found)
    audit.read(
        request,
        "proposal.document.view",
        target=proposal,
        facility=proposal.facility_id,
        details={"document": found.pk, "kind": found.kind},
    )
    return answer
