"""Factories and helpers for proposals: a person eligible for a right at a facility, a
proposal at any stage, a PDF upload, a Bapas with its own PK."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from sinergi.core.roles import Role
from sinergi.inmates.choices import Right, RightStatus
from sinergi.inmates.models import Inmate, InmateRight
from sinergi.orgs.models import Facility, FacilityKind
from sinergi.proposals.choices import CHECKLIST, LitmasStatus, Recommendation, Stage
from sinergi.proposals.models import (
    LitmasRequest,
    Proposal,
    ProposalDocument,
    ProposalEvent,
    TppDecision,
    TppMeeting,
)
from tests.factories import FacilityFactory, MembershipFactory, UserFactory
from tests.inmates.factories import make_inmate

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "dokumen.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def eligible_person(
    facility: Facility, *, right: str = Right.PB, eligible_from: datetime.date | None = None
) -> Inmate:
    """A person in custody at ``facility`` whom the engine finds eligible for ``right``
    (the right's row set as the engine would leave it, on ``eligible_from``)."""
    # Detained a year and a half ago for 3 years: still to serve, whatever today is (a
    # fixed 2024 start would put the release day in the past as the calendar moves on).
    start = facility.today() - datetime.timedelta(days=540)
    inmate = make_inmate(facility=facility, detention_start=start, term_years=3)
    InmateRight.objects.update_or_create(
        inmate=inmate,
        right=right,
        defaults={
            "status": RightStatus.ELIGIBLE,
            "eligible_from": eligible_from or facility.today() - datetime.timedelta(days=3),
        },
    )
    return inmate


def other_bapas_pk() -> Any:
    """A probation officer (PK) of another Bapas than the demo's."""
    bapas = FacilityFactory(kind=FacilityKind.BAPAS, code="bapas-lain")
    return MembershipFactory(role=Role.PROBATION_OFFICER, facility=bapas).user


def add_checklist(proposal: Proposal, by: Any = None) -> None:
    for kind in CHECKLIST:
        ProposalDocument.objects.create(
            proposal=proposal,
            kind=kind,
            file=pdf(),
            received_on=proposal.stage_since,
            uploaded_by=by,
        )


def submit_litmas(proposal: Proposal) -> LitmasRequest:
    request = proposal.litmas_requests.get()
    request.status = LitmasStatus.SUBMITTED
    request.submitted_on = request.requested_on
    request.save()
    return request


def recommend(proposal: Proposal, recommendation: str = Recommendation.RECOMMENDED) -> TppDecision:
    meeting = TppMeeting.objects.create(
        facility=proposal.facility, held_on=proposal.stage_since, place="Aula"
    )
    return TppDecision.objects.create(
        meeting=meeting, proposal=proposal, recommendation=recommendation
    )


def at_stage(proposal: Proposal, stage: str, **fields: Any) -> Proposal:
    """Put ``proposal`` at ``stage`` directly (a fixture, not a move)."""
    Proposal.objects.filter(pk=proposal.pk).update(stage=stage, **fields)
    proposal.refresh_from_db()
    return proposal


def make_proposal(
    inmate: Inmate,
    *,
    right: str = Right.PB,
    stage: str = Stage.ELIGIBLE,
    by: Any = None,
    **fields: Any,
) -> Proposal:
    today = inmate.facility.today()
    proposal = Proposal.objects.create(
        inmate=inmate,
        facility=inmate.facility,
        right=right,
        stage=stage,
        stage_since=fields.pop("stage_since", today),
        eligible_on=fields.pop("eligible_on", today - datetime.timedelta(days=3)),
        created_by=by,
        **fields,
    )
    ProposalEvent.objects.create(proposal=proposal, to_stage=stage, on=proposal.stage_since)
    return proposal


__all__ = ["UserFactory"]
