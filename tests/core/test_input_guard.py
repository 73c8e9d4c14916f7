"""A NUL character in an address is a 400 on every page (PostgreSQL refuses it: a 500)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/verify/?code=AB%00CD", "/verify/AB%00CD/"])
def test_the_public_certificate_check_refuses_a_nul_character(client, url):
    assert client.get(url).status_code == 400


@pytest.mark.parametrize(
    "url", ["/orgs/facilities/?q=a%00", "/orgs/partners/?q=a%00", "/orgs/partners/?k%00=1"]
)
def test_a_search_with_a_nul_character_is_a_400(client_for, url):
    assert client_for("petugas.selong").get(url).status_code == 400


def test_an_ordinary_search_still_works(client_for):
    assert client_for("petugas.selong").get("/orgs/partners/?q=disnaker").status_code == 200


def test_the_api_keeps_its_own_answer_with_field_errors(client_for):
    response = client_for("petugas.selong").get("/api/v1/partners?q=a%00")
    assert response.status_code == 422
    assert response.json()["errors"] == {"q": ["Teks tidak boleh memuat karakter NUL."]}
