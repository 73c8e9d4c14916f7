"""The API's contract: OpenAPI, docs, the error shape, pagination, scoping, query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_openapi_schema_and_docs_are_served(client, db):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/me" in schema.json()["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_list_is_paginated_with_items_and_count(client_for):
    body = client_for("petugas.selong").get("/api/v1/partners?page=2&page_size=5").json()
    assert body["count"] == 11
    assert len(body["items"]) == 5


def test_page_size_above_200_is_a_422_with_field_errors(client_for):
    response = client_for("petugas.selong").get("/api/v1/partners?page_size=201&kind=nope")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert set(body["errors"]) == {"page_size", "kind"}


def test_facility_outside_scope_is_404_in_the_api(client_for):
    response = client_for("petugas.lobar").get("/api/v1/facilities/selong")
    assert response.status_code == 404
    assert response.json() == {"detail": "Tidak ditemukan.", "code": "not_found", "errors": {}}


def test_partner_user_lists_no_facilities(client_for):
    assert client_for("mitra.disnaker").get("/api/v1/facilities").json() == {
        "items": [],
        "count": 0,
    }


def test_partner_list_endpoint_query_count_does_not_grow(client_for):
    client = client_for("petugas.selong")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/partners?page_size=200").status_code == 200
        return len(ctx)

    few = count()
    parent = PartnerFactory()
    PartnerFactory.create_batch(20, parent=parent)
    assert count() == few
