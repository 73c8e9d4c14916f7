"""The demo's proposals (sinergi/proposals/demo.py): a Selong person at every stage made
through the actions (timeline, history, audit), one sidang TPP with its decisions and
minutes, Litmas for pk.bapas (one overdue), one person held past their release date, and
a second run that changes nothing."""

from __future__ import annotations

import datetime
import io

import pytest

from sinergi.core.demo import seeders
from sinergi.core.models import AuditEvent
from sinergi.inmates.queries import overdue_releases, releases_due_today
from sinergi.orgs.models import Facility
from sinergi.programs.days_off import days_off
from sinergi.proposals import clocks, demo, documents
from sinergi.proposals import litmas_actions as litmas
from sinergi.proposals.actions import LITMAS_WORKING_DAYS
from sinergi.proposals.models import LitmasRequest, Proposal, ProposalEvent, TppMeeting
from tests.proposals.pdf_text import pdf_text

pytestmark = pytest.mark.django_db

# What the proposals' demo needs before it: organisations, users, inmates, releases.
NEEDED = ("organisations", "users", "inmates", "proposals")


@pytest.fixture
def seeded(demo_world):
    out = io.StringIO()
    for name, seed in seeders():
        if name in NEEDED:
            seed(out)
    return Facility.objects.get(code="selong")


def test_the_demo_has_a_selong_person_at_every_stage_with_history(seeded):
    selong = seeded
    today = selong.today()
    stages = sorted(Proposal.objects.filter(facility=selong).values_list("stage", flat=True))
    assert stages == sorted(
        [
            "eligible",
            "documents",
            "litmas",
            "litmas",
            "litmas",
            "tpp",
            "sent",
            "granted",
            "refused",
            "released",
        ]
    )
    for proposal in Proposal.objects.filter(facility=selong):
        moves = list(proposal.events.values_list("to_stage", flat=True))
        assert moves[0] == "eligible" and moves[-1] == proposal.stage
        assert proposal.history.exists()
        assert AuditEvent.objects.filter(action="proposal.create", target_id=str(proposal.pk))
        assert proposal.stage_since <= today
    documents_stage = Proposal.objects.get(facility=selong, stage="documents")
    assert documents_stage.documents.count() == 4  # part of the checklist of seven
    refused = Proposal.objects.get(facility=selong, stage="refused")
    assert "surat jaminan" in refused.refusal_reason
    released = Proposal.objects.get(facility=selong, stage="released")
    assert released.inmate.status == "released" and released.released_on < today
    assert released.inmate.release.sk_number == released.sk_number
    assert released.inmate.release.sk_number.startswith("PAS-")
    granted = Proposal.objects.get(facility=selong, stage="granted")
    assert granted.sk_date == today
    assert granted.inmate in releases_due_today()
    assert not ProposalEvent.objects.filter(on__gt=today).exists()


def test_the_demo_has_litmas_for_pk_bapas_one_overdue_and_a_tpp_with_minutes(seeded):
    from sinergi.accounts.models import User

    pk = User.objects.get(username="pk.bapas")
    bapas = Facility.objects.get(code="bapas-mataram")
    today = bapas.today()
    mine = litmas.requests_for(pk).filter(status="requested")
    assert mine.count() == 3
    assert mine.filter(officer=pk).count() == 2 and mine.filter(officer=None).count() == 1
    overdue = [r for r in mine if litmas.is_overdue(r, today)]
    assert len(overdue) == 1 and litmas.days_overdue(overdue[0], today) >= 1
    submitted = LitmasRequest.objects.filter(status="submitted", officer=pk)
    assert submitted.count() == 5
    for request in submitted.select_related("document"):
        assert request.submitted_on < today
        assert request.document.received_on == request.submitted_on  # dated back alike
    meeting = TppMeeting.objects.get(facility=seeded)
    assert meeting.held_on < today
    recommendations = sorted(meeting.decisions.values_list("recommendation", flat=True))
    assert recommendations == ["postponed", *["recommended"] * 4]
    text = pdf_text(documents.render_minutes(meeting))
    assert meeting.minutes_number in text
    for decision in meeting.decisions.select_related("proposal__inmate"):
        assert decision.proposal.inmate.name in text


@pytest.mark.parametrize(
    "today",
    [
        datetime.date(2026, 12, 9),  # a Wednesday
        datetime.date(2026, 12, 5),  # a Saturday
        datetime.date(2026, 12, 6),  # a Sunday
        datetime.date(2026, 12, 25),  # Christmas Day, a national holiday (a Friday)
        datetime.date(2026, 12, 28),  # the Monday after Christmas Eve and Day off
        datetime.date(2026, 3, 24),  # collective leave of Idulfitri (a Tuesday)
        datetime.date(2026, 3, 25),  # the first working day after it
    ],
)
def test_the_demos_litmas_are_one_overdue_and_two_due_whatever_the_day(demo_world, today):
    """The due dates the action sets from the demo's request days (twelve working days
    with the national days off): past for one, by at least one working day, to come for
    the others."""
    off = days_off(Facility.objects.get(code="bapas-mataram"))
    asked = demo.litmas_asked_on(today, off)
    due = {
        stage: clocks.add_working_days(on, LITMAS_WORKING_DAYS, off) for stage, on in asked.items()
    }
    assert due["litmas_overdue"] < today
    assert clocks.working_days_between(due["litmas_overdue"], today, off) >= 1
    assert due["litmas"] > today and due["litmas_unassigned"] > today
    assert all(clocks.is_working_day(on, off) and on < today for on in asked.values())


@pytest.mark.parametrize(
    "moment",
    [
        datetime.datetime(2026, 12, 12, 10, tzinfo=datetime.UTC),  # a Saturday
        datetime.datetime(2026, 12, 25, 3, tzinfo=datetime.UTC),  # Christmas Day
    ],
)
def test_the_demo_loaded_on_a_weekend_or_a_holiday_has_its_litmas_overdue_and_due(
    demo_world, monkeypatch, moment
):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: moment)
    out = io.StringIO()
    for name, seed in seeders():
        if name in NEEDED:
            seed(out)
    bapas = Facility.objects.get(code="bapas-mataram")
    today = bapas.today()
    open_ = list(LitmasRequest.objects.filter(bapas=bapas, status="requested"))
    assert len(open_) == 3
    late = [r for r in open_ if litmas.is_overdue(r, today)]
    assert len(late) == 1 and litmas.days_overdue(late[0], today) >= 1
    assert all(r.due_on > today for r in open_ if r not in late)
    off = days_off(bapas)
    for request in open_:  # the action's due date: twelve working days, with the days off
        assert request.due_on == clocks.add_working_days(
            request.requested_on, LITMAS_WORKING_DAYS, off
        )


def test_the_demo_holds_one_person_four_days_past_their_release_date(seeded):
    overdue = list(overdue_releases(Facility.objects.filter(pk=seeded.pk)))
    assert [i.overdue.days for i in overdue] == [4]
    assert AuditEvent.objects.filter(
        action="sentence.update", target_id=str(overdue[0].sentence.pk)
    )


def test_running_the_demo_again_changes_nothing(seeded):
    counts = (Proposal.objects.count(), ProposalEvent.objects.count(), TppMeeting.objects.count())
    out = io.StringIO()
    demo.seed(out)
    assert "already there" in out.getvalue()
    assert counts == (
        Proposal.objects.count(),
        ProposalEvent.objects.count(),
        TppMeeting.objects.count(),
    )
