"""A CMK (cuti mengunjungi keluarga: a home leave of at most 2 x 24 hours) ends, once
granted, in "leave taken" with the leave's dates (left on; came back on, late or not, or
did not come back), never in "released": no release is recorded, no hand-over, and the
person stays in custody. The page, the API, the timeline, the overdue-release alarm and
the "eligible to released" indicator treat it alike."""

from __future__ import annotations

import datetime
import importlib
import json
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError

from sinergi.accounts.models import User
from sinergi.cooperation.actions import RequestConflict
from sinergi.inmates.choices import InmateStatus, Right
from sinergi.inmates.models import Inmate
from sinergi.proposals import actions
from sinergi.proposals.choices import Stage
from sinergi.proposals.models import Proposal, ProposalEvent
from sinergi.reintegration.models import Release
from tests.proposals.factories import at_stage, make_proposal

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
SK = "PAS-77.PK.05.04 Tahun 2026"


def _granted(person: Inmate, right: str = Right.CMK, days_ago: int = 10) -> Proposal:
    """A proposal of ``right`` granted ``days_ago`` days ago."""
    today = person.facility.today()
    proposal = make_proposal(person, right=right)
    return at_stage(
        proposal,
        Stage.GRANTED,
        stage_since=today - days_ago * DAY,
        sent_to="kanwil",
        sent_reference="W.22-PK.01",
        sent_on=today - (days_ago + 5) * DAY,
        sk_number=SK,
        sk_date=today - days_ago * DAY,
    )


def test_a_granted_cmk_ends_in_leave_taken_and_a_granted_pb_in_a_release(
    person: Inmate, officer: User
) -> None:
    cmk = _granted(person)
    assert actions.allowed_moves(cmk, officer) == [Stage.LEAVE_TAKEN, Stage.WITHDRAWN]
    other = make_proposal(person, right=Right.PB)
    pb = at_stage(other, Stage.GRANTED, sk_number=SK, sk_date=person.facility.today())
    assert actions.allowed_moves(pb, officer) == [Stage.RELEASED, Stage.WITHDRAWN]


def test_a_cmk_is_not_released_and_a_pb_takes_no_leave(person: Inmate, officer: User) -> None:
    cmk = _granted(person)
    with pytest.raises(RequestConflict) as refused:
        actions.transition(proposal=cmk, to_stage=Stage.RELEASED, by=officer, facts={})
    assert refused.value.allowed == [Stage.LEAVE_TAKEN, Stage.WITHDRAWN]
    pb = _granted(person, right=Right.PB)
    with pytest.raises(RequestConflict) as refused:
        actions.transition(
            proposal=pb,
            to_stage=Stage.LEAVE_TAKEN,
            by=officer,
            facts={"left_on": person.facility.today()},
        )
    assert refused.value.allowed == [Stage.RELEASED, Stage.WITHDRAWN]
    assert not Release.objects.exists()


def test_the_leave_taken_keeps_its_dates_records_no_release_and_the_person_stays(
    person: Inmate, officer: User
) -> None:
    cmk = _granted(person)
    today = person.facility.today()
    left_on = today - 6 * DAY
    moved = actions.transition(
        proposal=cmk,
        to_stage=Stage.LEAVE_TAKEN,
        by=officer,
        facts={"left_on": left_on, "returned_on": left_on + 2 * DAY},
    )
    moved.refresh_from_db()
    assert (moved.stage, moved.stage_since) == (Stage.LEAVE_TAKEN, left_on)
    assert (moved.leave_left_on, moved.leave_returned_on) == (left_on, left_on + 2 * DAY)
    assert (moved.leave_not_returned, moved.leave_days_late, moved.released_on) == (
        False,
        0,
        None,
    )
    assert not moved.is_open
    assert not Release.objects.filter(inmate=person).exists()
    person.refresh_from_db()
    assert person.status == InmateStatus.IN_CUSTODY
    event = moved.events.order_by("-id").first()
    assert (event.to_stage, event.on) == (Stage.LEAVE_TAKEN, left_on)


def test_a_late_return_counts_its_days_late(person: Inmate, officer: User) -> None:
    today = person.facility.today()
    moved = actions.transition(
        proposal=_granted(person),
        to_stage=Stage.LEAVE_TAKEN,
        by=officer,
        facts={"left_on": today - 6 * DAY, "returned_on": today - 1 * DAY},
    )
    assert moved.leave_days_late == 3  # due back 4 days ago, came back yesterday


def test_not_coming_back_is_recorded_once_the_leave_is_over(person: Inmate, officer: User) -> None:
    today = person.facility.today()
    with pytest.raises(ValidationError) as refused:
        actions.transition(
            proposal=_granted(person),
            to_stage=Stage.LEAVE_TAKEN,
            by=officer,
            facts={"left_on": today - 2 * DAY, "not_returned": True},
        )
    assert set(refused.value.message_dict) == {"not_returned"}
    moved = actions.transition(
        proposal=Proposal.objects.get(inmate=person, right=Right.CMK),
        to_stage=Stage.LEAVE_TAKEN,
        by=officer,
        facts={"left_on": today - 3 * DAY, "not_returned": True},
    )
    assert moved.leave_not_returned and moved.leave_returned_on is None
    person.refresh_from_db()
    assert person.status == InmateStatus.IN_CUSTODY


@pytest.mark.parametrize(
    ("facts", "field"),
    [
        ({}, "left_on"),
        ({"left_on": -11}, "left_on"),  # before the SK (10 days ago)
        ({"left_on": 1}, "left_on"),  # tomorrow
        ({"left_on": -5}, "returned_on"),  # neither the return nor "did not return"
        ({"left_on": -5, "returned_on": -6}, "returned_on"),  # back before leaving
        ({"left_on": -5, "returned_on": 1}, "returned_on"),  # back tomorrow
        ({"left_on": -5, "returned_on": -4, "not_returned": True}, "not_returned"),
    ],
)
def test_the_leave_dates_are_checked_at_their_field(
    person: Inmate, officer: User, facts: dict[str, Any], field: str
) -> None:
    today = person.facility.today()
    given = {
        k: (today + v * DAY if isinstance(v, int) and k != "not_returned" else v)
        for k, v in facts.items()
    }
    with pytest.raises(ValidationError) as refused:
        actions.transition(
            proposal=_granted(person), to_stage=Stage.LEAVE_TAKEN, by=officer, facts=given
        )
    assert list(refused.value.message_dict) == [field]
    assert Proposal.objects.get(inmate=person, right=Right.CMK).stage == Stage.GRANTED


def test_the_api_lists_the_leave_move_refuses_a_release_and_records_the_leave(
    client_for: Any, person: Inmate
) -> None:
    cmk = _granted(person)
    client = client_for("petugas.selong")
    url = f"/api/v1/proposals/{cmk.pk}/transitions"
    listed = client.get(url).json()
    leave = listed["allowed"][0]
    assert [m["to_stage"] for m in listed["allowed"]] == ["leave_taken", "withdrawn"]
    assert leave["required"] == ["left_on"]
    assert {"returned_on", "not_returned"} <= set(leave["optional"])
    refused = client.post(
        url, json.dumps({"to_stage": "released"}), content_type="application/json"
    )
    assert refused.status_code == 409
    assert refused.json()["allowed"] == ["leave_taken", "withdrawn"]
    today = person.facility.today()
    done = client.post(
        url,
        json.dumps(
            {
                "to_stage": "leave_taken",
                "left_on": (today - 5 * DAY).isoformat(),
                "returned_on": (today - 2 * DAY).isoformat(),
            }
        ),
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["stage"] == "leave_taken" and body["released_on"] is None
    assert (body["leave_left_on"], body["leave_returned_on"]) == (
        (today - 5 * DAY).isoformat(),
        (today - 2 * DAY).isoformat(),
    )
    assert (body["leave_not_returned"], body["leave_days_late"]) == (False, 1)
    assert body["allowed_moves"] == []
    missing = client.post(
        f"/api/v1/proposals/{_granted(person, right=Right.CMK).pk}/transitions",
        json.dumps({"to_stage": "leave_taken", "left_on": (today - 5 * DAY).isoformat()}),
        content_type="application/json",
    )
    assert missing.status_code == 422 and list(missing.json()["errors"]) == ["returned_on"]


def test_a_pb_move_through_the_api_takes_no_leave_field(client_for: Any, person: Inmate) -> None:
    pb = _granted(person, right=Right.PB)
    answer = client_for("petugas.selong").post(
        f"/api/v1/proposals/{pb.pk}/transitions",
        json.dumps({"to_stage": "released", "returned_on": person.facility.today().isoformat()}),
        content_type="application/json",
    )
    assert answer.status_code == 422 and list(answer.json()["errors"]) == ["returned_on"]


def test_the_page_offers_the_leave_and_shows_it_on_the_timeline(
    client_for: Any, person: Inmate
) -> None:
    cmk = _granted(person)
    client = client_for("petugas.selong")
    page = client.get(f"/proposals/{cmk.pk}/", language="en").content.decode()
    assert "Record the home leave taken" in page
    assert "Record the release on the SK" not in page
    assert 'name="leave_taken-not_returned"' in page
    today = person.facility.today()
    left_on = today - 5 * DAY
    moved = client.post(
        f"/proposals/{cmk.pk}/move/",
        {
            "to_stage": "leave_taken",
            "leave_taken-left_on": left_on.isoformat(),
            "leave_taken-returned_on": (today - 1 * DAY).isoformat(),
        },
    )
    assert moved.status_code == 302
    cmk.refresh_from_db()
    assert cmk.stage == Stage.LEAVE_TAKEN
    page = client.get(f"/proposals/{cmk.pk}/", language="en").content.decode()
    timeline = page[page.index('id="timeline-title"') : page.index('id="documents-title"')]
    assert "Leave taken" in timeline and "late by 2 days" in timeline
    assert "the person stays in custody" in page
    assert "Released" not in timeline


def test_the_page_shows_a_refused_leave_at_its_field(client_for: Any, person: Inmate) -> None:
    cmk = _granted(person)
    answer = client_for("petugas.selong").post(
        f"/proposals/{cmk.pk}/move/",
        {"to_stage": "leave_taken", "leave_taken-left_on": person.facility.today().isoformat()},
        language="en",
    )
    assert answer.status_code == 422
    assert "Give the day the person came back from the leave" in answer.content.decode()


def test_a_granted_cmk_is_no_release_due(person: Inmate) -> None:
    from sinergi.inmates.queries import overdue_releases, releases_due_today

    _granted(person, days_ago=0)
    other = _granted(person, right=Right.PB, days_ago=3)
    assert person not in releases_due_today()
    assert list(overdue_releases().filter(pk=person.pk)) == [person]  # the PB's SK
    Proposal.objects.filter(pk=other.pk).update(stage=Stage.WITHDRAWN)
    assert not overdue_releases().filter(pk=person.pk).exists()


def test_the_eligible_to_released_indicator_counts_no_cmk(person: Inmate) -> None:
    from sinergi.indicators.periods import parse_period
    from tests.indicators.conftest import check, compute

    today = person.facility.today()
    common = {"stage": Stage.RELEASED, "released_on": today, "stage_since": today}
    make_proposal(person, right=Right.PB, eligible_on=today - 40 * DAY, **common)
    # A CMK closed as "released" before CMK had its own end: not a release either.
    make_proposal(person, right=Right.CMK, eligible_on=today - 4 * DAY, **common)
    period = parse_period(f"{today:%Y-%m}")
    check(compute("proposals.eligible_to_released_days", period)[None], 40, 1, 40)


def test_the_migration_turns_a_cmk_closed_as_released_into_leave_taken(person: Inmate) -> None:
    today = person.facility.today()
    cmk = make_proposal(
        person, right=Right.CMK, stage=Stage.RELEASED, released_on=today - DAY, stage_since=today
    )
    pb = make_proposal(person, right=Right.PB, stage=Stage.RELEASED, released_on=today)
    migration = importlib.import_module("sinergi.proposals.migrations.0003_cmk_leave_taken")
    migration.cmk_released_becomes_leave_taken(django_apps, None)
    cmk.refresh_from_db()
    pb.refresh_from_db()
    assert (cmk.stage, cmk.leave_left_on, cmk.released_on) == (
        Stage.LEAVE_TAKEN,
        today - DAY,
        None,
    )
    assert ProposalEvent.objects.get(proposal=cmk).to_stage == Stage.LEAVE_TAKEN
    assert pb.stage == Stage.RELEASED
    migration.leave_taken_becomes_cmk_released(django_apps, None)
    cmk.refresh_from_db()
    assert (cmk.stage, cmk.released_on) == (Stage.RELEASED, today - DAY)
