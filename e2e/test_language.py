"""An English browser opens Sinergi in Indonesian until its user chooses English."""

from __future__ import annotations

from typing import Any

from e2e.conftest import DESKTOP, login


def test_an_english_browser_opens_in_indonesian_until_the_user_chooses(
    browser: Any, demo_live: Any
) -> None:
    context = browser.new_context(viewport=DESKTOP, base_url=demo_live.url, locale="en-US")
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        login(page, "petugas.selong")
        assert page.locator("html").get_attribute("lang") == "id"
        assert page.evaluate("navigator.language") == "en-US"
        page.select_option("#language-select", "en")
        page.locator(".language-form button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("lang") == "en"
        page.goto("/programs/")
        assert page.locator("html").get_attribute("lang") == "en"
    finally:
        context.close()
