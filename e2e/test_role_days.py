"""Each demo role's day, from its home page, in the browser: signed in through the login
page, then only links and buttons (no address typed), the main task done to its end,
the bell showing the notification of the work the demo sent them, axe-core on every page.

The wali's day (score the month, update a need) is e2e/test_wali.py; the others are here:
the program officer (a program from enrolment and attendance to a certificate), the head
(what awaits approval), the instructor (attendance on a phone), a partner (answer a
request, complete a referral), the Bapas officer (open a hand-over, record a follow-up)
and the regional office (compare the facilities)."""

from __future__ import annotations

import re

from e2e.conftest import DESKTOP, PHONE, assert_accessible, assert_fits_phone, login
from sinergi.orgs.models import Facility


def open_card(page, title: str):
    """The home page's card with this title."""
    return page.locator("main section.card", has=page.locator("h3", has_text=title))


def check_the_bell(page, *told: str, phone: bool = False) -> None:
    """The bell counts unread notifications; its page lists those about each of ``told``
    in the reader's language (opening it marks them read); then back home."""
    if phone:
        page.locator(".menu-toggle").click()
    bell = page.locator("a.bell")
    assert int(bell.locator(".count").inner_text()) >= 1
    bell.click()
    page.wait_for_url("**/me/notifications/")
    listed = page.locator("ul.notifications").inner_text()
    for text in told:
        assert text in listed, text
    assert_accessible(page)
    page.go_back()
    page.wait_for_load_state("networkidle")


def click_and_wait(page, locator) -> None:
    locator.click()
    page.wait_for_load_state("networkidle")


def go_home(page) -> None:
    """Back to the home page by the site's name in the bar."""
    click_and_wait(page, page.locator("header a.brand"))


def test_the_officer_takes_a_program_from_enrolment_to_a_certificate(new_page, full_demo_live):
    from sinergi.programs.models import Certificate

    page = new_page(viewport=DESKTOP, language="en")
    login(page, "petugas.selong")
    assert_accessible(page)
    # Told: partners answered the referrals the officer sent.
    check_the_bell(page, "Dinas Tenaga Kerja Kabupaten Lombok Timur")

    # From the card of attendance to enter to the running programs, then a program with
    # a free place.
    card = open_card(page, "Attendance to enter")
    click_and_wait(page, card.get_by_role("link", name="Running programs"))
    assert_accessible(page)
    click_and_wait(
        page, page.locator("main").get_by_role("link", name="Senam dan Kesehatan Jasmani")
    )
    program_url = page.url
    assert_accessible(page)

    # Enrol: the people who qualify, one ticked, one submit.
    click_and_wait(page, page.get_by_role("link", name="Enrol several people"))
    assert_accessible(page)
    first = page.locator("main input[name=inmates]:not([disabled])").first
    first.check()
    name = first.locator("xpath=ancestor::label[1]").locator("strong").inner_text().strip()
    click_and_wait(page, page.get_by_role("button", name="Enrol the people ticked").first)
    page.wait_for_url(program_url + "#enrolment")
    assert page.locator(".messages").inner_text().strip() == "1 person enrolled."
    assert page.locator("ul.enrolled").get_by_role("link", name=name, exact=True).count() == 1
    assert_accessible(page)

    # Attendance of today's session (on a day the weekly schedule has none, the officer
    # adds a one-off session for today first): everyone present.
    sessions = page.locator("section[aria-labelledby=sessions-title]")
    coming = sessions.locator("ul").first  # today's session first
    click_and_wait(page, coming.get_by_role("link").first)
    if not page.get_by_role("button", name="Everyone present").count():
        page.goto(program_url)
        click_and_wait(page, page.get_by_role("link", name="Add a one-off session"))
        page.fill("#id_date", Facility.objects.get(code="selong").today().isoformat())
        page.fill("#id_start_time", "08:00")
        page.fill("#id_end_time", "10:00")
        page.fill("#id_topic", "Senam pagi")
        click_and_wait(page, page.locator("main form button[type=submit]").last)
        page.goto(program_url)
        coming = page.locator("section[aria-labelledby=sessions-title] ul").first
        click_and_wait(page, coming.get_by_role("link").first)
    assert_accessible(page)
    click_and_wait(page, page.get_by_role("button", name="Everyone present"))
    click_and_wait(page, page.get_by_role("button", name="Save attendance"))
    assert "Attendance saved" in page.locator(".messages").inner_text()

    # The newly enrolled person completes early and is certified.
    click_and_wait(page, page.locator(".breadcrumb").get_by_role("link").last)
    click_and_wait(page, page.locator("ul.enrolled").get_by_role("link", name=name, exact=True))
    assert_accessible(page)
    page.get_by_text("Complete early", exact=True).click()
    page.fill("#id_reason", "Dipindahkan ke Lapas lain sebelum program berakhir")
    page.fill("#id_hours", "2")
    click_and_wait(page, page.get_by_role("button", name="Record the early completion"))
    assert "Early completion recorded" in page.locator(".messages").inner_text()
    click_and_wait(page, page.get_by_role("button", name="Issue the certificate"))
    code = page.locator("main code").first.inner_text()
    assert code.startswith("SNG-")
    assert Certificate.objects.get(code=code).enrollment.inmate.name == name
    assert_accessible(page)


def test_the_head_approves_what_awaits_from_the_home_page(new_page, full_demo_live):
    from sinergi.cooperation.models import SupportRequest
    from sinergi.programs.models import Program

    page = new_page(viewport=DESKTOP, language="en")
    login(page, "kalapas.selong")
    assert_accessible(page)
    # Told: the program the officer submitted for approval.
    check_the_bell(page, "Program awaiting your approval: Beternak Kambing")

    # The program awaiting approval.
    card = open_card(page, "Programs awaiting your approval")
    click_and_wait(page, card.get_by_role("link", name="Review programs"))
    assert_accessible(page)
    click_and_wait(page, page.locator("main table, main ul").get_by_role("link").first)
    title = page.locator("main h1").inner_text()
    click_and_wait(page, page.get_by_role("button", name="Approve"))
    assert Program.objects.get(title=title).status == "approved"
    assert_accessible(page)

    # The request drafted by the officers, sent to the partner.
    go_home(page)
    card = open_card(page, "Requests to send")
    click_and_wait(page, card.get_by_role("link", name="Review drafts"))
    assert_accessible(page)
    click_and_wait(page, page.locator("main table").get_by_role("link").first)
    request_title = page.locator("main h1").inner_text()
    click_and_wait(page, page.get_by_role("button", name="Send to the partner", exact=True))
    assert SupportRequest.objects.get(title=request_title).status == "submitted"
    assert_accessible(page)


def test_the_instructor_takes_attendance_on_a_phone(new_page, full_demo_live):
    page = new_page(viewport=PHONE, language="en")
    login(page, "instruktur.blk")
    assert_accessible(page)
    assert_fits_phone(page)
    # Told: the program they teach was approved, its sessions theirs.
    check_the_bell(page, "Pelatihan Las Listrik (SMAW) 160 Jam is approved", phone=True)

    card = open_card(page, "Your sessions today")
    click_and_wait(page, card.get_by_role("link", name="My sessions"))
    assert_accessible(page)
    assert_fits_phone(page)
    click_and_wait(page, page.locator("ul.sessions li").first.get_by_role("link"))
    assert_accessible(page)
    assert_fits_phone(page)
    click_and_wait(page, page.get_by_role("button", name="Everyone present"))
    click_and_wait(page, page.get_by_role("button", name="Save attendance"))
    assert "Attendance saved" in page.locator(".messages").inner_text()
    assert_accessible(page)
    assert_fits_phone(page)


def test_the_partner_answers_a_request_and_completes_a_referral(new_page, full_demo_live):
    from sinergi.cooperation.models import SupportRequest
    from sinergi.reintegration.models import Referral

    page = new_page(viewport=PHONE, language="en")
    login(page, "mitra.dukcapil")
    assert_accessible(page)
    assert_fits_phone(page)
    # Told: the request and the referrals the facility sent them.
    check_the_bell(
        page, "New support request from Lapas Kelas IIB Selong", "New referral", phone=True
    )

    card = open_card(page, "Requests waiting for your answer")
    click_and_wait(page, card.get_by_role("link", name="Answer requests"))
    assert_accessible(page)
    click_and_wait(page, page.locator("main table").get_by_role("link").first)
    title = page.locator("main h1").inner_text()
    assert_accessible(page)
    assert_fits_phone(page)
    click_and_wait(page, page.get_by_role("button", name="Accept in full", exact=True))
    assert SupportRequest.objects.get(title=title).status == "accepted"
    assert_accessible(page)

    go_home(page)
    card = open_card(page, "Referrals in progress")
    click_and_wait(page, card.locator("li a").first)
    pk = int(re.search(r"/referrals/(\d+)/", page.url).group(1))
    assert_accessible(page)
    assert_fits_phone(page)
    page.get_by_label("Outcome").select_option("achieved")
    page.get_by_label("Note (optional)").fill("e-KTP sudah dicetak dan diserahkan")
    click_and_wait(page, page.get_by_role("button", name="Complete with the outcome"))
    assert Referral.objects.get(pk=pk).status == "completed"
    assert_accessible(page)
    assert_fits_phone(page)


def test_the_bapas_officer_opens_a_hand_over_and_records_a_follow_up(new_page, full_demo_live):
    from sinergi.reintegration.models import FollowUp

    page = new_page(viewport=PHONE, language="en")
    login(page, "pk.bapas")
    assert_accessible(page)
    assert_fits_phone(page)
    check_the_bell(page, "Hand-over from Lapas Kelas IIB Selong", phone=True)

    card = open_card(page, "Hand-overs received")
    # The card opens the hand-over itself (release, plan and follow-ups), where the
    # officer acknowledges it; then the first follow-up.
    click_and_wait(page, card.locator("li a").first)
    assert re.search(r"/reintegration/inmates/\d+/$", page.url)
    assert_accessible(page)
    assert_fits_phone(page)
    click_and_wait(
        page, page.get_by_role("button", name="Acknowledge the hand-over (terima serah terima)")
    )
    assert "Hand-over acknowledged by" in page.locator("main").inner_text()
    assert_accessible(page)
    click_and_wait(page, page.locator("main ul.follow-ups a").first)
    pk = int(re.search(r"/follow-ups/(\d+)/", page.url).group(1))
    assert_accessible(page)
    assert_fits_phone(page)

    page.get_by_label("Contact made").check()
    page.fill("#housing", "Tinggal bersama orang tua di Selong")
    page.fill("#note", "Dihubungi lewat telepon; melapor ke Bapas minggu depan")
    click_and_wait(page, page.get_by_role("button", name="Save"))
    item = FollowUp.objects.get(pk=pk)
    assert item.contact_made and item.done_on is not None
    assert_accessible(page)
    assert_fits_phone(page)


def test_the_regional_office_compares_the_facilities(new_page, full_demo_live):
    page = new_page(viewport=DESKTOP, language="en")
    login(page, "kanwil.ntb")
    assert_accessible(page)
    # Told: the facilities it supervises signed their monthly reports.
    check_the_bell(page, "Monthly report of Lapas Kelas IIB Selong for")

    card = open_card(page, "Dashboards and monthly reports")
    click_and_wait(page, card.get_by_role("link", name="Open the dashboards"))
    assert_accessible(page)
    click_and_wait(
        page, page.locator("main ul.cards").get_by_role("link", name=re.compile("Kanwil"))
    )
    assert_accessible(page)
    assert "the facilities of the region compared" in page.locator("main").inner_text()
    comparison = page.locator("section[aria-labelledby=comparison-heading]")
    comparison.get_by_label("Indicator").select_option(label="Inmates in a program")
    click_and_wait(page, comparison.get_by_role("button", name="Compare"))
    assert_accessible(page)
    chart = page.locator(
        "table.figures", has=page.locator("caption", has_text="Inmates in a program by facility")
    )
    rows = chart.locator("tbody th").all_inner_texts()
    assert {"Lapas Kelas IIB Selong", "Lapas Kelas IIA Lombok Barat"} <= set(rows), rows
