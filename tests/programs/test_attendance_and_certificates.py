"""Attendance rosters, completion, certificates and their public verification."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import F, Q
from django.test.utils import CaptureQueriesContext

from sinergi.core.api import Conflict
from sinergi.programs import actions
from sinergi.programs.models import Attendance, Enrollment, Program, Session
from tests.factories import MembershipFactory, UserFactory
from tests.inmates.factories import make_inmate
from tests.programs.conftest import selong_today

pytestmark = pytest.mark.django_db


def _past_session(program) -> Session:
    return program.sessions.filter(date__lt=selong_today()).order_by("date").first()


@pytest.fixture
def class_of_three(running, inmates, officer):
    running.capacity = 20
    running.save()
    enrolled = [
        actions.enroll(program=running, inmate=i, by=officer).enrollment for i in inmates[:3]
    ]
    return [_from_start(e, running) for e in enrolled]


def _from_start(enrollment, program):
    """Enrolled from the first day, so that past sessions have them on the roster."""
    enrollment.enrolled_on = program.start_date
    enrollment.save(update_fields=["enrolled_on"])
    return enrollment


def test_instructor_takes_attendance_for_their_own_session(running, class_of_three, instructor):
    session = _past_session(running)
    marks = {e.pk: ("present", "") for e in class_of_three}
    assert actions.record_attendance(session=session, marks=marks, by=instructor) == 3
    assert Attendance.objects.filter(session=session, status="present").count() == 3
    assert float(Attendance.objects.first().hours) == 4.0


def test_instructor_cannot_record_attendance_for_someone_elses_session(
    running, class_of_three, selong
):
    other = UserFactory()
    MembershipFactory(user=other, role="instructor", facility=selong)
    session = _past_session(running)
    with pytest.raises(PermissionDenied):
        actions.record_attendance(
            session=session, marks={class_of_three[0].pk: ("present", "")}, by=other
        )


def test_other_instructor_gets_403_on_the_roster_page(client, running, class_of_three, selong):
    other = UserFactory()
    MembershipFactory(user=other, role="instructor", facility=selong)
    running.instructors.add(other)  # sees the program, but the session is not theirs
    client.force_login(other)
    session = _past_session(running)
    assert client.get(f"/programs/sessions/{session.pk}/").status_code == 403


def test_roster_saves_in_a_fixed_number_of_queries(running, selong, officer, instructor):
    running.capacity = 50
    running.save()
    session = _past_session(running)

    def save_roster(count: int) -> int:
        people = [
            make_inmate(facility=selong, detention_start=datetime.date(2025, 6, 1), term_years=4)
            for _ in range(count)
        ]
        enrolled = [
            _from_start(actions.enroll(program=running, inmate=p, by=officer).enrollment, running)
            for p in people
        ]
        marks = {e.pk: ("present", "") for e in enrolled}
        Attendance.objects.filter(session=session).delete()
        for e in running.enrollments.exclude(pk__in=[x.pk for x in enrolled]):
            actions.end_enrollment(
                enrollment=e,
                reason="other",
                by=officer,
                on=session.date - datetime.timedelta(days=1),
            )
        fresh = type(session).objects.get(pk=session.pk)  # nothing cached from before
        with CaptureQueriesContext(connection) as ctx:
            actions.record_attendance(session=fresh, marks=marks, by=instructor)
        return len(ctx)

    assert save_roster(2) == save_roster(12)


def test_attendance_reasons_are_checked(running, class_of_three, officer):
    session = _past_session(running)
    with pytest.raises(Conflict):
        actions.record_attendance(
            session=session, marks={class_of_three[0].pk: ("other", "")}, by=officer
        )
    with pytest.raises(Conflict):
        actions.record_attendance(session=session, marks={999999: ("present", "")}, by=officer)
    future = running.sessions.filter(date__gt=selong_today()).first()
    with pytest.raises(Conflict):
        actions.record_attendance(
            session=future, marks={class_of_three[0].pk: ("present", "")}, by=officer
        )


def test_roster_page_saves_every_mark_in_one_request(client_for, running, class_of_three):
    session = _past_session(running)
    data = {f"status-{e.pk}": "present" for e in class_of_three}
    data[f"status-{class_of_three[2].pk}"] = "sick"
    response = client_for("instruktur.blk").post(f"/programs/sessions/{session.pk}/", data)
    assert response.status_code == 302
    assert sorted(Attendance.objects.values_list("status", flat=True)) == [
        "present",
        "present",
        "sick",
    ]


def test_attendance_sheet_pdf_prints(client_for, running, class_of_three):
    session = _past_session(running)
    response = client_for("petugas.selong").get(f"/programs/sessions/{session.pk}/sheet.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def _complete(program, enrollment, officer):
    for session in program.sessions.filter(date__lt=selong_today()):
        actions.record_attendance(
            session=session, marks={enrollment.pk: ("present", "")}, by=officer
        )


def _last_day_today(program) -> None:
    """Today is the program's last day: its certificates may be issued."""
    today = selong_today()
    program.sessions.filter(date__gt=today).delete()
    Program.objects.filter(pk=program.pk).update(end_date=today)
    program.refresh_from_db()


def test_certificate_only_when_the_completion_rule_is_met(running, class_of_three, officer):
    enrollment = class_of_three[0]
    _last_day_today(running)
    with pytest.raises(Conflict) as exc:
        actions.issue_certificate(enrollment=enrollment, by=officer)
    assert exc.value.code == "not_completed"
    _complete(running, enrollment, officer)
    certificate = actions.issue_certificate(enrollment=enrollment, by=officer)
    enrollment.refresh_from_db()
    assert enrollment.ended_on is None  # the program's end ends it, not the certificate
    assert certificate.code.startswith("SNG-") and len(certificate.code) == 18
    assert certificate.hours > 0


def test_failed_post_test_and_units_block_the_certificate(running, class_of_three, officer):
    from sinergi.programs.models import CompetencyUnit

    running.pass_mark = 70
    running.save()
    unit = CompetencyUnit.objects.create(program=running, code="U1", title="Mengelas")
    enrollment = class_of_three[0]
    enrollment.program = running
    _complete(running, enrollment, officer)
    actions.record_scores(enrollment=enrollment, pre_test=40, post_test=60, by=officer)
    assert len(actions.completion(enrollment).missing) == 2
    actions.record_scores(enrollment=enrollment, pre_test=40, post_test=80, by=officer)
    actions.record_competency(enrollment=enrollment, unit=unit, result="competent", by=officer)
    assert actions.completion(enrollment).met


def test_verify_page_hides_the_name_unless_typed(client, running, class_of_three, officer):
    enrollment = class_of_three[0]
    _complete(running, enrollment, officer)
    _last_day_today(running)
    certificate = actions.issue_certificate(enrollment=enrollment, by=officer)
    page = client.get(f"/verify/{certificate.code}/").content.decode()
    assert running.title in page and enrollment.inmate.name not in page
    match = client.get(f"/verify/{certificate.code}/", {"name": "  peserta 0 "})
    assert match.context["name_matches"] is True
    assert enrollment.inmate.name not in match.content.decode().replace('value="  peserta 0 "', "")
    api = client.get(f"/api/v1/certificates/{certificate.code}/verify").json()
    assert api["status"] == "valid" and "holder" not in str(api)
    actions.revoke_certificate(certificate=certificate, reason="Data salah", by=officer)
    assert client.get(f"/api/v1/certificates/{certificate.code}/verify").json()["status"] == (
        "revoked"
    )
    assert client.get("/api/v1/certificates/SNG-XXXX-XXXX-XXXX/verify").status_code == 404


def test_certificate_pdf_has_a_qr_code(client_for, running, class_of_three, officer):
    enrollment = class_of_three[0]
    _complete(running, enrollment, officer)
    _last_day_today(running)
    certificate = actions.issue_certificate(enrollment=enrollment, by=officer)
    response = client_for("petugas.selong").get(f"/programs/certificates/{certificate.pk}.pdf")
    assert response.content.startswith(b"%PDF")
    record = client_for("wali.selong").get(f"/programs/inmates/{enrollment.inmate_id}/record.pdf")
    assert record.content.startswith(b"%PDF")


# --- when a completed enrolment ends ---------------------------------------------------


def _ended_days_ago(program, days: int) -> datetime.date:
    """The program ended ``days`` ago and is marked completed; later sessions go."""
    end = selong_today() - datetime.timedelta(days=days)
    program.sessions.filter(date__gt=end).delete()
    Program.objects.filter(pk=program.pk).update(end_date=end, status="completed")
    return end


def test_a_certificate_issued_after_the_program_ended_leaves_the_enrolment_as_it_ended(
    running, class_of_three, officer
):
    enrollment = class_of_three[0]
    _complete(running, enrollment, officer)
    end = _ended_days_ago(running, 5)
    actions.end_enrollment(enrollment=enrollment, reason="completed", by=officer)
    certificate = actions.issue_certificate(enrollment=enrollment, by=officer)
    enrollment.refresh_from_db()
    assert certificate.issued_on == selong_today()
    assert (enrollment.ended_on, enrollment.end_reason) == (end, "completed")
    # no longer counted in the program after it ended
    active_later = Enrollment.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=end + datetime.timedelta(days=1))
    )
    assert not active_later.filter(pk=enrollment.pk).exists()


def test_a_certificate_is_refused_while_the_program_runs_and_ends_nothing(
    running, class_of_three, officer
):
    enrollment = class_of_three[0]
    _complete(running, enrollment, officer)
    with pytest.raises(Conflict) as refused:
        actions.issue_certificate(enrollment=enrollment, by=officer)
    assert refused.value.code == "program_running"
    enrollment.refresh_from_db()
    assert enrollment.ended_on is None


def test_marking_completed_after_the_program_ended_ends_on_its_end_date(
    running, class_of_three, officer
):
    end = _ended_days_ago(running, 5)
    completed, released = class_of_three[:2]
    actions.end_enrollment(enrollment=completed, reason="completed", by=officer)
    actions.end_enrollment(enrollment=released, reason="completed", by=officer, on=selong_today())
    completed.refresh_from_db()
    released.refresh_from_db()
    assert completed.ended_on == end and released.ended_on == end
    # another reason ends on the day given
    other = class_of_three[2]
    actions.end_enrollment(enrollment=other, reason="released", by=officer)
    other.refresh_from_db()
    assert other.ended_on == selong_today()


def test_a_completed_enrolment_never_ends_before_it_began(running, class_of_three, officer):
    enrollment = class_of_three[0]
    end = _ended_days_ago(running, 5)
    enrollment.enrolled_on = end + datetime.timedelta(days=2)
    enrollment.save(update_fields=["enrolled_on"])
    actions.end_enrollment(enrollment=enrollment, reason="completed", by=officer)
    enrollment.refresh_from_db()
    assert enrollment.ended_on == enrollment.enrolled_on


def test_the_demo_ends_completed_enrolments_no_later_than_their_program(demo_world):
    from io import StringIO

    from sinergi.inmates import demo as inmates_demo
    from sinergi.programs import demo as programs_demo

    out = StringIO()
    inmates_demo.seed(out)
    programs_demo.seed(out)
    completed = Enrollment.objects.filter(end_reason="completed")
    assert completed.filter(certificate__isnull=False).exists()
    assert not completed.filter(ended_on__gt=F("program__end_date")).exists()
    assert not completed.filter(ended_on__lt=F("enrolled_on")).exists()


def test_enrolments_completed_after_their_program_ended_are_moved_back_by_migration(
    running, class_of_three, officer
):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from sinergi.programs.models import Enrollment

    late, early, other = class_of_three
    program_end = running.end_date
    Enrollment.objects.filter(pk=late.pk).update(
        end_reason="completed", ended_on=program_end + datetime.timedelta(days=20)
    )
    Enrollment.objects.filter(pk=early.pk).update(
        end_reason="completed", ended_on=program_end - datetime.timedelta(days=2)
    )
    Enrollment.objects.filter(pk=other.pk).update(
        end_reason="released", ended_on=program_end + datetime.timedelta(days=20)
    )
    name = "0004_completed_enrolments_end_with_their_program"
    executor = MigrationExecutor(connection)
    migration = executor.loader.get_migration("programs", name)
    apps = executor.loader.project_state(("programs", name)).apps
    migration.operations[0].code(apps, None)
    ended = dict(Enrollment.objects.values_list("pk", "ended_on"))
    assert ended[late.pk] == program_end
    assert ended[early.pk] == program_end - datetime.timedelta(days=2)
    assert ended[other.pk] == program_end + datetime.timedelta(days=20)  # not a completion
