"""The stage machine (actions.transition): every allowed move by its owner, every other
move refused with the allowed ones (409), each move's owner only (an outsider refused:
another facility's officer, a partner's user, the PK of another Bapas, the Kanwil's
viewer), the facts required at their field, the dossier, the Litmas and the TPP's
recommendation before the moves that need them, and a move recorded (event, audit,
history, stage_since)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sinergi.accounts.models import User
from sinergi.cooperation.actions import RequestConflict
from sinergi.core.errors import Conflict
from sinergi.core.models import AuditEvent
from sinergi.inmates.choices import InmateStatus, Right
from sinergi.proposals import actions
from sinergi.proposals.actions import TRANSITIONS, moves_from
from sinergi.proposals.choices import LitmasStatus, Recommendation, SentTo, Stage
from sinergi.proposals.models import LitmasRequest, Proposal
from sinergi.reintegration.models import Release
from tests.proposals.factories import (
    add_checklist,
    at_stage,
    make_proposal,
    other_bapas_pk,
    recommend,
)
from tests.proposals.moves import ALL_MOVES, OWNER, prepare

pytestmark = pytest.mark.django_db

ALL_PAIRS = [(a, b) for a in Stage.values for b in Stage.values if a != b]
REFUSED_PAIRS = [pair for pair in ALL_PAIRS if pair not in TRANSITIONS]


@pytest.mark.parametrize(("frm", "to"), ALL_MOVES)
def test_every_allowed_move_is_made_by_its_owner(person, frm, to):
    proposal = make_proposal(person)
    facts = prepare(proposal, frm, to)
    by = User.objects.get(username=OWNER[TRANSITIONS[(frm, to)]])
    moved = actions.transition(proposal=proposal, to_stage=to, facts=facts, by=by)
    assert moved.stage == to
    event = moved.events.order_by("-id").first()
    assert (event.from_stage, event.to_stage, event.by) == (frm, to, by)
    assert AuditEvent.objects.filter(
        action="proposal.transition", target_id=str(proposal.pk), actor=by
    ).exists()


@pytest.mark.parametrize(("frm", "to"), REFUSED_PAIRS)
def test_every_other_move_is_a_conflict_naming_the_allowed_ones(person, officer, frm, to):
    proposal = at_stage(make_proposal(person), frm)
    with pytest.raises(RequestConflict) as refused:
        actions.transition(proposal=proposal, to_stage=to, facts={}, by=officer)
    assert refused.value.allowed == moves_from(frm, Right.PB)
    assert refused.value.code == "invalid_transition"
    proposal.refresh_from_db()
    assert proposal.stage == frm
    assert proposal.events.count() == 1


def test_a_closed_proposal_allows_no_move(person, officer):
    for stage in (Stage.REFUSED, Stage.RELEASED, Stage.LEAVE_TAKEN, Stage.WITHDRAWN):
        assert moves_from(stage) == []


OUTSIDERS = ["petugas.lobar", "mitra.disnaker", "kanwil.ntb", "admin", "pk.bapas"]


@pytest.mark.parametrize(("frm", "to"), ALL_MOVES)
def test_outsiders_are_refused_every_move(person, frm, to):
    proposal = make_proposal(person)
    facts = prepare(proposal, frm, to)
    outsiders = [User.objects.get(username=u) for u in OUTSIDERS] + [other_bapas_pk()]
    for user in outsiders:
        with pytest.raises(PermissionDenied):
            actions.transition(proposal=proposal, to_stage=to, facts=facts, by=user)
    proposal.refresh_from_db()
    assert proposal.stage == frm


@pytest.mark.parametrize(
    ("frm", "to", "refused"),
    [
        (Stage.TPP, Stage.SENT, ["petugas.selong", "wali.selong"]),
        (Stage.SENT, Stage.GRANTED, ["petugas.selong", "wali.selong"]),
        (Stage.SENT, Stage.REFUSED, ["petugas.selong", "wali.selong"]),
        (Stage.GRANTED, Stage.RELEASED, ["wali.selong"]),
        (Stage.DOCUMENTS, Stage.WITHDRAWN, ["wali.selong"]),
    ],
)
def test_the_facility_roles_own_their_moves_only(person, frm, to, refused):
    proposal = make_proposal(person)
    facts = prepare(proposal, frm, to)
    for username in refused:
        with pytest.raises(PermissionDenied):
            actions.transition(
                proposal=proposal, to_stage=to, facts=facts, by=User.objects.get(username=username)
            )


@pytest.mark.parametrize("username", ["wali.selong", "kalapas.selong", "petugas.selong"])
def test_the_facility_staff_gather_the_dossier(person, username):
    proposal = make_proposal(person)
    by = User.objects.get(username=username)
    actions.transition(proposal=proposal, to_stage=Stage.DOCUMENTS, by=by)
    assert Proposal.objects.get(pk=proposal.pk).stage == Stage.DOCUMENTS


@pytest.mark.parametrize(
    ("to", "field"),
    [
        (Stage.GRANTED, "sk_number"),
        (Stage.GRANTED, "sk_date"),
        (Stage.REFUSED, "refusal_reason"),
        (Stage.WITHDRAWN, "reason"),
    ],
)
def test_a_missing_fact_is_an_error_at_its_field(person, head, to, field):
    proposal = make_proposal(person)
    facts = prepare(proposal, Stage.SENT, to)
    facts.pop(field)
    with pytest.raises(ValidationError) as refused:
        actions.transition(proposal=proposal, to_stage=to, facts=facts, by=head)
    assert field in refused.value.message_dict
    assert Proposal.objects.get(pk=proposal.pk).stage == Stage.SENT


@pytest.mark.parametrize("field", ["sent_to", "sent_reference", "sent_on"])
def test_sending_needs_where_the_reference_and_the_date(person, head, field):
    proposal = make_proposal(person)
    facts = prepare(proposal, Stage.TPP, Stage.SENT)
    facts.pop(field)
    with pytest.raises(ValidationError) as refused:
        actions.transition(proposal=proposal, to_stage=Stage.SENT, facts=facts, by=head)
    assert field in refused.value.message_dict


def test_a_date_in_the_future_or_before_the_stage_began_is_refused(person, head):
    proposal = make_proposal(person)
    facts = prepare(proposal, Stage.SENT, Stage.GRANTED)
    today = proposal.facility.today()
    for day in (today + datetime.timedelta(days=1), today - datetime.timedelta(days=1)):
        with pytest.raises(ValidationError) as refused:
            actions.transition(
                proposal=proposal, to_stage=Stage.GRANTED, facts={**facts, "sk_date": day}, by=head
            )
        assert "sk_date" in refused.value.message_dict


def test_a_field_the_move_does_not_take_is_refused(person, officer):
    proposal = make_proposal(person)
    with pytest.raises(ValidationError) as refused:
        actions.transition(
            proposal=proposal, to_stage=Stage.DOCUMENTS, facts={"sk_number": "X"}, by=officer
        )
    assert "sk_number" in refused.value.message_dict


def test_the_litmas_is_asked_only_with_the_dossier_complete(person, officer, bapas):
    proposal = at_stage(make_proposal(person), Stage.DOCUMENTS)
    with pytest.raises(Conflict) as refused:
        actions.transition(
            proposal=proposal, to_stage=Stage.LITMAS, facts={"bapas": bapas}, by=officer
        )
    assert refused.value.code == "checklist_incomplete"
    assert not LitmasRequest.objects.filter(proposal=proposal).exists()
    add_checklist(proposal)
    actions.transition(proposal=proposal, to_stage=Stage.LITMAS, facts={"bapas": bapas}, by=officer)
    request = LitmasRequest.objects.get(proposal=proposal)
    assert request.bapas == bapas
    assert request.status == LitmasStatus.REQUESTED
    assert request.due_on > request.requested_on
    assert request.requested_by == officer


def test_the_litmas_goes_to_a_bapas_only(person, officer, selong):
    proposal = at_stage(make_proposal(person), Stage.DOCUMENTS)
    add_checklist(proposal)
    with pytest.raises(ValidationError) as refused:
        actions.transition(
            proposal=proposal, to_stage=Stage.LITMAS, facts={"bapas": selong}, by=officer
        )
    assert "bapas" in refused.value.message_dict


def test_the_tpp_needs_a_submitted_litmas(person, officer, bapas):
    proposal = make_proposal(person)
    prepare(proposal, Stage.LITMAS, Stage.WITHDRAWN)  # a Litmas requested, not submitted
    with pytest.raises(Conflict) as refused:
        actions.transition(proposal=proposal, to_stage=Stage.TPP, by=officer)
    assert refused.value.code == "litmas_not_submitted"


@pytest.mark.parametrize("last", [None, Recommendation.POSTPONED, Recommendation.NOT_RECOMMENDED])
def test_sending_needs_the_tpp_to_have_recommended(person, head, last):
    proposal = make_proposal(person)
    facts = prepare(proposal, Stage.TPP, Stage.SENT)
    proposal.tpp_decisions.all().delete()
    if last is not None:
        recommend(proposal, last)
    with pytest.raises(Conflict) as refused:
        actions.transition(proposal=proposal, to_stage=Stage.SENT, facts=facts, by=head)
    assert refused.value.code == "not_recommended"


def test_a_move_is_recorded_with_who_when_and_the_document(person, head):
    proposal = make_proposal(person)
    facts = prepare(proposal, Stage.SENT, Stage.GRANTED)
    from tests.proposals.factories import pdf

    sk = actions.add_document(proposal=proposal, kind="sk", file=pdf("sk.pdf"), by=head)
    sk_date = proposal.facility.today()
    moved = actions.transition(
        proposal=proposal,
        to_stage=Stage.GRANTED,
        facts={**facts, "document": sk, "note": "SK diterima"},
        by=head,
    )
    assert (moved.sk_number, moved.sk_date, moved.stage_since) == (
        facts["sk_number"],
        sk_date,
        sk_date,
    )
    event = moved.events.order_by("-id").first()
    assert (event.document, event.note, event.on, event.by) == (sk, "SK diterima", sk_date, head)
    audit = AuditEvent.objects.get(action="proposal.transition", target_id=str(proposal.pk))
    assert audit.changes["stage"] == [Stage.SENT, Stage.GRANTED]
    assert audit.changes["sk_number"] == facts["sk_number"]
    assert audit.facility_id == proposal.facility_id
    history = list(moved.history.order_by("history_id").values_list("stage", flat=True))
    assert history[-1] == Stage.GRANTED


def test_the_release_on_the_sk_records_the_release_handed_over_to_the_litmas_bapas(
    person, officer, bapas, pk
):
    proposal = make_proposal(person)
    facts = prepare(proposal, Stage.GRANTED, Stage.RELEASED)
    LitmasRequest.objects.filter(proposal=proposal).update(officer=pk)
    moved = actions.transition(proposal=proposal, to_stage=Stage.RELEASED, facts=facts, by=officer)
    release = Release.objects.get(inmate=person)
    assert (release.kind, release.bapas, release.probation_officer) == ("pb", bapas, pk)
    assert release.released_on == moved.released_on == proposal.facility.today()
    assert (release.sk_number, release.sk_date) == (moved.sk_number, moved.sk_date)
    assert release.leaves_with == ""  # the SK has fields of its own
    person.refresh_from_db()
    assert person.status == InmateStatus.RELEASED
    assert AuditEvent.objects.filter(action="release.create", target_id=str(release.pk)).exists()


def test_the_release_date_defaults_to_the_sk_date_and_is_not_before_it(person, officer):
    proposal = make_proposal(person)
    prepare(proposal, Stage.GRANTED, Stage.RELEASED)
    before = proposal.sk_date - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        actions.transition(
            proposal=proposal, to_stage=Stage.RELEASED, facts={"released_on": before}, by=officer
        )
    assert "released_on" in refused.value.message_dict
    moved = actions.transition(proposal=proposal, to_stage=Stage.RELEASED, by=officer)
    assert moved.released_on == moved.sk_date


def test_a_cmk_granted_closes_as_leave_taken_without_a_release(selong, officer):
    from tests.proposals.factories import eligible_person

    person = eligible_person(selong, right=Right.CMK)
    proposal = make_proposal(person, right=Right.CMK)
    facts = prepare(proposal, Stage.GRANTED, Stage.LEAVE_TAKEN)
    with pytest.raises(RequestConflict):
        actions.transition(proposal=proposal, to_stage=Stage.RELEASED, facts={}, by=officer)
    actions.transition(proposal=proposal, to_stage=Stage.LEAVE_TAKEN, facts=facts, by=officer)
    assert not Release.objects.filter(inmate=person).exists()


def test_withdrawing_cancels_the_litmas_still_requested(person, officer):
    proposal = make_proposal(person)
    prepare(proposal, Stage.LITMAS, Stage.WITHDRAWN)
    LitmasRequest.objects.filter(proposal=proposal).update(status=LitmasStatus.REQUESTED)
    actions.transition(
        proposal=proposal, to_stage=Stage.WITHDRAWN, facts={"reason": "Pindah"}, by=officer
    )
    assert proposal.litmas_requests.get().status == LitmasStatus.CANCELLED
    assert Proposal.objects.get(pk=proposal.pk).withdrawal_reason == "Pindah"


def test_allowed_moves_are_the_callers(person, officer, head, wali):
    proposal = at_stage(make_proposal(person), Stage.TPP)
    recommend(proposal)  # sending needs the TPP's recommendation (else blocked)
    assert actions.allowed_moves(proposal, head) == [Stage.SENT, Stage.WITHDRAWN]
    assert actions.allowed_moves(proposal, officer) == [Stage.WITHDRAWN]
    assert actions.allowed_moves(proposal, wali) == []
    assert actions.allowed_moves(proposal, User.objects.get(username="petugas.lobar")) == []


def test_the_whole_way_from_eligible_to_released_by_the_roles_that_own_each_stage(
    person, officer, wali, head, bapas, pk
):
    proposal = actions.start_proposal(inmate=person, right=Right.PB, sdp_reference="PB-77", by=wali)
    actions.transition(proposal=proposal, to_stage=Stage.DOCUMENTS, by=wali)
    add_checklist(proposal, by=wali)
    actions.transition(proposal=proposal, to_stage=Stage.LITMAS, facts={"bapas": bapas}, by=wali)
    LitmasRequest.objects.filter(proposal=proposal).update(
        status=LitmasStatus.SUBMITTED, officer=pk, submitted_on=proposal.facility.today()
    )
    actions.transition(proposal=proposal, to_stage=Stage.TPP, by=officer)
    recommend(Proposal.objects.get(pk=proposal.pk))
    today = proposal.facility.today()
    actions.transition(
        proposal=proposal,
        to_stage=Stage.SENT,
        facts={"sent_to": SentTo.KANWIL, "sent_reference": "W.29-123", "sent_on": today},
        by=head,
    )
    actions.transition(
        proposal=proposal,
        to_stage=Stage.GRANTED,
        facts={"sk_number": "SK-1", "sk_date": today},
        by=head,
    )
    done = actions.transition(proposal=proposal, to_stage=Stage.RELEASED, by=officer)
    assert done.stage == Stage.RELEASED
    assert [e.to_stage for e in done.events.all()] == [
        Stage.ELIGIBLE,
        Stage.DOCUMENTS,
        Stage.LITMAS,
        Stage.TPP,
        Stage.SENT,
        Stage.GRANTED,
        Stage.RELEASED,
    ]
    assert Release.objects.get(inmate=person).bapas == bapas


def test_asking_for_the_litmas_notifies_the_bapas_pk(
    person, officer, bapas, pk, django_capture_on_commit_callbacks
):
    from sinergi.accounts.models import Notification

    proposal = at_stage(make_proposal(person), Stage.DOCUMENTS)
    add_checklist(proposal)
    with django_capture_on_commit_callbacks(execute=True):
        actions.transition(
            proposal=proposal, to_stage=Stage.LITMAS, facts={"bapas": bapas}, by=officer
        )
    assert Notification.objects.filter(user=pk).exists()
