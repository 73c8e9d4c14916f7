"""A proposal from eligible to released, in the browser, by the roles that own each
stage: the wali starts it from the inmate page (with the SDP reference) and gathers the
dossier, uploading each document; the officer asks Bapas Mataram for the Litmas and, once
submitted, puts it to the sidang TPP; the head sends it to the Kanwil and records the SK;
the officer records the release on the SK. (The Litmas submission and the TPP's
recommendation are the Bapas's and the board's pages, tested with them: here they are
recorded directly.) Every proposal page passes axe-core and fits a phone."""

from __future__ import annotations

import datetime
import re

from e2e.conftest import DESKTOP, PHONE, assert_accessible, assert_fits_phone, login, selong_today

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CHECKLIST_LABELS = [
    "verdict_extract",
    "execution_record",
    "wali_report",
    "register_f_extract",
    "prosecutor_notice",
    "guarantor_letter",
    "statement",
]


def click_and_wait(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state("networkidle")


def test_a_proposal_from_eligible_to_released_in_the_browser(new_page, demo_live):
    from sinergi.orgs.models import Facility
    from sinergi.proposals.models import LitmasRequest, Proposal
    from sinergi.reintegration.models import Release
    from tests.proposals.factories import eligible_person, recommend

    selong = Facility.objects.get(code="selong")
    person = eligible_person(selong, eligible_from=selong_today() - datetime.timedelta(days=2))

    # The wali starts it from the inmate page's rights table, on a phone.
    wali = new_page(viewport=PHONE, language="en")
    login(wali, "wali.selong")
    wali.goto(f"/inmates/{person.pk}/")
    wali.locator(f'a[href="/proposals/start/{person.pk}/pb/"]').click()
    wali.wait_for_load_state("networkidle")
    assert_accessible(wali)
    wali.get_by_label("SDP proposal reference").fill("PB-SDP-E2E-1")
    click_and_wait(wali, "Start the proposal")
    wali.wait_for_url(re.compile(r"/proposals/\d+/$"))
    proposal = Proposal.objects.get(inmate=person, right="pb")
    assert proposal.sdp_reference == "PB-SDP-E2E-1"
    assert "could have been proposed earlier" in wali.locator("main").inner_text()
    assert_accessible(wali)
    assert_fits_phone(wali)
    click_and_wait(wali, "Start gathering the documents")
    assert "Gathering documents" in wali.locator(".status").inner_text()
    for kind in CHECKLIST_LABELS:
        wali.select_option("#id_kind", value=kind)
        wali.set_input_files(
            "#id_file",
            files=[{"name": f"{kind}.pdf", "mimeType": "application/pdf", "buffer": PDF}],
        )
        click_and_wait(wali, "Keep the document")
        assert "Document kept" in wali.locator(".messages").inner_text()
    assert "Missing" not in wali.locator("#documents-title + .table-wrap").inner_text()
    assert_accessible(wali)
    assert_fits_phone(wali)
    detail = wali.url

    # The officer asks Bapas Mataram for the Litmas.
    officer = new_page(viewport=DESKTOP, language="en")
    login(officer, "petugas.selong")
    officer.goto(detail)
    officer.select_option("#id_litmas-bapas", label="Bapas Kelas I Mataram")
    click_and_wait(officer, "Request the Litmas from the Bapas")
    assert "Litmas requested" in officer.locator(".status").inner_text()
    request = LitmasRequest.objects.get(proposal=proposal)
    assert request.bapas.code == "bapas-mataram"
    # (the Bapas writes and submits it on its own pages)
    LitmasRequest.objects.filter(pk=request.pk).update(
        status="submitted", submitted_on=selong_today()
    )
    officer.reload()
    click_and_wait(officer, "Put to the sidang TPP")
    assert "Sidang TPP" in officer.locator(".status").inner_text()
    # The officer may not send it: that is the head's.
    assert officer.get_by_role("button", name="Send for decision").count() == 0
    recommend(Proposal.objects.get(pk=proposal.pk))  # (the board's page records it)

    # The head sends it to the Kanwil and records the SK.
    head = new_page(viewport=DESKTOP, language="en")
    login(head, "kalapas.selong")
    head.goto(detail)
    today = selong_today().isoformat()
    head.select_option("#id_sent-sent_to", value="kanwil")
    head.fill("#id_sent-sent_reference", "W.22.PAS-E2E")
    head.fill("#id_sent-sent_on", today)
    click_and_wait(head, "Send for decision")
    assert "Sent for decision" in head.locator(".status").inner_text()
    assert "Kanwil: sent to decided" in head.locator("main").inner_text()
    assert head.locator("#id_granted-sk_number").get_attribute("required") is not None
    assert_accessible(head)
    head.fill("#id_granted-sk_number", "PAS-E2E.PK.05.04")
    head.fill("#id_granted-sk_date", today)
    click_and_wait(head, "Record the SK (granted)")
    assert "Granted (SK issued)" in head.locator(".status").inner_text()

    # The officer records the release on the SK.
    officer.goto(detail)
    click_and_wait(officer, "Record the release on the SK")
    assert "Released" in officer.locator(".status").inner_text()
    stages = officer.locator("ol.timeline").inner_text()
    for stage in ("Eligible", "Gathering documents", "Litmas requested", "Sidang TPP"):
        assert stage in stages, stages
    assert_accessible(officer)
    proposal.refresh_from_db()
    assert proposal.stage == "released"
    release = Release.objects.get(inmate=person)
    assert release.bapas is not None and release.bapas.code == "bapas-mataram"
    assert release.kind == "pb"


def test_withdrawing_is_apart_and_confirmed_on_a_phone(new_page, demo_live):
    from sinergi.orgs.models import Facility
    from sinergi.proposals.models import Proposal
    from tests.proposals.factories import eligible_person, make_proposal

    selong = Facility.objects.get(code="selong")
    proposal = make_proposal(eligible_person(selong))
    officer = new_page(viewport=PHONE, language="id")
    login(officer, "petugas.selong")
    officer.goto(proposal.get_absolute_url())
    assert_accessible(officer)
    assert_fits_phone(officer)
    officer.locator("#withdraw-title ~ details summary").click()
    officer.fill("#id_withdrawn-reason", "Pindah ke Lapas lain")
    officer.get_by_role("button", name="Tarik usulan", exact=True).click()
    officer.wait_for_load_state("networkidle")
    assert Proposal.objects.get(pk=proposal.pk).stage == "eligible"  # not confirmed
    officer.locator("#id_withdrawn-confirm").check()
    officer.fill("#id_withdrawn-reason", "Pindah ke Lapas lain")
    officer.get_by_role("button", name="Tarik usulan", exact=True).click()
    officer.wait_for_load_state("networkidle")
    assert Proposal.objects.get(pk=proposal.pk).stage == "withdrawn"
