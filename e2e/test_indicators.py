"""The indicators in the browser: the head of Lapas Selong opens the facility dashboard,
changes the period, reads a chart and its data table and downloads it as CSV; a citizen
without an account reads the public transparency page, a facility page and the open data,
and checks a certificate from the page's verification box. Every page passes axe-core on
a phone, in Indonesian and in English."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from e2e.conftest import DESKTOP, PHONE, assert_accessible, assert_fits_phone, login

SMALL_COUNT = re.compile(r"^[1-4]$")


def test_head_reads_the_facility_dashboard(new_page, full_demo_live):
    page = new_page(viewport=DESKTOP)
    login(page, "kalapas.selong")
    page.goto("/indicators/")
    page.wait_for_url(re.compile(r"/indicators/facility/\d+/"))
    assert page.locator("h1").inner_text().startswith("Lapas")
    page.get_by_role("link", name="Tahun ini").click()
    page.wait_for_load_state("networkidle")
    assert "aria-current" in page.get_by_role("link", name="Tahun ini").evaluate("e => e.outerHTML")
    # The chart is drawn from the same figures as the table beside it.
    section = page.locator("section[aria-labelledby=chart-enrolled-category-title]")
    canvas = section.locator("canvas")
    assert canvas.evaluate("c => Chart.getChart(c) !== undefined")
    # long names are wrapped onto several lines: join them back
    labels = canvas.evaluate("c => Chart.getChart(c).data.labels.map(l => [].concat(l).join(' '))")
    rows = section.locator("tbody th").all_inner_texts()
    assert labels == rows and rows
    # Every figure says how it was computed.
    participation = page.locator("section[aria-labelledby=group-participation]")
    participation.locator("summary").first.click()
    assert participation.locator("details p").first.is_visible()
    with page.expect_download() as download:
        section.get_by_role("link", name=re.compile("CSV")).click()
    content = Path(download.value.path()).read_text(encoding="utf-8")
    table = list(csv.reader(io.StringIO(content)))
    assert [r[0] for r in table[1:]] == rows
    page.screenshot(path="/tmp/e2e-dashboard.png", full_page=True)
    assert_accessible(page)

    phone = new_page(viewport=PHONE)
    login(phone, "kalapas.selong")
    phone.goto(page.url)
    assert_fits_phone(phone)
    assert_accessible(phone)

    english = new_page(viewport=PHONE, language="en")
    login(english, "kalapas.selong")
    english.goto(page.url.split("?")[0] + "?kind=custom&start=2026-01-01&end=2026-06-30")
    assert "Facility dashboard" in english.locator("main").inner_text()
    assert_fits_phone(english)
    assert_accessible(english)


def test_regional_viewer_compares_facilities(new_page, full_demo_live):
    page = new_page(viewport=PHONE)
    login(page, "kanwil.ntb")
    page.goto("/indicators/")
    page.get_by_role("link", name=re.compile("Kanwil")).first.click()
    page.get_by_role("link", name="Tahun ini").click()
    page.wait_for_load_state("networkidle")
    page.select_option("#indicator", "development.average_score")
    page.get_by_role("button", name="Bandingkan").click()
    page.wait_for_load_state("networkidle")
    comparison = page.locator("section.chart-block").first
    assert "Lapas" in comparison.locator("tbody").inner_text()
    assert_fits_phone(page)
    assert_accessible(page)


def test_citizen_reads_the_public_pages(new_page, full_demo_live):
    page = new_page(viewport=PHONE)
    page.goto("/publik/")
    assert page.locator("h1").is_visible()
    # No published count is between 1 and 4.
    for cell in page.locator("main td").all_inner_texts():
        assert not SMALL_COUNT.match(cell.strip()), cell
    page.screenshot(path="/tmp/e2e-public.png", full_page=True)
    assert_fits_phone(page)
    assert_accessible(page)
    page.locator("main table a").first.click()  # a region
    page.wait_for_load_state("networkidle")
    page.locator("main table a").first.click()  # a facility
    page.wait_for_load_state("networkidle")
    assert "Lapas" in page.locator("h1").inner_text() or page.locator("h1").inner_text()
    assert_fits_phone(page)
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"\(CSV\)")).first.click()
    rows = list(
        csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8")))
    )
    assert rows
    for row in rows:
        for name in ("numerator", "denominator"):
            assert not SMALL_COUNT.match(row[name] or ""), row
    page.fill("#verify-code", "TIDAKADA")
    page.get_by_role("button", name="Verifikasi").click()
    page.wait_for_url(re.compile("/verify/"))
    assert "TIDAKADA" in page.input_value("#code")

    english = new_page(viewport=DESKTOP, language="en")
    english.goto("/publik/")
    assert "Open data" in english.locator("main").inner_text()
    assert_accessible(english)


def test_head_signs_off_the_monthly_report(new_page, full_demo_live):
    page = new_page(viewport=PHONE)
    login(page, "kalapas.selong")
    page.goto("/indicators/")
    page.wait_for_url(re.compile(r"/indicators/facility/\d+/"))
    page.get_by_role("link", name="Laporan bulanan").click()
    page.wait_for_url(re.compile("/indicators/reports/"))
    assert_fits_phone(page)
    assert_accessible(page)
    # The demo generated Selong's reports of the two months before this one; the head
    # signed the older one on the third working day of the month after it.
    page.locator("main table tbody th a").last.click()
    page.wait_for_url(re.compile(r"/indicators/reports/\d+/"))
    assert "Edisi 1" in page.locator("main").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh PDF").first.click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    # Generated again with today's records, the head signs a revised edition: edition 1
    # stays as it was signed.
    page.get_by_role("button", name="Buat ulang").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Sahkan edisi revisi").click()
    page.wait_for_load_state("networkidle")
    main = page.locator("main").inner_text()
    assert "Edisi 1" in main and "Edisi revisi 2" in main
    assert_fits_phone(page)
    assert_accessible(page)


# --- the Content-Security-Policy -------------------------------------------------------


def watch_policy_errors(page) -> list[str]:
    """Collects what the browser reports against the page's security headers: a blocked
    script, style or image (Content-Security-Policy), an unknown feature
    (Permissions-Policy), or a script error."""
    problems: list[str] = []

    def on_console(message) -> None:
        text = message.text
        if "Content Security Policy" in text or "Permissions-Policy" in text:
            problems.append(f"{message.type}: {text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    return problems


def test_charts_and_htmx_work_under_the_content_security_policy(new_page, full_demo_live):
    page = new_page(viewport=DESKTOP)
    problems = watch_policy_errors(page)
    login(page, "kalapas.selong")
    page.goto("/indicators/")
    page.wait_for_url(re.compile(r"/indicators/facility/\d+/"))
    assert "script-src 'self'" in page.evaluate(
        "fetch(location.href).then(r => r.headers.get('content-security-policy'))"
    )
    canvases = page.locator("canvas[data-chart]")
    assert canvases.count() > 0
    assert canvases.first.evaluate("c => Chart.getChart(c).data.labels.length > 0")
    # htmx reads its configuration from the meta tag and injects no style element.
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert page.evaluate("htmx.config.allowEval") is False
    assert page.locator("style").count() == 0

    # An htmx search: the list is replaced as one types, without a page load.
    page.goto("/inmates/")
    page.evaluate("window.notReloaded = true")
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true") as answer:
        page.fill("#id_q", "zz-nobody-has-this-name")
    assert answer.value.status == 200
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.notReloaded") is True
    assert "zz-nobody-has-this-name" in page.url
    assert not problems, "\n".join(problems)


def test_admin_and_api_docs_work_under_the_content_security_policy(new_page, demo_live):
    page = new_page(viewport=DESKTOP)
    problems = watch_policy_errors(page)
    login(page, "admin")
    page.goto("/admin/")
    page.goto("/admin/orgs/facility/")
    page.locator("#result_list tbody a").first.click()
    page.locator("form input[type=submit][name=_save]").wait_for()
    # The admin's own scripts run (the sidebar's filter field is added by JavaScript).
    assert page.locator("#nav-filter").count() == 1
    # The API documentation: Swagger UI served from our own static files.
    page.goto("/api/v1/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    page.locator(".opblock").first.wait_for()
    assert "Sinergi API" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator(".opblock-summary").first.click()
    page.locator(".opblock-body").first.wait_for()
    page.wait_for_load_state("networkidle")
    assert not problems, "\n".join(problems)
