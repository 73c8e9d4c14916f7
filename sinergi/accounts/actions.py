"""Writes on accounts: every one is atomic, attributed and audited."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.accounts.mfa import mfa_missing
from sinergi.accounts.models import ApiToken, User, hash_token
from sinergi.core import audit
from sinergi.core.permissions import require_perm


class TokenError(ValidationError):
    """A token that cannot be created: a ``ValidationError`` at ``field`` (the token's
    name, or the whole request)."""

    def __init__(self, message: str, field: str = "name") -> None:
        super().__init__({field: [message]})


def _may_manage_tokens_of(by: User, user: User) -> None:
    require_perm(
        by,
        "accounts.manage_tokens_of",
        user,
        message=_("Only the owner of the tokens or an administrator manages them."),
    )


class TokenRefused(Exception):
    """A token that exists but may not be used; ``detail`` says why, for the caller."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@transaction.atomic
def create_api_token(*, user: User, name: str, by: User) -> tuple[ApiToken, str]:
    """Create a token for ``user``; return it with the raw value, which is never stored.

    It expires after settings.API_TOKEN_DAYS. Where a second factor is required for the
    user, they must have set one up first: a token must not be a way around it."""
    _may_manage_tokens_of(by, user)
    name = name.strip()
    if not name:
        raise TokenError(_("A token needs a name."))
    if len(name) > 100:
        raise TokenError(_("A token name has at most 100 characters."))
    if mfa_missing(user):
        raise TokenError(
            _(
                "Set up two-factor authentication before creating an API token: "
                "your role must use it, and a token must not be a way around it."
            )
        )
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        token_hash=hash_token(raw),
        prefix=raw[:8],
        expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_DAYS),
    )
    audit.record(
        "api_token.create",
        by=by,
        target=token,
        changes={"name": name, "expires_at": token.expires_at.isoformat()},
    )
    return token, raw


@transaction.atomic
def revoke_api_token(*, token: ApiToken, by: User, reason: str = "") -> ApiToken:
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    _may_manage_tokens_of(by, token.user)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        changes = {"name": token.name}
        if reason:
            changes["reason"] = reason
        audit.record("api_token.revoke", by=by, target=token, changes=changes)
    return token


@transaction.atomic
def revoke_all_api_tokens(*, user: User, by: User, reason: str) -> int:
    """Revoke every unrevoked token of ``user`` (a password change or reset: whoever knew
    the old password may have made one); return how many were still working."""
    _may_manage_tokens_of(by, user)
    revoked = 0
    for token in ApiToken.objects.select_for_update().unrevoked().filter(user=user):
        was_active = token.is_active
        revoke_api_token(token=token, by=by, reason=reason)
        revoked += was_active
    return revoked


def _may_change_preferences_of(by: User, user: User) -> None:
    require_perm(
        by,
        "accounts.change_preferences_of",
        user,
        message=_("Only the user chooses their own preferences."),
    )


@transaction.atomic
def set_email_notifications(*, user: User, enabled: bool, by: User) -> User:
    """Whether ``user``'s notifications are also sent by e-mail (they always appear under
    the bell); audited, with history."""
    _may_change_preferences_of(by, user)
    if user.email_notifications == enabled:
        return user
    user.email_notifications = enabled
    user._history_user = by  # type: ignore[attr-defined]
    user.save(update_fields=["email_notifications"])
    audit.record(
        "account.email_notifications",
        by=by,
        target=user,
        changes={"email_notifications": [not enabled, enabled]},
    )
    return user


PROFILE_FIELDS = ("full_name", "position", "phone", "nip")


@transaction.atomic
def update_profile(*, user: User, by: User, data: Mapping[str, Any]) -> User:
    """The user's name, position, telephone and NIP (the 18-digit staff number printed
    under their signature, checked by ``validate_nip``); audited, with history."""
    _may_change_preferences_of(by, user)
    changed: dict[str, Any] = {}
    for field in PROFILE_FIELDS:
        if field in data:
            value = str(data[field] or "").strip()
            if getattr(user, field) != value:
                changed[field] = [getattr(user, field), value]
                setattr(user, field, value)
    if not changed:
        return user
    user.full_clean(exclude=[f.name for f in user._meta.fields if f.name not in changed])
    user._history_user = by  # type: ignore[attr-defined]
    user.save(update_fields=list(changed))
    audit.record("account.profile", by=by, target=user, changes=changed)
    return user


@transaction.atomic
def set_language(*, user: User, language: str, by: User) -> User:
    """The language ``user`` last chose on the site: their notifications and e-mails are
    written in it. One of ``settings.LANGUAGES`` (else a ValidationError at ``language``);
    audited, with history, when it changes."""
    _may_change_preferences_of(by, user)
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": [_("Choose one of the site's languages.")]})
    if user.language == language:
        return user
    before = user.language
    user.language = language
    user._history_user = by  # type: ignore[attr-defined]
    user.save(update_fields=["language"])
    audit.record("account.language", by=by, target=user, changes={"language": [before, language]})
    return user


def mfa_required_detail() -> str:
    return _(
        "Two-factor authentication is required for this account and is not set up: "
        "set it up in Sinergi (Account, Two-factor), then the API answers again."
    )


def user_for_token(raw: str) -> User | None:
    """The active user behind a working token; None for an unknown or revoked token or
    an inactive user. A token that exists but has expired, or whose owner must use a
    second factor and has none, raises TokenRefused saying so."""
    if not raw:
        return None
    token = (
        ApiToken.objects.unrevoked()
        .select_related("user")
        .filter(token_hash=hash_token(raw), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if token.is_expired:
        when = timezone.localtime(token.expires_at).isoformat(timespec="minutes")
        raise TokenRefused(
            _("This API token expired on %(when)s. Create a new one on the API tokens page.")
            % {"when": when}
        )
    if mfa_missing(token.user):
        raise TokenRefused(mfa_required_detail())
    token.mark_used()
    return token.user
