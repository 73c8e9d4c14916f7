"""Who reaches which proposals, Litmas requests and TPP meetings (``for_user``).

A facility's staff (officers, head, wali) reach its proposals and meetings; a region's
viewers (Kanwil) read its facilities'; a Bapas's probation officers reach only the
proposals referred to their Bapas for a Litmas, and those requests; administrators all.
Anything else is a 404 to the views and the API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Exists, OuterRef, Q

from sinergi.core.roles import STAFF_ROLES, Role
from sinergi.core.scoping import scope_of

if TYPE_CHECKING:
    from sinergi.proposals.models import (  # noqa: F401
        LitmasRequest,
        Proposal,
        ProposalDocument,
        ProposalEvent,
        TppDecision,
        TppMeeting,
    )


def _facility_filter(user: Any, prefix: str = "") -> Q | None:
    """The facility's staff and its region's viewers; None for an administrator."""
    scope = scope_of(user)
    if scope.is_admin:
        return None
    return Q(**{f"{prefix}facility_id__in": scope.facility_ids(*STAFF_ROLES)}) | Q(
        **{f"{prefix}facility__region_id__in": scope.region_ids}
    )


def _bapas_ids(user: Any) -> set[int]:
    return scope_of(user).facility_ids(Role.PROBATION_OFFICER)


class ProposalQuerySet(models.QuerySet["Proposal"]):
    def for_user(self, user: Any) -> ProposalQuerySet:
        within = _facility_filter(user)
        if within is None:
            return self.all()
        bapas = _bapas_ids(user)
        if bapas:
            from sinergi.proposals.models import LitmasRequest

            within |= Q(
                Exists(LitmasRequest.objects.filter(proposal=OuterRef("pk"), bapas_id__in=bapas))
            )
        return self.filter(within)

    def open(self) -> ProposalQuerySet:
        from sinergi.proposals.choices import OPEN_STAGES

        return self.filter(stage__in=OPEN_STAGES)


class LitmasRequestQuerySet(models.QuerySet["LitmasRequest"]):
    def for_user(self, user: Any) -> LitmasRequestQuerySet:
        within = _facility_filter(user, "proposal__")
        if within is None:
            return self.all()
        return self.filter(within | Q(bapas_id__in=_bapas_ids(user)))


class TppMeetingQuerySet(models.QuerySet["TppMeeting"]):
    def for_user(self, user: Any) -> TppMeetingQuerySet:
        within = _facility_filter(user)
        return self.all() if within is None else self.filter(within)
