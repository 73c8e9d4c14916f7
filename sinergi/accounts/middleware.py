"""Enforces a second factor for facility and administrator roles when configured."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from sinergi.core.roles import MFA_ROLES
from sinergi.core.scoping import scope_of

# Pages a user without a second factor may still open: enrolling in MFA, logging out,
# changing the language, static files and the public pages.
_ALLOWED_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/healthz", "/verify/", "/public/")


def needs_mfa(user: object) -> bool:
    from allauth.mfa.models import Authenticator

    scope = scope_of(user)
    if not scope.has_role(*MFA_ROLES):
        return False
    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class RequireMfaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.SINERGI_REQUIRE_MFA
            and request.user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and not request.path.startswith("/api/")
            and needs_mfa(request.user)
        ):
            return redirect(reverse("mfa_activate_totp") + "?required=1")
        return self.get_response(request)
