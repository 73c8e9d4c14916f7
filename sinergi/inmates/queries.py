from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q

from sinergi.core.roles import STAFF_ROLES
from sinergi.core.scoping import scope_of
from sinergi.inmates.choices import InmateStatus, RightStatus

if TYPE_CHECKING:
    from sinergi.inmates.models import (  # noqa: F401
        Inmate,
        InmateRight,
        SentenceRecalculation,
        SentenceRecalculationChange,
        SentenceRecalculationFacility,
    )

# Roles that work with the inmates of their own facility.
INMATE_ROLES = STAFF_ROLES


def facilities_of(user: Any, prefix: str = "") -> Q | None:
    """The facilities whose inmates ``user`` reaches, as a filter on ``{prefix}facility``:
    facility staff their facility's, regional viewers their region's; None for an
    administrator (every facility)."""
    scope = scope_of(user)
    if scope.is_admin:
        return None
    return Q(**{f"{prefix}facility_id__in": scope.facility_ids(*INMATE_ROLES)}) | Q(
        **{f"{prefix}facility__region_id__in": scope.region_ids}
    )


class InmateQuerySet(models.QuerySet["Inmate"]):
    def for_user(self, user: Any) -> InmateQuerySet:
        """Facility staff reach their facility's inmates; regional viewers their region's;
        administrators all. Partner users reach none here (referrals share what they need)."""
        within = facilities_of(user)
        return self.all() if within is None else self.filter(within)

    def search(self, text: str) -> InmateQuerySet:
        text = text.strip()
        if not text:
            return self
        from sinergi.inmates.parsing import normalise_registration_number

        return self.filter(
            Q(name__icontains=text)
            | Q(aliases__icontains=text)
            | Q(registration_number__icontains=normalise_registration_number(text))
            | Q(registration_number__icontains=text)
        )


class InmateRightQuerySet(models.QuerySet["InmateRight"]):
    def worklist(self, *, today: datetime.date, window_days: int) -> InmateRightQuerySet:
        """Rights that are due, or will be within ``window_days``, for inmates in custody."""
        return self.filter(
            status=RightStatus.ELIGIBLE,
            eligible_from__lte=today + datetime.timedelta(days=window_days),
            inmate__status=InmateStatus.IN_CUSTODY,
        )


class SentenceRecalculationQuerySet(models.QuerySet["SentenceRecalculation"]):
    def for_user(self, user: Any) -> SentenceRecalculationQuerySet:
        """The runs that recalculated a facility the user reaches (every run for an
        administrator)."""
        within = facilities_of(user, "facilities__")
        if within is None:
            return self.all()
        return self.filter(within).distinct()


class SentenceRecalculationFacilityQuerySet(models.QuerySet["SentenceRecalculationFacility"]):
    def for_user(self, user: Any) -> SentenceRecalculationFacilityQuerySet:
        within = facilities_of(user)
        return self.all() if within is None else self.filter(within)


class SentenceRecalculationChangeQuerySet(models.QuerySet["SentenceRecalculationChange"]):
    def for_user(self, user: Any) -> SentenceRecalculationChangeQuerySet:
        """The changes to inmates of the facilities the user reaches."""
        within = facilities_of(user)
        return self.all() if within is None else self.filter(within)
