"""The proposal's page: its stage timeline (who, when, document per move), the dossier's
checklist with uploads, the service standard's clocks (red when passed), and the moves
the reader may make as verb buttons with their fields; withdrawing apart and confirmed.
Starting a proposal from the inmate page's rights table."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sinergi.accounts.http import AuthenticatedHttpRequest
from sinergi.core import audit
from sinergi.core.downloads import kept_file
from sinergi.core.errors import Conflict
from sinergi.core.permissions import has_perm
from sinergi.inmates.choices import Right
from sinergi.inmates.models import Inmate
from sinergi.proposals import actions, clocks, forms
from sinergi.proposals.choices import CHECKLIST, DocumentKind, LitmasStatus, Stage
from sinergi.proposals.models import (
    LitmasRequest,
    Proposal,
    ProposalDocument,
    ProposalEvent,
    TppMeeting,
)
from sinergi.proposals.queries import proposal_clocks

OFFICE_LABELS = {
    clocks.FACILITY: gettext_lazy("Facility: eligible to sent"),
    clocks.KANWIL: gettext_lazy("Kanwil: sent to decided"),
    clocks.DITJENPAS: gettext_lazy("Directorate General: sent to decided"),
}


def _proposal(request: AuthenticatedHttpRequest, pk: int) -> Proposal:
    found: Proposal = get_object_or_404(
        Proposal.objects.for_user(request.user)
        .select_related("inmate", "facility", "created_by")
        .prefetch_related("facility__holidays"),
        pk=pk,
    )
    return found


def _refused(request: AuthenticatedHttpRequest, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        for found in exc.message_dict.values() if hasattr(exc, "error_dict") else [exc.messages]:
            for message in found:
                messages.error(request, message)
        return
    messages.error(request, str(getattr(exc, "detail", "")) or str(exc) or _("Not allowed."))


STAGE_ORDER = {stage: index for index, stage in enumerate(Stage.values)}


def timeline(
    proposal: Proposal,
    user: Any,
    events: list[ProposalEvent],
    litmas_requests: list[LitmasRequest],
) -> list[dict[str, Any]]:
    """The proposal's moves with, at their place, the Bapas's Litmas submissions (after
    the request, before the move to the sidang TPP) and the sidang TPP's recommendations
    (after the move to the TPP, before the sending), by date."""
    items: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
        ((e.on, STAGE_ORDER.get(e.to_stage, 0), index), {"kind": "event", "event": e})
        for index, e in enumerate(events)
    ]
    for r in litmas_requests:
        if r.status == LitmasStatus.SUBMITTED and r.submitted_on is not None:
            key = (r.submitted_on, STAGE_ORDER[Stage.LITMAS] + 0.5, r.pk)
            items.append((key, {"kind": "litmas", "litmas": r}))
    decisions = list(proposal.tpp_decisions.select_related("meeting"))
    readable = set(
        TppMeeting.objects.for_user(user)
        .filter(pk__in=[d.meeting_id for d in decisions])
        .values_list("pk", flat=True)
    )
    for d in decisions:
        key = (d.meeting.held_on, STAGE_ORDER[Stage.TPP] + 0.5, d.pk)
        items.append((key, {"kind": "tpp", "decision": d, "minutes": d.meeting_id in readable}))
    return [item for _key, item in sorted(items, key=lambda pair: pair[0])]


def _page(
    request: AuthenticatedHttpRequest,
    proposal: Proposal,
    *,
    bound: dict[str, forms.MoveForm] | None = None,
    document_form: forms.DocumentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    today = proposal.facility.today()
    moves = actions.allowed_moves(proposal, user)
    blocked = [
        {"to_stage": to, "verb": forms.VERBS.get(to, to), "code": code, "reason": message}
        for to, code, message in actions.blocked_moves(proposal, user)
    ]
    move_forms = [
        (bound or {}).get(to) or forms.MoveForm(proposal, to)
        for to in moves
        if to != Stage.WITHDRAWN
    ]
    withdraw_form = (
        (bound or {}).get(Stage.WITHDRAWN) or forms.MoveForm(proposal, Stage.WITHDRAWN)
        if Stage.WITHDRAWN in moves
        else None
    )
    documents = list(proposal.documents.select_related("uploaded_by"))
    events = list(proposal.events.select_related("by", "document"))
    litmas_requests = list(proposal.litmas_requests.select_related("bapas", "officer", "document"))
    by_kind: dict[str, list[ProposalDocument]] = {}
    for document in documents:
        by_kind.setdefault(document.kind, []).append(document)
    checklist = [(DocumentKind(kind).label, by_kind.get(kind, [])) for kind in CHECKLIST]
    others = [d for d in documents if d.kind not in CHECKLIST]
    may_gather = proposal.is_open and has_perm(user, actions.GATHER, proposal)
    found_clocks = [
        {"clock": c, "label": OFFICE_LABELS[c.office]}
        for c in proposal_clocks(proposal, today=today)
    ]
    ended = proposal.released_on if proposal.stage == Stage.RELEASED else None
    if not proposal.is_open and ended is None:
        ended = proposal.stage_since
    errors = [
        (getattr(form, "verb", _("Add a document")), field, message)
        for form in [*(bound or {}).values(), *([document_form] if document_form else [])]
        for field, found in form.errors.items()
        for message in found
    ]
    return render(
        request,
        "proposals/proposal_detail.html",
        {
            "proposal": proposal,
            "inmate": proposal.inmate,
            # A PK reads the proposals of their Bapas, not the person's page (404).
            "can_open_person": has_perm(user, "inmates.view_inmate", proposal.inmate),
            "timeline": timeline(proposal, user, events, litmas_requests),
            "litmas_requests": litmas_requests,
            "checklist": checklist,
            "missing": [label for label, found in checklist if not found],
            "other_documents": others,
            "clocks": found_clocks,
            "days_at_stage": clocks.days_at_stage(proposal.stage_since, today)
            if proposal.is_open
            else None,
            "days_in_all": clocks.days_in_all(proposal.eligible_on, today, ended),
            "earlier": clocks.could_have_been_proposed_earlier(
                eligible_on=proposal.eligible_on,
                moved=proposal.stage != Stage.ELIGIBLE,
                today=today,
            ),
            "move_forms": move_forms,
            "blocked_moves": blocked,
            "withdraw_form": withdraw_form,
            "may_gather": may_gather,
            "document_form": document_form or forms.DocumentForm(),
            "reference_form": forms.ReferenceForm(
                initial={"sdp_reference": proposal.sdp_reference}
            ),
            "form_errors": errors,
            "upload_rejected": document_form is not None and not bound,
            "stages": Stage,
        },
        status=status,
    )


@login_required
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    audit.read(request, "proposal.view", target=proposal, facility=proposal.facility_id)
    return _page(request, proposal)


@login_required
@require_POST
def move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    to_stage = request.POST.get("to_stage", "")
    if to_stage not in Stage.values:
        messages.error(request, _("Choose a move of the page."))
        return redirect(proposal)
    form = forms.MoveForm(proposal, to_stage, request.POST)
    if form.is_valid():
        try:
            actions.transition(
                proposal=proposal, to_stage=to_stage, facts=form.facts(), by=request.user
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                form.add_action_errors(exc.message_dict)
            else:
                form.add_error(None, exc.messages)
        except (Conflict, PermissionDenied) as exc:
            _refused(request, exc)
            return redirect(proposal)
        else:
            messages.success(
                request, _("The proposal is now at “%(stage)s”.") % {"stage": Stage(to_stage).label}
            )
            return redirect(proposal)
    if not actions.may_move(request.user, proposal, to_stage):
        # Not this reader's move (or not one from this stage): say so, show nothing more.
        _refused(request, PermissionDenied(_("You may not make this move.")))
        return redirect(proposal)
    return _page(request, proposal, bound={to_stage: form}, status=422)


@login_required
@require_POST
def add_document(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    if not has_perm(request.user, actions.GATHER, proposal):
        raise PermissionDenied
    form = forms.DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.add_document(
                proposal=proposal,
                kind=data["kind"],
                file=data["file"],
                received_on=data.get("received_on"),
                note=data.get("note", ""),
                by=request.user,
            )
        except ValidationError as exc:
            for name, found in exc.message_dict.items():
                for message in found:
                    form.add_error(name if name in form.fields else None, message)
        except Conflict as exc:
            _refused(request, exc)
            return redirect(proposal)
        else:
            messages.success(request, _("Document kept."))
            return redirect(proposal)
    return _page(request, proposal, document_form=form, status=422)


@login_required
@require_POST
def set_reference(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    form = forms.ReferenceForm(request.POST)
    form.is_valid()
    try:
        actions.set_sdp_reference(
            proposal=proposal,
            sdp_reference=form.cleaned_data.get("sdp_reference", ""),
            by=request.user,
        )
    except (ValidationError, PermissionDenied) as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("SDP reference recorded."))
    return redirect(proposal)


@login_required
def document(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    found = get_object_or_404(
        ProposalDocument.objects.filter(proposal__in=Proposal.objects.for_user(request.user)),
        pk=pk,
    )
    answer = kept_file(found.file)
    audit.read(
        request,
        "proposal.document.view",
        target=found.proposal,
        facility=found.proposal.facility_id,
        details={"document": found.pk, "kind": found.kind},
    )
    return answer


@login_required
def start(request: AuthenticatedHttpRequest, inmate_pk: int, right: str) -> HttpResponse:
    inmate = get_object_or_404(
        Inmate.objects.for_user(request.user).select_related("facility"), pk=inmate_pk
    )
    if right not in Right.values:
        raise PermissionDenied
    if not has_perm(request.user, "proposals.start_proposal", inmate):
        raise PermissionDenied
    open_one = Proposal.objects.open().filter(inmate=inmate, right=right).first()
    if open_one is not None:
        return redirect(open_one)
    form = forms.StartForm(request.POST or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            proposal = actions.start_proposal(
                inmate=inmate,
                right=right,
                sdp_reference=form.cleaned_data.get("sdp_reference", ""),
                by=request.user,
            )
        except ValidationError as exc:
            for name, found in exc.message_dict.items():
                for message in found:
                    form.add_error(name if name in form.fields else None, message)
        except Conflict as exc:
            problems.append(exc.detail)
        else:
            messages.success(request, _("Proposal started."))
            return redirect(proposal)
    eligible = actions.eligible_right(inmate, right)
    return render(
        request,
        "proposals/proposal_start.html",
        {
            "inmate": inmate,
            "right": Right(right),
            "eligible": eligible,
            "form": form,
            "problems": problems,
        },
        status=422 if form.errors or problems else 200,
    )
