from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Count, Q

from sinergi.core.roles import Role
from sinergi.core.scoping import scope_of

if TYPE_CHECKING:
    from sinergi.programs.models import Program, Session  # noqa: F401

STAFF = (Role.PROGRAM_OFFICER, Role.HEAD, Role.GUARDIAN)


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
        return self.filter(
            Q(facility_id__in=scope.facility_ids(*STAFF))
            | Q(facility__region_id__in=scope.region_ids)
            | Q(instructors=user)
            | Q(partners__in=scope.partner_ids(Role.PARTNER_USER, Role.INSTRUCTOR))
        ).distinct()


class SessionQuerySet(models.QuerySet["Session"]):
    def for_user(self, user: Any) -> SessionQuerySet:
        from sinergi.programs.models import Program

        return self.filter(program__in=Program.objects.for_user(user).values("pk"))


def participation_figures(program: Program) -> dict[str, Any]:
    """What a partner who delivers ``program`` sees of who takes part: counts and the
    attendance rate, computed in SQL (three queries), never a name.

    ``attendance_percent``: present marks / marks taken (a session's "cancelled" marks
    left out), None before any mark."""
    from sinergi.programs.choices import AttendanceStatus, CertificateStatus, EndReason
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
    figures["waiting"] = program.waiting_list.filter(status__in=["pending", "approved"]).count()
    return figures
