from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.core.lookups import count_per_row, union_of_ids
from sinergi.core.roles import STAFF_ROLES, Role
from sinergi.core.scoping import scope_of
from sinergi.programs.choices import AttendanceStatus, CompetencyResult, SessionStatus

if TYPE_CHECKING:
    from sinergi.programs.models import (  # noqa: F401 (the querysets name them as strings)
        Certificate,
        Enrollment,
        Holiday,
        Program,
        Session,
        WaitingListEntry,
    )

STAFF = STAFF_ROLES


class ProgramQuerySet(models.QuerySet["Program"]):
    def for_user(self, user: Any) -> ProgramQuerySet:
        """Facility staff: their facility's programs; regional viewers: their region's;
        instructors and partner users: the programs they teach or their organisation
        delivers; administrators: all."""
        scope = scope_of(user)
        if scope.is_admin:
            return self.all()
        if not scope.roles:
            return self.none()
        # A UNION of the indexed lookups, not an OR across joins with DISTINCT (which
        # grouped every column, the page's counts included, for a Kanwil's list).
        programs = self.model.objects
        return self.filter(
            pk__any_of=union_of_ids(
                programs.filter(facility_id__in=scope.facility_ids(*STAFF)),
                programs.filter(facility__region_id__in=scope.region_ids),
                programs.filter(instructors=user),
                programs.filter(partners__in=scope.partner_ids(Role.PARTNER_USER, Role.INSTRUCTOR)),
            )
        )

    def with_participants_for(self, user: Any) -> ProgramQuerySet:
        """The programs whose participants ``user`` sees (``programs.view_participants``):
        the facility's staff, the region's viewers, administrators; not a partner that
        delivers the program nor an instructor."""
        scope = scope_of(user)
        if scope.is_admin:
            return self.all()
        return self.filter(
            Q(facility_id__in=scope.facility_ids(*STAFF))
            | Q(facility__region_id__in=scope.region_ids)
        )


class SessionQuerySet(models.QuerySet["Session"]):
    def for_user(self, user: Any) -> SessionQuerySet:
        from sinergi.programs.models import Program

        return self.filter(program__in=Program.objects.for_user(user).values("pk"))


def _participant_programs(user: Any) -> Any:
    from sinergi.programs.models import Program

    return Program.objects.with_participants_for(user).values("pk")


class EnrollmentQuerySet(models.QuerySet["Enrollment"]):
    def for_user(self, user: Any) -> EnrollmentQuerySet:
        """The enrolments of the programs whose participants ``user`` sees."""
        return self.filter(program__in=_participant_programs(user))


class WaitingListQuerySet(models.QuerySet["WaitingListEntry"]):
    def for_user(self, user: Any) -> WaitingListQuerySet:
        """The waiting lists of the programs whose participants ``user`` sees."""
        return self.filter(program__in=_participant_programs(user))


class CertificateQuerySet(models.QuerySet["Certificate"]):
    def for_user(self, user: Any) -> CertificateQuerySet:
        """The certificates of the programs whose participants ``user`` sees (a partner
        verifies one on the public page, by its code)."""
        return self.filter(enrollment__program__in=_participant_programs(user))


def participation_figures(program: Program) -> dict[str, Any]:
    """What a partner who delivers ``program`` sees of who takes part: counts and the
    attendance rate, computed in SQL (three queries), never a name.

    ``attendance_percent``: present marks / marks taken (a session's "cancelled" marks
    left out), None before any mark."""
    from sinergi.programs.choices import (
        OPEN_WAITING_STATUSES,
        AttendanceStatus,
        CertificateStatus,
        EndReason,
    )
    from sinergi.programs.models import Attendance

    figures: dict[str, Any] = program.enrollments.aggregate(
        enrolled=Count("pk", filter=Q(ended_on__isnull=True)),
        ever_enrolled=Count("pk"),
        completed=Count("pk", filter=Q(end_reason=EndReason.COMPLETED)),
        certificates=Count("certificate", filter=Q(certificate__status=CertificateStatus.VALID)),
    )
    marks = (
        Attendance.objects.filter(session__program=program)
        .exclude(status=AttendanceStatus.CANCELLED)
        .aggregate(
            marked=Count("pk"),
            present=Count("pk", filter=Q(status=AttendanceStatus.PRESENT)),
            sessions_held=Count("session", distinct=True),
        )
    )
    figures["sessions_held"] = marks["sessions_held"]
    figures["attendance_percent"] = (
        round(100 * marks["present"] / marks["marked"]) if marks["marked"] else None
    )
    figures["waiting"] = program.waiting_list.filter(status__in=OPEN_WAITING_STATUSES).count()
    return figures


def active_count(program: Program) -> int:
    return program.enrollments.filter(ended_on__isnull=True).count()


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


def holiday_on(session: Session) -> Holiday | None:
    """The holiday of the session's facility on the session's day, if there is one."""
    from sinergi.programs.models import Holiday

    return Holiday.objects.filter(
        facility_id=session.program.facility_id, date=session.date
    ).first()


def with_enrolment_counts(programs: Any) -> Any:
    """``programs`` annotated with ``enrolled`` (people enrolled now) and ``ever_enrolled``
    (what an ended program shows), counted for the page's rows only (a join grouped over
    every program read each of the country's million enrolments for one page: 0.45 s at
    national scale)."""
    from sinergi.programs.models import Enrollment

    return programs.annotate(
        enrolled=count_per_row(Enrollment.objects.filter(ended_on__isnull=True), "program"),
        ever_enrolled=count_per_row(Enrollment.objects.all(), "program"),
    )
