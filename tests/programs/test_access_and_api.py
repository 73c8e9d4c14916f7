"""Who reaches which program, the API contract, and query counts of the lists."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sinergi.programs import actions
from tests.inmates.factories import make_inmate
from tests.programs.conftest import PROGRAM_SCOPE, new_program, selong_today

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("username", "status"), PROGRAM_SCOPE)
def test_program_page_scope(client_for, running, username, status):
    assert client_for(username).get(f"/programs/{running.pk}/").status_code == status


@pytest.mark.parametrize("username", ["wali.selong", "kanwil.ntb", "instruktur.blk"])
def test_only_officers_enrol(client_for, running, inmates, username):
    response = client_for(username).post(
        f"/programs/{running.pk}/enroll/", {"inmate": inmates[0].pk}
    )
    assert response.status_code == 403


def test_api_enrolment_answers_201_then_202_then_409(client_for, running, inmates, selong):
    client = client_for("petugas.selong")
    url = f"/api/v1/programs/{running.pk}/enrollments"
    codes = [
        client.post(url, {"inmate_id": i.pk}, content_type="application/json").status_code
        for i in inmates[:3]
    ]
    assert codes == [201, 201, 202]
    ineligible = make_inmate(
        facility=selong,
        detention_start=datetime.date(2025, 6, 1),
        term_years=4,
        security_level="maximum",
    )
    running.allowed_security_levels = ["minimum"]
    running.save()
    response = client.post(url, {"inmate_id": ineligible.pk}, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["code"] == "not_eligible"


def test_api_attendance_get_and_put(client_for, running, inmates, officer):
    enrollment = actions.enroll(program=running, inmate=inmates[0], by=officer).enrollment
    enrollment.enrolled_on = running.start_date
    enrollment.save()
    session = running.sessions.filter(date__lt=selong_today()).first()
    client = client_for("instruktur.blk")
    url = f"/api/v1/sessions/{session.pk}/attendance"
    assert client.get(url).json()["marks"] == [
        {"enrollment_id": enrollment.pk, "status": None, "note": ""}
    ]
    body = {"marks": [{"enrollment_id": enrollment.pk, "status": "present", "note": ""}]}
    response = client.put(url, body, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["marks"][0]["status"] == "present"
    assert (
        client_for("wali.selong").put(url, body, content_type="application/json").status_code == 403
    )


def test_api_creates_a_draft_program(client_for):
    response = client_for("petugas.selong").post(
        "/api/v1/programs",
        {
            "facility": "selong",
            "kind": "personality",
            "category": "religious",
            "title": "Kajian Subuh",
            "capacity": 30,
            "start_date": "2027-01-04",
            "end_date": "2027-03-26",
            "partners": ["kemenag-lotim"],
            "slots": [{"weekday": 0, "start_time": "05:00", "end_time": "06:00"}],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "draft"
    refused = client_for("petugas.lobar").post(
        "/api/v1/programs",
        {
            "facility": "selong",
            "kind": "personality",
            "category": "religious",
            "title": "X program",
            "capacity": 3,
            "start_date": "2027-01-04",
            "end_date": "2027-03-26",
        },
        content_type="application/json",
    )
    assert refused.status_code == 404


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("url", ["/programs/", "/api/v1/programs?page_size=200"])
def test_program_lists_run_a_fixed_number_of_queries(client_for, selong, officer, url):
    client = client_for("petugas.selong")
    new_program(selong, officer)
    few = _count(client, url)
    for n in range(8):
        new_program(selong, officer, title=f"Program {n}")
    assert _count(client, url) == few


def test_roster_and_enrolment_lists_run_a_fixed_number_of_queries(
    client_for, running, selong, officer
):
    running.capacity = 40
    running.save()
    session = running.sessions.filter(date__lt=selong_today()).first()
    client = client_for("petugas.selong")
    urls = [
        f"/programs/sessions/{session.pk}/",
        f"/api/v1/sessions/{session.pk}/attendance",
        f"/api/v1/programs/{running.pk}/enrollments?page_size=200",
    ]

    def add(n):
        for _ in range(n):
            person = make_inmate(
                facility=selong, detention_start=datetime.date(2025, 6, 1), term_years=4
            )
            enrollment = actions.enroll(program=running, inmate=person, by=officer).enrollment
            enrollment.enrolled_on = session.date
            enrollment.save()

    add(2)
    few = [_count(client, u) for u in urls]
    add(10)
    assert [_count(client, u) for u in urls] == few
