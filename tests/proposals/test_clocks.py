"""The service standard's clocks (clocks.py, pure): working days without weekends and
the national and facility's holidays, the limits' last day and the day after (calendar:
a Friday limit has passed on Saturday, by 0 working days), days waiting, "could have
been proposed earlier"; and the clocks and the overdue filter on stored proposals."""

from __future__ import annotations

import datetime

import pytest

from sinergi.programs.days_off import days_off
from sinergi.proposals import clocks
from sinergi.proposals.choices import SentTo, Stage
from sinergi.proposals.models import Proposal
from sinergi.proposals.queries import overdue_filter, proposal_clocks
from tests.proposals.factories import at_stage, make_proposal

D = datetime.date
FRIDAY = D(2026, 12, 4)


def test_working_days_skip_weekends():
    assert clocks.working_days_between(FRIDAY, D(2026, 12, 5)) == 0  # Saturday
    assert clocks.working_days_between(FRIDAY, D(2026, 12, 7)) == 1  # Monday
    assert clocks.working_days_between(FRIDAY, D(2026, 12, 11)) == 5
    assert clocks.working_days_between(FRIDAY, FRIDAY) == 0
    assert clocks.working_days_between(FRIDAY, D(2026, 12, 1)) == 0


def test_working_days_skip_the_facilitys_holidays_on_weekdays_only():
    holidays = {D(2026, 12, 8), D(2026, 12, 6)}  # a Tuesday and a Sunday
    assert clocks.working_days_between(FRIDAY, D(2026, 12, 11), holidays) == 4
    assert clocks.add_working_days(FRIDAY, 1, {D(2026, 12, 7)}) == D(2026, 12, 8)


def test_fourteen_working_days_from_a_friday_end_three_weeks_later_on_a_thursday():
    assert clocks.add_working_days(FRIDAY, 14) == D(2026, 12, 24)
    # Christmas Day a holiday: the limit moves past it and the weekend.
    assert clocks.add_working_days(FRIDAY, 15, {D(2026, 12, 25)}) == D(2026, 12, 28)


def test_adding_negative_working_days_goes_back():
    monday = D(2026, 12, 7)
    assert clocks.add_working_days(monday, -1) == FRIDAY
    assert clocks.add_working_days(D(2026, 12, 5), -1) == FRIDAY  # from a Saturday
    assert clocks.add_working_days(D(2026, 12, 28), -1, {D(2026, 12, 24), D(2026, 12, 25)}) == (
        D(2026, 12, 23)
    )
    for days in range(1, 30):
        back = clocks.add_working_days(monday, -days)
        assert clocks.is_working_day(back)
        assert clocks.working_days_between(back, monday) == days


def test_counting_and_adding_agree():
    holidays = {D(2026, 12, 25), D(2027, 1, 1)}
    for days in range(40):
        end = clocks.add_working_days(FRIDAY, days, holidays)
        assert clocks.working_days_between(FRIDAY, end, holidays) == days


@pytest.mark.parametrize(
    ("today", "passed"),
    [(D(2026, 12, 23), False), (D(2026, 12, 24), False), (D(2026, 12, 25), True)],
)
def test_the_facility_clock_is_within_its_time_on_the_last_day_and_late_the_day_after(
    today, passed
):
    c = clocks.facility_clock(eligible_on=FRIDAY, sent_on=None, closed_on=None, today=today)
    assert c is not None
    assert c.deadline == D(2026, 12, 24)
    assert c.passed is passed
    assert c.remaining == (-1 if passed else 14 - clocks.working_days_between(FRIDAY, today))


ENDS_FRIDAY = D(2026, 11, 23)  # a Monday: its 14th working day is Friday 11 December


@pytest.mark.parametrize(
    ("today", "passed", "late"),
    [
        (D(2026, 12, 10), False, 0),  # Thursday, the day before the last
        (D(2026, 12, 11), False, 0),  # Friday, the last day
        (D(2026, 12, 12), True, 0),  # Saturday: passed on Friday, 0 working days late
        (D(2026, 12, 13), True, 0),  # Sunday
        (D(2026, 12, 14), True, 1),  # Monday: one working day late
    ],
)
def test_a_limit_has_passed_the_calendar_day_after_its_last_day(today, passed, late):
    c = clocks.facility_clock(eligible_on=ENDS_FRIDAY, sent_on=None, closed_on=None, today=today)
    assert c is not None
    assert c.deadline == D(2026, 12, 11) and c.deadline.weekday() == 4
    assert (c.passed, c.late) == (passed, late)


def test_a_clock_stopped_on_the_saturday_after_its_last_day_stopped_late():
    c = clocks.facility_clock(
        eligible_on=ENDS_FRIDAY, sent_on=D(2026, 12, 12), closed_on=None, today=D(2027, 1, 4)
    )
    assert (c.running, c.passed, c.late, c.used) == (False, True, 0, 14)
    on_time = clocks.facility_clock(
        eligible_on=ENDS_FRIDAY, sent_on=D(2026, 12, 11), closed_on=None, today=D(2027, 1, 4)
    )
    assert not on_time.passed


def test_the_facility_clock_waits_for_the_eligibility_date_and_stops_when_sent():
    assert (
        clocks.facility_clock(
            eligible_on=FRIDAY, sent_on=None, closed_on=None, today=D(2026, 12, 3)
        )
        is None
    )
    c = clocks.facility_clock(
        eligible_on=FRIDAY, sent_on=D(2026, 12, 10), closed_on=None, today=D(2027, 3, 1)
    )
    assert (c.used, c.running, c.passed) == (4, False, False)
    early = clocks.facility_clock(
        eligible_on=FRIDAY, sent_on=D(2026, 11, 20), closed_on=None, today=D(2027, 3, 1)
    )
    assert early.used == 0


@pytest.mark.parametrize(
    ("office", "limit", "last_day"),
    [(SentTo.KANWIL, 14, D(2026, 12, 24)), (SentTo.DITJENPAS, 30, D(2027, 1, 15))],
)
def test_the_decision_clock_is_the_kanwils_14_or_the_directorate_generals_30(
    office, limit, last_day
):
    on_time = clocks.decision_clock(sent_to=office, sent_on=FRIDAY, decided_on=None, today=last_day)
    assert (on_time.limit, on_time.deadline, on_time.passed) == (limit, last_day, False)
    late = clocks.decision_clock(
        sent_to=office,
        sent_on=FRIDAY,
        decided_on=None,
        today=clocks.add_working_days(last_day, 1),
    )
    assert late.passed
    assert clocks.decision_clock(sent_to="", sent_on=None, decided_on=None, today=last_day) is None


def test_days_waiting_at_the_stage_and_in_all():
    assert clocks.days_at_stage(D(2026, 12, 1), D(2026, 12, 5)) == 4
    assert clocks.days_in_all(D(2026, 11, 1), D(2026, 12, 1)) == 30
    assert clocks.days_in_all(D(2026, 11, 1), D(2026, 12, 31), ended_on=D(2026, 11, 11)) == 10
    assert clocks.days_in_all(D(2027, 1, 1), D(2026, 12, 1)) == 0


def test_could_have_been_proposed_earlier_once_the_date_passed_and_nothing_moved():
    today = D(2026, 12, 5)
    yesterday = D(2026, 12, 4)
    assert clocks.could_have_been_proposed_earlier(eligible_on=yesterday, moved=False, today=today)
    assert not clocks.could_have_been_proposed_earlier(eligible_on=today, moved=False, today=today)
    assert not clocks.could_have_been_proposed_earlier(
        eligible_on=yesterday, moved=True, today=today
    )
    assert not clocks.could_have_been_proposed_earlier(eligible_on=None, moved=False, today=today)


# --- on stored proposals ---------------------------------------------------------------


def _earliest_on_time(facility, limit: int) -> datetime.date:
    """The earliest start whose clock has not passed today (its last day is today or
    later), with the facility's days off (national and its own); a day earlier and the
    clock has passed."""
    today = facility.today()
    off = days_off(facility)
    start = today
    while clocks.add_working_days(start - datetime.timedelta(days=1), limit, off) >= today:
        start -= datetime.timedelta(days=1)
    return start


@pytest.mark.django_db
@pytest.mark.parametrize(("earlier", "overdue"), [(0, False), (1, True)])
def test_the_overdue_filter_agrees_with_the_clock_on_the_last_day_and_the_day_after(
    person, earlier, overdue
):
    eligible = _earliest_on_time(person.facility, 14) - datetime.timedelta(days=earlier)
    proposal = make_proposal(person, eligible_on=eligible)
    [c] = proposal_clocks(proposal)
    assert c.passed is overdue
    assert (c.deadline < person.facility.today()) is overdue
    found = Proposal.objects.filter(overdue_filter([person.facility_id]), pk=proposal.pk).exists()
    assert found is overdue


@pytest.mark.django_db
@pytest.mark.parametrize(("office", "limit"), [(SentTo.KANWIL, 14), (SentTo.DITJENPAS, 30)])
def test_a_sent_proposal_is_overdue_after_its_offices_limit(person, office, limit):
    proposal = make_proposal(person)
    on_time = _earliest_on_time(person.facility, limit)
    for sent_on, overdue in ((on_time, False), (on_time - datetime.timedelta(days=1), True)):
        at_stage(proposal, Stage.SENT, sent_to=office, sent_on=sent_on, eligible_on=sent_on)
        assert proposal_clocks(proposal)[-1].passed is overdue
        found = Proposal.objects.filter(overdue_filter(), pk=proposal.pk).exists()
        assert found is overdue, sent_on


@pytest.mark.django_db
def test_the_facilitys_holidays_count_in_its_clock(person):
    from sinergi.programs.models import Holiday

    eligible = _earliest_on_time(person.facility, 14) - datetime.timedelta(days=1)
    proposal = make_proposal(person, eligible_on=eligible)
    assert proposal_clocks(proposal)[0].passed
    off = days_off(person.facility)
    weekday = next(
        eligible + datetime.timedelta(days=n)
        for n in range(1, 10)
        if clocks.is_working_day(eligible + datetime.timedelta(days=n), off)
    )
    Holiday.objects.create(facility=person.facility, date=weekday, name="Libur")
    assert not proposal_clocks(proposal)[0].passed
    assert not Proposal.objects.filter(overdue_filter(), pk=proposal.pk).exists()


@pytest.mark.django_db
def test_the_national_holidays_count_in_every_facilitys_clock(person):
    """Christmas Eve (collective leave) and Christmas Day 2026 are national days off: 14
    working days from Friday 4 December end on Monday 28 December, not Thursday 24."""
    person.facility.holidays.all().delete()
    proposal = make_proposal(person, eligible_on=FRIDAY)
    [c] = proposal_clocks(proposal, today=D(2026, 12, 28))
    assert (c.deadline, c.used, c.passed) == (D(2026, 12, 28), 14, False)
    [c] = proposal_clocks(proposal, today=D(2026, 12, 29))
    assert (c.passed, c.late) == (True, 1)


@pytest.mark.django_db
def test_the_api_says_a_clock_passed_the_day_after_its_last_day_and_by_how_many_working_days(
    client_for, person
):
    """Eligible on Monday 23 November 2026 (last day Friday 11 December), sent on the
    Saturday: passed, 0 working days late; the Kanwil's clock stopped in time."""
    proposal = make_proposal(person, eligible_on=D(2026, 11, 23))
    at_stage(
        proposal,
        Stage.GRANTED,
        sent_to=SentTo.KANWIL,
        sent_on=D(2026, 12, 12),
        sk_date=D(2026, 12, 14),
        sk_number="PAS-1",
    )
    body = client_for("petugas.selong").get(f"/api/v1/proposals/{proposal.pk}").json()
    facility, kanwil = body["clocks"]
    assert facility["deadline"] == "2026-12-11"
    assert (facility["passed"], facility["late"], facility["remaining"]) == (True, 0, 0)
    assert (kanwil["passed"], kanwil["late"]) == (False, 0)
