"""The records behind each figure: the rows a figure counts, the page that lists them for
the dashboard's area and period, who may open it, and who is named on it."""

from __future__ import annotations

import io
import statistics
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from sinergi.core.models import AuditEvent
from sinergi.core.roles import Role
from sinergi.indicators.catalogue import (
    AVERAGE,
    CATALOGUE,
    FACILITY,
    MEDIAN,
    NATIONAL,
    PARTNER,
    REGION,
    SUM,
    Indicator,
    Query,
)
from sinergi.indicators.periods import parse_period
from sinergi.indicators.record_lists import contribution_of, listing_for
from sinergi.orgs.models import Facility, Partner, Region
from sinergi.programs.models import Enrollment
from tests.factories import MembershipFactory
from tests.indicators.conftest import day
from tests.indicators.test_catalogue import (  # noqa: F401  (fixtures)
    agreements,
    answers,
    attendance,
    cohort,
    commitments,
    completions,
    custody,
    deliveries,
    follow_ups,
    needs,
    requests,
    scores,
)
from tests.indicators.test_dashboards import _count
from tests.xlsx import table

pytestmark = pytest.mark.django_db


def _periods() -> list[str]:
    year = timezone.localdate().year
    return [str(year - 1), str(year)]


def _areas() -> list[tuple[str, int | None]]:
    selong = Facility.objects.get(code="selong")
    return [
        (FACILITY, selong.pk),
        (REGION, selong.region_id),
        (PARTNER, Partner.objects.get(code="disnaker-lotim").pk),
        (NATIONAL, None),
    ]


def _agrees(indicator: Indicator, q: Query) -> int:
    """Assert that the rows behind ``q``'s figure are the figure's; their number."""
    value = indicator.compute(q)[None]
    assert indicator.rows is not None
    rows = list(indicator.rows(q))
    assert len(rows) == len({row.pk for row in rows}), "a record listed twice"
    contributions = (
        [Decimal(str(contribution_of(row, indicator.contribution))) for row in rows]
        if indicator.contribution
        else []
    )
    if indicator.kind == SUM:
        assert sum(contributions, Decimal(0)) == value.numerator
    elif indicator.kind == AVERAGE:
        assert (len(rows), sum(contributions, Decimal(0))) == (value.denominator, value.numerator)
    elif indicator.kind == MEDIAN:
        assert len(rows) == value.denominator
        if rows:
            assert (
                Decimal(str(statistics.median(contributions))).quantize(Decimal("0.1"))
                == value.value
            )
    else:
        assert len(rows) == value.numerator
    return len(rows)


FACTORY_DATA = (
    "custody",
    "attendance",
    "completions",
    "agreements",
    "commitments",
    "requests",
    "answers",
    "deliveries",
    "needs",
    "follow_ups",
    "cohort",
    "scores",
)


def test_every_indicator_lists_the_records_its_figure_counts(w, request):
    for name in FACTORY_DATA:
        request.getfixturevalue(name)
    areas = [
        (FACILITY, w.a.pk),
        (FACILITY, w.c.pk),
        (REGION, w.north.pk),
        (PARTNER, w.p.pk),
        (NATIONAL, None),
    ]
    found: dict[str, int] = {}
    for indicator in CATALOGUE:
        for scope, area_id in areas:
            if not indicator.shown_at(scope):
                continue
            for code in ("2025-08", "2025", "2026"):
                q = Query(parse_period(code), scope, area_id)
                found[indicator.id] = found.get(indicator.id, 0) + _agrees(indicator, q)
    # The factory data hold records behind the figures: the agreement is not one of zeros.
    assert sum(1 for n in found.values() if n) >= 18, found


def _held_past_release(w) -> None:
    """Two people held past their release date in facility A on 31 August 2025."""
    from sinergi.inmates.models import Sentence

    for release in ("2025-07-31", "2025-08-28"):
        Sentence.objects.create(
            inmate=w.inmate(w.a),
            term_years=1,
            detention_start=day("2024-01-01"),
            expiry_after_remission=day(release),
        )


def test_each_records_page_with_records_shows_as_many_as_its_figure_counts(client_for, w, request):
    for name in FACTORY_DATA:
        request.getfixturevalue(name)
    _held_past_release(w)
    client = client_for("admin")
    for indicator in CATALOGUE:
        if not indicator.shown_at(FACILITY):
            continue
        response = client.get(_records_url(indicator.id, FACILITY, w.a.pk, "2025-08"))
        assert response.status_code == 200, indicator.id
        value = indicator.compute(Query(parse_period("2025-08"), FACILITY, w.a.pk))[None]
        count = response.context["page"].paginator.count
        if indicator.kind in (AVERAGE, MEDIAN):
            assert count == value.denominator, indicator.id
        elif indicator.kind == SUM:
            assert response.context["total"] == value.numerator, indicator.id
        else:
            assert count == value.numerator, indicator.id
    days = client.get(
        _records_url("reintegration.held_past_release_days", FACILITY, w.a.pk, "2025-08")
    )
    assert days.context["total"] == 34  # 31 + 3 person-days


def _records_url(indicator_id: str, scope: str, area_id: int | None, period: str) -> str:
    area = f"&id={area_id}" if area_id is not None else ""
    return f"/indicators/{indicator_id}/records/?scope={scope}{area}&period={period}"


@pytest.mark.parametrize(
    "indicator", [i for i in CATALOGUE if i.shown_at(FACILITY)], ids=lambda i: i.id
)
def test_each_records_page_counts_what_the_facility_figure_counts(client_for, indicator):
    selong = Facility.objects.get(code="selong")
    period = _periods()[1]
    response = client_for("kalapas.selong").get(
        _records_url(indicator.id, FACILITY, selong.pk, period)
    )
    assert response.status_code == 200
    value = indicator.compute(Query(parse_period(period), FACILITY, selong.pk))[None]
    count = response.context["page"].paginator.count
    if indicator.kind in (AVERAGE, MEDIAN):
        assert count == value.denominator
    elif indicator.kind == SUM:
        assert response.context["total"] == value.numerator
    else:
        assert count == value.numerator


@pytest.mark.parametrize(
    "username, scope, code",
    [
        ("petugas.lobar", FACILITY, "selong"),
        ("mitra.disnaker", FACILITY, "selong"),
        ("instruktur.blk", FACILITY, "selong"),
        ("kalapas.selong", REGION, "ntb"),
        ("kanwil.ntb", NATIONAL, ""),
        ("kalapas.selong", PARTNER, "disnaker-lotim"),
    ],
)
def test_outsiders_are_refused_the_records(client_for, username, scope, code):
    area_id = {
        FACILITY: lambda: Facility.objects.get(code=code).pk,
        REGION: lambda: Facility.objects.get(code="selong").region_id,
        PARTNER: lambda: Partner.objects.get(code=code).pk,
        NATIONAL: lambda: None,
    }[scope]()
    url = _records_url("participation.certificates", scope, area_id, _periods()[1])
    assert client_for(username).get(url).status_code == 404


def test_a_partner_reads_its_own_records_without_names_and_no_other_partners(client_for):
    disnaker = Partner.objects.get(code="disnaker-lotim")
    other = Partner.objects.exclude(pk=disnaker.pk).first()
    client = client_for("mitra.disnaker")
    ok = client.get(_records_url("participation.completions", PARTNER, disnaker.pk, _periods()[1]))
    assert ok.status_code == 200
    assert ok.context["show_person"] is False
    assert ok.context["names_hidden"] is True
    assert all(item["person"] is None for item in ok.context["items"])
    refused = client.get(
        _records_url("participation.completions", PARTNER, other.pk, _periods()[1])
    )
    assert refused.status_code == 404


def test_an_unknown_indicator_or_a_level_it_is_not_shown_at_is_not_found(client_for):
    selong = Facility.objects.get(code="selong")
    client = client_for("admin")
    period = _periods()[1]
    assert client.get(_records_url("no.such", FACILITY, selong.pk, period)).status_code == 404
    assert (
        client.get(
            _records_url("reintegration.held_past_release", NATIONAL, None, period)
        ).status_code
        == 404
    )
    assert (
        client.get(_records_url("participation.certificates", "elsewhere", 1, period)).status_code
        == 404
    )


def test_a_list_naming_people_is_one_audited_read_and_names_them(client_for):
    selong = Facility.objects.get(code="selong")
    before = AuditEvent.objects.filter(action="indicator.records.list").count()
    response = client_for("kanwil.ntb").get(
        _records_url("participation.certificates", FACILITY, selong.pk, _periods()[1])
    )
    assert response.status_code == 200
    assert response.context["show_person"] is True
    events = AuditEvent.objects.filter(action="indicator.records.list")
    assert events.count() == before + 1
    event = events.latest("pk")
    assert event.changes["indicator"] == "participation.certificates"
    assert event.changes["count"] == response.context["page"].paginator.count
    items = response.context["items"]
    if items:
        assert items[0]["person"].name in response.content.decode()


def test_a_list_of_agreements_names_nobody_and_is_not_audited(client_for):
    selong = Facility.objects.get(code="selong")
    before = AuditEvent.objects.filter(action="indicator.records.list").count()
    response = client_for("kalapas.selong").get(
        _records_url("cooperation.active_agreements", FACILITY, selong.pk, _periods()[1])
    )
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="indicator.records.list").count() == before


def _rows(w, n: int) -> None:
    program = w.program(w.a, partners=(w.p,))
    session = w.session(program, "2025-08-06")
    for _ in range(n):
        enrolment = w.enrol(program)
        w.mark(session, enrolment, "present", "2")
        w.certificate(enrolment, "2025-08-20")


@pytest.mark.parametrize(
    "indicator_id",
    ["participation.certificates", "participation.training_hours", "participation.enrolled_share"],
)
def test_the_records_page_runs_a_fixed_number_of_queries(client_for, w, indicator_id):
    client = client_for("admin")
    url = _records_url(indicator_id, FACILITY, w.a.pk, "2025-08")
    _rows(w, 3)
    before = _count(client, url)
    _rows(w, 12)
    assert client.get(url).context["page"].paginator.count >= 15
    assert _count(client, url) == before


def test_every_figure_of_the_dashboard_links_to_its_records(client_for):
    selong = Facility.objects.get(code="selong")
    period = _periods()[1]
    response = client_for("kalapas.selong").get(
        f"/indicators/facility/{selong.pk}/?period={period}"
    )
    html = response.content.decode()
    for group in response.context["groups"]:
        for row in group["rows"]:
            assert (
                f"/indicators/{row.indicator.id}/records/?scope=facility&amp;period={period}"
                f"&amp;id={selong.pk}" in html
            )


def test_the_region_dashboard_links_its_figures_to_the_region_records(client_for):
    region = Region.objects.get(pk=Facility.objects.get(code="selong").region_id)
    response = client_for("kanwil.ntb").get(f"/indicators/region/{region.pk}/?period=2025")
    assert f"records/?scope=region&amp;period=2025&amp;id={region.pk}" in response.content.decode()


def _sheet(response) -> list[tuple]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(response.content))
    return table(workbook.active)


def test_the_records_download_as_xlsx_with_names_audited(client_for, w):
    _rows(w, 3)
    before = AuditEvent.objects.filter(action="indicator.records.list").count()
    url = _records_url("participation.certificates", FACILITY, w.a.pk, "2025-08")
    response = client_for("admin").get(url + "&format=xlsx")
    assert response.status_code == 200
    rows = _sheet(response)
    assert rows[0][0] == "Nama"
    assert len(rows) == 1 + 3
    assert rows[1][-1].startswith("http")
    event = AuditEvent.objects.filter(action="indicator.records.list").latest("pk")
    assert AuditEvent.objects.filter(action="indicator.records.list").count() == before + 1
    assert (event.changes["format"], event.changes["count"]) == ("xlsx", 3)


def test_a_partners_download_names_nobody(client_for, w):
    _rows(w, 2)
    response = client_for("admin").get(
        _records_url("participation.certificates", PARTNER, w.p.pk, "2025-08") + "&format=xlsx"
    )
    rows = _sheet(response)
    assert len(rows) == 1 + 2
    names = {
        enrolment.inmate.name for enrolment in Enrollment.objects.filter(program__partners=w.p)
    }
    assert names and not names & {cell for row in rows for cell in row}


# --- links to the records' own pages ----------------------------------------------------


NONE_OPENS = "Peran Anda tidak dapat membuka halaman data-data ini."


def _links_checked(client: Client, areas: list, who: str) -> tuple[int, int]:
    """Every records page of ``areas`` the reader opens, each row's link: one shown opens
    (200), the address of one left out is refused. How many were shown, and left out."""
    statuses: dict[str, int] = {}
    shown = hidden = 0

    def status(url: str) -> int:
        if url not in statuses:
            statuses[url] = client.get(url).status_code
        return statuses[url]

    for indicator in CATALOGUE:
        for scope, area_id in areas:
            if indicator.rows is None or not indicator.shown_at(scope):
                continue
            # the year: every month's records of the factory data
            page = client.get(_records_url(indicator.id, scope, area_id, "2025"))
            if page.status_code == 404:
                continue  # a dashboard this reader does not read
            assert page.status_code == 200, (who, indicator.id)
            listing = listing_for(indicator.rows(Query(parse_period("2025"), scope, area_id)))
            rows = page.context["page"].object_list
            # a page where no record opens says it once, with no column of refusals
            opens_any = any(item["url"] for item in page.context["items"])
            assert page.context["links_shown"] is opens_any
            body = page.content.decode()
            assert (NONE_OPENS in body) is (bool(rows) and not opens_any), (who, indicator.id)
            assert ("Tidak terbuka untuk peran Anda" in body) is (
                opens_any and not all(item["url"] for item in page.context["items"])
            )
            for row, item in zip(rows, page.context["items"], strict=True):
                if item["url"]:
                    assert status(item["url"]) == 200, (who, indicator.id, item["url"])
                    shown += 1
                else:
                    refused = status(listing.link(row))
                    assert refused in (302, 403, 404), (who, indicator.id, refused)
                    hidden += 1
    return shown, hidden


def _reader(role, **place) -> Client:
    membership = MembershipFactory(role=role, **place)
    client = Client()
    client.force_login(membership.user)
    return client


def test_a_records_link_is_given_only_where_the_reader_opens_the_records_page(
    client_for, w, request
):
    """Whoever reads a dashboard reads its records' list, not always the records: a
    facility's guardian reads its figures but not another officer's session roster (403),
    a Kanwil no roster, a partner neither the programs it does not deliver nor anyone's
    plan (404). Each row links to its page only for a reader it opens to (200); for the
    others the row says so, and the address it would have had is refused to them."""
    for name in FACTORY_DATA:
        request.getfixturevalue(name)
    readers = {
        "head": (_reader(Role.HEAD, facility=w.a), [(FACILITY, w.a.pk)]),
        "guardian": (_reader(Role.GUARDIAN, facility=w.a), [(FACILITY, w.a.pk)]),
        "kanwil": (
            _reader(Role.REGIONAL_VIEWER, facility=None, region=w.north),
            [(REGION, w.north.pk), (FACILITY, w.a.pk)],
        ),
        "partner": (_reader(Role.PARTNER_USER, facility=None, partner=w.p), [(PARTNER, w.p.pk)]),
        "pk": (_reader(Role.PROBATION_OFFICER, facility=w.a), [(FACILITY, w.a.pk)]),
        "admin": (client_for("admin"), [(NATIONAL, None), (FACILITY, w.c.pk)]),
    }
    shown: dict[str, int] = {}
    hidden: dict[str, int] = {}
    for who, (client, areas) in readers.items():
        shown[who], hidden[who] = _links_checked(client, areas, who)
    # Every reader met rows; the head and the administrator open all of theirs, the others
    # some of them only.
    assert all(shown[who] for who in ("head", "guardian", "kanwil", "admin")), shown
    assert hidden["head"] == hidden["admin"] == 0, hidden
    assert hidden["guardian"] and hidden["kanwil"] and hidden["partner"], hidden
