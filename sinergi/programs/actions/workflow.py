"""A program's catalogue entry and its workflow.

The workflow is the table ``TRANSITIONS``: which status may follow which, and the
permission (``programs.rules``) that makes the move: a program officer or the head
(``programs.change_program``), the head alone (``programs.approve_program``). A move not
in the table is a 409 (Conflict); a move without the permission is a 403
(PermissionDenied).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from sinergi.accounts.models import User
from sinergi.accounts.notify import Text, notify
from sinergi.core import audit
from sinergi.core.api import Conflict
from sinergi.core.permissions import has_perm, require_perm
from sinergi.core.roles import Role
from sinergi.programs import rules as program_rules
from sinergi.programs.actions.common import CHANGE_PROGRAM, CHANGE_REFUSED, S
from sinergi.programs.actions.enrolment import _end_enrollment
from sinergi.programs.actions.sessions import _cancel, generate_sessions
from sinergi.programs.choices import (
    ENDED_STATUSES,
    EndReason,
    SessionStatus,
    WaitingStatus,
)
from sinergi.programs.models import (
    CompetencyAssessment,
    CompetencyUnit,
    Program,
)
from sinergi.programs.queries import completion

REASON_LENGTH = 300  # Program.cancel_reason's column, and Session's

# The head of the program's facility (``programs.approve_program``).
HEAD_ONLY = "programs.approve_program"
# A program officer or the head of the program's facility.
OFFICERS = CHANGE_PROGRAM

# (from, to) -> the permission on the program that makes the move.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, S.SUBMITTED): OFFICERS,
    (S.SUBMITTED, S.DRAFT): OFFICERS,  # returned for changes
    (S.SUBMITTED, S.APPROVED): HEAD_ONLY,
    (S.APPROVED, S.RUNNING): OFFICERS,
    (S.RUNNING, S.COMPLETED): OFFICERS,
    (S.DRAFT, S.CANCELLED): OFFICERS,
    (S.SUBMITTED, S.CANCELLED): HEAD_ONLY,
    (S.APPROVED, S.CANCELLED): HEAD_ONLY,
    (S.RUNNING, S.CANCELLED): HEAD_ONLY,
}


def allowed_transitions(program: Program, user: User) -> list[str]:
    return [
        to
        for (src, to), perm in TRANSITIONS.items()
        if src == program.status and has_perm(user, perm, program)
    ]


@transaction.atomic
def create_program(
    *,
    facility: Any,
    values: Mapping[str, Any],
    partners: Iterable[Any] = (),
    instructors: Iterable[Any] = (),
    slots: Iterable[Mapping[str, Any]] = (),
    skills: Iterable[Any] = (),
    by: User,
) -> Program:
    require_perm(
        by,
        "programs.add_program",
        facility,
        message=_("Only program officers and heads create programs."),
    )
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
    skills = list(skills)  # of the shared vocabulary (``programs.skills.skills_named``)
    program.skills.set(skills)
    for slot in slots:
        program.slots.create(**slot)
    changes = dict(values)
    if skills:
        changes["skills"] = [s.name for s in skills]
    audit.record("program.create", by=by, target=program, changes=changes)
    return program


@transaction.atomic
def set_units(*, program: Program, units: Iterable[tuple[str, str]], by: User) -> None:
    """Replace the program's competency units; units already assessed are kept."""
    require_perm(by, CHANGE_PROGRAM, program, message=CHANGE_REFUSED)
    wanted = [(code, title) for code, title in units]
    problems = program_rules.unit_problems(wanted)
    if problems:
        raise ValidationError({"units": problems})
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
    skills: Iterable[Any] | None = None,
) -> Program:
    require_perm(by, CHANGE_PROGRAM, program, message=CHANGE_REFUSED)
    if program.has_ended:
        raise Conflict(_("A completed or cancelled program cannot be changed."), "closed")
    partners = None if partners is None else list(partners)
    instructors = None if instructors is None else list(instructors)
    problems = program_rules.program_value_problems(
        {
            name: values.get(name, getattr(program, name))
            for name in ("start_date", "end_date", "kind", "category", "allowed_security_levels")
        }
    )
    for name, messages in (
        (
            "partners",
            program_rules.partner_problems(program.facility, partners or [], program=program),
        ),
        ("instructors", program_rules.instructor_problems(instructors or [])),
        ("units", program_rules.unit_problems(units or [])),
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
    skills = None if skills is None else list(skills)
    for name, related in (("partners", partners), ("instructors", instructors), ("skills", skills)):
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
    require_perm(by, TRANSITIONS[move], program, message=_("Your role may not make this change."))
    if to == S.CANCELLED and not reason.strip():
        raise Conflict(_("Give a reason for cancelling."), code="reason_required")
    problems = program_rules.text_problems("reason", reason.strip(), REASON_LENGTH)
    if problems:
        raise ValidationError(problems)
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
        _tell_the_instructors(program)
    audit.record(
        "program.transition",
        by=by,
        target=program,
        changes={"status": [previous, to], **({"reason": reason} if reason else {})},
    )
    if to in ENDED_STATUSES:
        _close(program, by=by, reason=reason.strip())
    if to == S.SUBMITTED:
        _tell_the_heads(program, by)
    return program


def _tell_the_instructors(program: Program) -> None:
    """An approved program's sessions are work sent to its instructors: tell each once,
    with the day they start teaching, and lead them to their sessions."""
    first = program.sessions.order_by("date", "start_time").first()
    if first is None:
        return
    notify(
        program.instructors.all(),
        key=f"program:{program.pk}:approved",
        title=Text(
            gettext_lazy("%(program)s is approved: you teach its sessions from %(date)s"),
            program=program.title,
            date=first.date,
        ),
        url=reverse("programs:my_sessions"),
    )


def _tell_the_heads(program: Program, by: User) -> None:
    """A program submitted for approval is work sent to the facility's head: tell them."""
    heads = User.objects.filter(
        memberships__facility_id=program.facility_id,
        memberships__role=Role.HEAD,
        memberships__is_active=True,
        is_active=True,
    ).exclude(pk=by.pk)
    notify(
        heads.distinct(),
        title=Text(gettext_lazy("Program awaiting your approval: %(title)s"), title=program.title),
        url=program.get_absolute_url(),
    )


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
            _end_enrollment(
                enrollment=enrollment,
                reason=end_reason,
                by=by,
                on=min(today, program.end_date),
            )
        else:
            _end_enrollment(
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
        # The session's reason holds the program's (at most as long) and a few words.
        why = (_("Program cancelled: %(reason)s") % {"reason": reason})[:REASON_LENGTH]
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
