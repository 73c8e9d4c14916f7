"""A person's proposals are theirs (UU 27/2022): the export finds them with their
events, documents, Litmas and TPP decisions, and retention empties the free texts and
the documents (records and history) once the person's reintegration data is due."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from sinergi.privacy import actions as privacy_actions
from sinergi.privacy import queries as privacy_queries
from sinergi.proposals.choices import Stage
from sinergi.proposals.models import LitmasRequest, Proposal, ProposalDocument, ProposalEvent
from sinergi.reintegration.models import Release
from tests.privacy.world import build_person
from tests.proposals.factories import make_proposal, pdf, recommend

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(demo_world):
    person = build_person(name="Lalu Usulan Lama")
    proposal = make_proposal(
        person.inmate,
        stage=Stage.REFUSED,
        refusal_reason="Penjamin Lalu Usulan Lama tidak hadir",
    )
    ProposalEvent.objects.filter(proposal=proposal).update(note="Catatan tentang keluarga")
    ProposalDocument.objects.create(
        proposal=proposal, kind="guarantor_letter", file=pdf(), received_on=timezone.localdate()
    )
    from sinergi.orgs.models import Facility

    LitmasRequest.objects.create(
        proposal=proposal,
        bapas=Facility.objects.get(code="bapas-mataram"),
        requested_on=timezone.localdate(),
        due_on=timezone.localdate(),
        recommendation="Keluarga mendukung",
    )
    recommend(proposal)
    return proposal


def test_the_export_finds_the_persons_proposals(proposal):
    found = privacy_queries.collect(proposal.inmate)
    assert {
        "proposals.Proposal",
        "proposals.ProposalEvent",
        "proposals.ProposalDocument",
        "proposals.LitmasRequest",
        "proposals.TppDecision",
    } <= set(found.records)


def test_retention_empties_the_proposals_texts_and_documents(proposal):
    long_ago = timezone.localdate() - datetime.timedelta(days=11 * 366)
    Release.objects.filter(inmate=proposal.inmate).update(released_on=long_ago)
    privacy_actions.apply_retention(by=None, apply=True)
    proposal = Proposal.objects.get(pk=proposal.pk)
    assert proposal.refusal_reason == ""
    assert proposal.stage == Stage.REFUSED  # the stage and dates stay: the figures hold
    assert not proposal.history.exclude(refusal_reason="").exists()
    assert ProposalEvent.objects.get(proposal=proposal).note == ""
    assert ProposalDocument.objects.get(proposal=proposal).file.name == ""
    assert LitmasRequest.objects.get(proposal=proposal).recommendation == ""
