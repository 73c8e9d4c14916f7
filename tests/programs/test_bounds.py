"""Numbers and dates of programs keep their bounds, whoever enters them (the actions check)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from sinergi.core.api import Conflict
from sinergi.programs import actions
from sinergi.programs.models import Program
from tests.programs.conftest import new_program, selong_today

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("target_hours", 10**10),
        ("capacity", 10_001),
        ("min_months_left", 1_201),
        ("start_date", datetime.date(1, 1, 1)),
        ("end_date", datetime.date(9999, 12, 31)),
    ],
)
def test_a_program_out_of_bounds_is_refused_and_not_stored(selong, officer, field, value):
    with pytest.raises(ValidationError) as refused:
        new_program(selong, officer, **{field: value})
    assert field in refused.value.message_dict
    assert not Program.objects.exists()


def test_an_update_out_of_bounds_is_refused(selong, officer):
    program = new_program(selong, officer)
    with pytest.raises(ValidationError) as refused:
        actions.update_program(program=program, values={"target_hours": 10**6}, by=officer)
    assert "target_hours" in refused.value.message_dict
    program.refresh_from_db()
    assert program.target_hours == 160


def test_an_attendance_note_longer_than_its_column_is_refused(running, officer, inmates):
    enrollment = actions.enroll(program=running, inmate=inmates[0], by=officer).enrollment
    assert enrollment is not None
    session = running.sessions.filter(date__lte=selong_today()).order_by("-date").first()
    assert session is not None
    with pytest.raises(Conflict) as refused:
        actions.record_attendance(
            session=session, marks={enrollment.pk: ("other", "x" * 201)}, by=officer
        )
    assert refused.value.code == "note_too_long"
    assert not session.attendance.exists()
