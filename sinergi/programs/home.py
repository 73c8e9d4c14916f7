"""Home cards (today's sessions, approvals, attendance to enter) and the programs
section of the inmate page."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sinergi.core.navigation import HomeCard
from sinergi.core.permissions import has_perm
from sinergi.core.roles import OFFICER_ROLES, Role
from sinergi.core.scoping import Scope
from sinergi.programs.choices import AttendanceStatus, ProgramStatus, SessionStatus
from sinergi.programs.models import Attendance, Enrollment, Program, Session


def cards(request: HttpRequest, scope: Scope) -> list[HomeCard]:
    today = timezone.localdate()
    result: list[HomeCard] = []
    if scope.has_role(Role.INSTRUCTOR):
        todays = list(
            Session.objects.filter(
                instructor_id=request.user.pk, date=today, status=SessionStatus.SCHEDULED
            )
            .select_related("program")
            .order_by("start_time")
        )
        result.append(
            HomeCard(
                title=_("Your sessions today"),
                body=_("Take attendance for each session; it works on a phone.")
                if todays
                else _("No session today. Your coming sessions are under My sessions."),
                items=[(f"{s.start_time:%H.%M} {s.program}", s.get_absolute_url()) for s in todays],
                url=reverse("programs:my_sessions"),
                link_label=_("My sessions"),
                count=len(todays),
                tone="action" if todays else "info",
                order=2,
            )
        )
    heads = scope.facility_ids(Role.HEAD)
    if heads:
        waiting = Program.objects.filter(
            facility_id__in=heads, status=ProgramStatus.SUBMITTED
        ).count()
        result.append(
            HomeCard(
                title=_("Programs awaiting your approval"),
                body=_("Approve a program to generate its sessions and open enrolment."),
                url=reverse("programs:list") + "?status=submitted",
                link_label=_("Review programs"),
                count=waiting,
                tone="action" if waiting else "info",
                order=8,
            )
        )
    officers = scope.facility_ids(*OFFICER_ROLES)
    if officers:
        week_ago = today - datetime.timedelta(days=7)
        unmarked = (
            Session.objects.filter(
                program__facility_id__in=officers,
                status=SessionStatus.SCHEDULED,
                date__range=(week_ago, today),
            )
            .annotate(marked=Exists(Attendance.objects.filter(session=OuterRef("pk"))))
            .filter(marked=False)
            .count()
        )
        result.append(
            HomeCard(
                title=_("Attendance to enter"),
                body=_(
                    "Sessions of the last 7 days without attendance: enter the signed paper sheets."
                ),
                url=reverse("programs:list") + "?status=running",
                link_label=_("Running programs"),
                count=unmarked,
                tone="action" if unmarked else "info",
                order=22,
            )
        )
    return result


def inmate_section(request: HttpRequest, inmate: Any) -> tuple[str, dict[str, Any]] | None:
    rows = development_rows(inmate)
    if not has_perm(request.user, "inmates.view_inmate", inmate):
        return None
    return "programs/inmate_section.html", {"rows": rows, "inmate": inmate}


def development_rows(inmate: Any) -> list[Enrollment]:
    """The inmate's programs with hours, attendance rate, scores and certificate."""
    return list(development_queryset(inmate))


def development_queryset(inmate: Any) -> QuerySet[Enrollment]:
    """The enrolments of ``development_rows`` (latest first), for the development record
    to load more of them in the same queries."""
    today = timezone.localdate()
    return (
        Enrollment.objects.filter(inmate=inmate)
        .select_related("program__facility", "certificate")
        .annotate(
            hours_total=Sum("attendance__hours"),
            present=Count(
                "attendance", filter=Q(attendance__status=AttendanceStatus.PRESENT), distinct=True
            ),
            marked=Count("attendance", distinct=True),
        )
        .order_by("-enrolled_on")
        .filter(enrolled_on__lte=today)
    )
