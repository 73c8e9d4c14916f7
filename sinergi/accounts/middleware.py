"""Enforces a second factor, when configured, for every role that reads personal data."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from sinergi.accounts.mfa import needs_mfa

__all__ = ["RequireMfaMiddleware", "allowed_without_mfa", "needs_mfa"]

# Pages a signed-in user without a required second factor may still open, by URL name
# (a prefix each: the public pages and certificate verification have sub-pages), so
# the list follows the URLconf instead of drifting from it.
_ALLOWED_URL_NAMES = (
    "public:index",  # /publik/: the public transparency pages and open data
    "verify_form",  # /verify/ and /verify/<code>/: certificate verification
    "healthz",
    "set_language",
    "javascript-catalog",
    "account_login",
    "account_logout",
    "account_reauthenticate",  # activating TOTP asks for the password again first
    "account_reset_password",  # a reset link opened while signed in
    "account_change_password",  # one's own password: no personal data behind it
    "account_set_password",
    "mfa_index",  # /accounts/2fa/: setting up TOTP and recovery codes
)


@cache
def _allowed_prefixes() -> tuple[str, ...]:
    prefixes = [reverse(name) for name in _ALLOWED_URL_NAMES]
    prefixes.append(settings.STATIC_URL or "/static/")
    # The API answers for itself (401 with a reason) instead of redirecting.
    prefixes.append(reverse("api:openapi-json").removesuffix("openapi.json"))
    return tuple(prefixes)


def allowed_without_mfa(path: str) -> bool:
    return path.startswith(_allowed_prefixes())


class RequireMfaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.SINERGI_REQUIRE_MFA
            and request.user.is_authenticated
            and not allowed_without_mfa(request.path)
            and needs_mfa(request.user)
        ):
            return redirect(reverse("mfa_activate_totp") + "?required=1")
        return self.get_response(request)
