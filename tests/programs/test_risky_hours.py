"""The programs' date rules at the hours when Lapas Selong's day (WITA) and the default
zone's (settings.TIME_ZONE, WIB) differ: at 16:30 UTC it is already tomorrow in Selong and
still today in Jakarta; at 23:30 UTC both are tomorrow. Each rule must read the facility's
day, whatever hour CI runs at (SINERGI_TEST_NOW moves the whole suite; tests/clock.py)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.utils import timezone

from sinergi.core.api import Conflict
from sinergi.programs import actions
from sinergi.programs.models import Program
from tests import clock
from tests.inmates.factories import make_inmate
from tests.programs.conftest import new_program

pytestmark = pytest.mark.django_db

HOURS = ["2026-12-05T16:30:00Z", "2026-12-05T23:30:00Z"]


@pytest.fixture(params=HOURS)
def hour(request: pytest.FixtureRequest) -> Iterator[datetime.datetime]:
    with clock.at(request.param) as moment:
        # the default zone (WIB) active, as for the API, the admin or a command
        yield moment


@pytest.fixture
def program(hour, selong, officer, head, instructor) -> Program:
    program = new_program(selong, officer, capacity=10)
    program.instructors.set([instructor])
    for status in ("submitted", "approved", "running"):
        actions.transition(program=program, to=status, by=head if status == "approved" else officer)
    program.refresh_from_db()
    return program


@pytest.fixture
def trainee(program, selong, officer):
    inmate = make_inmate(facility=selong, detention_start=datetime.date(2025, 6, 1), term_years=4)
    return actions.enroll(program=program, inmate=inmate, by=officer).enrollment


def test_the_hour_is_one_where_the_days_may_differ(hour, selong):
    assert selong.today() == datetime.date(2026, 12, 6)
    assert abs(timezone.now() - hour) < datetime.timedelta(minutes=5)


def test_todays_session_takes_attendance_and_tomorrows_does_not(
    program, trainee, selong, instructor
):
    today = program.sessions.get(date=selong.today())
    actions.record_attendance(session=today, marks={trainee.pk: ("present", "")}, by=instructor)
    tomorrow = program.sessions.get(date=selong.today() + datetime.timedelta(days=1))
    with pytest.raises(Conflict) as refused:
        actions.record_attendance(
            session=tomorrow, marks={trainee.pk: ("present", "")}, by=instructor
        )
    assert refused.value.code == "future"


def test_an_enrolment_starts_and_ends_on_the_facilitys_day(program, trainee, selong, officer):
    assert trainee.enrolled_on == selong.today()
    actions.end_enrollment(enrollment=trainee, reason="released", by=officer)
    trainee.refresh_from_db()
    assert trainee.ended_on == selong.today()


def test_a_certificate_on_the_programs_last_day(program, trainee, selong, officer):
    today = selong.today()
    trainee.enrolled_on = program.start_date
    trainee.save(update_fields=["enrolled_on"])
    program.sessions.filter(date__gt=today).delete()
    Program.objects.filter(pk=program.pk).update(end_date=today)
    program.refresh_from_db()
    for session in program.sessions.filter(date__lte=today):
        actions.record_attendance(session=session, marks={trainee.pk: ("present", "")}, by=officer)
    certificate = actions.issue_certificate(enrollment=trainee, by=officer)
    assert certificate.issued_on == today
    revoked = actions.revoke_certificate(certificate=certificate, reason="Salah", by=officer)
    assert revoked.revoked_on == today


def test_a_holiday_two_years_ahead_counts_from_the_facilitys_day(hour, selong, head):
    latest = selong.today() + datetime.timedelta(days=actions.HOLIDAY_DAYS_AHEAD)
    actions.add_holiday(facility=selong, date=latest, name="Libur jauh", by=head)
