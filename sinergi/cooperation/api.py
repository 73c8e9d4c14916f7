import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as ModelValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from sinergi.cooperation import actions, health
from sinergi.cooperation.choices import RequestKind, RequestStatus
from sinergi.cooperation.models import (
    Agreement,
    Commitment,
    Fulfilment,
    Meeting,
    SupportRequest,
)
from sinergi.core.api import PageNumber, api_user, errors
from sinergi.core.bounds import MAX_QUANTITY, MAX_RUPIAH
from sinergi.orgs.models import Facility, Partner

router = Router(tags=["cooperation"])


class RequestIn(Schema):
    facility: str
    partner: str
    kind: RequestKind
    title: str = Field(min_length=3, max_length=250)
    quantity: Decimal = Field(gt=0, le=MAX_QUANTITY, max_digits=12, decimal_places=2)
    unit: str = Field(min_length=1, max_length=40)
    needed_by: datetime.date
    justification: str = Field(min_length=3)
    program_id: int | None = None
    agreement_id: int | None = None
    commitment_id: int | None = None


class RequestOut(Schema):
    id: int
    facility: str
    partner: str
    kind: str
    title: str
    quantity: Decimal
    unit: str
    needed_by: datetime.date
    status: str
    accepted_quantity: Decimal | None
    answer_note: str
    program_id: int | None
    agreement_id: int | None

    @staticmethod
    def resolve_facility(obj: SupportRequest) -> str:
        return obj.facility.code

    @staticmethod
    def resolve_partner(obj: SupportRequest) -> str:
        return obj.partner.code


class TransitionIn(Schema):
    to: RequestStatus
    note: str = ""
    accepted_quantity: Decimal | None = Field(
        None, ge=0, le=MAX_QUANTITY, max_digits=12, decimal_places=2
    )


class FulfilmentIn(Schema):
    description: str = Field(min_length=2, max_length=300)
    delivered_on: datetime.date
    quantity: Decimal = Field(ge=0, le=MAX_QUANTITY, max_digits=12, decimal_places=2)
    unit: str = Field(min_length=1, max_length=40)
    value_rupiah: Decimal = Field(Decimal(0), ge=0, le=MAX_RUPIAH, decimal_places=0)
    session_ids: list[int] = []


class FulfilmentOut(Schema):
    id: int
    description: str
    delivered_on: datetime.date
    quantity: Decimal
    unit: str
    value_rupiah: Decimal


class CommitmentOut(Schema):
    id: int
    partner: str | None
    kind: str
    description: str
    target_quantity: Decimal
    delivered_quantity: Decimal
    unit: str
    due_date: datetime.date

    @staticmethod
    def resolve_partner(obj: Commitment) -> str | None:
        return obj.partner.code if obj.partner else None


class HealthOut(Schema):
    """Whether an agreement delivers, over it and the agreements under it."""

    status: str | None = Field(
        description="active, slowing, dormant or not_yet; null for a draft or an agreement "
        "no longer in force"
    )
    commitments: int
    delivered: int
    on_time: int
    median_days_to_answer: float | None
    last_delivery: datetime.date | None
    days_since_last_delivery: int | None


class AgreementOut(Schema):
    id: int
    kind: str
    number: str
    title: str
    status: str
    start_date: datetime.date
    end_date: datetime.date
    partners: list[str]
    parent_id: int | None
    commitments: list[CommitmentOut]
    health: HealthOut

    @staticmethod
    def resolve_status(obj: Agreement) -> str:
        return obj.effective_status

    @staticmethod
    def resolve_partners(obj: Agreement) -> list[str]:
        return [p.code for p in obj.partners.all()]

    @staticmethod
    def resolve_commitments(obj: Agreement) -> list[Commitment]:
        return list(obj.commitments_progress)  # type: ignore[attr-defined]


class ActionItemOut(Schema):
    id: int
    title: str
    due_date: datetime.date
    status: str
    owner: str

    @staticmethod
    def resolve_owner(obj: Any) -> str:
        owner = obj.owner_partner or obj.owner_facility
        return owner.code if owner else ""


class MeetingAttachmentOut(Schema):
    id: int
    title: str
    filename: str
    url: str = Field(description="the document, for those who see the meeting (audited)")

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return reverse("cooperation:meeting_attachment", args=[obj.pk])


class MeetingOut(Schema):
    id: int
    facility: str = Field(description="facility code")
    date: datetime.date
    title: str
    place: str
    minutes: str
    decisions: str
    attendees: list[str] = Field(description="usernames of the people who attended")
    partners: list[str] = Field(description="codes of the partners who attended")
    guest_facilities: list[str] = Field(description="codes of the other facilities attending")
    guests: str = Field(description="other attendees without an account, one per line")
    actions: list[ActionItemOut]
    attachments: list[MeetingAttachmentOut]

    @staticmethod
    def resolve_facility(obj: Meeting) -> str:
        return obj.facility.code

    @staticmethod
    def resolve_attendees(obj: Meeting) -> list[str]:
        return [u.username for u in obj.attendees.all()]

    @staticmethod
    def resolve_partners(obj: Meeting) -> list[str]:
        return [p.code for p in obj.partners.all()]

    @staticmethod
    def resolve_guest_facilities(obj: Meeting) -> list[str]:
        return [f.code for f in obj.guest_facilities.all()]

    @staticmethod
    def resolve_actions(obj: Meeting) -> list[Any]:
        return list(obj.actions.all())

    @staticmethod
    def resolve_attachments(obj: Meeting) -> list[Any]:
        return list(obj.attachments.all())


class NewActionItemIn(Schema):
    title: str = Field(max_length=300)
    due_date: datetime.date
    owner_partner: str | None = Field(None, description="partner code; none: the facility")


class MeetingPatch(Schema):
    """The fields to change; those left out keep their value. ``new_actions`` are added
    (the items already agreed are closed on their own)."""

    title: str | None = Field(None, max_length=250)
    date: datetime.date | None = None
    place: str | None = Field(None, max_length=200)
    minutes: str | None = None
    decisions: str | None = None
    guests: str | None = None
    attendees: list[str] | None = Field(None, description="usernames")
    partners: list[str] | None = Field(None, description="partner codes")
    guest_facilities: list[str] | None = Field(None, description="facility codes")
    new_actions: list[NewActionItemIn] = Field([], max_length=100)


def _meetings(user: Any) -> QuerySet[Meeting]:
    return (
        Meeting.objects.for_user(user)
        .select_related("facility")
        .prefetch_related(
            "actions__owner_partner",
            "actions__owner_facility",
            "attendees",
            "partners",
            "guest_facilities",
            "attachments",
        )
    )


def _request(request: HttpRequest, pk: int) -> SupportRequest:
    return get_object_or_404(
        SupportRequest.objects.for_user(api_user(request)).select_related("facility", "partner"),
        pk=pk,
    )


@router.get(
    "/support-requests",
    response={200: list[RequestOut], **errors(401, 422)},
    summary="Support requests",
)
@paginate(PageNumber)
def list_requests(
    request: HttpRequest, status: RequestStatus | None = None, partner: str | None = None
) -> QuerySet[SupportRequest]:
    rows = SupportRequest.objects.for_user(api_user(request)).select_related("facility", "partner")
    if status:
        rows = rows.filter(status=status)
    if partner:
        rows = rows.filter(partner__code=partner)
    return rows.order_by("-created_at", "-id")


@router.post(
    "/support-requests",
    response={201: RequestOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Draft a request",
)
def create_request(request: HttpRequest, payload: RequestIn) -> Status:
    user = api_user(request)
    facility = get_object_or_404(Facility.objects.for_user(user), code=payload.facility)
    partner = get_object_or_404(Partner, code=payload.partner)
    values = payload.dict(exclude={"facility", "partner"})
    values["partner"] = partner
    created = actions.create_request(facility=facility, values=values, by=user)
    return Status(201, created)


@router.get(
    "/support-requests/{request_id}",
    response={200: RequestOut, **errors(401, 404, 422)},
    summary="One request",
)
def get_request(request: HttpRequest, request_id: int) -> SupportRequest:
    return _request(request, request_id)


@router.post(
    "/support-requests/{request_id}/transitions",
    response={200: RequestOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Move a request (409 with the allowed next statuses)",
)
def transition(request: HttpRequest, request_id: int, payload: TransitionIn) -> SupportRequest:
    support = _request(request, request_id)
    return actions.transition_request(
        request=support,
        to=payload.to,
        note=payload.note,
        accepted_quantity=payload.accepted_quantity,
        by=api_user(request),
    )


@router.get(
    "/support-requests/{request_id}/fulfilments",
    response={200: list[FulfilmentOut], **errors(401, 404, 422)},
)
def list_fulfilments(request: HttpRequest, request_id: int) -> QuerySet[Fulfilment]:
    return _request(request, request_id).fulfilments.all()


@router.post(
    "/support-requests/{request_id}/fulfilments",
    response={201: FulfilmentOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Record a delivery",
)
def create_fulfilment(request: HttpRequest, request_id: int, payload: FulfilmentIn) -> Status:
    from sinergi.programs.models import Session

    support = _request(request, request_id)
    # Sessions reached through the request: those of its facility's programs.
    sessions = list(
        Session.objects.filter(
            program__facility_id=support.facility_id, pk__in=payload.session_ids
        ).select_related("program")
    )
    unknown = set(payload.session_ids) - {s.pk for s in sessions}
    if unknown:
        raise ModelValidationError(
            {
                "session_ids": [
                    _("No session %(ids)s at this facility.")
                    % {"ids": ", ".join(str(pk) for pk in sorted(unknown))}
                ]
            }
        )
    fulfilment = actions.record_fulfilment(
        request=support,
        values=payload.dict(exclude={"session_ids"}),
        sessions=sessions,
        by=api_user(request),
    )
    return Status(201, fulfilment)


@router.get(
    "/agreements",
    response={200: list[AgreementOut], **errors(401, 422)},
    summary="Agreements with commitments and health",
)
@paginate(PageNumber)
def list_agreements(request: HttpRequest) -> QuerySet[Agreement]:
    with_progress = health.commitments_with_progress(Commitment.objects.select_related("partner"))
    return (
        Agreement.objects.for_user(api_user(request))
        .with_health()
        .prefetch_related(
            "partners",
            Prefetch("commitments", queryset=with_progress, to_attr="commitments_progress"),
        )
        .order_by("-start_date", "id")
    )


@router.get(
    "/meetings",
    response={200: list[MeetingOut], **errors(401, 422)},
    summary="Meetings with action items",
)
@paginate(PageNumber)
def list_meetings(request: HttpRequest) -> QuerySet[Meeting]:
    return _meetings(api_user(request)).order_by("-date", "id")


@router.get(
    "/meetings/{coordination_meeting_id}",
    response={200: MeetingOut, **errors(401, 404, 422)},
    summary="One meeting",
)
def get_meeting(request: HttpRequest, coordination_meeting_id: int) -> Meeting:
    return get_object_or_404(_meetings(api_user(request)), pk=coordination_meeting_id)


@router.patch(
    "/meetings/{coordination_meeting_id}",
    response={200: MeetingOut, **errors(400, 401, 403, 404, 422)},
    summary="Correct a meeting, name who attended, add action items",
)
def update_meeting(
    request: HttpRequest, coordination_meeting_id: int, payload: MeetingPatch
) -> Meeting:
    from sinergi.accounts.models import User

    user = api_user(request)
    meeting = get_object_or_404(Meeting.objects.for_user(user), pk=coordination_meeting_id)
    fields = ("title", "date", "place", "minutes", "decisions", "guests")
    values = {
        name: getattr(payload, name)
        if getattr(payload, name) is not None
        else getattr(meeting, name)
        for name in fields
    }

    def named(model: Any, key: str, wanted: list[str] | None, current: Any) -> list[Any]:
        """The records ``wanted`` names (a 400 naming the unknown), else ``current``'s."""
        if wanted is None:
            return list(current.all())
        found = list(model.objects.filter(**{f"{key}__in": wanted}))
        unknown = set(wanted) - {getattr(o, key) for o in found}
        if unknown:
            raise ModelValidationError(
                {key: [_("Unknown: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}]}
            )
        return found

    owners = [a.owner_partner for a in payload.new_actions if a.owner_partner]
    partners = {p.code: p for p in named(Partner, "code", owners, None)}
    actions.update_meeting(
        meeting=meeting,
        values=values,
        attendees=named(User, "username", payload.attendees, meeting.attendees),
        partners=named(Partner, "code", payload.partners, meeting.partners),
        guest_facilities=named(
            Facility, "code", payload.guest_facilities, meeting.guest_facilities
        ),
        actions_=[
            {
                "title": a.title,
                "due_date": a.due_date,
                "owner_partner": partners.get(a.owner_partner or ""),
            }
            for a in payload.new_actions
        ],
        by=user,
    )
    return get_object_or_404(_meetings(user), pk=coordination_meeting_id)
