"""Revisions of signed figures: a signed month whose live figures later differ shows
"revised since sign-off: was X, now Y" with its reason on the dashboard, the report page
and the public page; the signed PDF stays as it was signed; the open data carries the
month's revision number; the head signs a revised edition."""

from __future__ import annotations

import datetime
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils.translation import override

from sinergi.accounts.models import User
from sinergi.indicators import actions, reports, revisions, tasks
from sinergi.indicators.catalogue import FACILITY, Query, get
from sinergi.indicators.models import MonthlyReport, ReportEdition, Revision
from sinergi.indicators.periods import parse_period
from sinergi.inmates import actions as inmate_actions
from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Facility
from sinergi.programs.models import Enrollment, Program
from tests.inmates.factories import InmateFactory

AUGUST = datetime.date(2025, 8, 1)
SHARE = "participation.enrolled_share"
HEADER = (
    "No. Registrasi;Nama;NIK;Tanggal Lahir;Jenis Kelamin;Agama;Kabupaten Asal;"
    "Jenis Kejahatan;Pasal;Lama Pidana;Tanggal Penahanan;Total Remisi (hari)"
)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    return tmp_path


def user(username: str) -> User:
    return User.objects.get(username=username)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.fixture
def selong(demo_world: None) -> Facility:
    return Facility.objects.get(code="selong")


@pytest.fixture
def signed(selong: Facility, django_capture_on_commit_callbacks: Any) -> MonthlyReport:
    """Selong's August 2025: 12 people in custody, 6 in a program (50%), reported and
    signed off by the head (edition 1, with its PDF)."""
    program = Program.objects.create(
        facility=selong,
        kind="independence",
        category="vocational",
        title="Las Listrik",
        capacity=20,
        start_date=day("2025-07-01"),
        end_date=day("2025-09-30"),
        status="running",
    )
    people = [InmateFactory(facility=selong, admission_date=day("2025-03-01")) for _ in range(12)]
    for person in people[:6]:
        Enrollment.objects.create(program=program, inmate=person, enrolled_on=day("2025-07-01"))
    with override("en"), django_capture_on_commit_callbacks(execute=True):
        report = actions.request_report(facility=selong, month=AUGUST, by=user("petugas.selong"))
    with override("en"), django_capture_on_commit_callbacks(execute=True):
        actions.sign_off_report(report=report, by=user("kalapas.selong"))
    report.refresh_from_db()
    return report


def import_late(tmp_path: Path, count: int = 6) -> None:
    """Import, with the SDP importer, people detained before August (in custody since)."""
    rows = [
        f"BI {500 + n}/25;Warga Terlambat {n};;;L;Islam;Lombok Timur;Pencurian;362;"
        f"2 tahun;10-01-2025;0"
        for n in range(count)
    ]
    path = tmp_path / "susulan.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    call_command(
        "import_inmates",
        str(path),
        "--facility",
        "selong",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    Inmate.objects.filter(registration_number__startswith="BI 5").update(
        admission_date=day("2025-01-10")
    )


def check_only_import(tmp_path: Path) -> None:
    """Check (``--dry-run``) a file of three people: nothing is written."""
    rows = [
        f"BI {700 + n}/25;Warga Diperiksa {n};;;L;Islam;Lombok Timur;Pencurian;362;"
        f"2 tahun;10-01-2025;0"
        for n in range(3)
    ]
    path = tmp_path / "cek.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    call_command(
        "import_inmates",
        str(path),
        "--facility",
        "selong",
        "--dry-run",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )


def live_share(facility: Facility) -> Any:
    return get(SHARE).compute(Query(parse_period("2025-08"), FACILITY, facility.pk))[None]


def edition_pdf(report: MonthlyReport, number: int = 1) -> bytes:
    edition = ReportEdition.objects.get(report=report, number=number)
    with edition.pdf.open("rb") as handle:
        return handle.read()


def test_signing_off_makes_edition_1_with_its_pdf_and_the_snapshot_keeps_the_parts(signed):
    edition = ReportEdition.objects.get(report=signed)
    assert edition.number == 1
    assert edition.signed_off_by == user("kalapas.selong")
    assert edition_pdf(signed).startswith(b"%PDF-")
    share = revisions.figures_of(edition.data["indicators"])[SHARE]
    assert (share["numerator"], share["denominator"], share["value"]) == (6, 12, 50)
    assert edition.data["data_version"] > 0
    assert not Revision.objects.exists()


def test_importing_people_detained_before_a_signed_month_revises_it_everywhere(
    signed, selong, tmp_path, client_for, django_capture_on_commit_callbacks
):
    pdf_before = edition_pdf(signed)
    import_late(tmp_path)
    share = live_share(selong)
    assert (share.numerator, share.denominator) == (6, 18)  # the live figure changed

    with override("en"):
        dashboard = client_for("kalapas.selong").get(
            f"/indicators/facility/{selong.pk}/?period=2025-08", language="en"
        )
    text = dashboard.content.decode()
    assert "Revised since sign-off" in text
    assert "was 50% (6/12), now 33.3% (6/18)" in text
    assert "Import: " in text and "susulan.csv" in text
    assert "/inmates/import/" in text  # the import is linked

    report_page = client_for("petugas.selong").get(
        f"/indicators/reports/{signed.pk}/", language="en"
    )
    text = report_page.content.decode()
    assert "Revised since sign-off" in text
    assert "was 50% (6/12), now 33.3% (6/18)" in text
    assert "Import: " in text

    public = client_for("kalapas.selong").get(
        f"/publik/facility/{selong.pk}/?period=2025-08", language="en"
    )
    text = public.content.decode()
    assert "Revised since sign-off" in text
    assert "was 50% (6/12), now 33.3% (6/18)" in text
    assert "Import" in text

    # recorded once, however often the pages are read
    revision = Revision.objects.get(indicator=SHARE)
    assert revision.number == 1 and revision.resolved_by is None
    assert revision.was["denominator"] == 12 and revision.now["denominator"] == 18
    assert revision.reasons[0]["action"] == "import.finish"

    assert edition_pdf(signed) == pdf_before  # the signed PDF is unchanged

    data = json.loads(client_for("kalapas.selong").get("/publik/data.json?period=2025-08").content)
    mine = [r for r in data["rows"] if r["facility_id"] == selong.pk and r["indicator"] == SHARE]
    assert mine[0]["revision"] == 1
    assert mine[0]["value"] == pytest.approx(33.3)


def test_the_open_data_says_revision_0_for_a_first_edition_and_nothing_for_unsigned(
    signed, selong, client
):
    rows = json.loads(client.get("/publik/data.json?period=2025-08").content)["rows"]
    selong_rows = [r for r in rows if r["facility_id"] == selong.pk]
    assert {r["revision"] for r in selong_rows} == {0}
    lobar = Facility.objects.get(code="lobar")
    assert {r["revision"] for r in rows if r["facility_id"] == lobar.pk} == {None}
    csv_text = client.get("/publik/data.csv?period=2025-08").content.decode()
    assert csv_text.splitlines()[0].endswith(",revision")


def test_the_head_signs_a_revised_edition_and_the_first_stays_unchanged(
    signed, selong, tmp_path, client_for, django_capture_on_commit_callbacks
):
    pdf_before = edition_pdf(signed)
    import_late(tmp_path)
    client_for("kalapas.selong").get(f"/indicators/reports/{signed.pk}/")  # detects
    with override("en"), django_capture_on_commit_callbacks(execute=True):
        client_for("kalapas.selong").post(f"/indicators/reports/{signed.pk}/regenerate/")
    waiting = client_for("kanwil.ntb").get("/indicators/reports/", language="en")
    assert "Edition 1 signed; the figures generated again await" in waiting.content.decode()
    with override("en"), django_capture_on_commit_callbacks(execute=True):
        response = client_for("kalapas.selong").post(f"/indicators/reports/{signed.pk}/sign-off/")
    assert response.status_code == 302
    second = ReportEdition.objects.get(report=signed, number=2)
    share = revisions.figures_of(second.data["indicators"])[SHARE]
    assert (share["numerator"], share["denominator"]) == (6, 18)
    assert edition_pdf(signed, 1) == pdf_before
    assert edition_pdf(signed, 2) != pdf_before
    assert Revision.objects.get(indicator=SHARE).resolved_by == second
    first = ReportEdition.objects.get(report=signed, number=1)
    with override("en"):
        first_html = render_to_string(
            reports.PDF_TEMPLATE, reports.render_context(reports.EditionView(first))
        )
        second_html = render_to_string(
            reports.PDF_TEMPLATE, reports.render_context(reports.EditionView(second))
        )
    assert "6 / 12" in first_html and "Edition 1" in first_html
    assert "6 / 18" in second_html and "Revised edition 2" in second_html
    page = client_for("petugas.selong").get(f"/indicators/reports/{signed.pk}/", language="en")
    text = page.content.decode()
    assert "Revised since sign-off" not in text  # the live figures are the signed ones
    assert "Revised edition 2" in text
    listed = client_for("kanwil.ntb").get("/indicators/reports/", language="en")
    assert "Revised edition 2" in listed.content.decode()
    for number in (1, 2):
        download = client_for("kanwil.ntb").get(
            f"/indicators/reports/{signed.pk}/editions/{number}/pdf/"
        )
        assert download.status_code == 200
    assert (
        client_for("petugas.lobar")
        .get(f"/indicators/reports/{signed.pk}/editions/1/pdf/")
        .status_code
        == 404
    )
    # still revision 1: the revised edition published it
    rows = json.loads(client_for("kalapas.selong").get("/publik/data.json?period=2025-08").content)
    assert {r["revision"] for r in rows["rows"] if r["facility_id"] == selong.pk} == {1}


def test_a_correction_is_named_with_who_and_when(signed, selong, client_for):
    person = Inmate.objects.filter(facility=selong).order_by("pk").first()
    assert person is not None
    # The correction goes through the action, which closes the person's custody episode.
    inmate_actions.change_status(
        inmate=person, status="released", on=day("2025-07-31"), by=user("petugas.selong")
    )
    note = revisions.note(selong, AUGUST)
    assert note is not None
    assert [c.indicator for c in note.changes][:1] == [SHARE]
    # the status change (the enrolments it ended are named too)
    status = [r for r in note.reasons if r.url == f"/inmates/{person.pk}/"]
    assert len(status) == 1
    assert status[0].kind == "correction"
    assert status[0].by == user("petugas.selong").get_full_name()


def test_an_import_that_wrote_nothing_is_no_reason(signed, selong, tmp_path):
    path = tmp_path / "rusak.csv"
    path.write_text(HEADER + "\nBI 1/25;Salah;;;L;Islam;X;Y;1;1 tahun;31-13-2024;0\n")
    with pytest.raises(CommandError):
        call_command("import_inmates", str(path), "--facility", "selong", stdout=io.StringIO())
    import_late(tmp_path)
    note = revisions.note(selong, AUGUST)
    assert note is not None
    assert [r.record.split(" (")[0] for r in note.reasons] == ["susulan.csv"]


def test_a_month_never_signed_has_no_revision(selong, tmp_path):
    import_late(tmp_path)
    assert revisions.note(selong, AUGUST) is None
    assert revisions.detect(selong, AUGUST) == []


def test_the_revisions_page_lists_the_changes_in_scope_only(signed, selong, tmp_path, client_for):
    import_late(tmp_path)
    revisions.detect(selong, AUGUST)
    page = client_for("kanwil.ntb").get("/indicators/revisions/", language="en")
    assert page.status_code == 200
    assert "was 50% (6/12), now 33.3% (6/18)" in page.content.decode()
    other = client_for("petugas.lobar").get("/indicators/revisions/", language="en")
    assert other.status_code == 200
    assert "6/18" not in other.content.decode()
    assert client_for("mitra.disnaker").get("/indicators/revisions/").status_code == 404
    api = client_for("petugas.lobar").get("/api/v1/revisions")
    assert api.json()["count"] == 0
    mine = client_for("kalapas.selong").get("/api/v1/revisions?month=2025-08").json()
    item = next(i for i in mine["items"] if i["indicator"] == SHARE)
    assert (item["month"], item["revision"], item["edition"]) == ("2025-08", 1, 1)
    assert (item["was"]["denominator"], item["now"]["denominator"]) == (12, 18)
    assert item["reasons"][0]["action"] == "import.finish"
    assert item["resolved_by_edition"] is None
    assert client_for("kalapas.selong").get("/api/v1/revisions?month=2025-07").json()["count"] == 0
    public_region = client_for("kanwil.ntb").get(
        f"/publik/region/{selong.region_id}/?period=2025-08", language="en"
    )
    assert "The signed figures of 1 facility were revised" in public_region.content.decode()
    assert client_for("mitra.disnaker").get("/api/v1/revisions").json()["count"] == 0


def test_the_public_revisions_page_lists_public_figures_only(signed, selong, tmp_path, client):
    import_late(tmp_path)
    revisions.detect(selong, AUGUST)
    Revision.objects.create(  # a figure that is not public is not listed
        facility=selong,
        month=AUGUST,
        number=1,
        indicator="inmates.overdue_release",
        was={"numerator": 1, "denominator": None, "value": 1},
        now={"numerator": 2, "denominator": None, "value": 2},
        detected_at=Revision.objects.get(indicator=SHARE).detected_at,
        edition=ReportEdition.objects.get(report=signed),
    )
    page = client.get("/publik/revisions/", language="en")
    text = page.content.decode()
    assert page.status_code == 200
    assert "was 50% (6/12), now 33.3% (6/18)" in text
    assert "inmates.overdue_release" not in text
    assert "Perubahan" in client.get("/publik/revisions/", language="id").content.decode()


def _revisions_for_months(selong: Facility, report: MonthlyReport, n: int) -> None:
    edition = ReportEdition.objects.get(report=report)
    Revision.objects.bulk_create(
        Revision(
            facility=selong,
            month=AUGUST,
            number=k + 1,
            indicator=SHARE,
            was={"numerator": 6, "denominator": 12 + k, "value": 50},
            now={"numerator": 6, "denominator": 13 + k, "value": 46.2},
            reasons=[{"action": "import.finish", "by": "x", "at": "2025-09-10T10:00:00+08:00"}],
            detected_at=edition.signed_off_at,
            edition=edition,
        )
        for k in range(n)
    )


@pytest.mark.parametrize(
    "url,username",
    [
        ("/indicators/revisions/", "kanwil.ntb"),
        ("/api/v1/revisions", "kalapas.selong"),
        ("/publik/revisions/", None),
    ],
)
def test_revision_lists_run_as_many_queries_for_one_row_as_for_many(
    signed, selong, client, client_for, url, username
):
    browser = client_for(username) if username else client
    _revisions_for_months(selong, signed, 1)
    browser.get(url)
    with CaptureQueriesContext(connection) as one:
        assert browser.get(url).status_code == 200
    Revision.objects.all().delete()
    _revisions_for_months(selong, signed, 15)
    with CaptureQueriesContext(connection) as many:
        assert browser.get(url).status_code == 200
    assert len(many) == len(one)


# -- the demo: reports signed on plausible days ----------------------------------------


def test_the_demo_head_signs_on_the_third_working_day_of_the_next_month():
    from sinergi.indicators import demo

    assert demo.months_before(day("2026-12-05"), 2) == [day("2026-10-01"), day("2026-11-01")]
    assert demo.months_before(day("2026-01-15"), 2) == [day("2025-11-01"), day("2025-12-01")]
    # 31 October 2026 is a Saturday: Monday 2, Tuesday 3, Wednesday 4 November
    assert demo.sign_off_day(day("2026-10-01"), frozenset()) == day("2026-11-04")
    assert demo.sign_off_day(day("2026-11-01"), frozenset({day("2026-12-01")})) == day("2026-12-04")


def test_the_demo_reports_are_signed_relative_to_the_demos_today(
    selong, monkeypatch, django_capture_on_commit_callbacks
):
    from sinergi.indicators import demo

    monkeypatch.setattr(Facility, "today", lambda self: day("2026-12-02"))
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(io.StringIO())
    october = MonthlyReport.objects.get(facility=selong, month=day("2026-10-01"))
    november = MonthlyReport.objects.get(facility=selong, month=day("2026-11-01"))
    zone = datetime.timezone(datetime.timedelta(hours=8))  # WITA
    assert october.signed_off_at is not None
    assert october.signed_off_at.astimezone(zone).date() == day("2026-11-04")
    edition = ReportEdition.objects.get(report=october)
    assert edition.signed_off_at == october.signed_off_at
    assert edition.pdf  # its PDF, dated the day it was signed
    # November's third working day (3 December) has not come: it waits for the head
    assert november.is_ready and november.signed_off_at is None
    assert not ReportEdition.objects.filter(report=november).exists()
    demo.seed(io.StringIO())  # idempotent
    assert ReportEdition.objects.filter(report__facility=selong).count() == 1


def test_the_sweep_records_revisions_without_a_reader_and_only_where_records_changed(
    signed, selong, tmp_path, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        assert revisions.stale_months() == []  # signed, nothing changed since
    import_late(tmp_path)
    assert revisions.stale_months() == [(selong.pk, AUGUST)]
    out = io.StringIO()
    call_command("detect_revisions", "--facility", "selong", stdout=out)
    assert "1 revised figures in 1 signed months" in out.getvalue()
    assert Revision.objects.get(indicator=SHARE).now["denominator"] == 18
    assert revisions.stale_months() == []  # read since: nothing more to do
    assert tasks.detect_revisions_task.call() == 0
    with pytest.raises(CommandError):
        call_command("detect_revisions", "--facility", "nowhere", stdout=io.StringIO())


def test_the_regional_and_national_dashboards_name_the_revised_facilities(
    signed, selong, tmp_path, client_for
):
    import_late(tmp_path)
    revisions.detect(selong, AUGUST)
    region = client_for("kanwil.ntb").get(
        f"/indicators/region/{selong.region_id}/?period=2025-08", language="en"
    )
    text = region.content.decode()
    assert "Revised since sign-off" in text
    assert f"/indicators/facility/{selong.pk}/?period=2025-08" in text
    national = client_for("admin").get("/indicators/national/?period=2025-08")
    assert f"/indicators/facility/{selong.pk}/?period=2025-08" in national.content.decode()
    other_month = client_for("kanwil.ntb").get(
        f"/indicators/region/{selong.region_id}/?period=2025-07", language="en"
    )
    assert "Revised since sign-off" not in other_month.content.decode()


def test_the_admin_shows_editions_and_revisions_and_changes_neither(
    signed, selong, tmp_path, client_for
):
    import_late(tmp_path)
    revisions.detect(selong, AUGUST)
    admin = client_for("admin")
    edition = ReportEdition.objects.get(report=signed)
    revision = Revision.objects.get(indicator=SHARE)
    for url in (
        "/admin/indicators/reportedition/",
        "/admin/indicators/revision/",
        f"/admin/indicators/reportedition/{edition.pk}/change/",
        f"/admin/indicators/revision/{revision.pk}/change/",
    ):
        assert admin.get(url).status_code == 200
    assert admin.post(f"/admin/indicators/reportedition/{edition.pk}/delete/").status_code == 403
    assert admin.post(f"/admin/indicators/revision/{revision.pk}/delete/").status_code == 403
    assert ReportEdition.objects.filter(pk=edition.pk).exists()


def test_the_polled_status_of_a_report_does_not_compute_the_live_figures(
    signed, selong, tmp_path, client_for
):
    import_late(tmp_path)
    browser = client_for("kalapas.selong")
    with CaptureQueriesContext(connection) as full:
        browser.get(f"/indicators/reports/{signed.pk}/")
    with CaptureQueriesContext(connection) as polled:
        response = browser.get(f"/indicators/reports/{signed.pk}/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert len(polled) < len(full) - 20  # no indicator computed for the status


def test_an_import_that_writes_records_the_revisions_it_causes_without_a_reader(
    signed, selong, tmp_path, django_capture_on_commit_callbacks
):
    """The revisions page and the open data list a revision as soon as an import caused
    it, not only once somebody opened the month's dashboard."""
    with django_capture_on_commit_callbacks(execute=True):
        import_late(tmp_path)
    revision = Revision.objects.get(indicator=SHARE)
    assert revision.was["denominator"] == 12
    assert revision.reasons[0]["action"] == "import.finish"


def test_a_check_only_import_records_no_revision(
    signed, selong, tmp_path, django_capture_on_commit_callbacks, monkeypatch
):
    queued: list[Any] = []

    class Task:
        @staticmethod
        def enqueue(*args: Any) -> None:
            queued.append(args)

    monkeypatch.setattr(tasks, "detect_revisions_task", Task)
    with django_capture_on_commit_callbacks(execute=True):
        check_only_import(tmp_path)
    assert queued == []  # a check writes nothing: no month to re-check
    assert not Revision.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        import_late(tmp_path)
    assert queued == [(selong.pk,)]


# -- the tester's walk-through of issue #15 ----------------------------------------------


def test_the_public_figures_follow_a_revision_at_once_and_name_the_revised_edition(
    signed, selong, tmp_path, client, client_for, django_capture_on_commit_callbacks
):
    url = f"/publik/facility/{selong.pk}/?period=2025-08"
    assert "6/18" not in client.get(url, language="en").content.decode()  # cached
    with django_capture_on_commit_callbacks(execute=True):
        import_late(tmp_path)  # the import's listener records the revision
    text = client.get(url, language="en").content.decode()
    assert "was 50% (6/12), now 33.3% (6/18)" in text
    data = json.loads(client.get("/publik/data.json?period=2025-08").content)
    mine = [r for r in data["rows"] if r["facility_id"] == selong.pk and r["indicator"] == SHARE]
    assert mine[0]["revision"] == 1 and mine[0]["value"] == pytest.approx(33.3)
    csv_text = client.get("/publik/data.csv?period=2025-08").content.decode()
    assert ",33.3," in csv_text
    with override("en"), django_capture_on_commit_callbacks(execute=True):
        client_for("kalapas.selong").post(f"/indicators/reports/{signed.pk}/regenerate/")
    with override("en"), django_capture_on_commit_callbacks(execute=True):
        client_for("kalapas.selong").post(f"/indicators/reports/{signed.pk}/sign-off/")
    text = client.get(url, language="en").content.decode()
    assert "Revised since sign-off" not in text  # the live figures are the signed ones
    assert "Revised edition 2, signed" in text
    assert "Edisi revisi 2, disahkan" in client.get(url, language="id").content.decode()


def test_the_reasons_leave_out_check_only_imports_and_changes_that_cannot_move_the_figure(
    signed, selong, tmp_path, client_for, django_capture_on_commit_callbacks
):
    from sinergi.core import audit

    check_only_import(tmp_path)
    program = Program.objects.get(facility=selong, title="Las Listrik")
    audit.record(  # a certificate cannot move the enrolled share
        "certificate.issue", by=user("petugas.selong"), target=program, facility=selong
    )
    import_late(tmp_path)
    note = revisions.note(selong, AUGUST)
    assert note is not None and [c.indicator for c in note.changes] == [SHARE]
    assert [(r.action, r.record.split(" (")[0]) for r in note.reasons] == [
        ("import.finish", "susulan.csv")
    ]
    stored = Revision.objects.get(indicator=SHARE)
    assert [r["record"].split(" (")[0] for r in stored.reasons] == ["susulan.csv"]
    api = client_for("kalapas.selong").get("/api/v1/revisions?month=2025-08").json()
    item = next(i for i in api["items"] if i["indicator"] == SHARE)
    assert [r["action"] for r in item["reasons"]] == ["import.finish"]
    public = client_for("kalapas.selong").get(
        f"/publik/facility/{selong.pk}/?period=2025-08", language="en"
    )
    assert (
        public.content.decode().count("Import</li>") + public.content.decode().count("Import, ")
        == 1
    )


def test_reasons_stored_before_are_matched_to_the_indicator_on_the_page_and_in_the_api(
    signed, selong, client_for
):
    edition = ReportEdition.objects.get(report=signed)
    Revision.objects.create(
        facility=selong,
        month=AUGUST,
        number=1,
        indicator=SHARE,
        was={"numerator": 6, "denominator": 12, "value": 50},
        now={"numerator": 6, "denominator": 13, "value": 46.2},
        reasons=[
            {"action": "certificate.issue", "by": "x", "at": "2025-09-10T10:00:00+08:00"},
            {"action": "import.finish", "by": "y", "at": "2025-09-10T11:00:00+08:00"},
        ],
        detected_at=edition.signed_off_at,
        edition=edition,
    )
    item = client_for("kalapas.selong").get("/api/v1/revisions").json()["items"][0]
    assert [r["action"] for r in item["reasons"]] == ["import.finish"]
    page = client_for("kalapas.selong").get("/indicators/revisions/", language="en")
    assert "Certificate" not in page.content.decode()


def test_an_enrolment_is_named_in_indonesian(signed, selong):
    enrolment = Enrollment.objects.filter(program__facility=selong).first()
    assert enrolment is not None
    with override("id"):
        assert f"{enrolment.inmate} dalam {enrolment.program}" == str(enrolment)


def test_a_report_generated_again_says_which_edition_was_signed_and_that_it_awaits(
    signed, selong, tmp_path, client_for, django_capture_on_commit_callbacks
):
    import_late(tmp_path)
    with override("en"), django_capture_on_commit_callbacks(execute=True):
        client_for("kalapas.selong").post(f"/indicators/reports/{signed.pk}/regenerate/")
    page = (
        client_for("petugas.selong")
        .get(f"/indicators/reports/{signed.pk}/", language="en")
        .content.decode()
    )
    assert "Not yet signed off" not in page
    assert "Edition 1 was signed on" in page
    assert user("kalapas.selong").get_full_name() in page
    assert "await the sign-off of the revised edition" in page
    page_id = (
        client_for("petugas.selong")
        .get(f"/indicators/reports/{signed.pk}/", language="id")
        .content.decode()
    )
    assert "Belum disahkan" not in page_id and "Edisi 1 disahkan pada" in page_id


def test_the_public_table_reads_of_the_signed_editions_only_their_indicators(
    signed, selong, tmp_path, django_capture_on_commit_callbacks
):
    """An edition keeps the whole signed report (lists, charts); the public table needs
    its indicators and data version, of the latest edition only (at national scale the
    month's editions, decoded whole, were most of a cold build)."""
    from sinergi.indicators import public_data

    with django_capture_on_commit_callbacks(execute=True):
        import_late(tmp_path)  # the month is revised: its notes need the data version
    period = parse_period("2025-08")
    with CaptureQueriesContext(connection) as queries:
        table = public_data.build_table(period)
    # The month's editions of every active facility (the revised facility's own edition
    # is read whole by the detection of its revision, one row).
    read = [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "indicators_reportedition"' in q["sql"]
        and '"orgs_facility"."is_active"' in q["sql"]
    ]
    assert len(read) == 1, "the editions are read once"
    whole = re.compile(r'"indicators_reportedition"\."data"(?!\s*->)(?!\s*,\s*\'\$)')
    for sql in read:
        selected = sql.split(" FROM ", 1)[0]
        # The JSON document is read through its keys (-> on PostgreSQL, JSON_EXTRACT on
        # SQLite), never as the whole column.
        assert not whole.search(selected.replace("JSON_EXTRACT(", "")), selected
    note = table.revision_notes[(FACILITY, selong.pk)]
    assert note.edition == 1 and note.number == 1
    assert [c.indicator_id for c in note.changes] == [SHARE]
    assert note.changes[0].text == "semula 50% (6/12), kini 33,3% (6/18)"
