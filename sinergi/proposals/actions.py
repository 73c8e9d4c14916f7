"""The proposal stage machine: every write on a proposal, atomic, attributed (``by=``),
audited, with one ``ProposalEvent`` per move.

The allowed moves are :data:`TRANSITIONS` (from stage, to stage) → the permission of
``rules.py`` that owns the move. A move the map does not hold is a
:class:`~sinergi.cooperation.actions.RequestConflict` (HTTP 409) naming the moves allowed
from the current stage; a move held by someone else is a ``PermissionDenied`` (403); a
missing or bad fact (an SK number, a date) is a ``ValidationError`` at its field (422);
a dossier not complete, a Litmas not submitted or a TPP that did not recommend is a
``RequestConflict`` (409) saying what is missing (:func:`blocker`, the one place of those
conditions) with the moves that would succeed.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sinergi.cooperation.actions import RequestConflict
from sinergi.cooperation.validators import validate_evidence
from sinergi.core import audit
from sinergi.core.errors import Conflict
from sinergi.core.permissions import has_perm, require_perm
from sinergi.inmates.choices import InmateStatus, Right, RightStatus
from sinergi.inmates.models import Inmate, InmateRight
from sinergi.orgs.models import Facility, FacilityKind
from sinergi.programs.days_off import days_off
from sinergi.proposals import clocks
from sinergi.proposals.choices import (
    CHECKLIST,
    CMK_LEAVE_DAYS,
    OPEN_STAGES,
    DocumentKind,
    LitmasStatus,
    Recommendation,
    SentTo,
    Stage,
)
from sinergi.proposals.models import (
    MAX_REFERENCE,
    LitmasRequest,
    Proposal,
    ProposalDocument,
    ProposalEvent,
    TppDecision,
)
from sinergi.proposals.rules import release_day_reached

S = Stage
GATHER = "proposals.gather"
SEND = "proposals.send"
DECIDE = "proposals.decide"
RELEASE = "proposals.release"
WITHDRAW = "proposals.withdraw"

# (from stage, to stage) -> the permission (rules.py) of whoever makes the move.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.ELIGIBLE, S.DOCUMENTS): GATHER,
    (S.DOCUMENTS, S.LITMAS): GATHER,
    (S.LITMAS, S.TPP): GATHER,
    (S.TPP, S.SENT): SEND,
    (S.SENT, S.GRANTED): DECIDE,
    (S.SENT, S.REFUSED): DECIDE,
    (S.GRANTED, S.RELEASED): RELEASE,
    (S.GRANTED, S.LEAVE_TAKEN): RELEASE,
    **{(stage, S.WITHDRAWN): WITHDRAW for stage in OPEN_STAGES},
}
# The end of a granted right depends on the right: a release on the SK for PB, CB, CMB
# and asimilasi; for CMK (a home leave: the person stays in custody) the leave taken.
# A stage not named here is a move of every right.
ONLY_FOR_RIGHTS: dict[str, frozenset[str]] = {
    S.RELEASED: frozenset({Right.PB, Right.CB, Right.CMB, Right.ASIMILASI}),
    S.LEAVE_TAKEN: frozenset({Right.CMK}),
}

# The facts a move needs (each a field error when missing), and those it may take.
REQUIRED_FACTS: dict[str, tuple[str, ...]] = {
    S.LITMAS: ("bapas",),
    S.SENT: ("sent_to", "sent_reference", "sent_on"),
    S.GRANTED: ("sk_number", "sk_date"),
    S.REFUSED: ("refusal_reason",),
    S.WITHDRAWN: ("reason",),
    S.LEAVE_TAKEN: ("left_on",),
}
OPTIONAL_FACTS: dict[str, tuple[str, ...]] = {
    S.LITMAS: ("due_on",),
    S.RELEASED: ("released_on",),
    # One of the two: the day the person came back, or that they did not.
    S.LEAVE_TAKEN: ("returned_on", "not_returned"),
}
COMMON_FACTS = ("on", "note", "document")
# The fact that dates a move (its event's day and the new stage's start); "on" otherwise.
DATE_FACT: dict[str, str] = {
    S.SENT: "sent_on",
    S.GRANTED: "sk_date",
    S.RELEASED: "released_on",
    S.LEAVE_TAKEN: "left_on",
}

MAX_NOTE = 2_000
# Working days a Bapas is given for a Litmas when the request names no due date.
LITMAS_WORKING_DAYS = 12
# The release a granted right records (CMK is a leave, not a release: none is recorded).
RELEASE_KIND: dict[str, str] = {
    Right.PB: "pb",
    Right.CB: "cb",
    Right.CMB: "cmb",
    Right.ASIMILASI: "asimilasi",
}

# Moves recorded from an SDP export (``sdp_import.py``), ``transition(source=SDP)``: SDP
# is the registry of record, so a step done there (sidang TPP, sent, decided) is recorded
# though Sinergi's own preconditions for it (checklist, Litmas, TPP recommendation) are
# not met in Sinergi, and straight from any earlier open stage: forward only, to one of
# ``SDP_STAGES``, by whoever may import for the facility (``IMPORT_SDP``). A move made in
# Sinergi (``source=""``) keeps :data:`TRANSITIONS` and :func:`blocker` unchanged.
SDP = "sdp"
IMPORT_SDP = "proposals.import_sdp"
SDP_STAGES: tuple[str, ...] = (S.TPP, S.SENT, S.GRANTED, S.REFUSED)
# The steps recorded from SDP that only the head records in Sinergi too (sending,
# deciding): ``transition(source=SDP)`` to them asks the head's permission as well.
SDP_HEAD_PERMS: dict[str, str] = {S.SENT: SEND, S.GRANTED: DECIDE, S.REFUSED: DECIDE}
# How far along each stage is (granted and refused are the same step: the decision).
STAGE_RANK: dict[str, int] = {
    S.ELIGIBLE: 0,
    S.DOCUMENTS: 1,
    S.LITMAS: 2,
    S.TPP: 3,
    S.SENT: 4,
    S.GRANTED: 5,
    S.REFUSED: 5,
    S.RELEASED: 6,
    S.LEAVE_TAKEN: 6,
    S.WITHDRAWN: 6,
}


def sdp_move_allowed(from_stage: str, to_stage: str) -> bool:
    """A step recorded in SDP may be recorded from ``from_stage``: forward, never out of a
    closed proposal."""
    return (
        to_stage in SDP_STAGES
        and from_stage in OPEN_STAGES
        and STAGE_RANK[to_stage] > STAGE_RANK[from_stage]
    )


PERMISSION_MESSAGES = {
    GATHER: gettext_lazy("Only the facility's staff move a proposal through its facility stages."),
    SEND: gettext_lazy("Only the head of the facility sends a proposal."),
    DECIDE: gettext_lazy("Only the head of the facility records the decision."),
    RELEASE: gettext_lazy("Only program officers and heads record a release or a leave taken."),
    WITHDRAW: gettext_lazy("Only program officers and heads withdraw a proposal."),
    IMPORT_SDP: gettext_lazy("Only program officers and heads import from SDP."),
}


def _check(errors: Mapping[str, list[str]]) -> None:
    found = {field: messages for field, messages in errors.items() if messages}
    if found:
        raise ValidationError(found)


def facts_of(to_stage: str) -> tuple[str, ...]:
    """Every fact a move to ``to_stage`` takes (required first)."""
    return (*REQUIRED_FACTS.get(to_stage, ()), *OPTIONAL_FACTS.get(to_stage, ()), *COMMON_FACTS)


def moves_from(stage: str, right: str | None = None) -> list[str]:
    """The stages the map allows from ``stage`` (whoever may make them); for a proposal
    of ``right``, only the moves of that right (:data:`ONLY_FOR_RIGHTS`)."""
    return [
        to
        for (frm, to) in TRANSITIONS
        if frm == stage and (right is None or right in ONLY_FOR_RIGHTS.get(to, (right,)))
    ]


def _permission(proposal: Proposal, to_stage: str) -> str | None:
    """The permission of the move of ``proposal`` to ``to_stage``; None when the map (for
    the proposal's right) has no such move."""
    if to_stage not in moves_from(proposal.stage, proposal.right):
        return None
    return TRANSITIONS[(proposal.stage, to_stage)]


def may_move(user: Any, proposal: Proposal, to_stage: str) -> bool:
    perm = _permission(proposal, to_stage)
    return perm is not None and has_perm(user, perm, proposal)


def allowed_moves(proposal: Proposal, user: Any) -> list[str]:
    """The moves ``user`` may make on ``proposal`` now and that would succeed (the
    page's buttons): the caller's moves whose precondition (:func:`blocker`) holds."""
    return [
        to
        for to in moves_from(proposal.stage, proposal.right)
        if may_move(user, proposal, to) and blocker(proposal, to) is None
    ]


def blocked_moves(proposal: Proposal, user: Any) -> list[tuple[str, str, str]]:
    """The caller's moves from the current stage that a missing condition blocks, as
    ``(to_stage, reason_code, message)``: shown disabled with the reason, never offered."""
    found = []
    for to in moves_from(proposal.stage, proposal.right):
        if may_move(user, proposal, to):
            reason = blocker(proposal, to)
            if reason is not None:
                found.append((to, *reason))
    return found


def default_sent_to(proposal: Proposal) -> str:
    """Where the proposal usually goes: the Kanwil decides for general crimes, the
    Directorate General for special crimes (the page's suggestion; the head chooses)."""
    from sinergi.inmates.choices import CrimeCategory

    sentence = getattr(proposal.inmate, "sentence", None)
    category = getattr(sentence, "crime_category", CrimeCategory.GENERAL)
    return SentTo.KANWIL if category == CrimeCategory.GENERAL else SentTo.DITJENPAS


def missing_documents(proposal: Proposal) -> list[str]:
    """The kinds of the dossier's checklist not yet received."""
    have = set(proposal.documents.values_list("kind", flat=True))
    return [kind for kind in CHECKLIST if kind not in have]


def _today(proposal: Proposal) -> datetime.date:
    return proposal.facility.today()


def _day(value: datetime.date) -> str:
    """A date written the page's way (``DATE_FORMAT`` of the active language)."""
    return str(date_format(value, "DATE_FORMAT"))


def _date_errors(
    value: Any, *, earliest: datetime.date | None, latest: datetime.date, required: bool = True
) -> list[str]:
    if value is None:
        return [_("Give a date (YYYY-MM-DD).")] if required else []
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        return [_("Give a date (YYYY-MM-DD).")]
    if earliest is not None and value < earliest:
        return [_("The date cannot be before %(day)s.") % {"day": _day(earliest)}]
    if value > latest:
        return [_("The date cannot be after %(day)s.") % {"day": _day(latest)}]
    return []


def _text_errors(value: Any, *, limit: int, required: bool) -> list[str]:
    text = (value or "").strip() if isinstance(value, str) else value
    if text is not None and not isinstance(text, str):
        return [_("Give a text.")]
    if required and not text:
        return [_("This field is required.")]
    if text and len(text) > limit:
        return [_("At most %(n)s characters.") % {"n": limit}]
    return []


# --- starting a proposal --------------------------------------------------------------


def eligible_right(inmate: Inmate, right: str) -> InmateRight | None:
    """The engine's result for ``right`` if it makes the person eligible (a date)."""
    return InmateRight.objects.filter(
        inmate=inmate, right=right, status=RightStatus.ELIGIBLE, eligible_from__isnull=False
    ).first()


@transaction.atomic
def start_proposal(
    *,
    inmate: Inmate,
    right: str,
    by: Any,
    sdp_reference: str = "",
    on: datetime.date | None = None,
) -> Proposal:
    """Start a proposal for ``right`` of ``inmate`` at "eligible": the person is in
    custody, the engine found the right eligible (with its date, which the proposal
    keeps), and no other proposal for the same right is open. ``sdp_reference`` is the
    proposal's number in SDP, so nobody types it twice."""
    require_perm(
        by,
        "proposals.start_proposal",
        inmate,
        message=_("Only the facility's staff start a proposal."),
    )
    inmate = Inmate.objects.select_for_update().select_related("facility").get(pk=inmate.pk)
    if inmate.status != InmateStatus.IN_CUSTODY:
        raise Conflict(_("Only a person in custody is proposed."), code="not_in_custody")
    if release_day_reached(inmate):
        raise Conflict(
            _(
                "This person's release day has come: record the release (or correct the "
                "sentence) instead of proposing a right."
            ),
            code="release_day_reached",
        )
    today = inmate.facility.today()
    errors: dict[str, list[str]] = {
        "right": [] if right in Right.values else [_("Choose a right of the list.")],
        "sdp_reference": _text_errors(sdp_reference, limit=MAX_REFERENCE, required=False),
        "on": _date_errors(on, earliest=None, latest=today, required=False),
    }
    _check(errors)
    found = eligible_right(inmate, right)
    if found is None or found.eligible_from is None:
        raise ValidationError(
            {"right": [_("The sentence calculation does not make this person eligible for it.")]}
        )
    if Proposal.objects.open().filter(inmate=inmate, right=right).exists():
        raise Conflict(
            _("A proposal for this right is already open."), code="proposal_already_open"
        )
    started = on or today
    try:
        with transaction.atomic():
            proposal = Proposal.objects.create(
                inmate=inmate,
                facility=inmate.facility,
                right=right,
                stage=S.ELIGIBLE,
                stage_since=started,
                eligible_on=found.eligible_from,
                sdp_reference=(sdp_reference or "").strip(),
                created_by=by,
            )
    except IntegrityError:  # another start won the race: the open-proposal constraint
        raise Conflict(
            _("A proposal for this right is already open."), code="proposal_already_open"
        ) from None
    ProposalEvent.objects.create(
        proposal=proposal, from_stage="", to_stage=S.ELIGIBLE, on=started, by=by
    )
    audit.record(
        "proposal.create",
        by=by,
        target=proposal,
        facility=proposal.facility_id,
        changes={
            "inmate": inmate.pk,
            "right": right,
            "eligible_on": found.eligible_from,
            "sdp_reference": proposal.sdp_reference,
        },
    )
    return proposal


@transaction.atomic
def set_sdp_reference(*, proposal: Proposal, sdp_reference: str, by: Any) -> Proposal:
    """Record (or correct) the proposal's number in SDP."""
    require_perm(by, GATHER, proposal, message=PERMISSION_MESSAGES[GATHER])
    _check({"sdp_reference": _text_errors(sdp_reference, limit=MAX_REFERENCE, required=False)})
    previous = proposal.sdp_reference
    proposal.sdp_reference = (sdp_reference or "").strip()
    proposal.save(update_fields=["sdp_reference", "updated_at"])
    audit.record(
        "proposal.reference",
        by=by,
        target=proposal,
        facility=proposal.facility_id,
        changes={"sdp_reference": [previous, proposal.sdp_reference]},
    )
    return proposal


# --- the dossier ----------------------------------------------------------------------


@transaction.atomic
def add_document(
    *,
    proposal: Proposal,
    kind: str,
    file: Any,
    by: Any,
    received_on: datetime.date | None = None,
    note: str = "",
) -> ProposalDocument:
    """Keep a document of the dossier (a PDF, JPEG or PNG checked by its content): the
    facility's staff, while the proposal is open."""
    require_perm(by, GATHER, proposal, message=PERMISSION_MESSAGES[GATHER])
    if not proposal.is_open:
        raise Conflict(_("This proposal is closed."), code="proposal_closed")
    today = _today(proposal)
    errors: dict[str, list[str]] = {
        "kind": [] if kind in DocumentKind.values else [_("Choose a kind of the list.")],
        "received_on": _date_errors(received_on, earliest=None, latest=today, required=False),
        "note": _text_errors(note, limit=300, required=False),
        "file": [],
    }
    if file is None:
        errors["file"].append(_("Choose a file."))
    else:
        try:
            validate_evidence(file)
        except ValidationError as exc:
            errors["file"] += [str(m) for m in exc.messages]
    _check(errors)
    document = ProposalDocument.objects.create(
        proposal=proposal,
        kind=kind,
        file=file,
        received_on=received_on or today,
        note=(note or "").strip(),
        uploaded_by=by,
    )
    audit.record(
        "proposal.document.add",
        by=by,
        target=proposal,
        facility=proposal.facility_id,
        changes={"document": document.pk, "kind": kind, "file": document.file.name},
    )
    return document


# --- the moves ------------------------------------------------------------------------


def _refuse(proposal: Proposal, to_stage: str) -> RequestConflict:
    allowed = moves_from(proposal.stage, proposal.right)
    labels = ", ".join(str(S(a).label) for a in allowed) or "—"
    return RequestConflict(
        _("A proposal at “%(stage)s” cannot move to “%(to)s”. Allowed: %(allowed)s.")
        % {
            "stage": proposal.get_stage_display(),
            "to": S(to_stage).label if to_stage in S.values else to_stage,
            "allowed": labels,
        },
        allowed=allowed,
    )


def last_recommendation(proposal: Proposal) -> str | None:
    """The sidang TPP's latest recommendation on ``proposal`` (None before any)."""
    found: str | None = (
        TppDecision.objects.filter(proposal=proposal)
        .order_by("-meeting__held_on", "-id")
        .values_list("recommendation", flat=True)
        .first()
    )
    return found


def blocker(proposal: Proposal, to_stage: str) -> tuple[str, str] | None:
    """What the proposal still lacks for the move to ``to_stage``, as ``(reason_code,
    message)``, or None when nothing is missing. The one place of these conditions: the
    move refuses with them (409) and the listings show the move blocked with them."""
    if to_stage == S.LITMAS:
        missing = missing_documents(proposal)
        if missing:
            return (
                "checklist_incomplete",
                _("The dossier is not complete. Missing: %(kinds)s.")
                % {"kinds": ", ".join(str(DocumentKind(k).label) for k in missing)},
            )
    elif (
        to_stage == S.TPP
        and not proposal.litmas_requests.filter(status=LitmasStatus.SUBMITTED).exists()
    ):
        return ("litmas_not_submitted", _("The Bapas has not submitted the Litmas yet."))
    elif to_stage == S.SENT and last_recommendation(proposal) != Recommendation.RECOMMENDED:
        return ("not_recommended", _("The sidang TPP has not recommended this proposal."))
    return None


def _preconditions(proposal: Proposal, to_stage: str, by: Any) -> None:
    """What the proposal must hold before the move (409 saying what is missing, with the
    moves that would succeed for ``by``)."""
    reason = blocker(proposal, to_stage)
    if reason is not None:
        code, message = reason
        raise RequestConflict(message, allowed=allowed_moves(proposal, by), code=code)


def check_sdp_move(*, proposal: Proposal, to_stage: str, facts: Mapping[str, Any]) -> None:
    """What :func:`transition` with ``source=SDP`` would refuse of this move, whoever makes
    it (the import's preview by an officer of a step only the head records): a move not
    allowed (409) or a fact missing or wrong (422). Writes nothing."""
    if not sdp_move_allowed(proposal.stage, to_stage):
        raise _refuse(proposal, to_stage)
    _check(_fact_errors(proposal, to_stage, dict(facts), _today(proposal)))


def _fact_errors(
    proposal: Proposal, to_stage: str, facts: Mapping[str, Any], today: datetime.date
) -> dict[str, list[str]]:
    known = set(facts_of(to_stage))
    errors: dict[str, list[str]] = {
        name: [_("This move does not take this field.")]
        for name, value in facts.items()
        if name not in known and value not in (None, "", False)
    }
    for name in REQUIRED_FACTS.get(to_stage, ()):
        if facts.get(name) in (None, ""):
            errors.setdefault(name, []).append(_("This field is required."))
    if errors:
        return errors
    since = proposal.stage_since
    date_name = DATE_FACT.get(to_stage, "on")
    latest = today + datetime.timedelta(days=1) if to_stage == S.RELEASED else today
    if to_stage == S.RELEASED:
        errors["released_on"] = _date_errors(
            facts.get("released_on") or proposal.sk_date, earliest=proposal.sk_date, latest=latest
        )
    else:
        errors[date_name] = _date_errors(
            facts.get(date_name), earliest=since, latest=latest, required=date_name != "on"
        )
    errors["note"] = _text_errors(facts.get("note"), limit=MAX_NOTE, required=False)
    document = facts.get("document")
    if document is not None and (
        not isinstance(document, ProposalDocument) or document.proposal_id != proposal.pk
    ):
        errors["document"] = [_("Choose a document of this proposal.")]
    if to_stage == S.LITMAS:
        bapas = facts.get("bapas")
        if (
            not isinstance(bapas, Facility)
            or bapas.kind != FacilityKind.BAPAS
            or not bapas.is_active
        ):
            errors["bapas"] = [_("Choose an active Bapas.")]
        on = facts.get("on") or today
        errors["due_on"] = _date_errors(
            facts.get("due_on"),
            earliest=on if isinstance(on, datetime.date) else None,
            latest=datetime.date(2100, 12, 31),
            required=False,
        )
    elif to_stage == S.SENT:
        errors["sent_to"] = (
            [] if facts.get("sent_to") in SentTo.values else [_("Choose the Kanwil or Ditjenpas.")]
        )
        errors["sent_reference"] = _text_errors(
            facts.get("sent_reference"), limit=MAX_REFERENCE, required=True
        )
    elif to_stage == S.GRANTED:
        errors["sk_number"] = _text_errors(
            facts.get("sk_number"), limit=MAX_REFERENCE, required=True
        )
    elif to_stage == S.REFUSED:
        errors["refusal_reason"] = _text_errors(
            facts.get("refusal_reason"), limit=MAX_NOTE, required=True
        )
    elif to_stage == S.WITHDRAWN:
        errors["reason"] = _text_errors(facts.get("reason"), limit=MAX_NOTE, required=True)
    elif to_stage == S.LEAVE_TAKEN and not errors.get("left_on"):
        errors |= _leave_errors(facts["left_on"], facts, today)
    return {name: found for name, found in errors.items() if found}


def _leave_errors(
    left_on: datetime.date, facts: Mapping[str, Any], today: datetime.date
) -> dict[str, list[str]]:
    """A home leave (CMK) is recorded once it is over: the day the person came back (not
    before they left, not after today), or that they did not come back, once the leave's
    last day (``CMK_LEAVE_DAYS`` after leaving) has passed. One of the two."""
    returned_on = facts.get("returned_on")
    not_returned = facts.get("not_returned") or False
    if not isinstance(not_returned, bool):
        return {"not_returned": [_("Give true or false.")]}
    if returned_on is not None and not_returned:
        return {
            "not_returned": [
                _("Give the day of the return, or that the person did not return: not both.")
            ]
        }
    if returned_on is None and not not_returned:
        return {
            "returned_on": [
                _("Give the day the person came back from the leave, or that they did not.")
            ]
        }
    if returned_on is not None:
        return {"returned_on": _date_errors(returned_on, earliest=left_on, latest=today)}
    due_back = left_on + datetime.timedelta(days=CMK_LEAVE_DAYS)
    if today <= due_back:
        return {
            "not_returned": [
                _("The leave lasts until %(day)s: the person is not late before then.")
                % {"day": _day(due_back)}
            ]
        }
    return {}


def _release(proposal: Proposal, released_on: datetime.date, by: Any) -> Any:
    """Record the release on the SK (reintegration's action: the same checks and audit as
    any release), handed over to the Bapas that wrote the Litmas."""
    from sinergi.reintegration import actions as reintegration

    kind = RELEASE_KIND.get(proposal.right)
    if kind is None:
        return None
    litmas = (
        proposal.litmas_requests.select_related("bapas", "officer")
        .exclude(status=LitmasStatus.CANCELLED)
        .order_by("-status", "-requested_on", "-id")  # "submitted" before "requested"
        .first()
    )
    values: dict[str, Any] = {
        "released_on": released_on,
        "kind": kind,
        # The release's legal basis: the decree that granted the right.
        "sk_number": proposal.sk_number,
        "sk_date": proposal.sk_date,
    }
    if litmas is not None:
        values["bapas"] = litmas.bapas
        if (
            litmas.officer_id is not None
            and reintegration.probation_officers(litmas.bapas).filter(pk=litmas.officer_id).exists()
        ):
            values["probation_officer"] = litmas.officer
    return reintegration.record_release(inmate=proposal.inmate, values=values, by=by)


@transaction.atomic
def transition(
    *,
    proposal: Proposal,
    to_stage: str,
    by: Any,
    facts: Mapping[str, Any] | None = None,
    source: str = "",
) -> Proposal:
    """Move ``proposal`` to ``to_stage`` with the move's ``facts`` (see
    :data:`REQUIRED_FACTS`; ``on`` dates the move, today when left out; ``note``;
    ``document``: one of the proposal's documents to show on the timeline).
    ``source=SDP``: a step recorded from an SDP export (see :data:`SDP_STAGES`)."""
    facts = dict(facts or {})
    proposal = (
        Proposal.objects.select_for_update()
        .select_related("inmate", "facility")
        .get(pk=proposal.pk)
    )
    if source == SDP:
        perm = IMPORT_SDP if sdp_move_allowed(proposal.stage, to_stage) else None
    else:
        perm = _permission(proposal, to_stage)
    if perm is None:
        raise _refuse(proposal, to_stage)
    require_perm(by, perm, proposal, message=PERMISSION_MESSAGES[perm])
    if source == SDP and to_stage in SDP_HEAD_PERMS:
        head = SDP_HEAD_PERMS[to_stage]
        require_perm(by, head, proposal, message=PERMISSION_MESSAGES[head])
    today = _today(proposal)
    _check(_fact_errors(proposal, to_stage, facts, today))
    if source != SDP:
        _preconditions(proposal, to_stage, by)

    previous = proposal.stage
    on: datetime.date = facts.get(DATE_FACT.get(to_stage, "on")) or today
    changed = ["stage", "stage_since", "updated_at"]
    if to_stage == S.SENT:
        proposal.sent_to = facts["sent_to"]
        proposal.sent_reference = facts["sent_reference"].strip()
        proposal.sent_on = on
        changed += ["sent_to", "sent_reference", "sent_on"]
    elif to_stage == S.GRANTED:
        proposal.sk_number = facts["sk_number"].strip()
        proposal.sk_date = on
        changed += ["sk_number", "sk_date"]
    elif to_stage == S.REFUSED:
        proposal.refusal_reason = facts["refusal_reason"].strip()
        changed += ["refusal_reason"]
    elif to_stage == S.WITHDRAWN:
        proposal.withdrawal_reason = facts["reason"].strip()
        changed += ["withdrawal_reason"]
    elif to_stage == S.RELEASED:
        on = facts.get("released_on") or proposal.sk_date or today
        proposal.released_on = on
        changed += ["released_on"]
    elif to_stage == S.LEAVE_TAKEN:
        # A home leave: the person stays in custody, no release is recorded.
        proposal.leave_left_on = on
        proposal.leave_returned_on = facts.get("returned_on")
        proposal.leave_not_returned = bool(facts.get("not_returned"))
        changed += ["leave_left_on", "leave_returned_on", "leave_not_returned"]
    proposal.stage = to_stage
    proposal.stage_since = on
    proposal.save(update_fields=changed)

    litmas = None
    if to_stage == S.LITMAS:
        litmas = LitmasRequest.objects.create(
            proposal=proposal,
            bapas=facts["bapas"],
            requested_on=on,
            due_on=facts.get("due_on")
            or clocks.add_working_days(on, LITMAS_WORKING_DAYS, days_off(facts["bapas"])),
            requested_by=by,
        )
        # The Bapas's PKs and head are told once the request is saved.
        from sinergi.proposals.litmas_actions import notify_requested

        created = litmas
        transaction.on_commit(lambda: notify_requested(created))
    elif to_stage == S.WITHDRAWN:
        # A Litmas no longer needed: the Bapas stops working on it.
        proposal.litmas_requests.filter(status=LitmasStatus.REQUESTED).update(
            status=LitmasStatus.CANCELLED
        )
    release = _release(proposal, on, by) if to_stage == S.RELEASED else None

    note = (facts.get("note") or "").strip()
    if to_stage in (S.REFUSED, S.WITHDRAWN) and not note:
        note = proposal.refusal_reason if to_stage == S.REFUSED else proposal.withdrawal_reason
    event = ProposalEvent.objects.create(
        proposal=proposal,
        from_stage=previous,
        to_stage=to_stage,
        on=on,
        by=by,
        note=note,
        document=facts.get("document"),
    )
    audit.record(
        "proposal.transition",
        by=by,
        target=proposal,
        facility=proposal.facility_id,
        changes={
            "stage": [previous, to_stage],
            "on": on,
            **({"source": source} if source else {}),
            "event": event.pk,
            **{
                name: facts[name]
                for name in facts_of(to_stage)
                if name in facts and name not in ("on", "document")
            },
            **({"litmas_request": litmas.pk} if litmas is not None else {}),
            **({"release": release.pk} if release is not None else {}),
        },
    )
    if to_stage == S.TPP:
        _tell_the_head(proposal, by)
    return proposal


def _tell_the_head(proposal: Proposal, by: Any) -> None:
    """After the sidang TPP only the head sends the proposal on: the head is told."""
    from sinergi.accounts.notify import Text, notify
    from sinergi.accounts.recipients import facility_heads

    notify(
        facility_heads(proposal.facility_id, besides=by),
        title=Text(
            gettext_lazy("Proposal awaiting your sending: %(name)s (%(right)s)"),
            name=proposal.inmate.name,
            right=Right(proposal.right).label,
        ),
        body=Text(gettext_lazy("The sidang TPP is recorded: send the proposal for decision.")),
        url=proposal.get_absolute_url(),
        key=f"proposal:{proposal.pk}:awaiting-head",
    )
