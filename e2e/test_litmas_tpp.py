"""The Bapas's Litmas and the facility's sidang TPP in the browser: the PK, on a phone,
finds the overdue Litmas on the home page in red, opens it, uploads the Litmas and
submits it with its recommendation; the Bapas's head assigns a PK and reads the load per
officer; the officer records a sidang TPP and the board's recommendation on a phone, and
opens the minutes. Every page passes axe-core and fits a phone."""

from __future__ import annotations

import datetime
import re

from e2e.conftest import PHONE, assert_accessible, assert_fits_phone, login, selong_today

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def click_and_wait(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state("networkidle")


def _working_days_ago(days: int) -> datetime.date:
    """The due date that is ``days`` working days behind today at the Bapas (its national
    and own days off not counted), as the lateness is counted."""
    from sinergi.orgs.models import Facility
    from sinergi.programs.days_off import days_off
    from sinergi.proposals import clocks

    today = selong_today()
    off = days_off(Facility.objects.get(code="bapas-mataram"))
    day = today
    while clocks.working_days_between(day, today, off) < days:
        day -= datetime.timedelta(days=1)
    return day


def _asked(name: str, due_in: int = 0, due_on: datetime.date | None = None):
    from sinergi.orgs.models import Facility
    from sinergi.proposals.models import LitmasRequest
    from tests.proposals.factories import eligible_person, make_proposal

    selong = Facility.objects.get(code="selong")
    person = eligible_person(selong)
    person.name = name
    person.save()
    proposal = make_proposal(person, stage="litmas")
    today = selong_today()
    return LitmasRequest.objects.create(
        proposal=proposal,
        bapas=Facility.objects.get(code="bapas-mataram"),
        requested_on=today - datetime.timedelta(days=14),
        due_on=due_on or today + datetime.timedelta(days=due_in),
    )


def test_the_pk_submits_an_overdue_litmas_on_a_phone(new_page, demo_live):
    from sinergi.proposals.models import LitmasRequest

    late = _asked("Ahmad Terlambat", due_on=_working_days_ago(3))
    _asked("Zainal Tepat", 5)
    pk = new_page(viewport=PHONE, language="en")
    login(pk, "pk.bapas")
    card = pk.locator("section.card-danger")
    assert "OVERDUE by 3 working days: Ahmad Terlambat" in card.inner_text()
    assert_accessible(pk)
    assert_fits_phone(pk)
    pk.get_by_role("link", name="All Litmas requests").click()
    pk.wait_for_load_state("networkidle")
    rows = pk.locator("table.figures tbody").inner_text()
    assert rows.index("Ahmad Terlambat") < rows.index("Zainal Tepat")
    assert "Overdue by 3 working days" in rows
    assert_accessible(pk)
    assert_fits_phone(pk)
    pk.get_by_role("link", name="Ahmad Terlambat").click()
    pk.wait_for_url(re.compile(rf"/proposals/litmas/{late.pk}/$"))
    assert_accessible(pk)
    assert_fits_phone(pk)
    # Submitting without the file is refused at the field, focused on it by its message.
    pk.fill("#recommendation", "Direkomendasikan PB dengan pengawasan Bapas")
    click_and_wait(pk, "Submit the Litmas")
    assert pk.locator("#document-error").is_visible()
    assert_accessible(pk)
    pk.set_input_files(
        "#document", files=[{"name": "litmas.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    click_and_wait(pk, "Submit the Litmas")
    assert "Litmas submitted" in pk.locator(".messages").inner_text()
    late.refresh_from_db()
    assert late.status == "submitted" and late.document is not None
    assert late.recommendation == "Direkomendasikan PB dengan pengawasan Bapas"
    assert LitmasRequest.objects.get(pk=late.pk).officer.username == "pk.bapas"


def test_the_bapas_head_assigns_and_reads_the_load_on_a_phone(new_page, demo_live):
    from sinergi.accounts.models import Membership, User
    from sinergi.core.roles import Role
    from sinergi.orgs.models import Facility

    head_user = User.objects.create_user(
        "kabapas", password="sinergi-demo", full_name="Kepala Bapas Mataram"
    )
    Membership.objects.create(
        user=head_user, role=Role.HEAD, facility=Facility.objects.get(code="bapas-mataram")
    )
    request = _asked("Budi Menunggu", 4)
    head = new_page(viewport=PHONE, language="id")
    login(head, "kabapas")
    head.get_by_role("link", name="Beban per PK").click()
    head.wait_for_load_state("networkidle")
    assert "Budi Menunggu" in head.locator("main").inner_text()
    assert_accessible(head)
    assert_fits_phone(head)
    head.get_by_role("link", name="Budi Menunggu").click()
    head.wait_for_load_state("networkidle")
    head.select_option("#officer", label="Pembimbing Kemasyarakatan Bapas Mataram")
    click_and_wait(head, "Tugaskan")
    request.refresh_from_db()
    assert request.officer.username == "pk.bapas"
    assert_accessible(head)


def test_the_officer_records_a_sidang_tpp_on_a_phone(new_page, demo_live):
    from sinergi.orgs.models import Facility
    from sinergi.proposals.models import TppDecision
    from tests.proposals.factories import eligible_person, make_proposal

    selong = Facility.objects.get(code="selong")
    person = eligible_person(selong)
    person.name = "Citra Sidang"
    person.save()
    # At the TPP since before the meeting of yesterday (an earlier meeting would not
    # discuss it).
    proposal = make_proposal(
        person, stage="tpp", stage_since=selong_today() - datetime.timedelta(days=3)
    )
    officer = new_page(viewport=PHONE, language="en")
    login(officer, "petugas.selong")
    officer.goto("/proposals/tpp/")
    assert_accessible(officer)
    assert_fits_phone(officer)
    officer.get_by_role("link", name="Record a sidang TPP").click()
    officer.wait_for_load_state("networkidle")
    officer.fill("#id_held_on", (selong_today() - datetime.timedelta(days=1)).isoformat())
    officer.fill("#id_place", "Aula Lapas Selong")
    officer.select_option("#id_chair", label="Kepala Lapas Selong")
    officer.fill("#id_members", "Baiq Nurul, Kasi Binadik\nLalu Ahmad, Kepala KPLP")
    officer.fill("#id_minutes_number", "BA-TPP-E2E-1")
    assert_accessible(officer)
    assert_fits_phone(officer)
    click_and_wait(officer, "Save")
    officer.wait_for_url(re.compile(r"/proposals/tpp/\d+/$"))
    assert "Citra Sidang" in officer.locator("main").inner_text()
    assert_accessible(officer)
    assert_fits_phone(officer)
    officer.locator(f"#id_p{proposal.pk}-recommendation_0").check()
    officer.fill(f"#id_p{proposal.pk}-note", "Berkelakuan baik")
    click_and_wait(officer, "Record the recommendation")
    assert TppDecision.objects.get(proposal=proposal).recommendation == "recommended"
    assert officer.get_by_role("link", name=re.compile("Minutes")).count() == 1
    minutes = officer.get_by_role("link", name=re.compile("Minutes")).get_attribute("href")
    response = officer.request.get(minutes)
    assert response.ok and response.body().startswith(b"%PDF")
    assert_accessible(officer)
    assert_fits_phone(officer)
