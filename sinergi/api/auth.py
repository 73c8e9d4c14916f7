"""How API callers prove who they are: a personal token, or the browser session."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from sinergi.accounts.actions import user_for_token
from sinergi.accounts.middleware import needs_mfa
from sinergi.core.middleware import activate_time_zone_of


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
            # The middleware ran before the token was read: dates ("today") and times are
            # those of the caller's facility, as on its pages.
            activate_time_zone_of(user)
        return user


class BrowserSession(SessionAuth):
    """The logged-in browser session (CSRF-checked), refused while required MFA is missing."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if "Authorization" in request.headers:
            # Explicit credentials that failed are not rescued by a session cookie.
            return None
        user = super().authenticate(request, key)
        if user is not None and settings.SINERGI_REQUIRE_MFA and needs_mfa(user):
            return None
        return user


AUTH = [BearerToken(), BrowserSession()]
