"""Proposal statuses from an SDP export in the browser (issue 14): the officer follows the
link from the rights pipeline, uploads PB online's list, reads the preview (nothing
written yet), applies it, and the proposal's timeline says the step came from the
export. The pages pass axe-core, on a desktop and on a phone."""

from __future__ import annotations

from e2e.conftest import DESKTOP, PHONE, assert_accessible, assert_fits_phone, login


def _export(rows: list[str]) -> dict:
    text = "\n".join(["No. Reg;Nama Lengkap;Hak Integrasi;No Usulan;Status Usulan", *rows])
    return {"name": "usulan-pb-online.csv", "mimeType": "text/csv", "buffer": text.encode()}


def test_an_officer_imports_sdp_statuses_after_a_preview(new_page, demo_live):
    from sinergi.orgs.models import Facility
    from sinergi.proposals.models import Proposal
    from tests.proposals.factories import eligible_person, make_proposal

    selong = Facility.objects.get(code="selong")
    person = eligible_person(selong)
    proposal = make_proposal(person)
    export = _export(
        [
            f"{person.registration_number};{person.name};PB;PB-E2E-1;Sidang TPP",
            "BI 999/99;Tidak Ada;PB;PB-E2E-2;Draft",
        ]
    )

    officer = new_page(DESKTOP, language="en")
    login(officer, "petugas.selong")
    officer.goto("/inmates/rights/")
    officer.get_by_role("link", name="Import proposal statuses from SDP (PB online)").click()
    officer.wait_for_load_state("networkidle")
    assert_accessible(officer)
    officer.set_input_files("#id_file", files=[export])
    officer.get_by_role("button", name="Upload and check").click()
    officer.wait_for_load_state("networkidle")
    report = officer.locator("main").inner_text()
    assert "Will update" in report and "Not found" in report
    assert Proposal.objects.get(pk=proposal.pk).stage == "eligible"  # a preview
    assert_accessible(officer)

    officer.get_by_role("button", name="Apply this import").click()
    officer.wait_for_load_state("networkidle")
    moved = Proposal.objects.get(pk=proposal.pk)
    assert (moved.stage, moved.sdp_reference) == ("tpp", "PB-E2E-1")
    officer.goto(moved.get_absolute_url())
    assert "Recorded from SDP export usulan-pb-online.csv, row 2" in officer.inner_text("main")

    phone = new_page(viewport=PHONE, language="id")
    login(phone, "kalapas.selong")
    phone.goto("/proposals/sdp-import/")
    assert_accessible(phone)
    assert_fits_phone(phone)
    phone.get_by_role("link", name="usulan-pb-online.csv").click()
    phone.wait_for_load_state("networkidle")
    assert "Diperbarui" in phone.locator("main").inner_text()
    assert_accessible(phone)
