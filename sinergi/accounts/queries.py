"""Querysets of the accounts app (``ApiToken.objects.active()``) and ``head_of``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from sinergi.accounts.models import ApiToken  # noqa: F401


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        """Neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    def unrevoked(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


def head_of(facility: Any) -> str:
    """The name the head signs with (a proposal letter, a certificate): the full name of
    the facility's active head (an active HEAD membership of an active user); empty when
    the facility has none."""
    from sinergi.accounts.models import Membership
    from sinergi.core.roles import Role

    membership = (
        Membership.objects.filter(
            facility=facility, role=Role.HEAD, is_active=True, user__is_active=True
        )
        .select_related("user")
        .order_by("-created_at", "-id")
        .first()
    )
    if membership is None:
        return ""
    user = membership.user
    return str(user.get_full_name() or "").strip()
