"""Who must use a second factor, and whether they have one (MFA_ROLES in core/roles.py)."""

from __future__ import annotations

from django.conf import settings

from sinergi.core.roles import MFA_ROLES
from sinergi.core.scoping import scope_of


def has_totp(user: object) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def needs_mfa(user: object) -> bool:
    """The user holds a role that must use a second factor and has not set one up."""
    if not scope_of(user).has_role(*MFA_ROLES):
        return False
    return not has_totp(user)


def mfa_missing(user: object) -> bool:
    """A second factor is required here (SINERGI_REQUIRE_MFA) for this user and missing:
    they may neither use the site beyond setting it up, nor create or use API tokens."""
    return bool(settings.SINERGI_REQUIRE_MFA) and needs_mfa(user)
