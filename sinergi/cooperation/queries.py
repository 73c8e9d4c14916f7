"""Who sees which cooperation record. A partner user sees only their organisation's
records, and nothing that has not left the facility (drafts)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q
from django.db.models.query import ModelIterable

from sinergi.cooperation.choices import AgreementStatus, RequestStatus
from sinergi.core.roles import OFFICER_ROLES, STAFF_ROLES, Role
from sinergi.core.scoping import Scope, scope_of

if TYPE_CHECKING:
    from sinergi.cooperation.models import (  # noqa: F401
        ActionItem,
        Agreement,
        Fulfilment,
        Meeting,
        SupportRequest,
    )

FACILITY_STAFF = STAFF_ROLES


def _partners(scope: Scope) -> set[int]:
    return scope.partner_ids(Role.PARTNER_USER)


class _AgreementsWithHealth(ModelIterable):
    """Yields the agreements with ``health`` set, computed for all of them at once."""

    def __iter__(self) -> Iterator[Any]:
        from sinergi.cooperation.health import agreements_health

        rows = list(super().__iter__())
        figures = agreements_health(rows)
        for row in rows:
            row.health = figures[row.pk]
            yield row


class AgreementQuerySet(models.QuerySet["Agreement"]):
    def with_health(self) -> AgreementQuerySet:
        """Each agreement fetched carries ``health`` (its own and its children's, see
        ``health.agreements_health``), in a fixed number of queries for the whole list."""
        clone = self.all()
        clone._iterable_class = _AgreementsWithHealth
        return clone

    def for_user(self, user: Any) -> AgreementQuerySet:
        scope = scope_of(user)
        if scope.is_admin:
            return self.all()
        from sinergi.orgs.models import Facility

        facilities = scope.facility_ids(*FACILITY_STAFF)
        regions = set(scope.region_ids) | set(
            Facility.objects.filter(pk__in=facilities).values_list("region_id", flat=True)
        )
        return self.filter(
            Q(facility_id__in=facilities)
            | Q(region_id__in=regions)
            | Q(facility__region_id__in=scope.region_ids)
            | (Q(partners__in=_partners(scope)) & ~Q(status=AgreementStatus.DRAFT))
        ).distinct()


class SupportRequestQuerySet(models.QuerySet["SupportRequest"]):
    def for_user(self, user: Any) -> SupportRequestQuerySet:
        scope = scope_of(user)
        if scope.is_admin:
            return self.all()
        return self.filter(
            Q(facility_id__in=scope.facility_ids(*FACILITY_STAFF))
            | Q(facility__region_id__in=scope.region_ids)
            | (Q(partner_id__in=_partners(scope)) & ~Q(status=RequestStatus.DRAFT))
        )


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def for_user(self, user: Any) -> MeetingQuerySet:
        """Staff see their facility's meetings, regional viewers their region's; a partner
        sees the meetings it attended or owns an action item of."""
        scope = scope_of(user)
        if scope.is_admin:
            return self.all()
        partners = scope.partner_ids()
        return self.filter(
            Q(facility_id__in=scope.facility_ids())
            | Q(facility__region_id__in=scope.region_ids)
            | Q(partners__in=partners)
            | Q(actions__owner_partner_id__in=partners)
        ).distinct()


class ActionItemQuerySet(models.QuerySet["ActionItem"]):
    def for_user(self, user: Any) -> ActionItemQuerySet:
        scope = scope_of(user)
        if scope.is_admin:
            return self.all()
        return self.filter(
            Q(meeting__facility_id__in=scope.facility_ids(*FACILITY_STAFF))
            | Q(meeting__facility__region_id__in=scope.region_ids)
            | Q(owner_partner_id__in=_partners(scope))
        )


class FulfilmentQuerySet(models.QuerySet["Fulfilment"]):
    def for_user(self, user: Any) -> FulfilmentQuerySet:
        """The deliveries recorded for a request the user sees (their evidence is read
        through them); a delivery under a commitment alone is read through its agreement."""
        from sinergi.cooperation.models import SupportRequest

        return self.filter(request__in=SupportRequest.objects.for_user(user))


def partner_users(*partner_ids: int) -> Any:
    """The active users who act for any of these partners (whom a request's news reaches)."""
    from sinergi.accounts.models import User

    return User.objects.filter(
        memberships__partner_id__in=partner_ids,
        memberships__role=Role.PARTNER_USER,
        memberships__is_active=True,
        is_active=True,
    ).distinct()


def facility_staff(facility_id: int) -> Any:
    """The facility's active program officers and head (whom a partner's news reaches)."""
    from sinergi.accounts.models import User

    return User.objects.filter(
        memberships__facility_id=facility_id,
        memberships__role__in=OFFICER_ROLES,
        memberships__is_active=True,
        is_active=True,
    ).distinct()


def meeting_attendee_choices(facility: Any) -> Any:
    """The people who may be named as attending a meeting of ``facility``: the active users
    with an active membership at it, at another facility of its region (a Bapas, a
    neighbouring Lapas) or at a partner that serves it."""
    from sinergi.accounts.models import User
    from sinergi.orgs.models import Partner

    return (
        User.objects.filter(is_active=True, memberships__is_active=True)
        .filter(
            Q(memberships__facility_id=facility.pk)
            | Q(memberships__facility__region_id=facility.region_id)
            | Q(memberships__partner__in=Partner.objects.serving(facility))
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
