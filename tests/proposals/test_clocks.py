"""The service standard's clocks (clocks.py, pure): working days without weekends and
the facility's holidays, the limits' day of and day after, days waiting, "could have
been proposed earlier"; and the clocks and the overdue filter on stored proposals."""

from __future__ import annotations

import datetime

import pytest

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


def _eligible_working_days_ago(today: datetime.date, days: int) -> datetime.date:
    """The day whose clock has used ``days`` working days today (no holidays)."""
    day = today
    while clocks.working_days_between(day, today) < days:
        day -= datetime.timedelta(days=1)
    return day


@pytest.mark.django_db
@pytest.mark.parametrize(("used", "overdue"), [(14, False), (15, True)])
def test_the_overdue_filter_agrees_with_the_clock_on_the_day_of_and_after_the_limit(
    person, used, overdue
):
    person.facility.holidays.all().delete()
    today = person.facility.today()
    proposal = make_proposal(person, eligible_on=_eligible_working_days_ago(today, used))
    [c] = proposal_clocks(proposal)
    assert (c.used, c.passed) == (used, overdue)
    found = Proposal.objects.filter(overdue_filter([person.facility_id]), pk=proposal.pk).exists()
    assert found is overdue


@pytest.mark.django_db
@pytest.mark.parametrize(("office", "limit"), [(SentTo.KANWIL, 14), (SentTo.DITJENPAS, 30)])
def test_a_sent_proposal_is_overdue_after_its_offices_limit(person, office, limit):
    person.facility.holidays.all().delete()
    today = person.facility.today()
    proposal = make_proposal(person)
    for used, overdue in ((limit, False), (limit + 1, True)):
        at_stage(
            proposal,
            Stage.SENT,
            sent_to=office,
            sent_on=_eligible_working_days_ago(today, used),
            eligible_on=_eligible_working_days_ago(today, used),
        )
        found = Proposal.objects.filter(overdue_filter(), pk=proposal.pk).exists()
        assert found is overdue, used


@pytest.mark.django_db
def test_the_facilitys_holidays_count_in_its_clock(person):
    from sinergi.programs.models import Holiday

    today = person.facility.today()
    person.facility.holidays.all().delete()
    eligible = _eligible_working_days_ago(today, 15)
    proposal = make_proposal(person, eligible_on=eligible)
    assert proposal_clocks(proposal)[0].passed
    weekday = next(
        eligible + datetime.timedelta(days=n)
        for n in range(1, 10)
        if (eligible + datetime.timedelta(days=n)).weekday() < 5
    )
    Holiday.objects.create(facility=person.facility, date=weekday, name="Libur")
    assert not proposal_clocks(proposal)[0].passed
    assert not Proposal.objects.filter(overdue_filter(), pk=proposal.pk).exists()
