"""The rights pipeline by place (issue 18), as the release worklist: a reader of several
facilities chooses a region or a facility; beyond PLACE_MAX_PEOPLE people in custody in
their reach (the country) they must choose one (page, export, API), and a place's counts
are that place's."""

from __future__ import annotations

import pytest

from sinergi.inmates import queries
from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Facility, Region
from tests.inmates.test_rights_pipeline import _three

pytestmark = pytest.mark.django_db

URL = "/inmates/rights/"
EXPORT = "/inmates/rights/export.xlsx"
API = "/api/v1/rights-pipeline"


@pytest.fixture
def two_facilities(demo_world):
    """Only Selong's Asih and Lobar's Badu (both NTB), three rights each."""
    Inmate.objects.all().delete()
    _three(name="Asih Selong")
    _three(name="Badu Lobar", facility="lobar")


def _names(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return [row.inmate.name for row in response.context["rows"]]


def _api_names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


@pytest.mark.parametrize("username", ["admin", "kanwil.ntb"])
def test_a_reader_of_several_facilities_chooses_one(client_for, two_facilities, username):
    client = client_for(username)
    lobar = Facility.objects.get(code="lobar")
    response = client.get(URL)
    assert sorted(_names(response)) == ["Asih Selong", "Badu Lobar"]
    assert lobar in response.context["facilities"]
    chosen = client.get(URL + f"?facility={lobar.pk}")
    assert _names(chosen) == ["Badu Lobar"]
    # the counts are the place's: as the facility's own officer reads them
    own = client_for("petugas.lobar").get(URL).context["counts"]
    assert chosen.context["counts"].right == own.right
    assert chosen.context["counts"].state == own.state
    assert _api_names(client.get(API + f"?facility={lobar.pk}")) == ["Badu Lobar"]


def test_the_administrator_chooses_a_region(client_for, two_facilities):
    other = Region.objects.create(code="bali", name="Kanwil Bali")
    ntb = Facility.objects.get(code="lobar").region
    client = client_for("admin")
    assert {r.pk for r in client.get(URL).context["regions"]} >= {ntb.pk, other.pk}
    assert sorted(_names(client.get(URL + f"?region={ntb.pk}"))) == ["Asih Selong", "Badu Lobar"]
    empty = client.get(URL + f"?region={other.pk}")
    assert _names(empty) == []
    assert empty.context["counts"].right["pb"] == 0
    assert _api_names(client.get(API + f"?region={other.pk}")) == []


def test_a_facility_outside_the_readers_reach_shows_nobody(client_for, two_facilities):
    lobar = Facility.objects.get(code="lobar")
    client = client_for("petugas.selong")
    response = client.get(URL + f"?facility={lobar.pk}")
    assert _names(response) == []
    assert 'name="facility"' not in response.content.decode()
    assert _api_names(client.get(API + f"?facility={lobar.pk}")) == []


@pytest.mark.parametrize("value", ["abc", "0", "-3", "99999999999999999999999"])
def test_a_place_that_does_not_parse_filters_nothing(client_for, two_facilities, value):
    response = client_for("kanwil.ntb").get(URL + f"?facility={value}&region={value}")
    assert sorted(_names(response)) == ["Asih Selong", "Badu Lobar"]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("id", "orang ditahan dalam jangkauan Anda: pilih Kanwil atau UPT"),
        ("en", "people in custody are within your reach: choose a region or a facility to read"),
    ],
)
def test_beyond_the_limit_the_page_asks_for_a_place(
    client_for, two_facilities, monkeypatch, language, text
):
    monkeypatch.setattr(queries, "PLACE_MAX_PEOPLE", 1)
    client = client_for("admin")
    response = client.get(URL, language=language)
    body = response.content.decode()
    assert _names(response) == []
    assert text in body
    assert body.count('<p class="empty') == 1  # the request for a place, not "nobody"
    selong = Facility.objects.get(code="selong")
    assert _names(client.get(URL + f"?facility={selong.pk}")) == ["Asih Selong"]


def test_beyond_the_limit_the_api_and_the_export_ask_for_a_place(
    client_for, two_facilities, monkeypatch
):
    monkeypatch.setattr(queries, "PLACE_MAX_PEOPLE", 1)
    client = client_for("kanwil.ntb")
    response = client.get(API)
    assert response.status_code == 422
    assert "facility" in response.json()["errors"]
    export = client.get(EXPORT)
    assert export.status_code == 302 and export["Location"].startswith(URL)
    selong = Facility.objects.get(code="selong")
    assert _api_names(client.get(API + f"?facility={selong.pk}")) == ["Asih Selong"]
    assert client.get(EXPORT + f"?facility={selong.pk}").status_code == 200


def test_a_facility_reader_is_never_asked_for_a_place(client_for, two_facilities, monkeypatch):
    monkeypatch.setattr(queries, "PLACE_MAX_PEOPLE", 0)
    assert _names(client_for("petugas.selong").get(URL)) == ["Asih Selong"]
