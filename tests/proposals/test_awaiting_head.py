"""After the sidang TPP only the head sends a proposal on: the move to the TPP stage
tells the facility's head (once, not the one who moved it, nobody elsewhere). Issue 16."""

from __future__ import annotations

import pytest

from sinergi.accounts.models import Notification, User
from sinergi.inmates.models import Inmate
from sinergi.proposals import actions
from sinergi.proposals.choices import Stage
from tests.proposals.factories import make_proposal
from tests.proposals.moves import prepare

pytestmark = pytest.mark.django_db


def _awaiting(username: str) -> list[Notification]:
    return list(
        Notification.objects.filter(
            user__username=username, key__startswith="proposal:", key__endswith=":awaiting-head"
        )
    )


def test_the_tpp_stage_tells_the_head_to_send_it(person: Inmate, officer: User) -> None:
    proposal = make_proposal(person)
    prepare(proposal, Stage.LITMAS, Stage.TPP)
    actions.transition(proposal=proposal, to_stage=Stage.TPP, by=officer)
    (note,) = _awaiting("kalapas.selong")
    assert person.name in note.title
    assert note.url == proposal.get_absolute_url()
    assert not _awaiting("petugas.selong")
    assert not _awaiting("petugas.lobar") and not _awaiting("kanwil.ntb")


def test_a_litmas_request_does_not_tell_the_head(person: Inmate, officer: User) -> None:
    proposal = make_proposal(person)
    facts = prepare(proposal, Stage.DOCUMENTS, Stage.LITMAS)
    actions.transition(proposal=proposal, to_stage=Stage.LITMAS, facts=facts, by=officer)
    assert not _awaiting("kalapas.selong")
