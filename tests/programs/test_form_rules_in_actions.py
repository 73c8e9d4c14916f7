"""The rest of what the programs forms refused on their own, now the actions' rules: the
security levels offered, the partners the form lists, a complete weekly slot, the
competency units' lengths, and the reasons and notes within their columns. Through the
API where it takes the value, through the action otherwise."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from sinergi.programs import actions
from sinergi.programs.models import Program
from tests.programs import test_invariants
from tests.programs.conftest import selong_today

pytestmark = pytest.mark.django_db

PROGRAM = {**test_invariants.PROGRAM, "title": "Kajian Dhuha"}


def _post(client_for, **changes):
    return client_for("petugas.selong").post(
        "/api/v1/programs", {**PROGRAM, **changes}, content_type="application/json"
    )


def test_the_api_refuses_a_security_level_the_form_does_not_offer(client_for):
    response = _post(client_for, allowed_security_levels=["maximum", "vip"])
    assert response.status_code == 422, response.content
    assert len(response.json()["errors"]["allowed_security_levels"]) == 1
    assert not Program.objects.filter(title="Kajian Dhuha").exists()


def test_the_api_still_accepts_the_levels_the_form_offers(client_for):
    response = _post(client_for, allowed_security_levels=["minimum", "medium"])
    assert response.status_code == 201, response.content
    program = Program.objects.get(title="Kajian Dhuha")
    assert program.allowed_security_levels == ["minimum", "medium"]


def test_an_update_refuses_an_unknown_security_level(running, officer):
    with pytest.raises(ValidationError) as refused:
        actions.update_program(
            program=running, values={"allowed_security_levels": ["vip"]}, by=officer
        )
    assert "allowed_security_levels" in refused.value.message_dict
    running.refresh_from_db()
    assert running.allowed_security_levels == []


def test_the_api_refuses_a_partner_code_that_names_no_partner(client_for):
    """The form lists partners to tick; the API used to drop an unknown code silently."""
    response = _post(client_for, partners=["kemenag-lotim", "tidak-ada"])
    assert response.status_code == 422, response.content
    assert "tidak-ada" in response.json()["errors"]["partners"][0]
    assert not Program.objects.filter(title="Kajian Dhuha").exists()


@pytest.mark.parametrize(
    "slot",
    [
        {"weekday": None, "start_time": datetime.time(8), "end_time": datetime.time(10)},
        {"weekday": 9, "start_time": datetime.time(8), "end_time": datetime.time(10)},
        {"weekday": 1, "start_time": None, "end_time": datetime.time(10)},
    ],
)
def test_a_weekly_slot_has_a_day_a_start_and_an_end(selong, officer, slot):
    today = selong_today()
    values = {
        "kind": "independence",
        "category": "vocational",
        "title": "Tata Boga",
        "capacity": 10,
        "start_date": today,
        "end_date": today + datetime.timedelta(days=30),
    }
    with pytest.raises(ValidationError) as refused:
        actions.create_program(facility=selong, values=values, slots=[slot], by=officer)
    assert "slots" in refused.value.message_dict
    assert not Program.objects.filter(title="Tata Boga").exists()


@pytest.mark.parametrize(
    "unit", [("", "  "), ("C" * 41, "Mengelas"), ("", "M" * 201)], ids=["no name", "code", "name"]
)
def test_a_competency_unit_has_a_name_and_fits_its_columns(running, officer, unit):
    with pytest.raises(ValidationError) as refused:
        actions.set_units(program=running, units=[("", "Mengelas"), unit], by=officer)
    assert "units" in refused.value.message_dict
    assert not running.units.exists()
    with pytest.raises(ValidationError):
        actions.update_program(program=running, values={}, units=[unit], by=officer)


def test_the_program_page_shows_a_units_refusal_at_its_field(running, officer, rf):
    from sinergi.programs.forms import ProgramForm
    from sinergi.programs.views import _show_errors

    form = ProgramForm({}, instance=running, facility=running.facility)
    form.is_valid()
    _show_errors(form, ValidationError({"units": ["too long"]}))
    assert form.errors["units_text"] == ["too long"]


TOO_LONG = "x" * 301


def test_a_reason_for_cancelling_a_program_fits_its_column(running, head):
    with pytest.raises(ValidationError) as refused:
        actions.transition(program=running, to="cancelled", reason=TOO_LONG, by=head)
    assert "reason" in refused.value.message_dict
    running.refresh_from_db()
    assert running.status == "running"


def test_the_sessions_of_a_program_cancelled_for_a_long_reason_keep_it_within_theirs(running, head):
    reason = "y" * 300
    actions.transition(program=running, to="cancelled", reason=reason, by=head)
    cancelled = running.sessions.filter(status="cancelled")
    assert cancelled.exists()
    assert all(len(s.cancel_reason) <= 300 for s in cancelled)


def test_a_reason_for_cancelling_a_session_fits_its_column(running, officer):
    session = running.sessions.filter(date__gt=selong_today()).first()
    with pytest.raises(ValidationError) as refused:
        actions.cancel_session(session=session, reason=TOO_LONG, by=officer)
    assert "reason" in refused.value.message_dict
    session.refresh_from_db()
    assert session.status == "scheduled"


def test_an_enrolments_end_note_and_a_waiting_decisions_note_fit_their_columns(
    running, officer, inmates
):
    enrollment = actions.enroll(program=running, inmate=inmates[0], by=officer).enrollment
    actions.enroll(program=running, inmate=inmates[1], by=officer)
    waiting = actions.enroll(program=running, inmate=inmates[2], by=officer).waiting
    with pytest.raises(ValidationError) as refused:
        actions.end_enrollment(enrollment=enrollment, reason="health", note=TOO_LONG, by=officer)
    assert "note" in refused.value.message_dict
    enrollment.refresh_from_db()
    assert enrollment.ended_on is None
    with pytest.raises(ValidationError) as refused:
        actions.decide_waiting(entry=waiting, status="declined", note=TOO_LONG, by=officer)
    assert "note" in refused.value.message_dict
    waiting.refresh_from_db()
    assert waiting.status == "pending"


def test_a_reason_for_revoking_a_certificate_fits_its_column(running, officer, inmates):
    enrollment = actions.enroll(program=running, inmate=inmates[0], by=officer).enrollment
    session = running.sessions.get(date=selong_today())
    actions.record_attendance(session=session, marks={enrollment.pk: ("present", "")}, by=officer)
    actions.complete_early(
        enrollment=enrollment, reason="Bebas bersyarat", hours=Decimal(4), by=officer
    )
    certificate = actions.issue_certificate(enrollment=enrollment, by=officer)
    with pytest.raises(ValidationError) as refused:
        actions.revoke_certificate(certificate=certificate, reason=TOO_LONG, by=officer)
    assert "reason" in refused.value.message_dict
    certificate.refresh_from_db()
    assert certificate.status == "valid"


def test_a_score_out_of_range_is_refused_at_its_field(running, officer, inmates):
    enrollment = actions.enroll(program=running, inmate=inmates[0], by=officer).enrollment
    with pytest.raises(ValidationError) as refused:
        actions.record_scores(enrollment=enrollment, pre_test=40, post_test=101, by=officer)
    assert list(refused.value.message_dict) == ["post_test"]
    enrollment.refresh_from_db()
    assert (enrollment.pre_test, enrollment.post_test) == (None, None)


def test_a_one_off_session_outside_the_programs_dates_is_refused_at_the_date(running, officer):
    values = {
        "date": running.end_date + datetime.timedelta(days=1),
        "start_time": datetime.time(14),
        "end_time": datetime.time(16),
    }
    with pytest.raises(ValidationError) as refused:
        actions.add_session(program=running, values=values, by=officer)
    assert list(refused.value.message_dict) == ["date"]
    assert not running.sessions.filter(date=values["date"]).exists()


def test_an_enrolment_ends_for_a_reason_the_form_offers(running, officer, inmates):
    enrollment = actions.enroll(program=running, inmate=inmates[0], by=officer).enrollment
    with pytest.raises(ValidationError) as refused:
        actions.end_enrollment(enrollment=enrollment, reason="bored", by=officer)
    assert list(refused.value.message_dict) == ["reason"]
    enrollment.refresh_from_db()
    assert enrollment.ended_on is None
