"""Home-page cards for facility staff: rights to propose, scores to record, the import."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sinergi.core.navigation import HomeCard
from sinergi.core.roles import OFFICER_ROLES, STAFF_ROLES, Role
from sinergi.core.scoping import Scope
from sinergi.inmates.choices import ImportStatus, InmateStatus
from sinergi.inmates.models import ImportBatch, Inmate, InmateRight, MonthlyAssessment


def cards(request: HttpRequest, scope: Scope) -> list[HomeCard]:
    facility_ids = scope.facility_ids(*STAFF_ROLES)
    if not facility_ids:
        return []
    today = timezone.localdate()
    result: list[HomeCard] = []
    in_custody = Inmate.objects.filter(facility_id__in=facility_ids, status=InmateStatus.IN_CUSTODY)
    if not in_custody.exists():
        if scope.has_role(*OFFICER_ROLES):
            result.append(
                HomeCard(
                    title=_("Import your register from SDP"),
                    body=_(
                        "Sinergi has no inmates of your facility yet. Export the register "
                        "from SDP as CSV or Excel and import it: nobody types an inmate twice."
                    ),
                    url=reverse("inmates:import"),
                    link_label=_("Import from SDP"),
                    tone="action",
                    order=5,
                )
            )
        return result
    if scope.has_role(*OFFICER_ROLES):
        rights = InmateRight.objects.worklist(today=today, window_days=90).filter(
            inmate__facility_id__in=facility_ids
        )
        due = rights.filter(eligible_from__lte=today).count()
        soon = rights.filter(eligible_from__gt=today).count()
        result.append(
            HomeCard(
                title=_("Integration rights to propose"),
                body=_("%(due)s can be proposed now; %(soon)s more within 90 days.")
                % {"due": due, "soon": soon},
                url=reverse("inmates:rights"),
                link_label=_("Open the worklist"),
                count=due,
                tone="action" if due else "info",
                order=20,
            )
        )
        last = (
            ImportBatch.objects.filter(facility_id__in=facility_ids, status=ImportStatus.DONE)
            .order_by("-created_at")
            .first()
        )
        if last is None or (timezone.now() - last.created_at) > datetime.timedelta(days=30):
            result.append(
                HomeCard(
                    title=_("Refresh the register from SDP"),
                    body=_(
                        "No SDP import in the last 30 days: import a fresh export so that "
                        "dates and rights stay right."
                    ),
                    url=reverse("inmates:import"),
                    link_label=_("Import from SDP"),
                    order=60,
                )
            )
    if scope.has_role(Role.GUARDIAN, Role.PROGRAM_OFFICER):
        month = today.replace(day=1)
        scored = MonthlyAssessment.objects.filter(
            month=month, inmate__facility_id__in=facility_ids
        ).count()
        unscored = in_custody.count() - scored
        result.append(
            HomeCard(
                title=_("Monthly scores (SPPN)"),
                body=_("%(n)s inmates in custody have no score for this month yet.")
                % {"n": max(unscored, 0)},
                url=reverse("inmates:list") + "?status=in_custody",
                link_label=_("Score inmates"),
                count=max(unscored, 0),
                tone="action" if unscored > 0 else "info",
                order=25,
            )
        )
    return result
