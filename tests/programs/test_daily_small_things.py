"""Small things a daily user notices (issue 16): a completed program says how many took
part, lists name facilities, and "session cancelled" is not a person's attendance mark."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sinergi.core.errors import Conflict
from sinergi.programs import actions
from sinergi.programs.choices import AttendanceStatus, EndReason, ProgramStatus
from tests.programs.conftest import selong_today
from tests.programs.factories import EnrollmentFactory, ProgramFactory, SessionFactory

pytestmark = pytest.mark.django_db


def _today(program):
    """Today's session of ``program`` (the roster of a person enrolled today)."""
    today = selong_today()
    return program.sessions.filter(date=today).first() or SessionFactory(
        program=program, date=today
    )


@pytest.fixture
def completed(selong):
    program = ProgramFactory(facility=selong, status=ProgramStatus.COMPLETED, capacity=12)
    for _ in range(3):
        EnrollmentFactory(
            program=program,
            ended_on=program.end_date,
            end_reason=EndReason.COMPLETED,
        )
    return program


@pytest.mark.parametrize("username", ["petugas.selong", "instruktur.blk"])
def test_a_completed_program_says_how_many_took_part_not_zero_of_capacity(
    client_for, completed, instructor, username
):
    completed.instructors.set([instructor])
    page = client_for(username).get(completed.get_absolute_url()).content.decode()
    assert "0 / 12" not in page
    assert "3 were enrolled" in page or "3 orang pernah terdaftar" in page


def test_the_program_list_names_the_facility_not_its_code(client_for, completed):
    page = client_for("kanwil.ntb").get(reverse("programs:list")).content.decode()
    assert completed.facility.name in page
    assert f"· {completed.facility.code}<" not in page


def test_the_attendance_roster_does_not_offer_session_cancelled_as_a_mark(
    client_for, running, inmates, officer
):
    actions.enroll(inmate=inmates[0], program=running, by=officer)
    session = _today(running)
    page = client_for("petugas.selong").get(session.get_absolute_url()).content.decode()
    assert 'value="present"' in page
    assert 'value="cancelled"' not in page


def test_recording_session_cancelled_as_a_persons_mark_is_refused(running, inmates, officer):
    enrolment = actions.enroll(inmate=inmates[0], program=running, by=officer).enrollment
    session = _today(running)
    with pytest.raises(Conflict) as refused:
        actions.record_attendance(
            session=session, marks={enrolment.pk: (AttendanceStatus.CANCELLED, "")}, by=officer
        )
    assert refused.value.code == "bad_status"
    assert not session.attendance.exists()
