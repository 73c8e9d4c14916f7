"""Logins, logouts and failed logins go into the audit trail; a password change or reset
revokes the user's API tokens (whoever knew the old password may have made one)."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import password_changed, password_reset, password_set
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils.translation import ngettext

from sinergi.core import audit


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record("auth.login", by=user, target=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record("auth.logout", by=user, target=user)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    audit.record("auth.login_failed", by=None, username=username, changes={"username": username})


def tell_tokens_revoked(request: Any, count: int) -> None:
    if request is not None and count:
        messages.warning(
            request,
            ngettext(
                "%(count)d API token was revoked because the password changed: create a "
                "new one on the API tokens page if a script still needs it.",
                "%(count)d API tokens were revoked because the password changed: create "
                "new ones on the API tokens page if scripts still need them.",
                count,
            )
            % {"count": count},
        )


def _revoke_tokens(request: Any, user: Any, reason: str) -> None:
    from sinergi.accounts.actions import revoke_all_api_tokens

    tell_tokens_revoked(request, revoke_all_api_tokens(user=user, by=user, reason=reason))


@receiver(password_changed)
def _password_changed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    _revoke_tokens(request, user, "password_change")


@receiver(password_set)
def _password_set(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    _revoke_tokens(request, user, "password_set")


@receiver(password_reset)
def _password_reset(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    _revoke_tokens(request, user, "password_reset")
