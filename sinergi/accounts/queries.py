"""Querysets of the accounts app (``ApiToken.objects.active()``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
