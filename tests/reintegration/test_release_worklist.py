"""The release worklist (issue 16): each person once, their open needs and referrals in
the row; filters (days, plan, pathway, wali, right), search, sort; counts of people; the
XLSX export; the API; a fixed number of queries; scoping."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from sinergi.accounts.models import User
from sinergi.inmates.models import Inmate, InmateRight
from sinergi.orgs.models import Facility
from sinergi.reintegration.choices import NeedStatus, Pathway, ReferralStatus
from tests.factories import PartnerFactory
from tests.inmates.factories import make_inmate
from tests.reintegration.factories import NeedFactory, PlanFactory, ReferralFactory
from tests.xlsx import records, table

pytestmark = pytest.mark.django_db

URL = "/reintegration/"
EXPORT = "/reintegration/export/"
API = "/api/v1/reintegration/worklist"


def _released_in(days: int, name: str, facility: str = "selong") -> Inmate:
    """A person in custody whose release (after remission) is ``days`` from today, with
    no integration right (only the release brings them into the list)."""
    today = timezone.localdate()
    inmate = make_inmate(
        facility=Facility.objects.get(code=facility),
        name=name,
        detention_start=today - datetime.timedelta(days=365),
        term_years=0,
        term_months=0,
        term_days=365 + days,
    )
    InmateRight.objects.filter(inmate=inmate).delete()
    expiry = inmate.sentence.expiry_after_remission
    assert expiry is not None and abs((expiry - today).days - days) <= 2, expiry
    return inmate


def _many_needs(name: str, days: int = 20) -> Inmate:
    """Three open needs, one settled, three referrals under way and one completed."""
    inmate = _released_in(days, name)
    plan = PlanFactory(inmate=inmate)
    for pathway in (Pathway.IDENTITY, Pathway.WORK, Pathway.HOUSING):
        NeedFactory(plan=plan, pathway=pathway, status=NeedStatus.NOT_STARTED)
    NeedFactory(plan=plan, pathway=Pathway.HEALTH, status=NeedStatus.MET)
    for status in (ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS):
        ReferralFactory(inmate=inmate, partner=PartnerFactory(), status=status)
    ReferralFactory(inmate=inmate, partner=PartnerFactory(), status=ReferralStatus.COMPLETED)
    return inmate


@pytest.fixture
def people(demo_world):
    """Only the test's people: Alpha (20 days, 3 needs open), Beta (60 days, every need
    settled, followed by wali.selong), Cici (100 days, no plan)."""
    Inmate.objects.all().delete()
    alpha = _many_needs("Alpha Banyak")
    beta = _released_in(60, "Beta Siap")
    NeedFactory(plan=PlanFactory(inmate=beta), pathway=Pathway.WORK, status=NeedStatus.MET)
    Inmate.objects.filter(pk=beta.pk).update(wali=User.objects.get(username="wali.selong"))
    cici = _released_in(100, "Cici Kosong")
    return {"alpha": alpha, "beta": beta, "cici": cici}


def _names(response) -> list[str]:
    assert response.status_code == 200
    return [i.name for i in response.context["page"].object_list]


def _api_names(client, query: str = "") -> list[str]:
    response = client.get(API + query)
    assert response.status_code == 200
    return [i["name"] for i in response.json()["items"]]


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content)).active


def test_each_person_once_with_all_open_needs_and_referrals_in_the_row(client_for, people):
    client = client_for("petugas.selong")
    response = client.get(URL)
    assert _names(response) == ["Alpha Banyak", "Beta Siap", "Cici Kosong"]
    assert response.context["page"].paginator.count == 3
    body = response.content.decode()
    assert "3 orang dalam daftar ini." in body
    alpha = response.context["page"].object_list[0]
    assert alpha.open_needs == 3
    assert sorted(n.pathway for n in alpha.reintegration_plan.open_need_list) == [
        "housing",
        "identity",
        "work",
    ]
    assert len(alpha.open_referral_list) == 3  # the completed one is not under way

    items = client.get(API).json()["items"]
    assert [i["name"] for i in items] == ["Alpha Banyak", "Beta Siap", "Cici Kosong"]
    assert sorted(items[0]["open_need_pathways"]) == ["housing", "identity", "work"]
    assert len(items[0]["open_referrals"]) == 3
    assert items[1]["wali"] and items[0]["wali"] is None
    assert items[2]["has_plan"] is False and items[2]["open_need_pathways"] == []


def test_a_right_filter_does_not_repeat_a_person(client_for, people):
    alpha = people["alpha"]
    soon = timezone.localdate() + datetime.timedelta(days=5)
    for right in ("pb", "asimilasi"):
        InmateRight.objects.create(inmate=alpha, right=right, status="eligible", eligible_from=soon)
    client = client_for("petugas.selong")
    assert _names(client.get(URL + "?right=pb")) == ["Alpha Banyak"]
    assert _names(client.get(URL)).count("Alpha Banyak") == 1
    assert _api_names(client, "?right=pb") == ["Alpha Banyak"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?days=45", ["Alpha Banyak"]),
        ("?days=80", ["Alpha Banyak", "Beta Siap"]),
        ("?plan=open", ["Alpha Banyak"]),
        ("?plan=ready", ["Beta Siap"]),
        ("?plan=none", ["Cici Kosong"]),
        ("?pathway=housing", ["Alpha Banyak"]),
        ("?pathway=health", []),  # met: not open
        ("?wali=none", ["Alpha Banyak", "Cici Kosong"]),
        ("?q=beta", ["Beta Siap"]),
        ("?q=nobody", []),
        ("?sort=name&plan=", ["Alpha Banyak", "Beta Siap", "Cici Kosong"]),
        ("?pathway=nonsense&wali=abc&sort=zz", ["Alpha Banyak", "Beta Siap", "Cici Kosong"]),
    ],
)
def test_filters_and_search_on_the_page_and_the_api(client_for, people, query, expected):
    client = client_for("petugas.selong")
    assert _names(client.get(URL + query)) == expected
    assert _api_names(client, query) == expected


def test_the_wali_filter_and_its_counts(client_for, people):
    client = client_for("petugas.selong")
    wali = User.objects.get(username="wali.selong")
    response = client.get(URL + f"?wali={wali.pk}")
    assert _names(response) == ["Beta Siap"]
    assert _api_names(client, f"?wali={wali.pk}") == ["Beta Siap"]
    counts = {v: n for v, _label, n in response.context["walis"]}
    assert counts == {str(wali.pk): 1, "none": 2}


def test_search_by_registration_number(client_for, people):
    client = client_for("petugas.selong")
    number = people["cici"].registration_number
    assert _names(client.get(URL, {"q": number})) == ["Cici Kosong"]
    assert _api_names(client, f"?q={number}") == ["Cici Kosong"]


def test_sorts_by_release_name_and_open_needs(client_for, people):
    client = client_for("petugas.selong")
    _released_in(10, "Zed Dulu")  # the nearest release, no plan: 0 needs
    assert _names(client.get(URL))[:2] == ["Zed Dulu", "Alpha Banyak"]
    assert _names(client.get(URL + "?sort=name")) == [
        "Alpha Banyak",
        "Beta Siap",
        "Cici Kosong",
        "Zed Dulu",
    ]
    assert _names(client.get(URL + "?sort=needs"))[0] == "Alpha Banyak"
    assert _api_names(client, "?sort=needs")[0] == "Alpha Banyak"


def test_the_default_order_is_paged_from_the_ids_read_in_that_order(client_for, people):
    """National scale: the people within the horizon are read in the list's default order
    (the nearer release first, those with no release date known last, then by name and
    id), and a page without a filter is taken from them, its rows read by id: the list
    is not sorted again (a Kanwil's 8,400 people and their sentences fetched twice, 30 ms).
    Every page holds the rows the database's sort gives, on the page and in the API; a
    filter or another sort is sorted by the database, as before."""
    from sinergi.inmates.models import Sentence

    today = timezone.localdate()
    same_day = [_released_in(40, name) for name in ("Dodi Sama", "Budi Sama", "Adi Sama")]
    Sentence.objects.filter(inmate__in=same_day).update(  # one release day: by name
        expiry_after_remission=today + datetime.timedelta(40)
    )
    unknown = _released_in(30, "Eko Hidup")  # no release date, a right within the horizon
    Sentence.objects.filter(inmate=unknown).update(expiry_after_remission=None)
    InmateRight.objects.create(
        inmate=unknown, right="pb", status="eligible", eligible_from=today + datetime.timedelta(5)
    )
    Inmate.objects.filter(pk=unknown.pk).update(earliest_right=today + datetime.timedelta(5))
    sorted_by_database = [
        i.name
        for i in Inmate.objects.filter(status="in_custody").order_by(
            F("sentence__expiry_after_remission").asc(nulls_last=True), "name", "id"
        )
    ]
    assert sorted_by_database[-1] == "Eko Hidup"
    first = sorted_by_database.index("Adi Sama")
    assert sorted_by_database[first : first + 3] == ["Adi Sama", "Budi Sama", "Dodi Sama"]

    client = client_for("petugas.selong")
    with CaptureQueriesContext(connection) as ctx:
        assert _names(client.get(URL)) == sorted_by_database
    sorted_on_release = [
        q["sql"]
        for q in ctx.captured_queries
        if "ORDER BY" in q["sql"].upper() and "expiry_after_remission" in q["sql"]
    ]
    pages = [_api_names(client, f"?page_size=2&page={n}") for n in (1, 2, 3, 4)]
    assert [name for page in pages for name in page] == sorted_by_database
    assert _api_names(client, "?page_size=2&page=5") == []
    assert _names(client.get(URL + "?wali=none&sort=release"))[-1] == "Eko Hidup"

    if connection.vendor == "postgresql":
        # the ids, read in order, once; the page's rows by id, not sorted again
        assert len(sorted_on_release) == 1, sorted_on_release
        assert sorted_on_release[0].upper().startswith("SELECT ARRAY(")
    else:  # (elsewhere the ids stay a subquery and the database sorts the page)
        assert len(sorted_on_release) == 1, sorted_on_release


def test_the_xlsx_holds_each_person_once_with_dates_as_dates(client_for, people):
    client = client_for("petugas.selong")
    sheet = _sheet(client.get(EXPORT + "?plan=open"))
    rows = table(sheet)
    assert len(rows) == 2  # the header, then Alpha once
    _header, alpha = rows
    assert alpha[0] == "Alpha Banyak"
    assert alpha[1] == people["alpha"].registration_number
    release = alpha[4]
    assert isinstance(release, datetime.datetime)
    assert release.date() == people["alpha"].sentence.expiry_after_remission
    assert alpha[7] == 3
    assert alpha[8].count(";") == 2 and alpha[9].count(";") == 2
    assert sheet.freeze_panes == "C4"  # under the header, right of name and number
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet["E4"].number_format == "dd/mm/yyyy"
    title, period = sheet["A1"].value, sheet["A2"].value
    assert title.endswith(Facility.objects.get(code="selong").name)
    assert "183" in period  # the days the list looks ahead

    everyone = table(_sheet(client.get(EXPORT + "?sort=name")))
    assert [r[0] for r in everyone[1:]] == ["Alpha Banyak", "Beta Siap", "Cici Kosong"]


def test_the_export_reads_the_list_by_id_a_batch_at_a_time_in_the_pages_order(
    client_for, people, monkeypatch
):
    """National scale: the file was read 500 rows at a time by OFFSET, each batch running
    the whole filtered and sorted list again (1.8 s for the largest facility). The ids are
    read once in the list's order, then each batch by id; the rows and their order are
    the page's, whatever the batch."""
    from sinergi.reintegration import worklist_export

    monkeypatch.setattr(worklist_export, "BATCH", 2)
    client = client_for("petugas.selong")
    for sort in ("", "name", "needs"):
        page = _names(client.get(URL + f"?sort={sort}"))
        with CaptureQueriesContext(connection) as ctx:
            rows = table(_sheet(client.get(EXPORT + f"?sort={sort}")))
        assert [r[0] for r in rows[1:]] == page
        assert rows[1][7] == 3 or sort == "name"
        assert not [q["sql"] for q in ctx.captured_queries if " OFFSET " in q["sql"].upper()]


def test_the_page_links_the_export_with_its_filters(client_for, people):
    body = client_for("petugas.selong").get(URL + "?plan=open&q=al").content.decode()
    assert 'href="/reintegration/export/?plan=open&amp;q=al"' in body


# --- query counts ---------------------------------------------------------------------


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("url", [URL, URL + "?sort=needs&plan=open", API, EXPORT])
def test_the_page_the_api_and_the_export_run_a_fixed_number_of_queries(client_for, people, url):
    client = client_for("petugas.selong")
    few = _count(client, url)
    for n in range(12):
        _many_needs(f"Lagi {n}", days=30 + n)
    assert _count(client, url) == few


@pytest.mark.parametrize("url", [URL, API, EXPORT])
def test_as_many_queries_whether_the_people_listed_have_a_wali_or_not(client_for, people, url):
    """The wali's name is read with the row: a prefetch of the walis asked nothing when no
    one listed had one (the country's first page of a region: 17 statements, 18 at small
    scale). Each row still names its wali, on the page, in the API and in the file."""
    client = client_for("petugas.selong")
    wali = User.objects.get(username="wali.selong")
    Inmate.objects.update(wali=None)
    without = _count(client, url)
    Inmate.objects.update(wali=wali)
    assert _count(client, url) == without
    response = client.get(url)
    if url == URL:
        assert response.content.decode().count(wali.get_full_name()) >= 3
    elif url == API:
        assert {row["wali"] for row in response.json()["items"]} == {wali.get_full_name()}
    else:
        rows = records(_sheet(response))
        assert len(rows) == 3
        assert all(wali.get_full_name() in row.values() for row in rows), rows


def test_a_rows_figures_are_computed_for_the_page_not_grouped_over_everyone(client_for, people):
    """National scale: the row's figures (open needs, earliest right) are subqueries of
    the row, so the count of the list reads no need and no statement groups the people.
    (With a filter, here on walis, and sorted by needs: without one, on PostgreSQL, the
    list is not counted by the database at all.)"""
    with CaptureQueriesContext(connection) as ctx:
        page = client_for("petugas.selong").get(URL + "?wali=none&sort=needs")
        assert page.status_code == 200
    listed = [q["sql"] for q in ctx.captured_queries if '"inmates_inmate"' in q["sql"]]
    counts = [sql for sql in listed if "COUNT(*)" in sql.upper()]
    assert counts
    for sql in counts:
        assert "reintegration_need" not in sql
    for sql in listed:
        # a statement that groups (the walis' counts) joins no need; the subqueries of a
        # row (each grouping its own person's needs) aside
        outer = _outside_parentheses(sql)
        assert "GROUP BY" not in outer.upper() or "reintegration_need" not in outer


def _outside_parentheses(sql: str) -> str:
    """``sql`` without what is in parentheses (its subqueries, its functions' arguments)."""
    kept, depth = [], 0
    for char in sql:
        depth += char == "("
        if depth == 0:
            kept.append(char)
        depth -= char == ")"
    return "".join(kept)


def test_the_people_within_the_horizon_are_read_once_for_the_page_its_count_and_walis(
    client_for, people
):
    """National scale: "released within the horizon, or a right within it" was a subquery
    that a region's page ran three times (its rows, its count, its wali options: 40 ms
    each for a Kanwil). On PostgreSQL it is read once and the three statements are given
    its ids; elsewhere each statement keeps it as a subquery. It tests each person of the
    place once (an OR), not through a UNION that read a region's people twice. The same
    people either way."""
    client = client_for("petugas.selong")
    wali = User.objects.get(username="wali.selong")
    for url in (URL, URL + f"?wali={wali.pk}&plan=ready", API):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        statements = [q["sql"] for q in ctx.captured_queries]
        assert not [sql for sql in statements if " UNION " in sql.upper()]
        if connection.vendor == "postgresql":
            read = [sql for sql in statements if sql.upper().startswith("SELECT ARRAY(")]
            assert len(read) == 1, read
            # (a right within the horizon: the person's earliest, kept on the person)
            assert '"earliest_right"' in read[0] and "inmates_inmateright" not in read[0]
    response = client.get(URL + f"?wali={wali.pk}")
    assert _names(response) == ["Beta Siap"]
    counts = {v: n for v, _label, n in response.context["walis"]}
    assert counts == {str(wali.pk): 1, "none": 2}


def test_the_page_and_the_api_without_a_filter_count_the_ids_they_read(client_for, people):
    """With no filter the list is the people within the horizon: on PostgreSQL their ids,
    read once, are counted where they are (a Kanwil's 11,000 were counted again by the
    database, 11 ms); a filter (here the wali) needs the database's count. The same number
    either way."""
    client = client_for("petugas.selong")
    wali = User.objects.get(username="wali.selong")
    for url, counted in ((URL, False), (API, False), (URL + f"?wali={wali.pk}", True)):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        counts = [
            q["sql"]
            for q in ctx.captured_queries
            if q["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "inmates_inmate" WHERE')
        ]
        if connection.vendor == "postgresql":
            assert len(counts) == (1 if counted else 0), (url, counts)
        shown = response.json()["count"] if url == API else response.context["page"].paginator.count
        assert shown == (1 if counted else 3), url


# --- scoping ----------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["petugas.lobar", "mitra.dukcapil", "pk.bapas"])
def test_an_outsider_sees_no_one_nor_their_export(client_for, people, username):
    client = client_for(username)
    page = client.get(URL)
    assert page.status_code == 404 or _names(page) == []
    export = client.get(EXPORT)
    assert export.status_code == 404 or table(_sheet(export))[1:] == []
    assert _api_names(client) == []
    assert _api_names(client, "?q=Alpha") == []


def test_an_export_longer_than_the_limit_is_refused(client_for, people, settings):
    settings.EXPORT_MAX_ROWS = 1
    client = client_for("petugas.selong")
    response = client.get(EXPORT + "?sort=name", language="id")
    assert response.status_code == 302
    assert response["Location"] == URL + "?sort=name"
    body = client.get(response["Location"], language="id").content.decode()
    assert "paling banyak 1 baris" in body
