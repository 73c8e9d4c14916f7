"""Every write on programs: atomic, attributed (``by=``), audited.

The program workflow is the table ``TRANSITIONS``: which status may follow which, and
which facility roles may make the move. A move not in the table is a 409 (Conflict); a
move by a role not allowed is a 403 (PermissionDenied).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from sinergi.accounts.models import User
from sinergi.accounts.notify import Text, notify
from sinergi.core import audit
from sinergi.core.api import Conflict
from sinergi.core.roles import Role
from sinergi.core.scoping import scope_of
from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Facility
from sinergi.programs import rules as program_rules
from sinergi.programs.choices import (
    ENDED_STATUSES,
    AttendanceStatus,
    CertificateStatus,
    CompetencyResult,
    EndReason,
    ProgramStatus,
    SessionStatus,
    WaitingStatus,
)
from sinergi.programs.models import (
    Attendance,
    Certificate,
    CompetencyAssessment,
    CompetencyUnit,
    Enrollment,
    Holiday,
    Program,
    Session,
    WaitingListEntry,
)

S = ProgramStatus
OFFICER_ROLES = frozenset({Role.PROGRAM_OFFICER, Role.HEAD})
HEAD_ONLY = frozenset({Role.HEAD})

# (from, to) -> roles in the program's facility that may make the move.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.DRAFT, S.SUBMITTED): OFFICER_ROLES,
    (S.SUBMITTED, S.DRAFT): OFFICER_ROLES,  # returned for changes
    (S.SUBMITTED, S.APPROVED): HEAD_ONLY,
    (S.APPROVED, S.RUNNING): OFFICER_ROLES,
    (S.RUNNING, S.COMPLETED): OFFICER_ROLES,
    (S.DRAFT, S.CANCELLED): OFFICER_ROLES,
    (S.SUBMITTED, S.CANCELLED): HEAD_ONLY,
    (S.APPROVED, S.CANCELLED): HEAD_ONLY,
    (S.RUNNING, S.CANCELLED): HEAD_ONLY,
}
ENROLLING = frozenset({S.APPROVED, S.RUNNING})


def _roles_in(user: User, facility_id: int) -> frozenset[str]:
    return scope_of(user).facility_roles.get(facility_id, frozenset())


def allowed_transitions(program: Program, user: User) -> list[str]:
    roles = _roles_in(user, program.facility_id)
    return [to for (src, to), who in TRANSITIONS.items() if src == program.status and roles & who]


@transaction.atomic
def create_program(
    *,
    facility: Any,
    values: Mapping[str, Any],
    partners: Iterable[Any] = (),
    instructors: Iterable[Any] = (),
    slots: Iterable[Mapping[str, Any]] = (),
    by: User,
) -> Program:
    if not _roles_in(by, facility.pk) & OFFICER_ROLES:
        raise PermissionDenied(_("Only program officers and heads create programs."))
    partners, instructors, slots = list(partners), list(instructors), list(slots)
    problems = program_rules.program_value_problems(values)
    for name, messages in (
        ("partners", program_rules.partner_problems(facility, partners)),
        ("instructors", program_rules.instructor_problems(instructors)),
        ("slots", program_rules.slot_problems(slots)),
    ):
        if messages:
            problems.setdefault(name, []).extend(messages)
    if problems:
        raise ValidationError(problems)
    program = Program(facility=facility, created_by=by, **values)
    program.full_clean()
    program.save()
    program.partners.set(partners)
    program.instructors.set(instructors)
    for slot in slots:
        program.slots.create(**slot)
    audit.record("program.create", by=by, target=program, changes=dict(values))
    return program


@transaction.atomic
def set_units(*, program: Program, units: Iterable[tuple[str, str]], by: User) -> None:
    """Replace the program's competency units; units already assessed are kept."""
    wanted = [(code, title) for code, title in units]
    current = {(u.code, u.title): u for u in program.units.all()}
    removable = [u for key, u in current.items() if key not in wanted]
    assessed = set(
        CompetencyAssessment.objects.filter(unit__in=removable).values_list("unit_id", flat=True)
    )
    if assessed:
        raise Conflict(_("A unit that has results cannot be removed."), code="unit_in_use")
    CompetencyUnit.objects.filter(pk__in=[u.pk for u in removable]).delete()
    CompetencyUnit.objects.bulk_create(
        [
            CompetencyUnit(program=program, code=c, title=t)
            for c, t in wanted
            if (c, t) not in current
        ]
    )
    if removable or len(wanted) != len(current):
        audit.record("program.units", by=by, target=program, changes={"units": wanted})


@transaction.atomic
def update_program(
    *,
    program: Program,
    values: Mapping[str, Any],
    by: User,
    partners: Iterable[Any] | None = None,
    instructors: Iterable[Any] | None = None,
    units: Iterable[tuple[str, str]] | None = None,
) -> Program:
    if program.has_ended:
        raise Conflict(_("A completed or cancelled program cannot be changed."), "closed")
    partners = None if partners is None else list(partners)
    instructors = None if instructors is None else list(instructors)
    problems = program_rules.program_value_problems(
        {
            name: values.get(name, getattr(program, name))
            for name in ("start_date", "end_date", "kind", "category")
        }
    )
    for name, messages in (
        (
            "partners",
            program_rules.partner_problems(program.facility, partners or [], program=program),
        ),
        ("instructors", program_rules.instructor_problems(instructors or [])),
    ):
        if messages:
            problems.setdefault(name, []).extend(messages)
    if problems:
        raise ValidationError(problems)
    changes: dict[str, Any] = audit.diff(program, values)
    for name, value in values.items():
        setattr(program, name, value)
    program.full_clean()
    outside = program.sessions.filter(status=SessionStatus.SCHEDULED).exclude(
        date__range=(program.start_date, program.end_date)
    )
    if outside.filter(attendance__isnull=False).exists():
        raise Conflict(
            _(
                "Attendance is recorded for sessions outside the new dates: keep the dates "
                "around them."
            ),
            code="sessions_held",
        )
    program.save()
    # Sessions the new dates leave out will not take place (a program that finished early
    # is shortened, then completed): cancelled, so that nobody counts them as held.
    why = _("Outside the program's dates")
    for session in outside.select_related("program"):
        _cancel(session=session, reason=why, by=by)
    if "end_date" in changes and program.status in (S.APPROVED, S.RUNNING):
        # A longer program: its weekly schedule continues on the added days (from today
        # on; days already past are not filled in as if they had been held).
        generate_sessions(program=program, by=by, since=program.facility.today())
    for name, related in (("partners", partners), ("instructors", instructors)):
        if related is None:
            continue
        wanted = sorted(o.pk for o in related)
        manager = getattr(program, name)
        before = sorted(manager.values_list("pk", flat=True))
        if wanted != before:
            manager.set(wanted)
            changes[name] = [before, wanted]
    if units is not None:
        set_units(program=program, units=units, by=by)
    if changes:
        audit.record("program.update", by=by, target=program, changes=changes)
    return program


@transaction.atomic
def transition(*, program: Program, to: str, by: User, reason: str = "") -> Program:
    program = Program.objects.select_for_update().get(pk=program.pk)
    move = (program.status, to)
    if move not in TRANSITIONS:
        raise Conflict(
            _("A program that is %(from)s cannot become %(to)s.")
            % {"from": S(program.status).label, "to": S(to).label if to in S.values else to},
            code="invalid_transition",
        )
    if not _roles_in(by, program.facility_id) & TRANSITIONS[move]:
        raise PermissionDenied(_("Your role may not make this change."))
    if to == S.CANCELLED and not reason.strip():
        raise Conflict(_("Give a reason for cancelling."), code="reason_required")
    if to == S.SUBMITTED and not program.slots.exists() and not program.sessions.exists():
        raise Conflict(_("Add a weekly schedule or a session before submitting."), "no_schedule")
    if to == S.COMPLETED and program.facility.today() < program.end_date:
        # Completing ends every enrolment for good: not before the last day. A program
        # that really finished early is shortened first (its end date), then completed.
        raise Conflict(
            _(
                "The program runs until %(date)s: mark it completed from that day on, or "
                "change its end date first if it finished early."
            )
            % {"date": date_format(program.end_date, "DATE_FORMAT")},
            code="not_over",
        )
    previous = program.status
    program.status = to
    fields = ["status", "updated_at"]
    if to == S.APPROVED:
        program.approved_by = by
        program.approved_at = timezone.now()
        fields += ["approved_by", "approved_at"]
    if to == S.CANCELLED:
        program.cancel_reason = reason.strip()
        fields.append("cancel_reason")
    program.save(update_fields=fields)
    if to == S.APPROVED:
        generate_sessions(program=program, by=by)
    audit.record(
        "program.transition",
        by=by,
        target=program,
        changes={"status": [previous, to], **({"reason": reason} if reason else {})},
    )
    if to in ENDED_STATUSES:
        _close(program, by=by, reason=reason.strip())
    return program


def _close(program: Program, *, by: User, reason: str) -> None:
    """A program that ends leaves nobody enrolled in it or waiting for it: a completed
    program ends each open enrolment on its last day, completed or not by its completion
    rule; a cancelled one ends them today and cancels the sessions still to come. Pending
    and approved waiting-list entries are withdrawn."""
    today = program.facility.today()
    open_enrolments = program.enrollments.filter(ended_on__isnull=True).select_related(
        "program", "inmate"
    )
    for enrollment in open_enrolments:
        if program.status == S.COMPLETED:
            end_reason = (
                EndReason.COMPLETED
                if completion(enrollment, today).met
                else EndReason.NOT_COMPLETED
            )
            end_enrollment(
                enrollment=enrollment,
                reason=end_reason,
                by=by,
                on=min(today, program.end_date),
            )
        else:
            end_enrollment(
                enrollment=enrollment,
                reason=EndReason.PROGRAM_CANCELLED,
                by=by,
                note=reason,
                on=today,
            )
    # Nobody waits any longer for a place in a program that has ended.
    waiting = program.waiting_list.filter(
        status__in=[WaitingStatus.PENDING, WaitingStatus.APPROVED]
    )
    withdrawn = list(waiting.values_list("pk", flat=True))
    if withdrawn:
        waiting.update(
            status=WaitingStatus.WITHDRAWN, note=program.status, updated_at=timezone.now()
        )
        audit.record(
            "waiting.close",
            by=by,
            target=program,
            facility=program.facility_id,
            changes={"withdrawn": withdrawn},
        )
    if program.status == S.CANCELLED:
        why = _("Program cancelled: %(reason)s") % {"reason": reason}
        cancelled_for: Counter[User] = Counter()
        for session in program.sessions.filter(
            date__gte=today, status=SessionStatus.SCHEDULED
        ).select_related("program", "instructor"):
            _cancel(session=session, reason=why, by=by)
            if session.instructor is not None and session.instructor.pk != by.pk:
                cancelled_for[session.instructor] += 1
        for instructor, count in cancelled_for.items():  # one notice each, not one a session
            notify(
                [instructor],
                title=Text(
                    ngettext_lazy(
                        "Program cancelled: %(program)s; your %(n)s coming session is "
                        "cancelled (%(reason)s)",
                        "Program cancelled: %(program)s; your %(n)s coming sessions are "
                        "cancelled (%(reason)s)",
                        "n",
                    ),
                    program=program.title,
                    n=count,
                    reason=reason,
                ),
                url=program.get_absolute_url(),
            )


def generate_sessions(*, program: Program, by: User, since: datetime.date | None = None) -> int:
    """Sessions for every schedule slot between the program's dates (from ``since`` on,
    when given), skipping the facility's holidays; existing sessions are kept. Returns the
    number created."""
    slots = list(program.slots.all())
    if not slots:
        return 0
    holidays = set(
        Holiday.objects.filter(
            facility_id=program.facility_id, date__range=(program.start_date, program.end_date)
        ).values_list("date", flat=True)
    )
    existing = set(program.sessions.values_list("date", "start_time"))
    lead = program.instructors.order_by("id").first()
    new = []
    day = max(program.start_date, since) if since else program.start_date
    while day <= program.end_date:
        if day not in holidays:
            for slot in slots:
                if slot.weekday == day.weekday() and (day, slot.start_time) not in existing:
                    new.append(
                        Session(
                            program=program,
                            date=day,
                            start_time=slot.start_time,
                            end_time=slot.end_time,
                            instructor=lead,
                        )
                    )
        day += datetime.timedelta(days=1)
    bulk_create_with_history(new, Session, default_user=by)
    return len(new)


@transaction.atomic
@transaction.atomic
def add_session(*, program: Program, values: Mapping[str, Any], by: User) -> Session:
    """A one-off session of a program that has not ended, within the program's dates."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.has_ended:
        raise Conflict(
            _("The program is %(status)s: no session can be added.")
            % {"status": program.get_status_display().lower()},
            code="program_ended",
        )
    day = values.get("date")
    if day is not None and not program.start_date <= day <= program.end_date:
        raise Conflict(
            _("A session falls within the program's dates, %(start)s to %(end)s.")
            % {
                "start": date_format(program.start_date, "DATE_FORMAT"),
                "end": date_format(program.end_date, "DATE_FORMAT"),
            },
            code="outside_program",
        )
    problems = program_rules.session_problems(program, values)
    if problems:
        raise ValidationError(problems)
    session = Session(program=program, is_one_off=True, **values)
    session.full_clean()
    session.save()
    audit.record(
        "session.create", by=by, target=session, facility=program.facility_id, changes=dict(values)
    )
    return session


def session_can_change(session: Session) -> bool:
    """Whether a session may still be cancelled or restored: not once its program has
    been completed or cancelled (its record then stays as the program left it)."""
    return not session.program.has_ended


def _refuse_if_program_ended(session: Session) -> None:
    if not session_can_change(session):
        raise Conflict(
            _("The program is %(status)s: its sessions stay as they are.")
            % {"status": session.program.get_status_display().lower()},
            code="program_ended",
        )


@transaction.atomic
def cancel_session(
    *, session: Session, reason: str, by: User, holiday: Holiday | None = None
) -> Session:
    """Cancel a scheduled session of a program that has not ended, with a reason; its
    instructor is told."""
    _refuse_if_program_ended(session)
    cancelled = _cancel(session=session, reason=reason, by=by, holiday=holiday)
    _tell_the_instructor(
        session,
        by,
        gettext_lazy("Session cancelled: %(program)s, %(date)s %(time)s (%(reason)s)"),
        reason=cancelled.cancel_reason,
    )
    return cancelled


def _tell_the_instructor(session: Session, by: User, message: Any, **extra: str) -> None:
    """Notify the session's instructor (unless they made the change themselves), in the
    instructor's language."""
    instructor = session.instructor
    if instructor is None or instructor.pk == by.pk:
        return
    if session.date < session.program.facility.today():
        return  # a session of the past: nobody is waiting for it
    notify(
        [instructor],
        title=Text(
            message,
            program=session.program.title,
            date=session.date,
            time=f"{session.start_time:%H.%M}",
            **extra,
        ),
        url=session.get_absolute_url(),
    )


def _cancel(*, session: Session, reason: str, by: User, holiday: Holiday | None = None) -> Session:
    if not reason.strip():
        raise Conflict(_("Give a reason for cancelling."), code="reason_required")
    if session.status == SessionStatus.CANCELLED:
        raise Conflict(_("This session is already cancelled."), code="already_cancelled")
    session.status = SessionStatus.CANCELLED
    session.cancel_reason = reason.strip()
    session.cancelled_for = holiday
    session._history_user = by  # type: ignore[attr-defined]
    session.save(update_fields=["status", "cancel_reason", "cancelled_for", "updated_at"])
    audit.record(
        "session.cancel",
        by=by,
        target=session,
        facility=session.program.facility_id,
        changes={"reason": reason},
    )
    return session


def holiday_on(session: Session) -> Holiday | None:
    """The holiday of the session's facility on the session's day, if there is one."""
    return Holiday.objects.filter(
        facility_id=session.program.facility_id, date=session.date
    ).first()


@transaction.atomic
def restore_session(*, session: Session, by: User, on_holiday: bool = False) -> Session:
    """Undo the cancellation of a session (it was a mistake, or its holiday was removed):
    it takes place again on its own date and time, as long as its program has not been
    cancelled or completed. A day that is one of the facility's holidays is refused
    unless ``on_holiday`` confirms that the session must take place on it anyway."""
    if session.status != SessionStatus.CANCELLED:
        raise Conflict(_("This session is not cancelled."), code="not_cancelled")
    _refuse_if_program_ended(session)
    holiday = holiday_on(session)
    if holiday is not None and not on_holiday:
        raise Conflict(
            _(
                "%(date)s is a holiday at %(facility)s: %(name)s. Remove the holiday first, "
                "or keep the session cancelled; tick “Hold it on the holiday anyway” only "
                "if the session must take place that day."
            )
            % {
                "date": date_format(session.date, "DATE_FORMAT"),
                "facility": session.program.facility.name,
                "name": holiday.name,
            },
            code="holiday",
        )
    changes: dict[str, Any] = {"reason": session.cancel_reason}
    if holiday is not None:
        changes["on_holiday"] = holiday.name
    return _reschedule(session=session, by=by, changes=changes)


def _reschedule(*, session: Session, by: User, changes: Mapping[str, Any]) -> Session:
    """Undo the cancellation of ``session`` (checked by the caller), audited."""
    session.status = SessionStatus.SCHEDULED
    session.cancel_reason = ""
    session.cancelled_for = None
    session._history_user = by  # type: ignore[attr-defined]
    session.save(update_fields=["status", "cancel_reason", "cancelled_for", "updated_at"])
    audit.record(
        "session.restore",
        by=by,
        target=session,
        facility=session.program.facility_id,
        changes=changes,
    )
    _tell_the_instructor(
        session, by, gettext_lazy("Session restored: %(program)s, %(date)s %(time)s")
    )
    return session


# --- holidays -----------------------------------------------------------------------

# About two years: the national calendar of holidays (SKB) is known a year or so ahead.
HOLIDAY_DAYS_AHEAD = 731


@dataclass
class HolidayResult:
    """What adding a holiday did to the sessions of its day."""

    holiday: Holiday
    cancelled: list[Session] = field(default_factory=list)
    kept: list[Session] = field(default_factory=list)  # they already have attendance


def keeps_holidays(user: User, facility_id: int) -> bool:
    """Whether ``user`` may add and remove the holidays of the facility."""
    return bool(_roles_in(user, facility_id) & OFFICER_ROLES)


def _check_keeps_holidays(user: User, facility_id: int) -> None:
    if not keeps_holidays(user, facility_id):
        raise PermissionDenied(
            _("Only program officers and the head of the facility change its holidays.")
        )


def _holiday_taken(facility: Facility, day: datetime.date) -> Conflict:
    existing = Holiday.objects.filter(facility=facility, date=day).first()
    return Conflict(
        _("%(facility)s already has a holiday on %(date)s: %(name)s.")
        % {
            "facility": facility.name,
            "date": date_format(day, "DATE_FORMAT"),
            "name": existing.name if existing else "—",
        },
        code="holiday_exists",
    )


@transaction.atomic
def add_holiday(*, facility: Facility, date: datetime.date, name: str, by: User) -> HolidayResult:
    """Record a day off for ``facility`` and cancel the scheduled sessions of that day
    (of its programs not cancelled or completed) that have no attendance yet, each
    cancellation audited; sessions with attendance marks are kept and returned in
    ``kept``. Past dates are allowed, to correct records."""
    _check_keeps_holidays(by, facility.pk)
    name = " ".join(name.split())
    if not name:
        raise Conflict(_("Give the holiday a name."), code="name_required")
    latest = timezone.localdate() + datetime.timedelta(days=HOLIDAY_DAYS_AHEAD)
    if date > latest:
        raise Conflict(
            _("A holiday can be set at most two years ahead, until %(date)s.")
            % {"date": date_format(latest, "DATE_FORMAT")},
            code="too_far_ahead",
        )
    if Holiday.objects.filter(facility=facility, date=date).exists():
        raise _holiday_taken(facility, date)
    holiday = Holiday(facility=facility, date=date, name=name)
    try:
        holiday.full_clean(validate_constraints=False)
    except ValidationError as exc:
        raise Conflict(" ".join(exc.messages), code="invalid") from exc
    holiday._history_user = by  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            holiday.save()
    except IntegrityError as exc:  # another officer recorded the same day just now
        raise _holiday_taken(facility, date) from exc

    result = HolidayResult(holiday)
    sessions = (
        Session.objects.filter(
            program__facility=facility, date=date, status=SessionStatus.SCHEDULED
        )
        .exclude(program__status__in=ENDED_STATUSES)
        .annotate(marked=Exists(Attendance.objects.filter(session=OuterRef("pk"))))
        .select_related("program")
        .order_by("start_time", "program__title", "pk")
    )
    reason = _("Holiday: %(name)s") % {"name": name}
    for session in sessions:
        if session.marked:  # type: ignore[attr-defined]
            result.kept.append(session)
        else:
            result.cancelled.append(
                cancel_session(session=session, reason=reason, by=by, holiday=holiday)
            )
    audit.record(
        "holiday.add",
        by=by,
        target=holiday,
        changes={
            "date": date,
            "name": name,
            "cancelled_sessions": [s.pk for s in result.cancelled],
            "kept_sessions": [s.pk for s in result.kept],
        },
    )
    return result


@transaction.atomic
def remove_holiday(*, holiday: Holiday, by: User) -> tuple[list[Session], int]:
    """Delete ``holiday`` (its history keeps it) and schedule again the sessions it
    cancelled, those of programs not cancelled or completed since. Returns the sessions
    scheduled again and how many of the facility's sessions on that day stay cancelled."""
    _check_keeps_holidays(by, holiday.facility_id)
    # No holiday is left on the day once ``holiday`` goes (one a day): nothing to confirm.
    restored = [
        _reschedule(session=session, by=by, changes={"reason": session.cancel_reason})
        for session in holiday.cancelled_sessions.filter(status=SessionStatus.CANCELLED)
        .select_related("program")
        .exclude(program__status__in=ENDED_STATUSES)
        .order_by("start_time", "pk")
    ]
    still_cancelled = Session.objects.filter(
        program__facility_id=holiday.facility_id,
        date=holiday.date,
        status=SessionStatus.CANCELLED,
    ).count()
    audit.record(
        "holiday.remove",
        by=by,
        target=holiday,
        changes={
            "date": holiday.date,
            "name": holiday.name,
            "restored_sessions": len(restored),
            "cancelled_sessions": still_cancelled,
        },
    )
    holiday._history_user = by  # type: ignore[attr-defined]
    holiday.delete()
    return restored, still_cancelled


# --- eligibility and enrolment -----------------------------------------------------


def _months_between(start: datetime.date, end: datetime.date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def eligibility_problems(
    program: Program, inmate: Inmate, today: datetime.date | None = None
) -> list[str]:
    """Why ``inmate`` may not join ``program`` (empty when they may)."""
    today = today or timezone.localdate()
    problems = []
    if program.status not in ENROLLING:
        problems.append(_("The program is not approved or running."))
    if inmate.facility_id != program.facility_id:
        problems.append(_("The inmate is in another facility."))
    if inmate.status != "in_custody":
        problems.append(_("The inmate is not in custody."))
    if program.sex and inmate.sex and inmate.sex != program.sex:
        problems.append(_("The program is for %(sex)s only.") % {"sex": program.get_sex_display()})
    levels = program.allowed_security_levels
    if levels and inmate.security_level not in levels:
        problems.append(
            _("Security level %(level)s is not allowed in this program.")
            % {"level": inmate.get_security_level_display() or _("unknown")}
        )
    if program.min_months_left:
        sentence = getattr(inmate, "sentence", None)
        release = sentence.expiry_after_remission if sentence else None
        if release is not None:
            start = max(today, program.start_date)
            left = _months_between(start, release)
            if left < program.min_months_left:
                problems.append(
                    _("Only %(left)s months of sentence left; the program needs %(need)s.")
                    % {"left": max(left, 0), "need": program.min_months_left}
                )
    return problems


def active_count(program: Program) -> int:
    return program.enrollments.filter(ended_on__isnull=True).count()


@dataclass
class EnrolResult:
    enrollment: Enrollment | None = None
    waiting: WaitingListEntry | None = None


@transaction.atomic
def enroll(*, program: Program, inmate: Inmate, by: User) -> EnrolResult:
    """Give ``inmate`` a place, or put them on the waiting list when the program is full.

    The program row is locked first, so two officers enrolling at once cannot both take
    the last place.
    """
    program = Program.objects.select_for_update().get(pk=program.pk)
    problems = eligibility_problems(program, inmate)
    if problems:
        raise Conflict(" ".join(problems), code="not_eligible")
    if program.enrollments.filter(inmate=inmate, ended_on__isnull=True).exists():
        raise Conflict(_("The inmate is already enrolled."), code="already_enrolled")
    if program.waiting_list.filter(inmate=inmate, status__in=["pending", "approved"]).exists():
        raise Conflict(_("The inmate is already on the waiting list."), code="already_waiting")
    if active_count(program) < program.capacity:
        enrollment = Enrollment.objects.create(
            program=program, inmate=inmate, enrolled_on=timezone.localdate(), enrolled_by=by
        )
        audit.record(
            "enrollment.create",
            by=by,
            target=enrollment,
            facility=program.facility_id,
            changes={"inmate": inmate.pk},
        )
        return EnrolResult(enrollment=enrollment)
    entry = WaitingListEntry.objects.create(program=program, inmate=inmate, requested_by=by)
    audit.record(
        "waiting.create",
        by=by,
        target=entry,
        facility=program.facility_id,
        changes={"inmate": inmate.pk},
    )
    return EnrolResult(waiting=entry)


@transaction.atomic
def decide_waiting(*, entry: WaitingListEntry, status: str, by: User, note: str = "") -> None:
    allowed = {
        WaitingStatus.PENDING: {
            WaitingStatus.APPROVED,
            WaitingStatus.DECLINED,
            WaitingStatus.WITHDRAWN,
        },
        WaitingStatus.APPROVED: {WaitingStatus.DECLINED, WaitingStatus.WITHDRAWN},
    }
    if status not in allowed.get(WaitingStatus(entry.status), set()):
        raise Conflict(_("This waiting-list entry cannot change that way."), "invalid_transition")
    previous = entry.status
    entry.status = status
    entry.decided_by = by
    entry.note = note
    entry.save(update_fields=["status", "decided_by", "note", "updated_at"])
    audit.record(
        "waiting.decide",
        by=by,
        target=entry,
        facility=entry.program.facility_id,
        changes={"status": [previous, status]},
    )
    if status == WaitingStatus.APPROVED:
        fill_free_places(program=entry.program, by=by)


def fill_free_places(*, program: Program, by: User | None) -> list[Enrollment]:
    """Give free places to approved waiting-list entries, first come first served."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.status not in ENROLLING:
        return []
    free = program.capacity - active_count(program)
    created: list[Enrollment] = []
    if free <= 0:
        return created
    for entry in program.waiting_list.filter(status=WaitingStatus.APPROVED).select_related(
        "inmate"
    )[:free]:
        if eligibility_problems(program, entry.inmate):
            continue
        enrollment = Enrollment.objects.create(
            program=program,
            inmate=entry.inmate,
            enrolled_on=timezone.localdate(),
            enrolled_by=by,
        )
        entry.status = WaitingStatus.ALLOCATED
        entry.save(update_fields=["status", "updated_at"])
        audit.record(
            "enrollment.allocate",
            by=by,
            target=enrollment,
            facility=program.facility_id,
            changes={"waiting_entry": entry.pk},
        )
        created.append(enrollment)
    return created


def completed_on(enrollment: Enrollment, day: datetime.date) -> datetime.date:
    """The day an enrolment marked completed on ``day`` ends: no later than its program's
    end date (a certificate issued weeks after the program ended must not keep the
    trainee counted in it) and never before the enrolment began."""
    return max(enrollment.enrolled_on, min(day, enrollment.program.end_date))


@transaction.atomic
def end_enrollment(
    *,
    enrollment: Enrollment,
    reason: str,
    by: User | None,
    note: str = "",
    on: datetime.date | None = None,
) -> Enrollment:
    if enrollment.ended_on is not None:
        raise Conflict(_("This enrolment has already ended."), code="already_ended")
    if reason not in EndReason.values:
        raise Conflict(_("Unknown reason."), code="bad_reason")
    enrollment.ended_on = on or timezone.localdate()
    if reason == EndReason.COMPLETED:
        enrollment.program.refresh_from_db(fields=["end_date"])  # its dates may have moved
        enrollment.ended_on = completed_on(enrollment, enrollment.ended_on)
    enrollment.end_reason = reason
    enrollment.end_note = note
    enrollment.save(update_fields=["ended_on", "end_reason", "end_note", "updated_at"])
    audit.record(
        "enrollment.end",
        by=by,
        target=enrollment,
        facility=enrollment.program.facility_id,
        changes={"reason": reason, "note": note},
    )
    fill_free_places(program=enrollment.program, by=by)
    return enrollment


def end_for_inmate(*, inmate: Inmate, status: str, by: User | None) -> None:
    """An inmate released or transferred leaves their programs and waiting lists."""
    reason = {"released": EndReason.RELEASED, "transferred": EndReason.TRANSFERRED}.get(status)
    if reason is None and status != "deceased":
        return
    open_enrollments = Enrollment.objects.filter(inmate=inmate, ended_on__isnull=True)
    for enrollment in open_enrollments.select_related("program"):
        end_enrollment(enrollment=enrollment, reason=reason or EndReason.OTHER, by=by, note=status)
    WaitingListEntry.objects.filter(inmate=inmate, status__in=["pending", "approved"]).update(
        status=WaitingStatus.WITHDRAWN, note=status, updated_at=timezone.now()
    )


# --- attendance ---------------------------------------------------------------------


def roster(session: Session) -> list[Enrollment]:
    """Enrolments that were active on the session's day, with their mark for it."""
    enrollments = list(
        session.program.enrollments.filter(enrolled_on__lte=session.date)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=session.date))
        .select_related("inmate")
        .order_by("inmate__name", "id")
    )
    marks = {a.enrollment_id: a for a in session.attendance.all()}
    for enrollment in enrollments:
        enrollment.mark = marks.get(enrollment.pk)  # type: ignore[attr-defined]
    return enrollments


NOTE_LENGTH = 200  # Attendance.note's column


@transaction.atomic
def record_attendance(*, session: Session, marks: Mapping[int, tuple[str, str]], by: User) -> int:
    """Save the whole roster in one go: ``{enrollment_id: (status, note)}``.

    A fixed number of queries whatever the roster's size; every mark keeps its history.
    """
    from sinergi.core.permissions import has_perm

    if not has_perm(by, "programs.take_attendance", session):
        raise PermissionDenied(_("Only the session's instructor or a program officer."))
    if session.status == SessionStatus.CANCELLED:
        raise Conflict(_("The session is cancelled."), code="cancelled")
    if session.date > timezone.localdate():
        raise Conflict(_("Attendance cannot be taken before the day of the session."), "future")
    valid = {e.pk for e in roster(session)}
    unknown = set(marks) - valid
    if unknown:
        raise Conflict(_("Some inmates are not on this session's roster."), code="not_on_roster")
    for status, note in marks.values():
        if status not in AttendanceStatus.values:
            raise Conflict(_("Unknown attendance status %(s)s.") % {"s": status}, "bad_status")
        if status == AttendanceStatus.OTHER and not note.strip():
            raise Conflict(_("Say what “other” means in the note."), code="note_required")
        if len(note) > NOTE_LENGTH:
            raise Conflict(
                _("A note is at most %(n)d characters.") % {"n": NOTE_LENGTH}, "note_too_long"
            )
    existing = {a.enrollment_id: a for a in session.attendance.all()}
    hours = Decimal(str(session.hours))
    now = timezone.now()
    new, changed = [], []
    for enrollment_id, (status, note) in marks.items():
        credit = hours if status == AttendanceStatus.PRESENT else Decimal(0)
        mark = existing.get(enrollment_id)
        if mark is None:
            new.append(
                Attendance(
                    session=session,
                    enrollment_id=enrollment_id,
                    status=status,
                    note=note,
                    hours=credit,
                    recorded_by=by,
                    recorded_at=now,
                )
            )
        elif (mark.status, mark.note) != (status, note):
            mark.status, mark.note, mark.hours = status, note, credit
            mark.recorded_by, mark.recorded_at = by, now
            changed.append(mark)
    if new:
        bulk_create_with_history(new, Attendance, default_user=by)
    if changed:
        bulk_update_with_history(
            changed,
            Attendance,
            ["status", "note", "hours", "recorded_by", "recorded_at"],
            default_user=by,
        )
    audit.record(
        "attendance.record",
        by=by,
        target=session,
        facility=session.program.facility_id,
        changes={"new": len(new), "changed": len(changed)},
    )
    return len(new) + len(changed)


# --- assessment, completion, certificates ---------------------------------------------


@transaction.atomic
def record_scores(
    *, enrollment: Enrollment, pre_test: int | None, post_test: int | None, by: User
) -> Enrollment:
    for value in (pre_test, post_test):
        if value is not None and not 0 <= value <= 100:
            raise Conflict(_("Scores are from 0 to 100."), code="bad_score")
    changes = audit.diff(enrollment, {"pre_test": pre_test, "post_test": post_test})
    enrollment.pre_test, enrollment.post_test = pre_test, post_test
    enrollment.save(update_fields=["pre_test", "post_test", "updated_at"])
    audit.record(
        "enrollment.scores",
        by=by,
        target=enrollment,
        facility=enrollment.program.facility_id,
        changes=changes,
    )
    return enrollment


@transaction.atomic
def record_competency(
    *, enrollment: Enrollment, unit: CompetencyUnit, result: str, by: User
) -> CompetencyAssessment:
    if unit.program_id != enrollment.program_id:
        raise Conflict(_("That unit belongs to another program."), code="wrong_unit")
    if result not in CompetencyResult.values:
        raise Conflict(_("Unknown result."), code="bad_result")
    assessment, _created = CompetencyAssessment.objects.update_or_create(
        enrollment=enrollment,
        unit=unit,
        defaults={"result": result, "assessed_by": by, "assessed_on": timezone.localdate()},
    )
    audit.record(
        "competency.record",
        by=by,
        target=assessment,
        facility=enrollment.program.facility_id,
        changes={"unit": unit.pk, "result": result},
    )
    return assessment


@dataclass
class Completion:
    sessions_held: int
    present: int
    hours: Decimal
    attendance_percent: int
    missing: list[str] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return not self.missing


def completion(enrollment: Enrollment, today: datetime.date | None = None) -> Completion:
    """Whether the program's completion rule is met, and what is missing if not."""
    today = today or timezone.localdate()
    program = enrollment.program
    until = min(today, enrollment.ended_on or today, program.end_date)
    held = program.sessions.filter(
        status=SessionStatus.SCHEDULED, date__gte=enrollment.enrolled_on, date__lte=until
    ).count()
    stats = enrollment.attendance.aggregate(
        present=Count("pk", filter=Q(status=AttendanceStatus.PRESENT)), hours=Sum("hours")
    )
    present = stats["present"] or 0
    percent = round(100 * present / held) if held else 0
    missing = []
    if held == 0:
        missing.append(_("No session has been held yet."))
    elif percent < program.min_attendance_percent:
        missing.append(
            _("Attendance %(p)s%% is below the required %(min)s%%.")
            % {"p": percent, "min": program.min_attendance_percent}
        )
    if program.pass_mark is not None and (
        enrollment.post_test is None or enrollment.post_test < program.pass_mark
    ):
        missing.append(
            _("The post-test is not passed (pass mark %(m)s).") % {"m": program.pass_mark}
        )
    units = list(program.units.all())
    if units:
        results = dict(enrollment.competencies.values_list("unit_id", "result"))
        not_yet = [u for u in units if results.get(u.pk) != CompetencyResult.COMPETENT]
        if not_yet:
            missing.append(
                _("Not yet competent in: %(units)s.")
                % {"units": ", ".join(str(u) for u in not_yet)}
            )
    return Completion(held, present, stats["hours"] or Decimal(0), percent, missing)


@transaction.atomic
def issue_certificate(*, enrollment: Enrollment, by: User) -> Certificate:
    enrollment = (
        Enrollment.objects.select_for_update()
        .select_related("program__facility", "inmate")
        .get(pk=enrollment.pk)
    )
    if hasattr(enrollment, "certificate"):
        raise Conflict(_("A certificate was already issued for this enrolment."), "exists")
    status = completion(enrollment)
    if not status.met:
        raise Conflict(" ".join(status.missing), code="not_completed")
    facility = enrollment.program.facility
    certificate = Certificate.objects.create(
        enrollment=enrollment,
        issued_on=timezone.localdate(),
        issued_by=by,
        hours=status.hours,
        head_name=facility.head_name or str(facility),
        holder_name=enrollment.inmate.name,
    )
    if enrollment.ended_on is None:
        enrollment.ended_on = completed_on(enrollment, timezone.localdate())
        enrollment.end_reason = EndReason.COMPLETED
        enrollment.save(update_fields=["ended_on", "end_reason", "updated_at"])
    audit.record(
        "certificate.issue",
        by=by,
        target=certificate,
        facility=facility.pk,
        changes={"enrollment": enrollment.pk, "hours": status.hours},
    )
    return certificate


@transaction.atomic
def revoke_certificate(*, certificate: Certificate, reason: str, by: User) -> Certificate:
    if not reason.strip():
        raise Conflict(_("Give a reason for revoking."), code="reason_required")
    if certificate.status == CertificateStatus.REVOKED:
        raise Conflict(_("This certificate is already revoked."), code="already_revoked")
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_reason = reason.strip()
    certificate.revoked_on = timezone.localdate()
    certificate.save(update_fields=["status", "revoked_reason", "revoked_on", "updated_at"])
    audit.record(
        "certificate.revoke",
        by=by,
        target=certificate,
        facility=certificate.enrollment.program.facility_id,
        changes={"reason": reason},
    )
    return certificate
