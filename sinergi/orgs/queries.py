from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q

from sinergi.core.roles import OFFICER_ROLES, Role
from sinergi.core.scoping import scope_of

if TYPE_CHECKING:
    from sinergi.orgs.models import Facility, Partner, Region  # noqa: F401


class RegionQuerySet(models.QuerySet["Region"]):
    def for_user(self, user: Any) -> RegionQuerySet:
        scope = scope_of(user)
        if scope.is_admin:
            return self.all()
        return self.filter(
            Q(pk__in=scope.region_ids) | Q(facilities__in=scope.facility_ids())
        ).distinct()


class FacilityQuerySet(models.QuerySet["Facility"]):
    def for_user(self, user: Any) -> FacilityQuerySet:
        """Staff reach their own facilities, regional viewers their region's, admins all.

        Partner users reach no facility page: what they see of a facility comes through
        the records shared with their organisation.
        """
        scope = scope_of(user)
        if scope.is_admin:
            return self.all()
        return self.filter(Q(pk__in=scope.facility_ids()) | Q(region_id__in=scope.region_ids))

    def writable_by(self, user: Any, *roles: str) -> FacilityQuerySet:
        """The facilities whose records ``user`` may write, by name: where they hold one
        of ``roles``, by default program officer or head."""
        ids = scope_of(user).facility_ids(*(roles or OFFICER_ROLES))
        return self.filter(pk__in=ids).order_by("name")


class PartnerQuerySet(models.QuerySet["Partner"]):
    def serving(self, facility: Any, *, keep: Any = None) -> PartnerQuerySet:
        """The active partners a facility can work with: those of its region and the
        national ones (no region), by name. ``keep``: a Q of partners already linked to the
        record being edited, offered even if they moved or were deactivated since."""
        near = Q(is_active=True) & (Q(region__isnull=True) | Q(region_id=facility.region_id))
        if facility.region_id is None:
            near = Q(is_active=True)
        return self.filter(near | keep if keep is not None else near).distinct().order_by("name")

    def for_user(self, user: Any) -> PartnerQuerySet:
        """Facility staff and regional viewers see the partner directory; a partner user
        or instructor sees only the organisation they belong to (not its units: the BLK's
        staff have their own memberships)."""
        scope = scope_of(user)
        if scope.is_admin or scope.facility_ids() or scope.region_ids:
            return self.all()
        own = scope.partner_ids(Role.PARTNER_USER, Role.INSTRUCTOR)
        return self.filter(pk__in=own)
