"""A certificate follows completion and says what happened (issue 15): issued only at the
program's end or after an explicit early completion; never ends an enrolment nor changes
a count; attended hours and program hours apart; competency certification only when an
LSP's certificate is recorded; the QR code at SITE_URL or at the address served from."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.test import RequestFactory, override_settings
from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.core.api import Conflict
from sinergi.core.models import AuditEvent
from sinergi.indicators.catalogue import Query, get
from sinergi.indicators.periods import parse_period
from sinergi.programs import actions, documents
from sinergi.programs.models import Certificate, Enrollment, Program
from sinergi.programs.queries import active_count, participation_figures
from tests.programs.conftest import selong_today
from tests.proposals.pdf_text import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainee(running, inmates, officer):
    """Enrolled from the first day and present at every past session (4 h each)."""
    running.capacity = 20
    running.save(update_fields=["capacity"])
    enrollment = actions.enroll(program=running, inmate=inmates[0], by=officer).enrollment
    enrollment.enrolled_on = running.start_date
    enrollment.save(update_fields=["enrolled_on"])
    for session in running.sessions.filter(date__lt=selong_today()):
        actions.record_attendance(
            session=session, marks={enrollment.pk: ("present", "")}, by=officer
        )
    return enrollment


def _attended(enrollment: Enrollment) -> Decimal:
    return actions.completion(enrollment).hours


def _program_over(program: Program, days_ago: int = 3) -> datetime.date:
    """The program's last day was ``days_ago`` days ago (status still running); the
    sessions after it go."""
    end = selong_today() - datetime.timedelta(days=days_ago)
    program.sessions.filter(date__gt=end).delete()
    Program.objects.filter(pk=program.pk).update(end_date=end)
    program.refresh_from_db()
    return end


def _early(enrollment: Enrollment, by: User, hours: str = "40") -> None:
    actions.complete_early(
        enrollment=enrollment, reason="Bebas bersyarat", hours=Decimal(hours), by=by
    )


# --- the issue rule ----------------------------------------------------------------------


def test_no_certificate_while_the_program_runs(running, trainee, officer):
    assert actions.completion(trainee).met  # the rule is met so far, but it runs on
    with pytest.raises(Conflict) as refused:
        actions.issue_certificate(enrollment=trainee, by=officer)
    assert refused.value.code == "program_running"
    assert not Certificate.objects.exists()


def test_the_page_and_the_api_refuse_it_alike(client_for, running, trainee):
    client = client_for("petugas.selong")
    page = client.post(f"/programs/enrollments/{trainee.pk}/certificate/", follow=True)
    assert "berjalan" in page.content.decode() or "runs until" in page.content.decode()
    api = client.post(f"/api/v1/enrollments/{trainee.pk}/certificate")
    assert api.status_code == 409
    assert api.json()["code"] == "program_running"
    assert not Certificate.objects.exists()


def test_the_admin_issues_no_certificate(client, running, trainee, demo_world):
    admin = User.objects.filter(is_superuser=True).first()
    assert admin is not None
    client.force_login(admin)
    assert client.get("/admin/programs/certificate/add/").status_code == 403


def test_a_certificate_from_the_programs_last_day(running, trainee, officer):
    _program_over(running, days_ago=0)
    certificate = actions.issue_certificate(enrollment=trainee, by=officer)
    assert certificate.issued_on == selong_today()
    assert certificate.hours == _attended(trainee)
    assert certificate.program_hours == 160


def test_no_certificate_when_the_rule_was_not_met_at_the_end(running, inmates, officer):
    running.capacity = 20
    running.save(update_fields=["capacity"])
    absent = actions.enroll(program=running, inmate=inmates[1], by=officer).enrollment
    absent.enrolled_on = running.start_date
    absent.save(update_fields=["enrolled_on"])
    _program_over(running)
    with pytest.raises(Conflict) as refused:
        actions.issue_certificate(enrollment=absent, by=officer)
    assert refused.value.code == "not_completed"


def test_no_certificate_for_an_enrolment_that_ended_otherwise(running, trainee, officer):
    actions.end_enrollment(enrollment=trainee, reason="released", by=officer)
    _program_over(running)
    with pytest.raises(Conflict) as refused:
        actions.issue_certificate(enrollment=trainee, by=officer)
    assert refused.value.code == "not_completed"


def test_a_certificate_is_not_dated_in_the_future(running, trainee, officer):
    _program_over(running)
    with pytest.raises(ValidationError):
        actions.issue_certificate(
            enrollment=trainee, by=officer, on=selong_today() + datetime.timedelta(days=1)
        )


def test_a_certificate_is_dated_no_earlier_than_the_programs_last_day(running, trainee, officer):
    end = _program_over(running, days_ago=5)
    with pytest.raises(ValidationError):
        actions.issue_certificate(
            enrollment=trainee, by=officer, on=end - datetime.timedelta(days=1)
        )
    certificate = actions.issue_certificate(enrollment=trainee, by=officer, on=end)
    assert certificate.issued_on == end


def test_completing_an_enrolment_by_hand_before_the_end_takes_the_early_step(
    running, trainee, officer
):
    with pytest.raises(Conflict) as refused:
        actions.end_enrollment(enrollment=trainee, reason="completed", by=officer)
    assert refused.value.code == "early_completion_required"
    trainee.refresh_from_db()
    assert trainee.ended_on is None


# --- issuing changes no count ------------------------------------------------------------


def _counts(program: Program) -> tuple[object, ...]:
    facility = program.facility
    month = parse_period(f"{selong_today():%Y-%m}")
    completions = get("participation.completions").compute(
        Query(month, area="facility", area_id=facility.pk)
    )
    enrolled = get("participation.enrolled_share").compute(
        Query(month, area="facility", area_id=facility.pk)
    )
    figures = participation_figures(program)
    figures.pop("certificates")
    return (
        active_count(program),
        figures,
        {k: v.numerator for k, v in completions.items()},
        {k: v.numerator for k, v in enrolled.items()},
    )


def test_issuing_a_certificate_ends_no_enrolment_and_changes_no_count(running, trainee, officer):
    _program_over(running)
    before = _counts(running)
    actions.issue_certificate(enrollment=trainee, by=officer)
    trainee.refresh_from_db()
    assert (trainee.ended_on, trainee.end_reason) == (None, "")
    assert _counts(running) == before
    assert participation_figures(running)["certificates"] == 1


def test_issuing_after_an_early_completion_changes_nothing_more(running, trainee, officer):
    _early(trainee, officer)
    trainee.refresh_from_db()
    ended = (trainee.ended_on, trainee.end_reason)
    before = _counts(running)
    actions.issue_certificate(enrollment=trainee, by=officer)
    trainee.refresh_from_db()
    assert (trainee.ended_on, trainee.end_reason) == ended
    assert _counts(running) == before


# --- the early completion ----------------------------------------------------------------


def test_an_early_completion_records_why_who_and_the_hours(running, trainee, officer):
    _early(trainee, officer, hours="123")
    trainee.refresh_from_db()
    assert (trainee.ended_on, trainee.end_reason) == (selong_today(), "completed")
    early = trainee.early_completion
    assert (early.reason, early.hours, early.completed_by) == (
        "Bebas bersyarat",
        Decimal("123"),
        officer,
    )
    assert early.history.count() == 1
    assert AuditEvent.objects.filter(action="enrollment.complete_early").exists()
    certificate = actions.issue_certificate(enrollment=trainee, by=officer)
    assert (certificate.hours, certificate.program_hours) == (Decimal("123"), 160)


def test_an_early_completion_needs_a_reason_and_hours_within_the_program(running, trainee, officer):
    with pytest.raises(Conflict) as refused:
        actions.complete_early(enrollment=trainee, reason="  ", hours=Decimal(4), by=officer)
    assert refused.value.code == "reason_required"
    for hours in ("-1", "161"):
        with pytest.raises(ValidationError) as invalid:
            actions.complete_early(
                enrollment=trainee, reason="Bebas", hours=Decimal(hours), by=officer
            )
        assert "hours" in invalid.value.message_dict
    with pytest.raises(ValidationError) as invalid:
        actions.complete_early(enrollment=trainee, reason="x" * 301, hours=Decimal(4), by=officer)
    assert "reason" in invalid.value.message_dict
    trainee.refresh_from_db()
    assert trainee.ended_on is None


def test_an_early_completion_needs_the_rule_met_so_far(running, inmates, officer):
    running.capacity = 20
    running.save(update_fields=["capacity"])
    absent = actions.enroll(program=running, inmate=inmates[1], by=officer).enrollment
    absent.enrolled_on = running.start_date
    absent.save(update_fields=["enrolled_on"])
    with pytest.raises(Conflict) as refused:
        actions.complete_early(enrollment=absent, reason="Bebas", hours=Decimal(4), by=officer)
    assert refused.value.code == "not_completed"


def test_no_early_completion_once_the_program_is_over(running, trainee, officer):
    _program_over(running, days_ago=0)
    with pytest.raises(Conflict) as refused:
        _early(trainee, officer)
    assert refused.value.code == "program_over"


def test_an_outsider_completes_no_one_early(running, trainee):
    for username in ("petugas.lobar", "instruktur.blk", "wali.selong"):
        with pytest.raises(PermissionDenied):
            _early(trainee, User.objects.get(username=username))


def test_early_completion_through_the_page_and_the_api(client_for, running, trainee, inmates):
    client = client_for("petugas.selong")
    url = f"/programs/enrollments/{trainee.pk}/complete-early/"
    assert client.post(url, {"reason": "Bebas bersyarat", "hours": "120"}).status_code == 302
    trainee.refresh_from_db()
    assert trainee.early_completion.hours == Decimal("120")
    api = client.post(
        f"/api/v1/enrollments/{trainee.pk}/early-completion",
        {"reason": "Lagi", "hours": 1},
        content_type="application/json",
    )
    assert api.status_code == 409
    assert api.json()["code"] == "already_ended"
    other = actions.enroll(
        program=running, inmate=inmates[1], by=User.objects.get(username="petugas.selong")
    ).enrollment
    too_many = client.post(
        f"/api/v1/enrollments/{other.pk}/early-completion",
        {"reason": "Bebas", "hours": 500},
        content_type="application/json",
    )
    assert too_many.status_code == 422
    assert (
        client_for("petugas.lobar")
        .post(
            f"/api/v1/enrollments/{other.pk}/early-completion",
            {"reason": "Bebas", "hours": 1},
            content_type="application/json",
        )
        .status_code
        == 404
    )
    certificate = client.post(f"/api/v1/enrollments/{trainee.pk}/certificate")
    assert certificate.status_code == 201
    body = certificate.json()
    assert (body["hours_attended"], body["program_hours"]) == (120.0, 160)


# --- competency certification ------------------------------------------------------------


def _lsp(enrollment: Enrollment, by: User, **values: object) -> None:
    defaults: dict[str, object] = {
        "issuer": "LSP Logam Mesin Indonesia",
        "number": "62090 2513 3 0001234 2026",
        "issued_on": selong_today() - datetime.timedelta(days=1),
    }
    defaults.update(values)
    actions.record_competency_certification(enrollment=enrollment, by=by, **defaults)


def test_a_competency_certification_is_recorded_with_issuer_number_and_date(
    running, trainee, officer
):
    _lsp(trainee, officer)
    record = trainee.competency_certification
    assert record.issuer == "LSP Logam Mesin Indonesia"
    assert record.recorded_by == officer
    _lsp(trainee, officer, number="62090 2513 3 0001235 2026")  # a correction
    trainee.refresh_from_db()
    assert trainee.competency_certification.number.endswith("1235 2026")
    assert trainee.competency_certification.history.count() == 2
    assert AuditEvent.objects.filter(action="competency_certification.record").count() == 2


def test_a_competency_certification_needs_its_facts(running, trainee, officer):
    for values, field in (
        ({"issuer": " "}, "issuer"),
        ({"number": ""}, "number"),
        ({"issued_on": selong_today() + datetime.timedelta(days=1)}, "issued_on"),
        ({"issued_on": running.start_date - datetime.timedelta(days=1)}, "issued_on"),
        ({"issuer": "L" * 201}, "issuer"),
    ):
        with pytest.raises(ValidationError) as invalid:
            _lsp(trainee, officer, **values)
        assert field in invalid.value.message_dict
    assert not hasattr(Enrollment.objects.get(pk=trainee.pk), "competency_certification")


def test_an_outsider_records_no_competency_certification(running, trainee):
    with pytest.raises(PermissionDenied):
        _lsp(trainee, User.objects.get(username="petugas.lobar"))


def test_competency_certification_through_the_page_and_the_api(client_for, running, trainee):
    client = client_for("petugas.selong")
    yesterday = selong_today() - datetime.timedelta(days=1)
    page = client.post(
        f"/programs/enrollments/{trainee.pk}/competency-certification/",
        {"issuer": "LSP P1 BLK Lotim", "number": "A-1", "issued_on": yesterday.isoformat()},
    )
    assert page.status_code == 302
    api = client.put(
        f"/api/v1/enrollments/{trainee.pk}/competency-certification",
        {"issuer": "LSP P1 BLK Lotim", "number": "A-2", "issued_on": yesterday.isoformat()},
        content_type="application/json",
    )
    assert api.status_code == 200
    assert api.json()["number"] == "A-2"
    future = client.put(
        f"/api/v1/enrollments/{trainee.pk}/competency-certification",
        {
            "issuer": "LSP",
            "number": "A-3",
            "issued_on": (yesterday + datetime.timedelta(days=5)).isoformat(),
        },
        content_type="application/json",
    )
    assert future.status_code == 422


# --- what the certificate and the verification page say ----------------------------------


def _pdf(client, certificate: Certificate) -> str:
    response = client.get(f"/programs/certificates/{certificate.pk}.pdf")
    assert response.status_code == 200
    return pdf_text(response.content)


def test_the_pdf_states_hours_attended_and_program_hours_apart(client_for, running, trainee):
    officer = User.objects.get(username="petugas.selong")
    Program.objects.filter(pk=running.pk).update(certification="lsp")
    _early(trainee, officer, hours="123")
    certificate = actions.issue_certificate(enrollment=trainee, by=officer)
    text = _pdf(client_for("petugas.selong"), certificate)
    assert "Jam yang diikuti: 123" in text
    assert "Jam program: 160" in text
    assert "123.00" not in text and "(123" not in text
    assert "Sertifikasi kompetensi" not in text  # the program's scheme is no certificate
    assert "Diselesaikan lebih awal" in text


def test_the_pdf_names_the_competency_certification_once_recorded(client_for, running, trainee):
    officer = User.objects.get(username="petugas.selong")
    _program_over(running)
    certificate = actions.issue_certificate(enrollment=trainee, by=officer)
    _lsp(trainee, officer)
    text = _pdf(client_for("petugas.selong"), certificate)
    assert "Sertifikasi kompetensi" in text
    assert "LSP Logam Mesin Indonesia" in text
    assert "62090 2513 3 0001234 2026" in text
    assert "Diselesaikan lebih awal" not in text


def test_the_verification_page_shows_the_same_facts(client, running, trainee, officer):
    _early(trainee, officer, hours="123")
    certificate = actions.issue_certificate(enrollment=trainee, by=officer)
    page = client.get(f"/verify/{certificate.code}/").content.decode()
    assert "Jam yang diikuti" in page and "123" in page
    assert "Jam program" in page and "160" in page
    assert "Diselesaikan lebih awal" in page
    assert "Sertifikasi kompetensi" not in page
    _lsp(trainee, officer)
    page = client.get(f"/verify/{certificate.code}/").content.decode()
    assert "LSP Logam Mesin Indonesia" in page and "62090 2513 3 0001234 2026" in page
    api = client.get(f"/api/v1/certificates/{certificate.code}/verify").json()
    assert api["hours"] == 123.0 and api["program_hours"] == 160
    assert api["completed_early_on"] == selong_today().isoformat()
    assert api["competency_certification"]["number"] == "62090 2513 3 0001234 2026"


# --- the QR code's address ---------------------------------------------------------------


@pytest.fixture
def certificate(running, trainee, officer) -> Certificate:
    _program_over(running)
    return actions.issue_certificate(enrollment=trainee, by=officer)


@override_settings(SITE_URL="https://sinergi.example.go.id")
def test_the_qr_code_points_at_site_url(rf: RequestFactory, certificate):
    request = rf.get("/", HTTP_HOST="127.0.0.1:8136")
    url = f"https://sinergi.example.go.id/verify/{certificate.code}/"
    assert documents.verify_url(request, certificate) == url
    assert documents.verify_url(None, certificate) == url  # outside a request


@override_settings(SITE_URL="")
def test_without_site_url_the_qr_code_points_where_the_page_was_served(
    rf: RequestFactory, certificate, client_for
):
    request = rf.get("/", HTTP_HOST="127.0.0.1:8136")
    url = f"http://127.0.0.1:8136/verify/{certificate.code}/"
    assert documents.verify_url(request, certificate) == url
    text = _pdf(client_for("petugas.selong"), certificate).replace(" ", "")  # wrapped
    assert f"http://testserver/verify/{certificate.code}/" in text
    with pytest.raises(ImproperlyConfigured):
        documents.verify_url(None, certificate)


# --- the demo: honest dates, whatever day it loads ---------------------------------------


@pytest.mark.parametrize("days_later", [0, 137])
def test_the_demo_dates_certificates_and_attendance_honestly(demo_world, days_later):
    from io import StringIO
    from unittest import mock

    from sinergi.inmates import demo as inmates_demo
    from sinergi.programs import demo as programs_demo
    from sinergi.programs.models import Attendance, CompetencyAssessment, EarlyCompletion

    now = timezone.now() + datetime.timedelta(days=days_later)
    with mock.patch("django.utils.timezone.now", return_value=now):
        out = StringIO()
        inmates_demo.seed(out)
        programs_demo.seed(out)
        today = Program.objects.first().facility.today()  # type: ignore[union-attr]
    certificates = Certificate.objects.select_related("enrollment__program")
    assert certificates.count() > 10
    early = set(EarlyCompletion.objects.values_list("enrollment_id", flat=True))
    assert len(early) == 1
    for certificate in certificates:
        program = certificate.enrollment.program
        if certificate.enrollment_id in early:
            assert certificate.issued_on == today < program.end_date
        else:  # on the program's last day, which has passed
            assert certificate.issued_on == program.end_date < today
        assert certificate.program_hours == program.target_hours
        assert certificate.enrollment.end_reason == "completed"
    assert not Attendance.objects.filter(session__date__gte=today).exists()
    assert not CompetencyAssessment.objects.filter(assessed_on__gte=today).exists()
    # this month's certificates: only those of programs that ended this month
    this_month = certificates.filter(issued_on__year=today.year, issued_on__month=today.month)
    assert (
        this_month.count()
        == len(early)
        + this_month.filter(
            enrollment__program__end_date__year=today.year,
            enrollment__program__end_date__month=today.month,
        )
        .exclude(enrollment_id__in=early)
        .count()
    )


def test_the_program_page_shows_the_certificate_of_a_participant_still_enrolled(
    client_for, running, trainee, officer
):
    _program_over(running, days_ago=0)
    certificate = actions.issue_certificate(enrollment=trainee, by=officer)
    page = client_for("petugas.selong").get(f"/programs/{running.pk}/").content.decode()
    active = page.split('class="enrolled"')[1].split("</ul>")[0]
    assert certificate.code in active


def test_certificates_issued_before_take_their_programs_hours_by_migration(certificate, running):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    Certificate.objects.filter(pk=certificate.pk).update(program_hours=0)
    name = "0006_certificates_after_completion"
    executor = MigrationExecutor(connection)
    migration = executor.loader.get_migration("programs", name)
    apps = executor.loader.project_state(("programs", name)).apps
    fill = next(op for op in migration.operations if hasattr(op, "code"))
    fill.code(apps, None)
    certificate.refresh_from_db()
    assert certificate.program_hours == running.target_hours == 160


def test_the_end_form_offers_completed_only_from_the_programs_last_day(
    client_for, running, trainee
):
    client = client_for("petugas.selong")
    page = client.get(f"/programs/{running.pk}/").content.decode()
    assert '<option value="completed">' not in page  # the enrolment's page completes early
    assert '<option value="released">' in page
    _program_over(running, days_ago=0)
    page = client.get(f"/programs/{running.pk}/").content.decode()
    assert '<option value="completed">' in page


def test_the_certificate_is_signed_with_the_name_of_the_facilitys_active_head(
    running, trainee, officer, head
):
    head.full_name = "Lalu Muhammad Saleh"
    head.save(update_fields=["full_name"])
    _program_over(running)
    certificate = actions.issue_certificate(enrollment=trainee, by=officer)
    assert certificate.head_name == "Lalu Muhammad Saleh"  # not the office's title


def test_a_refused_early_completion_shows_the_form_again_with_the_reason_kept(
    client_for, running, trainee
):
    client = client_for("petugas.selong")
    url = f"/programs/enrollments/{trainee.pk}/complete-early/"
    page = client.post(url, {"reason": "Dipindahkan ke Lapas Mataram", "hours": "500"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Dipindahkan ke Lapas Mataram" in text
    assert "Jam yang diikuti antara 0 dan 160" in text
    assert "<details open>" in text
    trainee.refresh_from_db()
    assert trainee.ended_on is None
    lsp = client.post(
        f"/programs/enrollments/{trainee.pk}/competency-certification/",
        {"issuer": "LSP Logam", "number": "A-9", "issued_on": "2099-01-01"},
    )
    assert lsp.status_code == 200
    assert "A-9" in lsp.content.decode() and "masa depan" in lsp.content.decode()
