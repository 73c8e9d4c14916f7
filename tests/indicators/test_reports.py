"""The monthly report: its content, its files, who generates, reads and signs it off."""

from __future__ import annotations

import datetime
import io
import os
import re
import shutil
import subprocess
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import override
from openpyxl import load_workbook

from sinergi.accounts.models import User
from sinergi.cooperation.models import ActionItem, Fulfilment, Meeting, SupportRequest
from sinergi.core import exports
from sinergi.core.errors import Conflict
from sinergi.core.exports import HEADER_ROW
from sinergi.core.models import AuditEvent
from sinergi.indicators import actions, reports, tasks
from sinergi.indicators.catalogue import FACILITY, for_level
from sinergi.indicators.models import MonthlyReport, ReportStatus
from sinergi.orgs.models import Facility, Partner
from sinergi.programs.models import Attendance, Certificate, Enrollment, Program, Session
from sinergi.reintegration.models import FollowUp, Release
from tests.inmates.factories import InmateFactory
from tests.xlsx import records

AUGUST = datetime.date(2025, 8, 1)
SHEETS = ["Indicators", "Programs", "Cooperation", "Releases", "Follow-ups"]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def selong(demo_world: None) -> Facility:
    return Facility.objects.get(code="selong")


def user(username: str) -> User:
    return User.objects.get(username=username)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def generate(
    capture: Any, facility: Facility, month: datetime.date = AUGUST, by: str = "petugas.selong"
) -> MonthlyReport:
    """Request the report as ``by`` and run the queued task (immediate in tests)."""
    with override("en"), capture(execute=True):
        report = actions.request_report(facility=facility, month=month, by=user(by))
    report.refresh_from_db()
    return report


def assert_valid_pdf(data: bytes) -> None:
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    try:
        from pypdf import PdfReader
    except ImportError:  # not a dependency: the structure checks above have to do
        assert b"/Type /Page" in data or b"/Type/Page" in data or b"/ObjStm" in data
        return
    assert len(PdfReader(io.BytesIO(data)).pages) > 0


def workbook(report: MonthlyReport) -> Any:
    with report.xlsx.open("rb") as handle:
        return load_workbook(io.BytesIO(handle.read()))


def rows(sheet: Any) -> list[dict[str, Any]]:
    return records(sheet)


@pytest.fixture
def august(selong: Facility) -> dict[str, Any]:
    """Selong's August 2025: a vocational program (a certificate, attendance), a request
    to Disnaker submitted and answered, an instructor delivery, a meeting, a release with
    its follow-up; and records outside the month or of another facility to leave out."""
    disnaker = Partner.objects.get(code="disnaker-lotim")
    lobar = Facility.objects.get(code="lobar")
    program = Program.objects.create(
        facility=selong,
        kind="independence",
        category="vocational",
        title="Las Listrik Agustus",
        capacity=20,
        start_date=day("2025-07-01"),
        end_date=day("2025-09-30"),
        status="running",
    )
    program.partners.set([disnaker])
    Program.objects.create(  # a draft is not a program of the month
        facility=selong,
        kind="personality",
        category="religious",
        title="Draf Program",
        capacity=20,
        start_date=day("2025-08-01"),
        end_date=day("2025-08-31"),
    )
    inmates = [InmateFactory(facility=selong) for _ in range(3)]
    enrolments = [
        Enrollment.objects.create(program=program, inmate=i, enrolled_on=day("2025-07-01"))
        for i in inmates[:2]
    ]
    enrolments.append(
        Enrollment.objects.create(program=program, inmate=inmates[2], enrolled_on=day("2025-08-04"))
    )
    session = Session.objects.create(
        program=program,
        date=day("2025-08-05"),
        start_time=datetime.time(8),
        end_time=datetime.time(10),
    )
    for enrolment, status in zip(enrolments, ("present", "present", "sick"), strict=True):
        Attendance.objects.create(
            session=session,
            enrollment=enrolment,
            status=status,
            hours=Decimal(2 if status == "present" else 0),
        )
    Certificate.objects.create(
        enrollment=enrolments[0],
        issued_on=day("2025-08-20"),
        hours=Decimal(40),
        head_name="Kepala",
        holder_name=inmates[0].name,
    )
    request = SupportRequest.objects.create(
        facility=selong,
        partner=disnaker,
        kind="instructor",
        title="Instruktur las Agustus",
        quantity=Decimal(10),
        unit="jam",
        needed_by=day("2025-08-30"),
        justification="Kelas las",
        status="in_delivery",
        submitted_at=timezone.make_aware(datetime.datetime(2025, 8, 2, 9)),
        answered_at=timezone.make_aware(datetime.datetime(2025, 8, 4, 9)),
    )
    Fulfilment.objects.create(
        partner=disnaker,
        request=request,
        description="Mengajar las",
        delivered_on=day("2025-08-05"),
        quantity=Decimal(6),
        unit="jam",
        value_rupiah=Decimal(1_500_000),
    )
    Fulfilment.objects.create(  # July: not this month
        partner=disnaker,
        request=request,
        description="Juli",
        delivered_on=day("2025-07-31"),
        quantity=Decimal(99),
        unit="jam",
    )
    meeting = Meeting.objects.create(
        facility=selong, title="Rapat koordinasi", date=day("2025-08-12")
    )
    meeting.partners.set([disnaker])
    ActionItem.objects.create(
        meeting=meeting, title="Tindak lanjut", owner_facility=selong, due_date=day("2025-09-01")
    )
    Meeting.objects.create(facility=lobar, title="Rapat Lobar", date=day("2025-08-12"))
    released = InmateFactory(facility=selong, status="released", registration_number="BI 77/25")
    release = Release.objects.create(inmate=released, released_on=day("2025-08-15"), kind="pb")
    other = InmateFactory(facility=lobar, status="released", registration_number="BI 88/25")
    Release.objects.create(inmate=other, released_on=day("2025-08-15"), kind="expiry")
    earlier = InmateFactory(facility=selong, status="released", registration_number="BI 66/25")
    earlier_release = Release.objects.create(
        inmate=earlier, released_on=day("2025-05-10"), kind="expiry"
    )
    FollowUp.objects.create(
        release=earlier_release,
        month=3,
        due_on=day("2025-08-10"),
        done_on=day("2025-08-11"),
        contact_made=True,
        work_status="employed",
    )
    FollowUp.objects.create(release=release, month=1, due_on=day("2025-08-30"))
    return {"program": program, "disnaker": disnaker}


# -- content and files ----------------------------------------------------------------


def test_a_generated_report_is_a_valid_pdf_and_xlsx_with_the_months_figures(
    august, selong, django_capture_on_commit_callbacks
):
    report = generate(django_capture_on_commit_callbacks, selong)

    assert report.status == ReportStatus.READY
    assert report.error == ""
    assert report.generated_at is not None
    with report.pdf.open("rb") as handle:
        assert_valid_pdf(handle.read())
    assert report.pdf.name.startswith("reports/")

    book = workbook(report)
    assert book.sheetnames[:5] == SHEETS
    indicators = {row["Indicator id"]: row for row in rows(book["Indicators"])}
    assert set(indicators) == {i.id for i in for_level(FACILITY)}
    assert indicators["participation.certificates"]["Value"] == 1
    attendance = indicators["participation.attendance_rate"]
    assert (attendance["Numerator"], attendance["Denominator"]) == (2, 3)
    assert attendance["Value"] == pytest.approx(2 / 3, abs=0.001)  # a fraction shown as %
    assert indicators["cooperation.instructor_hours"]["Value"] == 6
    assert indicators["participation.attendance_rate"]["Unit"] == "%"

    programs = rows(book["Programs"])
    assert [p["Program"] for p in programs] == ["Las Listrik Agustus"]
    assert programs[0]["Participants in the month"] == 3
    assert programs[0]["Enrolled in the month"] == 1
    assert programs[0]["Sessions held"] == 1
    assert (programs[0]["Attendance marks"], programs[0]["Present"]) == (3, 2)
    assert programs[0]["Hours followed"] == 4
    assert programs[0]["Certificates issued"] == 1

    cooperation = rows(book["Cooperation"])
    activities = sorted(row["Activity"] for row in cooperation)
    assert activities == ["Coordination meeting", "Delivery", "Support request"]
    delivery = next(row for row in cooperation if row["Activity"] == "Delivery")
    assert delivery["Value (Rp)"] == 1_500_000
    assert delivery["Quantity"] == 6
    assert delivery["Partner"] == august["disnaker"].name

    releases = rows(book["Releases"])
    assert [r["Registration number"] for r in releases] == ["BI 77/25"]
    follow_ups = rows(book["Follow-ups"])
    assert [(f["Registration number"], f["Work"]) for f in follow_ups] == [("BI 66/25", "Employed")]


def test_the_pdf_shows_charts_as_svg_and_every_part_of_the_month(
    august, selong, django_capture_on_commit_callbacks
):
    report = generate(django_capture_on_commit_callbacks, selong)
    with override("en"):
        html = render_to_string(reports.PDF_TEMPLATE, reports.render_context(report))
    assert html.count("<svg") == 3  # certificates, attendance, instructor hours
    assert "<script" not in html
    for text in (
        "Inmates in a program",
        "Las Listrik Agustus",
        "Instruktur las Agustus",
        "Mengajar las",
        "Rapat koordinasi",
        "BI 77/25",
        "BI 66/25",
        "Not yet signed off",
        "Kepala Lapas Kelas IIB Selong",
    ):
        assert text in html, text
    assert "Rapat Lobar" not in html and "BI 88/25" not in html
    assert report.data["releases"]["by_kind"] == [{"kind": "pb", "count": 1}]
    assert report.data["follow_ups"]["due_not_done"] == 1
    assert report.data["cooperation"]["requests_submitted"] == 1


def test_the_report_is_written_in_indonesian_dates(
    august, selong, django_capture_on_commit_callbacks
):
    with override("id"), django_capture_on_commit_callbacks(execute=True):
        report = actions.request_report(facility=selong, month=AUGUST, by=user("kalapas.selong"))
    report.refresh_from_db()
    assert report.language == "id"
    with override("id"):
        html = render_to_string(reports.PDF_TEMPLATE, reports.render_context(report))
    assert "Agustus 2025" in html
    assert "05-08-2025" in html  # the delivery, day-month-year


def test_a_report_of_the_demo_data_is_valid(demo_world):
    from sinergi.core.demo import seeders

    out = io.StringIO()
    for _name, seed in seeders():
        seed(out)
    selong = Facility.objects.get(code="selong")
    last_month = (selong.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    report = MonthlyReport.objects.get(facility=selong, month=last_month)
    assert report.status == ReportStatus.READY, report.error
    with report.pdf.open("rb") as handle:
        assert_valid_pdf(handle.read())
    book = workbook(report)
    assert len(book.sheetnames) >= 5
    assert book.worksheets[0].max_row == HEADER_ROW + len(for_level(FACILITY))
    # Seeding again changes nothing.
    before = (report.pdf.name, report.generated_at)
    from sinergi.indicators import demo

    demo.seed(out)
    report.refresh_from_db()
    assert (report.pdf.name, report.generated_at) == before


# -- who reads ------------------------------------------------------------------------


def test_a_hostile_delivery_description_is_text_in_the_xlsx_not_a_formula(
    august, selong, django_capture_on_commit_callbacks
):
    hostile = '=HYPERLINK("http://evil","klik")'
    Fulfilment.objects.filter(description="Mengajar las").update(description=hostile)
    Program.objects.filter(title="Las Listrik Agustus").update(title="-2+3")
    report = generate(django_capture_on_commit_callbacks, selong)

    book = workbook(report)
    delivery = next(
        row
        for row in book["Cooperation"].iter_rows(min_row=HEADER_ROW + 1)
        if row[1].value == "Delivery"
    )
    assert (delivery[0].value, delivery[0].data_type) == ("'" + hostile, "s")
    assert delivery[8].value == 1_500_000  # numbers stay numbers
    program = book["Programs"].cell(row=HEADER_ROW + 1, column=1)
    assert (program.value, program.data_type) == ("'-2+3", "s")
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row)


@pytest.fixture
def ready(selong, django_capture_on_commit_callbacks) -> MonthlyReport:
    return generate(django_capture_on_commit_callbacks, selong)


@pytest.mark.parametrize("username", ["kalapas.selong", "wali.selong", "kanwil.ntb", "admin"])
def test_readers_of_the_facility_open_and_download_the_report(client_for, ready, username):
    client = client_for(username)
    assert client.get("/indicators/reports/").status_code == 200
    assert client.get(f"/indicators/reports/{ready.pk}/").status_code == 200
    pdf = client.get(f"/indicators/reports/{ready.pk}/pdf/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert "laporan-bulanan-selong-2025-08.pdf" in pdf["Content-Disposition"]
    assert_valid_pdf(b"".join(pdf.streaming_content))
    xlsx = client.get(f"/indicators/reports/{ready.pk}/xlsx/")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    assert len(book.sheetnames) >= 5
    assert AuditEvent.objects.filter(action="report.download_pdf", target_id=str(ready.pk)).exists()


@pytest.mark.parametrize(
    "username", ["mitra.disnaker", "instruktur.blk", "petugas.lobar", "pk.bapas"]
)
def test_outsiders_get_404_on_the_report_and_its_files(client_for, ready, username):
    client = client_for(username)
    for path in ("", "pdf/", "xlsx/"):
        assert client.get(f"/indicators/reports/{ready.pk}/{path}").status_code == 404
    for path in ("regenerate/", "sign-off/"):
        assert client.post(f"/indicators/reports/{ready.pk}/{path}").status_code == 404
    listing = client.get("/indicators/reports/")
    assert listing.status_code in (200, 404)
    assert b"laporan-bulanan" not in listing.content
    assert f"/indicators/reports/{ready.pk}/".encode() not in listing.content


def test_partner_users_have_no_reports_page(client_for, demo_world):
    assert client_for("mitra.disnaker").get("/indicators/reports/").status_code == 404


def test_the_list_needs_a_login(client, demo_world):
    response = client.get("/indicators/reports/")
    assert response.status_code == 302
    assert "login" in response["Location"]


# -- who generates --------------------------------------------------------------------


@pytest.mark.parametrize("username", ["kalapas.selong", "petugas.selong"])
def test_the_head_and_officers_generate_a_report_from_the_list(client_for, selong, username):
    client = client_for(username)
    page = client.get("/indicators/reports/")
    assert b'type="month"' in page.content
    response = client.post(
        "/indicators/reports/generate/", {"facility": selong.pk, "month": "2025-08"}
    )
    report = MonthlyReport.objects.get(facility=selong, month=AUGUST)
    assert response.status_code == 302
    assert response["Location"] == f"/indicators/reports/{report.pk}/"
    assert report.requested_by == user(username)
    assert AuditEvent.objects.filter(action="report.request", target_id=str(report.pk)).exists()


def test_an_officer_of_another_facility_is_refused_by_the_actions(selong, ready):
    with pytest.raises(PermissionDenied):
        actions.request_report(facility=selong, month=AUGUST, by=user("petugas.lobar"))
    with pytest.raises(PermissionDenied):
        actions.sign_off_report(report=ready, by=user("petugas.lobar"))
    ready.refresh_from_db()
    assert ready.signed_off_at is None


@pytest.mark.parametrize("username", ["wali.selong", "instruktur.blk", "kanwil.ntb"])
def test_guardians_instructors_and_regional_viewers_cannot_generate(client_for, selong, username):
    with pytest.raises(PermissionDenied):
        actions.request_report(facility=selong, month=AUGUST, by=user(username))
    client = client_for(username)
    response = client.post(
        "/indicators/reports/generate/", {"facility": selong.pk, "month": "2025-08"}
    )
    assert response.status_code in (403, 404)
    assert not MonthlyReport.objects.exists()
    page = client.get("/indicators/reports/")
    assert b"/indicators/reports/generate/" not in page.content


def test_a_guardian_cannot_regenerate_a_report_they_can_read(client_for, ready):
    response = client_for("wali.selong").post(f"/indicators/reports/{ready.pk}/regenerate/")
    assert response.status_code == 403


def test_an_officer_cannot_generate_for_another_facility(client_for, selong):
    response = client_for("petugas.lobar").post(
        "/indicators/reports/generate/", {"facility": selong.pk, "month": "2025-08"}
    )
    assert response.status_code == 400
    assert not MonthlyReport.objects.exists()


def test_a_month_in_the_future_is_refused(client_for, selong):
    today = selong.today()
    next_month = (today.replace(day=28) + datetime.timedelta(days=5)).replace(day=1)
    with pytest.raises(ValidationError) as caught:
        actions.request_report(facility=selong, month=next_month, by=user("petugas.selong"))
    # A field error, as the form says it (422 with errors.month in an API).
    assert [e.code for e in caught.value.error_dict["month"]] == ["future_month"]
    response = client_for("petugas.selong").post(
        "/indicators/reports/generate/", {"facility": selong.pk, "month": f"{next_month:%Y-%m}"}
    )
    assert response.status_code == 400
    assert "has not begun yet" in response.content.decode() or "belum" in response.content.decode()
    assert not MonthlyReport.objects.exists()


@pytest.mark.parametrize("month", ["", "agustus", "2025-13", "2025-8"])
def test_a_month_that_is_not_a_month_is_refused(client_for, selong, month):
    response = client_for("petugas.selong").post(
        "/indicators/reports/generate/", {"facility": selong.pk, "month": month}
    )
    assert response.status_code == 400
    assert not MonthlyReport.objects.exists()


def test_the_current_month_may_be_reported(selong, django_capture_on_commit_callbacks):
    report = generate(django_capture_on_commit_callbacks, selong, month=timezone.localdate())
    assert report.month == timezone.localdate().replace(day=1)
    assert report.status == ReportStatus.READY


def test_a_queued_report_asked_again_is_queued_once_and_a_running_one_is_a_conflict(selong):
    officer = user("petugas.selong")
    first = actions.request_report(facility=selong, month=AUGUST, by=officer)
    again = actions.request_report(facility=selong, month=AUGUST, by=officer)
    assert again.pk == first.pk
    assert MonthlyReport.objects.count() == 1
    MonthlyReport.objects.filter(pk=first.pk).update(status=ReportStatus.RUNNING)
    with pytest.raises(Conflict):
        actions.request_report(facility=selong, month=AUGUST, by=officer)
    # A run lost long ago (a dead worker) may be queued again.
    MonthlyReport.objects.filter(pk=first.pk).update(
        updated_at=timezone.now() - datetime.timedelta(hours=2)
    )
    report = actions.request_report(facility=selong, month=AUGUST, by=officer)
    assert report.status == ReportStatus.QUEUED


# -- sign-off and regeneration --------------------------------------------------------


def test_only_the_head_signs_a_report_off(client_for, ready, django_capture_on_commit_callbacks):
    with pytest.raises(PermissionDenied):
        actions.sign_off_report(report=ready, by=user("petugas.selong"))
    assert (
        client_for("petugas.selong").post(f"/indicators/reports/{ready.pk}/sign-off/").status_code
        == 403
    )
    assert (
        client_for("kanwil.ntb").post(f"/indicators/reports/{ready.pk}/sign-off/").status_code
        == 403
    )
    old_pdf = ready.pdf.name
    with override("en"), django_capture_on_commit_callbacks(execute=True):
        response = client_for("kalapas.selong").post(f"/indicators/reports/{ready.pk}/sign-off/")
    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.signed_off_by == user("kalapas.selong")
    assert ready.signed_off_at is not None
    assert ready.status == ReportStatus.READY
    assert ready.pdf.name != old_pdf  # built again to show the sign-off
    with override("en"):
        html = render_to_string(reports.PDF_TEMPLATE, reports.render_context(ready))
    assert "Signed off in Sinergi by Kepala Lapas Selong" in html
    assert AuditEvent.objects.filter(action="report.sign_off", target_id=str(ready.pk)).exists()
    with pytest.raises(Conflict):
        actions.sign_off_report(report=ready, by=user("kalapas.selong"))


def test_a_report_that_is_not_ready_cannot_be_signed_off(selong):
    report = actions.request_report(facility=selong, month=AUGUST, by=user("petugas.selong"))
    for status in (ReportStatus.QUEUED, ReportStatus.RUNNING, ReportStatus.FAILED):
        MonthlyReport.objects.filter(pk=report.pk).update(status=status)
        with pytest.raises(Conflict):
            actions.sign_off_report(report=report, by=user("kalapas.selong"))


def test_generating_again_clears_the_sign_off_and_replaces_the_files(
    ready, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.sign_off_report(report=ready, by=user("kalapas.selong"))
    ready.refresh_from_db()
    signed_files = [ready.pdf.name, ready.xlsx.name]
    report = generate(django_capture_on_commit_callbacks, ready.facility, by="kalapas.selong")
    assert report.pk == ready.pk
    assert report.status == ReportStatus.READY
    assert report.signed_off_at is None and report.signed_off_by is None
    assert report.pdf.name not in signed_files
    assert all(not (media / name).exists() for name in signed_files)  # no stale files left
    assert (media / report.pdf.name).exists()
    event = AuditEvent.objects.get(action="report.regenerate", target_id=str(report.pk))
    assert "signed_off_by" in event.changes
    assert report.history.filter(signed_off_at__isnull=False).exists()


def test_a_failed_generation_is_recorded_and_leaves_no_half_written_report(
    selong, media, monkeypatch, client_for, django_capture_on_commit_callbacks
):
    def broken(report: Any) -> bytes:
        raise RuntimeError("the printer is on fire")

    monkeypatch.setattr(reports, "build_xlsx", broken)
    report = generate(django_capture_on_commit_callbacks, selong)
    assert report.status == ReportStatus.FAILED
    assert "the printer is on fire" in report.error
    assert not report.pdf and not report.xlsx
    assert not any((media / "reports").glob("*"))  # nothing half-written left behind
    client = client_for("kalapas.selong")
    assert client.get(f"/indicators/reports/{report.pk}/pdf/").status_code == 404
    page = client.get(f"/indicators/reports/{report.pk}/")
    assert b"the printer is on fire" in page.content

    monkeypatch.undo()
    report = generate(django_capture_on_commit_callbacks, selong)
    assert report.status == ReportStatus.READY
    assert report.error == ""


def test_a_failed_regeneration_keeps_the_earlier_files_untouched(
    ready, media, monkeypatch, django_capture_on_commit_callbacks
):
    files = sorted(p.name for p in (media / "reports").iterdir())
    monkeypatch.setattr(reports, "build_pdf", lambda report: 1 / 0)
    report = generate(django_capture_on_commit_callbacks, ready.facility)
    assert report.status == ReportStatus.FAILED
    assert "ZeroDivisionError" in report.error
    assert sorted(p.name for p in (media / "reports").iterdir()) == files
    assert report.pdf.name == ready.pdf.name


def test_the_task_leaves_a_report_that_is_not_queued_alone(ready):
    assert tasks.generate(ready.pk) is None
    ready.refresh_from_db()
    assert ready.status == ReportStatus.READY


# -- the list -------------------------------------------------------------------------


def _reports(facility: Facility, count: int) -> None:
    for index in range(count):
        MonthlyReport.objects.create(
            facility=facility,
            month=datetime.date(2024, index + 1, 1),
            status=ReportStatus.READY,
            pdf=f"reports/x{index}.pdf",
            xlsx=f"reports/x{index}.xlsx",
            signed_off_by=user("kalapas.selong"),
            signed_off_at=timezone.now(),
        )


def _list_queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/indicators/reports/")
    assert response.status_code == 200
    return len(queries)


def test_the_list_runs_as_many_queries_for_one_report_as_for_many(client_for, selong):
    client = client_for("kalapas.selong")
    _reports(selong, 1)
    one = _list_queries(client)
    MonthlyReport.objects.all().delete()
    _reports(selong, 8)
    many = _list_queries(client)
    assert many == one
    assert client.get("/indicators/reports/").content.count(b"/pdf/") == 8


def test_the_list_does_not_read_the_reports_figures(client_for, selong):
    """Each report's figures (a JSON document of the month) are not shown in the list and
    are not read for it: decoding them was a quarter of the administrator's page at
    national scale. What the list shows is still there."""
    _reports(selong, 3)
    MonthlyReport.objects.update(data={"figures": ["x" * 50] * 20})
    client = client_for("kalapas.selong")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/indicators/reports/")
    assert response.status_code == 200
    listing = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "indicators_monthlyreport"."id"') and "LIMIT" in q["sql"]
    ]
    assert len(listing) == 1, listing
    assert '"indicators_monthlyreport"."data"' not in listing[0]
    assert response.content.count(b"/pdf/") == 3


def test_the_list_shows_each_reader_the_reports_they_may_read(client_for, selong):
    _reports(selong, 2)
    lobar = Facility.objects.get(code="lobar")
    MonthlyReport.objects.create(facility=lobar, month=datetime.date(2024, 5, 1))
    assert (
        client_for("kalapas.selong").get("/indicators/reports/").context["page"].paginator.count
        == 2
    )
    assert (
        client_for("petugas.lobar").get("/indicators/reports/").context["page"].paginator.count == 1
    )
    assert client_for("kanwil.ntb").get("/indicators/reports/").context["page"].paginator.count == 3
    assert client_for("admin").get("/indicators/reports/").context["page"].paginator.count == 3
    filtered = client_for("admin").get(f"/indicators/reports/?facility={lobar.pk}")
    assert filtered.context["page"].paginator.count == 1


def test_the_page_of_a_pending_report_polls_until_it_is_ready(client_for, selong):
    report = actions.request_report(
        facility=selong, month=AUGUST, by=user("petugas.selong")
    )  # queued: the task runs on commit, which this test never reaches
    client = client_for("kalapas.selong")
    page = client.get(f"/indicators/reports/{report.pk}/")
    assert b'hx-trigger="every 3s"' in page.content
    assert b"/pdf/" not in page.content
    partial = client.get(f"/indicators/reports/{report.pk}/", HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content
    assert b'id="report-status"' in partial.content
    tasks.generate(report.pk)
    partial = client.get(f"/indicators/reports/{report.pk}/", HTTP_HX_REQUEST="true")
    assert b"hx-trigger" not in partial.content
    assert f"/indicators/reports/{report.pk}/pdf/".encode() in partial.content


# -- printed by LibreOffice -----------------------------------------------------------


def _soffice() -> str:
    """The LibreOffice program: the test is skipped without it, except in CI."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice Calc (soffice) is required in CI")
        pytest.skip("LibreOffice (soffice) is not installed")
    return found


def _printed(xlsx: bytes, folder: Any) -> list[str]:
    """Each page's text, the workbook printed to PDF by LibreOffice, whitespace folded."""
    from pypdf import PdfReader

    source = folder / "report.xlsx"
    source.write_bytes(xlsx)
    profile = folder / "profile"  # its own profile: workers convert side by side
    subprocess.run(
        [
            _soffice(),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    reader = PdfReader(str(folder / "report.pdf"))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def _shown(value: Any, number_format: str) -> str:
    """A pattern for ``value`` as the sheet shows it, whatever the separators."""
    if number_format == exports.NUMBER_FORMATS[exports.PERCENT]:
        text = f"{value * 100:.1f}%"
    elif number_format == exports.NUMBER_FORMATS[exports.RUPIAH]:
        text = f"Rp {value:,.0f}"
    elif number_format == exports.NUMBER_FORMATS[exports.INTEGER]:
        text = f"{value:,.0f}"
    else:
        text = f"{value:,.1f}"
    return re.escape(text).replace(",", "[.,]").replace(r"\.", "[.,]")


def test_the_report_printed_by_libreoffice_shows_each_table_across_the_page(
    august, selong, django_capture_on_commit_callbacks, tmp_path
):
    """Issue 17: printed one column per page, the first column a code. Now each page holds
    the whole width of its table, under its repeated header: names with their values."""
    _soffice()
    report = generate(django_capture_on_commit_callbacks, selong)
    with report.xlsx.open("rb") as handle:
        data = handle.read()
    book = load_workbook(io.BytesIO(data))
    pages = _printed(data, tmp_path)

    # Every page belongs to one sheet and shows its whole header, from the first printed
    # column to the last: no table is cut into columns on pages of their own.
    by_sheet: dict[str, list[int]] = {}
    for sheet in book.worksheets:
        printed = [
            cell.value
            for cell in sheet[exports.HEADER_ROW]
            if not sheet.column_dimensions[cell.column_letter].hidden
        ]
        by_sheet[sheet.title] = [
            n for n, text in enumerate(pages) if all(header in text for header in printed)
        ]
        assert by_sheet[sheet.title], (sheet.title, printed)
    assert sorted(n for found in by_sheet.values() for n in found) == list(range(len(pages)))
    assert len(pages) == len(book.worksheets) + sum(len(found) - 1 for found in by_sheet.values())
    assert len(pages) <= 2 * len(book.worksheets)  # one column a page made dozens
    assert all(f"{n + 1} / {len(pages)}" in text for n, text in enumerate(pages))

    # Names first: each indicator's name and its value on the same page; no code shown.
    indicators = book["Indicators"]
    for row in indicators.iter_rows(min_row=exports.HEADER_ROW + 1):
        name, value, code = row[0].value, row[1], row[-1].value
        on = [n for n in by_sheet["Indicators"] if name in pages[n]]
        assert on, name
        if value.value is not None:
            shown = _shown(value.value, value.number_format)
            assert any(re.search(shown, pages[n]) for n in on), (name, shown)
        assert not any(code in pages[n] for n in by_sheet["Indicators"]), code
    first_page = pages[by_sheet["Indicators"][0]]
    assert "Monthly report on inmate development and cooperation" in first_page
    assert selong.name in first_page and "August 2025" in first_page
    cooperation = " ".join(pages[n] for n in by_sheet["Cooperation"])
    assert re.search(r"Mengajar las Delivery .*Rp 1[.,]500[.,]000", cooperation)
    assert re.search(r"Las Listrik Agustus .*05/08/2025", " ".join(pages))
