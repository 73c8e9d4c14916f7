"""Facility staff reach a Litmas request without typing its address: the proposal page
links to its Litmas requests and their request letters, and the facility staff's menu
has the Litmas list, which shows only the requests of their facility."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sinergi.orgs.models import Facility
from sinergi.proposals.choices import LitmasStatus, Stage
from sinergi.proposals.models import LitmasRequest, Proposal
from tests.proposals.factories import eligible_person, make_proposal

pytestmark = pytest.mark.django_db


def _asked(proposal: Proposal, bapas: Facility) -> LitmasRequest:
    today = proposal.facility.today()
    return LitmasRequest.objects.create(
        proposal=proposal,
        bapas=bapas,
        requested_on=today - datetime.timedelta(days=2),
        due_on=today + datetime.timedelta(days=10),
        status=LitmasStatus.REQUESTED,
    )


@pytest.mark.parametrize("who", ["petugas.selong", "kalapas.selong"])
def test_the_proposal_page_links_to_its_litmas_request_and_letter(client_for, person, bapas, who):
    proposal = make_proposal(person, stage=Stage.LITMAS)
    request_ = _asked(proposal, bapas)
    page = client_for(who).get(proposal.get_absolute_url()).content.decode()
    assert f'href="/proposals/litmas/{request_.pk}/"' in page
    assert f'href="/proposals/litmas/{request_.pk}/letter.pdf"' in page


@pytest.mark.parametrize("who", ["petugas.selong", "kalapas.selong"])
def test_facility_staff_have_the_litmas_list_in_their_menu(client_for, who):
    page = client_for(who).get("/").content.decode()
    assert 'href="/proposals/litmas/"' in page


def test_an_outsider_has_no_litmas_list(client_for):
    client = client_for("mitra.disnaker")
    assert 'href="/proposals/litmas/"' not in client.get("/").content.decode()
    assert client.get("/proposals/litmas/").status_code == 403


def test_the_facility_staffs_litmas_list_shows_only_their_facility(client_for, person, bapas):
    ours = _asked(make_proposal(person, stage=Stage.LITMAS), bapas)
    lobar = Facility.objects.get(code="lobar")
    theirs = _asked(make_proposal(eligible_person(lobar), stage=Stage.LITMAS), bapas)
    page = client_for("petugas.selong").get("/proposals/litmas/?show=all").content.decode()
    assert f"/proposals/litmas/{ours.pk}/" in page
    assert f"/proposals/litmas/{theirs.pk}/" not in page
    assert client_for("petugas.selong").get(f"/proposals/litmas/{theirs.pk}/").status_code == 404


def test_the_litmas_list_does_not_query_per_row(client_for, selong, bapas):
    client = client_for("petugas.selong")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/proposals/litmas/?show=all").status_code == 200
        return len(queries)

    _asked(make_proposal(eligible_person(selong), stage=Stage.LITMAS), bapas)
    few = count()
    for _ in range(4):
        _asked(make_proposal(eligible_person(selong), stage=Stage.LITMAS), bapas)
    assert count() == few


def test_the_litmas_api_sorts_the_requests_before_reading_what_the_rows_show(
    client_for, selong, bapas
):
    """National scale: the API's list sorts the requests alone and reads the proposal, the
    person and the facilities for the page's rows (a query each, whatever the rows), and
    the officer's username in a subquery of the kept rows, not by joining every request in
    reach to them before keeping the page (the country's 58,000: 131 ms). Each row still
    names them."""
    people = [eligible_person(selong) for _ in range(3)]
    for person in people:
        _asked(make_proposal(person, stage=Stage.LITMAS), bapas)
    client = client_for("petugas.selong")

    def read() -> tuple[list[str], list[dict]]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/litmas-requests")
        assert response.status_code == 200
        return [q["sql"] for q in queries.captured_queries], response.json()["items"]

    statements, items = read()
    listing = [sql for sql in statements if "ORDER BY" in sql and "proposals_litmasrequest" in sql]
    assert len(listing) == 1, listing
    assert '"inmates_inmate"' not in listing[0] and 'JOIN "accounts_user"' not in listing[0]
    assert sorted(i["inmate_name"] for i in items) == sorted(p.name for p in people)
    assert {i["bapas"] for i in items} == {bapas.code}
    _asked(make_proposal(eligible_person(selong), stage=Stage.LITMAS), bapas)
    assert len(read()[0]) == len(statements)
