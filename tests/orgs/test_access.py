"""Who can reach which organisation pages: a record outside one's scope is a 404."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import FacilityFactory, PartnerFactory, RegionFactory

pytestmark = pytest.mark.django_db

FACILITY_PAGE = "/orgs/facilities/{}/"
PARTNER_PAGE = "/orgs/partners/{}/"


@pytest.mark.parametrize(
    ("username", "code", "status"),
    [
        ("admin", "selong", 200),
        ("kalapas.selong", "selong", 200),
        ("petugas.selong", "selong", 200),
        ("wali.selong", "selong", 200),
        ("kanwil.ntb", "selong", 200),
        ("kanwil.ntb", "lobar", 200),
        ("petugas.lobar", "lobar", 200),
        ("petugas.lobar", "selong", 404),
        ("kalapas.selong", "lobar", 404),
        ("pk.bapas", "bapas-mataram", 200),
        ("pk.bapas", "selong", 404),
        ("mitra.disnaker", "selong", 404),
        ("mitra.dukcapil", "selong", 404),
        ("instruktur.blk", "selong", 404),
    ],
)
def test_facility_page_is_reachable_only_within_scope(client_for, username, code, status):
    assert client_for(username).get(FACILITY_PAGE.format(code)).status_code == status


def test_lombok_barat_officer_gets_404_for_selong(client_for):
    response = client_for("petugas.lobar").get(FACILITY_PAGE.format("selong"))
    assert response.status_code == 404


@pytest.mark.parametrize("username", ["mitra.disnaker", "mitra.dukcapil", "instruktur.blk"])
def test_partner_user_gets_404_for_facility_pages(client_for, username):
    client = client_for(username)
    assert client.get("/orgs/facilities/").status_code == 404
    assert client.get(FACILITY_PAGE.format("selong")).status_code == 404


def test_regional_viewer_does_not_see_facilities_of_another_region(client_for):
    other = FacilityFactory(region=RegionFactory(code="bali"))
    assert client_for("kanwil.ntb").get(FACILITY_PAGE.format(other.code)).status_code == 404


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(FACILITY_PAGE.format("selong"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_facility_list_shows_only_own_facility_to_staff(client_for):
    body = client_for("petugas.selong").get("/orgs/facilities/").content.decode()
    assert "Lapas Kelas IIB Selong" in body
    assert "Lombok Barat" not in body


def test_facility_page_shows_the_code_used_for_imports(client_for):
    body = client_for("petugas.selong").get(FACILITY_PAGE.format("selong")).content.decode()
    assert "<code>selong</code>" in body


def test_partner_user_sees_only_their_own_organisation(client_for):
    client = client_for("mitra.disnaker")
    assert client.get(PARTNER_PAGE.format("disnaker-lotim")).status_code == 200
    assert client.get(PARTNER_PAGE.format("dukcapil-lotim")).status_code == 404
    body = client.get("/orgs/partners/").content.decode()
    assert "Dinas Tenaga Kerja" in body
    assert "Dukcapil" not in body and "Kependudukan" not in body


def test_facility_staff_see_the_partner_directory(client_for):
    client = client_for("petugas.selong")
    assert client.get(PARTNER_PAGE.format("dukcapil-lotim")).status_code == 200
    assert "Dinas Sosial" in client.get("/orgs/partners/").content.decode()


def test_partner_list_filters_by_kind(client_for):
    body = client_for("petugas.selong").get("/orgs/partners/?kind=business").content.decode()
    assert "Bengkel Las Rinjani" in body
    assert "Dinas Sosial" not in body


def test_partner_list_answers_htmx_with_the_results_fragment(client_for):
    response = client_for("petugas.selong").get("/orgs/partners/?q=tenun", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Tenun Sasak" in body
    assert "<html" not in body


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_partner_list_query_count_does_not_grow_with_rows(client_for):
    client = client_for("petugas.selong")
    few = _queries(client, "/orgs/partners/")
    PartnerFactory.create_batch(30)
    assert _queries(client, "/orgs/partners/") == few


def test_facility_list_query_count_does_not_grow_with_rows(client_for):
    client = client_for("admin")
    few = _queries(client, "/orgs/facilities/")
    FacilityFactory.create_batch(30)
    assert _queries(client, "/orgs/facilities/") == few


@pytest.mark.parametrize(
    ("username", "code", "other", "linked"),
    [
        ("instruktur.blk", "blk-lotim", "disnaker-lotim", False),
        ("mitra.disnaker", "disnaker-lotim", "blk-lotim", False),
        ("petugas.selong", "blk-lotim", "disnaker-lotim", True),
        ("petugas.selong", "disnaker-lotim", "blk-lotim", True),
    ],
)
def test_a_partner_page_links_its_parent_and_units_only_where_the_reader_may_go(
    client_for, username, code, other, linked
):
    # The BLK's instructor read "Part of: Disnaker" linked to Disnaker's page, which is a
    # 404 for them (and Disnaker's user the BLK's): named, not linked.
    from sinergi.orgs.models import Partner

    client = client_for(username)
    page = client.get(PARTNER_PAGE.format(code)).content.decode()
    assert Partner.objects.get(code=other).name in page
    assert (f'href="{PARTNER_PAGE.format(other)}"' in page) is linked
    assert (client.get(PARTNER_PAGE.format(other)).status_code == 200) is linked
