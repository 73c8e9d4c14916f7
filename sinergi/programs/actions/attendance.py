"""Attendance and assessment (scores, competencies)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from sinergi.accounts.models import User
from sinergi.core import audit
from sinergi.core.api import Conflict
from sinergi.core.permissions import require_perm
from sinergi.programs.actions.common import CHANGE_PROGRAM, CHANGE_REFUSED
from sinergi.programs.choices import (
    PERSON_MARKS,
    AttendanceStatus,
    CompetencyResult,
    SessionStatus,
)
from sinergi.programs.models import (
    Attendance,
    CompetencyAssessment,
    CompetencyUnit,
    Enrollment,
    Session,
)
from sinergi.programs.queries import roster

NOTE_LENGTH = 200  # Attendance.note's column


@transaction.atomic
def record_attendance(*, session: Session, marks: Mapping[int, tuple[str, str]], by: User) -> int:
    """Save the whole roster in one go: ``{enrollment_id: (status, note)}``.

    A fixed number of queries whatever the roster's size; every mark keeps its history.
    """
    require_perm(
        by,
        "programs.take_attendance",
        session,
        message=_("Only the session's instructor or a program officer."),
    )
    if session.status == SessionStatus.CANCELLED:
        raise Conflict(_("The session is cancelled."), code="cancelled")
    if session.date > session.program.facility.today():
        raise Conflict(_("Attendance cannot be taken before the day of the session."), "future")
    valid = {e.pk for e in roster(session)}
    unknown = set(marks) - valid
    if unknown:
        raise Conflict(_("Some inmates are not on this session's roster."), code="not_on_roster")
    for status, note in marks.values():
        if status == AttendanceStatus.CANCELLED:
            raise Conflict(
                _("“Session cancelled” is not a person's mark: cancel the session itself."),
                "bad_status",
            )
        if status not in dict(PERSON_MARKS):
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


@transaction.atomic
def record_scores(
    *, enrollment: Enrollment, pre_test: int | None, post_test: int | None, by: User
) -> Enrollment:
    require_perm(by, CHANGE_PROGRAM, enrollment.program, message=CHANGE_REFUSED)
    problems = {
        name: [_("Scores are from 0 to 100.")]
        for name, value in (("pre_test", pre_test), ("post_test", post_test))
        if value is not None and not 0 <= value <= 100
    }
    if problems:
        raise ValidationError(problems)
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
    require_perm(by, CHANGE_PROGRAM, enrollment.program, message=CHANGE_REFUSED)
    if unit.program_id != enrollment.program_id:
        raise Conflict(_("That unit belongs to another program."), code="wrong_unit")
    if result not in CompetencyResult.values:
        raise Conflict(_("Unknown result."), code="bad_result")
    assessment, _created = CompetencyAssessment.objects.update_or_create(
        enrollment=enrollment,
        unit=unit,
        defaults={
            "result": result,
            "assessed_by": by,
            "assessed_on": enrollment.program.facility.today(),
        },
    )
    audit.record(
        "competency.record",
        by=by,
        target=assessment,
        facility=enrollment.program.facility_id,
        changes={"unit": unit.pk, "result": result},
    )
    return assessment
