"""Input the fuzzer found breaking the API (500) is refused with the error shape instead."""

from __future__ import annotations

from typing import Any

import pytest

from sinergi.programs.models import Program

pytestmark = pytest.mark.django_db

PROGRAM = {
    "facility": "selong",
    "kind": "independence",
    "category": "vocational",
    "title": "Pengelasan dasar",
    "capacity": 10,
    "start_date": "2026-01-05",
    "end_date": "2026-03-27",
}
REQUEST = {
    "facility": "selong",
    "partner": "disnaker-lotim",
    "kind": "equipment",
    "title": "Mesin las",
    "quantity": "2",
    "unit": "unit",
    "needed_by": "2027-01-01",
    "justification": "Untuk pelatihan las.",
}


def _post(client: Any, url: str, body: Any) -> Any:
    return client.post(url, body, content_type="application/json")


def _field_errors(response: Any, status: int = 422) -> dict[str, list[str]]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) >= {"detail", "code", "errors"}
    return body["errors"]


def test_a_page_number_beyond_any_list_is_a_422_not_a_500(client_for):
    response = client_for("petugas.selong").get("/api/v1/partners?page=1000000000000000000")
    assert "page" in _field_errors(response)


def test_a_page_past_the_last_is_an_empty_list(client_for):
    response = client_for("petugas.selong").get("/api/v1/partners?page=1000000")
    assert response.status_code == 200
    assert response.json()["items"] == []
    assert response.json()["count"] == 11


def test_a_nul_character_in_a_query_parameter_is_a_422(client_for):
    response = client_for("petugas.selong").get("/api/v1/partners?q=a%00b")
    assert _field_errors(response) == {"q": ["Teks tidak boleh memuat karakter NUL."]}


def test_a_nul_character_in_a_path_is_a_422(client_for):
    response = client_for("petugas.selong").get("/api/v1/facilities/sel%00ong")
    assert "code" in _field_errors(response)


def test_a_nul_character_in_a_body_is_a_422_and_nothing_is_stored(client_for):
    client = client_for("petugas.selong")
    response = _post(client, "/api/v1/programs", {**PROGRAM, "title": "Las\x00"})
    assert "title" in _field_errors(response)
    assert not Program.objects.exists()


def test_a_date_at_the_start_of_the_calendar_is_a_422(client_for):
    response = _post(
        client_for("petugas.selong"),
        "/api/v1/sentence-calculations",
        {
            "detention_start": "2020-01-01",
            "term": {"years": 1},
            "crime_category": "general",
            "as_of": "0001-01-01",
        },
    )
    assert _field_errors(response) == {
        "as_of": ["Tanggal harus di antara 1900-01-01 dan 2100-12-31."]
    }


def test_a_date_at_the_end_of_the_calendar_is_a_422_not_an_overflow(client_for):
    response = _post(
        client_for("petugas.selong"),
        "/api/v1/sentence-calculations",
        {"detention_start": "9999-12-01", "term": {"years": 100}, "crime_category": "general"},
    )
    assert "detention_start" in _field_errors(response)


def test_a_time_with_a_utc_offset_is_a_422(client_for):
    slot = {"weekday": 1, "start_time": "08:00+07:00", "end_time": "10:00:00+07:00"}
    response = _post(client_for("petugas.selong"), "/api/v1/programs", {**PROGRAM, "slots": [slot]})
    assert set(_field_errors(response)) == {"slots.0.start_time", "slots.0.end_time"}
    assert not Program.objects.exists()


def test_an_integer_beyond_any_database_column_is_a_422(client_for):
    response = _post(
        client_for("petugas.selong"), "/api/v1/programs", {**PROGRAM, "target_hours": 10**30}
    )
    assert "target_hours" in _field_errors(response)


def test_an_integer_beyond_its_field_bound_is_a_422(client_for):
    response = _post(
        client_for("petugas.selong"), "/api/v1/programs", {**PROGRAM, "target_hours": 10**10}
    )
    assert "target_hours" in _field_errors(response)
    assert not Program.objects.exists()


def test_an_id_beyond_any_database_column_is_a_404(client_for):
    response = client_for("petugas.selong").get(f"/api/v1/inmates/{2**63 + 5}")
    assert response.status_code in (404, 422)
    response = client_for("petugas.selong").get(f"/api/v1/programs/{2**40}/sessions")
    assert response.status_code == 404


def test_a_huge_quantity_is_a_422(client_for):
    response = _post(
        client_for("petugas.selong"), "/api/v1/support-requests", {**REQUEST, "quantity": "1e30"}
    )
    assert "quantity" in _field_errors(response)


def test_a_quantity_with_more_decimals_than_stored_is_a_422(client_for):
    response = _post(
        client_for("petugas.selong"),
        "/api/v1/support-requests",
        {**REQUEST, "quantity": "1.125"},
    )
    assert "quantity" in _field_errors(response)


def test_a_model_rule_broken_through_the_api_is_a_422_with_field_errors(client_for):
    # a location longer than its column: the schema lets it through, the model refuses it
    response = _post(
        client_for("petugas.selong"), "/api/v1/programs", {**PROGRAM, "location": "x" * 151}
    )
    body = response.json()
    assert response.status_code == 422, body
    assert body["code"] == "invalid"
    assert "location" in body["errors"]
    assert not Program.objects.exists()


def test_an_attendance_note_longer_than_stored_is_a_422(client_for):
    response = client_for("petugas.selong").put(
        "/api/v1/sessions/1/attendance",
        {"marks": [{"enrollment_id": 1, "status": "other", "note": "x" * 201}]},
        content_type="application/json",
    )
    assert "marks.0.note" in _field_errors(response)


def test_an_indicator_scope_with_a_superscript_digit_is_a_422(client_for):
    response = client_for("petugas.selong").get(
        "/api/v1/indicators/values?scope=facility:%C2%B2&period=2025"
    )
    assert "scope" in _field_errors(response)
    response = client_for("petugas.selong").get("/api/v1/public/indicators?scope=facility:%C2%B2")
    assert "scope" in _field_errors(response)


def test_every_operation_documents_its_error_answers(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            if operation.get("security"):
                assert "401" in codes, (method, path)
            # a field the API cannot take is a 422; a body that cannot be read, a 400
            if operation.get("parameters") or operation.get("requestBody"):
                assert "422" in codes, (method, path)
            assert ("400" in codes) == ("requestBody" in operation), (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)


def test_local_times_are_described_without_a_utc_offset(client):
    # OpenAPI's "time" format demands an offset; the API's times are the facility's own
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    for schema, field in [("SessionOut", "start_time"), ("SlotSchema", "end_time")]:
        described = schemas[schema]["properties"][field]
        assert described.get("format") != "time"
        assert described["pattern"].startswith("^")


def test_remission_beyond_a_century_is_a_422(client_for):
    response = _post(
        client_for("petugas.selong"),
        "/api/v1/sentence-calculations",
        {
            "detention_start": "2020-01-01",
            "term": {"years": 1},
            "crime_category": "general",
            "remission_days": 10**8,
        },
    )
    assert "remission_days" in _field_errors(response)
