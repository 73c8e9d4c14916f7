"""Entry rules, capacity, the waiting list, and leaving on release or transfer."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection

from sinergi.core.api import Conflict
from sinergi.inmates import actions as inmate_actions
from sinergi.programs import actions
from sinergi.programs.models import Enrollment, WaitingListEntry
from tests.inmates.factories import make_inmate
from tests.programs.conftest import selong_today

pytestmark = pytest.mark.django_db


def test_program_fills_then_waiting_list_starts(running, inmates, officer):
    results = [actions.enroll(program=running, inmate=i, by=officer) for i in inmates[:3]]
    assert [bool(r.enrollment) for r in results] == [True, True, False]
    assert results[2].waiting.status == "pending"


def test_freed_place_goes_to_the_first_approved_entry(running, inmates, officer):
    first, _second, third, fourth = (
        actions.enroll(program=running, inmate=i, by=officer) for i in inmates
    )
    actions.decide_waiting(entry=fourth.waiting, status="approved", by=officer)
    actions.decide_waiting(entry=third.waiting, status="approved", by=officer)
    actions.end_enrollment(enrollment=first.enrollment, reason="health", by=officer)
    third.waiting.refresh_from_db()
    fourth.waiting.refresh_from_db()
    # Entries are served in the order they joined the list, not approved.
    assert third.waiting.status == "allocated"
    assert fourth.waiting.status == "approved"


def test_entry_rules_give_the_reason(running, selong, officer):
    running.allowed_security_levels = ["minimum"]
    running.sex = "F"
    running.min_months_left = 24
    running.save()
    short = make_inmate(
        facility=selong,
        sex="M",
        security_level="maximum",
        detention_start=datetime.date(2024, 1, 1),
        term_years=3,
    )
    problems = actions.eligibility_problems(running, short)
    assert len(problems) == 3
    with pytest.raises(Conflict) as exc:
        actions.enroll(program=running, inmate=short, by=officer)
    assert exc.value.code == "not_eligible"


def test_inmate_of_another_facility_is_not_eligible(running, officer, demo_world):
    from sinergi.orgs.models import Facility

    other = make_inmate(facility=Facility.objects.get(code="lobar"))
    assert actions.eligibility_problems(running, other)


def test_draft_program_takes_no_enrolment(selong, officer, inmates):
    from tests.programs.conftest import new_program

    draft = new_program(selong, officer)
    with pytest.raises(Conflict):
        actions.enroll(program=draft, inmate=inmates[0], by=officer)


def test_released_inmates_leave_their_programs(running, inmates, officer):
    actions.enroll(program=running, inmate=inmates[0], by=officer)
    actions.enroll(program=running, inmate=inmates[1], by=officer)
    waiting = actions.enroll(program=running, inmate=inmates[2], by=officer).waiting
    actions.decide_waiting(entry=waiting, status="approved", by=officer)
    inmate_actions.change_status(
        inmate=inmates[0], status="released", on=selong_today(), by=officer
    )
    ended = Enrollment.objects.get(inmate=inmates[0])
    assert ended.end_reason == "released" and ended.ended_on is not None
    # The freed place went to the approved waiting entry.
    assert Enrollment.objects.filter(inmate=inmates[2], ended_on__isnull=True).exists()


def test_transferred_inmates_leave_the_waiting_list(running, inmates, officer):
    for inmate in inmates[:3]:
        actions.enroll(program=running, inmate=inmate, by=officer)
    inmate_actions.change_status(
        inmate=inmates[2], status="transferred", on=selong_today(), by=officer
    )
    assert WaitingListEntry.objects.get(inmate=inmates[2]).status == "withdrawn"


@pytest.mark.django_db(transaction=True)
def test_capacity_holds_when_two_officers_enrol_at_once(demo_world, request):
    if connection.vendor != "postgresql":
        pytest.skip("row locks under concurrent transactions are tested on PostgreSQL")
    selong = request.getfixturevalue("selong")
    officer = request.getfixturevalue("officer")
    head = request.getfixturevalue("head")
    from tests.programs.conftest import new_program

    program = new_program(selong, officer, capacity=1)
    actions.transition(program=program, to="submitted", by=officer)
    actions.transition(program=program, to="approved", by=head)
    people = [
        make_inmate(facility=selong, detention_start=datetime.date(2025, 6, 1), term_years=4)
        for _ in range(6)
    ]
    barrier = threading.Barrier(len(people))
    errors: list[BaseException] = []

    def enrol(inmate):
        try:
            barrier.wait()
            actions.enroll(program=program, inmate=inmate, by=officer)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=enrol, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Enrollment.objects.filter(program=program, ended_on__isnull=True).count() == 1
    assert WaitingListEntry.objects.filter(program=program).count() == len(people) - 1
