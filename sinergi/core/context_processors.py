from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from sinergi.core.navigation import nav_for
from sinergi.core.scoping import scope_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    scope = scope_of(user)
    unread = 0
    if user is not None and user.is_authenticated:
        from django.apps import apps

        unread = (
            apps.get_model("accounts", "Notification")
            .objects.filter(user_id=user.pk, read_at__isnull=True)
            .count()
        )
    return {
        "unread_notifications": unread,
        "nav_items": nav_for(scope, request.path) if scope.roles else [],
        "user_scope": scope,
        "SINERGI_REQUIRE_MFA": settings.SINERGI_REQUIRE_MFA,
    }
