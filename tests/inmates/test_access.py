"""Who reaches which inmate: a record outside one's scope is a 404; an action one may not
take on a visible record is a 403."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sinergi.core.models import AuditEvent
from sinergi.orgs.models import Facility
from tests.inmates.factories import make_inmate

pytestmark = pytest.mark.django_db


@pytest.fixture
def selong_inmate(demo_world):
    return make_inmate(facility=Facility.objects.get(code="selong"), name="Lalu Selong")


@pytest.fixture
def lobar_inmate(demo_world):
    return make_inmate(facility=Facility.objects.get(code="lobar"), name="Lalu Lobar")


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("admin", 200),
        ("kalapas.selong", 200),
        ("petugas.selong", 200),
        ("wali.selong", 200),
        ("kanwil.ntb", 200),
        ("petugas.lobar", 404),
        ("pk.bapas", 404),
        ("mitra.disnaker", 404),
        ("mitra.dukcapil", 404),
        ("instruktur.blk", 404),
    ],
)
def test_inmate_page_is_reachable_only_within_scope(client_for, selong_inmate, username, status):
    response = client_for(username).get(f"/inmates/{selong_inmate.pk}/")
    assert response.status_code == status


def test_lombok_barat_officer_gets_404_for_a_selong_inmate_in_the_api(client_for, selong_inmate):
    response = client_for("petugas.lobar").get(f"/api/v1/inmates/{selong_inmate.pk}")
    assert response.status_code == 404


@pytest.mark.parametrize("username", ["mitra.disnaker", "instruktur.blk", "pk.bapas"])
def test_partner_and_probation_users_get_404_for_the_inmate_list(client_for, username):
    assert client_for(username).get("/inmates/").status_code == 404
    assert client_for(username).get("/inmates/rights/").status_code == 404


def test_list_shows_only_the_users_facility(client_for, selong_inmate, lobar_inmate):
    body = client_for("petugas.selong").get("/inmates/").content.decode()
    assert "Lalu Selong" in body and "Lalu Lobar" not in body
    body = client_for("kanwil.ntb").get("/inmates/").content.decode()
    assert "Lalu Selong" in body and "Lalu Lobar" in body


@pytest.mark.parametrize(
    ("username", "status"), [("wali.selong", 403), ("kanwil.ntb", 403), ("petugas.selong", 200)]
)
def test_only_officers_and_heads_correct_records(client_for, selong_inmate, username, status):
    assert client_for(username).get(f"/inmates/{selong_inmate.pk}/sentence/").status_code == status


def test_guardian_may_score_but_regional_viewer_may_not(client_for, selong_inmate):
    url = f"/inmates/{selong_inmate.pk}/assessments/new/"
    assert client_for("wali.selong").get(url).status_code == 200
    assert client_for("kanwil.ntb").get(url).status_code == 403


@pytest.mark.parametrize(
    ("username", "status"), [("wali.selong", 403), ("mitra.disnaker", 403), ("petugas.selong", 200)]
)
def test_only_officers_and_heads_import(client_for, username, status):
    assert client_for(username).get("/inmates/import/").status_code == status


def test_reading_an_inmate_is_audited(client_for, selong_inmate):
    client_for("kanwil.ntb").get(f"/inmates/{selong_inmate.pk}/")
    assert AuditEvent.objects.filter(
        action="inmate.view", actor_username="kanwil.ntb", target_id=str(selong_inmate.pk)
    ).exists()


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize(
    "url", ["/inmates/", "/api/v1/inmates?page_size=200", "/inmates/rights/?window=3650"]
)
def test_inmate_lists_run_a_fixed_number_of_queries(client_for, url):
    selong = Facility.objects.get(code="selong")
    make_inmate(facility=selong)
    client = client_for("petugas.selong")
    few = _count(client, url)
    for _ in range(15):
        make_inmate(facility=selong)
    assert _count(client, url) == few
