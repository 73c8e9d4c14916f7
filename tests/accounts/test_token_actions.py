"""The token actions hold their own rules: a name of 1 to 100 characters (a
ValidationError at the name, as the form shows it) and only the owner, an administrator
or a staff member the admin lets change users creates or revokes someone's tokens."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from sinergi.accounts.actions import (
    create_api_token,
    revoke_all_api_tokens,
    revoke_api_token,
)
from sinergi.accounts.models import ApiToken
from sinergi.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(("name", "message"), [("   ", "needs a name"), ("x" * 101, "at most 100")])
def test_a_token_name_the_form_refuses_is_refused_by_the_action_at_the_name(
    user, settings, name, message
):
    settings.SINERGI_REQUIRE_MFA = False
    owner = user("petugas.selong")
    with pytest.raises(ValidationError) as refused:
        create_api_token(user=owner, name=name, by=owner)
    assert any(message in text for text in refused.value.message_dict["name"])
    assert not ApiToken.objects.filter(user=owner).exists()


@pytest.mark.parametrize("outsider", ["petugas.lobar", "kalapas.selong", "mitra.disnaker"])
def test_nobody_else_creates_a_token_for_a_user(user, settings, outsider):
    settings.SINERGI_REQUIRE_MFA = False
    owner = user("petugas.selong")
    with pytest.raises(PermissionDenied, match="owner of the tokens"):
        create_api_token(user=owner, name="script", by=user(outsider))
    assert not ApiToken.objects.filter(user=owner).exists()


def test_nobody_else_revokes_a_users_tokens(user, settings):
    settings.SINERGI_REQUIRE_MFA = False
    owner = user("petugas.selong")
    token, _raw = create_api_token(user=owner, name="script", by=owner)
    with pytest.raises(PermissionDenied):
        revoke_api_token(token=token, by=user("petugas.lobar"))
    with pytest.raises(PermissionDenied):
        revoke_all_api_tokens(user=owner, by=user("kalapas.selong"), reason="x")
    token.refresh_from_db()
    assert token.revoked_at is None
    assert not AuditEvent.objects.filter(action="api_token.revoke").exists()


def test_the_owner_and_an_administrator_revoke_tokens(user, settings):
    settings.SINERGI_REQUIRE_MFA = False
    owner = user("petugas.selong")
    first, _raw = create_api_token(user=owner, name="one", by=owner)
    create_api_token(user=owner, name="two", by=owner)
    revoke_api_token(token=first, by=owner)
    assert revoke_all_api_tokens(user=owner, by=user("admin"), reason="password_set_by_admin") == 1
    assert not ApiToken.objects.filter(user=owner, revoked_at__isnull=True).exists()
