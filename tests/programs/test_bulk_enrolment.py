"""Enrolling several people in one step (issue 16): the candidates page, the bulk
action and its API, and the schedule that gives more or fewer hours than the target."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sinergi.core.api import Conflict
from sinergi.orgs.models import Facility
from sinergi.programs import actions
from sinergi.programs.models import Enrollment, WaitingListEntry
from tests.inmates.factories import make_inmate
from tests.programs.conftest import new_program

pytestmark = pytest.mark.django_db


def _people(facility, n, prefix="Calon"):
    return [
        make_inmate(
            facility=facility,
            name=f"{prefix} {i:02d}",
            detention_start=datetime.date(2025, 6, 1),
            term_years=4,
        )
        for i in range(n)
    ]


@pytest.fixture
def roomy(running):
    running.capacity = 20
    running.save(update_fields=["capacity"])
    return running


def test_ten_qualifying_people_enrolled_in_one_submit(client_for, roomy, selong):
    people = _people(selong, 10)
    response = client_for("petugas.selong").post(
        f"/programs/{roomy.pk}/enrol-many/", {"inmates": [p.pk for p in people]}, follow=True
    )
    assert response.status_code == 200
    assert Enrollment.objects.filter(program=roomy, ended_on__isnull=True).count() == 10
    body = response.content.decode()
    assert all(p.name in body for p in people)


def test_ten_qualifying_people_enrolled_in_one_api_call(client_for, roomy, selong):
    people = _people(selong, 10)
    response = client_for("petugas.selong").post(
        f"/api/v1/programs/{roomy.pk}/enrollments/bulk",
        {"inmate_ids": [p.pk for p in people]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    outcomes = response.json()["outcomes"]
    assert [o["outcome"] for o in outcomes] == ["enrolled"] * 10
    assert Enrollment.objects.filter(program=roomy).count() == 10


def test_places_first_then_the_waiting_list(running, selong, officer):
    people = _people(selong, 3)  # capacity 2
    results = actions.enroll_many(program=running, inmates=people, by=officer)
    assert [bool(r.enrollment) for _p, r in results] == [True, True, False]
    assert WaitingListEntry.objects.get(program=running).inmate == people[2]


def test_a_person_who_does_not_qualify_stops_the_whole_submit(roomy, selong, officer):
    people = _people(selong, 2)
    short = make_inmate(
        facility=selong, name="Sisa Pendek", detention_start=datetime.date(2024, 1, 1), term_years=2
    )
    roomy.min_months_left = 24
    roomy.save(update_fields=["min_months_left"])
    with pytest.raises(Conflict) as exc:
        actions.enroll_many(program=roomy, inmates=[*people, short], by=officer)
    assert exc.value.code == "not_eligible"
    assert "Sisa Pendek" in exc.value.detail
    assert not Enrollment.objects.filter(program=roomy).exists()


def test_the_page_refuses_a_non_qualifying_person_with_the_reason(client_for, roomy, selong):
    people = _people(selong, 2)
    enrolled = people[0]
    actions.enroll(program=roomy, inmate=enrolled, by=_officer())
    response = client_for("petugas.selong").post(
        f"/programs/{roomy.pk}/enrol-many/", {"inmates": [p.pk for p in people]}, follow=True
    )
    assert Enrollment.objects.filter(program=roomy).count() == 1
    assert "Calon 00" in response.content.decode()
    assert response.context["refused"]


def test_another_facilitys_person_is_refused(client_for, roomy, selong):
    lobar = Facility.objects.exclude(pk=selong.pk).filter(kind=selong.kind).first()
    other = _people(lobar, 1, prefix="Lain")[0]
    mine = _people(selong, 1)[0]
    response = client_for("petugas.selong").post(
        f"/api/v1/programs/{roomy.pk}/enrollments/bulk",
        {"inmate_ids": [mine.pk, other.pk]},
        content_type="application/json",
    )
    assert response.status_code == 404
    page = client_for("petugas.selong").post(
        f"/programs/{roomy.pk}/enrol-many/", {"inmates": [mine.pk, other.pk]}
    )
    assert page.status_code == 404
    assert not Enrollment.objects.filter(program=roomy).exists()


def test_api_refuses_non_qualifying_with_409_and_reasons(client_for, roomy, selong):
    roomy.sex = "F"
    roomy.save(update_fields=["sex"])
    man = make_inmate(
        facility=selong,
        name="Laki Uji",
        sex="M",
        detention_start=datetime.date(2025, 6, 1),
        term_years=4,
    )
    response = client_for("petugas.selong").post(
        f"/api/v1/programs/{roomy.pk}/enrollments/bulk",
        {"inmate_ids": [man.pk]},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "not_eligible"
    assert "Laki Uji" in response.json()["detail"]


def test_api_rejects_an_empty_or_repeated_list(client_for, roomy, selong):
    person = _people(selong, 1)[0]
    client = client_for("petugas.selong")
    url = f"/api/v1/programs/{roomy.pk}/enrollments/bulk"
    assert client.post(url, {"inmate_ids": []}, content_type="application/json").status_code == 422
    response = client.post(
        url, {"inmate_ids": [person.pk, person.pk]}, content_type="application/json"
    )
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("mitra.disnaker", 404),
        ("petugas.lobar", 404),
        ("instruktur.blk", 404),
        ("wali.selong", 403),
    ],
)
def test_outsiders_cannot_enrol_in_bulk(client_for, roomy, selong, username, status):
    person = _people(selong, 1)[0]
    client = client_for(username)
    page = client.post(f"/programs/{roomy.pk}/enrol-many/", {"inmates": [person.pk]})
    listing = client.get(f"/programs/{roomy.pk}/enrol-many/")
    api = client.post(
        f"/api/v1/programs/{roomy.pk}/enrollments/bulk",
        {"inmate_ids": [person.pk]},
        content_type="application/json",
    )
    assert page.status_code == status
    assert listing.status_code == status
    assert api.status_code in {403, 404}
    assert not Enrollment.objects.filter(program=roomy).exists()


def _officer():
    from sinergi.accounts.models import User

    return User.objects.get(username="petugas.selong")


def test_the_candidates_page_marks_who_qualifies_and_why_not(client_for, roomy, selong):
    ok = _people(selong, 1)[0]
    roomy.sex = "F"
    roomy.save(update_fields=["sex"])
    man = make_inmate(
        facility=selong,
        name="Calon Lelaki",
        sex="M",
        detention_start=datetime.date(2025, 6, 1),
        term_years=4,
    )
    ok.sex = "F"
    ok.save(update_fields=["sex"])
    response = client_for("petugas.selong").get(f"/programs/{roomy.pk}/enrol-many/", {"q": "calon"})
    rows = {inmate.pk: problems for inmate, problems in response.context["rows"]}
    assert rows[ok.pk] == []
    assert rows[man.pk] == actions.eligibility_problems(roomy, man)  # the same reasons
    assert rows[man.pk]
    body = response.content.decode()
    assert f'value="{ok.pk}"' in body
    assert f'value="{man.pk}"' not in body  # no checkbox for who cannot join


def test_the_already_enrolled_are_not_listed(client_for, roomy, selong):
    people = _people(selong, 2)
    actions.enroll(program=roomy, inmate=people[0], by=_officer())
    response = client_for("petugas.selong").get(f"/programs/{roomy.pk}/enrol-many/", {"q": "calon"})
    assert [i.pk for i, _p in response.context["rows"]] == [people[1].pk]


def test_the_candidates_page_runs_the_same_queries_for_3_and_15_people(client_for, roomy, selong):
    client = client_for("petugas.selong")
    url = f"/programs/{roomy.pk}/enrol-many/?q=calon"
    _people(selong, 3, prefix="Calon A")
    client.get(url)  # warm caches (session, translations)
    with CaptureQueriesContext(connection) as few:
        first = client.get(url)
    _people(selong, 12, prefix="Calon B")
    with CaptureQueriesContext(connection) as many:
        second = client.get(url)
    assert len(first.context["rows"]) == 3 and len(second.context["rows"]) == 15
    assert len(many) == len(few), "\n".join(q["sql"] for q in many)


def test_schedule_giving_other_hours_than_the_target_is_said_before_approval(
    client_for, selong, officer
):
    today = datetime.date.today()
    program = new_program(
        selong,
        officer,
        target_hours=100,
        start_date=today + datetime.timedelta(days=7),
        end_date=today + datetime.timedelta(days=7 + 27),  # four weeks, 28 h a week
    )
    assert actions.scheduled_hours(program) == 112
    actions.transition(program=program, to="submitted", by=officer)
    body = client_for("kalapas.selong").get(f"/programs/{program.pk}/").content.decode()
    assert "112" in body and "100" in body
    assert 'class="schedule-mismatch' in body
    program.target_hours = 112
    program.save(update_fields=["target_hours"])
    body = client_for("kalapas.selong").get(f"/programs/{program.pk}/").content.decode()
    assert 'class="schedule-mismatch' not in body


def test_api_gives_places_then_the_waiting_list(client_for, running, selong):
    people = _people(selong, 3)  # capacity 2
    response = client_for("petugas.selong").post(
        f"/api/v1/programs/{running.pk}/enrollments/bulk",
        {"inmate_ids": [p.pk for p in people]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [o["outcome"] for o in body["outcomes"]] == ["enrolled", "enrolled", "waiting"]
    assert (body["enrolled"], body["waiting"]) == (2, 1)
    assert body["outcomes"][2]["waiting_entry_id"] == WaitingListEntry.objects.get().pk
