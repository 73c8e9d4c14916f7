"""A support request from draft to delivery, in the browser: the officer drafts it, the
head sends it to the partner, the partner accepts it and records the sessions its
instructor taught on a 360 px screen, and the agreement's commitment shows more delivered.
Then every cooperation page passes axe-core in Indonesian on a phone, and a partner
cannot open another partner's request."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from playwright.sync_api import expect

from e2e.conftest import (
    DESKTOP,
    PHONE,
    assert_accessible,
    assert_fits_phone,
    login,
    selong_today,
)

WELDING = "Pelatihan Las Listrik (SMAW) 160 Jam"
DISNAKER = "Dinas Tenaga Kerja Kabupaten Lombok Timur"
DISNAKER_PKS = "PKS pelatihan kerja bagi WBP (Disnaker dan BLK)"
COMMITMENT = "Instruktur las untuk pelatihan 160 jam"
TITLE = "Instruktur las tambahan untuk praktik SMAW"


def delivered(page) -> Decimal:
    """The delivered quantity of the welding-instructor commitment on an agreement page."""
    row = page.locator("main tr", has_text=COMMITMENT)
    value = row.locator("progress").get_attribute("value")
    assert value is not None
    shown = re.search(r"([\d.,]+) / 160", row.inner_text())
    assert shown is not None, row.inner_text()
    assert Decimal(shown.group(1).replace(",", "")) == Decimal(value)
    return Decimal(value)


def in_view(page, selector: str) -> bool:
    """Whether the element is on the screen, without scrolling."""
    box = page.locator(selector).bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


def teach_a_session(officer, program_url: str, day: datetime.date, start: str, end: str) -> None:
    """The officer adds a one-off session of the program and marks everyone present."""
    officer.goto(program_url)
    officer.get_by_role("link", name="Add a one-off session").click()
    officer.fill("#id_date", day.isoformat())
    officer.fill("#id_start_time", start)
    officer.fill("#id_end_time", end)
    officer.select_option("#id_instructor", label="Instruktur BLK Lombok Timur")
    officer.fill("#id_topic", "Praktik las SMAW posisi horizontal")
    officer.locator("form.form button[type=submit]").click()
    officer.wait_for_url(program_url)
    sessions = officer.locator("section[aria-labelledby=sessions-title]")
    time = re.escape(start.replace(":", "."))
    sessions.get_by_role("link", name=re.compile(rf" {time}(\u2013|$)")).click()
    # Loaded (its deferred script too): a click before "Everyone present" has its handler
    # saved nobody present on a busy machine.
    officer.wait_for_url(re.compile(r"/programs/sessions/\d+/$"))
    officer.get_by_role("button", name="Everyone present").click()
    statuses = officer.locator("select[name^='status-']")
    for index in range(statuses.count()):
        expect(statuses.nth(index)).not_to_have_value("")
    officer.get_by_role("button", name="Save attendance").click()
    officer.wait_for_load_state("networkidle")
    assert "Attendance saved" in officer.locator(".messages").inner_text()


def test_request_from_draft_to_a_delivery_that_counts_towards_the_commitment(
    new_page, full_demo_live
):

    from sinergi.cooperation.models import SupportRequest

    today = selong_today()
    officer = new_page(viewport=DESKTOP, language="en")
    login(officer, "petugas.selong")
    # Two afternoon sessions the BLK instructor taught today, four hours in all: the
    # demo's earlier sessions are already counted in the demo's delivery.
    officer.goto("/programs/?status=running")
    officer.get_by_role("link", name=WELDING).click()
    officer.wait_for_url(re.compile(r"/programs/\d+/$"))
    program_url = officer.url
    teach_a_session(officer, program_url, today, "13:00", "15:00")
    teach_a_session(officer, program_url, today, "15:00", "17:00")

    officer.goto("/cooperation/requests/new/")
    assert_accessible(officer)
    officer.select_option("#id_partner", label=DISNAKER)
    officer.select_option("#id_kind", "instructor")
    officer.fill("#id_title", TITLE)
    officer.fill("#id_quantity", "16")
    officer.fill("#id_unit", "jam")
    officer.fill("#id_needed_by", (today + datetime.timedelta(days=14)).isoformat())
    officer.select_option("#id_program", label=WELDING)
    officer.select_option("#id_agreement", label=DISNAKER_PKS)
    officer.select_option("#id_commitment", label=f"{COMMITMENT} ({DISNAKER_PKS})")
    officer.fill("#id_justification", "Kelas SMAW butuh jam praktik tambahan sebelum uji BNSP.")
    officer.locator("form.form button[type=submit]").click()
    officer.wait_for_url(re.compile(r"/cooperation/requests/\d+/$"))
    request_url = officer.url
    assert "Draft" in officer.locator("main .status").inner_text()
    assert_accessible(officer)

    pk = int(request_url.rstrip("/").rsplit("/", 1)[1])
    support = SupportRequest.objects.get(pk=pk)
    assert support.commitment is not None and support.commitment.description == COMMITMENT

    officer.get_by_role("link", name=DISNAKER_PKS).click()
    officer.wait_for_url(re.compile(r"/cooperation/agreements/\d+/$"))
    agreement_url = officer.url
    assert_accessible(officer)
    before = delivered(officer)

    head = new_page(viewport=DESKTOP, language="en")
    login(head, "kalapas.selong")
    head.goto(request_url)
    assert_accessible(head)
    head.get_by_role("button", name="Send to the partner", exact=True).click()
    head.wait_for_load_state("networkidle")
    assert "Submitted to the partner" in head.locator(".messages").inner_text()
    assert "Submitted to the partner" in head.locator("main .status").inner_text()
    assert_accessible(head)

    partner = new_page(viewport=PHONE, language="en")
    login(partner, "mitra.disnaker")
    partner.goto(request_url)
    assert TITLE in partner.locator("h1").inner_text()
    assert_accessible(partner)
    assert_fits_phone(partner)
    assert partner.get_by_label("Quantity accepted").count() == 1  # the partner's own field
    partner.get_by_role("button", name="Accept in full", exact=True).click()
    partner.wait_for_load_state("networkidle")
    assert "Accepted" in partner.locator("main .status").inner_text()
    assert_accessible(partner)
    assert_fits_phone(partner)

    partner.get_by_role("link", name="Record a delivery").click()
    partner.wait_for_url(re.compile(r"/deliveries/new/$"))
    assert_accessible(partner)
    assert_fits_phone(partner)
    for start in ["13.00", "15.00"]:
        partner.get_by_label(f"{today:%d-%m-%Y} {start}").check()
    partner.fill("#id_description", "Instruktur BLK mengajar praktik las SMAW")
    partner.fill("#id_delivered_on", today.isoformat())
    partner.fill("#id_quantity", "8")
    partner.fill("#id_unit", "jam")
    partner.locator("form.form button[type=submit]").click()
    partner.wait_for_url(request_url)
    assert "Delivery recorded" in partner.locator(".messages").inner_text()
    assert "In delivery" in partner.locator("main .status").inner_text()
    deliveries = partner.locator("section[aria-labelledby=deliveries-title]").inner_text()
    assert "Instruktur BLK mengajar praktik las SMAW" in deliveries
    assert "2 sessions" in deliveries
    assert_accessible(partner)
    assert_fits_phone(partner)

    officer.goto(agreement_url)
    after = delivered(officer)
    assert after == before + 4, (before, after)
    assert_accessible(officer)


# Each list page, with the selector of a link to one of its records.
LISTS = [
    ("/cooperation/requests/", "main table a"),
    ("/cooperation/agreements/", "main table a"),
    ("/cooperation/meetings/", "main ul a[href*='/meetings/']"),
]


def test_cooperation_pages_pass_axe_in_indonesian_on_a_phone(new_page, full_demo_live):
    for username in ["petugas.selong", "mitra.disnaker", "kanwil.ntb"]:
        page = new_page(viewport=PHONE, language="id")
        login(page, username)
        paths = []
        for path, record in LISTS:
            response = page.goto(path)
            assert response is not None and response.status == 200, (username, path)
            assert_accessible(page)
            assert_fits_phone(page)
            href = page.locator(record).first.get_attribute("href")
            assert href, (username, path)
            paths.append(href)
        if username == "mitra.disnaker":
            paths.append("/cooperation/partners/disnaker-lotim/contribution/")
        for path in paths:
            response = page.goto(path)
            assert response is not None and response.status == 200, (username, path)
            assert_accessible(page)
            assert_fits_phone(page)


def test_a_partner_cannot_open_another_partners_request(new_page, full_demo_live):
    from sinergi.cooperation.models import SupportRequest

    support = SupportRequest.objects.filter(partner__code="disnaker-lotim").first()
    assert support is not None
    page = new_page(viewport=PHONE, language="en")
    login(page, "mitra.dukcapil")
    response = page.goto(support.get_absolute_url())
    assert response is not None and response.status == 404
    assert support.title not in page.content()


def test_an_officer_records_an_agreement_with_a_commitment_on_a_phone(new_page, demo_live):

    from sinergi.cooperation.models import Agreement

    today = selong_today()
    dinsos = "Dinas Sosial Kabupaten Lombok Timur"
    what = "Pendampingan sosial bagi WBP menjelang bebas"
    page = new_page(viewport=PHONE, language="en")
    login(page, "petugas.selong")
    page.goto("/cooperation/agreements/")
    page.get_by_role("link", name="New agreement").click()
    page.wait_for_url(re.compile(r"/cooperation/agreements/new/$"))
    assert_accessible(page)
    assert_fits_phone(page)

    page.select_option("#id_kind", "pks")
    page.fill("#id_number", "460/21/PKS/DINSOS/2026")
    page.fill("#id_title", "PKS pendampingan reintegrasi sosial (Dinas Sosial)")
    page.get_by_label(dinsos, exact=True).check()
    page.fill("#id_signed_on", today.isoformat())
    page.fill("#id_start_date", today.isoformat())
    page.fill("#id_end_date", (today - datetime.timedelta(days=1)).isoformat())
    # The head approves: the officer's agreement is a draft.
    assert page.is_disabled("#id_status")
    assert page.input_value("#id_status") == "draft"
    page.select_option("#id_commitment-0-partner", label=dinsos)
    page.select_option("#id_commitment-0-kind", "reintegration")
    page.fill("#id_commitment-0-description", what)
    page.fill("#id_commitment-0-target_quantity", "30")
    page.fill("#id_commitment-0-unit", "orang")
    page.fill("#id_commitment-0-due_date", (today + datetime.timedelta(days=90)).isoformat())
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    # An end date before the start is refused with its message, and the page stays usable.
    assert "The end date must be after the start date." in page.locator("main").inner_text()
    assert not Agreement.objects.exists()
    # The field is screens away on a phone: the summary of the problems is what the page
    # opens on, focused for screen readers, and its link leads to the field.
    summary = page.locator("#error-summary")
    assert "Fix 2 problems before saving" in summary.inner_text()  # end date, due date
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert in_view(page, "#error-summary")
    assert not in_view(page, "#id_end_date")
    summary.get_by_role("link", name=re.compile("^End date")).click()
    assert in_view(page, "#id_end_date")
    assert_accessible(page)
    assert_fits_phone(page)

    page.fill("#id_end_date", (today + datetime.timedelta(days=365)).isoformat())
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/cooperation/agreements/\d+/$"))
    assert "Agreement saved" in page.locator(".messages").inner_text()
    row = page.locator("main tr", has_text=what)
    assert dinsos in row.inner_text() and "30 orang" in row.inner_text()
    assert_accessible(page)
    assert_fits_phone(page)
    page.get_by_role("link", name="Edit agreement").click()
    page.wait_for_url(re.compile(r"/cooperation/agreements/\d+/edit/$"))
    assert page.input_value("#id_commitment-0-description") == what
    assert_accessible(page)
    assert_fits_phone(page)


def test_the_head_approves_a_draft_agreement_from_the_home_page_on_a_phone(new_page, demo_live):

    from sinergi.cooperation.models import Agreement
    from sinergi.orgs.models import Facility, Partner

    start = selong_today() + datetime.timedelta(days=14)
    agreement = Agreement.objects.create(
        kind="pks",
        number="560/9/PKS/2026",
        title="PKS pelatihan menjahit",
        facility=Facility.objects.get(code="selong"),
        status="draft",
        start_date=start,
        end_date=start + datetime.timedelta(days=365),
    )
    agreement.partners.set([Partner.objects.get(code="disnaker-lotim")])
    page = new_page(viewport=PHONE, language="en")
    login(page, "kalapas.selong")
    page.goto("/")
    page.get_by_role("link", name="PKS pelatihan menjahit · 560/9/PKS/2026").click()
    page.wait_for_url(re.compile(rf"/cooperation/agreements/{agreement.pk}/$"))
    assert_accessible(page)
    assert_fits_phone(page)
    page.get_by_role("button", name="Approve (set active)").click()
    page.wait_for_url(re.compile(rf"/cooperation/agreements/{agreement.pk}/$"))
    assert "Agreement approved: it is in force from" in page.locator(".messages").inner_text()
    assert "Not yet in force" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Approve (set active)").count() == 0
    agreement.refresh_from_db()
    assert agreement.status == "active"
    assert_accessible(page)
