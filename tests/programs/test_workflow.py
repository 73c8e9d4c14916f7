"""The program workflow: who may move a program from which status to which."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.formats import date_format

from sinergi.core.api import Conflict
from sinergi.core.models import AuditEvent
from sinergi.orgs.national_holidays import national_holidays
from sinergi.programs import actions
from sinergi.programs.models import Holiday
from tests.programs.conftest import new_program, selong_today

pytestmark = pytest.mark.django_db


def test_officer_submits_and_head_approves_which_generates_sessions(selong, officer, head):
    program = new_program(selong, officer)
    Holiday.objects.create(facility=selong, date=program.start_date, name="Libur")
    actions.transition(program=program, to="submitted", by=officer)
    actions.transition(program=program, to="approved", by=head)
    program.refresh_from_db()
    assert program.status == "approved" and program.approved_by == head
    days = (program.end_date - program.start_date).days + 1
    national = national_holidays(program.start_date, program.end_date)
    # One session a day, minus the facility's holiday and the national days off.
    assert program.sessions.count() == days - 1 - len(national)
    assert not program.sessions.filter(date=program.start_date).exists()
    assert not program.sessions.filter(date__in=national).exists()
    assert AuditEvent.objects.filter(action="program.transition").count() == 2


def test_officer_cannot_approve(selong, officer):
    program = new_program(selong, officer)
    actions.transition(program=program, to="submitted", by=officer)
    with pytest.raises(PermissionDenied):
        actions.transition(program=program, to="approved", by=officer)


def test_a_move_outside_the_table_is_a_conflict(selong, officer):
    program = new_program(selong, officer)
    with pytest.raises(Conflict):
        actions.transition(program=program, to="running", by=officer)


def test_cancelling_needs_a_reason(selong, officer):
    program = new_program(selong, officer)
    with pytest.raises(Conflict):
        actions.transition(program=program, to="cancelled", by=officer)
    actions.transition(program=program, to="cancelled", by=officer, reason="Instruktur batal")
    program.refresh_from_db()
    assert program.cancel_reason == "Instruktur batal"


def test_another_facilitys_officer_cannot_move_the_program(selong, officer, user):
    program = new_program(selong, officer)
    with pytest.raises(PermissionDenied):
        actions.transition(program=program, to="submitted", by=user("petugas.lobar"))


def test_transition_through_the_page_shows_a_message_for_a_conflict(client_for, selong, officer):
    program = new_program(selong, officer)
    response = client_for("petugas.selong").post(
        f"/programs/{program.pk}/status/", {"to": "completed"}, follow=True
    )
    assert response.status_code == 200
    program.refresh_from_db()
    assert program.status == "draft"


def test_one_off_session_and_cancelling_a_session(running, officer):
    session = actions.add_session(
        program=running,
        values={
            "date": running.end_date,  # after the morning session of the weekly schedule
            "start_time": datetime.time(13),
            "end_time": datetime.time(15),
        },
        by=officer,
    )
    assert session.is_one_off
    with pytest.raises(Conflict):
        actions.cancel_session(session=session, reason=" ", by=officer)
    actions.cancel_session(session=session, reason="Hujan", by=officer)
    session.refresh_from_db()
    assert session.status == "cancelled"


def test_competency_units_are_edited_on_the_program_form(client_for, selong, officer):
    program = new_program(selong, officer)
    data = {
        "kind": "independence",
        "category": "vocational",
        "title": program.title,
        "capacity": "10",
        "target_hours": "160",
        "start_date": program.start_date.isoformat(),
        "end_date": program.end_date.isoformat(),
        "sex": "",
        "min_months_left": "0",
        "certification": "lsp",
        "min_attendance_percent": "80",
        "pass_mark": "",
        "units_text": "C.25.200.00.010.1 Mengelas pelat posisi bawah tangan\nMembaca gambar kerja",
    }
    response = client_for("petugas.selong").post(f"/programs/{program.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    assert list(program.units.values_list("code", "title")) == [
        ("C.25.200.00.010.1", "Mengelas pelat posisi bawah tangan"),
        ("", "Membaca gambar kerja"),
    ]
    event = AuditEvent.objects.filter(action="program.update").last()
    assert event is not None and event.changes["capacity"] == [2, 10]


def test_a_refused_new_program_keeps_the_facility_chosen(client_for, user):
    from sinergi.accounts.models import Membership
    from sinergi.orgs.models import Facility

    lobar = Facility.objects.get(code="lobar")
    Membership.objects.create(user=user("petugas.selong"), role="program_officer", facility=lobar)
    response = client_for("petugas.selong").post(
        "/programs/new/", {"facility": lobar.pk, "title": ""}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<option value="{lobar.pk}" selected>' in html


def _enrol_all(program, inmates, officer):
    enrolments = [actions.enroll(program=program, inmate=i, by=officer).enrollment for i in inmates]
    for e in enrolments:
        e.enrolled_on = program.start_date
        e.save(update_fields=["enrolled_on"])
    return enrolments


def test_completing_a_program_ends_every_open_enrolment_by_its_completion_rule(
    running, inmates, officer
):

    met, missed = _enrol_all(running, inmates[:2], officer)
    held = running.sessions.filter(date__lt=selong_today())
    for session in held:
        actions.record_attendance(
            session=session,
            marks={met.pk: ("present", ""), missed.pk: ("sick", "")},
            by=officer,
        )
    assert actions.completion(met).met and not actions.completion(missed).met
    _reaches_its_last_day(running)
    actions.transition(program=running, to="completed", by=officer)
    met.refresh_from_db()
    missed.refresh_from_db()
    assert (met.end_reason, missed.end_reason) == ("completed", "not_completed")
    assert met.ended_on == missed.ended_on == running.end_date
    assert AuditEvent.objects.filter(action="enrollment.end").count() == 2


def test_cancelling_a_program_ends_its_enrolments_and_cancels_its_coming_sessions(
    running, inmates, officer, head
):

    enrolment = _enrol_all(running, inmates[:1], officer)[0]
    today = running.facility.today()
    past = running.sessions.filter(date__lt=today).count()
    actions.transition(program=running, to="cancelled", by=head, reason="Dana tidak tersedia")
    enrolment.refresh_from_db()
    assert enrolment.end_reason == "program_cancelled"
    assert enrolment.ended_on == today
    coming = running.sessions.filter(date__gte=today)
    assert coming.exists()
    assert set(coming.values_list("status", flat=True)) == {"cancelled"}
    assert running.sessions.filter(date__lt=today, status="scheduled").count() == past


@pytest.mark.parametrize("end", ["completed", "cancelled"])
def test_an_ended_program_withdraws_everyone_still_waiting_for_a_place(
    running, inmates, officer, head, end
):
    from sinergi.programs.models import WaitingListEntry

    for inmate in inmates[:2]:
        actions.enroll(program=running, inmate=inmate, by=officer)  # the program is full
    approved = actions.enroll(program=running, inmate=inmates[2], by=officer).waiting
    actions.decide_waiting(entry=approved, status="approved", by=officer)
    pending = actions.enroll(program=running, inmate=inmates[3], by=officer).waiting
    if end == "completed":
        _reaches_its_last_day(running)
    actions.transition(program=running, to=end, by=head, reason="Dana tidak tersedia")
    statuses = dict(WaitingListEntry.objects.values_list("pk", "status"))
    assert statuses == {approved.pk: "withdrawn", pending.pk: "withdrawn"}
    event = AuditEvent.objects.get(action="waiting.close")
    assert event.actor == head
    assert sorted(event.changes["withdrawn"]) == sorted([approved.pk, pending.pk])


def test_a_one_off_session_falls_within_the_program_and_not_after_it_ended(
    client_for, running, officer, head
):
    afternoon = {"start_time": "13:00", "end_time": "15:00"}
    client = client_for("petugas.selong")
    url = f"/programs/{running.pk}/sessions/new/"
    late = running.end_date + datetime.timedelta(days=1)
    response = client.post(url, {**afternoon, "date": late.isoformat()}, language="en")
    assert response.status_code == 200
    assert "falls within the program's dates" in response.context["form"].errors["date"][0]
    assert not running.sessions.filter(date=late).exists()
    actions.transition(program=running, to="cancelled", by=head, reason="Dana tidak tersedia")
    page = client.get(f"/programs/{running.pk}/").content.decode()
    assert url not in page and f"/programs/{running.pk}/edit/" not in page
    with pytest.raises(Conflict) as refused:
        actions.add_session(
            program=running,
            values={
                "date": running.end_date,
                "start_time": datetime.time(13),
                "end_time": datetime.time(15),
            },
            by=officer,
        )
    assert refused.value.code == "program_ended"


def test_a_program_is_completed_from_its_last_day_not_before(client_for, running, officer):
    from sinergi.programs.models import Program

    client = client_for("petugas.selong")
    page = client.get(f"/programs/{running.pk}/", language="en").content.decode()
    assert "Mark as completed" not in page
    assert "It can be marked completed from its last day" in page
    with pytest.raises(Conflict) as refused:
        actions.transition(program=running, to="completed", by=officer)
    assert refused.value.code == "not_over"
    assert Program.objects.get(pk=running.pk).status == "running"
    _reaches_its_last_day(running)
    page = client.get(f"/programs/{running.pk}/", language="en").content.decode()
    assert "Mark as completed" in page
    actions.transition(program=running, to="completed", by=officer)
    assert Program.objects.get(pk=running.pk).status == "completed"


def _reaches_its_last_day(program) -> None:
    """The program's last day is today at its facility: it may be marked completed."""
    from sinergi.programs.models import Program

    program.end_date = program.facility.today()
    Program.objects.filter(pk=program.pk).update(end_date=program.end_date)


def test_shortening_a_program_cancels_the_sessions_after_its_new_end(running, inmates, officer):
    from sinergi.programs.models import Enrollment

    enrolment = actions.enroll(program=running, inmate=inmates[0], by=officer).enrollment
    Enrollment.objects.filter(pk=enrolment.pk).update(enrolled_on=running.start_date)
    enrolment.refresh_from_db()
    today = running.facility.today()
    for session in running.sessions.filter(date__lt=today):
        actions.record_attendance(
            session=session, marks={enrolment.pk: ("present", "")}, by=officer
        )
    new_end = today - datetime.timedelta(days=1)
    with translation.override("en"):  # the reason is written in the officer's language
        actions.update_program(program=running, values={"end_date": new_end}, by=officer)
    after = running.sessions.filter(date__gt=new_end)
    assert after.exists()
    assert set(after.values_list("status", "cancel_reason")) == {
        ("cancelled", "Outside the program's dates")
    }
    # Everyone who came to every session held completes it.
    actions.transition(program=running, to="completed", by=officer)
    enrolment.refresh_from_db()
    assert (enrolment.end_reason, enrolment.ended_on) == ("completed", new_end)


def test_a_program_is_not_shortened_past_sessions_with_attendance(running, inmates, officer):
    enrolment = actions.enroll(program=running, inmate=inmates[0], by=officer).enrollment
    held = running.sessions.filter(date__gte=enrolment.enrolled_on).order_by("date").first()
    actions.record_attendance(session=held, marks={enrolment.pk: ("present", "")}, by=officer)
    with pytest.raises(Conflict) as refused:
        actions.update_program(
            program=running,
            values={"end_date": held.date - datetime.timedelta(days=1)},
            by=officer,
        )
    assert refused.value.code == "sessions_held"
    held.refresh_from_db()
    assert held.status == "scheduled"


def test_cancelling_a_program_tells_its_instructors_once(running, head, instructor):
    from sinergi.accounts.models import Notification, User

    User.objects.filter(pk=instructor.pk).update(language="en")
    coming = running.sessions.filter(date__gte=running.facility.today())
    coming.update(instructor=instructor)
    count = coming.count()
    assert count > 1
    actions.transition(program=running, to="cancelled", by=head, reason="Dana tidak tersedia")
    approval = f"program:{running.pk}:approved"  # the notice of the approval, before
    told = Notification.objects.exclude(key=approval).get(user=instructor)
    assert told.title == (
        f"Program cancelled: {running.title}; your {count} coming sessions are cancelled "
        "(Dana tidak tersedia)"
    )
    assert told.url == f"/programs/{running.pk}/"


def test_lengthening_a_program_schedules_its_added_days(running, officer):
    old_end = running.end_date
    new_end = old_end + datetime.timedelta(days=14)
    actions.update_program(program=running, values={"end_date": new_end}, by=officer)
    added = running.sessions.filter(date__gt=old_end)
    assert added.count() == 14  # the fixture's schedule has a session every day
    assert set(added.values_list("status", flat=True)) == {"scheduled"}


def test_submitting_a_program_tells_the_facilitys_head(selong, officer, head):
    from sinergi.accounts.models import Notification, User

    User.objects.filter(pk=head.pk).update(language="en")
    program = new_program(selong, officer, title="Tenun Songket")
    actions.transition(program=program, to="submitted", by=officer)
    told = Notification.objects.get(user=head)
    assert told.title == "Program awaiting your approval: Tenun Songket"
    assert told.url == f"/programs/{program.pk}/"
    # The officers who may only submit, and the other facilities' heads, are not told.
    assert not Notification.objects.exclude(user=head).exists()
    # Returned to draft and submitted again: told again, of the new submission.
    actions.transition(program=program, to="draft", by=officer)
    actions.transition(program=program, to="submitted", by=officer)
    assert Notification.objects.filter(user=head).count() == 2


def test_approving_a_program_tells_its_instructors_once(selong, officer, head, instructor):
    from sinergi.accounts.models import Notification, User

    User.objects.filter(pk=instructor.pk).update(language="en")
    program = new_program(selong, officer, title="Tenun Songket")
    program.instructors.set([instructor])
    actions.transition(program=program, to="submitted", by=officer)
    actions.transition(program=program, to="approved", by=head)
    told = Notification.objects.get(user=instructor)
    first = program.sessions.order_by("date").first()
    with translation.override("en"):
        day = date_format(first.date, "DATE_FORMAT")
    assert told.title == f"Tenun Songket is approved: you teach its sessions from {day}"
    assert told.url == "/programs/sessions/mine/"
    assert told.key == f"program:{program.pk}:approved"
    # The head and the officer are told nothing more by the approval.
    assert Notification.objects.filter(user=officer).count() == 0


def test_a_program_approved_without_instructors_tells_no_instructor(selong, officer, head):
    from sinergi.accounts.models import Notification

    program = new_program(selong, officer)
    actions.transition(program=program, to="submitted", by=officer)
    actions.transition(program=program, to="approved", by=head)
    assert not Notification.objects.filter(key=f"program:{program.pk}:approved").exists()
