"""The rules a program's forms show (partners serving the facility, active instructors,
dates, kind and category, session and slot times, a session's instructor) are the
actions' rules: the API and any other caller get the same answer as the page."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from sinergi.accounts.models import User
from sinergi.orgs.models import Facility, Partner, Region
from sinergi.programs import actions
from sinergi.programs.models import Program
from tests.programs.conftest import new_program, selong_today

pytestmark = pytest.mark.django_db

PROGRAM = {
    "facility": "selong",
    "kind": "personality",
    "category": "religious",
    "title": "Kajian Subuh",
    "capacity": 30,
    "start_date": "2027-01-04",
    "end_date": "2027-03-26",
}


@pytest.fixture
def far_partner(demo_world):
    bali = Region.objects.create(code="bali", name="Kanwil Bali", province="Bali")
    return Partner.objects.create(
        code="dinsos-badung", name="Dinsos Badung", kind="local_government", region=bali
    )


@pytest.fixture
def closed_partner(demo_world):
    return Partner.objects.create(
        code="cv-tutup",
        name="CV Tutup",
        kind="business",
        is_active=False,
        region=Facility.objects.get(code="selong").region,
    )


def _post(client_for, **changes):
    return client_for("petugas.selong").post(
        "/api/v1/programs", {**PROGRAM, **changes}, content_type="application/json"
    )


def test_the_api_refuses_a_partner_of_another_region_like_the_form(client_for, far_partner):
    response = _post(client_for, partners=[far_partner.code])
    assert response.status_code == 422, response.content
    assert "Dinsos Badung" in response.json()["errors"]["partners"][0]
    assert not Program.objects.filter(title="Kajian Subuh").exists()


def test_the_api_refuses_an_inactive_partner_of_the_region(client_for, closed_partner):
    response = _post(client_for, partners=[closed_partner.code])
    assert response.status_code == 422, response.content
    assert "partners" in response.json()["errors"]


def test_the_api_still_accepts_a_partner_that_serves_the_facility(client_for):
    response = _post(client_for, partners=["kemenag-lotim"])
    assert response.status_code == 201, response.content


def test_the_page_refuses_the_same_partner(client_for, far_partner, selong):
    response = client_for("petugas.selong").post(
        "/programs/new/",
        {
            "facility": selong.pk,
            "kind": "personality",
            "category": "religious",
            "title": "Kajian Subuh",
            "capacity": 30,
            "start_date": "2027-01-04",
            "end_date": "2027-03-26",
            "min_months_left": 0,
            "target_hours": 0,
            "certification": "internal",
            "min_attendance_percent": 80,
            "partners": [far_partner.pk],
            "slot-TOTAL_FORMS": 0,
            "slot-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "partners" in response.context["form"].errors
    assert not Program.objects.filter(title="Kajian Subuh").exists()


def test_the_api_refuses_an_end_date_before_the_start_at_the_field(client_for):
    response = _post(client_for, start_date="2027-03-26", end_date="2027-01-04")
    assert response.status_code == 422, response.content
    assert len(response.json()["errors"]["end_date"]) == 1


def test_the_api_refuses_a_category_of_the_other_kind(client_for):
    response = _post(client_for, kind="independence", category="religious")
    assert response.status_code == 422, response.content
    assert len(response.json()["errors"]["category"]) == 1
    assert not Program.objects.filter(title="Kajian Subuh").exists()


def test_the_api_refuses_a_weekly_slot_that_ends_before_it_starts(client_for):
    slot = {"weekday": 0, "start_time": "06:00", "end_time": "05:00"}
    response = _post(client_for, slots=[slot])
    assert response.status_code == 422, response.content
    assert len(response.json()["errors"]["slots"]) == 1
    assert not Program.objects.filter(title="Kajian Subuh").exists()


def test_the_api_patch_refuses_an_end_date_before_the_start(client_for, selong, officer):
    program = new_program(selong, officer)
    response = client_for("petugas.selong").patch(
        f"/api/v1/programs/{program.pk}",
        {"end_date": str(program.start_date - datetime.timedelta(days=1))},
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert len(response.json()["errors"]["end_date"]) == 1


def test_the_action_refuses_a_user_who_is_not_an_active_instructor(selong, officer):
    with pytest.raises(ValidationError) as refused:
        actions.create_program(
            facility=selong,
            values={
                "kind": "independence",
                "category": "vocational",
                "title": "Las",
                "capacity": 2,
                "start_date": datetime.date(2027, 1, 4),
                "end_date": datetime.date(2027, 3, 26),
            },
            instructors=[officer],
            by=officer,
        )
    assert "instructors" in refused.value.message_dict
    assert not Program.objects.filter(title="Las").exists()


def test_the_update_refuses_a_partner_of_another_region_but_keeps_one_linked(
    selong, officer, far_partner
):
    program = new_program(selong, officer)
    with pytest.raises(ValidationError) as refused:
        actions.update_program(program=program, values={}, partners=[far_partner], by=officer)
    assert "partners" in refused.value.message_dict
    # A partner linked before it moved away stays allowed on the program it delivers.
    program.partners.add(far_partner)
    actions.update_program(program=program, values={}, partners=[far_partner], by=officer)
    assert list(program.partners.all()) == [far_partner]


def test_the_update_refuses_a_category_of_the_other_kind(selong, officer):
    program = new_program(selong, officer)
    with pytest.raises(ValidationError) as refused:
        actions.update_program(program=program, values={"category": "religious"}, by=officer)
    assert refused.value.message_dict == {
        "category": [gettext("This category belongs to the other kind.")]
    }
    program.refresh_from_db()
    assert program.category == "vocational"


def test_a_one_off_session_that_ends_before_it_starts_is_refused(selong, officer):
    program = new_program(selong, officer)
    with pytest.raises(ValidationError) as refused:
        actions.add_session(
            program=program,
            values={
                "date": selong_today(),
                "start_time": datetime.time(14),
                "end_time": datetime.time(13),
            },
            by=officer,
        )
    assert refused.value.message_dict == {
        "end_time": [gettext("The session ends before it starts.")]
    }


def test_a_one_off_session_is_run_by_one_of_the_programs_instructors(selong, officer, instructor):
    program = new_program(selong, officer)
    other = User.objects.get(username="instruktur.blk")
    program.instructors.clear()
    values = {
        "date": selong_today(),
        "start_time": datetime.time(14),
        "end_time": datetime.time(15),
        "instructor": other,
    }
    with pytest.raises(ValidationError) as refused:
        actions.add_session(program=program, values=values, by=officer)
    assert "instructor" in refused.value.message_dict
    program.instructors.add(instructor)
    session = actions.add_session(program=program, values=values, by=officer)
    assert session.instructor == instructor


def test_the_admin_refuses_what_the_action_refuses(selong, officer, far_partner, rf):
    from django.contrib.admin.sites import site

    model_admin = site._registry[Program]
    request = rf.get("/")
    request.user = User.objects.filter(is_superuser=True).first() or officer
    program = new_program(selong, officer)
    form_class = model_admin.get_form(request, program)
    data = {
        "facility": selong.pk,
        "kind": "independence",
        "category": "religious",
        "title": program.title,
        "capacity": program.capacity,
        "target_hours": program.target_hours,
        "start_date": program.start_date,
        "end_date": program.start_date - datetime.timedelta(days=1),
        "partners": [far_partner.pk],
        "instructors": [officer.pk],
        "min_months_left": 0,
        "certification": program.certification,
        "min_attendance_percent": 80,
        "created_by": officer.pk,
    }
    form = form_class(data, instance=program)
    assert not form.is_valid()
    assert {"partners", "instructors", "category", "end_date"} <= set(form.errors)
