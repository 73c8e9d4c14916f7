"""The SDP proposal-status import's pages and API: upload, preview, confirm, the stored
report (audited), the problem rows as CSV; who is refused; query counts of the lists."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sinergi.core.models import AuditEvent
from sinergi.proposals import sdp_import
from sinergi.proposals.choices import Stage
from sinergi.proposals.models import Proposal, SdpImport
from tests.proposals.factories import eligible_person, make_proposal
from tests.proposals.test_sdp_import import csv_file, row

pytestmark = pytest.mark.django_db

OUTSIDERS = ["wali.selong", "mitra.disnaker", "petugas.lobar", "kanwil.ntb", "pk.bapas"]


def previewed(selong, officer, *lines):
    upload = csv_file(*lines)
    return sdp_import.preview(facility=selong, upload=upload, filename=upload.name, by=officer)


# --- pages ----------------------------------------------------------------------------


def test_an_officer_uploads_sees_the_preview_and_applies_it(client_for, selong, person):
    client = client_for("petugas.selong")
    page = client.get("/proposals/sdp-import/")
    assert page.status_code == 200
    response = client.post(
        "/proposals/sdp-import/",
        {"facility": selong.pk, "file": csv_file(row(person, "Sidang TPP", ref="PB-P1"))},
    )
    assert response.status_code == 302
    batch = SdpImport.objects.get()
    report = client.get(response["Location"])
    assert report.status_code == 200
    assert person.name in report.content.decode()
    assert not Proposal.objects.filter(inmate=person).exists()
    assert AuditEvent.objects.filter(action="proposal.sdp_import.view").exists()
    applied = client.post(f"/proposals/sdp-import/{batch.pk}/confirm/")
    assert applied.status_code == 302
    assert Proposal.objects.get(inmate=person).stage == Stage.TPP
    again = client.post(f"/proposals/sdp-import/{batch.pk}/confirm/", follow=True)
    assert again.status_code == 200  # refused with a message, nothing moved twice
    assert Proposal.objects.filter(inmate=person).count() == 1


def test_a_file_that_cannot_be_read_is_refused_on_the_form(client_for, selong):
    response = client_for("petugas.selong").post(
        "/proposals/sdp-import/",
        {"facility": selong.pk, "file": csv_file("BI 1/26;Budi", header="No Reg;Nama")},
    )
    assert response.status_code == 200
    assert "Jenis Usulan" in response.content.decode()
    assert not SdpImport.objects.exists()


def test_the_problem_rows_download_as_csv(client_for, selong, officer):
    batch = previewed(selong, officer, "BI 999/99;Tidak Ada;PB;R-1;Draft;;;;")
    response = client_for("kalapas.selong").get(f"/proposals/sdp-import/{batch.pk}/problems.csv")
    assert response.status_code == 200
    assert "R-1" in response.content.decode("utf-8-sig")


@pytest.mark.parametrize("username", OUTSIDERS)
def test_outsiders_cannot_open_the_import_pages(client_for, selong, officer, person, username):
    batch = previewed(selong, officer, row(person, "Draft"))
    client = client_for(username)
    start = client.get("/proposals/sdp-import/")
    if username == "petugas.lobar":  # their own facility's page, without Selong's import
        assert start.status_code == 200 and batch.filename not in start.content.decode()
    else:  # not a feature of theirs
        assert start.status_code == 403
    refused = 404 if username == "petugas.lobar" else 403
    assert client.get(f"/proposals/sdp-import/{batch.pk}/").status_code == refused
    assert client.post(f"/proposals/sdp-import/{batch.pk}/confirm/").status_code == refused
    assert client.get(f"/proposals/sdp-import/{batch.pk}/problems.csv").status_code == refused
    batch.refresh_from_db()
    assert batch.is_preview


def test_an_anonymous_visitor_is_sent_to_log_in(client, demo_world):
    assert client.get("/proposals/sdp-import/").status_code == 302


def test_the_pipeline_page_links_to_the_import_for_officers(client_for):
    assert (
        "/proposals/sdp-import/"
        in client_for("petugas.selong").get("/inmates/rights/").content.decode()
    )
    assert (
        "/proposals/sdp-import/"
        not in client_for("wali.selong").get("/inmates/rights/").content.decode()
    )


def _queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_import_list_and_report_do_not_grow_in_queries_with_rows(client_for, selong, officer):
    people = [eligible_person(selong) for _ in range(6)]
    for person in people:
        make_proposal(person)
    one = previewed(selong, officer, row(people[0], "Sidang TPP"))
    client = client_for("petugas.selong")
    few_list = _queries(client, "/proposals/sdp-import/")
    few_rows = _queries(client, f"/proposals/sdp-import/{one.pk}/")
    many = previewed(selong, officer, *(row(p, "Sidang TPP") for p in people))
    for _ in range(3):
        previewed(selong, officer, row(people[1], "Draft"))
    assert _queries(client, "/proposals/sdp-import/") == few_list
    assert _queries(client, f"/proposals/sdp-import/{many.pk}/") == few_rows


# --- API ------------------------------------------------------------------------------


def upload_api(client, upload, **fields):
    return client.post("/api/v1/proposal-imports", {"file": upload, **fields})


def test_the_api_previews_then_confirms(client_for, selong, person):
    client = client_for("petugas.selong")
    created = upload_api(client, csv_file(row(person, "Draft", ref="PB-A1")), facility="selong")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["update_count"], body["facility"]) == ("preview", 1, "selong")
    rows = client.get(f"/api/v1/proposal-imports/{body['id']}/rows").json()
    assert rows["count"] == 1
    assert rows["items"][0]["outcome"] == "update" and rows["items"][0]["proposal_id"] is None
    assert not Proposal.objects.filter(inmate=person).exists()
    confirmed = client.post(f"/api/v1/proposal-imports/{body['id']}/confirm")
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "applied"
    assert Proposal.objects.get(inmate=person).sdp_reference == "PB-A1"
    twice = client.post(f"/api/v1/proposal-imports/{body['id']}/confirm")
    assert twice.status_code == 409
    listed = client.get("/api/v1/proposal-imports").json()
    assert listed["count"] == 1


def test_the_api_refuses_a_bad_file_at_its_field(client_for, demo_world):
    client = client_for("petugas.selong")
    response = upload_api(client, SimpleUploadedFile("usulan.xls", b"\xd0\xcf\x11\xe0"))
    assert response.status_code == 422
    assert "file" in response.json()["errors"]
    missing = client.post("/api/v1/proposal-imports", "{}", content_type="application/json")
    assert missing.status_code == 422
    assert "file" in missing.json()["errors"]


@pytest.mark.parametrize(
    ("username", "status"),
    [("wali.selong", 403), ("mitra.disnaker", 403), ("kanwil.ntb", 403), ("pk.bapas", 403)],
)
def test_outsiders_cannot_import_through_the_api(client_for, person, username, status):
    response = upload_api(client_for(username), csv_file(row(person, "Draft")))
    assert response.status_code == status
    # Refused before the body is looked at: with no file either.
    empty = client_for(username).post(
        "/api/v1/proposal-imports", "{}", content_type="application/json"
    )
    assert empty.status_code == status
    assert not SdpImport.objects.exists()


def test_another_facilitys_officer_cannot_reach_selong(client_for, selong, officer, person):
    batch = previewed(selong, officer, row(person, "Draft"))
    client = client_for("petugas.lobar")
    refused = upload_api(client, csv_file(row(person, "Draft")), facility="selong")
    assert refused.status_code == 404
    assert client.get(f"/api/v1/proposal-imports/{batch.pk}").status_code == 404
    assert client.get(f"/api/v1/proposal-imports/{batch.pk}/rows").status_code == 404
    assert client.post(f"/api/v1/proposal-imports/{batch.pk}/confirm").status_code == 404
    assert client.get("/api/v1/proposal-imports").json()["count"] == 0
    # Imported at its own facility, Selong's person is not found there.
    own = upload_api(client, csv_file(row(person, "Draft")))
    assert own.json()["not_found_count"] == 1


def test_the_api_lists_do_not_grow_in_queries_with_rows(client_for, selong, officer):
    people = [eligible_person(selong) for _ in range(5)]
    one = previewed(selong, officer, row(people[0], "Draft"))
    client = client_for("petugas.selong")
    few_list = _queries(client, "/api/v1/proposal-imports")
    few_rows = _queries(client, f"/api/v1/proposal-imports/{one.pk}/rows")
    many = previewed(selong, officer, *(row(p, "Draft") for p in people))
    for _ in range(3):
        previewed(selong, officer, row(people[1], "Draft"))
    assert _queries(client, "/api/v1/proposal-imports") == few_list
    assert _queries(client, f"/api/v1/proposal-imports/{many.pk}/rows") == few_rows


def test_a_file_that_changes_nothing_offers_nothing_to_apply(client_for, selong, officer):
    batch = previewed(selong, officer, "BI 999/99;Tidak Ada;PB;;Draft;;;;")
    page = client_for("petugas.selong").get(f"/proposals/sdp-import/{batch.pk}/")
    assert f"/proposals/sdp-import/{batch.pk}/confirm/" not in page.content.decode()
