"""A program's sessions: generated from its weekly schedule, added one-off, cancelled
and restored.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from sinergi.accounts.models import User
from sinergi.accounts.notify import Text, notify
from sinergi.core import audit
from sinergi.core.api import Conflict
from sinergi.core.permissions import require_perm
from sinergi.programs import rules as program_rules
from sinergi.programs.actions.common import CHANGE_PROGRAM, CHANGE_REFUSED
from sinergi.programs.choices import (
    SessionStatus,
)
from sinergi.programs.days_off import days_off_between
from sinergi.programs.models import (
    Holiday,
    Program,
    Session,
)
from sinergi.programs.queries import holiday_on
from sinergi.programs.rules import session_can_change

CANCEL_REASON_LENGTH = 300  # Session.cancel_reason's column


@transaction.atomic
def generate_sessions(*, program: Program, by: User, since: datetime.date | None = None) -> int:
    """Sessions for every schedule slot between the program's dates (from ``since`` on,
    when given), skipping the facility's days off (the national holidays and collective
    leave days, and its own holidays); existing sessions are kept. Returns the number
    created."""
    require_perm(by, CHANGE_PROGRAM, program, message=CHANGE_REFUSED)
    slots = list(program.slots.all())
    if not slots:
        return 0
    holidays = days_off_between(program.facility_id, program.start_date, program.end_date)
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
def add_session(*, program: Program, values: Mapping[str, Any], by: User) -> Session:
    """A one-off session of a program that has not ended, within the program's dates."""
    require_perm(by, CHANGE_PROGRAM, program, message=CHANGE_REFUSED)
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.has_ended:
        raise Conflict(
            _("The program is %(status)s: no session can be added.")
            % {"status": program.get_status_display().lower()},
            code="program_ended",
        )
    day = values.get("date")
    if day is not None and not program.start_date <= day <= program.end_date:
        raise ValidationError(
            {
                "date": _("A session falls within the program's dates, %(start)s to %(end)s.")
                % {
                    "start": date_format(program.start_date, "DATE_FORMAT"),
                    "end": date_format(program.end_date, "DATE_FORMAT"),
                }
            }
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
    require_perm(by, CHANGE_PROGRAM, session.program, message=CHANGE_REFUSED)
    problems = program_rules.text_problems("reason", reason.strip(), CANCEL_REASON_LENGTH)
    if problems:
        raise ValidationError(problems)
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


@transaction.atomic
def restore_session(*, session: Session, by: User, on_holiday: bool = False) -> Session:
    """Undo the cancellation of a session (it was a mistake, or its holiday was removed):
    it takes place again on its own date and time, as long as its program has not been
    cancelled or completed. A day that is one of the facility's holidays is refused
    unless ``on_holiday`` confirms that the session must take place on it anyway."""
    require_perm(by, CHANGE_PROGRAM, session.program, message=CHANGE_REFUSED)
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
