"""Past periods are computed once: the stored figures of the country and the regions read
back exactly as the live computation gives them, for every indicator and grouping the
national and regional dashboards show; a closed period is stored at its close or after
its first read, the current month stays live, and a revision computes them again."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sinergi.core import audit
from sinergi.indicators import dashboards, stored
from sinergi.indicators.catalogue import CATALOGUE, FACILITY, NATIONAL, REGION, Query
from sinergi.indicators.models import StoredFigure, StoredSet
from sinergi.indicators.periods import month_of, parse_period
from sinergi.indicators.tasks import detect_revisions_task
from sinergi.orgs.models import Region
from tests.factories import FacilityFactory
from tests.indicators.conftest import AUG, World, day

pytestmark = pytest.mark.django_db

PERIODS = ("2025-08", "2025-Q3", "2025")
NIK = "5203010101900001"


def _proposal(w: World, facility, eligible: str, released: str) -> None:
    from sinergi.proposals.models import Proposal

    Proposal.objects.create(
        inmate=w.inmate(facility, status="released"),
        facility=facility,
        right="pb",
        stage="released",
        stage_since=day(released),
        eligible_on=day(eligible),
        sk_date=day(released),
        released_on=day(released),
    )


def populate(w: World) -> None:
    """A month of every kind of record in both regions, with a person transferred from
    A to B (north) on 15 August, and waits whose medians do not add up."""
    north_a = w.program(w.a, partners=(w.p,), category="vocational")
    north_b = w.program(w.b, partners=(w.q,), category="religious")
    south = w.program(w.c, partners=(w.r,), category="vocational")
    # the transfer: the same person at A until 15 August, then at B
    left = w.inmate(w.a, nik=NIK, status="transferred", status_changed_on=day("2025-08-15"))
    arrived = w.inmate(w.b, nik=NIK)
    for program, person in ((north_a, left), (north_b, arrived)):
        enrolment = w.enrol(program, person)
        w.mark(w.session(program, "2025-08-06"), enrolment, "present", "2")
    for program in (north_a, north_b, south):
        session = w.session(program, "2025-08-12")
        for status in ("present", "present", "absent"):
            enrolment = w.enrol(program)
            w.mark(session, enrolment, status, "2")
        w.certificate(w.enrol(program, ended="2025-08-20", reason="completed"), "2025-08-21")
    w.inmate(w.a)
    w.score(w.inmate(w.c), "2025-08-01", "70")
    w.score(w.inmate(w.a), "2025-08-01", "60")
    # medians: answers after 1, 4 and 10 days at A, 2 at B, 7 at C
    for facility, partner, answered in (
        (w.a, w.p, "2025-08-02 08:00"),
        (w.a, w.p, "2025-08-05 08:00"),
        (w.a, w.q, "2025-08-11 08:00"),
        (w.b, w.q, "2025-08-03 08:00"),
        (w.c, w.r, "2025-08-08 08:00"),
    ):
        w.request(
            facility, partner, status="accepted", submitted="2025-08-01 08:00", answered=answered
        )
    _proposal(w, w.a, "2025-08-01", "2025-08-10")
    _proposal(w, w.a, "2025-07-21", "2025-08-20")
    _proposal(w, w.b, "2025-07-01", "2025-08-05")
    _proposal(w, w.c, "2025-08-15", "2025-08-15")
    agreement = w.agreement(w.p, w.q, facility=w.a)
    w.agreement(w.r, region=w.south)
    commitment = w.commitment(agreement, w.p, target="2")
    w.deliver(w.p, "2025-08-10", commitment=commitment, quantity="3", value="150000")
    request = w.request(w.c, w.r, kind="equipment", status="accepted", submitted="2025-07-01 08:00")
    w.deliver(w.r, "2025-08-11", request=request, quantity="1", value="2500000")
    release = w.release(w.a, "2025-08-15")
    w.need(release.inmate, "work", "met", partner=w.p, met_at="2025-08-01 10:00")
    w.refer(w.inmate(w.b), w.q, "completed", "2025-08-04 09:00")
    w.refer(w.inmate(w.c), w.r, "sent", "2025-08-05 09:00")
    w.follow_up(
        w.release(w.b, "2025-05-10"),
        3,
        "2025-08-10",
        done="2025-08-10",
        contact=True,
        work="employed",
    )


def digits(figures: dict) -> dict:
    return {k: (str(v.numerator), str(v.denominator), str(v.value)) for k, v in figures.items()}


def shown(area: str) -> list[tuple[str, str | None]]:
    """Every (indicator, grouping) the dashboard of ``area`` shows, read off the
    dashboards' own definitions."""
    compared = REGION if area == NATIONAL else FACILITY
    found = [(i.id, None) for i in CATALOGUE if i.shown_at(area)]
    found += [(i.id, compared) for i in dashboards.COMPARABLE]
    found += [(i, by) for _c, _t, i, by in dashboards.COOPERATION_CHARTS]
    return found


def areas(w: World) -> list[tuple[str, int | None]]:
    return [(NATIONAL, None), (REGION, w.north.pk), (REGION, w.south.pk)]


@pytest.mark.parametrize("code", PERIODS)
def test_stored_figures_read_back_equal_the_live_ones_for_every_figure_shown(w, code):
    populate(w)
    period = parse_period(code)
    for area, area_id in areas(w):
        stored.store(period, area, area_id)
        source = stored.load(period, area, area_id)
        assert source is not None
        q = Query(period, area, area_id)
        for indicator_id, by in shown(area):
            indicator = dashboards.BY_ID[indicator_id]
            live = indicator.compute(q.with_by(by))
            read = source(indicator, q.with_by(by))
            assert read == live, (area, indicator_id, by)
            assert digits(read) == digits(live)  # digit for digit: 3.00 hours, 12.0 days
            if (indicator_id, by) not in stored.LIVE_ONLY:
                assert (indicator_id, by) in source.figures  # read from the stored rows
    # The medians do not add up: A waited 1, 4 and 10 days (median 4), B 2 (median 2);
    # the north's median is 3, which no sum of the facilities' rows gives.
    median = dashboards.BY_ID["cooperation.median_days_to_answer"]
    by_facility = median.compute(Query(AUG, REGION, w.north.pk, FACILITY))
    assert (by_facility[w.a.pk].value, by_facility[w.b.pk].value) == (4, 2)
    assert median.compute(Query(AUG, REGION, w.north.pk))[None].value == Decimal("3.0")


def test_the_transferred_person_counts_once_at_each_facility_of_the_region(w):
    populate(w)
    stored.store(AUG, NATIONAL)
    figures = stored.load(AUG, NATIONAL, None)
    indicator = dashboards.BY_ID["participation.enrolled_share"]
    by_facility = figures(indicator, Query(AUG, NATIONAL, None, FACILITY))
    live = indicator.compute(Query(AUG, NATIONAL, None, FACILITY))
    assert by_facility == live
    assert by_facility[w.a.pk].numerator >= 1 and by_facility[w.b.pk].numerator >= 1


def test_the_dashboards_show_the_same_page_from_stored_figures(client_for, w):
    populate(w)
    client = client_for("admin")
    for url in (
        "/indicators/national/?period=2025-08&indicator=cooperation.median_days_to_answer",
        f"/indicators/region/{w.north.pk}/?period=2025-Q3",
    ):
        live = client.get(url)
        stored.store_month(AUG)
        stored.store(parse_period("2025-Q3"), REGION, w.north.pk)
        from_store = client.get(url)
        assert from_store.context["groups"] == live.context["groups"]
        assert [c.rows for c in from_store.context["charts"]] == [
            c.rows for c in live.context["charts"]
        ]


def test_a_closed_month_is_stored_after_its_first_read_and_read_from_then_on(
    client_for, w, django_capture_on_commit_callbacks
):
    populate(w)
    client = client_for("admin")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get("/indicators/national/?period=2025-08").status_code == 200
    assert StoredSet.objects.filter(period="2025-08", area=NATIONAL).exclude(computed_at=None)
    connection.queries_log.clear()  # a full log (9,000 queries) shifts what is captured
    with CaptureQueriesContext(connection) as first:
        client.get(f"/indicators/region/{w.north.pk}/?period=2025-08")
    live_count = len(first)  # read now: the log is cleared again below
    with django_capture_on_commit_callbacks(execute=True):
        client.get(f"/indicators/region/{w.north.pk}/?period=2025-08")
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as stored_read:
        client.get(f"/indicators/region/{w.north.pk}/?period=2025-08")
    assert len(stored_read) < live_count
    sql = " ".join(q["sql"] for q in stored_read.captured_queries)
    assert "programs_attendance" not in sql  # no record is read: the stored figures are


def test_the_current_month_and_custom_ranges_stay_live(
    client_for, w, django_capture_on_commit_callbacks
):
    client = client_for("admin")
    with django_capture_on_commit_callbacks(execute=True):
        client.get("/indicators/national/")
        client.get("/indicators/national/?period=2025-08-01..2025-08-31")
        client.get(f"/indicators/facility/{w.a.pk}/?period=2025-08")
    assert not StoredSet.objects.exists()
    this_month = month_of(day("2026-12-05"))
    assert not stored.storable(this_month, NATIONAL, today=day("2026-12-05"))
    assert stored.storable(this_month, NATIONAL, today=day("2027-01-01"))
    with pytest.raises(ValueError):
        stored.store(parse_period("2025-08-01..2025-08-31"), NATIONAL)


def test_the_requests_by_status_stay_live(w):
    """Counted by the requests' status today: a stored count would be wrong the next day."""
    populate(w)
    stored.store(AUG, NATIONAL)
    request = w.request(w.a, w.p, submitted="2025-08-20 08:00")
    figures = stored.load(AUG, NATIONAL, None)
    indicator = dashboards.BY_ID["cooperation.requests"]
    q = Query(AUG, NATIONAL, None, "status")
    assert ("cooperation.requests", "status") not in figures.figures
    before = figures(indicator, q)
    request.status = "accepted"
    request.save(update_fields=["status"])
    assert figures(indicator, q) == indicator.compute(q) != before


def _count(client, url: str) -> int:
    connection.queries_log.clear()  # a full log (9,000 queries) shifts what is captured
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize(
    "path",
    [
        "/indicators/national/?period=2025-08",
        "/indicators/national/?period=2025",
        "/indicators/region/{north}/?period=2025-08",
        "/api/v1/indicators/values?scope=national&period=2025-08",
        "/api/v1/indicators/values?scope=region:{north}&period=2025-08&by=facility",
    ],
)
def test_national_and_regional_figures_read_a_fixed_number_of_queries(client_for, w, path):
    populate(w)
    client = client_for("admin")
    url = path.format(north=w.north.pk)
    stored.store_month(AUG)
    stored.store(parse_period("2025"), NATIONAL)
    before = _count(client, url)
    for n in range(6):
        facility = FacilityFactory(region=w.north if n % 2 else w.south, name=f"Lapas {n}")
        program = w.program(facility, partners=(w.p,))
        w.mark(w.session(program, "2025-08-06"), w.enrol(program), "present", "2")
    stored.store_month(AUG, again=True)
    stored.store(parse_period("2025"), NATIONAL, again=True)
    assert _count(client, url) == before


def test_a_back_dated_change_then_revision_detection_updates_the_national_figure(w):
    populate(w)
    stored.store_month(AUG)
    indicator = dashboards.BY_ID["participation.attendance_rate"]
    q = Query(AUG, NATIONAL)
    was = stored.load(AUG, NATIONAL, None)(indicator, q)[None]
    # A correction dated in August, recorded in December.
    program = w.program(w.b)
    session = w.session(program, "2025-08-28")
    for _n in range(4):
        w.mark(session, w.enrol(program), "absent", "0")
    audit.record("attendance.record", by=None, target=session, facility=w.b)
    assert stored.load(AUG, NATIONAL, None)(indicator, q)[None] == was  # not yet
    detect_revisions_task.call()
    now = stored.load(AUG, NATIONAL, None)(indicator, q)[None]
    assert now == indicator.compute(q)[None] != was
    assert now.denominator == was.denominator + 4
    for region in (w.north, w.south):
        there = Query(AUG, REGION, region.pk)
        assert stored.load(AUG, REGION, region.pk)(indicator, there) == indicator.compute(there)
    # Nothing changed since: the next detection computes nothing again.
    national = StoredSet.objects.get(period="2025-08", area=NATIONAL)
    detect_revisions_task.call()
    assert StoredSet.objects.get(pk=national.pk).computed_at == national.computed_at
    # A change that moves no figure: the set is read again, and kept.
    audit.record("attendance.record", by=None, target=session, facility=w.b)
    detect_revisions_task.call()
    kept = StoredSet.objects.get(pk=national.pk)
    assert kept.computed_at == national.computed_at
    assert kept.data_version > national.data_version


def test_the_command_stores_a_closed_month_once_and_a_facility_revision_recomputes(w):
    populate(w)
    regions = Region.objects.count()
    call_command("store_figures", "--month", "2025-08")
    sets = StoredSet.objects.filter(period="2025-08")
    assert sets.count() == regions + 1
    rows = StoredFigure.objects.filter(stored_set__period="2025-08").count()
    stamps = dict(sets.values_list("pk", "computed_at"))
    call_command("store_figures", "--month", "2025-08")  # idempotent
    assert dict(sets.values_list("pk", "computed_at")) == stamps
    assert StoredFigure.objects.filter(stored_set__period="2025-08").count() == rows
    call_command("store_figures", "--month", "2025-09")  # closes 2025-Q3 too
    assert StoredSet.objects.filter(period="2025-Q3").count() == regions + 1
    call_command("store_figures", "--month", "2025-08", "--facility", w.a.code)
    again = dict(sets.values_list("pk", "computed_at"))
    moved = {pk for pk in again if again[pk] != stamps[pk]}
    assert moved == set(sets.filter(area_id__in=(0, w.north.pk)).values_list("pk", flat=True))
    with pytest.raises(Exception, match="not closed"):
        call_command("store_figures", "--month", "2026-12")


def test_the_administration_shows_stored_figures_and_changes_nothing(client_for, w):
    populate(w)
    stored_set = stored.store(AUG, NATIONAL)
    client = client_for("admin")
    assert client.get("/admin/indicators/storedset/").status_code == 200
    page = client.get(f"/admin/indicators/storedset/{stored_set.pk}/change/")
    assert page.status_code == 200
    assert b"participation.enrolled_share" in page.content
    assert client.post(f"/admin/indicators/storedset/{stored_set.pk}/delete/").status_code == 403
    assert client.get("/admin/indicators/storedset/add/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_first_read_stores_the_period_and_reads_it(client_for, w):
    """A request in autocommit (as served): the first read computes and stores the set
    under its lock, then shows the stored figures; the country's set is stored with it."""
    populate(w)
    client = client_for("admin")
    url = f"/indicators/region/{w.north.pk}/?period=2025-08"
    first = client.get(url)
    assert first.status_code == 200
    assert set(StoredSet.objects.values_list("area", "area_id")) == {
        (NATIONAL, 0),
        (REGION, w.north.pk),
    }
    assert _count(client, url) < 20  # read from the stored rows
    assert client.get(url).context["groups"] == first.context["groups"]


def test_an_import_of_people_held_in_a_past_month_recomputes_its_stored_figures(
    w, django_capture_on_commit_callbacks
):
    from types import SimpleNamespace

    from sinergi.indicators.tasks import after_import

    populate(w)
    stored.store_month(AUG)
    indicator = dashboards.BY_ID["participation.enrolled_share"]
    q = Query(AUG, REGION, w.south.pk)
    was = stored.load(AUG, REGION, w.south.pk)(indicator, q)[None]
    # The import brings two people held at C since before August.
    for _n in range(2):
        w.inmate(w.c)
    audit.record("import.finish", by=None, facility=w.c, changes={"created": 2, "updated": 0})
    with django_capture_on_commit_callbacks(execute=True):
        after_import(SimpleNamespace(facility_id=w.c.pk))
    now = stored.load(AUG, REGION, w.south.pk)(indicator, q)[None]
    assert now == indicator.compute(q)[None]
    assert now.denominator == was.denominator + 2
    national = stored.load(AUG, NATIONAL, None)(indicator, Query(AUG, NATIONAL))[None]
    assert national == indicator.compute(Query(AUG, NATIONAL))[None]


def test_the_current_months_national_and_regional_figures_are_kept_a_few_minutes(
    client_for, w, settings
):
    """An open period stays live (never stored), but the country's and a region's
    figures are computed once and kept in the cache for RECENT_FIGURES_SECONDS: the next
    reader reads no record, and the page says when they were computed."""
    populate(w)
    client = client_for("admin")
    counted = {}
    for url in ("/indicators/national/", f"/indicators/region/{w.north.pk}/"):
        first = _count(client, url)
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as again:
            client.get(url)
        assert len(again) < first
        counted[url] = (first, len(again))
        sql = " ".join(q["sql"] for q in again.captured_queries)
        assert "programs_attendance" not in sql and "cooperation_fulfilment" not in sql
    assert not StoredSet.objects.exists()
    english = client.get("/indicators/national/", language="en").content.decode()
    assert "they are computed again every 10 minutes" in english
    indonesian = client.get("/indicators/national/", language="id").content.decode()
    assert "dihitung ulang setiap 10 menit" in indonesian
    # A facility's dashboard is live on every request, as is everything when the
    # setting is 0.
    facility = client.get(f"/indicators/facility/{w.a.pk}/", language="en").content.decode()
    assert "computed again every" not in facility
    settings.RECENT_FIGURES_SECONDS = 0
    live_count, kept_count = counted["/indicators/national/"]
    assert _count(client, "/indicators/national/") == live_count > kept_count
    live = client.get("/indicators/national/", language="en")
    assert "computed again every" not in live.content.decode()


def test_the_kept_figures_equal_the_live_ones(w):
    populate(w)
    q = Query(month_of(day("2026-12-05")), NATIONAL, None)
    source = stored.Recent()
    for indicator_id, by in shown(NATIONAL):
        indicator = dashboards.BY_ID[indicator_id]
        assert source(indicator, q.with_by(by)) == indicator.compute(q.with_by(by))
        assert source(indicator, q.with_by(by)) == indicator.compute(q.with_by(by))  # kept
    assert source.as_of is not None


def test_the_countrys_stored_set_is_read_without_its_rows_by_facility(w):
    """The country's set keeps every facility's figures (for revisions); its dashboard
    shows regions, so a read leaves those thousands of rows in the database."""
    populate(w)
    stored.store(AUG, NATIONAL)
    assert StoredFigure.objects.filter(stored_set__area=NATIONAL, by=FACILITY).exists()
    with CaptureQueriesContext(connection) as ctx:
        figures = stored.load(AUG, NATIONAL, None)
    assert figures is not None
    assert all(by != FACILITY for _id, by in figures.figures)
    assert "'facility'" in ctx.captured_queries[-1]["sql"]  # excluded in the query


def _public_figures(table) -> dict:
    return {
        indicator_id: {
            cell: (str(p.numerator), str(p.denominator), str(p.value), p.flag)
            for cell, p in cells.items()
        }
        for indicator_id, cells in table.figures.items()
    }


def test_the_public_table_reads_the_countrys_stored_month(w, monkeypatch):
    """/publik/ cold: the month's public table comes from the country's stored set (every
    public indicator for the country, by region and by facility), not from the records:
    at national scale building it from the records took 22 s. It equals the table built
    from the records, digit for digit."""
    from sinergi.indicators import public_data

    populate(w)
    from_records = public_data.build_table(AUG)
    stored.store(AUG, NATIONAL)

    read = stored.Stored.__call__
    asked = []

    def from_the_stored_rows_only(self, indicator, q):
        assert self.covers(q) and (indicator.id, q.by) in self.figures, (indicator.id, q.by)
        asked.append((indicator.id, q.by))
        return read(self, indicator, q)

    monkeypatch.setattr(stored.Stored, "__call__", from_the_stored_rows_only)
    from_store = public_data.build_table(AUG)
    assert len(asked) == 3 * len(public_data.PUBLIC_INDICATORS)
    assert _public_figures(from_store) == _public_figures(from_records)
    assert from_store.revision_numbers == from_records.revision_numbers


def test_the_countrys_set_holds_every_grouping_of_the_public_table():
    """What build_table asks of the country's set: each public indicator for the country,
    by region and by facility."""
    from sinergi.indicators.public_data import PUBLIC_INDICATORS

    held = {(i.id, by) for i, by in stored.specs(NATIONAL)}
    for indicator in PUBLIC_INDICATORS:
        for by in (None, REGION, FACILITY):
            assert (indicator.id, by) in held, (indicator.id, by)


def test_the_public_table_follows_the_stored_month_when_a_revision_recomputes_it(
    w, django_capture_on_commit_callbacks
):
    """The public table is read from the country's stored set and kept in the cache: when
    revision detection computes the set again, the month's cached table goes with it (it
    was kept, with the old figure, until the cache expired)."""
    from sinergi.indicators import public_data

    populate(w)
    stored.store_month(AUG)
    indicator = "participation.attendance_rate"
    assert indicator in {i.id for i in public_data.PUBLIC_INDICATORS}
    before = public_data.public_table(AUG).figure(indicator, public_data.NATION)
    program = w.program(w.b)
    session = w.session(program, "2025-08-28")
    for _n in range(4):
        w.mark(session, w.enrol(program), "absent", "0")
    audit.record("attendance.record", by=None, target=session, facility=w.b)
    with django_capture_on_commit_callbacks(execute=True):
        detect_revisions_task.call()
    after = public_data.public_table(AUG).figure(indicator, public_data.NATION)
    assert after.denominator == before.denominator + 4
    assert after == public_data.build_table(AUG).figure(indicator, public_data.NATION)


def test_the_public_table_stores_a_month_not_stored_yet_on_its_first_build(
    w, django_capture_on_commit_callbacks
):
    """A closed month whose figures the daily `store_figures` has not stored yet: the
    public table's first build stores the country's set (as a dashboard's first read
    does), so that the builds after a revision or the cache's expiry read it instead of
    computing the whole country again (10 s at national scale on every build)."""
    from sinergi.indicators import public_data

    populate(w)
    assert not StoredSet.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        from_records = public_data.build_table(AUG)  # in a transaction: stored at its commit
    country = StoredSet.objects.get(period=AUG.code, area=NATIONAL, area_id=0)
    assert country.computed_at is not None
    assert country.figures.filter(by=FACILITY).exists()
    with CaptureQueriesContext(connection) as queries:
        from_store = public_data.build_table(AUG)
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "programs_attendance" not in sql and "programs_enrollment" not in sql
    assert _public_figures(from_store) == _public_figures(from_records)
