"""Signing in and out, lockout after repeated failures, MFA enforcement, session expiry."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.test import override_settings

from sinergi.core.models import AuditEvent

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def test_demo_user_signs_in_with_the_demo_password(demo_world, client):
    response = client.post(LOGIN, {"login": "petugas.selong", "password": "sinergi-demo"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.login", actor_username="petugas.selong").exists()


def test_wrong_password_is_refused_and_audited(demo_world, client):
    response = client.post(LOGIN, {"login": "petugas.selong", "password": "wrong-password"})
    assert response.status_code == 200
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(
        action="auth.login_failed", actor_username="petugas.selong"
    ).exists()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("id", "Nama pengguna dan/atau kata sandi yang Anda masukkan tidak benar."),
        ("en", "The username and/or password you entered are not correct."),
    ],
)
def test_a_wrong_password_is_explained_in_the_pages_language(demo_world, client, language, message):
    response = client.post(
        LOGIN,
        {"login": "petugas.selong", "password": "wrong-password"},
        language=language,
    )
    assert message in response.content.decode()


def test_account_is_locked_after_repeated_failures(demo_world, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"login": "wali.selong", "password": "wrong-password"})
    response = client.post(LOGIN, {"login": "wali.selong", "password": "sinergi-demo"})
    assert response.status_code == 429
    assert client.get("/").status_code == 302


def test_nobody_can_sign_up(client, db):
    response = client.get("/accounts/signup/")
    assert response.status_code == 200
    assert b"id_password1" not in response.content


def test_logout_needs_a_post_and_ends_the_session(client_for):
    client = client_for("petugas.selong")
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


@override_settings(SINERGI_REQUIRE_MFA=True)
@pytest.mark.parametrize(
    "username",
    [
        "admin",
        "kalapas.selong",
        "petugas.selong",
        "wali.selong",
        "pk.bapas",
        "instruktur.blk",
        "mitra.disnaker",
        "kanwil.ntb",
    ],
)
def test_every_role_must_enrol_in_mfa_when_required(client_for, username):
    # Every role reads person-level data (core/roles.py, MFA_ROLES).
    response = client_for(username).get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate")


@override_settings(SINERGI_REQUIRE_MFA=True)
def test_user_with_totp_is_let_through(client_for, user):
    Authenticator.objects.create(
        user=user("petugas.selong"), type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    assert client_for("petugas.selong").get("/").status_code == 200


@override_settings(SINERGI_REQUIRE_MFA=True)
def test_session_api_is_refused_while_required_mfa_is_missing(client_for):
    assert client_for("petugas.selong").get("/api/v1/me").status_code == 401


def test_mfa_is_not_enforced_by_default(client_for):
    assert client_for("petugas.selong").get("/").status_code == 200


def test_user_confirms_their_password_then_sees_the_totp_qr_code(demo_world, client):
    client.post(LOGIN, {"login": "petugas.selong", "password": "sinergi-demo"})
    first = client.get("/accounts/2fa/totp/activate/")
    assert first["Location"].startswith("/accounts/reauthenticate/")
    client.post(
        "/accounts/reauthenticate/?next=/accounts/2fa/totp/activate/",
        {"password": "sinergi-demo"},
    )
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 200
    assert b"svg" in response.content.lower()


def test_password_reset_sends_a_link_that_sets_a_new_password(demo_world, client, mailoutbox):
    import re

    response = client.post("/accounts/password/reset/", {"email": "wali.selong@example.org"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mailoutbox[0].body)
    assert link
    form_page = client.get(link.group(1), follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1)
    client.post(action, {"password1": "a-brand-new-passw0rd", "password2": "a-brand-new-passw0rd"})
    assert (
        client.post(LOGIN, {"login": "wali.selong", "password": "a-brand-new-passw0rd"}).status_code
        == 302
    )


def test_password_change_needs_the_old_password(demo_world, client):
    client.post(LOGIN, {"login": "wali.selong", "password": "sinergi-demo"})
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": "not-it",
            "password1": "another-passw0rd-x",
            "password2": "another-passw0rd-x",
        },
    )
    assert response.status_code == 200
    client.post(
        "/accounts/password/change/",
        {
            "oldpassword": "sinergi-demo",
            "password1": "another-passw0rd-x",
            "password2": "another-passw0rd-x",
        },
    )
    client.post("/accounts/logout/")
    assert (
        client.post(LOGIN, {"login": "wali.selong", "password": "another-passw0rd-x"}).status_code
        == 302
    )


def test_membership_must_name_the_right_kind_of_organisation(demo_world):
    from django.core.exceptions import ValidationError

    from sinergi.accounts.models import Membership, User
    from sinergi.core.roles import Role
    from sinergi.orgs.models import Partner

    membership = Membership(
        user=User.objects.get(username="wali.selong"),
        role=Role.HEAD,
        partner=Partner.objects.get(code="blk-lotim"),
    )
    with pytest.raises(ValidationError):
        membership.clean()
