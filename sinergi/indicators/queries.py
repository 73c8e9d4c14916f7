"""The monthly reports a user may reach (``MonthlyReport.objects.for_user(user)``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q

from sinergi.core.roles import REPORT_READER_ROLES
from sinergi.core.scoping import scope_of

if TYPE_CHECKING:
    from sinergi.indicators.models import MonthlyReport  # noqa: F401

# Who reads a facility's reports: the same people as rules.FACILITY_READERS.
READER_ROLES = REPORT_READER_ROLES


class MonthlyReportQuerySet(models.QuerySet["MonthlyReport"]):
    def for_user(self, user: Any) -> MonthlyReportQuerySet:
        """Administrators: every report; facility staff: their facilities'; regional
        viewers: the facilities of their region."""
        scope = scope_of(user)
        if scope.is_admin:
            return self.all()
        facility_ids = scope.facility_ids(*READER_ROLES)
        if not facility_ids and not scope.region_ids:
            return self.none()
        return self.filter(
            Q(facility_id__in=facility_ids) | Q(facility__region_id__in=scope.region_ids)
        )
