from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q

from sinergi.core.roles import Role
from sinergi.core.scoping import scope_of

if TYPE_CHECKING:
    from sinergi.reintegration.models import Referral  # noqa: F401

STAFF = (Role.PROGRAM_OFFICER, Role.HEAD, Role.GUARDIAN)


class ReferralQuerySet(models.QuerySet["Referral"]):
    def for_user(self, user: Any) -> ReferralQuerySet:
        """Facility staff see their facility's referrals; a partner user sees the
        referrals to their organisation while the consent stands, and nothing else."""
        scope = scope_of(user)
        if scope.is_admin:
            return self.all()
        return self.filter(
            Q(inmate__facility_id__in=scope.facility_ids(*STAFF))
            | (
                Q(partner_id__in=scope.partner_ids(Role.PARTNER_USER))
                & Q(consent__withdrawn_on__isnull=True)
            )
        )
