"""Personal API tokens: created, shown once, stored hashed, revoked; and /api/v1/me."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sinergi.accounts.models import ApiToken, hash_token
from sinergi.core.models import AuditEvent
from tests.client import Client

pytestmark = pytest.mark.django_db


def _create_token(username: str, *extra: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", username, *extra, stdout=out, stderr=err)
    return out.getvalue().strip().splitlines()[-1]


def _bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_create_api_token_command_prints_a_token_that_opens_me(demo_world, client):
    token = _create_token("petugas.selong", "--name", "SDP import")
    response = client.get("/api/v1/me", **_bearer(token))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "petugas.selong"
    assert body["roles"] == ["program_officer"]
    assert body["organisations"] == [
        {
            "type": "facility",
            "id": body["organisations"][0]["id"],
            "code": "selong",
            "name": "Lapas Kelas IIB Selong",
            "role": "program_officer",
        }
    ]


def test_token_is_stored_only_as_a_hash(demo_world):
    token = _create_token("petugas.selong")
    stored = ApiToken.objects.get(user__username="petugas.selong")
    assert stored.token_hash == hash_token(token)
    assert token not in {stored.token_hash, stored.prefix, stored.name}


def test_create_api_token_for_unknown_user_fails_clearly(demo_world):
    with pytest.raises(CommandError, match="No active user"):
        _create_token("nobody")


def test_wrong_token_answers_401_with_the_error_shape(demo_world, client):
    response = client.get("/api/v1/me", **_bearer("sng_not-a-real-token"))
    assert response.status_code == 401
    assert response.json() == {
        "detail": "Autentikasi diperlukan: token atau sesi yang sah.",
        "code": "not_authenticated",
        "errors": {},
    }


def test_revoked_token_answers_401(demo_world, client_for, client):
    token = _create_token("petugas.selong")
    stored = ApiToken.objects.get(user__username="petugas.selong")
    page = client_for("petugas.selong")
    assert page.post(f"/me/tokens/{stored.pk}/revoke/").status_code == 302
    response = client.get("/api/v1/me", **_bearer(token))
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_no_credentials_answers_401(client, db):
    assert client.get("/api/v1/me").status_code == 401


def test_a_write_with_a_wrong_token_answers_401_not_a_csrf_refusal(demo_world):
    # A script whose token expired must hear "authentication required", not "CSRF".
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/support-requests",
        {"title": "x"},
        content_type="application/json",
        **_bearer("sng_not-a-real-token"),
    )
    assert response.status_code == 401, response.content
    assert response.json()["code"] == "not_authenticated"


def test_a_write_with_no_credentials_answers_401(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/v1/support-requests", {}, content_type="application/json")
    assert response.status_code == 401, response.content


def test_a_signed_in_session_still_needs_the_csrf_token_to_write(demo_world, user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user("petugas.selong"))
    response = client.post("/api/v1/support-requests", {}, content_type="application/json")
    assert response.status_code == 403, response.content


def test_token_of_deactivated_user_answers_401(demo_world, client, user):
    token = _create_token("petugas.selong")
    officer = user("petugas.selong")
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    assert client.get("/api/v1/me", **_bearer(token)).status_code == 401


def test_session_also_authenticates_the_api(client_for):
    response = client_for("kanwil.ntb").get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["roles"] == ["regional_viewer"]


def test_tokens_page_creates_a_token_shown_once(client_for, client):
    page = client_for("wali.selong")
    response = page.post("/me/tokens/", {"name": "Laptop script"})
    assert response.status_code == 200
    raw = response.context["new_token"]
    assert raw and raw in response.content.decode()
    assert client.get("/api/v1/me", **_bearer(raw)).status_code == 200
    listing = page.get("/me/tokens/").content.decode()
    assert "Laptop script" in listing
    assert raw not in listing


def test_tokens_page_rejects_an_empty_name(client_for):
    response = client_for("wali.selong").post("/me/tokens/", {"name": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_user_cannot_revoke_someone_elses_token(client_for):
    _create_token("petugas.selong")
    stored = ApiToken.objects.get()
    response = client_for("petugas.lobar").post(f"/me/tokens/{stored.pk}/revoke/")
    assert response.status_code == 404
    stored.refresh_from_db()
    assert stored.revoked_at is None


def test_creating_and_revoking_a_token_is_audited(client_for):
    page = client_for("wali.selong")
    page.post("/me/tokens/", {"name": "Audit me"})
    stored = ApiToken.objects.get()
    page.post(f"/me/tokens/{stored.pk}/revoke/")
    actions = list(
        AuditEvent.objects.filter(actor_username="wali.selong", action__startswith="api_token")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["api_token.create", "api_token.revoke"]


def test_a_wrong_token_is_refused_even_with_a_valid_session(client_for):
    client = client_for("petugas.selong")
    assert client.get("/api/v1/me").status_code == 200
    assert client.get("/api/v1/me", **_bearer("sng_wrong")).status_code == 401


def test_a_new_token_expires_after_the_configured_number_of_days(user, settings):
    from datetime import timedelta

    from django.utils import timezone

    from sinergi.accounts.actions import create_api_token

    officer = user("petugas.selong")
    assert settings.API_TOKEN_DAYS == 90
    token, _ = create_api_token(user=officer, name="default", by=officer)
    assert abs(token.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)
    settings.API_TOKEN_DAYS = 7
    short, _ = create_api_token(user=officer, name="short", by=officer)
    assert abs(short.expires_at - (timezone.now() + timedelta(days=7))) < timedelta(minutes=1)


def test_an_expired_token_answers_401_saying_it_expired(demo_world, client):
    from datetime import timedelta

    from django.utils import timezone

    token = _create_token("petugas.selong")
    stored = ApiToken.objects.get()
    stored.expires_at = timezone.now() - timedelta(seconds=1)
    stored.save(update_fields=["expires_at"])
    response = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en", **_bearer(token))
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "not_authenticated"
    assert "expired" in body["detail"]


def test_the_tokens_page_shows_when_each_token_expires(client_for, user):
    from datetime import datetime

    from django.utils import timezone

    from sinergi.accounts.actions import create_api_token

    officer = user("wali.selong")
    token, _ = create_api_token(user=officer, name="Laptop", by=officer)
    token.expires_at = timezone.make_aware(datetime(2031, 3, 4, 12, 0))
    token.save(update_fields=["expires_at"])
    old, _ = create_api_token(user=officer, name="Old", by=officer)
    old.expires_at = timezone.make_aware(datetime(2020, 1, 2, 12, 0))
    old.save(update_fields=["expires_at"])
    page = client_for("wali.selong").get("/me/tokens/", language="en")
    html = page.content.decode()
    assert "Expires" in html
    assert "04/03/2031" in html
    assert "02/01/2020" in html and ">expired<" in html
    assert "works for 90 days" in html


def test_the_command_prints_when_the_token_expires(demo_world):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", "petugas.selong", stdout=out, stderr=err)
    assert "expires" in err.getvalue()


def _login(client, username: str, password: str = "sinergi-demo") -> None:
    response = client.post("/accounts/login/", {"login": username, "password": password})
    assert response.status_code == 302


def test_a_password_change_revokes_all_the_users_tokens_and_says_so(demo_world, client):
    first = _create_token("wali.selong")
    second = _create_token("wali.selong")
    other = _create_token("petugas.selong")
    _login(client, "wali.selong")
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": "sinergi-demo",
            "password1": "another-passw0rd-x",
            "password2": "another-passw0rd-x",
        },
        follow=True,
        language="en",
    )
    assert "2 API tokens were revoked" in response.content.decode()
    for raw in (first, second):
        assert client.get("/api/v1/me", **_bearer(raw)).status_code == 401
    assert not ApiToken.objects.active().filter(user__username="wali.selong").exists()
    assert ApiToken.objects.active().filter(user__username="petugas.selong").count() == 1
    events = AuditEvent.objects.filter(action="api_token.revoke", actor_username="wali.selong")
    assert events.count() == 2
    assert all(e.changes.get("reason") == "password_change" for e in events)
    assert Client().get("/api/v1/me", **_bearer(other)).status_code == 200


def test_a_password_reset_revokes_all_the_users_tokens(demo_world, client, mailoutbox):
    import re

    raw = _create_token("wali.selong")
    client.post("/accounts/password/reset/", {"email": "wali.selong@example.org"})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mailoutbox[0].body)
    assert link
    form_page = client.get(link.group(1), follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1)
    response = client.post(
        action,
        {"password1": "a-brand-new-passw0rd", "password2": "a-brand-new-passw0rd"},
        follow=True,
        language="en",
    )
    assert "1 API token was revoked" in response.content.decode()
    assert client.get("/api/v1/me", **_bearer(raw)).status_code == 401
    event = AuditEvent.objects.get(action="api_token.revoke")
    assert event.changes.get("reason") == "password_reset"


def test_an_administrator_setting_a_password_revokes_the_users_tokens(demo_world, client_for):
    from sinergi.accounts.models import User

    raw = _create_token("wali.selong")
    wali = User.objects.get(username="wali.selong")
    response = client_for("admin").post(
        f"/admin/accounts/user/{wali.pk}/password/",
        {"password1": "set-by-the-admin-9", "password2": "set-by-the-admin-9"},
    )
    assert response.status_code == 302
    assert Client().get("/api/v1/me", **_bearer(raw)).status_code == 401
    event = AuditEvent.objects.get(action="api_token.revoke")
    assert event.actor_username == "admin"


def test_existing_tokens_get_ninety_days_from_their_creation_by_the_migration(user):
    import importlib
    from datetime import datetime, timedelta

    from django.apps import apps
    from django.utils import timezone

    from sinergi.accounts.actions import create_api_token

    officer = user("petugas.selong")
    token, _ = create_api_token(user=officer, name="old", by=officer)
    created = timezone.make_aware(datetime(2024, 5, 6, 7, 8))
    ApiToken.objects.filter(pk=token.pk).update(created_at=created)
    migration = importlib.import_module("sinergi.accounts.migrations.0005_apitoken_expires_at")
    migration.give_existing_tokens_ninety_days(apps, None)
    token.refresh_from_db()
    assert token.expires_at == created + timedelta(days=90)


def test_the_token_messages_are_in_indonesian_by_default(demo_world, client_for, client):
    from datetime import timedelta

    from django.utils import timezone

    raw = _create_token("wali.selong")
    page = client_for("wali.selong").get("/me/tokens/").content.decode()
    assert "Kedaluwarsa" in page and "berlaku selama 90 hari" in page
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(days=1))
    detail = client.get("/api/v1/me", **_bearer(raw)).json()["detail"]
    assert detail.startswith("Token API ini kedaluwarsa pada ")
