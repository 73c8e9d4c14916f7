"""The SDP import follows Sinergi's roles (rules SEND, DECIDE): a program officer uploads
and checks any file, but a row that records a sending or a decision "needs the head": an
import with such rows is applied only by the head (who opens the officer's preview), on
the page and in the API (403 naming the rows), and nothing of it is written otherwise.
The page lists the statuses and rights accepted, from the import's one table; the
report's reasons are written in the reader's language."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import translation

from sinergi.core.errors import Conflict
from sinergi.proposals import sdp_import
from sinergi.proposals.choices import Stage
from sinergi.proposals.models import Proposal, SdpImport
from tests.proposals.factories import eligible_person, make_proposal
from tests.proposals.test_sdp_import import csv_file, day, row

pytestmark = pytest.mark.django_db


def _mixed(selong, person):
    """Line 2: a TPP step (an officer's); line 3: a grant (the head's)."""
    other = eligible_person(selong)
    make_proposal(person, sdp_reference="PB-R1")
    today = selong.today()
    make_proposal(
        other,
        sdp_reference="PB-R2",
        stage=Stage.TPP,
        stage_since=today - datetime.timedelta(days=10),
    )
    sk_date = day(today - datetime.timedelta(days=1))
    return other, csv_file(
        row(person, "Sidang TPP", ref="PB-R1"),
        row(other, "SK Terbit", ref="PB-R2", sk="PAS-1.PK.05", sk_date=sk_date),
    )


def test_the_preview_marks_the_rows_that_need_the_head(selong, person, officer):
    _other, upload = _mixed(selong, person)
    batch = sdp_import.preview(facility=selong, upload=upload, filename=upload.name, by=officer)
    rows = {r.line: r for r in batch.rows.all()}
    assert (rows[2].outcome, rows[2].needs_head) == ("update", False)
    assert (rows[3].outcome, rows[3].needs_head) == ("update", True)
    assert batch.needs_head_count == 1


def test_an_officer_may_not_apply_rows_that_need_the_head_and_nothing_is_written(
    selong, person, officer
):
    _other, upload = _mixed(selong, person)
    batch = sdp_import.preview(facility=selong, upload=upload, filename=upload.name, by=officer)
    with pytest.raises(sdp_import.HeadRequired) as refused:
        sdp_import.confirm(batch=batch, by=officer)
    assert refused.value.lines == [3]
    assert Proposal.objects.get(sdp_reference="PB-R1").stage == Stage.ELIGIBLE
    assert Proposal.objects.get(sdp_reference="PB-R2").stage == Stage.TPP
    assert SdpImport.objects.get().is_preview


def test_the_head_applies_the_officers_preview(selong, person, officer, head):
    _other, upload = _mixed(selong, person)
    batch = sdp_import.preview(facility=selong, upload=upload, filename=upload.name, by=officer)
    done = sdp_import.confirm(batch=batch, by=head)
    assert done.confirmed_by == head and done.update_count == 2
    assert Proposal.objects.get(sdp_reference="PB-R1").stage == Stage.TPP
    granted = Proposal.objects.get(sdp_reference="PB-R2")
    assert (granted.stage, granted.sk_number) == (Stage.GRANTED, "PAS-1.PK.05")
    with pytest.raises(Conflict):
        sdp_import.confirm(batch=batch, by=head)


def test_an_officer_still_applies_a_file_without_head_rows(selong, person, officer):
    make_proposal(person, sdp_reference="PB-R1")
    upload = csv_file(row(person, "Sidang TPP", ref="PB-R1"))
    batch = sdp_import.preview(facility=selong, upload=upload, filename=upload.name, by=officer)
    assert sdp_import.confirm(batch=batch, by=officer).update_count == 1


def test_the_page_says_the_head_is_needed_and_the_head_applies_it(client_for, selong, person):
    _other, upload = _mixed(selong, person)
    officer = client_for("petugas.selong")
    response = officer.post("/proposals/sdp-import/", {"facility": selong.pk, "file": upload})
    batch = SdpImport.objects.get()
    page = officer.get(response["Location"], language="en").content.decode()
    assert "Needs the head" in page
    assert "Row 3 records a sending or a decision" in page
    assert f'action="/proposals/sdp-import/{batch.pk}/confirm/"' not in page
    refused = officer.post(f"/proposals/sdp-import/{batch.pk}/confirm/", follow=True)
    assert "only the head" in refused.content.decode() or "hanya kepala" in (
        refused.content.decode()
    )
    assert Proposal.objects.get(sdp_reference="PB-R2").stage == Stage.TPP
    head = client_for("kalapas.selong")
    listed = head.get("/proposals/sdp-import/").content.decode()
    assert batch.get_absolute_url() in listed
    head_page = head.get(batch.get_absolute_url()).content.decode()
    assert f'action="/proposals/sdp-import/{batch.pk}/confirm/"' in head_page
    assert head.post(f"/proposals/sdp-import/{batch.pk}/confirm/").status_code == 302
    assert Proposal.objects.get(sdp_reference="PB-R2").stage == Stage.GRANTED


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "Row 3 records a sending or a decision"), ("id", "Baris 3 mencatat pengiriman")],
)
def test_the_api_refuses_the_officer_403_naming_the_rows(
    client_for, selong, person, officer, head, language, words
):
    _other, upload = _mixed(selong, person)
    batch = sdp_import.preview(facility=selong, upload=upload, filename=upload.name, by=officer)
    url = f"/api/v1/proposal-imports/{batch.pk}/confirm"
    response = client_for("petugas.selong").post(url, language=language)
    assert response.status_code == 403
    assert words in response.json()["detail"]
    rows = client_for("petugas.selong").get(f"/api/v1/proposal-imports/{batch.pk}/rows").json()
    assert [r["needs_head"] for r in rows["items"]] == [False, True]
    assert client_for("kalapas.selong").post(url).status_code == 200


def test_the_start_page_lists_the_statuses_and_rights_and_has_no_full_export_box(client_for):
    page = client_for("petugas.selong").get("/proposals/sdp-import/", language="en")
    text = page.content.decode()
    for spelling, _stage, _to in sdp_import.STATUS_SPELLINGS:
        assert f'<code lang="id">{spelling}</code>' in text, spelling
    for spelling, _right in sdp_import.RIGHT_SPELLINGS:
        assert f'<code lang="id">{spelling}</code>' in text, spelling
    assert "needs the head" in text
    assert 'name="full_export"' not in text


def test_the_reasons_are_written_in_the_readers_language(client_for, selong, officer):
    stranger = csv_file("ZZ 404/26;Nobody;PB;;Sidang TPP;;;;")
    with translation.override("id"):  # imported by an officer reading Indonesian
        batch = sdp_import.preview(
            facility=selong, upload=stranger, filename=stranger.name, by=officer
        )
    line = batch.rows.get()
    assert line.reason_code == "not_found"
    client = client_for("petugas.selong")
    en = client.get(batch.get_absolute_url(), language="en").content.decode()
    assert "No person with registration number" in en
    api = client.get(f"/api/v1/proposal-imports/{batch.pk}/rows", HTTP_ACCEPT_LANGUAGE="en")
    assert api.json()["items"][0]["message"].startswith("No person with registration number")
    idn = client.get(batch.get_absolute_url(), language="id").content.decode()
    assert "No person with registration number" not in idn
    assert json.dumps(line.reason_params)  # stored as parameters, not a sentence


@pytest.mark.parametrize(
    ("username", "may_import"),
    [("petugas.selong", True), ("kalapas.selong", True), ("admin", False), ("kanwil.ntb", False)],
)
def test_the_rights_page_links_to_the_sdp_import_only_for_who_may_import(
    demo_world, client_for, username, may_import
):
    # The administrator (a superuser: Django's perms said yes) was sent to a 403.
    client = client_for(username)
    page = client.get("/inmates/rights/?region=1", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ('href="/proposals/sdp-import/"' in page) is may_import
    assert (client.get("/proposals/sdp-import/").status_code == 200) is may_import
