"""The wali's day on a phone, from the home page without typing an address: told of the
people named to them (the bell), the month scored for everyone in one sheet and one save,
then a person's reintegration need updated."""

from __future__ import annotations

from e2e.conftest import PHONE, assert_accessible, assert_fits_phone, login, selong_today


def test_the_wali_scores_the_month_and_updates_a_need_from_home(new_page, full_demo_live):
    from sinergi.inmates.models import Inmate, MonthlyAssessment
    from sinergi.reintegration.models import Need

    month = selong_today().replace(day=1)
    followed = Inmate.objects.filter(wali__username="wali.selong", status="in_custody")
    unscored = followed.exclude(assessments__month=month).count()
    assert unscored >= 2

    page = new_page(viewport=PHONE, language="id")
    login(page, "wali.selong")
    assert_accessible(page)
    assert_fits_phone(page)

    # Told: the bell counts the notification of the people named to them.
    page.locator(".menu-toggle").click()
    bell = page.locator("a.bell")
    assert bell.locator(".count").count() == 1
    bell.click()
    page.wait_for_load_state("networkidle")
    assert "Anda sekarang wali dari" in page.locator("main").inner_text()
    page.go_back()
    page.wait_for_load_state("networkidle")

    # Home: the card of their people, the month's count, the sheet.
    card = page.locator("section.card", has_text="Warga binaan dampingan saya (wali)")
    assert str(unscored) in card.inner_text()
    card.get_by_role("link", name="Beri nilai bulan ini").click()
    page.wait_for_url("**/inmates/scores/**")
    assert_accessible(page)
    assert_fits_phone(page)
    rows = page.locator("table.score-sheet tbody tr")
    assert rows.count() == followed.count()
    first_name = rows.nth(0).locator("th a").inner_text()
    assert "Belum dinilai" in rows.nth(0).inner_text()

    # The first row by keyboard (each score, Tab to the next), the second by its labels.
    rows.nth(0).locator("input.score").first.focus()
    for value in ("70", "75", "80"):
        page.keyboard.type(value)
        page.keyboard.press("Tab")
    page.keyboard.type("65")
    second = rows.nth(1)
    second_name = second.locator("th a").inner_text()
    for label in ("Kepribadian", "Kemandirian", "Perilaku", "Kondisi mental"):
        page.get_by_label(f"{label}: {second_name}", exact=True).fill("60")
    page.get_by_role("button", name="Simpan nilai").click()
    page.wait_for_load_state("networkidle")
    assert "2 nilai disimpan." in page.locator(".messages").inner_text()
    scored = MonthlyAssessment.objects.filter(month=month, scored_by__username="wali.selong")
    assert {a.inmate.name for a in scored} == {first_name, second_name}
    assert scored.get(inmate__name=first_name).total == 72.5
    # Scored people move below those still to score.
    assert "Belum dinilai" in page.locator("table.score-sheet tbody tr").nth(0).inner_text()
    assert_accessible(page)

    # A person's needs: from the sheet to the person, then to their plan.
    person = followed.get(name=first_name)
    page.locator("table.score-sheet").get_by_role("link", name=first_name, exact=True).click()
    page.wait_for_url(f"**/inmates/{person.pk}/")
    section = page.locator("section[aria-labelledby=reintegration-title]")
    section.locator(f"a[href$='/reintegration/inmates/{person.pk}/']").click()
    page.wait_for_url(f"**/reintegration/inmates/{person.pk}/")
    start = page.get_by_role("button", name="Mulai rencana")
    if start.count():
        start.click()
        page.wait_for_load_state("networkidle")
    need = page.locator("div.need").first
    need.locator("summary").click()
    need.locator("select[name=status]").select_option("in_progress")
    need.locator("textarea[name=note]").fill("Akta kelahiran sedang diurus keluarga")
    need.get_by_role("button", name="Simpan").click()
    page.wait_for_load_state("networkidle")
    updated = Need.objects.filter(plan__inmate=person, updates__by__username="wali.selong")
    assert updated.filter(status="in_progress").count() == 1
    assert "Akta kelahiran sedang diurus keluarga" in page.locator("main").inner_text()
    assert_accessible(page)
    assert_fits_phone(page)
