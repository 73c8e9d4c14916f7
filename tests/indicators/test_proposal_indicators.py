"""The proposal indicators (issue 14) where people read them: the facility and regional
dashboards (both languages, a fixed number of queries), and the public pages and open
data with small numbers suppressed. Their hand-computed values are in test_catalogue."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.client import Client
from tests.indicators.test_catalogue import _proposal

pytestmark = pytest.mark.django_db

MEDIAN_ID = "proposals.eligible_to_released_days"
SHARE_ID = "proposals.decided_before_eligible"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def released(w):
    """August 2025, released on their proposal: A 3 people (waits 10, 20, 30 days), B 6
    (each 4 days), C 5 (2, 4, 6, 8, 10: median 6). A's and C's SKs are dated on the
    release day, after the eligibility date; B's six on their eligibility date."""
    for wait in (10, 20, 30):
        _proposal(w, w.a, "released", "2025-08-01", sk_date=_plus(wait), released_on=_plus(wait))
    for _ in range(6):
        _proposal(w, w.b, "released", "2025-08-10", sk_date="2025-08-10", released_on="2025-08-14")
    for wait in (2, 4, 6, 8, 10):
        _proposal(w, w.c, "released", "2025-08-01", sk_date=_plus(wait), released_on=_plus(wait))
    return w


def _plus(days: int) -> str:
    return f"2025-08-{1 + days:02d}"


def _rows(response) -> dict:
    return {row.indicator.id: row.value for g in response.context["groups"] for row in g["rows"]}


@pytest.mark.parametrize(
    ("language", "median_name", "share_name", "group"),
    [
        (
            "en",
            "Eligible to released, median days",
            "Share decided before the eligibility date",
            "Integration-right proposals",
        ),
        (
            "id",
            "Dari memenuhi syarat sampai bebas, median hari",
            "Persentase diputus sebelum tanggal memenuhi syarat",
            "Usulan hak integrasi",
        ),
    ],
)
def test_the_facility_and_regional_dashboards_show_both_figures(
    client_for, released, language, median_name, share_name, group
):
    w = released
    client = client_for("admin")
    client.cookies["sinergi_language"] = language
    facility = client.get(f"/indicators/facility/{w.c.pk}/?period=2025-08")
    assert facility.status_code == 200
    rows = _rows(facility)
    assert (rows[MEDIAN_ID].value, rows[MEDIAN_ID].denominator) == (6, 5)
    assert (rows[SHARE_ID].numerator, rows[SHARE_ID].denominator) == (0, 5)
    page = facility.content.decode()
    assert median_name in page and share_name in page and group in page
    region = client.get(f"/indicators/region/{w.north.pk}/?period=2025-08")
    assert region.status_code == 200
    rows = _rows(region)
    # North: A's 10, 20, 30 and B's six 4s: the median of nine is the fifth, 4.
    assert (rows[MEDIAN_ID].value, rows[MEDIAN_ID].denominator) == (4, 9)
    # B's six decided on their eligibility date; A's three after it.
    assert (rows[SHARE_ID].numerator, rows[SHARE_ID].denominator, rows[SHARE_ID].value) == (
        6,
        9,
        Decimal("66.7"),
    )
    assert median_name in region.content.decode()


def test_the_kanwil_reads_them_on_its_regions_dashboard(client_for):
    from sinergi.orgs.models import Region

    region = Region.objects.get(code="ntb")
    response = client_for("kanwil.ntb").get(f"/indicators/region/{region.pk}/")
    assert response.status_code == 200
    assert {MEDIAN_ID, SHARE_ID} <= set(_rows(response))


def test_the_dashboard_runs_the_same_queries_whatever_the_number_of_proposals(client_for, w):
    client = client_for("admin")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/indicators/region/{w.north.pk}/?period=2025-08").status_code == 200
        return len(ctx)

    # A person in A and in B from the start: the comparison chart names both facilities.
    _proposal(w, w.a, "released", "2025-08-01", sk_date="2025-08-03", released_on="2025-08-04")
    _proposal(w, w.b, "granted", "2025-08-01", sk_date="2025-08-03")
    before = queries()
    for facility in (w.a, w.b, w.a):
        _proposal(
            w, facility, "released", "2025-08-01", sk_date="2025-08-05", released_on="2025-08-06"
        )
        _proposal(w, facility, "refused", "2025-08-20", refused_on="2025-08-12")
    assert queries() == before


def _figure(scope: str, indicator_id: str) -> dict:
    payload = Client().get(f"/api/v1/public/indicators?period=2025-08&scope={scope}").json()
    return next(i for i in payload["indicators"] if i["id"] == indicator_id)["figure"]


def test_the_public_figures_hide_a_median_or_share_resting_on_fewer_than_five(released):
    w = released
    hidden = {"numerator": None, "denominator": None, "value": None}
    # A: a median of three people is not published.
    assert _figure(f"facility:{w.a.pk}", MEDIAN_ID) == {**hidden, "flag": "<5"}
    assert _figure(f"facility:{w.a.pk}", SHARE_ID) == {**hidden, "flag": "<5"}
    # B's six would give A's three away from the north's nine: hidden to protect them.
    assert _figure(f"facility:{w.b.pk}", MEDIAN_ID)["flag"] == "x"
    north = _figure(f"region:{w.north.pk}", MEDIAN_ID)
    assert (north["value"], north["denominator"], north["flag"]) == (4, 9, "")
    # C: five people, published: median 6 days.
    c = _figure(f"facility:{w.c.pk}", MEDIAN_ID)
    assert (c["value"], c["denominator"], c["flag"]) == (6, 5, "")
    # The north's share (6 in time of 9) has 3 late, a small count: the country's late
    # ones less the south's would give it, so the south's, and C's, are hidden too.
    c_share = _figure(f"facility:{w.c.pk}", SHARE_ID)
    assert (c_share["value"], c_share["flag"]) == (None, "x")
    country = _figure("national", MEDIAN_ID)
    # 2, 4 x 7, 6, 8, 10, 10, 20, 30: the 7th and 8th of 14 are both 4.
    assert (country["value"], country["denominator"]) == (4, 14)


def test_the_public_pages_and_open_data_carry_them_in_both_languages(released):
    w = released
    english = Client().get(f"/publik/facility/{w.a.pk}/?period=2025-08", language="en")
    assert english.status_code == 200
    text = english.content.decode()
    assert "Eligible to released, median days" in text
    assert "Share decided before the eligibility date" in text
    indonesian = Client().get(f"/publik/facility/{w.a.pk}/?period=2025-08").content.decode()
    assert "Dari memenuhi syarat sampai bebas, median hari" in indonesian
    assert "&lt;5" in indonesian
    data = Client().get("/publik/data.json?period=2025-08").json()
    described = {i["id"]: i for i in data["indicators"]}
    assert described[MEDIAN_ID]["name_en"] == "Eligible to released, median days"
    assert described[SHARE_ID]["definition_id"].startswith("Dari usulan hak integrasi")
    rows = [r for r in data["rows"] if r["indicator"] == MEDIAN_ID and r["level"] == "facility"]
    flags = {r["facility"]: (r["flag"], r["value"]) for r in rows}
    assert flags["Lapas A"] == ("<5", None)
    assert flags["Lapas C"] == ("", 6)
