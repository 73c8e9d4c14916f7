"""The public transparency pages, open data and public API: no login, aggregates only,
and never a count from 1 to 4, including one that subtraction would reveal."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sinergi.indicators.catalogue import BY_ID, COUNT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def small_world(w):
    """August 2025: facility A issued 3 certificates, B 10 (both north), C 6 (south)."""
    for facility, n in ((w.a, 3), (w.b, 10), (w.c, 6)):
        program = w.program(facility)
        for _ in range(n):
            w.certificate(w.enrol(program), "2025-08-10")
    return w


def public(path: str):
    response = Client().get(path)
    assert response.status_code == 200, response.content[:300]
    return response


def certificates(payload: dict) -> dict:
    return next(i for i in payload["indicators"] if i["id"] == "participation.certificates")


def test_a_small_count_is_less_than_five_and_its_sibling_is_hidden_too(small_world):
    w = small_world
    a = public(f"/api/v1/public/indicators?period=2025-08&scope=facility:{w.a.pk}").json()
    b = public(f"/api/v1/public/indicators?period=2025-08&scope=facility:{w.b.pk}").json()
    north = public(f"/api/v1/public/indicators?period=2025-08&scope=region:{w.north.pk}").json()
    assert certificates(a)["figure"] == {
        "numerator": None,
        "denominator": None,
        "value": None,
        "flag": "<5",
    }
    # North shows 13: with B's 10 shown, 13 - 10 would give A's 3 away.
    assert certificates(north)["figure"]["value"] == 13
    assert certificates(b)["figure"]["value"] is None
    assert certificates(b)["figure"]["flag"] == "x"
    c = public(f"/api/v1/public/indicators?period=2025-08&scope=facility:{w.c.pk}").json()
    assert certificates(c)["figure"]["value"] == 6


def assert_no_small_counts(rows) -> None:
    for row in rows:
        numbers = [row["numerator"], row["denominator"]]
        if BY_ID[row["indicator"]].kind == COUNT:
            numbers.append(row["value"])
        for number in numbers:
            if number not in (None, ""):
                assert not 1 <= float(number) <= 4, row


def test_open_data_never_holds_a_count_from_one_to_four(small_world):
    data = json.loads(public("/publik/data.json?period=2025-08").content)
    assert {i["id"] for i in data["indicators"]} >= {"participation.certificates"}
    assert data["indicators"][0]["name_id"] and data["indicators"][0]["definition_en"]
    assert_no_small_counts(data["rows"])
    rows = list(csv.DictReader(io.StringIO(public("/publik/data.csv?period=2025-08").text)))
    assert_no_small_counts(rows)
    cert_rows = [r for r in rows if r["indicator"] == "participation.certificates"]
    flags = {r["facility"]: r["flag"] for r in cert_rows if r["level"] == "facility"}
    assert flags["Lapas A"] == "<5" and flags["Lapas B"] == "x" and flags["Lapas C"] == ""
    definitions = public("/publik/definitions.csv").text
    assert "participation.certificates" in definitions


def test_the_public_pages_show_the_flags_and_no_personal_data(small_world):
    w = small_world
    page = public(f"/publik/facility/{w.a.pk}/?period=2025-08").content.decode()
    assert "&lt;5" in page
    region = public(f"/publik/region/{w.north.pk}/?period=2025-08").content.decode()
    assert "Lapas A" in region and "Lapas B" in region
    names = [e.inmate.name for e in w.a.programs.first().enrollments.all()]
    for text in (page, region, public("/publik/?period=2025-08").content.decode()):
        for name in names:
            assert name not in text
        cells = re.findall(r"<td[^>]*>([^<]*)</td>", text)
        for cell in cells:
            assert not re.fullmatch(r"\s*[1-4]\s*", cell), cell
        # nor the templates' notes to developers (a comment written across lines)
        assert "{#" not in text and "#}" not in text and "CSRF token" not in text


def test_a_month_that_is_not_over_is_not_published(small_world):
    response = Client().get("/api/v1/public/indicators?period=2099-01")
    assert response.status_code == 422
    assert Client().get("/api/v1/public/indicators?period=2025-Q3").status_code == 422
    page = public("/publik/?period=nonsense").content.decode()
    assert 'role="alert"' in page


def test_an_unknown_area_is_not_found(small_world):
    assert Client().get("/publik/facility/999999/").status_code == 404
    assert Client().get("/api/v1/public/indicators?scope=facility:999999").status_code == 404
    assert Client().get("/api/v1/public/indicators?scope=planet:1").status_code == 422


def test_the_public_page_is_served_from_the_cache(small_world):
    public("/publik/?period=2025-08")
    with CaptureQueriesContext(connection) as again:
        public("/publik/?period=2025-08")
    assert len(again) <= 2  # the session middleware at most; no figures recomputed


def test_the_public_table_runs_a_fixed_number_of_queries(small_world):
    w = small_world

    def queries() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            public("/publik/?period=2025-08")
        return len(ctx)

    before = queries()
    program = w.program(w.c)
    for _ in range(12):
        w.certificate(w.enrol(program), "2025-08-12")
    w.program(w.b)
    assert queries() == before


@pytest.mark.parametrize(
    "path",
    [
        "/publik/data.csv?period=2025-08",
        "/publik/data.json?period=2025-08",
        "/publik/definitions.csv",
    ],
)
def test_open_data_files_may_be_kept_by_proxies_and_set_no_cookie(small_world, path):
    response = public(path)
    assert "public" in response["Cache-Control"]
    assert "max-age=600" in response["Cache-Control"]
    assert not response.cookies
    # the JSON carries translated notes: a kept copy must follow the language chosen
    # (the language cookie; the browser's language does not switch the site)
    assert "Cookie" in response["Vary"]


@pytest.mark.parametrize(
    ("unit", "shown"),
    [("count", "<5"), ("hours", "<5"), ("percent", "x"), ("days", "x"), ("score", "x")],
)
def test_a_hidden_percentage_shows_x_not_less_than_five(unit, shown):
    """ "<5" in a percentage column would read as "under 5 %"."""
    from django.utils import translation

    from sinergi.indicators.suppression import Published
    from sinergi.indicators.templatetags.indicators_tags import figure, figure_title

    hidden = Published(numerator=None, denominator=None, value=None, flag="<5")
    assert figure(hidden, unit) == shown
    with translation.override("en"):
        title = figure_title(hidden, unit)
    assert ("rests on a count" in title) == (shown == "x")


def test_every_figure_of_the_public_tables_is_labelled_for_a_phone(small_world):
    """On a phone each row becomes a block, and a figure is read with its label."""
    w = small_world
    for path in (f"/publik/region/{w.north.pk}/?period=2025-08", "/publik/?period=2025-08"):
        html = english().get(path).content.decode()
        tables = re.findall(r"<table[^>]*>.*?</table>", html, flags=re.S)
        assert len(tables) >= 5
        for table in tables:
            assert table.startswith('<table class="figures">')
            for cell in re.findall(r"<td([^>]*)>", table):
                assert "data-label=" in cell or "colspan=" in cell or 'class="how"' in cell
        assert 'data-label="Certificates issued"' in html


def english() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _certificates_on_page(path: str) -> str:
    html = english().get(path).content.decode()
    row = re.search(r"<th scope=\"row\">Certificates issued</th>\s*<td[^>]*>([^<]*)<", html)
    assert row, html[:500]
    return row.group(1).strip()


def test_a_cached_page_is_served_without_building_the_table_again(small_world, monkeypatch):
    """National scale: a hit must not unpickle the country's table nor render 530 rows."""
    from sinergi.indicators import public as views

    public("/publik/?period=2025-08")

    def refuse(*args, **kwargs):
        raise AssertionError("the table was read for a cached page")

    monkeypatch.setattr(views, "public_table", refuse)
    monkeypatch.setattr(views, "render_to_string", refuse)
    html = public("/publik/?period=2025-08").content.decode()
    assert "<h1>" in html and "Sinergi" in html  # the body from the cache, in the layout


def test_a_revision_drops_the_rendered_pages_and_files_of_its_month(small_world):
    import datetime

    from sinergi.indicators.public_data import forget

    w = small_world
    path = f"/publik/facility/{w.c.pk}/?period=2025-08"
    assert _certificates_on_page(path) == "6"
    csv_before = public("/publik/data.csv?period=2025-08").content
    program = w.program(w.c)
    for _ in range(2):
        w.certificate(w.enrol(program), "2025-08-11")
    assert _certificates_on_page(path) == "6"  # kept: no revision was recorded
    forget(datetime.date(2025, 8, 1))
    assert _certificates_on_page(path) == "8"
    assert public("/publik/data.csv?period=2025-08").content != csv_before


def test_each_language_has_its_own_rendered_page(small_world):
    in_english = english().get("/publik/?period=2025-08")
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    indonesian = client.get("/publik/?period=2025-08")
    assert "Certificates issued" in in_english.content.decode()
    assert "Certificates issued" not in indonesian.content.decode()


def test_a_bad_month_is_answered_with_its_error_and_not_kept(small_world):
    response = english().get("/publik/?period=2025-13")
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    again = english().get("/publik/")
    assert 'role="alert"' not in again.content.decode()


def test_an_anonymous_visitor_gets_the_whole_page_from_the_cache_with_their_own_token(
    small_world, monkeypatch
):
    """The public (not signed in) read the whole page from the cache: no template is
    rendered, yet each visitor's language form carries their own CSRF token and returns
    to the address they asked for, and the form works."""
    from django.test import signals

    from sinergi.indicators import public as views

    first = Client(enforce_csrf_checks=True)
    first.get("/publik/?period=2025-08")
    rendered: list[str] = []

    def count(sender, template, **kwargs):
        rendered.append(template.name)

    signals.template_rendered.connect(count)
    try:
        visitor = Client(enforce_csrf_checks=True)
        page = visitor.get("/publik/?period=2025-08&utm=x").content.decode()
    finally:
        signals.template_rendered.disconnect(count)
    assert rendered == []
    assert views.CSRF_STAND_IN not in page and views.NEXT_STAND_IN not in page
    assert 'name="next" type="hidden" value="/publik/?period=2025-08&amp;utm=x"' in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert token in page.split("hx-headers", 1)[1][:120]  # htmx sends the same token
    switched = visitor.post(
        "/i18n/setlang/",
        {"language": "en", "next": "/publik/?period=2025-08", "csrfmiddlewaretoken": token},
    )
    assert switched.status_code == 302
    # Another visitor's token is their own: the first visitor's page differs.
    other = first.get("/publik/?period=2025-08").content.decode()
    assert re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', other).group(1) != token


def test_a_signed_in_reader_gets_their_own_layout_around_the_cached_figures(
    small_world, client_for
):
    page = client_for("admin").get("/publik/?period=2025-08").content.decode()
    assert "account_logout" in page or "/accounts/logout/" in page
    anonymous = Client().get("/publik/?period=2025-08").content.decode()
    assert "/accounts/logout/" not in anonymous


@pytest.mark.parametrize("asked", ["nonsense", "2025-13", "2025-Q3", "2025"])
def test_a_period_the_public_pages_do_not_publish_is_answered_with_how_to_write_a_month(
    small_world, asked
):
    # Before, text that was no period at all got the dashboards' hint (a quarter, a year or
    # two days), which the public pages then refused.
    text = Client().get(f"/publik/?period={asked}").content.decode()  # in Indonesian
    assert "Angka publik diterbitkan per bulan kalender (mis. 2025-08)." in text
    assert "kuartal" not in text
    api = Client().get(f"/api/v1/public/indicators?period={asked}")
    assert api.status_code == 422
