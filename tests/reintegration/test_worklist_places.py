"""The release worklist by place (issue 18): a reader of several facilities (a Kanwil, an
administrator) chooses a region or a facility; beyond PLACE_MAX_PEOPLE people in
custody in their reach (the country) they must choose one, on the page, the export and
the API alike, rather than sort and count three quarters of everyone held."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sinergi.inmates import queries
from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Facility, Region
from tests.reintegration.test_release_worklist import _released_in

pytestmark = pytest.mark.django_db

URL = "/reintegration/"
EXPORT = "/reintegration/export/"
API = "/api/v1/reintegration/worklist"


@pytest.fixture
def two_facilities(demo_world):
    """Selong's Asih and Lobar's Badu (both in NTB), due within the horizon."""
    Inmate.objects.all().delete()
    return {
        "selong": _released_in(20, "Asih Selong", "selong"),
        "lobar": _released_in(30, "Badu Lobar", "lobar"),
    }


def _names(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return [i.name for i in response.context["page"].object_list]


def _api_names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [i["name"] for i in response.json()["items"]]


@pytest.mark.parametrize("username", ["admin", "kanwil.ntb"])
def test_a_reader_of_several_facilities_chooses_one(client_for, two_facilities, username):
    client = client_for(username)
    lobar = Facility.objects.get(code="lobar")
    response = client.get(URL)
    assert _names(response) == ["Asih Selong", "Badu Lobar"]
    assert lobar in response.context["facilities"]
    assert 'name="facility"' in response.content.decode()
    assert _names(client.get(URL + f"?facility={lobar.pk}")) == ["Badu Lobar"]
    assert _api_names(client.get(API + f"?facility={lobar.pk}")) == ["Badu Lobar"]


def test_the_administrator_chooses_a_region(client_for, two_facilities):
    other = Region.objects.create(code="bali", name="Kanwil Bali")
    client = client_for("admin")
    ntb = Facility.objects.get(code="lobar").region
    response = client.get(URL)
    assert {r.pk for r in response.context["regions"]} >= {ntb.pk, other.pk}
    assert _names(client.get(URL + f"?region={ntb.pk}")) == ["Asih Selong", "Badu Lobar"]
    assert _names(client.get(URL + f"?region={other.pk}")) == []
    assert _api_names(client.get(API + f"?region={other.pk}")) == []
    # the facilities offered are the chosen region's
    assert client.get(URL + f"?region={other.pk}").context["facilities"] == []


def test_a_facility_outside_the_readers_reach_shows_nobody(client_for, two_facilities):
    lobar = Facility.objects.get(code="lobar")
    client = client_for("petugas.selong")
    response = client.get(URL + f"?facility={lobar.pk}")
    assert _names(response) == []
    assert response.context["facilities"] == []  # one facility: no place filter
    assert 'name="facility"' not in response.content.decode()
    assert _api_names(client.get(API + f"?facility={lobar.pk}")) == []


@pytest.mark.parametrize("value", ["abc", "0", "-3", "99999999999999999999999"])
def test_a_place_that_does_not_parse_filters_nothing_on_the_page(client_for, two_facilities, value):
    client = client_for("kanwil.ntb")
    assert _names(client.get(URL + f"?facility={value}&region={value}")) == [
        "Asih Selong",
        "Badu Lobar",
    ]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("id", "orang ditahan dalam jangkauan Anda: pilih Kanwil atau UPT"),
        ("en", "people in custody are within your reach: choose a region or a facility to read"),
    ],
)
def test_beyond_the_limit_the_page_asks_for_a_place_and_reads_nobody(
    client_for, two_facilities, monkeypatch, language, text
):
    monkeypatch.setattr(queries, "PLACE_MAX_PEOPLE", 1)
    client = client_for("admin")
    client.cookies["sinergi_language"] = language
    response = client.get(URL)
    assert _names(response) == []
    assert text in response.content.decode()
    assert response.context["walis"] == []
    lobar = Facility.objects.get(code="lobar")
    assert _names(client.get(URL + f"?facility={lobar.pk}")) == ["Badu Lobar"]


def test_beyond_the_limit_the_api_and_the_export_ask_for_a_place(
    client_for, two_facilities, monkeypatch
):
    monkeypatch.setattr(queries, "PLACE_MAX_PEOPLE", 1)
    client = client_for("kanwil.ntb")
    response = client.get(API)
    assert response.status_code == 422
    assert "facility" in response.json()["errors"]
    export = client.get(EXPORT)
    assert export.status_code == 302
    assert export["Location"].startswith(URL)
    selong = Facility.objects.get(code="selong")
    assert _api_names(client.get(API + f"?facility={selong.pk}")) == ["Asih Selong"]
    assert client.get(EXPORT + f"?facility={selong.pk}").status_code == 200


def test_a_facility_reader_is_never_asked_for_a_place(client_for, two_facilities, monkeypatch):
    monkeypatch.setattr(queries, "PLACE_MAX_PEOPLE", 0)
    assert _names(client_for("petugas.selong").get(URL)) == ["Asih Selong"]


def test_beyond_the_limit_the_page_reads_no_person(client_for, two_facilities, monkeypatch):
    """Asking for a place costs the count of the reach and the place lists, not the
    worklist's statements over everyone."""
    monkeypatch.setattr(queries, "PLACE_MAX_PEOPLE", 1)
    client = client_for("admin")
    with CaptureQueriesContext(connection) as asked:
        assert client.get(URL).status_code == 200
    assert not [q for q in asked.captured_queries if "reintegration_need" in q["sql"]]
