"""Who reads which dashboard, what the pages and downloads hold, the API's values, and
the fixed number of queries whatever the data size."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sinergi.orgs.models import Facility, Partner, Region

pytestmark = pytest.mark.django_db

SELONG = "selong"


def facility(code: str = SELONG) -> Facility:
    return Facility.objects.get(code=code)


@pytest.mark.parametrize(
    "username, code, status",
    [
        ("kalapas.selong", "selong", 200),
        ("petugas.selong", "selong", 200),
        ("wali.selong", "selong", 200),
        ("kanwil.ntb", "selong", 200),
        ("admin", "lobar", 200),
        ("petugas.lobar", "selong", 404),
        ("mitra.disnaker", "selong", 404),
        ("instruktur.blk", "selong", 404),
    ],
)
def test_facility_dashboard_is_refused_to_outsiders(client_for, username, code, status):
    response = client_for(username).get(f"/indicators/facility/{facility(code).pk}/")
    assert response.status_code == status


def test_regional_partner_and_national_dashboards_are_refused_to_outsiders(client_for):
    region = Region.objects.get(code="ntb")
    disnaker = Partner.objects.get(code="disnaker-lotim")
    dukcapil = Partner.objects.get(code="dukcapil-lotim")
    assert client_for("kanwil.ntb").get(f"/indicators/region/{region.pk}/").status_code == 200
    assert client_for("kalapas.selong").get(f"/indicators/region/{region.pk}/").status_code == 404
    assert (
        client_for("mitra.disnaker").get(f"/indicators/partner/{disnaker.pk}/").status_code == 200
    )
    assert (
        client_for("mitra.disnaker").get(f"/indicators/partner/{dukcapil.pk}/").status_code == 404
    )
    assert (
        client_for("kalapas.selong").get(f"/indicators/partner/{disnaker.pk}/").status_code == 404
    )
    assert client_for("admin").get("/indicators/national/").status_code == 200
    assert client_for("kanwil.ntb").get("/indicators/national/").status_code == 404
    assert client_for("mitra.disnaker").get("/indicators/national/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/indicators/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_single_dashboard_opens_directly(client_for):
    response = client_for("kalapas.selong").get("/indicators/")
    assert response.status_code == 302
    assert response["Location"] == f"/indicators/facility/{facility().pk}/"


def test_the_dashboard_shows_each_figure_with_its_numerator_and_denominator(client_for, w):
    program = w.program(w.a, category="farming")
    session = w.session(program, "2025-08-05")
    for status in ("present", "present", "present", "sick"):
        w.mark(session, w.enrol(program), status, "2")
    response = client_for("admin").get(f"/indicators/facility/{w.a.pk}/?period=2025-08")
    assert response.status_code == 200
    rows = {
        row.indicator.id: row.value for group in response.context["groups"] for row in group["rows"]
    }
    attendance = rows["participation.attendance_rate"]
    assert (attendance.numerator, attendance.denominator, attendance.value) == (3, 4, 75)
    page = response.content.decode()
    assert "75%" in page or "75,0%" in page or "75.0%" in page
    assert "chart-enrolled-category-data" in page


def test_a_chart_downloads_as_csv_with_the_same_figures(client_for, w):
    program = w.program(w.a, category="farming")
    w.certificate(w.enrol(program), "2025-08-10")
    w.certificate(w.enrol(program), "2025-08-11")
    client = client_for("admin")
    url = f"/indicators/facility/{w.a.pk}/?period=2025-08&csv=certificates-category"
    response = client.get(url)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][0] in ("Farming", "Pertanian") and rows[1][1] == "2"
    figures = client.get(f"/indicators/facility/{w.a.pk}/?period=2025-08&csv=figures")
    ids = [r[0] for r in csv.reader(io.StringIO(figures.content.decode()))][1:]
    assert "participation.certificates" in ids
    assert client.get(f"/indicators/facility/{w.a.pk}/?csv=nothing").status_code == 404


def test_a_bad_period_is_explained_and_this_month_shown(client_for):
    response = client_for("kalapas.selong").get(
        f"/indicators/facility/{facility().pk}/?period=2025-13"
    )
    assert response.status_code == 200
    assert response.context["period_error"]
    custom = client_for("kalapas.selong").get(
        f"/indicators/facility/{facility().pk}/?kind=custom&start=2025-01-01&end=2025-03-31"
    )
    assert custom.context["period"].code == "2025-01-01..2025-03-31"


@pytest.mark.parametrize(
    "query, code",
    [
        ("kind=month&month=2025-08", "2025-08"),
        ("kind=quarter&quarter=3&quarter_year=2025", "2025-Q3"),
        ("kind=year&year=2024", "2024"),
        ("period=2025-Q1", "2025-Q1"),
    ],
)
def test_the_period_selector_reads_each_kind(client_for, query, code):
    url = f"/indicators/facility/{facility().pk}/?{query}"
    response = client_for("kalapas.selong").get(url)
    assert response.context["period"].code == code
    assert response.context["selector"]["kind"] == response.context["period"].kind


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def _more_rows(w, n: int) -> None:
    program = w.program(w.a, partners=(w.p,))
    session = w.session(program, "2025-08-06")
    for _ in range(n):
        enrolment = w.enrol(program)
        w.mark(session, enrolment, "present", "2")
        w.certificate(enrolment, "2025-08-20")
    w.program(w.b)
    w.release(w.a, "2025-08-15")


@pytest.mark.parametrize(
    "path",
    [
        "/indicators/facility/{a}/?period=2025-08",
        "/indicators/region/{north}/?period=2025-08",
        "/indicators/partner/{p}/?period=2025-08",
        "/indicators/national/?period=2025",
    ],
)
def test_dashboards_run_a_fixed_number_of_queries(client_for, w, path):
    client = client_for("admin")
    url = path.format(a=w.a.pk, north=w.north.pk, p=w.p.pk)
    _more_rows(w, 1)
    before = _count(client, url)
    _more_rows(w, 8)
    assert _count(client, url) == before


def test_the_api_lists_the_catalogue_in_both_languages(client_for):
    items = client_for("petugas.selong").get("/api/v1/indicators").json()
    ids = {i["id"] for i in items}
    assert "reintegration.reoffending_12m" in ids and len(items) >= 19
    first = items[0]
    assert first["name_en"] and first["name_id"] and first["formula_en"]


def test_the_api_gives_values_with_numerator_and_denominator(client_for, w):
    program = w.program(w.a)
    session = w.session(program, "2025-08-05")
    for status in ("present", "sick"):
        w.mark(session, w.enrol(program), status, "2")
    client = client_for("admin")
    response = client.get(
        f"/api/v1/indicators/values?scope=facility:{w.a.pk}&period=2025-08"
        "&indicator=participation.attendance_rate"
    )
    assert response.status_code == 200, response.content
    [item] = response.json()["indicators"]
    assert item["values"] == [{"key": None, "numerator": 1, "denominator": 2, "value": 50}]
    by_facility = client.get(
        f"/api/v1/indicators/values?scope=region:{w.north.pk}&period=2025-08&by=facility"
    ).json()
    assert by_facility["by"] == "facility"


def test_the_api_refuses_outsiders_and_bad_input(client_for):
    selong, lobar = facility().pk, facility("lobar").pk
    client = client_for("petugas.selong")
    ok = client.get(f"/api/v1/indicators/values?scope=facility:{selong}&period=2025-08")
    assert ok.status_code == 200
    outsider = client.get(f"/api/v1/indicators/values?scope=facility:{lobar}&period=2025-08")
    assert outsider.status_code == 404
    partner = client_for("mitra.disnaker").get(
        f"/api/v1/indicators/values?scope=facility:{selong}&period=2025-08"
    )
    assert partner.status_code == 404
    national = client.get("/api/v1/indicators/values?scope=national&period=2025")
    assert national.status_code == 403
    assert client.get("/api/v1/indicators/values?scope=x&period=2025").status_code == 422
    bad = client.get(f"/api/v1/indicators/values?scope=facility:{selong}&period=2025-13")
    assert bad.status_code == 422 and bad.json()["code"] == "validation_error"
    unknown = client.get(
        f"/api/v1/indicators/values?scope=facility:{selong}&period=2025&indicator=nope"
    )
    assert unknown.status_code == 422


def _partner_reader(partner: Partner):
    from django.test import Client

    from sinergi.core.roles import Role
    from tests.factories import MembershipFactory

    client = Client()
    client.force_login(
        MembershipFactory(role=Role.PARTNER_USER, partner=partner, facility=None).user
    )
    return client


@pytest.mark.parametrize(
    ("reader", "dashboard", "links"),
    [
        ("partner", "/indicators/partner/{p}/?period=2025-08", False),
        ("admin", "/indicators/partner/{p}/?period=2025-08", True),
        ("admin", "/indicators/region/{north}/?period=2025-08&indicator={hours}", True),
        ("admin", "/indicators/national/?period=2025-08&indicator={hours}", True),
    ],
)
def test_a_dashboard_links_only_to_the_dashboards_its_reader_may_open(
    client_for, w, reader, dashboard, links
):
    # A partner's chart rows by facility linked to the facilities' dashboards (404 for
    # it); the rows stay, named, without the link.
    import re

    for on in ("2025-08-10", "2025-08-20"):
        request = w.request(w.a, w.p, kind="instructor", status="fulfilled")
        w.deliver(w.p, on, request=request, quantity="6")
    client = _partner_reader(w.p) if reader == "partner" else client_for(reader)
    url = dashboard.format(p=w.p.pk, north=w.north.pk, hours="cooperation.instructor_hours")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (w.north.name if "national" in url else w.a.name) in page
    found = sorted(set(re.findall(r'href="(/indicators/(?:facility|region)/\d+/[^"]*)"', page)))
    assert bool(found) is links
    for href in found:
        assert client.get(href.replace("&amp;", "&")).status_code == 200, href
