"""A sidang TPP discusses a proposal only if it was held on or after the day the proposal
reached the TPP stage (and, for a recommendation, not after today): a meeting held
before is refused at its date (``held_on``, 422 in the API and on the page), is not
offered the proposal, and a meeting with recommendations cannot be moved before the
day its proposals reached the TPP."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils.formats import date_format

from sinergi.accounts.models import User
from sinergi.core.errors import Conflict
from sinergi.orgs.models import Facility
from sinergi.proposals import tpp_actions as tpp
from sinergi.proposals.choices import LitmasStatus, Recommendation, Stage
from sinergi.proposals.models import LitmasRequest, Proposal, TppDecision, TppMeeting
from tests.proposals.factories import make_proposal

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def proposal(person: Any, bapas: Facility) -> Proposal:
    """A PB proposal that reached the sidang TPP three days ago."""
    today = person.facility.today()
    proposal = make_proposal(person, stage=Stage.TPP, stage_since=today - 3 * DAY)
    LitmasRequest.objects.create(
        proposal=proposal,
        bapas=bapas,
        requested_on=today - 20 * DAY,
        due_on=today - 8 * DAY,
        status=LitmasStatus.SUBMITTED,
        submitted_on=today - 10 * DAY,
    )
    return proposal


def _meeting(facility: Facility, officer: User, held_on: datetime.date) -> TppMeeting:
    return tpp.record_meeting(
        facility=facility, values={"held_on": held_on, "place": "Aula"}, by=officer
    )


def test_a_meeting_held_before_the_proposal_reached_the_tpp_is_refused_at_its_date(
    selong: Facility, proposal: Proposal, officer: User
) -> None:
    earlier = _meeting(selong, officer, proposal.stage_since - DAY)
    with pytest.raises(ValidationError) as refused:
        tpp.record_decision(
            meeting=earlier,
            proposal=proposal,
            recommendation=Recommendation.RECOMMENDED,
            by=officer,
        )
    assert set(refused.value.message_dict) == {"held_on"}
    assert not TppDecision.objects.exists()


def test_a_meeting_held_on_the_day_the_proposal_reached_the_tpp_records_it(
    selong: Facility, proposal: Proposal, officer: User
) -> None:
    same_day = _meeting(selong, officer, proposal.stage_since)
    tpp.record_decision(
        meeting=same_day, proposal=proposal, recommendation=Recommendation.RECOMMENDED, by=officer
    )
    assert TppDecision.objects.filter(meeting=same_day, proposal=proposal).exists()


def test_a_meeting_after_today_records_no_recommendation(
    selong: Facility, proposal: Proposal, officer: User
) -> None:
    tomorrow = _meeting(selong, officer, selong.today() + DAY)
    with pytest.raises(Conflict) as refused:
        tpp.record_decision(
            meeting=tomorrow,
            proposal=proposal,
            recommendation=Recommendation.RECOMMENDED,
            by=officer,
        )
    assert refused.value.code == "meeting_not_held"
    assert not TppDecision.objects.exists()


def test_a_meeting_is_offered_only_the_proposals_at_the_tpp_by_its_date(
    selong: Facility, proposal: Proposal, officer: User
) -> None:
    assert list(tpp.candidates(_meeting(selong, officer, proposal.stage_since))) == [proposal]
    assert list(tpp.candidates(_meeting(selong, officer, proposal.stage_since - DAY))) == []


def test_a_meeting_with_a_recommendation_is_not_moved_before_the_proposal_reached_the_tpp(
    selong: Facility, proposal: Proposal, officer: User
) -> None:
    meeting = _meeting(selong, officer, proposal.stage_since)
    tpp.record_decision(
        meeting=meeting, proposal=proposal, recommendation=Recommendation.RECOMMENDED, by=officer
    )
    values = {"held_on": proposal.stage_since - DAY, "place": "Aula"}
    with pytest.raises(ValidationError) as refused:
        tpp.update_meeting(meeting=meeting, values=values, by=officer)
    assert set(refused.value.message_dict) == {"held_on"}
    meeting.refresh_from_db()
    assert meeting.held_on == proposal.stage_since


def test_the_page_shows_the_date_refusal_and_records_nothing(
    client_for: Any, selong: Facility, proposal: Proposal, officer: User
) -> None:
    earlier = _meeting(selong, officer, proposal.stage_since - DAY)
    page = client_for("petugas.selong").post(
        f"/proposals/tpp/{earlier.pk}/decisions/",
        {"proposal": proposal.pk, f"p{proposal.pk}-recommendation": "recommended"},
    )
    assert page.status_code == 422
    html = page.content.decode()
    reached = date_format(proposal.stage_since, "DATE_FORMAT")
    assert f"sidang TPP ({reached})" in html  # at the row of the person, above its form
    assert f'name="p{proposal.pk}-recommendation"' in html
    assert not TppDecision.objects.exists()


def test_the_api_answers_422_at_held_on(
    client_for: Any, selong: Facility, proposal: Proposal, officer: User
) -> None:
    earlier = _meeting(selong, officer, proposal.stage_since - DAY)
    answer = client_for("petugas.selong").post(
        f"/api/v1/tpp-meetings/{earlier.pk}/decisions",
        json.dumps({"proposal_id": proposal.pk, "recommendation": "recommended"}),
        content_type="application/json",
    )
    assert answer.status_code == 422, answer.content
    assert list(answer.json()["errors"]) == ["held_on"]
    assert not TppDecision.objects.exists()
