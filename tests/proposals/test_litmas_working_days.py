"""The Litmas due date and its overdue count in working days, with the Bapas's days off
(national holidays, collective leave, the Bapas's own holidays): a request is overdue the
calendar day after its due date, and late by the working days since."""

from __future__ import annotations

import datetime

import pytest

from sinergi.programs.days_off import days_off
from sinergi.programs.models import Holiday
from sinergi.proposals import actions, clocks
from sinergi.proposals import litmas_actions as litmas
from sinergi.proposals.choices import LitmasStatus, Stage
from sinergi.proposals.models import LitmasRequest
from tests.proposals.factories import add_checklist, at_stage, make_proposal

D = datetime.date
FRIDAY = D(2026, 12, 11)


def _request(due_on: datetime.date, status: str = LitmasStatus.REQUESTED) -> LitmasRequest:
    return LitmasRequest(due_on=due_on, status=status)


@pytest.mark.parametrize(
    ("today", "overdue", "working_days"),
    [
        (D(2026, 12, 11), False, 0),  # the due day (Friday)
        (D(2026, 12, 12), True, 0),  # Saturday: past the due date, no working day yet
        (D(2026, 12, 13), True, 0),  # Sunday
        (D(2026, 12, 14), True, 1),  # Monday
        (D(2026, 12, 18), True, 5),  # the Friday after: a working week
    ],
)
def test_overdue_from_the_day_after_counted_in_working_days(today, overdue, working_days):
    request = _request(FRIDAY)
    assert litmas.is_overdue(request, today) is overdue
    assert litmas.days_overdue(request, today, holidays=()) == working_days


def test_holidays_are_not_counted_as_days_overdue():
    # Christmas Eve (collective leave) and Christmas Day 2026 off: due Wednesday 23,
    # Monday 28 is the first working day late.
    off = {D(2026, 12, 24), D(2026, 12, 25)}
    request = _request(D(2026, 12, 23))
    assert litmas.days_overdue(request, D(2026, 12, 27), holidays=off) == 0
    assert litmas.days_overdue(request, D(2026, 12, 28), holidays=off) == 1


def test_a_submitted_litmas_is_never_overdue():
    request = _request(FRIDAY, status=LitmasStatus.SUBMITTED)
    assert not litmas.is_overdue(request, D(2027, 1, 4))
    assert litmas.days_overdue(request, D(2027, 1, 4), holidays=()) == 0


@pytest.mark.django_db
def test_the_days_off_are_the_bapas_s_national_and_own(bapas):
    request = LitmasRequest(due_on=D(2026, 12, 23), status=LitmasStatus.REQUESTED, bapas=bapas)
    assert litmas.days_overdue(request, D(2026, 12, 28)) == 1  # 24 and 25 are national
    Holiday.objects.create(facility=bapas, date=D(2026, 12, 28), name="Libur Bapas")
    assert litmas.days_overdue(request, D(2026, 12, 28)) == 0


@pytest.mark.django_db
def test_the_due_date_left_empty_is_twelve_working_days_of_the_bapas(person, officer, bapas):
    """Asked on Friday 13 March 2026: twelve working days, less Nyepi and Idulfitri with
    their collective leave (18 to 24 March), Good Friday (3 April), all national, and a
    holiday of the Bapas on Monday 6 April: due on Thursday 9 April, not 31 March."""
    Holiday.objects.create(facility=bapas, date=D(2026, 4, 6), name="Libur Bapas")
    proposal = make_proposal(person, eligible_on=D(2026, 3, 2), stage_since=D(2026, 3, 2))
    proposal = at_stage(proposal, Stage.DOCUMENTS)
    add_checklist(proposal)
    on = D(2026, 3, 13)
    actions.transition(
        proposal=proposal, to_stage=Stage.LITMAS, facts={"bapas": bapas, "on": on}, by=officer
    )
    request = LitmasRequest.objects.get(proposal=proposal)
    off = days_off(bapas)
    assert request.due_on == clocks.add_working_days(on, actions.LITMAS_WORKING_DAYS, off)
    assert request.due_on == D(2026, 4, 9)
    assert clocks.add_working_days(on, actions.LITMAS_WORKING_DAYS) == D(2026, 3, 31)
