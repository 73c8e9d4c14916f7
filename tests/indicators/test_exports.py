"""The indicator exports (dashboard CSVs, open data, definitions) neutralise text that a
spreadsheet would run as a formula; numbers, negative ones included, stay numbers."""

from __future__ import annotations

import csv
import dataclasses
import io

import pytest
from django.core.cache import cache
from django.test import Client

from sinergi.indicators import public
from sinergi.indicators.catalogue import BY_ID

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil","klik")'


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def read(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_a_dashboard_chart_csv_neutralises_a_hostile_partner_name(client_for, w):
    w.p.name = HOSTILE
    w.p.save(update_fields=["name"])
    w.deliver(w.p, "2025-08-10", request=w.request(w.a, w.p), quantity="8")
    url = f"/indicators/facility/{w.a.pk}/?period=2025-08&csv=instructor-hours-partner"
    rows = read(client_for("admin").get(url))
    assert rows[1][0] == "'" + HOSTILE
    assert float(rows[1][1]) == 8  # a number, untouched ("8" or "8.00" by database)
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row)


def test_the_figures_csv_neutralises_hostile_text(client_for, w, monkeypatch):
    indicator = BY_ID["participation.certificates"]
    hostile = dataclasses.replace(indicator, name="@SUM(1+1)*cmd|' /C calc'!A0")
    from sinergi.indicators import dashboards

    real = dashboards.grouped_rows

    def with_hostile(q, level, *source):
        groups = real(q, level, *source)
        for group in groups:
            for row in group["rows"]:
                if row.indicator.id == indicator.id:
                    row.indicator = hostile
        return groups

    monkeypatch.setattr(dashboards, "grouped_rows", with_hostile)
    rows = read(
        client_for("admin").get(f"/indicators/facility/{w.a.pk}/?period=2025-08&csv=figures")
    )
    row = next(r for r in rows if r[0] == indicator.id)
    assert row[1] == "'@SUM(1+1)*cmd|' /C calc'!A0"


def test_open_data_csv_neutralises_a_hostile_facility_name(w):
    w.a.name = "-2+3+cmd|' /C calc'!A0"
    w.a.save(update_fields=["name"])
    program = w.program(w.a)
    for _ in range(6):
        w.certificate(w.enrol(program), "2025-08-10")
    response = Client().get("/publik/data.csv?period=2025-08")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    facilities = {row["facility"] for row in rows if row["level"] == "facility"}
    assert "'-2+3+cmd|' /C calc'!A0" in facilities
    assert not any(name.startswith(("=", "+", "-", "@")) for name in facilities)


def test_the_definitions_csv_neutralises_hostile_text(monkeypatch):
    indicator = next(i for i in public.CATALOGUE if i in public.PUBLIC_INDICATORS)

    class Hostile:
        def describe(self):
            return {**indicator.describe(), "name_en": "+cmd", "definition_id": "=1+1"}

    fake = Hostile()
    monkeypatch.setattr(public, "CATALOGUE", [fake])
    monkeypatch.setattr(public, "PUBLIC_INDICATORS", [fake])
    rows = list(
        csv.DictReader(io.StringIO(Client().get("/publik/definitions.csv").content.decode()))
    )
    assert (rows[0]["name_en"], rows[0]["definition_id"]) == ("'+cmd", "'=1+1")
