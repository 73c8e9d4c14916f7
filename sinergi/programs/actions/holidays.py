"""A facility's holidays: the sessions of the day are cancelled, and restored when the
holiday is removed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sinergi.accounts.models import User
from sinergi.core import audit
from sinergi.core.api import Conflict
from sinergi.core.permissions import require_perm
from sinergi.orgs.models import Facility
from sinergi.programs.actions.sessions import _reschedule, cancel_session
from sinergi.programs.choices import (
    ENDED_STATUSES,
    SessionStatus,
)
from sinergi.programs.models import (
    Attendance,
    Holiday,
    Session,
)

# About two years: the national calendar of holidays (SKB) is known a year or so ahead.
HOLIDAY_DAYS_AHEAD = 731


@dataclass
class HolidayResult:
    """What adding a holiday did to the sessions of its day."""

    holiday: Holiday
    cancelled: list[Session] = field(default_factory=list)
    kept: list[Session] = field(default_factory=list)  # they already have attendance


def _check_keeps_holidays(user: User, facility: Facility) -> None:
    require_perm(
        user,
        "programs.change_holidays",
        facility,
        message=_("Only program officers and the head of the facility change its holidays."),
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
    _check_keeps_holidays(by, facility)
    name = " ".join(name.split())
    if not name:
        raise Conflict(_("Give the holiday a name."), code="name_required")
    latest = facility.today() + datetime.timedelta(days=HOLIDAY_DAYS_AHEAD)
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
    _check_keeps_holidays(by, holiday.facility)
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
