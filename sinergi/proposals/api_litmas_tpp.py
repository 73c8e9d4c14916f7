"""Litmas requests and sidang TPP meetings in the API.

``/api/v1/litmas-requests``: the facility sees the requests it asked, a Bapas (its PKs
and head) the requests to it; assigning a PK and submitting the Litmas with its
recommendation. The Litmas file is uploaded first (``/document``, multipart form data,
as on the request's page: kept, not yet submitted), then submitted with its
recommendation (422 at ``document`` when no file is kept); it is downloaded, audited,
from the same path.

``/api/v1/tpp-meetings``: the facility's meetings (list, record, one with its
decisions) and the board's recommendation on a proposal at the ``tpp`` stage.
"""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from sinergi.accounts.models import User
from sinergi.core import audit
from sinergi.core.api import PageNumber, api_user, errors
from sinergi.orgs.models import Facility
from sinergi.proposals import litmas_actions as litmas
from sinergi.proposals import tpp_actions as tpp
from sinergi.proposals.api import FILE_ANSWER, file_answer
from sinergi.proposals.choices import LitmasStatus, Recommendation
from sinergi.proposals.models import MAX_REFERENCE, LitmasRequest, Proposal, TppDecision, TppMeeting

router = Router(tags=["litmas and TPP"])


# --- Litmas requests ---------------------------------------------------------------------


class LitmasOut(Schema):
    id: int
    proposal_id: int
    inmate_name: str
    registration_number: str
    facility: str = Field(description="code of the facility that asked")
    right: str
    bapas: str = Field(description="code of the Bapas asked")
    officer: str | None = Field(description="username of the PK it is assigned to")
    requested_on: datetime.date
    due_on: datetime.date
    status: LitmasStatus
    submitted_on: datetime.date | None
    recommendation: str
    has_document: bool = Field(description="the Litmas file is kept (uploaded, not yet sent)")
    overdue: bool = Field(description="open, and its due date (its last day) is behind")
    days_overdue: int = Field(
        description=(
            "working days past the due date of an open request (the due date is set in "
            "working days; the Bapas's national and own holidays are not counted): 0 when "
            "not overdue, and when overdue by no working day yet (a Saturday after a Friday "
            "due date)"
        )
    )

    @staticmethod
    def resolve_inmate_name(obj: LitmasRequest) -> str:
        return obj.proposal.inmate.name

    @staticmethod
    def resolve_registration_number(obj: LitmasRequest) -> str:
        return obj.proposal.inmate.registration_number

    @staticmethod
    def resolve_facility(obj: LitmasRequest) -> str:
        return obj.proposal.facility.code

    @staticmethod
    def resolve_right(obj: LitmasRequest) -> str:
        return obj.proposal.right

    @staticmethod
    def resolve_bapas(obj: LitmasRequest) -> str:
        return obj.bapas.code

    @staticmethod
    def resolve_officer(obj: LitmasRequest) -> str | None:
        if hasattr(obj, "officer_username"):  # the list's rows (``with_officer_username``)
            named: str | None = obj.officer_username
            return named
        return obj.officer.username if obj.officer is not None else None

    @staticmethod
    def resolve_has_document(obj: LitmasRequest) -> bool:
        return obj.document_id is not None

    @staticmethod
    def resolve_overdue(obj: LitmasRequest) -> bool:
        return litmas.is_overdue(obj, obj.bapas.today())

    @staticmethod
    def resolve_days_overdue(obj: LitmasRequest) -> int:
        return litmas.days_overdue(obj, obj.bapas.today())


class LitmasFilters(Schema):
    status: LitmasStatus | None = None
    bapas: str | None = Field(None, max_length=30, description="code of the Bapas")
    mine: bool = Field(False, description="only those assigned to you")
    overdue: bool | None = Field(None, description="open and past their due date")


def _litmas_rows(request: HttpRequest) -> QuerySet[LitmasRequest]:
    return litmas.requests_for(api_user(request)).select_related(
        "bapas", "officer", "proposal__inmate", "proposal__facility"
    )


def _litmas(request: HttpRequest, pk: int) -> LitmasRequest:
    found: LitmasRequest = get_object_or_404(_litmas_rows(request), pk=pk)
    return found


@router.get(
    "/litmas-requests",
    response={200: list[LitmasOut], **errors(401, 422)},
    summary="Litmas requests you reach: those your facility asked, or those to your Bapas",
)
@paginate(PageNumber)
def list_litmas(request: HttpRequest, filters: Query[LitmasFilters]) -> QuerySet[LitmasRequest]:
    # The proposal, the person and the facilities read for the page's rows (prefetched):
    # joined, PostgreSQL joined every request in reach to them before sorting and keeping
    # 50 (the country's 58,000: 131 ms, 22 ms this way). The officer's username is a
    # subquery PostgreSQL runs for the 50 rows kept: a prefetch of the officers asks
    # nothing when no row has one, so the count would depend on the data.
    rows = litmas.with_officer_username(litmas.requests_for(api_user(request))).prefetch_related(
        "bapas", "proposal__inmate", "proposal__facility"
    )
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.bapas:
        rows = rows.filter(bapas__code=filters.bapas)
    if filters.mine:
        rows = rows.filter(officer=api_user(request))
    if filters.overdue is not None:
        # The caller's today (a day's difference at most between the zones).
        late = {"status": LitmasStatus.REQUESTED, "due_on__lt": timezone.localdate()}
        rows = rows.filter(**late) if filters.overdue else rows.exclude(**late)
    audit.read_list(request, "litmas.list")
    return litmas.in_list_order(rows)  # the web list's order: open first, most overdue first


@router.get(
    "/litmas-requests/{litmas_id}",
    response={200: LitmasOut, **errors(401, 404, 422)},
    summary="One Litmas request",
)
def get_litmas(request: HttpRequest, litmas_id: int) -> LitmasRequest:
    item = _litmas(request, litmas_id)
    audit.read(request, "litmas.view", target=item, facility=item.proposal.facility_id)
    return item


class AssignmentIn(Schema):
    officer: str = Field(max_length=150, description="username of a PK of the Bapas")


@router.post(
    "/litmas-requests/{litmas_id}/assignment",
    response={200: LitmasOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Assign the request to a PK (the Bapas's head; a PK may take an unassigned one)",
)
def assign_litmas(request: HttpRequest, litmas_id: int, payload: AssignmentIn) -> LitmasRequest:
    from django.core.exceptions import ValidationError

    item = _litmas(request, litmas_id)
    officer = User.objects.filter(username=payload.officer).first()
    if officer is None:
        raise ValidationError({"officer": ["Choose a probation officer of the Bapas."]})
    litmas.assign_officer(litmas=item, officer=officer, by=api_user(request))
    return _litmas(request, litmas_id)


class SubmissionIn(Schema):
    recommendation: str = Field(min_length=1, max_length=litmas.MAX_RECOMMENDATION)


@router.post(
    "/litmas-requests/{litmas_id}/submission",
    response={200: LitmasOut, **errors(400, 401, 403, 404, 409, 422)},
    summary=(
        "Submit the Litmas with its recommendation (the file is uploaded first, to "
        "/document; 409 once submitted)"
    ),
)
def submit_litmas(request: HttpRequest, litmas_id: int, payload: SubmissionIn) -> LitmasRequest:
    item = _litmas(request, litmas_id)
    litmas.submit_litmas(litmas=item, recommendation=payload.recommendation, by=api_user(request))
    return _litmas(request, litmas_id)


@router.post(
    "/litmas-requests/{litmas_id}/document",
    response={200: LitmasOut, **errors(400, 401, 403, 404, 409, 422)},
    summary=(
        "Keep the Litmas file, not yet submitted: multipart form data with the document "
        "(PDF, JPEG or PNG, at most 10 MB, checked by its content); a later one replaces it. "
        "A PK of the Bapas asked; who uploads takes an unassigned request (409 once submitted)"
    ),
)
def upload_litmas(
    request: HttpRequest, litmas_id: int, document: File[UploadedFile | None] = None
) -> LitmasRequest:
    item = _litmas(request, litmas_id)
    litmas.attach_document(litmas=item, upload=document, by=api_user(request))
    return _litmas(request, litmas_id)


@router.get(
    "/litmas-requests/{litmas_id}/document",
    response=errors(401, 404, 422),
    openapi_extra=FILE_ANSWER,
    summary="Download the Litmas file (audited; 404 while none is kept)",
)
def litmas_file(request: HttpRequest, litmas_id: int) -> Any:
    item = _litmas(request, litmas_id)
    if item.document is None or not item.document.file:
        raise Http404
    answer = file_answer(item.document)
    audit.read(request, "litmas.file.view", target=item, facility=item.proposal.facility_id)
    return answer


# --- TPP meetings --------------------------------------------------------------------------


class TppDecisionOut(Schema):
    id: int
    proposal_id: int
    inmate_name: str
    right: str
    recommendation: Recommendation
    note: str
    stage: str = Field(description="the proposal's stage now")

    @staticmethod
    def resolve_inmate_name(obj: TppDecision) -> str:
        return obj.proposal.inmate.name

    @staticmethod
    def resolve_right(obj: TppDecision) -> str:
        return obj.proposal.right

    @staticmethod
    def resolve_stage(obj: TppDecision) -> str:
        return obj.proposal.stage


class TppMeetingOut(Schema):
    id: int
    facility: str
    held_on: datetime.date
    place: str
    chair: str | None = Field(description="username of the chair")
    members: list[str]
    minutes_number: str
    notes: str
    discussed: int = Field(description="proposals with a recommendation at this meeting")

    @staticmethod
    def resolve_facility(obj: TppMeeting) -> str:
        return obj.facility.code

    @staticmethod
    def resolve_chair(obj: TppMeeting) -> str | None:
        return obj.chair.username if obj.chair is not None else None

    @staticmethod
    def resolve_members(obj: TppMeeting) -> list[str]:
        return tpp.member_lines(obj.members)

    @staticmethod
    def resolve_discussed(obj: TppMeeting) -> int:
        count = getattr(obj, "discussed", None)
        return int(count) if count is not None else obj.decisions.count()


class TppMeetingDetailOut(TppMeetingOut):
    decisions: list[TppDecisionOut]

    @staticmethod
    def resolve_decisions(obj: TppMeeting) -> list[TppDecision]:
        return list(
            obj.decisions.select_related("proposal__inmate").order_by(
                "proposal__inmate__name", "id"
            )
        )


class MeetingFilters(Schema):
    facility: str | None = Field(None, max_length=30, description="code of the facility")
    held_from: datetime.date | None = None
    held_until: datetime.date | None = None


def _meetings(request: HttpRequest) -> QuerySet[TppMeeting]:
    return (
        TppMeeting.objects.for_user(api_user(request))
        .select_related("facility", "chair")
        .with_discussed()
    )


def _meeting(request: HttpRequest, pk: int) -> TppMeeting:
    found: TppMeeting = get_object_or_404(_meetings(request), pk=pk)
    return found


@router.get(
    "/tpp-meetings",
    response={200: list[TppMeetingOut], **errors(401, 422)},
    summary="Sidang TPP meetings of the facilities you reach",
)
@paginate(PageNumber)
def list_meetings(request: HttpRequest, filters: Query[MeetingFilters]) -> QuerySet[TppMeeting]:
    rows = _meetings(request)
    if filters.facility:
        rows = rows.filter(facility__code=filters.facility)
    if filters.held_from:
        rows = rows.filter(held_on__gte=filters.held_from)
    if filters.held_until:
        rows = rows.filter(held_on__lte=filters.held_until)
    return rows.order_by("-held_on", "-id")


class TppMeetingIn(Schema):
    facility: str = Field(max_length=30, description="code of the facility")
    held_on: datetime.date
    place: str = Field("", max_length=tpp.MAX_PLACE)
    chair: str | None = Field(None, max_length=150, description="username of one of its staff")
    members: list[str] = Field(
        default_factory=list, max_length=tpp.MAX_MEMBER_LINES, description="name and position"
    )
    minutes_number: str = Field("", max_length=MAX_REFERENCE)
    notes: str = Field("", max_length=tpp.MAX_NOTES)


@router.post(
    "/tpp-meetings",
    response={201: TppMeetingDetailOut, **errors(400, 401, 403, 404, 422)},
    summary="Record a sidang TPP (the facility's program officers and head)",
)
def create_meeting(request: HttpRequest, payload: TppMeetingIn) -> Status:
    from django.core.exceptions import ValidationError

    user = api_user(request)
    facility = get_object_or_404(Facility.objects.for_user(user), code=payload.facility)
    chair = None
    if payload.chair:
        chair = User.objects.filter(username=payload.chair).first()
        if chair is None:
            raise ValidationError({"chair": ["Choose a member of the facility's staff."]})
    meeting = tpp.record_meeting(
        facility=facility,
        values={
            "held_on": payload.held_on,
            "place": payload.place,
            "chair": chair,
            "members": "\n".join(line.replace("\n", " ") for line in payload.members),
            "minutes_number": payload.minutes_number,
            "notes": payload.notes,
        },
        by=user,
    )
    return Status(201, _meeting(request, meeting.pk))


@router.get(
    "/tpp-meetings/{meeting_id}",
    response={200: TppMeetingDetailOut, **errors(401, 404, 422)},
    summary="One sidang TPP with the board's recommendation on each proposal",
)
def get_meeting(request: HttpRequest, meeting_id: int) -> TppMeeting:
    meeting = _meeting(request, meeting_id)
    audit.read(request, "tpp.view", target=meeting, facility=meeting.facility_id)
    return meeting


@router.get(
    "/tpp-meetings/{meeting_id}/decisions",
    response={200: list[TppDecisionOut], **errors(401, 404, 422)},
    summary="The board's recommendations at one sidang TPP",
)
def list_decisions(request: HttpRequest, meeting_id: int) -> list[TppDecision]:
    meeting = _meeting(request, meeting_id)
    audit.read(request, "tpp.view", target=meeting, facility=meeting.facility_id)
    return TppMeetingDetailOut.resolve_decisions(meeting)


class TppDecisionIn(Schema):
    proposal_id: int
    recommendation: Recommendation
    note: str = Field("", max_length=tpp.MAX_DECISION_NOTE)


@router.post(
    "/tpp-meetings/{meeting_id}/decisions",
    response={200: TppDecisionOut, **errors(400, 401, 403, 404, 409, 422)},
    summary=(
        "Record (or correct) the board's recommendation on a proposal at the tpp stage "
        "(409 when it is not, or the meeting is still to come)"
    ),
)
def record_decision(request: HttpRequest, meeting_id: int, payload: TppDecisionIn) -> Any:
    user = api_user(request)
    meeting = _meeting(request, meeting_id)
    proposal = get_object_or_404(
        Proposal.objects.for_user(user).select_related("inmate"), pk=payload.proposal_id
    )
    decision = tpp.record_decision(
        meeting=meeting,
        proposal=proposal,
        recommendation=payload.recommendation,
        note=payload.note,
        by=user,
    )
    return TppDecision.objects.select_related("proposal__inmate").get(pk=decision.pk)
