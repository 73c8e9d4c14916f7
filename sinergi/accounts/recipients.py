"""Whom an event is told, beside those it is sent to by name: the regional office
(Kanwil) that supervises a facility, and the heads of a facility for a step awaiting
their approval."""

from __future__ import annotations

from typing import Any

from sinergi.accounts.models import User


def regional_viewers(region_id: int | None) -> Any:
    """The active users of the regional office (Kanwil) of ``region_id``: whom the
    events of the facilities it supervises are told (none without a region)."""
    from sinergi.core.roles import Role

    if region_id is None:
        return User.objects.none()
    return User.objects.filter(
        is_active=True,
        memberships__region_id=region_id,
        memberships__role=Role.REGIONAL_VIEWER,
        memberships__is_active=True,
    ).distinct()


def facility_heads(facility_id: int | None, *, besides: User | None = None) -> Any:
    """The active heads of ``facility_id`` but ``besides`` (who acted): whom a step that
    awaits the head's approval is told."""
    from sinergi.core.roles import Role

    if facility_id is None:
        return User.objects.none()
    heads = User.objects.filter(
        is_active=True,
        memberships__facility_id=facility_id,
        memberships__role=Role.HEAD,
        memberships__is_active=True,
    ).distinct()
    return heads.exclude(pk=besides.pk) if besides is not None else heads
