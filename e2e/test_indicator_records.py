"""Every figure traceable: the head of Lapas Selong clicks each value of the facility
dashboard and reads the records behind it, as many as the figure counts; the records page
passes axe-core on a phone, in Indonesian and in English."""

from __future__ import annotations

import re

from e2e.conftest import DESKTOP, PHONE, assert_accessible, assert_fits_phone, login

RECORDS = re.compile("data di balik", re.IGNORECASE)


def _cells(row) -> tuple[str, str, str]:
    """Value, numerator and denominator (a median's one cell "median of N ..." twice)."""
    tds = [text.strip() for text in row.locator("td").all_inner_texts()]
    if row.locator("td[colspan]").count():
        return tds[0], tds[1], tds[1]
    return tds[0], tds[1], tds[2]


def test_every_figure_of_the_facility_dashboard_opens_its_records(new_page, full_demo_live):
    page = new_page(viewport=DESKTOP)
    login(page, "kalapas.selong")
    page.goto("/indicators/")
    page.wait_for_url(re.compile(r"/indicators/facility/\d+/"))
    page.get_by_role("link", name="Tahun ini").click()
    page.wait_for_load_state("networkidle")
    dashboard = page.url
    rows = page.locator("table.figures tbody tr:has(a[href*='/records/'])")
    figures = page.locator("table.figures tbody tr th[scope=row]")
    total = rows.count()
    # every figure of the dashboard's tables has its link
    assert total == page.locator("section[aria-labelledby^=group-] tbody tr").count() > 15
    opened = 0
    for index in range(total):
        row = rows.nth(index)
        name = row.locator("th").inner_text().strip()
        _value, numerator, denominator = _cells(row)
        link = row.get_by_role("link", name=RECORDS)
        assert name in (link.get_attribute("aria-label") or "")
        link.click()
        page.wait_for_url(re.compile(r"/records/"))
        assert name in page.locator("h1").inner_text()
        count = page.locator("[data-figure=count]").inner_text().strip()
        kind = page.locator("[data-kind]").get_attribute("data-kind")
        if kind in ("ratio", "count"):  # the numerator's records
            assert count == numerator, name
        elif kind == "average":  # the records it is taken over
            assert count == denominator, name
        elif kind == "median":  # "median of N requests": the N records
            assert count == re.sub(r"\D", "", numerator), name
        else:  # a sum: what the records add up to
            assert page.locator("[data-figure=total]").inner_text().strip() == numerator, name
        opened += 1
        page.goto(dashboard)
    assert opened == total
    assert figures.count() >= total

    certificates = page.locator("tr", has_text="Sertifikat yang diterbitkan").first
    href = certificates.get_by_role("link", name=RECORDS).get_attribute("href")
    page.goto(href)
    page.screenshot(path="/tmp/e2e-records.png", full_page=True)
    assert_accessible(page)

    phone = new_page(viewport=PHONE)
    login(phone, "kalapas.selong")
    phone.goto(href)
    assert_fits_phone(phone)
    assert_accessible(phone)

    english = new_page(viewport=PHONE, language="en")
    login(english, "kalapas.selong")
    english.goto(href)
    assert "Records behind" in english.locator("h1").inner_text()
    assert_fits_phone(english)
    assert_accessible(english)
