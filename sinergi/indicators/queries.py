"""The monthly reports a user may reach (``MonthlyReport.objects.for_user(user)``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q, QuerySet

from sinergi.core.roles import OFFICER_ROLES, REPORT_READER_ROLES
from sinergi.core.scoping import scope_of
from sinergi.orgs.models import Facility

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


def viewable_facilities(user: Any) -> QuerySet[Facility]:
    """The facilities whose reports ``user`` reads (as ``MonthlyReport.for_user``)."""
    scope = scope_of(user)
    if scope.is_admin:
        return Facility.objects.all()
    return Facility.objects.filter(
        Q(pk__in=scope.facility_ids(*READER_ROLES)) | Q(region_id__in=scope.region_ids)
    )


def generating_facilities(user: Any) -> QuerySet[Facility]:
    """The facilities whose reports ``user`` may generate (rules: head, program officer):
    the facilities the user may write to."""
    return Facility.objects.writable_by(user, *OFFICER_ROLES)


def reads_any_report(user: Any) -> bool:
    """Whether ``user`` reads the reports of at least one facility."""
    scope = scope_of(user)
    return scope.is_admin or bool(scope.facility_ids(*READER_ROLES)) or bool(scope.region_ids)
