"""The lists of people read by place (issue 18): the release worklist and the rights
pipeline. A reader of several facilities (a Kanwil, an administrator) chooses a region
or a facility; beyond PLACE_MAX_PEOPLE people in custody in their reach (the country)
they must choose one, on the page, the export and the API alike, rather than sort and
count most of everyone held; a facility's reader is never asked."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sinergi.inmates import queries
from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Facility, Region
from tests.inmates.test_rights_pipeline import _three

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class PeopleList:
    page: str
    export: str
    api: str
    rows: str  # the page's rows, in its context
    statement: str  # a table only the list's own statements read

    def names(self, response) -> list[str]:
        assert response.status_code == 200, response.status_code
        found = response.context[self.rows]
        found = found.object_list if self.rows == "page" else [row.inmate for row in found]
        return sorted(person.name for person in found)

    def api_names(self, response) -> list[str]:
        assert response.status_code == 200, response.content
        return sorted(item["name"] for item in response.json()["items"])


WORKLIST = PeopleList(
    "/reintegration/",
    "/reintegration/export/",
    "/api/v1/reintegration/worklist",
    "page",
    "reintegration_reintegrationplan",
)
PIPELINE = PeopleList(
    "/inmates/rights/",
    "/inmates/rights/export.xlsx",
    "/api/v1/rights-pipeline",
    "rows",
    "inmates_inmateright",
)
LISTS = pytest.mark.parametrize("people", [WORKLIST, PIPELINE], ids=["worklist", "pipeline"])


@pytest.fixture
def two_facilities(demo_world):
    """Only Selong's Asih and Lobar's Badu (both NTB): a right due 40 days ago each, so
    on both lists."""
    Inmate.objects.all().delete()
    _three(name="Asih Selong")
    _three(name="Badu Lobar", facility="lobar")


BOTH = ["Asih Selong", "Badu Lobar"]


@LISTS
@pytest.mark.parametrize("username", ["admin", "kanwil.ntb"])
def test_a_reader_of_several_facilities_chooses_one(client_for, two_facilities, people, username):
    client = client_for(username)
    lobar = Facility.objects.get(code="lobar")
    response = client.get(people.page)
    assert people.names(response) == BOTH
    assert lobar in response.context["facilities"]
    assert 'name="facility"' in response.content.decode()
    assert people.names(client.get(people.page + f"?facility={lobar.pk}")) == ["Badu Lobar"]
    assert people.api_names(client.get(people.api + f"?facility={lobar.pk}")) == ["Badu Lobar"]


def test_the_pipelines_counts_are_the_places(client_for, two_facilities):
    lobar = Facility.objects.get(code="lobar")
    chosen = client_for("admin").get(PIPELINE.page + f"?facility={lobar.pk}&counts=1")
    own = client_for("petugas.lobar").get(PIPELINE.page + "?counts=1")
    chosen, own = chosen.context["counts"], own.context["counts"]
    assert (chosen.right, chosen.state) == (own.right, own.state)
    assert chosen.right["pb"] == 1


@LISTS
def test_the_administrator_chooses_a_region(client_for, two_facilities, people):
    other = Region.objects.create(code="bali", name="Kanwil Bali")
    ntb = Facility.objects.get(code="lobar").region
    client = client_for("admin")
    assert {r.pk for r in client.get(people.page).context["regions"]} >= {ntb.pk, other.pk}
    assert people.names(client.get(people.page + f"?region={ntb.pk}")) == BOTH
    elsewhere = client.get(people.page + f"?region={other.pk}")
    assert people.names(elsewhere) == []
    assert elsewhere.context["facilities"] == []  # the chosen region's facilities
    assert people.api_names(client.get(people.api + f"?region={other.pk}")) == []


@LISTS
def test_a_facility_outside_the_readers_reach_shows_nobody(client_for, two_facilities, people):
    lobar = Facility.objects.get(code="lobar")
    client = client_for("petugas.selong")
    response = client.get(people.page + f"?facility={lobar.pk}")
    assert people.names(response) == []
    assert response.context["facilities"] == []  # one facility: no place filter
    assert 'name="facility"' not in response.content.decode()
    assert people.api_names(client.get(people.api + f"?facility={lobar.pk}")) == []


@LISTS
@pytest.mark.parametrize("value", ["abc", "0", "-3", "99999999999999999999999"])
def test_a_place_that_does_not_parse_filters_nothing(client_for, two_facilities, people, value):
    response = client_for("kanwil.ntb").get(people.page + f"?facility={value}&region={value}")
    assert people.names(response) == BOTH


@LISTS
@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("id", "orang ditahan dalam jangkauan Anda: pilih Kanwil atau UPT"),
        ("en", "people in custody are within your reach: choose a region or a facility to read"),
    ],
)
def test_beyond_the_limit_the_page_asks_for_a_place_and_reads_nobody(
    client_for, two_facilities, monkeypatch, people, language, text
):
    monkeypatch.setattr(queries, "PLACE_MAX_PEOPLE", 1)
    client = client_for("admin")
    with CaptureQueriesContext(connection) as asked:
        response = client.get(people.page, language=language)
    body = response.content.decode()
    assert people.names(response) == []
    assert text in body
    assert body.count('<p class="empty') == 1  # the request for a place, not "nobody"
    # the count of the reach and the place lists, not the list's statements
    assert not [q for q in asked.captured_queries if people.statement in q["sql"]]
    selong = Facility.objects.get(code="selong")
    assert people.names(client.get(people.page + f"?facility={selong.pk}")) == ["Asih Selong"]


@LISTS
def test_beyond_the_limit_the_api_and_the_export_ask_for_a_place(
    client_for, two_facilities, monkeypatch, people
):
    monkeypatch.setattr(queries, "PLACE_MAX_PEOPLE", 1)
    client = client_for("kanwil.ntb")
    response = client.get(people.api)
    assert response.status_code == 422
    assert "facility" in response.json()["errors"]
    export = client.get(people.export)
    assert export.status_code == 302
    assert export["Location"].startswith(people.page)
    selong = Facility.objects.get(code="selong")
    assert people.api_names(client.get(people.api + f"?facility={selong.pk}")) == ["Asih Selong"]
    assert client.get(people.export + f"?facility={selong.pk}").status_code == 200


@LISTS
def test_a_facility_reader_is_never_asked_for_a_place(
    client_for, two_facilities, monkeypatch, people
):
    monkeypatch.setattr(queries, "PLACE_MAX_PEOPLE", 0)
    assert people.names(client_for("petugas.selong").get(people.page)) == ["Asih Selong"]


@LISTS
def test_a_kanwil_is_offered_only_its_regions_facilities(client_for, two_facilities, people):
    bali = Region.objects.create(code="bali", name="Kanwil Bali")
    far = Facility.objects.create(code="kerobokan", name="Lapas Kerobokan", region=bali)
    offered = client_for("kanwil.ntb").get(people.page).context
    assert far not in offered["facilities"]
    assert {f.code for f in offered["facilities"]} >= {"selong", "lobar"}
    assert offered["regions"] == []  # one region: nothing to choose
    # asked for anyway, the other region's facility shows nobody
    assert people.names(client_for("kanwil.ntb").get(people.page + f"?facility={far.pk}")) == []
