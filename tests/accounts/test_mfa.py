"""Who must use a second factor, what they may open before enrolling, and API tokens."""

from __future__ import annotations

import io

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import translation

from sinergi.accounts.actions import TokenError, create_api_token
from sinergi.accounts.models import ApiToken
from sinergi.core.roles import MFA_ROLES, Role

pytestmark = pytest.mark.django_db

TOTP_SETUP = "/accounts/2fa/totp/activate/"

EVERY_DEMO_USER = [
    "admin",
    "kalapas.selong",
    "petugas.selong",
    "wali.selong",
    "instruktur.blk",
    "mitra.disnaker",
    "mitra.dukcapil",
    "pk.bapas",
    "petugas.lobar",
    "kanwil.ntb",
]


def _enrol(user) -> None:
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})


def _bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_every_role_reads_person_level_data_so_every_role_is_in_the_mfa_set():
    assert set(Role) == set(MFA_ROLES)


@override_settings(SINERGI_REQUIRE_MFA=True)
@pytest.mark.parametrize("username", ["kanwil.ntb", "instruktur.blk", "mitra.disnaker"])
def test_regional_viewer_instructor_and_partner_must_enrol_in_mfa_when_required(
    client_for, username
):
    response = client_for(username).get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(TOTP_SETUP)


@pytest.mark.parametrize("username", EVERY_DEMO_USER)
def test_without_the_setting_no_demo_user_is_sent_to_mfa_setup(client_for, username):
    assert client_for(username).get("/").status_code == 200


@override_settings(SINERGI_REQUIRE_MFA=True)
@pytest.mark.parametrize(
    "path",
    [
        "/publik/",
        "/publik/data.json",
        "/verify/",
        "/verify/?code=SNG-0000-0000-0000",
        "/verify/SNG-0000-0000-0000/",
        "/healthz",
        "/jsi18n/",
    ],
)
def test_signed_in_user_without_required_mfa_reads_public_pages_and_verifies_certificates(
    client_for, path
):
    response = client_for("petugas.selong").get(path)
    assert response.status_code == 200, response.get("Location")


@override_settings(SINERGI_REQUIRE_MFA=True)
def test_signed_in_user_without_required_mfa_reaches_setup_language_and_logout(client_for):
    client = client_for("wali.selong")
    setup = client.get(TOTP_SETUP)
    # Activating asks for the password again first: that page is allowed too.
    assert setup.status_code in {200, 302}
    if setup.status_code == 302:
        assert setup["Location"].startswith("/accounts/reauthenticate/")
        assert client.get(setup["Location"]).status_code == 200
    assert client.get("/accounts/password/change/").status_code == 200
    language = client.post("/i18n/setlang/", {"language": "en", "next": "/publik/"})
    assert language.status_code == 302 and language["Location"] == "/publik/"
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302  # signed out: to the sign-in page
    assert client.get("/")["Location"].startswith("/accounts/login/")


@override_settings(SINERGI_REQUIRE_MFA=True)
@pytest.mark.parametrize("path", ["/me/tokens/", "/inmates/", "/audit/", "/admin/"])
def test_pages_with_personal_data_still_send_a_user_without_mfa_to_setup(client_for, path):
    response = client_for("admin").get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(TOTP_SETUP)


@override_settings(SINERGI_REQUIRE_MFA=True)
def test_a_user_who_must_use_mfa_cannot_create_a_token_before_enrolling(user):
    officer = user("petugas.selong")
    with translation.override("en"), pytest.raises(TokenError, match="two-factor"):
        create_api_token(user=officer, name="script", by=officer)
    assert not ApiToken.objects.exists()


@override_settings(SINERGI_REQUIRE_MFA=True)
def test_the_token_command_refuses_a_user_who_must_use_mfa_but_has_not_enrolled(demo_world):
    with translation.override("en"), pytest.raises(CommandError, match="two-factor"):
        call_command("create_api_token", "kanwil.ntb", stdout=io.StringIO(), stderr=io.StringIO())
    assert not ApiToken.objects.exists()


@override_settings(SINERGI_REQUIRE_MFA=True)
def test_the_tokens_page_sends_a_user_without_mfa_to_setup_and_creates_nothing(client_for):
    response = client_for("petugas.selong").post("/me/tokens/", {"name": "script"})
    assert response.status_code == 302
    assert response["Location"].startswith(TOTP_SETUP)
    assert not ApiToken.objects.exists()


@override_settings(SINERGI_REQUIRE_MFA=True)
def test_the_tokens_page_explains_and_links_to_setup_when_a_token_is_refused(
    client_for, monkeypatch
):
    # Should the page be reached without MFA (the middleware lets it through), the
    # action still refuses, and the page says why and where to enrol.
    monkeypatch.setattr("sinergi.accounts.middleware.needs_mfa", lambda user: False)
    response = client_for("petugas.selong").post("/me/tokens/", {"name": "script"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "two-factor" in page.lower() or "dua faktor" in page.lower()
    assert f'href="{TOTP_SETUP}' in page
    assert response.context["new_token"] is None
    assert not ApiToken.objects.exists()


@override_settings(SINERGI_REQUIRE_MFA=True)
def test_a_user_with_mfa_creates_a_token_that_works(client_for, user, client):
    officer = user("petugas.selong")
    _enrol(officer)
    response = client_for("petugas.selong").post("/me/tokens/", {"name": "script"})
    raw = response.context["new_token"]
    assert raw
    assert client.get("/api/v1/me", **_bearer(raw)).status_code == 200


@override_settings(SINERGI_REQUIRE_MFA=True)
def test_a_token_whose_owner_no_longer_has_mfa_is_refused_with_a_clear_401(user, client):
    officer = user("pk.bapas")
    _enrol(officer)
    _, raw = create_api_token(user=officer, name="script", by=officer)
    assert client.get("/api/v1/me", **_bearer(raw)).status_code == 200
    Authenticator.objects.filter(user=officer).delete()
    response = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en", **_bearer(raw))
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "not_authenticated"
    assert "two-factor" in body["detail"].lower()


def test_a_token_made_while_mfa_was_not_required_is_refused_once_it_is(user, client):
    officer = user("kanwil.ntb")
    _, raw = create_api_token(user=officer, name="script", by=officer)
    assert client.get("/api/v1/me", **_bearer(raw)).status_code == 200
    with override_settings(SINERGI_REQUIRE_MFA=True):
        response = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en", **_bearer(raw))
    assert response.status_code == 401
    assert "two-factor" in response.json()["detail"].lower()
