"""Steps recorded from an SDP export (``actions.transition(source=SDP)``): forward only,
straight from an earlier stage, without Sinergi's own preconditions, by the facility's
officers; a move made in Sinergi keeps its rules."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from sinergi.cooperation.actions import RequestConflict
from sinergi.core.models import AuditEvent
from sinergi.proposals import actions
from sinergi.proposals.choices import Stage
from tests.proposals.factories import make_proposal

pytestmark = pytest.mark.django_db


def test_the_head_records_a_grant_made_in_sdp_without_sinergi_preconditions(person, head):
    proposal = make_proposal(person)  # no checklist, no Litmas, no TPP in Sinergi
    today = person.facility.today()
    moved = actions.transition(
        proposal=proposal,
        to_stage=Stage.GRANTED,
        facts={"sk_number": "PAS-9.PK.05", "sk_date": today, "note": "Dari ekspor SDP"},
        by=head,
        source=actions.SDP,
    )
    assert (moved.stage, moved.sk_number, moved.sk_date) == (Stage.GRANTED, "PAS-9.PK.05", today)
    event = moved.events.order_by("-id").first()
    assert (event.from_stage, event.to_stage, event.by) == (Stage.ELIGIBLE, Stage.GRANTED, head)
    audit = AuditEvent.objects.filter(action="proposal.transition").latest("id")
    assert audit.changes["source"] == "sdp"
    assert audit.actor == head


@pytest.mark.parametrize(
    ("to_stage", "facts"),
    [
        (Stage.SENT, {"sent_to": "kanwil", "sent_reference": "W.22-1"}),
        (Stage.GRANTED, {"sk_number": "PAS-9.PK.05"}),
        (Stage.REFUSED, {"refusal_reason": "Ditolak"}),
    ],
)
def test_an_officer_may_not_record_a_sending_or_a_decision_from_sdp(
    person, officer, to_stage, facts
):
    """Sending and deciding are the head's (rules SEND, DECIDE), from SDP as in Sinergi."""
    proposal = make_proposal(person)
    today = person.facility.today()
    dated = {**facts, "sent_on": today} if to_stage == Stage.SENT else facts
    if to_stage == Stage.GRANTED:
        dated = {**facts, "sk_date": today}
    with pytest.raises(PermissionDenied):
        actions.transition(
            proposal=proposal, to_stage=to_stage, facts=dated, by=officer, source=actions.SDP
        )
    proposal.refresh_from_db()
    assert proposal.stage == Stage.ELIGIBLE


def test_the_same_move_made_in_sinergi_keeps_the_map_and_the_preconditions(person, head, officer):
    proposal = make_proposal(person)
    with pytest.raises(RequestConflict):  # not a move of the map
        actions.transition(
            proposal=proposal,
            to_stage=Stage.GRANTED,
            facts={"sk_number": "SK-1", "sk_date": person.facility.today()},
            by=head,
        )
    proposal = make_proposal(person, right="cb", stage=Stage.TPP)
    with pytest.raises(RequestConflict) as refused:  # the TPP did not recommend
        actions.transition(
            proposal=proposal,
            to_stage=Stage.SENT,
            facts={
                "sent_to": "kanwil",
                "sent_reference": "W.29-1",
                "sent_on": person.facility.today(),
            },
            by=head,
        )
    assert refused.value.code == "not_recommended"
    # An officer may not send in Sinergi (the head does), only record SDP's step.
    with pytest.raises(PermissionDenied):
        actions.transition(
            proposal=proposal,
            to_stage=Stage.SENT,
            facts={"sent_to": "kanwil", "sent_reference": "W.29-1"},
            by=officer,
        )


@pytest.mark.parametrize(
    ("frm", "to"),
    [
        (Stage.SENT, Stage.TPP),  # backwards
        (Stage.GRANTED, Stage.GRANTED),  # not forward
        (Stage.GRANTED, Stage.REFUSED),  # the decision is taken
        (Stage.REFUSED, Stage.GRANTED),  # closed: never reopened
        (Stage.ELIGIBLE, Stage.LITMAS),  # not a step SDP records (no Bapas request)
        (Stage.GRANTED, Stage.RELEASED),
    ],
)
def test_sdp_never_moves_backwards_nor_reopens(person, officer, frm, to):
    proposal = make_proposal(person, stage=frm)
    with pytest.raises(RequestConflict):
        actions.transition(
            proposal=proposal,
            to_stage=to,
            facts={"sk_number": "SK-1", "sk_date": person.facility.today()}
            if to == Stage.GRANTED
            else {},
            by=officer,
            source=actions.SDP,
        )
    proposal.refresh_from_db()
    assert proposal.stage == frm


@pytest.mark.parametrize(
    "username", ["wali.selong", "mitra.disnaker", "petugas.lobar", "kanwil.ntb"]
)
def test_only_the_facility_officers_record_sdp_steps(person, user, username):
    proposal = make_proposal(person)
    with pytest.raises(PermissionDenied):
        actions.transition(
            proposal=proposal,
            to_stage=Stage.TPP,
            by=user(username),
            source=actions.SDP,
        )
