"""Each demo role signs in and walks its pages, in both languages and on a phone,
with axe-core checking every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from e2e.conftest import DESKTOP, PHONE, assert_accessible, assert_fits_phone, login

# The pages each role reaches from its navigation.
ROLE_PAGES = {
    "admin": [
        "/",
        "/orgs/facilities/",
        "/orgs/facilities/selong/",
        "/orgs/partners/",
        "/audit/",
        "/me/tokens/",
    ],
    "kalapas.selong": [
        "/",
        "/orgs/facilities/selong/",
        "/orgs/facilities/selong/letterhead/",
        "/orgs/partners/",
        "/audit/",
        "/inmates/",
        "/inmates/rights/",
    ],
    "petugas.selong": [
        "/",
        "/orgs/facilities/",
        "/orgs/partners/",
        "/orgs/partners/blk-lotim/",
        "/me/tokens/",
    ],
    "wali.selong": ["/", "/inmates/"],
    "instruktur.blk": ["/", "/orgs/partners/blk-lotim/", "/programs/", "/programs/sessions/mine/"],
    "mitra.disnaker": ["/", "/orgs/partners/", "/orgs/partners/disnaker-lotim/", "/programs/"],
    "mitra.dukcapil": ["/", "/me/notifications/", "/cooperation/requests/"],
    "pk.bapas": [
        "/",
        "/orgs/facilities/bapas-mataram/",
        "/me/notifications/",
        "/accounts/password/change/",
        "/accounts/2fa/",
    ],
    "petugas.lobar": ["/", "/orgs/facilities/lobar/"],
    "kanwil.ntb": [
        "/",
        "/orgs/facilities/",
        "/orgs/facilities/lobar/",
        "/inmates/",
        "/inmates/rights/",
    ],
}
PUBLIC_PAGES = [
    "/accounts/login/",
    "/accounts/password/reset/",
    "/verify/",
    "/verify/SNG-NONE-NONE-NONE/",
]


def _walk(page, paths, on_a_phone=False):
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert page.locator("main h1").count() == 1, f"{path} has no single h1"
        if on_a_phone:
            assert_fits_phone(page)
        assert_accessible(page)


@pytest.mark.parametrize("username", sorted(ROLE_PAGES))
def test_role_walks_its_pages_in_indonesian_on_desktop(new_page, username):
    page = new_page(viewport=DESKTOP, language="id")
    login(page, username)
    assert page.locator("html").get_attribute("lang") == "id"
    _walk(page, ROLE_PAGES[username])


@pytest.mark.parametrize("username", sorted(ROLE_PAGES))
def test_role_walks_its_pages_in_english_on_a_phone(new_page, username):
    page = new_page(viewport=PHONE, language="en")
    login(page, username)
    assert page.locator("html").get_attribute("lang") == "en"
    _walk(page, ROLE_PAGES[username], on_a_phone=True)


@pytest.mark.parametrize("language", ["id", "en"])
def test_public_pages_pass_axe(new_page, language):
    page = new_page(viewport=PHONE, language=language)
    _walk(page, PUBLIC_PAGES, on_a_phone=True)


def test_phone_menu_opens_and_closes(new_page):
    page = new_page(viewport=PHONE)
    login(page, "petugas.selong")
    toggle = page.locator(".menu-toggle")
    assert page.locator("#site-nav").is_hidden()
    toggle.click()
    assert page.locator("#site-nav").is_visible()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert_accessible(page)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_menu_of_the_bar_opens_leads_to_its_page_and_closes_with_escape(new_page, viewport):
    page = new_page(viewport=viewport, language="en")
    login(page, "petugas.selong")
    if viewport == PHONE:
        page.locator(".menu-toggle").click()
    cooperation = page.locator("#site-nav summary", has_text="Cooperation")
    agreements = page.locator("#site-nav").get_by_role("link", name="Agreements")
    assert agreements.is_hidden()
    cooperation.click()
    assert agreements.is_visible()
    assert_accessible(page)
    page.keyboard.press("Escape")
    assert agreements.is_hidden()
    cooperation.click()
    account = page.locator("#site-nav summary", has_text="Account")
    account.click()  # opening another menu closes the first
    assert agreements.is_hidden()
    assert page.get_by_role("button", name="Sign out").is_visible()
    account.click()
    cooperation.click()
    agreements.click()
    page.wait_for_url("**/cooperation/agreements/")
    if viewport == PHONE:
        page.locator(".menu-toggle").click()
    current = page.locator("#site-nav details.is-active summary")
    assert current.inner_text().strip() == "Cooperation"


def test_language_switcher_changes_the_page_language(new_page):
    page = new_page()
    page.goto("/accounts/login/")
    page.select_option("#language-select", "en")
    page.locator(".language-form button").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Sign in" in page.locator("h1").inner_text()


def test_lombok_barat_officer_is_refused_selong_in_the_browser(new_page):
    page = new_page()
    login(page, "petugas.lobar")
    response = page.goto("/orgs/facilities/selong/")
    assert response is not None and response.status == 404


def test_officer_creates_and_revokes_an_api_token(new_page):
    page = new_page(viewport=PHONE)
    login(page, "petugas.selong")
    page.goto("/me/tokens/")
    page.fill("#id_name", "Skrip impor SDP")
    page.locator("form.stack button[type=submit]").click()
    token = page.locator("#new-token").inner_text().strip()
    assert token.startswith("sng_")
    assert_accessible(page)
    api = page.request.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert api.status == 200
    page.locator("table button.danger").first.click()
    page.wait_for_load_state("networkidle")
    api = page.request.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert api.status == 401


def test_partner_directory_filters_as_you_type(new_page):
    page = new_page()
    login(page, "petugas.selong")
    page.goto("/orgs/partners/")
    page.fill("#p-q", "tenun")
    # Playwright's expect polls without evaluating strings, which the CSP forbids.
    expect(page.locator("#partner-results tbody tr")).to_have_count(1)
    assert "Tenun Sasak" in page.locator("#partner-results").inner_text()
    assert "q=tenun" in page.url
