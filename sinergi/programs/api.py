import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from sinergi.core import audit
from sinergi.core.api import Conflict, LocalTime, PageNumber, api_user, errors
from sinergi.core.bounds import MAX_CAPACITY, MAX_MONTHS, MAX_PROGRAM_HOURS
from sinergi.core.permissions import has_perm
from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Facility
from sinergi.programs import actions, documents
from sinergi.programs.actions.common import CHANGE_REFUSED
from sinergi.programs.choices import (
    AttendanceStatus,
    CertificationScheme,
    ProgramCategory,
    ProgramKind,
    ProgramStatus,
    Weekday,
)
from sinergi.programs.models import Certificate, EarlyCompletion, Enrollment, Program, Session
from sinergi.programs.skills import MAX_SKILLS, SKILLS_DESCRIPTION, skills_named

router = Router(tags=["programs"])


class SlotSchema(Schema):
    weekday: Weekday
    start_time: LocalTime
    end_time: LocalTime


class ProgramIn(Schema):
    facility: str = Field(description="facility code")
    kind: ProgramKind
    category: ProgramCategory
    title: str = Field(min_length=3, max_length=200)
    description: str = ""
    location: str = ""
    capacity: int = Field(ge=1, le=MAX_CAPACITY)
    target_hours: int = Field(0, ge=0, le=MAX_PROGRAM_HOURS)
    start_date: datetime.date
    end_date: datetime.date
    allowed_security_levels: list[str] = []
    sex: str = ""
    min_months_left: int = Field(0, ge=0, le=MAX_MONTHS)
    certification: CertificationScheme = CertificationScheme.INTERNAL
    min_attendance_percent: int = Field(80, ge=0, le=100)
    pass_mark: int | None = Field(None, ge=0, le=100)
    partners: list[str] = Field([], description="partner codes")
    skills: list[int | str] = Field([], max_length=MAX_SKILLS, description=SKILLS_DESCRIPTION)
    slots: list[SlotSchema] = []


class ProgramPatch(Schema):
    title: str | None = Field(None, min_length=3, max_length=200)
    description: str | None = None
    location: str | None = None
    capacity: int | None = Field(None, ge=1, le=MAX_CAPACITY)
    target_hours: int | None = Field(None, ge=0, le=MAX_PROGRAM_HOURS)
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    min_attendance_percent: int | None = Field(None, ge=0, le=100)
    pass_mark: int | None = Field(None, ge=0, le=100)
    skills: list[int | str] | None = Field(
        None, max_length=MAX_SKILLS, description=f"{SKILLS_DESCRIPTION}; replaces them all"
    )


class ProgramOut(Schema):
    id: int
    facility: str
    kind: str
    category: str
    title: str
    status: str
    capacity: int
    target_hours: int
    start_date: datetime.date
    end_date: datetime.date
    certification: str

    @staticmethod
    def resolve_facility(obj: Program) -> str:
        return obj.facility.code


class SessionOut(Schema):
    id: int
    date: datetime.date
    start_time: LocalTime
    end_time: LocalTime
    status: str
    is_one_off: bool
    instructor: str | None

    @staticmethod
    def resolve_instructor(obj: Session) -> str | None:
        return obj.instructor.username if obj.instructor else None


class EnrollIn(Schema):
    inmate_id: int


class BulkEnrollIn(Schema):
    inmate_ids: list[int] = Field(..., max_length=200)


class BulkOutcome(Schema):
    inmate_id: int
    inmate_name: str
    outcome: str  # "enrolled" or "waiting"
    enrollment_id: int | None = None
    waiting_entry_id: int | None = None


class BulkEnrollOut(Schema):
    enrolled: int
    waiting: int
    outcomes: list[BulkOutcome]


class EnrollmentOut(Schema):
    id: int
    inmate_id: int
    inmate_name: str
    enrolled_on: datetime.date
    ended_on: datetime.date | None
    end_reason: str

    @staticmethod
    def resolve_inmate_name(obj: Enrollment) -> str:
        return obj.inmate.name


class WaitingOut(Schema):
    id: int
    inmate_id: int
    status: str
    waiting: bool = True


class MarkSchema(Schema):
    enrollment_id: int
    status: AttendanceStatus | None = None
    note: str = Field("", max_length=200)


class RosterOut(Schema):
    session_id: int
    date: datetime.date
    marks: list[MarkSchema]


class RosterIn(Schema):
    marks: list[MarkSchema]


class CompetencyCertificationIn(Schema):
    issuer: str = Field(description="the LSP (licensed by the BNSP) that issued it")
    number: str
    issued_on: datetime.date


class CompetencyCertificationOut(Schema):
    issuer: str
    number: str
    issued_on: datetime.date


class VerifyOut(Schema):
    code: str
    status: str
    program: str
    hours: float = Field(description="hours attended")
    program_hours: int = Field(description="the program's hours (0: none set)")
    completed_early_on: datetime.date | None = None
    competency_certification: CompetencyCertificationOut | None = None
    issued_on: datetime.date
    facility: str
    name_matches: bool | None = None


class EarlyCompletionIn(Schema):
    reason: str
    hours: Decimal = Field(description="hours actually attended")


class EarlyCompletionOut(Schema):
    enrollment_id: int
    completed_on: datetime.date
    reason: str
    hours: float
    completed_by: str | None

    @staticmethod
    def resolve_completed_by(obj: EarlyCompletion) -> str | None:
        return obj.completed_by.username if obj.completed_by else None


class CertificateOut(Schema):
    id: int
    code: str
    enrollment_id: int
    issued_on: datetime.date
    hours_attended: float
    program_hours: int
    status: str

    @staticmethod
    def resolve_hours_attended(obj: Certificate) -> float:
        return float(obj.hours)


def _program(request: HttpRequest, pk: int, write: bool = False) -> Program:
    program = get_object_or_404(
        Program.objects.for_user(api_user(request)).select_related("facility"),
        pk=pk,
    )
    if write and not has_perm(api_user(request), "programs.change_program", program):
        raise PermissionDenied(CHANGE_REFUSED)
    return program


@router.get(
    "/programs",
    response={200: list[ProgramOut], **errors(401, 422)},
    summary="Programs you can reach",
)
@paginate(PageNumber)
def list_programs(
    request: HttpRequest,
    facility: str | None = None,
    kind: ProgramKind | None = None,
    category: ProgramCategory | None = None,
    status: ProgramStatus | None = None,
) -> QuerySet[Program]:
    programs = Program.objects.for_user(api_user(request)).select_related("facility")
    if facility:
        programs = programs.filter(facility__code=facility)
    if kind:
        programs = programs.filter(kind=kind)
    if category:
        programs = programs.filter(category=category)
    if status:
        programs = programs.filter(status=status)
    return programs.order_by("-start_date", "id")


@router.post(
    "/programs",
    response={201: ProgramOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Create a program (draft)",
)
def create_program(request: HttpRequest, payload: ProgramIn) -> Status:
    from sinergi.orgs.models import Partner

    facility = get_object_or_404(
        Facility.objects.for_user(api_user(request)), code=payload.facility
    )
    values = payload.dict(exclude={"facility", "partners", "slots", "skills"})
    partners = list(Partner.objects.filter(code__in=payload.partners))
    unknown = sorted(set(payload.partners) - {p.code for p in partners})
    if unknown:  # the form offers only known partners
        raise ValidationError(
            {"partners": [_("No partner has the code %(codes)s.") % {"codes": ", ".join(unknown)}]}
        )
    program = actions.create_program(
        facility=facility,
        values=values,
        partners=partners,
        slots=[s.dict() for s in payload.slots],
        skills=skills_named(payload.skills),
        by=api_user(request),
    )
    return Status(201, program)


@router.patch(
    "/programs/{program_id}",
    response={200: ProgramOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Update a program",
)
def update_program(request: HttpRequest, program_id: int, payload: ProgramPatch) -> Program:
    program = _program(request, program_id, write=True)
    values = payload.dict(exclude_unset=True, exclude={"skills"})
    skills = None if payload.skills is None else skills_named(payload.skills)
    return actions.update_program(
        program=program, values=values, skills=skills, by=api_user(request)
    )


@router.get(
    "/programs/{program_id}/sessions",
    response={200: list[SessionOut], **errors(401, 404, 422)},
)
@paginate(PageNumber)
def list_sessions(request: HttpRequest, program_id: int) -> QuerySet[Session]:
    program = _program(request, program_id)
    return program.sessions.select_related("instructor").order_by("date", "start_time")


@router.get(
    "/programs/{program_id}/enrollments",
    response={200: list[EnrollmentOut], **errors(401, 403, 404, 422)},
)
@paginate(PageNumber)
def list_enrollments(request: HttpRequest, program_id: int) -> QuerySet[Enrollment]:
    program = _program(request, program_id, write=True)
    audit.read_list(
        request,
        "program.participants.list",
        facility=program.facility_id,
        details={"program": program.pk},
    )
    return program.enrollments.select_related("inmate").order_by("inmate__name", "id")


@router.post(
    "/programs/{program_id}/enrollments",
    response={201: EnrollmentOut, 202: WaitingOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Enrol an inmate (201), or waiting-list them when full (202)",
)
def create_enrollment(request: HttpRequest, program_id: int, payload: EnrollIn) -> Any:
    program = _program(request, program_id, write=True)
    inmate = get_object_or_404(Inmate, pk=payload.inmate_id, facility=program.facility)
    result = actions.enroll(program=program, inmate=inmate, by=api_user(request))
    if result.enrollment is not None:
        return Status(201, result.enrollment)
    return Status(202, result.waiting)


@router.post(
    "/programs/{program_id}/enrollments/bulk",
    response={200: BulkEnrollOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Enrol several inmates in one step: places first, then the waiting list; "
    "nobody when anyone may not join (409 naming each with the reason)",
)
def create_enrollments_bulk(
    request: HttpRequest, program_id: int, payload: BulkEnrollIn
) -> dict[str, Any]:
    program = _program(request, program_id, write=True)
    if not has_perm(api_user(request), "programs.view_participants", program):
        raise Http404
    found = {
        i.pk: i
        for i in Inmate.objects.filter(
            facility=program.facility, pk__in=payload.inmate_ids
        ).select_related("sentence")
    }
    if len(found) != len(set(payload.inmate_ids)):
        raise Http404  # an inmate of another facility, or none
    results = actions.enroll_many(
        program=program, inmates=[found[i] for i in payload.inmate_ids], by=api_user(request)
    )
    outcomes = [
        {
            "inmate_id": inmate.pk,
            "inmate_name": inmate.name,
            "outcome": "enrolled" if result.enrollment else "waiting",
            "enrollment_id": result.enrollment.pk if result.enrollment else None,
            "waiting_entry_id": result.waiting.pk if result.waiting else None,
        }
        for inmate, result in results
    ]
    enrolled = sum(1 for o in outcomes if o["outcome"] == "enrolled")
    return {"enrolled": enrolled, "waiting": len(outcomes) - enrolled, "outcomes": outcomes}


def _session(request: HttpRequest, session_id: int) -> Session:
    session = get_object_or_404(
        Session.objects.for_user(api_user(request)).select_related("program__facility"),
        pk=session_id,
    )
    if not has_perm(api_user(request), "programs.view_roster", session):
        raise PermissionDenied(_("Only the session's instructor or a program officer."))
    return session


def _roster_out(session: Session) -> dict[str, Any]:
    return {
        "session_id": session.pk,
        "date": session.date,
        "marks": [
            {
                "enrollment_id": e.pk,
                "status": getattr(e, "mark", None) and e.mark.status,  # type: ignore[attr-defined]
                "note": (getattr(e, "mark", None) and e.mark.note) or "",  # type: ignore[attr-defined]
            }
            for e in actions.roster(session)
        ],
    }


@router.get(
    "/sessions/{session_id}/attendance",
    response={200: RosterOut, **errors(401, 403, 404, 422)},
    summary="The roster",
)
def get_attendance(request: HttpRequest, session_id: int) -> dict[str, Any]:
    session = _session(request, session_id)
    roster = _roster_out(session)
    audit.read_list(
        request,
        "session.roster.list",
        count=len(roster["marks"]),
        facility=session.program.facility_id,
        details={"session": session.pk},
    )
    return roster


@router.put(
    "/sessions/{session_id}/attendance",
    response={200: RosterOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Save the whole roster",
)
def put_attendance(request: HttpRequest, session_id: int, payload: RosterIn) -> dict[str, Any]:
    session = _session(request, session_id)
    marks = {m.enrollment_id: (m.status.value, m.note) for m in payload.marks if m.status}
    if len(marks) != len({m.enrollment_id for m in payload.marks if m.status}):
        raise Conflict(_("An inmate appears twice in the roster."), "duplicate")
    actions.record_attendance(session=session, marks=marks, by=api_user(request))
    return _roster_out(session)


def _enrollment(request: HttpRequest, enrollment_id: int) -> Enrollment:
    """An enrolment of a program whose participants the caller sees (404 otherwise);
    the action checks who may change it (403)."""
    return get_object_or_404(
        Enrollment.objects.for_user(api_user(request)).select_related("program__facility"),
        pk=enrollment_id,
    )


@router.post(
    "/enrollments/{enrollment_id}/early-completion",
    response={201: EarlyCompletionOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Complete an enrolment before its program's last day (reason, hours attended)",
)
def complete_early(request: HttpRequest, enrollment_id: int, payload: EarlyCompletionIn) -> Status:
    enrollment = _enrollment(request, enrollment_id)
    early = actions.complete_early(
        enrollment=enrollment, reason=payload.reason, hours=payload.hours, by=api_user(request)
    )
    return Status(201, early)


@router.post(
    "/enrollments/{enrollment_id}/certificate",
    response={201: CertificateOut, **errors(401, 403, 404, 409, 422)},
    summary="Issue the certificate: from the program's last day, or after an early completion",
)
def issue_certificate(request: HttpRequest, enrollment_id: int) -> Status:
    enrollment = _enrollment(request, enrollment_id)
    return Status(201, actions.issue_certificate(enrollment=enrollment, by=api_user(request)))


@router.put(
    "/enrollments/{enrollment_id}/competency-certification",
    response={200: CompetencyCertificationOut, **errors(400, 401, 403, 404, 422)},
    summary="Record or correct the competency certificate an LSP issued to the trainee",
)
def put_competency_certification(
    request: HttpRequest, enrollment_id: int, payload: CompetencyCertificationIn
) -> Any:
    enrollment = _enrollment(request, enrollment_id)
    return actions.record_competency_certification(
        enrollment=enrollment, by=api_user(request), **payload.dict()
    )


@router.get(
    "/certificates/{code}/verify",
    response={200: VerifyOut, **errors(404, 422)},
    auth=None,
    summary="Verify a certificate (public)",
)
def verify_certificate(request: HttpRequest, code: str, name: str = "") -> dict[str, Any]:
    certificate = get_object_or_404(
        Certificate.objects.select_related("enrollment__program__facility"),
        code=code.strip().upper(),
    )
    program = certificate.enrollment.program
    matches = certificate.holder_is(name)
    facts = documents.certificate_facts(certificate)
    early = facts["early_completion"]
    return {
        "code": certificate.code,
        "status": certificate.status,
        "program": program.title,
        "hours": float(certificate.hours),
        "program_hours": certificate.program_hours,
        "completed_early_on": early.completed_on if early else None,
        "competency_certification": facts["competency_certification"],
        "issued_on": certificate.issued_on,
        "facility": program.facility.name,
        "name_matches": matches,
    }
