"""Writes on accounts: every one is atomic, attributed and audited."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from sinergi.accounts.models import ApiToken, User, hash_token
from sinergi.core import audit


class TokenError(ValueError):
    pass


@transaction.atomic
def create_api_token(*, user: User, name: str, by: User) -> tuple[ApiToken, str]:
    """Create a token for ``user``; return it with the raw value, which is never stored."""
    name = name.strip()
    if not name:
        raise TokenError("A token needs a name.")
    if len(name) > 100:
        raise TokenError("A token name has at most 100 characters.")
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        user=user, name=name, token_hash=hash_token(raw), prefix=raw[:8]
    )
    audit.record("api_token.create", by=by, target=token, changes={"name": name})
    return token, raw


@transaction.atomic
def revoke_api_token(*, token: ApiToken, by: User) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record("api_token.revoke", by=by, target=token, changes={"name": token.name})
    return token


def user_for_token(raw: str) -> User | None:
    """The active user behind an unrevoked token, or None."""
    if not raw:
        return None
    token = (
        ApiToken.objects.active()
        .select_related("user")
        .filter(token_hash=hash_token(raw), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    token.mark_used()
    return token.user
