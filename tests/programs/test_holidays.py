"""A facility's holidays: kept by its officers and head on the Holidays page; adding one
cancels the day's sessions that have no attendance yet."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.formats import date_format

from sinergi.accounts.models import Membership
from sinergi.core.api import Conflict
from sinergi.core.models import AuditEvent
from sinergi.orgs.models import Facility
from sinergi.programs import actions
from sinergi.programs.models import Holiday, Program, Session
from tests.programs.conftest import new_program, selong_today

pytestmark = pytest.mark.django_db

URL = "/programs/holidays/"
EN = {"language": "en"}
DASH = "\N{EN DASH}"  # between the start and end times


@pytest.fixture(autouse=True)
def english():
    """Actions write the cancellation reason in the language of the moment."""
    with translation.override("en"):
        yield


@pytest.fixture
def lobar(demo_world):
    return Facility.objects.get(code="lobar")


@pytest.fixture
def day_with_attendance(running, inmates, officer, instructor):
    """Two days ago: the 08.00 session has attendance, a one-off 13.00 session has none."""
    day = selong_today() - datetime.timedelta(days=2)
    enrollment = actions.enroll(program=running, inmate=inmates[0], by=officer).enrollment
    enrollment.enrolled_on = running.start_date
    enrollment.save()
    marked = running.sessions.get(date=day, start_time=datetime.time(8))
    actions.record_attendance(session=marked, marks={enrollment.pk: ("present", "")}, by=officer)
    unmarked = actions.add_session(
        program=running,
        values={"date": day, "start_time": datetime.time(13), "end_time": datetime.time(15)},
        by=officer,
    )
    return day, marked, unmarked


def _statuses(sessions):
    return [Session.objects.get(pk=s.pk).status for s in sessions]


# --- the actions ---------------------------------------------------------------------


def test_adding_a_holiday_cancels_the_days_sessions_without_attendance(
    day_with_attendance, officer
):
    day, marked, unmarked = day_with_attendance
    result = actions.add_holiday(
        facility=marked.program.facility, date=day, name="Hari Jadi Lotim", by=officer
    )
    assert result.holiday.name == "Hari Jadi Lotim"
    assert [s.pk for s in result.cancelled] == [unmarked.pk]
    assert [s.pk for s in result.kept] == [marked.pk]
    assert _statuses([marked, unmarked]) == ["scheduled", "cancelled"]
    unmarked.refresh_from_db()
    assert unmarked.cancel_reason == "Holiday: Hari Jadi Lotim"
    assert unmarked.history.first().history_user == officer


def test_adding_a_holiday_leaves_other_days_and_other_facilities_alone(
    running, selong, lobar, officer, user
):
    day = selong_today() + datetime.timedelta(days=7)
    elsewhere = new_program(lobar, user("petugas.lobar"))
    lobar_session = Session.objects.create(
        program=elsewhere, date=day, start_time=datetime.time(8), end_time=datetime.time(12)
    )
    before = set(running.sessions.exclude(date=day).values_list("pk", "status", "cancel_reason"))
    result = actions.add_holiday(facility=selong, date=day, name="Rapat besar", by=officer)
    assert [s.date for s in result.cancelled] == [day]
    assert result.kept == []
    assert running.sessions.get(date=day).status == "cancelled"
    assert (
        set(running.sessions.exclude(date=day).values_list("pk", "status", "cancel_reason"))
        == before
    )
    assert _statuses([lobar_session]) == ["scheduled"]


def test_a_holiday_is_skipped_by_sessions_generated_later(selong, officer, head):
    day = selong_today() + datetime.timedelta(days=3)
    actions.add_holiday(facility=selong, date=day, name="Libur UPT", by=officer)
    program = new_program(selong, officer, start_date=selong_today())
    actions.transition(program=program, to="submitted", by=officer)
    actions.transition(program=program, to="approved", by=head)
    assert not program.sessions.filter(date=day).exists()
    assert program.sessions.filter(date=day + datetime.timedelta(days=1)).exists()


def test_a_second_holiday_on_the_same_date_is_refused_and_changes_nothing(running, selong, officer):
    day = selong_today() + datetime.timedelta(days=5)
    Holiday.objects.create(facility=selong, date=day, name="Nyepi")
    events = AuditEvent.objects.count()
    with pytest.raises(Conflict) as refused:
        actions.add_holiday(facility=selong, date=day, name="Lain", by=officer)
    assert refused.value.code == "holiday_exists"
    assert "Nyepi" in refused.value.detail
    assert list(Holiday.objects.filter(facility=selong).values_list("name", flat=True)) == ["Nyepi"]
    assert running.sessions.get(date=day).status == "scheduled"
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("days_ahead", "name", "code"),
    [(800, "Terlalu jauh", "too_far_ahead"), (3, "   ", "name_required")],
)
def test_a_holiday_needs_a_name_and_a_date_within_two_years(
    selong, officer, days_ahead, name, code
):
    day = selong_today() + datetime.timedelta(days=days_ahead)
    with pytest.raises(Conflict) as refused:
        actions.add_holiday(facility=selong, date=day, name=name, by=officer)
    assert refused.value.code == code
    assert not Holiday.objects.exists()


def test_a_past_holiday_can_be_recorded_and_keeps_what_has_attendance(
    day_with_attendance, selong, head
):
    day, marked, _unmarked = day_with_attendance
    result = actions.add_holiday(facility=selong, date=day, name="Koreksi", by=head)
    assert [s.pk for s in result.kept] == [marked.pk]
    assert marked.attendance.count() == 1


@pytest.mark.parametrize("username", ["wali.selong", "petugas.lobar", "instruktur.blk"])
def test_only_officers_and_the_head_of_the_facility_add_or_remove(selong, user, username):
    day = selong_today() + datetime.timedelta(days=5)
    with pytest.raises(PermissionDenied):
        actions.add_holiday(facility=selong, date=day, name="Libur", by=user(username))
    holiday = Holiday.objects.create(facility=selong, date=day, name="Libur")
    with pytest.raises(PermissionDenied):
        actions.remove_holiday(holiday=holiday, by=user(username))
    assert Holiday.objects.filter(pk=holiday.pk).exists()


def test_adding_and_removing_are_audited_and_kept_in_history(selong, officer, head):
    day = selong_today() + datetime.timedelta(days=9)
    holiday = actions.add_holiday(facility=selong, date=day, name="Libur UPT", by=officer).holiday
    added = AuditEvent.objects.get(action="holiday.add")
    assert added.actor == officer and added.facility_id == selong.pk
    assert added.changes["date"] == day.isoformat() and added.changes["name"] == "Libur UPT"
    assert holiday.history.get().history_user == officer

    pk = holiday.pk
    actions.remove_holiday(holiday=holiday, by=head)
    assert not Holiday.objects.filter(pk=pk).exists()
    removed = AuditEvent.objects.get(action="holiday.remove")
    assert removed.actor == head and removed.target_id == str(pk)
    assert removed.facility_id == selong.pk
    history = Holiday.history.filter(id=pk).order_by("history_date")
    assert [(h.history_type, h.history_user) for h in history] == [("+", officer), ("-", head)]


def test_every_cancellation_is_audited_with_its_reason(running, selong, officer):
    day = selong_today() + datetime.timedelta(days=4)
    actions.add_holiday(facility=selong, date=day, name="Libur UPT", by=officer)
    event = AuditEvent.objects.get(action="session.cancel")
    assert event.actor == officer
    assert event.target_id == str(running.sessions.get(date=day).pk)
    assert event.changes == {"reason": "Holiday: Libur UPT"}


# --- the page ------------------------------------------------------------------------


def test_an_officer_adds_a_holiday_and_reads_what_happened_to_the_sessions(
    client_for, day_with_attendance, selong
):
    day, marked, unmarked = day_with_attendance
    response = client_for("petugas.selong").post(
        URL, {"date": day.isoformat(), "name": "Hari Jadi Lotim"}, follow=True, **EN
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(URL)
    text = response.content.decode()
    assert "Holiday added" in text
    assert "1 session on that day was cancelled" in text
    assert "1 session with attendance was kept" in text
    assert f"{marked.program.title}, 08.00" in text
    assert Holiday.objects.get(facility=selong, date=day).name == "Hari Jadi Lotim"
    assert _statuses([marked, unmarked]) == ["scheduled", "cancelled"]
    assert AuditEvent.objects.get(action="holiday.add").actor.username == "petugas.selong"


def test_the_page_refuses_a_duplicate_date_with_its_message(client_for, selong):
    day = selong_today() + datetime.timedelta(days=5)
    Holiday.objects.create(facility=selong, date=day, name="Nyepi")
    response = client_for("kalapas.selong").post(
        URL, {"date": day.isoformat(), "name": "Lain"}, **EN
    )
    assert response.status_code == 200
    assert "already has a holiday" in response.content.decode()
    assert response.context["form"].errors
    assert Holiday.objects.filter(facility=selong).count() == 1


def test_the_page_refuses_a_date_too_far_ahead_and_an_empty_name(client_for, selong):
    client = client_for("petugas.selong")
    far = selong_today() + datetime.timedelta(days=800)
    response = client.post(URL, {"date": far.isoformat(), "name": "Jauh"}, **EN)
    assert "date" in response.context["form"].errors
    response = client.post(URL, {"date": selong_today().isoformat(), "name": ""}, **EN)
    assert "name" in response.context["form"].errors
    assert not Holiday.objects.exists()


def test_an_officer_removes_a_holiday_and_its_sessions_are_scheduled_again(
    client_for, running, selong, officer
):
    day = selong_today() + datetime.timedelta(days=4)
    holiday = actions.add_holiday(facility=selong, date=day, name="Libur", by=officer).holiday
    session = running.sessions.get(date=day)
    assert session.status == "cancelled" and session.cancelled_for == holiday
    response = client_for("petugas.selong").post(f"{URL}{holiday.pk}/remove/", follow=True, **EN)
    assert response.status_code == 200
    assert not Holiday.objects.filter(pk=holiday.pk).exists()
    assert "1 session cancelled for it is scheduled again" in response.content.decode()
    assert Holiday.history.filter(id=holiday.pk, history_type="-").exists()
    session.refresh_from_db()
    assert (session.status, session.cancel_reason, session.cancelled_for) == ("scheduled", "", None)


def test_removing_a_holiday_leaves_sessions_cancelled_for_another_reason(running, selong, officer):
    day = selong_today() + datetime.timedelta(days=4)
    session = running.sessions.get(date=day)
    actions.cancel_session(session=session, reason="Instruktur sakit", by=officer)
    holiday = actions.add_holiday(facility=selong, date=day, name="Libur", by=officer).holiday
    restored, still = actions.remove_holiday(holiday=holiday, by=officer)
    assert restored == []
    assert still == 1
    session.refresh_from_db()
    assert (session.status, session.cancel_reason) == ("cancelled", "Instruktur sakit")


def test_removing_a_holiday_does_not_revive_a_session_of_a_program_since_ended(
    running, selong, officer, head
):
    day = selong_today() + datetime.timedelta(days=4)
    holiday = actions.add_holiday(facility=selong, date=day, name="Libur", by=officer).holiday
    actions.transition(program=running, to="cancelled", by=head, reason="Dana tidak tersedia")
    restored, still = actions.remove_holiday(holiday=holiday, by=officer)
    assert restored == [] and still == 1
    assert running.sessions.get(date=day).status == "cancelled"


def test_a_cancelled_session_is_restored_by_an_officer(client_for, running, officer):
    session = running.sessions.filter(date__gt=selong_today()).first()
    actions.cancel_session(session=session, reason="Hujan deras", by=officer)
    page = client_for("petugas.selong").get(f"/programs/sessions/{session.pk}/", **EN)
    text = page.content.decode()
    assert "Restore the session" in text and "Schedule it again" not in text
    assert 'name="on_holiday"' not in text  # not a holiday: nothing to confirm
    response = client_for("petugas.selong").post(
        f"/programs/sessions/{session.pk}/restore/", follow=True, **EN
    )
    assert "The session is restored." in response.content.decode()
    session.refresh_from_db()
    assert (session.status, session.cancel_reason) == ("scheduled", "")
    event = AuditEvent.objects.get(action="session.restore")
    assert event.actor == officer and event.changes == {"reason": "Hujan deras"}
    assert session.history.first().history_user == officer


def test_scheduling_again_is_refused_when_not_cancelled_or_the_program_ended(
    running, officer, head
):
    session = running.sessions.filter(date__gt=selong_today()).first()
    with pytest.raises(Conflict):
        actions.restore_session(session=session, by=officer)
    actions.cancel_session(session=session, reason="Hujan", by=officer)
    actions.transition(program=running, to="cancelled", by=head, reason="Dana tidak tersedia")
    with pytest.raises(Conflict):
        actions.restore_session(session=Session.objects.get(pk=session.pk), by=officer)


@pytest.mark.parametrize("end", ["cancelled", "completed"])
def test_the_sessions_of_an_ended_program_can_be_neither_cancelled_nor_restored(
    client_for, running, officer, head, end
):
    today = selong_today()
    held = running.sessions.filter(date__lt=today, status="scheduled").first()
    called_off = running.sessions.filter(date__lt=today, status="scheduled").last()
    actions.cancel_session(session=called_off, reason="Hujan", by=officer)
    if end == "cancelled":
        actions.transition(program=running, to="cancelled", by=head, reason="Dana habis")
    else:
        Program.objects.filter(pk=running.pk).update(end_date=today - datetime.timedelta(days=1))
        actions.transition(program=running, to="completed", by=head)
    officer_client = client_for("petugas.selong")
    for session in (held, called_off):
        page = officer_client.get(f"/programs/sessions/{session.pk}/", **EN).content.decode()
        assert "Cancel this session" not in page and "Restore the session" not in page
    with pytest.raises(Conflict, match="stay as they are"):
        actions.cancel_session(session=Session.objects.get(pk=held.pk), reason="x", by=officer)
    response = officer_client.post(
        f"/programs/sessions/{held.pk}/cancel/", {"reason": "Salah catat"}, follow=True, **EN
    )
    assert "its sessions stay as they are" in response.content.decode()
    held.refresh_from_db()
    assert held.status == "scheduled"


def test_a_cancelled_session_has_no_attendance_sheet(client_for, running, officer):
    session = running.sessions.filter(date__gt=selong_today()).first()
    actions.cancel_session(session=session, reason="Hujan deras", by=officer)
    response = client_for("petugas.selong").get(
        f"/programs/sessions/{session.pk}/sheet.pdf", follow=True, **EN
    )
    assert response.redirect_chain == [(f"/programs/sessions/{session.pk}/", 302)]
    assert "This session is cancelled: it has no attendance sheet." in response.content.decode()


@pytest.mark.parametrize("username", ["wali.selong", "instruktur.blk", "petugas.lobar"])
def test_others_cannot_schedule_a_session_again(client_for, running, officer, username):
    session = running.sessions.filter(date__gt=selong_today()).first()
    actions.cancel_session(session=session, reason="Hujan", by=officer)
    response = client_for(username).post(f"/programs/sessions/{session.pk}/restore/")
    assert response.status_code in (403, 404)
    session.refresh_from_db()
    assert session.status == "cancelled"


def test_restoring_a_session_on_a_holiday_is_refused_and_names_the_holiday(
    running, selong, officer
):
    day = selong_today() + datetime.timedelta(days=4)
    actions.add_holiday(facility=selong, date=day, name="Hari Raya Nyepi", by=officer)
    session = running.sessions.get(date=day)
    with pytest.raises(Conflict) as refused:
        actions.restore_session(session=session, by=officer)
    assert refused.value.code == "holiday"
    assert "Hari Raya Nyepi" in refused.value.detail
    assert "Remove the holiday first" in refused.value.detail
    assert "keep the session cancelled" in refused.value.detail
    session.refresh_from_db()
    assert session.status == "cancelled"
    assert not AuditEvent.objects.filter(action="session.restore").exists()


def test_restoring_on_a_holiday_goes_through_when_confirmed_and_is_audited(
    running, selong, officer
):
    day = selong_today() + datetime.timedelta(days=4)
    holiday = actions.add_holiday(facility=selong, date=day, name="Nyepi", by=officer).holiday
    session = running.sessions.get(date=day)
    actions.restore_session(session=session, by=officer, on_holiday=True)
    session.refresh_from_db()
    assert (session.status, session.cancelled_for) == ("scheduled", None)
    assert Holiday.objects.filter(pk=holiday.pk).exists()  # the holiday stays
    event = AuditEvent.objects.get(action="session.restore")
    assert event.changes == {"reason": "Holiday: Nyepi", "on_holiday": "Nyepi"}


def test_the_session_page_refuses_a_restore_on_a_holiday_unless_ticked(
    client_for, running, selong, officer
):
    day = selong_today() + datetime.timedelta(days=4)
    actions.add_holiday(facility=selong, date=day, name="Hari Raya Nyepi", by=officer)
    session = running.sessions.get(date=day)
    client = client_for("petugas.selong")
    page = client.get(f"/programs/sessions/{session.pk}/", **EN).content.decode()
    assert "Hari Raya Nyepi" in page
    assert 'name="on_holiday" value="1"' in page
    assert "Hold it on the holiday anyway" in page
    url = f"/programs/sessions/{session.pk}/restore/"
    refused = client.post(url, follow=True, **EN).content.decode()
    assert "Hari Raya Nyepi" in refused and "Remove the holiday first" in refused
    assert "The session is restored." not in refused
    assert Session.objects.get(pk=session.pk).status == "cancelled"
    done = client.post(url, {"on_holiday": "1"}, follow=True, **EN).content.decode()
    assert "The session is restored." in done
    assert Session.objects.get(pk=session.pk).status == "scheduled"


def test_the_remove_box_says_the_cancelled_sessions_will_be_scheduled_again(client_for, selong):
    Holiday.objects.create(facility=selong, date=selong_today(), name="Libur")
    text = client_for("petugas.selong").get(URL, **EN).content.decode()
    assert "stay cancelled" not in text
    assert (
        "Sessions cancelled for this holiday will be scheduled again, "
        "unless their program has ended."
    ) in text


def _day_report(response) -> str:
    """The part of the holidays page that lists the sessions of the day just changed."""
    text = response.content.decode()
    start = text.index('id="day-sessions"')
    return text[start : text.index('id="list-title"', start)]


def test_after_adding_a_holiday_the_page_links_each_session_of_the_day(
    client_for, day_with_attendance, selong
):
    day, marked, unmarked = day_with_attendance
    response = client_for("petugas.selong").post(
        URL, {"date": day.isoformat(), "name": "Hari Jadi Lotim"}, follow=True, **EN
    )
    report = _day_report(response)
    assert "Sessions cancelled on" in report
    title = marked.program.title
    assert f'<a href="/programs/sessions/{unmarked.pk}/">{title}, 13.00{DASH}15.00</a>' in report
    assert "Holiday: Hari Jadi Lotim" in report
    # the session kept because it has attendance is linked too, to cancel it on its page
    assert f'<a href="/programs/sessions/{marked.pk}/">{title}, 08.00{DASH}12.00</a>' in report
    assert report.index(f"/sessions/{unmarked.pk}/") < report.index("Sessions scheduled on")
    assert report.index("Sessions scheduled on") < report.index(f"/sessions/{marked.pk}/")


def test_after_removing_a_holiday_the_page_links_the_sessions_still_cancelled(
    client_for, running, selong, officer
):
    day = selong_today() + datetime.timedelta(days=4)
    restored = running.sessions.get(date=day)
    sick = actions.add_session(
        program=running,
        values={"date": day, "start_time": datetime.time(13), "end_time": datetime.time(15)},
        by=officer,
    )
    actions.cancel_session(session=sick, reason="Instruktur sakit", by=officer)
    holiday = actions.add_holiday(facility=selong, date=day, name="Libur", by=officer).holiday
    response = client_for("petugas.selong").post(f"{URL}{holiday.pk}/remove/", follow=True, **EN)
    text = response.content.decode()
    assert "1 session on that day is still cancelled" in text
    assert "restore it on its page" in text
    report = _day_report(response)
    cancelled, scheduled = report.split("Sessions scheduled on")
    assert f'href="/programs/sessions/{sick.pk}/"' in cancelled
    assert "Instruktur sakit" in cancelled
    assert f'href="/programs/sessions/{restored.pk}/"' in scheduled


def test_the_day_report_is_for_those_who_keep_the_holidays(client_for, running, selong):
    day = selong_today() + datetime.timedelta(days=4)
    text = client_for("wali.selong").get(f"{URL}?day={day.isoformat()}", **EN).content.decode()
    assert 'id="day-sessions"' not in text and "/programs/sessions/" not in text
    # a day that is not a date is ignored
    page = client_for("petugas.selong").get(f"{URL}?day=not-a-date", **EN)
    assert page.status_code == 200 and 'id="day-sessions"' not in page.content.decode()


def test_the_day_report_runs_a_fixed_number_of_queries(client_for, running, selong, user):
    day = selong_today() + datetime.timedelta(days=4)
    client = client_for("petugas.selong")
    url = f"{URL}?day={day.isoformat()}"
    few = _count(client, url)
    other = new_program(selong, user("petugas.selong"), title="Menjahit")
    for hour in range(9, 18):
        for program in (running, other):
            Session.objects.create(
                program=program,
                date=day,
                start_time=datetime.time(hour),
                end_time=datetime.time(hour, 45),
                status="cancelled" if hour % 2 else "scheduled",
                cancel_reason="Hujan" if hour % 2 else "",
            )
    assert running.sessions.filter(date=day).count() == 10
    assert _count(client, url) == few


def test_the_list_shows_the_facilitys_holidays_from_30_days_ago(client_for, selong, lobar):
    today = selong_today()
    Holiday.objects.create(facility=selong, date=today - datetime.timedelta(days=40), name="Lama")
    Holiday.objects.create(facility=selong, date=today - datetime.timedelta(days=20), name="Baru")
    Holiday.objects.create(facility=selong, date=today + datetime.timedelta(days=20), name="Nanti")
    Holiday.objects.create(facility=lobar, date=today, name="Libur Lobar")
    client = client_for("wali.selong")
    text = client.get(URL, **EN).content.decode()
    assert "Baru" in text and "Nanti" in text
    assert "Lama" not in text and "Libur Lobar" not in text
    # the guardian reads the list but gets no form to change it
    assert 'name="name"' not in text and "/remove/" not in text
    old_year = (today - datetime.timedelta(days=40)).year
    text = client.get(f"{URL}?year={old_year}", **EN).content.decode()
    assert "Lama" in text
    assert f"?year={old_year}" in client.get(URL, **EN).content.decode()


def test_the_officer_gets_the_add_form_and_a_remove_button(client_for, selong):
    Holiday.objects.create(facility=selong, date=selong_today(), name="Libur")
    text = client_for("petugas.selong").get(URL, **EN).content.decode()
    assert 'name="name"' in text and 'name="date"' in text
    assert "/remove/" in text and "csrfmiddlewaretoken" in text


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_the_list_runs_a_fixed_number_of_queries(client_for, selong):
    client = client_for("petugas.selong")
    today = selong_today()
    for n in range(2):
        Holiday.objects.create(facility=selong, date=today + datetime.timedelta(days=n), name="L")
    few = _count(client, URL)
    for n in range(2, 20):
        Holiday.objects.create(facility=selong, date=today + datetime.timedelta(days=n), name="L")
    assert _count(client, URL) == few


# --- who reaches the page --------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("petugas.selong", 200),
        ("kalapas.selong", 200),
        ("wali.selong", 200),
        ("petugas.lobar", 200),  # their own facility's holidays
        ("mitra.disnaker", 404),
        ("instruktur.blk", 404),
        ("pk.bapas", 404),
        ("kanwil.ntb", 404),
        ("admin", 404),  # administrators keep holidays in the administration
    ],
)
def test_who_reaches_the_page(client_for, username, status):
    assert client_for(username).get(URL).status_code == status


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("wali.selong", 403),
        ("mitra.disnaker", 404),
        ("instruktur.blk", 404),
        ("pk.bapas", 404),
        ("petugas.lobar", 404),
    ],
)
def test_outsiders_cannot_add_or_remove_a_selong_holiday(client_for, selong, username, status):
    day = selong_today() + datetime.timedelta(days=5)
    holiday = Holiday.objects.create(facility=selong, date=day, name="Libur")
    client = client_for(username)
    added = client.post(
        URL,
        {
            "facility": selong.pk,
            "date": (day + datetime.timedelta(days=1)).isoformat(),
            "name": "X",
        },
    )
    assert added.status_code == status
    assert client.post(f"{URL}{holiday.pk}/remove/").status_code == status
    assert list(Holiday.objects.values_list("pk", flat=True)) == [holiday.pk]
    assert not AuditEvent.objects.filter(action__startswith="holiday.").exists()


def test_another_facilitys_officer_cannot_choose_selong(client_for, selong):
    client = client_for("petugas.lobar")
    assert client.get(f"{URL}?facility={selong.pk}").status_code == 404
    assert client.get(f"{URL}?facility=not-a-number").status_code == 404


def test_removing_needs_a_post(client_for, selong):
    holiday = Holiday.objects.create(facility=selong, date=selong_today(), name="Libur")
    assert client_for("petugas.selong").get(f"{URL}{holiday.pk}/remove/").status_code == 405
    assert Holiday.objects.filter(pk=holiday.pk).exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(client, demo_world, selong):
    holiday = Holiday.objects.create(facility=selong, date=selong_today(), name="Libur")
    for response in (client.get(URL), client.post(f"{URL}{holiday.pk}/remove/")):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert Holiday.objects.filter(pk=holiday.pk).exists()


def test_a_user_of_several_facilities_chooses_among_theirs(client_for, selong, lobar, user):
    Membership.objects.create(user=user("petugas.selong"), role="program_officer", facility=lobar)
    Holiday.objects.create(facility=lobar, date=selong_today(), name="Libur Lobar")
    client = client_for("petugas.selong")
    page = client.get(URL, **EN)
    facilities = sorted([selong, lobar], key=lambda f: f.name)
    assert page.context["facilities"] == facilities
    assert page.context["facility"] == facilities[0]  # the first by name unless chosen
    assert "Libur Lobar" in client.get(f"{URL}?facility={lobar.pk}", **EN).content.decode()
    assert "Libur Lobar" not in client.get(f"{URL}?facility={selong.pk}", **EN).content.decode()
    day = selong_today() + datetime.timedelta(days=3)
    response = client.post(URL, {"facility": lobar.pk, "date": day.isoformat(), "name": "Libur"})
    assert response.status_code == 302 and f"facility={lobar.pk}" in response["Location"]
    assert Holiday.objects.filter(facility=lobar, date=day).exists()
    bapas = Facility.objects.get(code="bapas-mataram")
    assert client.get(f"{URL}?facility={bapas.pk}").status_code == 404


# --- the main bar --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "shown"),
    [("petugas.selong", True), ("kalapas.selong", True), ("wali.selong", False)],
)
def test_the_programs_menu_links_the_holidays_for_officers_and_heads(client_for, username, shown):
    html = client_for(username).get("/", **EN).content.decode()
    nav = html[html.index('id="site-nav"') : html.index("</nav>")]
    assert (f'href="{URL}"' in nav) is shown


def test_the_instructor_is_told_when_a_session_is_cancelled_and_restored(
    client_for, running, instructor
):
    from sinergi.accounts.models import Notification

    session = running.sessions.filter(date__gt=selong_today()).first()
    session.instructor = instructor
    session.save()
    officer = client_for("petugas.selong")
    url = f"/programs/sessions/{session.pk}/"
    response = officer.post(f"{url}cancel/", {"reason": "Hujan deras"}, follow=True, **EN)
    assert "The session is cancelled." in response.content.decode()
    officer.post(f"{url}restore/", **EN)
    approval = f"program:{running.pk}:approved"  # the notice of the approval, before
    told = list(Notification.objects.filter(user=instructor).exclude(key=approval).order_by("pk"))
    assert [n.url for n in told] == [url, url]
    # In the instructor's language (Indonesian), though the officer works in English.
    with translation.override("id"):
        day = date_format(session.date, "DATE_FORMAT")
    assert told[0].title == f"Sesi dibatalkan: {running.title}, {day} 08.00 (Hujan deras)"
    assert told[1].title == f"Sesi dipulihkan: {running.title}, {day} 08.00"
