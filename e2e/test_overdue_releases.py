"""The list of people held past their release date on a phone: each person a block
(the pipeline's labelled-blocks pattern), the days and the actions on screen, nothing to
scroll sideways."""

from __future__ import annotations

import pytest

from e2e.conftest import PHONE, assert_accessible, assert_fits_phone, login

# The phone of the walkthrough that found the table 623 px wide in a 358 px box.
IPHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("viewport", [PHONE, IPHONE])
@pytest.mark.parametrize("language", ["en", "id"])
def test_the_overdue_list_fits_a_phone_with_days_and_actions_visible(
    new_page, full_demo_live, viewport, language
):
    page = new_page(viewport=viewport, language=language)
    login(page, "petugas.selong")
    response = page.goto("/inmates/overdue-releases/")
    assert response is not None and response.status == 200
    region = page.locator("div.table-wrap[role=region]")
    assert region.count() == 1
    overflow = region.evaluate("el => el.scrollWidth - el.clientWidth")
    assert overflow <= 1, f"the table is {overflow}px wider than its box"
    assert_fits_phone(page)
    width = viewport["width"]
    for target in [
        region.locator(".overdue-days").first,
        region.locator("a[href*='/release/']").first,
        region.locator("a[href*='/sentence/']").first,
    ]:
        target.scroll_into_view_if_needed()
        assert target.is_visible()
        box = target.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, box
    assert_accessible(page)
