from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sinergi.core.navigation import HomeCard
from sinergi.core.roles import MFA_ROLES
from sinergi.core.scoping import Scope


def cards(request: HttpRequest, scope: Scope) -> list[HomeCard]:
    if not scope.has_role(*MFA_ROLES):
        return []
    if Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists():
        return []
    return [
        HomeCard(
            title=_("Protect your account with a second factor"),
            body=_(
                "You work with personal data of inmates. Add an authenticator app so that "
                "a stolen password is not enough to sign in as you."
            ),
            url=reverse("mfa_activate_totp"),
            link_label=_("Set up two-factor authentication"),
            tone="warning",
            order=1,
        )
    ]
