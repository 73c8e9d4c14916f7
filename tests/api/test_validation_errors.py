"""Every field the API cannot take is a 422 naming the field (issue #12): whether the
schema refuses it (``validation_error``) or a rule does (``invalid``). A request that
cannot be read at all (a body that is not JSON, or too large) is a 400."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings

from sinergi.api.api import api
from tests.api.test_input_bounds import PROGRAM

pytestmark = pytest.mark.django_db

BAD_DATES = ["not-a-date", "2026-02-30", "05/01/2026"]
DATE_FORMATS = {"date", "date-time"}


def _schema() -> dict[str, Any]:
    return api.get_openapi_schema(path_prefix="/api/v1")


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _date_fields(
    schema: dict[str, Any], components: dict[str, Any], path: tuple[str, ...] = ()
) -> Iterator[tuple[str, ...]]:
    """The paths of the date fields of a JSON schema (``("records", "0", "date")``)."""
    schema = _resolve(schema, components)
    if schema.get("format") in DATE_FORMATS:
        yield path
    for branch in [*schema.get("anyOf", []), *schema.get("allOf", []), *schema.get("oneOf", [])]:
        yield from _date_fields(branch, components, path)
    for name, field in schema.get("properties", {}).items():
        yield from _date_fields(field, components, (*path, name))
    if "items" in schema:
        yield from _date_fields(schema["items"], components, (*path, "0"))


def _date_inputs() -> list[tuple[str, str, str, tuple[str, ...]]]:
    """(method, path, "body" or "query", field path) for every date an operation takes."""
    schema = _schema()
    components = schema["components"]["schemas"]
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                for field in dict.fromkeys(_date_fields(body["schema"], components)):
                    found.append((method, path, "body", field))
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    for field in _date_fields(parameter["schema"], components):
                        found.append((method, path, "query", (parameter["name"], *field)))
    return found


DATE_INPUTS = _date_inputs()


def _nest(field: tuple[str, ...], value: Any) -> Any:
    if not field:
        return value
    head, *rest = field
    inner = _nest(tuple(rest), value)
    return [inner] if head.isdigit() else {head: inner}


def _call(
    client: Any, method: str, path: str, where: str, field: tuple[str, ...], value: str
) -> Any:
    # any id will do: the input is checked before the record is looked up
    url = re.sub(r"\{[^}]+\}", "1", path)
    if where == "query":
        return client.generic(method.upper(), url, QUERY_STRING=f"{field[0]}={value}")
    return client.generic(
        method.upper(), url, json.dumps(_nest(field, value)), content_type="application/json"
    )


def test_the_date_inputs_are_found_in_the_openapi_description():
    """The parametrised test below covers every write that takes a date (and no fewer)."""
    writes = {(method, path) for method, path, where, _f in DATE_INPUTS if where == "body"}
    assert len(writes) >= 9, writes
    assert ("post", "/api/v1/inmates/{inmate_id}/consents") in writes
    assert ("post", "/api/v1/releases") in writes
    assert ("patch", "/api/v1/programs/{program_id}") in writes
    fields = {".".join(field) for _m, _p, _w, field in DATE_INPUTS}
    assert {"given_on", "released_on", "done_on", "disciplinary_records.0.date"} <= fields


@pytest.mark.parametrize("value", BAD_DATES)
@pytest.mark.parametrize(
    ("method", "path", "where", "field"),
    DATE_INPUTS,
    ids=[f"{m} {p} {'.'.join(f)}" for m, p, _w, f in DATE_INPUTS],
)
def test_a_bad_date_is_a_422_naming_the_field(client_for, method, path, where, field, value):
    response = _call(client_for("petugas.selong"), method, path, where, field, value)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["detail"]
    name = ".".join(field)
    assert name in body["errors"], body["errors"]
    assert all(isinstance(message, str) and message for message in body["errors"][name])


def test_a_schema_error_and_a_rule_error_share_the_status_and_differ_in_code(client_for):
    client = client_for("petugas.selong")
    schema = client.post(
        "/api/v1/programs", {**PROGRAM, "capacity": "ten"}, content_type="application/json"
    )
    rule = client.post(
        "/api/v1/programs", {**PROGRAM, "location": "x" * 151}, content_type="application/json"
    )
    assert (schema.status_code, rule.status_code) == (422, 422)
    assert (schema.json()["code"], rule.json()["code"]) == ("validation_error", "invalid")
    assert "capacity" in schema.json()["errors"]
    assert "location" in rule.json()["errors"]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/indicators/values?scope=x&period=2025", "scope"),
        ("/api/v1/indicators/values?scope=national&period=2025-13", "period"),
        ("/api/v1/indicators/values?scope=national&period=2025&indicator=nope", "indicator"),
        ("/api/v1/public/indicators?period=not-a-month", "period"),
        ("/api/v1/public/indicators?scope=planet:1", "scope"),
    ],
)
def test_a_query_parameter_the_indicators_cannot_read_is_a_422_naming_it(client_for, url, field):
    response = client_for("admin").get(url)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "validation_error"
    assert field in response.json()["errors"]


def test_a_body_that_is_not_json_is_a_400(client_for):
    response = client_for("petugas.selong").post(
        "/api/v1/programs", "{not json", content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert response.json() == {
        "detail": "Cannot parse request body",
        "code": "bad_request",
        "errors": {},
    }


def test_a_body_larger_than_allowed_is_a_400(client_for):
    too_large = '{"title": "' + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE + '"}'
    response = client_for("petugas.selong").post(
        "/api/v1/programs", too_large, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert response.json() == {
        "detail": "Isi permintaan terlalu besar.",
        "code": "bad_request",
        "errors": {},
    }


def test_the_openapi_description_declares_422_with_the_error_shape(client):
    schema = client.get("/api/v1/openapi.json").json()
    declared = schema["paths"]["/api/v1/releases"]["post"]["responses"]["422"]
    ref = declared["content"]["application/json"]["schema"]["$ref"]
    shape = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert set(shape["properties"]) == {"detail", "code", "errors"}
