"""A person from release preparation to a follow-up after release, in the browser: the
officer starts a plan from the worklist, assesses the identity need, records a consent
for Dukcapil and refers the person there; Dukcapil, on a 360 px screen, sees only the
shared fields and completes the referral; the officer records the release and hands the
person over to Bapas Mataram; the probation officer records the month-3 follow-up on a
phone. Then a withdrawn consent hides the referral from the partner, and every
reintegration page passes axe-core in Indonesian on a phone."""

from __future__ import annotations

import datetime
import re

from e2e.conftest import (
    DESKTOP,
    PHONE,
    assert_accessible,
    assert_fits_phone,
    login,
    selong_today,
)

DUKCAPIL = "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Lombok Timur"
BAPAS = "Bapas Kelas I Mataram"
PK_NAME = "Pembimbing Kemasyarakatan Bapas Mataram"
IDENTITY = "Identity documents (KTP, KK, birth certificate)"
PURPOSE = "Perekaman e-KTP dan penerbitan KK sebelum bebas"
CONSENT_PURPOSE = "Perekaman e-KTP dan KK"
NEED_NOTE = "Tidak punya KTP; KK hilang"


def start_a_plan(officer) -> str:
    """From the worklist's people without a plan, the officer starts one; returns its URL."""
    response = officer.goto("/reintegration/?plan=none")
    assert response is not None and response.status == 200, officer.url
    assert_accessible(officer)
    rows = officer.locator("main tbody tr")
    assert rows.count() > 0, "the demo worklist has nobody without a plan"
    assert "No plan yet" in rows.first.inner_text()
    rows.first.locator("a").first.click()
    officer.wait_for_url(re.compile(r"/reintegration/inmates/\d+/$"))
    plan_url = officer.url
    assert_accessible(officer)
    officer.get_by_role("button", name="Start the plan").click()
    officer.wait_for_url(plan_url)
    officer.wait_for_load_state("networkidle")
    assert officer.locator("#needs-title").is_visible()
    assert_accessible(officer)
    return plan_url


def consent_and_refer(officer, plan_url: str) -> None:
    """The officer assesses the identity need, records the consent and refers to Dukcapil."""
    need = officer.locator("div.need", has=officer.get_by_role("heading", name=IDENTITY))
    need.locator("summary", has_text="Update").click()
    need.get_by_label("Status").select_option(label="In progress")
    need.get_by_label("Responsible").select_option(label="A partner")
    need.get_by_label("Partner").select_option(label=DUKCAPIL)
    need.get_by_label("Note").fill(NEED_NOTE)
    need.get_by_role("button", name="Save").click()
    officer.wait_for_load_state("networkidle")
    need = officer.locator("div.need", has=officer.get_by_role("heading", name=IDENTITY))
    text = need.inner_text()
    assert "In progress" in need.locator(".status").inner_text(), text
    assert f"A partner ({DUKCAPIL})" in text, text
    assert NEED_NOTE in text, text
    assert_accessible(officer)

    consents = officer.locator("#consents")
    consents.locator("summary", has_text="Record a consent").click()
    officer.select_option("#c-partner", label=DUKCAPIL)
    officer.fill("#c-purpose", CONSENT_PURPOSE)
    consents.get_by_role("button", name="Record consent").click()
    officer.wait_for_load_state("networkidle")
    assert "Consent recorded" in officer.locator(".messages").inner_text()
    assert f"{DUKCAPIL}: {CONSENT_PURPOSE}" in officer.locator("#consents").inner_text()
    assert_accessible(officer)

    referrals = officer.locator("#referrals")
    referrals.locator("summary", has_text="Refer to a partner").click()
    officer.select_option("#r-partner", label=DUKCAPIL)
    officer.select_option("#r-need", label=IDENTITY)
    officer.fill("#r-purpose", PURPOSE)
    referrals.get_by_role("button", name="Send the referral").click()
    officer.wait_for_load_state("networkidle")
    assert "Referral sent" in officer.locator(".messages").inner_text()
    assert f"{DUKCAPIL}: {PURPOSE}" in officer.locator("#referrals").inner_text()
    assert "Sent" in officer.locator("#referrals").inner_text()
    assert_accessible(officer)


def open_referral_as_partner(partner, name: str) -> str:
    """The partner opens the referral of ``name`` from its list; returns the URL."""
    partner.goto("/reintegration/referrals/")
    assert_accessible(partner)
    assert_fits_phone(partner)
    row = partner.locator("main tbody tr", has_text=PURPOSE).filter(has_text=name)
    assert row.count() == 1, partner.locator("main").inner_text()
    row.get_by_role("link", name=name).click()
    partner.wait_for_url(re.compile(r"/reintegration/referrals/\d+/$"))
    return partner.url


def test_person_from_worklist_to_a_follow_up_after_release(new_page, full_demo_live):
    from django.utils import formats, translation

    from sinergi.inmates.models import Inmate
    from sinergi.reintegration.models import FollowUp, Referral, Release

    today = selong_today()
    officer = new_page(viewport=DESKTOP, language="en")
    login(officer, "petugas.selong")
    plan_url = start_a_plan(officer)
    inmate = Inmate.objects.get(pk=int(plan_url.rstrip("/").rsplit("/", 1)[1]))
    assert inmate.name in officer.locator("h1").inner_text()
    consent_and_refer(officer, plan_url)
    referral = Referral.objects.get(inmate=inmate, partner__code="dukcapil-lotim")
    assert referral.need is not None and referral.need.pathway == "identity"
    assert referral.status == "sent"

    # Dukcapil, on a phone, sees what it needs and nothing more.
    partner = new_page(viewport=PHONE, language="en")
    login(partner, "mitra.dukcapil")
    referral_url = open_referral_as_partner(partner, inmate.name)
    assert referral_url.endswith(referral.get_absolute_url())
    main = partner.locator("main").inner_text()
    with translation.override("en"):
        birth = formats.date_format(inmate.birth_date, "DATE_FORMAT") if inmate.birth_date else "—"
    for shown in [inmate.name, birth, inmate.home_regency or "—", IDENTITY, PURPOSE]:
        assert shown in main, (shown, main)
    assert "Petugas Pembinaan Selong" in main  # the contact defaults to the officer
    assert inmate.registration_number
    assert inmate.registration_number not in partner.locator("body").inner_text()
    assert inmate.registration_number not in partner.content()
    assert partner.get_by_role("link", name="Reintegration plan").count() == 0
    assert_accessible(partner)
    assert_fits_phone(partner)

    partner.get_by_role("button", name="Accept the referral", exact=True).click()
    partner.wait_for_url(referral_url)
    assert "now “Accepted”" in partner.locator(".messages").inner_text()
    assert "Accepted" in partner.locator("main .status").inner_text()
    assert_accessible(partner)
    assert_fits_phone(partner)

    partner.select_option("#id_completed-outcome", label="Achieved")
    partner.locator("#id_completed-note").fill("e-KTP direkam di Lapas")
    partner.get_by_role("button", name="Complete with the outcome", exact=True).click()
    partner.wait_for_url(referral_url)
    assert "now “Completed”" in partner.locator(".messages").inner_text()
    assert "Completed" in partner.locator("main .status").inner_text()
    assert "Achieved" in partner.locator("main").inner_text()
    assert partner.get_by_role("button", name="Complete with the outcome").count() == 0
    assert_accessible(partner)
    assert_fits_phone(partner)
    referral.refresh_from_db()
    assert (referral.status, referral.outcome) == ("completed", "achieved")

    # The officer records the release and hands the person over to Bapas Mataram.
    officer.goto(plan_url)
    assert "Completed (Achieved)" in officer.locator("#referrals").inner_text()
    officer.get_by_role("link", name="Record the release").click()
    officer.wait_for_url(re.compile(r"/reintegration/inmates/\d+/release/$"))
    assert_accessible(officer)
    officer.fill("#released_on", today.isoformat())
    # On parole, with its decree (a release at the end of the sentence would be refused
    # before the sentence ends).
    officer.select_option("#kind", "pb")
    officer.fill("#sk_number", "PAS-2.PK.01.05.06-0042")
    officer.fill("#sk_date", (today - datetime.timedelta(days=5)).isoformat())
    officer.fill("#address", "Jl. Pejanggik No. 12, Selong")
    officer.fill("#phone", "0812-3700-1234")
    officer.fill("#guarantor", "Ayah kandung")
    officer.fill("#leaves_with", "KTP elektronik, KK, sertifikat pelatihan")
    officer.select_option("#bapas", label=BAPAS)
    officer.select_option("#pk", label=PK_NAME)
    officer.get_by_role("button", name="Review the release").click()
    # The review: what is still open and the legal basis, before anything is recorded.
    review = officer.locator("main").inner_text()
    assert "still open" in review and "PAS-2.PK.01.05.06-0042" in review
    assert not Release.objects.filter(inmate=inmate).exists()
    assert_accessible(officer)
    officer.get_by_role("button", name="Confirm and record the release").click()
    officer.wait_for_url(plan_url)
    assert "Release recorded" in officer.locator(".messages").inner_text()
    with translation.override("en"):
        released = formats.date_format(today, "DATE_FORMAT")
    assert f"Released on {released}." in officer.locator("main").inner_text()
    assert officer.get_by_role("link", name="Record the release").count() == 0
    handover = officer.get_by_role("link", name="Hand-over document (PDF)")
    href = handover.get_attribute("href")
    assert href
    pdf = officer.request.get(href)
    assert pdf.ok, pdf.status
    assert pdf.body().startswith(b"%PDF")
    assert_accessible(officer)

    release = Release.objects.get(inmate=inmate)
    assert release.bapas is not None and release.bapas.name == BAPAS
    assert release.probation_officer is not None
    assert release.probation_officer.username == "pk.bapas"
    inmate.refresh_from_db()
    assert inmate.status == "released"
    follow_up = FollowUp.objects.get(release=release, month=3)

    # The probation officer records the month-3 follow-up on a phone.
    pk = new_page(viewport=PHONE, language="en")
    login(pk, "pk.bapas")
    pk.goto("/reintegration/follow-ups/")
    assert_accessible(pk)
    assert_fits_phone(pk)
    link = pk.get_by_role("link", name=f"{inmate.name} — month 3", exact=True)
    assert link.count() == 1, pk.locator("main").inner_text()
    link.click()
    pk.wait_for_url(re.compile(rf"/reintegration/follow-ups/{follow_up.pk}/$"))
    assert inmate.name in pk.locator("h1").inner_text()
    assert "month 3" in pk.locator("h1").inner_text()
    assert_accessible(pk)
    assert_fits_phone(pk)
    # The hand-over is one link away: the release with its SK, address and guarantor.
    pk.get_by_role("link", name="The hand-over: release, plan and follow-ups").click()
    pk.wait_for_url(plan_url)
    handed = pk.locator("main").inner_text()
    for shown in ("PAS-2.PK.01.05.06-0042", "Jl. Pejanggik No. 12, Selong", "Ayah kandung"):
        assert shown in handed, shown
    assert_accessible(pk)
    assert_fits_phone(pk)
    pk.go_back()
    pk.get_by_label("Contact made").check()
    pk.select_option("#work_status", label="Employed")
    pk.get_by_role("button", name="Save").click()
    pk.wait_for_url(re.compile(r"/reintegration/follow-ups/$"))
    assert "Follow-up recorded" in pk.locator(".messages").inner_text()
    to_do = pk.get_by_role("link", name=f"{inmate.name} — month 3", exact=True)
    assert to_do.count() == 0
    assert pk.get_by_role("link", name=f"{inmate.name} — month 1", exact=True).count() == 1
    assert_accessible(pk)
    assert_fits_phone(pk)

    pk.goto("/reintegration/follow-ups/?show=all")
    item = pk.locator("main li", has=pk.get_by_role("link", name=f"{inmate.name} — month 3"))
    assert item.count() == 1
    assert "done" in item.inner_text()
    assert_accessible(pk)
    assert_fits_phone(pk)
    follow_up.refresh_from_db()
    assert follow_up.done_on == today
    assert follow_up.contact_made and follow_up.work_status == "employed"
    assert follow_up.done_by is not None and follow_up.done_by.username == "pk.bapas"


def test_a_withdrawn_consent_hides_the_referral_from_the_partner(new_page, full_demo_live):
    from sinergi.inmates.models import Inmate
    from sinergi.reintegration.models import Consent, Referral

    officer = new_page(viewport=DESKTOP, language="en")
    login(officer, "petugas.selong")
    plan_url = start_a_plan(officer)
    inmate = Inmate.objects.get(pk=int(plan_url.rstrip("/").rsplit("/", 1)[1]))
    consent_and_refer(officer, plan_url)
    referral = Referral.objects.get(inmate=inmate, partner__code="dukcapil-lotim")

    partner = new_page(viewport=PHONE, language="en")
    login(partner, "mitra.dukcapil")
    referral_url = open_referral_as_partner(partner, inmate.name)
    assert inmate.name in partner.locator("h1").inner_text()

    officer.goto(plan_url)
    consent_item = officer.locator("#consents li", has_text=CONSENT_PURPOSE)
    consent_item.get_by_role("button", name="Withdraw").click()
    officer.wait_for_load_state("networkidle")
    assert "Consent withdrawn" in officer.locator(".messages").inner_text()
    assert "withdrawn" in officer.locator("#consents li", has_text=CONSENT_PURPOSE).inner_text()
    assert "Cancelled" in officer.locator("#referrals").inner_text()
    assert_accessible(officer)
    consent = Consent.objects.get(inmate=inmate, partner__code="dukcapil-lotim")
    assert consent.withdrawn_on is not None
    referral.refresh_from_db()
    assert referral.status == "cancelled"

    response = partner.goto(referral_url)
    assert response is not None and response.status == 404
    assert inmate.name not in partner.locator("body").inner_text()
    assert_accessible(partner)
    assert_fits_phone(partner)
    partner.goto("/reintegration/referrals/")
    assert inmate.name not in partner.locator("main").inner_text()
    assert_accessible(partner)
    assert_fits_phone(partner)


def check(page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    assert page.locator("html").get_attribute("lang") == "id"
    assert_accessible(page)
    assert_fits_phone(page)


def test_reintegration_pages_pass_axe_in_indonesian_on_a_phone(new_page, full_demo_live):
    officer = new_page(viewport=PHONE, language="id")
    login(officer, "petugas.selong")
    check(officer, "/reintegration/")
    plan = officer.locator("main tbody a").first.get_attribute("href")
    assert plan
    check(officer, plan)
    check(officer, "/reintegration/referrals/")
    referral = officer.locator("main tbody a").first.get_attribute("href")
    assert referral
    check(officer, referral)
    check(officer, "/reintegration/jobs/")
    job = officer.locator("main ul a[href*='/reintegration/jobs/']").first.get_attribute("href")
    assert job
    check(officer, job)

    partner = new_page(viewport=PHONE, language="id")
    login(partner, "mitra.dukcapil")
    check(partner, "/reintegration/referrals/")
    referral = partner.locator("main tbody a").first.get_attribute("href")
    assert referral
    check(partner, referral)

    pk = new_page(viewport=PHONE, language="id")
    login(pk, "pk.bapas")
    check(pk, "/reintegration/follow-ups/")
    follow_up = pk.locator("main ul.follow-ups a").first.get_attribute("href")
    assert follow_up
    check(pk, follow_up)
    check(pk, "/reintegration/follow-ups/?show=all")
