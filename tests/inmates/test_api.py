"""POST /api/v1/sentence-calculations and the inmate endpoints."""

from __future__ import annotations

import datetime

import pytest

from sinergi.orgs.models import Facility
from tests.inmates.factories import make_inmate

pytestmark = pytest.mark.django_db
URL = "/api/v1/sentence-calculations"


def _post(client, body):
    return client.post(URL, body, content_type="application/json")


def test_two_year_term_from_9_may_2017_expires_9_may_2019(client_for):
    response = _post(
        client_for("petugas.selong"),
        {
            "detention_start": "2017-05-09",
            "term": {"years": 2, "months": 0, "days": 0},
            "crime_category": "general",
            "remission_days": 0,
            "disciplinary_records": [],
            "as_of": "2018-01-01",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["expiry_date"] == "2019-05-09"
    assert body["expiry_after_remission"] == "2019-05-09"
    # Detention from 9 May 2017 (no verdict date): PP 99/2012, whose fractions count
    # 30-day months: 720 days; 1/2 = +360 days = 4 May 2018; 2/3 = +480 = 1 Sep 2018.
    assert body["half_date"] == "2018-05-04"
    assert body["two_thirds_date"] == "2018-09-01"
    assert body["rule_set"] == "pp-99-2012"
    assert set(body["rights"]) == {"asimilasi", "pb", "cb", "cmb", "cmk"}
    assert body["rights"]["asimilasi"]["status"] == "eligible"
    assert body["rights"]["cb"]["status"] == "not_applicable"
    assert body["explanation"]


def test_life_term_has_null_dates_and_no_rights(client_for):
    body = _post(
        client_for("petugas.selong"),
        {"detention_start": "2017-05-09", "term": "life", "crime_category": "narcotics"},
    ).json()
    assert body["expiry_date"] is None and body["half_date"] is None
    assert {r["status"] for r in body["rights"].values()} == {"not_applicable"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"detention_start": "2017-05-09", "term": {"years": 0}, "crime_category": "general"},
            "term",
        ),
        (
            {"detention_start": "2017-05-09", "term": {"years": -1}, "crime_category": "general"},
            "term.years",
        ),
        (
            {"detention_start": "2017-05-09", "term": {"years": 1}, "crime_category": "piracy"},
            "crime_category",
        ),
        (
            {"detention_start": "9-5-2017", "term": {"years": 1}, "crime_category": "general"},
            "detention_start",
        ),
    ],
)
def test_bad_input_is_a_422_with_field_errors(client_for, body, field):
    response = _post(client_for("petugas.selong"), body)
    assert response.status_code == 422
    payload = response.json()
    assert payload["code"] == "validation_error"
    assert any(key.startswith(field) for key in payload["errors"]), payload


def test_calculation_needs_authentication(client, db):
    assert (
        _post(
            client, {"detention_start": "2017-05-09", "term": "life", "crime_category": "general"}
        ).status_code
        == 401
    )


def test_inmate_list_filters_and_search(client_for):
    selong = Facility.objects.get(code="selong")
    make_inmate(
        facility=selong,
        name="Zainul Narkoba",
        crime_category="narcotics",
        registration_number="BI 283/26",
    )
    make_inmate(
        facility=selong,
        name="Hamdan Umum",
        crime_category="general",
        detention_start=datetime.date(2025, 6, 1),
    )
    client = client_for("petugas.selong")
    body = client.get("/api/v1/inmates?crime_category=narcotics").json()
    assert [i["name"] for i in body["items"]] == ["Zainul Narkoba"]
    body = client.get("/api/v1/inmates?q=B I 283 / 26").json()
    assert [i["name"] for i in body["items"]] == ["Zainul Narkoba"]
    body = client.get("/api/v1/inmates?released_before=2027-02-01").json()
    assert [i["name"] for i in body["items"]] == ["Zainul Narkoba"]


def test_inmate_detail_has_sentence_and_computed_rights(client_for):
    inmate = make_inmate(facility=Facility.objects.get(code="selong"))
    body = client_for("wali.selong").get(f"/api/v1/inmates/{inmate.pk}").json()
    assert body["sentence"]["expiry_date"] == "2027-01-10"
    assert set(body["calculation"]["rights"]) == {"asimilasi", "pb", "cb", "cmb", "cmk"}


# The inmate's calculation answers like POST /sentence-calculations: the rule set's title
# and the sheet lines in the request's language (it gave the engine's English lines).
def test_inmate_detail_calculation_is_in_the_requests_language(client_for):
    inmate = make_inmate(facility=Facility.objects.get(code="selong"))
    client = client_for("wali.selong")
    body = client.get(f"/api/v1/inmates/{inmate.pk}", HTTP_ACCEPT_LANGUAGE="id").json()
    calculation = body["calculation"]
    assert calculation["rule_set_title"]
    assert calculation["rule_set"] not in calculation["rule_set_title"]
    assert not any(line.startswith("Expiry:") for line in calculation["explanation"])
