"""Personal API tokens: created, shown once, stored hashed, revoked; and /api/v1/me."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sinergi.accounts.models import ApiToken, hash_token
from sinergi.core.models import AuditEvent

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
        "detail": "Authentication required: a valid token or session.",
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
