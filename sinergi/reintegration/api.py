import datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from sinergi.core import audit
from sinergi.core.api import MAX_PAGE, MAX_PAGE_SIZE, Conflict, PageNumber, api_user, errors
from sinergi.core.permissions import has_perm
from sinergi.inmates.models import Inmate
from sinergi.inmates.queries import place_message, place_needed
from sinergi.orgs.models import Partner
from sinergi.programs.skills import MAX_SKILLS, SKILLS_DESCRIPTION, skills_named
from sinergi.reintegration import actions
from sinergi.reintegration.choices import (
    LawfulBasis,
    Outcome,
    ReferralStatus,
    ReleaseKind,
    WorkStatus,
)
from sinergi.reintegration.models import (
    MAX_SAVINGS_RUPIAH,
    MAX_VACANCIES,
    Consent,
    FollowUp,
    JobOpening,
    Referral,
    ReintegrationPlan,
    Release,
)
from sinergi.reintegration.queries import (
    DEFAULT_HORIZON_DAYS,
    MAX_HORIZON_DAYS,
    employers_of,
    follow_ups_for,
    inmates_for,
    needs_for,
    open_needs_of,
    open_referrals_of,
    plans_for,
    releases_for,
    wali_name_of,
    with_summaries,
    worklist_queryset,
)

router = Router(tags=["reintegration"])


def _invalid(exc: DjangoValidationError) -> Status:
    """A refused field value: 422 with the error shape of every API answer."""
    errors = (
        {field: [str(m) for m in found] for field, found in exc.message_dict.items()}
        if hasattr(exc, "error_dict")
        else {"__all__": [str(m) for m in exc.messages]}
    )
    return Status(
        422,
        {"detail": "The request has invalid fields.", "code": "invalid", "errors": errors},
    )


class WorklistReferralOut(Schema):
    id: int
    partner: str
    status: str


class WorklistOut(Schema):
    id: int
    name: str
    registration_number: str
    expiry_after_remission: datetime.date | None
    earliest_right: datetime.date | None
    has_plan: bool
    open_needs: int
    wali: str | None
    open_need_pathways: list[str]
    open_referrals: list[WorklistReferralOut]

    @staticmethod
    def resolve_expiry_after_remission(obj: Inmate) -> datetime.date | None:
        return obj.sentence.expiry_after_remission

    @staticmethod
    def resolve_wali(obj: Inmate) -> str | None:
        return wali_name_of(obj)

    @staticmethod
    def resolve_open_need_pathways(obj: Inmate) -> list[str]:
        return [need.pathway for need in open_needs_of(obj)]

    @staticmethod
    def resolve_open_referrals(obj: Inmate) -> list[dict[str, Any]]:
        return [
            {"id": r.pk, "partner": r.partner.name, "status": r.status}
            for r in open_referrals_of(obj)
        ]


class NeedUpdateOut(Schema):
    status: str
    note: str
    at: datetime.datetime
    referral: int | None = Field(
        None, description="The completed referral that settled the need (its id), if any."
    )

    @staticmethod
    def resolve_referral(obj: Any) -> int | None:
        return obj.referral_id


class NeedOut(Schema):
    id: int
    pathway: str
    status: str
    responsible: str
    partner: str | None
    updates: list[NeedUpdateOut]

    @staticmethod
    def resolve_partner(obj: Any) -> str | None:
        return obj.partner.code if obj.partner else None

    @staticmethod
    def resolve_updates(obj: Any) -> list[Any]:
        return list(obj.updates.all())


class PlanOut(Schema):
    inmate_id: int
    assessment_version: int
    needs: list[NeedOut]

    @staticmethod
    def resolve_assessment_version(obj: ReintegrationPlan) -> int:
        return obj.assessment.version

    @staticmethod
    def resolve_needs(obj: ReintegrationPlan) -> list[Any]:
        return list(obj.needs.all())


class ConsentIn(Schema):
    partner: str = Field(max_length=100, description="code of a partner serving the facility")
    purpose: str = Field(min_length=2, max_length=300)
    basis: LawfulBasis = LawfulBasis.CONSENT
    basis_reference: str = Field("", max_length=200)
    guardian_name: str = Field("", max_length=200)
    given_on: datetime.date | None = Field(
        None, description="not in the future (facility's day); today when left out"
    )


class ConsentOut(Schema):
    id: int
    partner: str
    purpose: str
    basis: str
    given_on: datetime.date
    withdrawn_on: datetime.date | None

    @staticmethod
    def resolve_partner(obj: Consent) -> str:
        return obj.partner.code


class ReferralIn(Schema):
    inmate_id: int
    partner: str = Field(max_length=100, description="code of a partner serving the facility")
    purpose: str = Field(min_length=2, max_length=300)
    contact: str = Field("", max_length=200)
    need_id: int | None = None
    needs_custody: bool = False


class ReferralOut(Schema):
    id: int
    partner: str
    status: str
    outcome: str
    purpose: str
    shared: dict[str, Any]


class ReferralTransitionIn(Schema):
    to: ReferralStatus
    outcome: Outcome | None = None
    note: str = ""


class JobOpeningIn(Schema):
    title: str = Field(min_length=2, max_length=200)
    sector: str = Field("", max_length=100)
    place: str = Field("", max_length=150)
    vacancies: int = Field(1, ge=1, le=MAX_VACANCIES)
    skills_wanted: str = Field("", max_length=actions.MAX_TEXT)
    skill_categories: list[str] = Field([], max_length=50)
    skills: list[int | str] = Field([], max_length=MAX_SKILLS, description=SKILLS_DESCRIPTION)
    excluded_crime_categories: list[str] = Field([], max_length=50)
    closing_date: datetime.date = Field(description="from today to a year ahead")


class JobOpeningOut(Schema):
    id: int
    partner: str
    title: str
    sector: str
    place: str
    vacancies: int
    closing_date: datetime.date
    skills: list[str] = Field(description="names of the skills of the vocabulary it asks for")

    @staticmethod
    def resolve_partner(obj: JobOpening) -> str:
        return obj.partner.code

    @staticmethod
    def resolve_skills(obj: JobOpening) -> list[str]:
        return [s.name for s in obj.skills.all()]


class ReleaseOut(Schema):
    id: int
    inmate_id: int
    released_on: datetime.date
    kind: str
    sk_number: str = Field(description="the SK's number (a release on a decree); empty if none")
    sk_date: datetime.date | None
    address: str
    phone: str
    guarantor: str
    bapas: str | None
    acknowledged_at: datetime.datetime | None = Field(
        description="when the Bapas's probation officer acknowledged the hand-over; null until then"
    )
    acknowledged_by: str | None = Field(description="who acknowledged it (username)")

    @staticmethod
    def resolve_bapas(obj: Release) -> str | None:
        return obj.bapas.code if obj.bapas else None

    @staticmethod
    def resolve_acknowledged_by(obj: Release) -> str | None:
        return obj.acknowledged_by.username if obj.acknowledged_by is not None else None


class FollowUpOut(Schema):
    id: int
    release_id: int
    month: int
    due_on: datetime.date
    done_on: datetime.date | None
    contact_made: bool
    work_status: str
    new_offence: bool


class FollowUpIn(Schema):
    contact_made: bool = False
    work_status: WorkStatus | Literal[""] = ""
    income_source: str = Field("", max_length=200)
    housing: str = Field("", max_length=200)
    family: str = Field("", max_length=200)
    referrals_used: str = Field("", max_length=300)
    new_offence: bool = False
    note: str = Field("", max_length=actions.MAX_NOTE)
    done_on: datetime.date | None = Field(
        None, description="not before the release nor in the future; today when left out"
    )


def _inmate(request: HttpRequest, pk: int) -> Inmate:
    found: Inmate = get_object_or_404(
        inmates_for(api_user(request)).select_related("facility"), pk=pk
    )
    return found


@router.get(
    "/reintegration/worklist",
    response={200: list[WorklistOut], **errors(401, 422)},
    summary="People due for release or an integration right",
)
@paginate(PageNumber)
def worklist(
    request: HttpRequest,
    days: int = DEFAULT_HORIZON_DAYS,
    right: str = "",
    plan: str = "",
    q: str = Query("", max_length=200, description="Name, alias or registration number."),
    wali: str = "",
    pathway: str = "",
    sort: str = "",
    facility: int | None = Query(None, ge=1, le=2**62, description="A facility's id."),
    region: int | None = Query(None, ge=1, le=2**62, description="A region's id."),
) -> QuerySet[Inmate]:
    """Each person once, their open needs and referrals in the row; the page's filters
    (a value outside its list filters nothing) and sorts (``release``, ``name``,
    ``needs``). Beyond 50,000 people in custody in the caller's reach (the country), a
    ``facility`` or a ``region`` is required (422 otherwise), as on the page."""
    user = api_user(request)
    reach = place_needed(user, facility=facility, region=region)
    if reach is not None:
        raise DjangoValidationError({"facility": [place_message(reach)]})
    audit.read_list(request, "reintegration.worklist.list")
    rows = worklist_queryset(
        user,
        timezone.localdate(),
        max(1, min(days, MAX_HORIZON_DAYS)),
        right=right,
        plan=plan,
        q=q.replace("\x00", ""),
        wali=wali,
        pathway=pathway,
        sort=sort,
        facility=facility,
        region=region,
    )
    return with_summaries(rows)


@router.get(
    "/inmates/{inmate_id}/plan",
    response={200: PlanOut, **errors(401, 404, 422)},
    summary="Reintegration plan (also for the Bapas the person was handed over to)",
)
def get_plan(request: HttpRequest, inmate_id: int) -> ReintegrationPlan:
    # The Bapas the person was handed over to reads the plan too, as on the page.
    user = api_user(request)
    inmate: Inmate = get_object_or_404(plans_for(user), pk=inmate_id)
    plan = get_object_or_404(
        ReintegrationPlan.objects.select_related("assessment").prefetch_related(
            "needs__updates", "needs__partner"
        ),
        inmate=inmate,
    )
    audit.read(request, "reintegration.plan.view", target=inmate)
    return plan


@router.get(
    "/inmates/{inmate_id}/consents",
    response={200: list[ConsentOut], **errors(401, 404, 422)},
)
def list_consents(request: HttpRequest, inmate_id: int) -> list[Consent]:
    inmate = _inmate(request, inmate_id)
    consents = list(Consent.objects.filter(inmate=inmate).select_related("partner"))
    audit.read_list(
        request,
        "consent.list",
        count=len(consents),
        facility=inmate.facility_id,
        details={"inmate": inmate.pk},
    )
    return consents


@router.post(
    "/inmates/{inmate_id}/consents",
    response={201: ConsentOut, **errors(400, 401, 403, 404, 409, 422)},
)
def create_consent(request: HttpRequest, inmate_id: int, payload: ConsentIn) -> Status:
    inmate = _inmate(request, inmate_id)
    try:
        consent = actions.record_consent(
            inmate=inmate,
            partner=Partner.objects.filter(code=payload.partner).first(),
            purpose=payload.purpose,
            basis=payload.basis,
            basis_reference=payload.basis_reference,
            guardian_name=payload.guardian_name,
            given_on=payload.given_on or inmate.facility.today(),
            by=api_user(request),
        )
    except DjangoValidationError as exc:
        return _invalid(exc)
    return Status(201, consent)


def _referral_out(
    referral: Referral, request: HttpRequest, audited: bool = False
) -> dict[str, Any]:
    shared = (
        actions.referral_fields(referral)
        if audited
        else actions.shared_fields(referral=referral, by=api_user(request))
    )
    return {
        "id": referral.pk,
        "partner": referral.partner.code,
        "status": referral.status,
        "outcome": referral.outcome,
        "purpose": referral.purpose,
        "shared": shared,
    }


class ReferralPage(Schema):
    items: list[ReferralOut]
    count: int


@router.get(
    "/referrals",
    response={200: ReferralPage, **errors(401, 422)},
    summary="Referrals you can reach",
)
def list_referrals(
    request: HttpRequest,
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(50, ge=1, le=MAX_PAGE_SIZE),
) -> dict[str, Any]:
    """Paginated like every list; the reads of the people shown are audited in one write."""
    rows = (
        Referral.objects.for_user(api_user(request))
        .select_related("partner", "inmate", "need")
        .order_by("-created_at", "-id")
    )
    shown = list(rows[(page - 1) * page_size : page * page_size])
    count = rows.count()
    audit.read_list(
        request, "referral.list", count=count, details={"referrals": [r.pk for r in shown]}
    )
    return {
        "items": [_referral_out(r, request, audited=True) for r in shown],
        "count": count,
    }


@router.get(
    "/referrals/{referral_id}",
    response={200: ReferralOut, **errors(401, 404, 422)},
    summary="A referral: a partner sees only the fields it needs (audited)",
)
def get_referral(request: HttpRequest, referral_id: int) -> dict[str, Any]:
    referral = get_object_or_404(
        Referral.objects.for_user(api_user(request)).select_related("partner", "inmate", "need"),
        pk=referral_id,
    )
    audit.read(request, "referral.view", target=referral, facility=referral.inmate.facility_id)
    return _referral_out(referral, request, audited=True)


@router.post(
    "/referrals",
    response={201: ReferralOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Refer (409 naming the missing consent)",
)
def create_referral(request: HttpRequest, payload: ReferralIn) -> Status:
    inmate = _inmate(request, payload.inmate_id)
    need = None
    if payload.need_id:
        need = get_object_or_404(
            needs_for(api_user(request)).filter(plan__inmate=inmate), pk=payload.need_id
        )
    try:
        referral = actions.refer(
            inmate=inmate,
            partner=Partner.objects.filter(code=payload.partner).first(),
            purpose=payload.purpose,
            contact=payload.contact or api_user(request).get_full_name(),
            need=need,
            needs_custody=payload.needs_custody,
            by=api_user(request),
        )
    except DjangoValidationError as exc:
        return _invalid(exc)
    return Status(201, _referral_out(referral, request))


@router.post(
    "/referrals/{referral_id}/transitions",
    response={200: ReferralOut, **errors(400, 401, 403, 404, 409, 422)},
)
def referral_transition(
    request: HttpRequest, referral_id: int, payload: ReferralTransitionIn
) -> dict[str, Any]:
    referral = get_object_or_404(Referral.objects.for_user(api_user(request)), pk=referral_id)
    referral = actions.transition_referral(
        referral=referral,
        to=payload.to,
        outcome=payload.outcome or "",
        note=payload.note,
        by=api_user(request),
    )
    return _referral_out(referral, request)


@router.get(
    "/job-openings",
    response={200: list[JobOpeningOut], **errors(401, 422)},
    summary="Open job openings",
)
@paginate(PageNumber)
def list_jobs(request: HttpRequest) -> QuerySet[JobOpening]:
    return (
        JobOpening.objects.for_user(api_user(request))
        .select_related("partner")
        .prefetch_related("skills")
        .order_by("closing_date", "id")
    )


@router.post(
    "/job-openings",
    response={201: JobOpeningOut, **errors(400, 401, 403, 422)},
    summary="Post an opening",
)
def create_job(request: HttpRequest, payload: JobOpeningIn) -> Status:
    user = api_user(request)
    partner = employers_of(user).first()
    if partner is None:
        # The same refusal, in the caller's language, as the action gives.
        raise PermissionDenied(_("Only the employer's own users post its openings."))
    try:
        values = {**payload.dict(), "skills": skills_named(payload.skills)}
        return Status(201, actions.post_job(partner=partner, values=values, by=user))
    except DjangoValidationError as exc:
        return _invalid(exc)


@router.get(
    "/releases",
    response={200: list[ReleaseOut], **errors(401, 422)},
    summary="Releases you can reach",
)
@paginate(PageNumber)
def list_releases(request: HttpRequest) -> QuerySet[Release]:
    rows = releases_for(api_user(request)).select_related("bapas", "acknowledged_by")
    audit.read_list(request, "release.list")
    return rows.order_by("-released_on", "id")


class ReleaseIn(Schema):
    inmate_id: int
    released_on: datetime.date = Field(
        description="not before the detention start nor after tomorrow (facility's day)"
    )
    kind: ReleaseKind
    sk_number: str = Field(
        "", max_length=200, description="required for pb, cb, cmb and asimilasi (the decree)"
    )
    sk_date: datetime.date | None = Field(
        None, description="the SK's date: not after the release nor today"
    )
    leaves_with: str = Field("", max_length=actions.MAX_TEXT)
    savings_rupiah: int = Field(0, ge=0, le=MAX_SAVINGS_RUPIAH)
    address: str = Field("", max_length=300, description="where the person will live")
    phone: str = Field("", max_length=100, description="a telephone to reach them")
    guarantor: str = Field("", max_length=200, description="the guarantor (penjamin)")
    bapas: str | None = Field(None, max_length=100, description="code of the Bapas")
    probation_officer: str | None = Field(
        None, max_length=150, description="username of a probation officer of that Bapas"
    )
    confirm: bool = Field(
        False,
        description=(
            "true to record the release. Without it a valid release is not recorded: the "
            "answer is a 409 (code confirm_required) whose errors list what the release "
            "leaves behind (open_needs, consents, open_referrals), to be confirmed with "
            "the same body and confirm: true. After the release the plan is read only."
        ),
    )


@router.post(
    "/releases",
    response={201: ReleaseOut, **errors(400, 401, 403, 404, 409, 422)},
    summary=(
        "Record a release and hand-over (409 until confirmed with confirm: true, and when "
        "already recorded)"
    ),
)
def create_release(request: HttpRequest, payload: ReleaseIn) -> Status:
    from sinergi.accounts.models import User
    from sinergi.orgs.models import Facility, FacilityKind

    inmate = _inmate(request, payload.inmate_id)
    unknown: dict[str, list[str]] = {}
    bapas = None
    if payload.bapas:
        bapas = Facility.objects.filter(code=payload.bapas, kind=FacilityKind.BAPAS).first()
        if bapas is None:
            unknown["bapas"] = [_("No Bapas has this code.")]
    officer = None
    if payload.probation_officer:
        officer = User.objects.filter(username=payload.probation_officer).first()
        if officer is None:
            unknown["probation_officer"] = [_("Choose a probation officer of the Bapas.")]
    try:
        if unknown:
            raise DjangoValidationError(unknown)
        values = {
            "released_on": payload.released_on,
            "kind": payload.kind,
            "sk_number": payload.sk_number,
            "sk_date": payload.sk_date,
            "address": payload.address,
            "phone": payload.phone,
            "guarantor": payload.guarantor,
            "leaves_with": payload.leaves_with,
            "savings_rupiah": payload.savings_rupiah,
            "bapas": bapas,
            "probation_officer": officer,
        }
        if not payload.confirm:
            if not has_perm(api_user(request), "reintegration.change_plan", inmate):
                raise PermissionDenied(_("Only program officers and heads record a release."))
            if actions.is_released(inmate):
                raise Conflict(_("This release is already recorded."), code="already_released")
            found = actions.release_errors(inmate=inmate, values=values)
            if found:
                raise DjangoValidationError(found)
            return _unconfirmed(inmate)
        release = actions.record_release(inmate=inmate, by=api_user(request), values=values)
    except DjangoValidationError as exc:
        return _invalid(exc)
    return Status(201, release)


def _unconfirmed(inmate: Inmate) -> Status:
    """The 409 of a valid release sent without ``confirm: true``: what it leaves behind."""
    review = actions.release_review(inmate)
    return Status(
        409,
        {
            "detail": _(
                "Confirm the release (confirm: true): %(needs)s needs are still open, "
                "%(consents)s consents stand and %(referrals)s referrals are running; "
                "after the release the plan no longer changes."
            )
            % {
                "needs": len(review["open_needs"]),
                "consents": len(review["consents"]),
                "referrals": len(review["open_referrals"]),
            },
            "code": "confirm_required",
            "errors": {
                "open_needs": [
                    f"{n.get_pathway_display()}: {n.get_status_display()}"
                    for n in review["open_needs"]
                ],
                "consents": [f"{c.partner}: {c.purpose}" for c in review["consents"]],
                "open_referrals": [
                    f"{r.partner}: {r.purpose} ({r.get_status_display()})"
                    for r in review["open_referrals"]
                ],
            },
        },
    )


@router.post(
    "/inmates/{inmate_id}/handover-acknowledgement",
    response={200: ReleaseOut, **errors(401, 403, 404, 409, 422)},
    summary="Acknowledge a hand-over (the receiving Bapas's probation officers, once)",
)
def acknowledge_handover(request: HttpRequest, inmate_id: int) -> Status:
    user = api_user(request)
    inmate = get_object_or_404(plans_for(user), pk=inmate_id)
    release = get_object_or_404(releases_for(user), inmate=inmate)
    return Status(200, actions.acknowledge_handover(release=release, by=user))


@router.get(
    "/follow-ups",
    response={200: list[FollowUpOut], **errors(401, 422)},
    summary="Follow-ups after release",
)
@paginate(PageNumber)
def list_follow_ups(request: HttpRequest, due_only: bool = False) -> QuerySet[FollowUp]:
    rows = follow_ups_for(api_user(request))
    if due_only:
        rows = rows.filter(done_on__isnull=True)
    audit.read_list(request, "followup.list")
    return rows.order_by("due_on", "id")


@router.post(
    "/follow-ups/{follow_up_id}",
    response={200: FollowUpOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Record a follow-up (the Bapas's probation officers)",
)
def record_follow_up(request: HttpRequest, follow_up_id: int, payload: FollowUpIn) -> Status:
    item = get_object_or_404(follow_ups_for(api_user(request)), pk=follow_up_id)
    try:
        done = actions.record_follow_up(follow_up=item, values=payload.dict(), by=api_user(request))
    except DjangoValidationError as exc:
        return _invalid(exc)
    return Status(200, done)
