"""The sidang TPP pages: the facility's meetings, recording and correcting one, the
board's recommendation on each proposal at the ``tpp`` stage, and the documents as PDFs
(the minutes, and the proposal letter to the Kanwil or the Directorate General).

A meeting outside the reader's reach is a 404 (``TppMeeting.objects.for_user``); the
writes go through :mod:`sinergi.proposals.tpp_actions`, which checks the permissions.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sinergi.accounts.http import AuthenticatedHttpRequest
from sinergi.core import audit
from sinergi.core.errors import Conflict
from sinergi.core.forms import form_problems
from sinergi.core.pagination import paginate, querystring_without_page
from sinergi.core.permissions import has_perm
from sinergi.core.roles import OFFICER_ROLES, STAFF_ROLES
from sinergi.core.scoping import scope_of
from sinergi.core.view_helpers import refuse, show_on_form
from sinergi.orgs.models import Facility
from sinergi.proposals import documents
from sinergi.proposals import tpp_actions as tpp
from sinergi.proposals.choices import SentTo
from sinergi.proposals.forms_tpp import DecisionForm, MeetingForm
from sinergi.proposals.models import Proposal, TppDecision, TppMeeting


def _meeting_for(request: AuthenticatedHttpRequest, pk: int) -> TppMeeting:
    found: TppMeeting = get_object_or_404(
        TppMeeting.objects.for_user(request.user).select_related(
            "facility__region", "chair", "created_by"
        ),
        pk=pk,
    )
    return found


@login_required
def tpp_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    if not (scope.is_admin or scope.has_role(*STAFF_ROLES) or scope.region_ids):
        raise PermissionDenied
    meetings = (
        TppMeeting.objects.for_user(request.user)
        .select_related("facility", "chair")
        .with_discussed()
        .order_by("-held_on", "-id")
    )
    return render(
        request,
        "proposals/tpp_list.html",
        {
            "page": paginate(request, meetings),
            "querystring": querystring_without_page(request),
            "may_record": Facility.objects.writable_by(request.user, *OFFICER_ROLES).exists(),
        },
    )


def _writable_facility(request: AuthenticatedHttpRequest) -> Facility:
    """The facility a new meeting is of: the reader's (``?facility=`` when they are an
    officer of several)."""
    facilities = list(Facility.objects.writable_by(request.user, *OFFICER_ROLES))
    if not facilities:
        raise PermissionDenied
    wanted = request.POST.get("facility") or request.GET.get("facility") or ""
    return next((f for f in facilities if f.code == wanted), facilities[0])


@login_required
def tpp_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    facility = _writable_facility(request)
    form = MeetingForm(
        request.POST or None,
        facility=facility,
        initial={"held_on": facility.today(), "place": facility.name},
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = tpp.record_meeting(
                facility=facility, values=form.cleaned_data, by=request.user
            )
        except ValidationError as exc:
            show_on_form(form, exc)
        else:
            messages.success(
                request, _("Sidang TPP recorded. Now record the board's recommendations.")
            )
            return redirect("proposals:tpp_detail", pk=meeting.pk)
    return render(
        request,
        "proposals/tpp_form.html",
        {
            "form": form,
            "facility": facility,
            "facilities": list(Facility.objects.writable_by(request.user, *OFFICER_ROLES)),
            "meeting": None,
            "error_summary": form_problems(form) if form.is_bound else [],
        },
    )


@login_required
def tpp_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for(request, pk)
    if not has_perm(request.user, "proposals.record_tpp_meeting", meeting):
        raise PermissionDenied
    initial = {name: getattr(meeting, name) for name in tpp.MEETING_FIELDS}
    form = MeetingForm(request.POST or None, facility=meeting.facility, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            tpp.update_meeting(meeting=meeting, values=form.cleaned_data, by=request.user)
        except ValidationError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Sidang TPP corrected."))
            return redirect("proposals:tpp_detail", pk=meeting.pk)
    return render(
        request,
        "proposals/tpp_form.html",
        {
            "form": form,
            "facility": meeting.facility,
            "facilities": [],
            "meeting": meeting,
            "error_summary": form_problems(form) if form.is_bound else [],
        },
    )


def _detail_context(
    request: AuthenticatedHttpRequest, meeting: TppMeeting, bound: dict[int, DecisionForm]
) -> dict[str, Any]:
    decisions = list(
        meeting.decisions.select_related("proposal__inmate").order_by(
            "proposal__inmate__name", "id"
        )
    )
    may_record = has_perm(request.user, "proposals.record_tpp_meeting", meeting)
    held = meeting.held_on <= meeting.facility.today()
    decided = {d.proposal_id: d for d in decisions}
    rows: list[dict[str, Any]] = []
    if may_record and held:
        proposals = list(tpp.candidates(meeting))
        # A refused form stays on the page with its errors, also for a proposal the
        # meeting is no longer offered (it reached the TPP after the meeting's date).
        offered = {p.pk for p in proposals}
        proposals += (
            Proposal.objects.filter(pk__in=[pk for pk in bound if pk not in offered])
            .select_related("inmate")
            .order_by("inmate__name", "id")
            if any(pk not in offered for pk in bound)
            else []
        )
        for proposal in proposals:
            decision = decided.get(proposal.pk)
            form = bound.get(proposal.pk) or DecisionForm(
                prefix=f"p{proposal.pk}",
                initial=(
                    {"recommendation": decision.recommendation, "note": decision.note}
                    if decision
                    else {}
                ),
            )
            rows.append({"proposal": proposal, "decision": decision, "form": form})
    return {
        "meeting": meeting,
        "members": tpp.member_lines(meeting.members),
        "decisions": decisions,
        "rows": rows,
        "may_record": may_record,
        "held": held,
        "destinations": documents.destinations(meeting),
        "locked": [d for d in decisions if d.proposal.stage != "tpp"],
    }


@login_required
def tpp_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for(request, pk)
    audit.read(request, "tpp.view", target=meeting, facility=meeting.facility_id)
    return render(request, "proposals/tpp_detail.html", _detail_context(request, meeting, {}))


@login_required
@require_POST
def tpp_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record the board's recommendation on one proposal (the form of its row)."""
    meeting = _meeting_for(request, pk)
    proposal_id = _int(request.POST.get("proposal"))
    if proposal_id is None:
        raise Http404
    proposal = (
        Proposal.objects.for_user(request.user)
        .filter(pk=proposal_id, facility_id=meeting.facility_id)
        .select_related("inmate")
        .first()
    )
    if proposal is None:
        raise Http404
    form = DecisionForm(request.POST, prefix=f"p{proposal.pk}")
    if form.is_valid():
        try:
            tpp.record_decision(
                meeting=meeting,
                proposal=proposal,
                recommendation=form.cleaned_data["recommendation"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as exc:
            show_on_form(form, exc)
        except (Conflict, PermissionDenied) as exc:
            refuse(request, exc)
            return redirect("proposals:tpp_detail", pk=meeting.pk)
        else:
            messages.success(
                request,
                _("Recommendation recorded for %(name)s.") % {"name": proposal.inmate.name},
            )
            return redirect(f"{meeting_url(meeting)}#p{proposal.pk}")
    if not has_perm(request.user, "proposals.record_tpp_meeting", meeting):
        raise PermissionDenied
    context = _detail_context(request, meeting, {proposal.pk: form})
    return render(request, "proposals/tpp_detail.html", context, status=422)


def meeting_url(meeting: TppMeeting) -> str:
    from django.urls import reverse

    return reverse("proposals:tpp_detail", args=[meeting.pk])


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_POST
def tpp_decision_remove(
    request: AuthenticatedHttpRequest, pk: int, decision_pk: int
) -> HttpResponse:
    meeting = _meeting_for(request, pk)
    decision = get_object_or_404(
        TppDecision.objects.select_related("proposal"), pk=decision_pk, meeting=meeting
    )
    try:
        tpp.remove_decision(decision=decision, by=request.user)
    except (Conflict, PermissionDenied) as exc:
        refuse(request, exc)
    else:
        messages.success(request, _("Taken off the meeting's record."))
    return redirect("proposals:tpp_detail", pk=meeting.pk)


@login_required
def tpp_minutes(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    from sinergi.core.pdf import pdf_response

    meeting = _meeting_for(request, pk)
    audit.read(request, "tpp.minutes.view", target=meeting, facility=meeting.facility_id)
    return pdf_response(
        documents.render_minutes(meeting, request),
        f"berita-acara-tpp-{meeting.facility.code}-{meeting.held_on:%Y-%m-%d}.pdf",
    )


@login_required
def tpp_letter(request: AuthenticatedHttpRequest, pk: int, sent_to: str) -> HttpResponse:
    from sinergi.core.pdf import pdf_response

    meeting = _meeting_for(request, pk)
    if sent_to not in SentTo.values:
        raise Http404
    audit.read(
        request,
        "tpp.letter.view",
        target=meeting,
        facility=meeting.facility_id,
        details={"sent_to": sent_to},
    )
    return pdf_response(
        documents.render_proposal_letter(meeting, sent_to, request),
        f"usulan-{sent_to}-{meeting.facility.code}-{meeting.held_on:%Y-%m-%d}.pdf",
    )
