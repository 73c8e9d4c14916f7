"""POST /api/v1/sentence-calculations with the inputs of the revised engine (issue 13):
dated remisi, earlier detention, consecutive terms, commutation, substitute terms,
children, and the rule set used in the answer. The three public cases come through the
API exactly as the engine computes them."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/v1/sentence-calculations"


def _post(client: Any, body: dict[str, Any], language: str = "en") -> Any:
    return client.post(URL, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language)


def _body(**changes: Any) -> dict[str, Any]:
    return {
        "detention_start": "2017-05-09",
        "term": {"years": 2, "months": 0, "days": 0},
        "crime_category": "general",
        **changes,
    }


def test_public_case_ahok_2_years_from_9_may_2017_released_24_january_2019(client_for):
    # 9 May 2017 + 2 years = 9 May 2019; remisi 15 (Christmas 2017) + 60 (17 August 2018)
    # + 30 (Christmas 2018) = 105 days: 9 May 2019 - 105 days = 24 January 2019. The
    # verdict of 9 May 2017 is under PP 99/2012 (30-day months for the fractions): 720
    # days; by 17 August 2018, 75 days of remisi: 2/3 x 645 = 430 days from 9 May 2017 =
    # 13 July 2018, before the remisi umum of 17 August 2018 that brought it there, so PB
    # is possible from 17 August 2018 (in August 2018, as reported).
    response = _post(
        client_for("petugas.selong"),
        _body(
            verdict_date="2017-05-09",
            remissions=[
                {"granted_on": "2017-12-25", "days": 15, "kind": "khusus"},
                {"granted_on": "2018-08-17", "days": 60, "kind": "umum"},
                {"granted_on": "2018-12-25", "days": 30, "kind": "khusus"},
            ],
            as_of="2018-01-01",
        ),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["expiry_date"] == "2019-05-09"
    assert body["expiry_after_remission"] == "2019-01-24"
    assert body["release_date"] == "2019-01-24"
    assert body["term_start"] == "2017-05-09"
    pb = body["rights"]["pb"]
    assert pb["status"] == "eligible"
    assert pb["eligible_from"] == "2018-08-17"
    # Probation: the remaining sentence to 24 January 2019 + 1 year.
    assert pb["ends_on"] == body["pb_probation_end"] == "2020-01-24"
    # CMB lasts as long as the last remisi (30 days) and ends on the release day.
    assert body["rights"]["cmb"]["ends_on"] == "2019-01-24"
    assert body["rights"]["cmb"]["eligible_from"] == "2018-12-25"
    assert body["rule_set"] == "pp-99-2012"
    assert body["rule_set_title"].startswith("PP 99/2012 with Permenkumham 21/2013")
    assert body["conventions_version"] == "2018.1-thirty-day"


def test_public_case_obor_rakyat_1_year_from_8_may_2018_cb_from_3_january_2019(client_for):
    # Permenkumham 3/2018 (from 15 February 2018): 30-day months for the fractions, 2/3 of
    # 360 days = 240 days: 8 May 2018 + 240 days = 3 January 2019.
    body = _post(
        client_for("petugas.selong"),
        _body(detention_start="2018-05-08", term={"years": 1}, as_of="2018-06-01"),
    ).json()
    cb = body["rights"]["cb"]
    assert cb["status"] == "eligible"
    assert cb["eligible_from"] == "2019-01-03"
    assert body["rule_set"] == "permenkumham-3-2018"
    assert body["rights"]["pb"]["status"] == "not_applicable"
    assert body["rights"]["pb"]["reason"]


def test_public_case_eliezer_1_year_6_months_from_3_august_2022_cb_to_31_january_2024(
    client_for,
):
    # Permenkumham 7/2022 (calendar fractions): 3 August 2022 + 1 year 6 months = 3
    # February 2024, 549 days; 2/3 = 366 days: 4 August 2023. CB lasts 6 months of 30 days
    # = 180 days: 4 August 2023 + 180 days = 31 January 2024.
    body = _post(
        client_for("petugas.selong"),
        _body(detention_start="2022-08-03", term={"years": 1, "months": 6}, as_of="2022-09-01"),
    ).json()
    cb = body["rights"]["cb"]
    assert (cb["status"], cb["eligible_from"], cb["ends_on"]) == (
        "eligible",
        "2023-08-04",
        "2024-01-31",
    )
    assert body["rule_set"] == "permenkumham-3-2018-amended-7-2022"


def test_the_new_inputs_reach_the_engine(client_for):
    # 1 year from 1 March 2024 with 30 days in a rutan (1 to 30 January 2024, in full) and
    # 90 days of house detention (1 October to 29 December 2023, 1/3 = 30 days): the term
    # runs from 1 March 2024 - 60 days = 1 January 2024 and ends 1 January 2025; then the
    # consecutive 6 months: 1 year 6 months, to 1 July 2025. The fine is not paid: its 60
    # days of substitute term follow, release 30 August 2025.
    body = _post(
        client_for("petugas.selong"),
        _body(
            detention_start="2024-03-01",
            term={"years": 1},
            consecutive_terms=[{"months": 6}],
            detention_periods=[
                {"start_date": "2023-10-01", "end_date": "2023-12-29", "kind": "house"},
                {"start_date": "2024-01-01", "end_date": "2024-01-30", "kind": "rutan"},
            ],
            fine_paid=False,
            fine_substitute_days=60,
            as_of="2024-06-01",
        ),
    ).json()
    assert body["term_start"] == "2024-01-01"
    assert body["expiry_date"] == "2025-07-01"
    assert body["release_date"] == "2025-08-30"
    sheet = "\n".join(body["explanation"])
    assert "Earlier detention (house detention)" in sheet
    assert "(Pasal 22 ayat (5) KUHAP)" in sheet
    assert "Consecutive sentences counted as one" in sheet


def test_earlier_detention_is_also_accepted_by_the_engine_name(client_for):
    body = _post(
        client_for("petugas.selong"),
        _body(
            detention_start="2024-03-01",
            term={"years": 1},
            earlier_detention=[{"start_date": "2024-01-01", "end_date": "2024-01-30"}],
        ),
    ).json()
    assert body["term_start"] == "2024-01-31"


def test_a_child_and_a_commuted_sentence(client_for):
    client = client_for("petugas.selong")
    child = _post(
        client, _body(detention_start="2024-03-01", sentenced_as_child=True, as_of="2024-04-01")
    ).json()
    # Asimilasi after 3 months: 1 June 2024; PB at 1/2 of 730 days: 1 March 2025.
    assert child["rights"]["asimilasi"]["eligible_from"] == "2024-06-01"
    assert child["rights"]["pb"]["eligible_from"] == "2025-03-01"
    commuted = _post(
        client,
        _body(
            detention_start="2010-05-01",
            term={"years": 20},
            crime_category="narcotics",
            verdict_date="2011-02-01",
            commuted_on="2020-03-01",
            as_of="2024-01-01",
        ),
    ).json()
    assert commuted["term_start"] == "2020-03-01"
    assert commuted["expiry_date"] == "2040-03-01"
    assert commuted["rule_set"] == "pp-28-2006"


def test_the_answer_speaks_the_request_language_and_keeps_its_codes(client_for):
    client = client_for("petugas.selong")
    body = _post(client, _body(as_of="2018-01-01"), language="id").json()
    assert body["rule_set"] == "pp-99-2012"
    assert body["rule_set_title"].startswith("PP 99/2012 dengan Permenkumham 21/2013")
    assert body["rights"]["cb"]["status"] == "not_applicable"
    assert body["rights"]["cb"]["reason"].startswith("Tidak berlaku: CB hanya untuk pidana")
    assert any(line.startswith("Perangkat aturan: PP 99/2012") for line in body["explanation"])
    english = _post(client, _body(as_of="2018-01-01"), language="en").json()
    assert english["rights"]["cb"]["reason"].startswith("Not applicable: CB is only for")
    assert english["rights"]["cb"]["reason"].endswith("(PP 99/2012)")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (
            {
                "detention_start": "2024-03-01",
                "detention_periods": [
                    {"start_date": "2023-01-01", "end_date": "2023-03-31"},
                    {"start_date": "2023-03-15", "end_date": "2023-04-30", "kind": "city"},
                ],
            },
            "detention_periods.1.start_date",
        ),
        (
            # Given in the reverse order: the error names the period as the request has it.
            {
                "detention_start": "2024-03-01",
                "detention_periods": [
                    {"start_date": "2023-03-15", "end_date": "2023-04-30", "kind": "city"},
                    {"start_date": "2023-01-01", "end_date": "2023-03-31"},
                ],
            },
            "detention_periods.0.start_date",
        ),
        (
            {
                "detention_start": "2024-03-01",
                "detention_periods": [{"start_date": "2024-02-01", "end_date": "2024-03-05"}],
            },
            "detention_periods.0.end_date",
        ),
        (
            {"detention_periods": [{"start_date": "2016-02-01", "end_date": "2016-01-05"}]},
            "detention_periods.0.end_date",
        ),
        (
            {
                "detention_periods": [
                    {"start_date": "2016-02-01", "end_date": "2016-03-05", "kind": "hotel"}
                ]
            },
            "detention_periods.0.kind",
        ),
        ({"term": "life", "commuted_on": "2020-01-01"}, "commuted_on"),
        ({"commuted_on": "2016-01-01"}, "commuted_on"),
        (
            {"remission_days": 10, "remissions": [{"granted_on": "2017-12-25", "days": 15}]},
            "remissions",
        ),
        ({"remissions": [{"granted_on": "2017-12-25", "days": -1}]}, "remissions.0.days"),
        (
            {"remissions": [{"granted_on": "2017-12-25", "days": 15, "kind": "bonus"}]},
            "remissions.0.kind",
        ),
        ({"consecutive_terms": [{"years": 0}]}, "consecutive_terms.0"),
        ({"term": "death", "consecutive_terms": [{"years": 1}]}, "consecutive_terms.0"),
        ({"fine_substitute_days": 10**6}, "fine_substitute_days"),
        ({"restitution_substitute_days": -1}, "restitution_substitute_days"),
        ({"age_at_offence": 200}, "age_at_offence"),
        ({"last_remission_days": -5}, "last_remission_days"),
        ({"verdict_date": "2200-01-01"}, "verdict_date"),
        ({"birth_date": "1800-01-01"}, "birth_date"),
        ({"remissions": [{"granted_on": "2017-12-25", "days": 1}] * 201}, "remissions"),
        (
            {"disciplinary_records": [{"date": "2018-02-01", "end_date": "2018-01-01"}]},
            "disciplinary_records.0.end_date",
        ),
    ],
)
def test_bad_inputs_are_422s_at_their_field(client_for, changes, field):
    response = _post(client_for("petugas.selong"), _body(**changes))
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert field in errors, errors


def test_the_calculation_needs_authentication(client, db):
    assert _post(client, _body()).status_code == 401


def test_the_schema_documents_the_new_fields(client_for):
    schema = client_for("petugas.selong").get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    inputs = components["CalculationIn"]["properties"]
    for name in (
        "verdict_date",
        "remissions",
        "detention_periods",
        "consecutive_terms",
        "commuted_on",
        "fine_substitute_days",
        "restitution_substitute_days",
        "justice_collaborator",
        "sentenced_as_child",
        "age_at_offence",
        "birth_date",
        "chronic_illness",
        "last_remission_days",
    ):
        assert name in inputs, name
    assert inputs["fine_substitute_days"]["maximum"] == 36500
    assert set(components["DetentionPeriodIn"]["properties"]["kind"]["enum"]) == {
        "rutan",
        "house",
        "city",
    }
    outputs = components["CalculationOut"]["properties"]
    for name in ("rule_set", "rule_set_title", "conventions_version", "term_start"):
        assert name in outputs, name
    assert {"release_date", "pb_probation_end"} <= set(outputs)
    rights = components["RightOut"]["properties"]
    assert {"status", "eligible_from", "ends_on", "almost_eligible", "reason"} <= set(rights)
    assert {"missing_conditions", "explanation"} <= set(rights)


def test_the_longest_terms_the_schema_allows_give_dates_not_a_server_error(client_for):
    # 20 consecutive terms of 100 years, 1,200 months and 36,500 days after one more:
    # 21 x 108,500 days in 30-day months from 2015 (PP 99/2012): about the year 8250.
    longest = {"years": 100, "months": 1200, "days": 36500}
    response = _post(
        client_for("petugas.selong"),
        _body(
            detention_start="2015-01-01",
            term=longest,
            consecutive_terms=[longest] * 20,
            remissions=[{"granted_on": "2100-12-31", "days": 36500}] * 200,
            fine_paid=False,
            fine_substitute_days=36500,
        ),
    )
    assert response.status_code in (200, 422), response.content
    too_many = _post(client_for("petugas.selong"), _body(consecutive_terms=[{"years": 1}] * 21))
    assert "consecutive_terms" in too_many.json()["errors"]
