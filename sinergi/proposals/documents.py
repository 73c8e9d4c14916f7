"""The documents of the proposal pipeline as PDFs on the facility's letterhead: the
minutes of a sidang TPP (berita acara), the proposal letter to the Kanwil or the
Directorate General with its attachments list, and the Litmas request letter to a Bapas.

Each carries the facility's letterhead and signatory for its kind
(:func:`sinergi.orgs.letterhead.document_context`; the minutes are signed by the chair
of the meeting when one is recorded). Each ``*_context`` function gathers what its
template shows (tests read it, the pages render it); :func:`sinergi.core.pdf.render_pdf`
makes the PDF, as for every other document.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.accounts.queries import head_of
from sinergi.core.pdf import render_pdf
from sinergi.inmates.choices import CrimeCategory
from sinergi.orgs.letterhead import Signature, document_context
from sinergi.orgs.models import DocumentKind as Printed
from sinergi.proposals.choices import (
    CHECKLIST,
    DocumentKind,
    LitmasStatus,
    Recommendation,
    SentTo,
)
from sinergi.proposals.models import (
    LitmasRequest,
    Proposal,
    ProposalDocument,
    TppDecision,
    TppMeeting,
)
from sinergi.proposals.tpp_actions import member_lines

MINUTES_TEMPLATE = "proposals/tpp_minutes_pdf.html"
PROPOSAL_LETTER_TEMPLATE = "proposals/tpp_proposal_letter_pdf.html"
LITMAS_LETTER_TEMPLATE = "proposals/litmas_letter_pdf.html"


def destination_of(proposal: Proposal) -> str:
    """Where a proposal is sent: where it was sent, else the Directorate General for a
    special crime (narcotics, terrorism, corruption, …) and the Kanwil otherwise."""
    if proposal.sent_to:
        return proposal.sent_to
    sentence = getattr(proposal.inmate, "sentence", None)
    category = getattr(sentence, "crime_category", CrimeCategory.GENERAL)
    return SentTo.KANWIL if category == CrimeCategory.GENERAL else SentTo.DITJENPAS


def _letterhead(
    facility: Any,
    kind: str,
    *,
    date: datetime.date | None,
    number: str = "",
    signature: Signature | None = None,
) -> dict[str, Any]:
    return {
        "facility": facility,
        "region": facility.region,
        **document_context(
            facility,
            kind,
            date=date,
            number=number,
            signature=signature,
            fallback_name="" if signature else head_of(facility),
        ),
    }


def _chair_signature(meeting: TppMeeting) -> Signature | None:
    """The chair of a sidang TPP signs its minutes, with their NIP."""
    chair = meeting.chair
    if chair is None:
        return None
    return Signature(name=chair.get_full_name(), nip=chair.nip, title=_("Chair of the TPP"))


def _latest_litmas(proposal_ids: list[int]) -> dict[int, LitmasRequest]:
    """The Litmas of each proposal: the submitted one, else the latest asked."""
    found: dict[int, LitmasRequest] = {}
    rows = (
        LitmasRequest.objects.filter(proposal_id__in=proposal_ids)
        .exclude(status=LitmasStatus.CANCELLED)
        .select_related("bapas", "officer")
        .order_by("proposal_id", "-status", "-requested_on", "-id")  # submitted first
    )
    for row in rows:
        found.setdefault(row.proposal_id, row)
    return found


def _decisions(meeting: TppMeeting) -> list[TppDecision]:
    return list(
        meeting.decisions.select_related(
            "proposal__inmate__sentence", "proposal__facility"
        ).order_by("proposal__inmate__name", "id")
    )


def minutes_context(meeting: TppMeeting) -> dict[str, Any]:
    """The minutes (berita acara) of a sidang TPP: when, where, who sat, and the board's
    recommendation on each person, with the Litmas it had."""
    decisions = _decisions(meeting)
    litmas = _latest_litmas([d.proposal_id for d in decisions])
    rows = [{"decision": d, "litmas": litmas.get(d.proposal_id)} for d in decisions]
    counts = {
        value: sum(1 for d in decisions if d.recommendation == value)
        for value in Recommendation.values
    }
    return {
        **_letterhead(
            meeting.facility,
            Printed.TPP_MINUTES,
            date=meeting.held_on,
            number=meeting.minutes_number,
            signature=_chair_signature(meeting),
        ),
        "meeting": meeting,
        "members": member_lines(meeting.members),
        "rows": rows,
        "counts": [(Recommendation(v).label, n) for v, n in counts.items()],
        "printed": timezone.localtime(),
    }


def render_minutes(meeting: TppMeeting, request: HttpRequest | None = None) -> bytes:
    return render_pdf(MINUTES_TEMPLATE, minutes_context(meeting), request)


# The attachments' order: the checklist's, then the Litmas, the minutes, the SK, others.
KIND_ORDER = {
    kind: index
    for index, kind in enumerate(
        [*CHECKLIST, *(k for k in DocumentKind.values if k not in CHECKLIST)]
    )
}


def _dossier(proposal_ids: list[int]) -> dict[int, list[ProposalDocument]]:
    """Each proposal's documents in the checklist's order (then received, oldest first)."""
    found: dict[int, list[ProposalDocument]] = defaultdict(list)
    rows = ProposalDocument.objects.filter(proposal_id__in=proposal_ids)
    ordered = sorted(
        rows,
        key=lambda d: (
            d.proposal_id,
            KIND_ORDER.get(d.kind, len(KIND_ORDER)),
            d.received_on,
            d.id,
        ),
    )
    for document in ordered:
        found[document.proposal_id].append(document)
    return found


def recommended(meeting: TppMeeting, sent_to: str) -> list[TppDecision]:
    """The proposals the meeting recommended that go to ``sent_to``."""
    return [
        d
        for d in _decisions(meeting)
        if d.recommendation == Recommendation.RECOMMENDED and destination_of(d.proposal) == sent_to
    ]


def destinations(meeting: TppMeeting) -> list[tuple[str, Any, int]]:
    """(value, label, how many) for each destination with a recommended proposal."""
    counts: dict[str, int] = defaultdict(int)
    for d in _decisions(meeting):
        if d.recommendation == Recommendation.RECOMMENDED:
            counts[destination_of(d.proposal)] += 1
    return [(value, SentTo(value).label, counts[value]) for value in SentTo.values if counts[value]]


def proposal_letter_context(
    meeting: TppMeeting, sent_to: str, today: datetime.date | None = None
) -> dict[str, Any]:
    """The letter proposing the people ``meeting`` recommended to the Kanwil (general
    crimes) or the Directorate General (special crimes), with the attachments list: per
    person, the dossier's documents, the Litmas and these minutes."""
    decisions = recommended(meeting, sent_to)
    ids = [d.proposal_id for d in decisions]
    litmas = _latest_litmas(ids)
    dossier = _dossier(ids)
    rows: list[dict[str, Any]] = []
    for d in decisions:
        documents = dossier.get(d.proposal_id, [])
        kinds = {doc.kind for doc in documents}
        attachments = [str(doc.get_kind_display()) for doc in documents]
        if DocumentKind.TPP_MINUTES not in kinds:
            attachments.append(str(DocumentKind.TPP_MINUTES.label))
        rows.append(
            {
                "proposal": d.proposal,
                "sentence": getattr(d.proposal.inmate, "sentence", None),
                "litmas": litmas.get(d.proposal_id),
                "attachments": attachments,
            }
        )
    references = {d.proposal.sent_reference for d in decisions if d.proposal.sent_reference}
    reference = references.pop() if len(references) == 1 else ""
    today = today or meeting.facility.today()
    return {
        **_letterhead(meeting.facility, Printed.PROPOSAL_LETTER, date=today, number=reference),
        "meeting": meeting,
        "sent_to": sent_to,
        "to_kanwil": sent_to == SentTo.KANWIL,
        "rows": rows,
        "attachment_count": sum(len(r["attachments"]) for r in rows),
        "head_name": head_of(meeting.facility),
        "reference": reference,
        "today": today,
        "printed": timezone.localtime(),
    }


def render_proposal_letter(
    meeting: TppMeeting, sent_to: str, request: HttpRequest | None = None
) -> bytes:
    return render_pdf(PROPOSAL_LETTER_TEMPLATE, proposal_letter_context(meeting, sent_to), request)


def litmas_letter_context(litmas: LitmasRequest) -> dict[str, Any]:
    """The facility's letter asking a Bapas for a Litmas: the person, the sentence, the
    right proposed and the date the Litmas is due."""
    proposal = litmas.proposal
    return {
        **_letterhead(proposal.facility, Printed.LITMAS_LETTER, date=litmas.requested_on),
        "litmas": litmas,
        "proposal": proposal,
        "inmate": proposal.inmate,
        "sentence": getattr(proposal.inmate, "sentence", None),
        "bapas": litmas.bapas,
        "head_name": head_of(proposal.facility),
        "printed": timezone.localtime(),
    }


def render_litmas_letter(litmas: LitmasRequest, request: HttpRequest | None = None) -> bytes:
    return render_pdf(LITMAS_LETTER_TEMPLATE, litmas_letter_context(litmas), request)
