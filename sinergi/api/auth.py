"""How API callers prove who they are: a personal token, or the browser session."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from sinergi.accounts.actions import TokenRefused, mfa_required_detail, user_for_token
from sinergi.accounts.mfa import mfa_missing
from sinergi.core.middleware import activate_time_zone_of


def activate_language_of(request: HttpRequest, user: Any) -> None:
    """The language of the API's messages: the one the request asks for (Accept-Language,
    or the site's language cookie: the locale middleware has chosen it), else the one the
    user last chose on the site (``User.language``; a token caller sends no cookie), else
    Indonesian, the default the middleware has activated."""
    asked = "HTTP_ACCEPT_LANGUAGE" in request.META or (
        settings.LANGUAGE_COOKIE_NAME in request.COOKIES
    )
    chosen = getattr(user, "language", "")
    if asked or not chosen or chosen not in dict(settings.LANGUAGES):
        return
    translation.activate(chosen)
    request.LANGUAGE_CODE = chosen


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        try:
            user = user_for_token(token)
        except TokenRefused as refused:
            # An expired token, or one whose owner lacks a required second factor: a 401
            # that says which, instead of the bare "authentication required".
            raise HttpError(401, refused.detail) from None
        if user is not None:
            request.user = user
            # The middleware ran before the token was read: dates ("today") and times are
            # those of the caller's facility, as on its pages.
            activate_time_zone_of(user)
            activate_language_of(request, user)
        return user


class BrowserSession(SessionAuth):
    """The logged-in browser session (CSRF-checked), refused while required MFA is missing.

    The CSRF check guards a session: a request that carries a token (valid or not) or no
    session cookie at all has no session to forge, and is answered 401 by the token
    check ("authentication required"), not 403 "CSRF check failed"."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if "Authorization" in request.headers:
            return None
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if "Authorization" in request.headers:
            # Explicit credentials that failed are not rescued by a session cookie.
            return None
        user = super().authenticate(request, key)
        if user is not None and mfa_missing(user):
            raise HttpError(401, mfa_required_detail())
        if user is not None:
            activate_language_of(request, user)
        return user


AUTH = [BearerToken(), BrowserSession()]
