from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from sinergi.core.navigation import nav_for
from sinergi.core.scoping import scope_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    # The unread notifications come from sinergi.accounts.context_processors (core knows no app).
    scope = scope_of(getattr(request, "user", None))
    return {
        "nav_items": nav_for(scope, request.path) if scope.roles else [],
        "user_scope": scope,
        "SINERGI_REQUIRE_MFA": settings.SINERGI_REQUIRE_MFA,
    }
