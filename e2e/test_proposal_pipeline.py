"""A proposal from eligible to released in the browser on the full demo, every stage on
its page by the role that owns it (issue 14's acceptance; test_proposals.py records the
Litmas and the TPP's recommendation directly, here they go through the Bapas's and the
board's pages): the officer starts it from the person's page, gathers the seven
documents and asks Bapas Mataram for the Litmas; pk.bapas finds it in the Litmas list,
uploads and submits it; the officer puts it to the sidang TPP, records the meeting and
the board's "recommended" (the minutes PDF opens); the head sends it to the Kanwil with a
reference and records the SK; the officer records the release, which carries the SK
number. Every page passes axe-core."""

from __future__ import annotations

import re

from e2e.conftest import DESKTOP, assert_accessible, login, selong_today

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CHECKLIST_KINDS = (
    "verdict_extract",
    "execution_record",
    "wali_report",
    "register_f_extract",
    "prosecutor_notice",
    "guarantor_letter",
    "statement",
)
SENT_REFERENCE = "W.22-PK.01.05.06-901"
SK_NUMBER = "PAS-901.PK.01.05.06 Tahun 2026"
MINUTES = "BA-TPP-901"


def _candidate():
    """A Selong person in custody the engine finds eligible for PB, with no proposal."""
    from sinergi.inmates.models import InmateRight

    right = (
        InmateRight.objects.filter(
            inmate__facility__code="selong",
            inmate__status="in_custody",
            inmate__proposals__isnull=True,
            right="pb",
            status="eligible",
            eligible_from__lte=selong_today(),
        )
        .select_related("inmate")
        .order_by("eligible_from", "inmate_id")
        .first()
    )
    assert right is not None, "the demo has nobody eligible for PB without a proposal"
    return right.inmate


def _pdf(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


def _stage(page) -> str:
    return page.locator("main").inner_text()


def _move(page, verb: str) -> None:
    form = page.locator("form", has=page.get_by_role("heading", name=verb))
    form.get_by_role("button", name=verb).click()
    page.wait_for_load_state("networkidle")


def test_a_proposal_goes_from_eligible_to_released_by_the_roles_of_each_stage(
    full_demo_live, new_page
):
    from sinergi.proposals.models import LitmasRequest, Proposal
    from sinergi.reintegration.models import Release

    person = _candidate()
    today = selong_today().isoformat()

    # -- the officer starts it from the person's page and gathers the dossier ---------
    officer = new_page(DESKTOP, language="en")
    login(officer, "petugas.selong")
    officer.goto(f"/inmates/{person.pk}/")
    officer.locator(f'a[href="/proposals/start/{person.pk}/pb/"]').click()
    officer.wait_for_load_state("networkidle")
    assert_accessible(officer)
    officer.fill("#id_sdp_reference", "PB-SLG-2026-901")
    officer.get_by_role("button", name="Start the proposal").click()
    officer.wait_for_url(re.compile(r"/proposals/\d+/$"))
    proposal_url = officer.url
    proposal = Proposal.objects.get(inmate=person, right="pb")
    assert proposal.stage == "eligible"
    assert_accessible(officer)

    _move(officer, "Start gathering the documents")
    assert Proposal.objects.get(pk=proposal.pk).stage == "documents"
    for kind in CHECKLIST_KINDS:
        officer.select_option("#id_kind", kind)
        officer.set_input_files("#id_file", files=[_pdf(f"{kind}.pdf")])
        officer.get_by_role("button", name="Keep the document").click()
        officer.wait_for_load_state("networkidle")
    assert proposal.documents.count() == 7
    assert "documents missing before the Litmas" not in _stage(officer)
    assert_accessible(officer)

    officer.select_option("#id_litmas-bapas", label="Bapas Kelas I Mataram")
    _move(officer, "Request the Litmas from the Bapas")
    assert Proposal.objects.get(pk=proposal.pk).stage == "litmas"
    litmas = LitmasRequest.objects.get(proposal=proposal)
    assert litmas.bapas.code == "bapas-mataram"

    # -- pk.bapas finds the request, uploads and submits the Litmas ------------------
    pk = new_page(DESKTOP, language="en")
    login(pk, "pk.bapas")
    pk.goto("/proposals/litmas/")
    assert_accessible(pk)
    pk.locator(f'a[href="/proposals/litmas/{litmas.pk}/"]').click()
    pk.wait_for_load_state("networkidle")
    assert person.name in pk.locator("h1").inner_text()
    assert_accessible(pk)
    pk.set_input_files("#document", files=[_pdf("litmas.pdf")])
    pk.fill("#recommendation", "Klien layak diberikan pembebasan bersyarat.")
    pk.get_by_role("button", name="Submit the Litmas").click()
    pk.wait_for_load_state("networkidle")
    litmas.refresh_from_db()
    assert litmas.status == "submitted" and litmas.officer.username == "pk.bapas"
    assert "Submitted" in pk.locator("main").inner_text()

    # -- the officer puts it to the sidang TPP, records the meeting and "recommended" --
    officer.goto(proposal_url)
    _move(officer, "Put to the sidang TPP")
    assert Proposal.objects.get(pk=proposal.pk).stage == "tpp"
    officer.goto("/proposals/tpp/new/")
    assert_accessible(officer)
    officer.fill("#id_held_on", today)
    officer.fill("#id_place", "Aula Lapas Selong")
    officer.select_option("#id_chair", label="Kepala Lapas Selong")
    officer.fill("#id_members", "Kepala Lapas Selong (ketua)\nKepala Seksi Binadik")
    officer.fill("#id_minutes_number", MINUTES)
    officer.get_by_role("button", name="Save").click()
    officer.wait_for_url(re.compile(r"/proposals/tpp/\d+/$"))
    meeting_url = officer.url
    assert_accessible(officer)
    decision = officer.locator(f"form#p{proposal.pk}")
    decision.get_by_label("Recommended", exact=True).check()
    decision.get_by_role("button", name="Record").click()
    officer.wait_for_load_state("networkidle")
    assert proposal.tpp_decisions.get().recommendation == "recommended"
    assert "Recommended" in officer.locator("main table").inner_text()
    minutes = officer.request.get(meeting_url + "minutes.pdf")
    assert minutes.status == 200 and minutes.body().startswith(b"%PDF")

    # -- the head sends it with a reference and records the SK ------------------------
    head = new_page(DESKTOP, language="en")
    login(head, "kalapas.selong")
    head.goto(proposal_url)
    assert_accessible(head)
    head.select_option("#id_sent-sent_to", "kanwil")
    head.fill("#id_sent-sent_reference", SENT_REFERENCE)
    head.fill("#id_sent-sent_on", today)
    _move(head, "Send for decision")
    sent = Proposal.objects.get(pk=proposal.pk)
    assert (sent.stage, sent.sent_reference) == ("sent", SENT_REFERENCE)
    head.fill("#id_granted-sk_number", SK_NUMBER)
    head.fill("#id_granted-sk_date", today)
    _move(head, "Record the SK (granted)")
    granted = Proposal.objects.get(pk=proposal.pk)
    assert (granted.stage, granted.sk_number) == ("granted", SK_NUMBER)

    # -- the officer records the release on the SK -----------------------------------
    officer.goto(proposal_url)
    _move(officer, "Record the release on the SK")
    released = Proposal.objects.get(pk=proposal.pk)
    assert released.stage == "released" and released.released_on.isoformat() == today
    release = Release.objects.get(inmate=person)
    assert release.sk_number == SK_NUMBER and release.kind == "pb"
    timeline = officer.locator("ol.timeline").inner_text()
    for stage in (
        "Eligible",
        "Gathering documents",
        "Litmas requested",
        "Sidang TPP",
        "Sent for decision",
        "Granted (SK issued)",
        "Released",
    ):
        assert stage in timeline, timeline
    assert "Kepala Lapas Selong" in timeline and "Petugas Pembinaan Selong" in timeline
    assert_accessible(officer)
