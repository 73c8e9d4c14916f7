"""The inmate registry in the browser: list, page with the calculation sheet, worklist,
forms and the SDP import, checked with axe-core, in both languages and on a phone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from e2e.conftest import DESKTOP, PHONE, assert_accessible, assert_fits_phone, login

ROOT = Path(__file__).resolve().parent.parent


def _first_inmate_url(page) -> str:
    page.goto("/inmates/")
    return page.locator("#inmate-results tbody a").first.get_attribute("href")


@pytest.mark.parametrize(("language", "viewport"), [("id", PHONE), ("en", DESKTOP)])
def test_officer_walks_the_registry(new_page, full_demo_live, language, viewport):
    page = new_page(viewport=viewport, language=language)
    login(page, "petugas.selong")
    detail = _first_inmate_url(page)
    for path in [
        "/inmates/",
        detail,
        detail + "sentence/",
        detail + "remissions/new/",
        detail + "register-f/new/",
        detail + "assessments/new/",
        detail + "status/",
        "/inmates/rights/",
        "/inmates/new/",
        "/inmates/import/",
    ]:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert_accessible(page)
        if viewport == PHONE:
            assert_fits_phone(page)


def test_calculation_sheet_opens_on_the_inmate_page(new_page, full_demo_live):
    page = new_page(language="en")
    login(page, "kalapas.selong")
    page.goto(_first_inmate_url(page))
    page.locator("#calculation-sheet summary").click()
    sheet = page.locator("#calculation-sheet").inner_text()
    assert "Rule set" in sheet
    # Nothing on the sheet is a code: the rule set by its title, statuses in words.
    assert "permenkumham-3-2018" not in sheet
    assert "not_applicable" not in sheet
    assert_accessible(page)


def test_worklist_lists_rights_to_propose(new_page, full_demo_live):
    page = new_page(language="en")
    login(page, "petugas.selong")
    page.goto("/inmates/rights/?window=365")
    assert page.locator("tbody tr").count() > 0


def test_the_pipelines_counts_come_after_its_rows_and_keep_a_choice(new_page, full_demo_live):
    """The rows come first; the counts beside the filters are fetched after the page and
    written into its lists in place: a choice made while they were on their way is kept."""
    page = new_page(language="en")
    login(page, "petugas.selong")
    held: list = []
    page.route(lambda url: "counts=1" in url, lambda route: held.append(route))
    page.goto("/inmates/rights/")
    assert page.locator("tbody tr").count() > 0
    assert not re.search(r"\(\d+\)", page.locator("#p-right").inner_text())
    for _ in range(100):  # the page asks for its counts once it is loaded
        if held:
            break
        page.wait_for_timeout(50)
    assert len(held) == 1
    page.select_option("#p-state", "due")
    held[0].continue_()
    expect(page.locator("#p-right option[value='pb']")).to_have_text(re.compile(r"\(\d+\)$"))
    expect(page.locator("#pipeline-filters")).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("#p-state")).to_have_value("due")
    expect(page.locator("#counts-pending")).to_have_count(0)
    assert_accessible(page)


def test_search_filters_the_list_as_you_type(new_page, full_demo_live):
    page = new_page()
    login(page, "petugas.selong")
    page.goto("/inmates/")
    name = page.locator("#inmate-results tbody a").first.inner_text()
    page.fill("#id_q", name)
    # Every row left names the person (expect polls without evaluating strings: CSP).
    expect(page.locator("#inmate-results tbody a").filter(has_not_text=name)).to_have_count(0)


def test_guardian_records_a_monthly_score_on_a_phone(new_page, full_demo_live):
    page = new_page(viewport=PHONE, language="en")
    login(page, "wali.selong")
    page.goto(_first_inmate_url(page) + "assessments/new/")
    for field, value in (
        ("personality", "80"),
        ("independence", "70"),
        ("behaviour", "90"),
        ("mental_condition", "60"),
    ):
        page.fill(f"#id_{field}", value)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "75" in page.locator("#sppn-title + .table-wrap").inner_text()


def test_officer_imports_the_sample_export(new_page, full_demo_live):
    sample = ROOT / "samples" / "sdp-export-selong.csv"
    page = new_page(language="en")
    login(page, "petugas.selong")
    page.goto("/inmates/import/")
    page.set_input_files("#id_file", str(sample))
    page.locator("form.form button[type=submit]").click()
    page.wait_for_selector("#import-status dl.facts")
    assert "New inmates" in page.locator("#import-status").inner_text()
    assert_accessible(page)


def test_a_file_with_bad_rows_shows_the_report(new_page, full_demo_live, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "No. Registrasi;Nama;Lama Pidana;Tanggal Penahanan\n"
        "BI 900/26;Lalu Satu;2 tahun;01-02-2025\n"
        "BI 901/26;Lalu Dua;tiga tahun;01-02-2025\n",
        encoding="utf-8",
    )
    page = new_page(viewport=PHONE, language="en")
    login(page, "petugas.selong")
    page.goto("/inmates/import/")
    page.set_input_files("#id_file", str(bad))
    page.locator("form.form button[type=submit]").click()
    page.wait_for_selector("#import-status .form-error")
    text = page.locator("#import-status").inner_text()
    assert "Nothing was imported" in text and "Lama Pidana" in text
    assert_accessible(page)
    assert_fits_phone(page)


def test_the_mapping_page_suggests_the_columns_of_an_unknown_register(new_page, full_demo_live):
    sample = ROOT / "samples" / "sdp-export-custom-headers.csv"
    page = new_page(language="en")
    login(page, "petugas.selong")
    page.goto("/inmates/import/")
    page.set_input_files("#id_file", str(sample))
    page.locator("form.form button[type=submit]").click()
    page.wait_for_selector("#preview-title")
    assert "Zainul Hakim" in page.locator("table").first.inner_text()  # the first rows
    expect(page.locator("#id_term_text")).to_have_value("9")  # "Putusan PN", by its values
    assert_accessible(page)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_selector("#import-status dl.facts")
    assert "New inmates" in page.locator("#import-status").inner_text()
