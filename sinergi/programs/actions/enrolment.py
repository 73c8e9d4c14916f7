"""Enrolment and the waiting list."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sinergi.accounts.models import User
from sinergi.core import audit
from sinergi.core.api import Conflict
from sinergi.core.permissions import require_perm
from sinergi.inmates.choices import InmateStatus
from sinergi.inmates.models import Inmate
from sinergi.programs.actions.common import CHANGE_PROGRAM, CHANGE_REFUSED
from sinergi.programs.choices import (
    OPEN_WAITING_STATUSES,
    EndReason,
    WaitingStatus,
)
from sinergi.programs.models import (
    Enrollment,
    Program,
    WaitingListEntry,
)
from sinergi.programs.queries import active_count
from sinergi.programs.rules import (
    ENROLLING,
    candidate_problems,
    completed_on,
    eligibility_problems,
    text_problems,
)

END_NOTE_LENGTH = 300  # Enrollment.end_note's column, and WaitingListEntry.note's


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
    require_perm(by, CHANGE_PROGRAM, program, message=CHANGE_REFUSED)
    program = Program.objects.select_for_update().get(pk=program.pk)
    problems = eligibility_problems(program, inmate)
    if problems:
        raise Conflict(" ".join(problems), code="not_eligible")
    if program.enrollments.filter(inmate=inmate, ended_on__isnull=True).exists():
        raise Conflict(_("The inmate is already enrolled."), code="already_enrolled")
    if program.waiting_list.filter(inmate=inmate, status__in=OPEN_WAITING_STATUSES).exists():
        raise Conflict(_("The inmate is already on the waiting list."), code="already_waiting")
    if active_count(program) < program.capacity:
        enrollment = Enrollment.objects.create(
            program=program,
            inmate=inmate,
            enrolled_on=program.facility.today(),
            enrolled_by=by,
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


MAX_BULK_ENROL = 200  # one page of candidates at its largest


@transaction.atomic
def enroll_many(
    *, program: Program, inmates: Sequence[Inmate], by: User
) -> list[tuple[Inmate, EnrolResult]]:
    """Enrol ``inmates`` in one step, in the order given: places while they last, then
    the waiting list (``enroll`` for each). All or nothing: when anyone may not be
    enrolled (``candidate_problems``), nobody is, and the refusal names each of them with
    the reason."""
    require_perm(by, CHANGE_PROGRAM, program, message=CHANGE_REFUSED)
    if not inmates:
        raise ValidationError({"inmates": [_("Choose at least one person.")]})
    if len(inmates) > MAX_BULK_ENROL:
        raise ValidationError(
            {"inmates": [_("At most %(n)s people at a time.") % {"n": MAX_BULK_ENROL}]}
        )
    if len({i.pk for i in inmates}) != len(inmates):
        raise ValidationError({"inmates": [_("A person is chosen twice.")]})
    program = Program.objects.select_for_update().get(pk=program.pk)
    enrolled = set(
        program.enrollments.filter(ended_on__isnull=True).values_list("inmate_id", flat=True)
    )
    waiting = set(
        program.waiting_list.filter(status__in=OPEN_WAITING_STATUSES).values_list(
            "inmate_id", flat=True
        )
    )
    # The reasons summarised: each once, with the people it stops.
    stopped: dict[str, list[str]] = {}
    refused = 0
    for inmate in inmates:
        problems = candidate_problems(program, inmate, enrolled=enrolled, waiting=waiting)
        refused += bool(problems)
        for problem in problems:
            stopped.setdefault(str(problem).rstrip("."), []).append(inmate.name)
    if refused:
        raise Conflict(
            _("Nobody was enrolled: %(n)s of the %(total)s chosen may not join.")
            % {"n": refused, "total": len(inmates)}
            + " "
            + " ".join(f"{reason}: {', '.join(names)}." for reason, names in stopped.items()),
            code="not_eligible",
        )
    return [(inmate, enroll(program=program, inmate=inmate, by=by)) for inmate in inmates]


@transaction.atomic
def decide_waiting(*, entry: WaitingListEntry, status: str, by: User, note: str = "") -> None:
    require_perm(by, CHANGE_PROGRAM, entry.program, message=CHANGE_REFUSED)
    problems = text_problems("note", note, END_NOTE_LENGTH)
    if problems:
        raise ValidationError(problems)
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


@transaction.atomic
def fill_free_places(*, program: Program, by: User | None) -> list[Enrollment]:
    """Give free places to approved waiting-list entries, first come first served.

    The consequence of a decision already allowed (an entry approved, a place freed by
    an enrolment that ended, the inmate's release): no permission of its own; ``by``
    is whoever made that decision, None for the system."""
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
            enrolled_on=program.facility.today(),
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


@transaction.atomic
def end_enrollment(
    *,
    enrollment: Enrollment,
    reason: str,
    by: User,
    note: str = "",
    on: datetime.date | None = None,
) -> Enrollment:
    require_perm(by, CHANGE_PROGRAM, enrollment.program, message=CHANGE_REFUSED)
    problems = text_problems("note", note, END_NOTE_LENGTH)
    if problems:
        raise ValidationError(problems)
    program = enrollment.program
    if reason == EndReason.COMPLETED:
        program.refresh_from_db(fields=["end_date"])  # its dates may have moved
    if reason == EndReason.COMPLETED and program.facility.today() < program.end_date:
        # Completing before the last day is an early completion: its reason, by whom
        # and the hours attended are recorded (``complete_early``).
        raise Conflict(
            _(
                "The program runs until %(date)s: record an early completion (reason and "
                "hours attended) to complete before then."
            )
            % {"date": date_format(program.end_date, "DATE_FORMAT")},
            code="early_completion_required",
        )
    return _end_enrollment(enrollment=enrollment, reason=reason, by=by, note=note, on=on)


def _end_enrollment(
    *,
    enrollment: Enrollment,
    reason: str,
    by: User | None,
    note: str = "",
    on: datetime.date | None = None,
) -> Enrollment:
    """End ``enrollment`` for a caller already allowed to (``end_enrollment``, a
    program that ends, the inmate's release): ``by`` None for the system."""
    if enrollment.ended_on is not None:
        raise Conflict(_("This enrolment has already ended."), code="already_ended")
    if reason not in EndReason.values:
        raise ValidationError({"reason": [_("Unknown reason.")]})
    enrollment.ended_on = on or enrollment.program.facility.today()
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
        # under the enrolment's own field names: the audit page shows the reason's label
        changes={"end_reason": reason, "end_note": note},
    )
    fill_free_places(program=enrollment.program, by=by)
    return enrollment


@transaction.atomic
def end_for_inmate(*, inmate: Inmate, status: str, by: User | None) -> None:
    """An inmate released or transferred leaves their programs and waiting lists.

    The hook of ``inmates.actions.change_status`` (whose caller it checks): no
    permission of its own."""
    reason = {
        InmateStatus.RELEASED: EndReason.RELEASED,
        InmateStatus.TRANSFERRED: EndReason.TRANSFERRED,
    }.get(InmateStatus(status))
    if reason is None and status != InmateStatus.DECEASED:
        return
    # The reason says released or transferred; a death has no reason of its own, so the
    # note names it (in words, not the status code a reader would see on the pages).
    note = "" if reason else str(InmateStatus(status).label)
    open_enrollments = Enrollment.objects.filter(inmate=inmate, ended_on__isnull=True)
    for enrollment in open_enrollments.select_related("program"):
        _end_enrollment(enrollment=enrollment, reason=reason or EndReason.OTHER, by=by, note=note)
    WaitingListEntry.objects.filter(inmate=inmate, status__in=OPEN_WAITING_STATUSES).update(
        status=WaitingStatus.WITHDRAWN,
        note=note or str(InmateStatus(status).label),
        updated_at=timezone.now(),
    )
