from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from sinergi.core.roles import Role
from sinergi.core.scoping import scope_of

if TYPE_CHECKING:
    from sinergi.reintegration.models import JobApplication, JobOpening, Referral  # noqa: F401

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


class JobOpeningQuerySet(models.QuerySet["JobOpening"]):
    def for_user(self, user: Any) -> JobOpeningQuerySet:
        """Facility staff (who put people forward) and administrators see the openings
        still open (closing today or later); a partner's users see their own
        organisation's openings, closed ones too; anyone else sees none (as an opening's
        own page)."""
        scope = scope_of(user)
        if scope.is_admin or scope.facility_ids():
            return self.filter(closing_date__gte=timezone.localdate())
        return self.filter(partner_id__in=scope.partner_ids(Role.PARTNER_USER))


class JobApplicationQuerySet(models.QuerySet["JobApplication"]):
    def consented(self) -> JobApplicationQuerySet:
        """Applications whose person's consent to the employer still stands: all an
        employer sees. A withdrawal hides the application at once, as it does a
        referral."""
        from sinergi.reintegration.models import Consent

        return self.filter(
            Exists(
                Consent.objects.filter(
                    inmate=OuterRef("inmate"),
                    partner=OuterRef("opening__partner"),
                    withdrawn_on__isnull=True,
                )
            )
        )
