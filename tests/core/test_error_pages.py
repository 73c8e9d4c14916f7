"""Error pages (400, 403, 404, 500, a refused CSRF check) in the site's layout and the
reader's language, each with a way back; DEBUG is off in tests, as in production."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings
from django.utils import translation

from sinergi.core import error_views
from tests.client import Client

pytestmark = pytest.mark.django_db

TEST_URLS = override_settings(ROOT_URLCONF="tests.core.error_urls")
LAYOUT = ('class="site-header"', 'class="site-footer"', "css/sinergi.css")


def _in_layout(html: str) -> None:
    for mark in LAYOUT:
        assert mark in html
    assert 'href="/"' in html  # the way home


@pytest.mark.parametrize(
    ("language", "title"), [("id", "Halaman tidak ditemukan"), ("en", "Page not found")]
)
def test_a_missing_page_is_a_404_in_the_layout_and_the_readers_language(language, title):
    response = Client().get("/no-such-page/", language=language)
    assert response.status_code == 404
    html = response.content.decode()
    _in_layout(html)
    assert f'<h1 id="error-title">{title}</h1>' in html
    assert f'<html lang="{language}">' in html


def test_the_404_offers_the_previous_page_when_it_was_ours():
    html = Client().get("/no-such-page/", HTTP_REFERER="http://testserver/publik/").content
    assert b'href="http://testserver/publik/"' in html
    elsewhere = Client().get("/no-such-page/", HTTP_REFERER="https://evil.example/x").content
    assert b"evil.example" not in elsewhere


@TEST_URLS
@pytest.mark.parametrize(
    ("language", "title"),
    [("id", "Anda tidak berwenang melakukan ini"), ("en", "You may not do this")],
)
def test_a_refusal_is_a_403_in_the_layout_with_the_users_menu(client_for, language, title):
    response = client_for("petugas.selong").get("/test-errors/403/", language=language)
    assert response.status_code == 403
    html = response.content.decode()
    _in_layout(html)
    assert title in html
    assert 'id="site-nav"' in html  # the signed-in user keeps the menu


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("id", "Alamat memuat karakter NUL (%00)"),
        ("en", "The address contains a NUL character (%00)"),
    ],
)
def test_a_nul_character_in_a_search_is_a_400_that_says_why(client_for, language, said):
    response = client_for("petugas.selong").get("/inmates/?q=a%00", language=language)
    assert response.status_code == 400
    html = response.content.decode()
    _in_layout(html)
    assert said in html


@TEST_URLS
@pytest.mark.parametrize(
    ("language", "title"), [("id", "Terjadi kesalahan"), ("en", "Something went wrong")]
)
def test_a_failure_is_a_500_in_the_sites_look(client_for, language, title):
    client = client_for("petugas.selong")
    client.raise_request_exception = False
    response = client.get("/test-errors/500/", language=language)
    assert response.status_code == 500
    html = response.content.decode()
    _in_layout(html)
    assert f'<h1 id="error-title">{title}</h1>' in html


@pytest.mark.django_db(databases=[])
def test_the_500_page_needs_no_database():
    """Rendered with the database out of reach (any query would fail this test)."""
    request = RequestFactory().get("/programs/")
    with translation.override("en"):
        response = error_views.server_error(request)
    assert response.status_code == 500
    assert b"Something went wrong" in response.content


@pytest.mark.parametrize(
    ("language", "title"), [("id", "Formulir sudah kedaluwarsa"), ("en", "The form has expired")]
)
def test_a_form_without_its_csrf_token_is_a_403_that_says_what_to_do(language, title):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": "x", "password": "y"}, language=language)
    assert response.status_code == 403
    html = response.content.decode()
    _in_layout(html)
    assert title in html


def test_the_api_answers_a_missing_address_in_its_own_shape():
    response = Client().get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("accept", "cookie", "expected"),
    [
        ("en-US,en;q=0.9", None, "id"),  # an English browser opens Sinergi in Indonesian
        ("en-US,en;q=0.9", "en", "en"),  # the user's choice is kept
        ("id", "en", "en"),
        (None, None, "id"),
    ],
)
def test_pages_follow_the_users_choice_not_the_browsers_language(accept, cookie, expected):
    extra = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}
    response = Client().get("/accounts/login/", language=cookie, **extra)
    assert f'<html lang="{expected}">' in response.content.decode()


def test_a_signed_in_users_own_choice_holds_without_the_cookie(client_for, user):
    user("petugas.selong").__class__.objects.filter(username="petugas.selong").update(language="en")
    response = client_for("petugas.selong").get("/", HTTP_ACCEPT_LANGUAGE="id")
    assert '<html lang="en">' in response.content.decode()


@pytest.mark.parametrize(
    ("accept", "cookie", "expected"),
    [("en", None, "en"), ("id", "en", "id"), (None, "en", "en"), (None, None, "id")],
)
def test_the_apis_detail_follows_accept_language_its_code_stays_a_code(
    client_for, accept, cookie, expected
):
    extra = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}
    response = client_for("petugas.selong").get(
        "/api/v1/support-requests/999999999", language=cookie, **extra
    )
    assert response.status_code == 404
    body = response.json()
    with translation.override(expected):
        assert body["detail"] == translation.gettext("Not found.")
    assert body["code"] == "not_found"
    assert response["Content-Language"] == expected


def test_the_language_chosen_is_kept_on_the_device_for_a_year():
    response = Client().post("/i18n/setlang/", {"language": "en", "next": "/publik/"})
    cookie = response.cookies["sinergi_language"]
    assert cookie.value == "en"
    assert int(cookie["max-age"]) >= 365 * 24 * 60 * 60
