"""The Litmas pages: the requests a user reaches (a Bapas's PKs and head see those to
their Bapas, overdue first; the facility sees those it asked), one request with its
assignment and the PK's upload and submission, the load of a Bapas's officers for its
head, and the request letter as a PDF.

A request outside the reader's reach is a 404 (:func:`litmas.requests_for`); the writes
go through :mod:`sinergi.proposals.litmas_actions`, which checks the permissions.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sinergi.accounts.http import AuthenticatedHttpRequest
from sinergi.core import audit
from sinergi.core.downloads import kept_file
from sinergi.core.errors import Conflict
from sinergi.core.pagination import paginate, querystring_without_page
from sinergi.core.permissions import has_perm
from sinergi.core.scoping import scope_of
from sinergi.core.view_helpers import refuse
from sinergi.orgs.models import Facility, FacilityKind
from sinergi.programs.days_off import days_off
from sinergi.proposals import litmas_actions as actions
from sinergi.proposals import rules_bapas
from sinergi.proposals.choices import LitmasStatus
from sinergi.proposals.models import LitmasRequest, Proposal

# The list's filters: which requests (open ones by default) and whose.
SHOW = ("open", "submitted", "all")
SUBMITTED_WINDOW_DAYS = 90


def _today(user: Any) -> datetime.date:
    """The reader's today (on a page, the time zone of the reader's facility is active)."""
    return timezone.localdate()


def _request_for(request: AuthenticatedHttpRequest, pk: int) -> LitmasRequest:
    found: LitmasRequest = get_object_or_404(
        actions.requests_for(request.user).select_related(
            "bapas",
            "officer",
            "document",
            "requested_by",
            "proposal__inmate__sentence",
            "proposal__facility",
        ),
        pk=pk,
    )
    return found


def list_rows(user: Any, *, show: str, mine: bool) -> Any:
    """The requests of the list: open ones first by due date (so the overdue lead),
    then the others, newest first."""
    rows = actions.requests_for(user).select_related(
        "bapas", "officer", "proposal__inmate", "proposal__facility"
    )
    if show == "open":
        rows = rows.filter(status=LitmasStatus.REQUESTED)
    elif show == "submitted":
        rows = rows.filter(status=LitmasStatus.SUBMITTED)
    if mine:
        rows = rows.filter(officer=user)
    return actions.in_list_order(rows)


@login_required
def litmas_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    if not (scope.is_admin or scope.facility_ids() or scope.region_ids):
        raise PermissionDenied
    show = request.GET.get("show", "open")
    show = show if show in SHOW else "open"
    mine = request.GET.get("mine") == "1"
    page = paginate(request, list_rows(request.user, show=show, mine=mine))
    audit.read_list(request, "litmas.list", count=page.paginator.count)
    today = _today(request.user)
    for row in page.object_list:
        row.overdue = actions.is_overdue(row, today)
        row.days_overdue = actions.days_overdue(row, today)
    return render(
        request,
        "proposals/litmas_list.html",
        {
            "page": page,
            "querystring": querystring_without_page(request),
            "show": show,
            "mine": mine,
            "is_pk": scope.has_role("probation_officer"),
            "today": today,
            "heads": bapas_choices(request.user).exists(),
        },
    )


@login_required
def litmas_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = _request_for(request, pk)
    audit.read(request, "litmas.view", target=item, facility=item.proposal.facility_id)
    user = request.user
    may_assign = actions.may_assign(user, item) and item.status == LitmasStatus.REQUESTED
    sees_proposal = Proposal.objects.for_user(user).filter(pk=item.proposal_id).exists()
    return render(
        request,
        "proposals/litmas_detail.html",
        {
            "item": item,
            "proposal": item.proposal,
            "inmate": item.proposal.inmate,
            "sentence": getattr(item.proposal.inmate, "sentence", None),
            "overdue": actions.is_overdue(item, _today(user)),
            "days_overdue": actions.days_overdue(item, _today(user)),
            "may_assign": may_assign,
            "proposal_url": item.proposal.get_absolute_url() if sees_proposal else "",
            "officers": list(actions.officers_of(item.bapas)) if may_assign else [],
            "may_take": actions.may_take(user, item),
            "may_submit": actions.may_submit(user, item),
            "max_recommendation": actions.MAX_RECOMMENDATION,
            "field_errors": {},
            "posted": {},
        },
    )


@login_required
@require_POST
def litmas_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    from sinergi.accounts.models import User

    item = _request_for(request, pk)
    officer_id = _int(request.POST.get("officer"))
    officer = User.objects.filter(pk=officer_id).first() if officer_id is not None else None
    try:
        if officer is None:
            raise ValidationError({"officer": [_("Choose a probation officer.")]})
        actions.assign_officer(litmas=item, officer=officer, by=request.user)
    except (Conflict, PermissionDenied, ValidationError) as exc:
        refuse(request, exc)
    else:
        if officer.pk == request.user.pk:
            messages.success(request, _("You took this Litmas."))
        else:
            messages.success(
                request,
                _("Assigned to %(name)s, who was notified.") % {"name": officer.get_full_name()},
            )
    return redirect("proposals:litmas_detail", pk=item.pk)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_POST
def litmas_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The PK's form: keep the uploaded Litmas only (``action=upload``) or submit it with
    its recommendation (the file uploaded now or kept before)."""
    item = _request_for(request, pk)
    upload = request.FILES.get("document")
    recommendation = request.POST.get("recommendation", "")
    try:
        if request.POST.get("action") == "upload":
            if upload is None:
                raise ValidationError({"document": [_("Choose the Litmas file.")]})
            actions.attach_document(litmas=item, upload=upload, by=request.user)
            messages.success(request, _("Litmas file kept. Submit it when it is final."))
        else:
            actions.submit_litmas(
                litmas=item, recommendation=recommendation, upload=upload, by=request.user
            )
            messages.success(request, _("Litmas submitted; the facility was notified."))
    except ValidationError as exc:
        item.refresh_from_db()
        return _detail_with_errors(request, item, exc, {"recommendation": recommendation})
    except (Conflict, PermissionDenied) as exc:
        refuse(request, exc)
    return redirect("proposals:litmas_detail", pk=item.pk)


def _detail_with_errors(
    request: AuthenticatedHttpRequest,
    item: LitmasRequest,
    exc: ValidationError,
    posted: dict[str, str],
) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    user = request.user
    return render(
        request,
        "proposals/litmas_detail.html",
        {
            "item": item,
            "proposal": item.proposal,
            "inmate": item.proposal.inmate,
            "sentence": getattr(item.proposal.inmate, "sentence", None),
            "overdue": actions.is_overdue(item, _today(user)),
            "days_overdue": actions.days_overdue(item, _today(user)),
            "may_assign": False,
            "proposal_url": "",
            "officers": [],
            "may_take": actions.may_take(user, item),
            "may_submit": actions.may_submit(user, item),
            "max_recommendation": actions.MAX_RECOMMENDATION,
            "field_errors": errors,
            "posted": posted,
        },
        status=422,
    )


@login_required
def litmas_file(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    item = _request_for(request, pk)
    if item.document is None:
        raise Http404
    answer = kept_file(item.document.file)
    audit.read(request, "litmas.file.view", target=item, facility=item.proposal.facility_id)
    return answer


@login_required
def litmas_letter(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    from sinergi.core.pdf import pdf_response
    from sinergi.proposals.documents import render_litmas_letter

    item = _request_for(request, pk)
    audit.read(request, "litmas.letter.view", target=item, facility=item.proposal.facility_id)
    return pdf_response(render_litmas_letter(item, request), f"permohonan-litmas-{item.pk}.pdf")


def bapas_choices(user: Any) -> Any:
    """The Bapas whose load ``user`` reads: those they head; every active one for an
    administrator."""
    rows = Facility.objects.filter(kind=FacilityKind.BAPAS).order_by("name")
    if scope_of(user).is_admin:
        return rows.filter(is_active=True)
    return rows.filter(pk__in=rules_bapas.bapas_headed_by(user))


def load_rows(bapas: Facility, today: datetime.date) -> tuple[list[Any], dict[str, int]]:
    """Each PK of ``bapas`` with their open, overdue and recently submitted Litmas (one
    query), and the same counts of the requests nobody has yet (one query)."""
    to_bapas = Q(litmas_requests__bapas=bapas)
    open_ = to_bapas & Q(litmas_requests__status=LitmasStatus.REQUESTED)
    officers = list(
        actions.officers_of(bapas).annotate(
            open_count=Count("litmas_requests", filter=open_, distinct=True),
            overdue_count=Count(
                "litmas_requests",
                filter=open_ & Q(litmas_requests__due_on__lt=today),
                distinct=True,
            ),
            due_soon_count=Count(
                "litmas_requests",
                filter=open_
                & Q(
                    litmas_requests__due_on__gte=today,
                    litmas_requests__due_on__lte=today + datetime.timedelta(days=7),
                ),
                distinct=True,
            ),
            submitted_count=Count(
                "litmas_requests",
                filter=to_bapas
                & Q(
                    litmas_requests__status=LitmasStatus.SUBMITTED,
                    litmas_requests__submitted_on__gte=today
                    - datetime.timedelta(days=SUBMITTED_WINDOW_DAYS),
                ),
                distinct=True,
            ),
        )
    )
    waiting = LitmasRequest.objects.filter(
        bapas=bapas, status=LitmasStatus.REQUESTED, officer__isnull=True
    ).aggregate(
        open_count=Count("pk"),
        overdue_count=Count("pk", filter=Q(due_on__lt=today)),
    )
    return officers, waiting


@login_required
def litmas_load(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The head's view of the Bapas: each officer's open Litmas, overdue ones, those due
    within a week, those submitted in the last 90 days, and the requests nobody has."""
    choices = list(bapas_choices(request.user))
    if not choices:
        raise PermissionDenied
    wanted = request.GET.get("bapas", "")
    bapas = next((b for b in choices if b.code == wanted), choices[0])
    if not has_perm(request.user, "proposals.view_litmas_load", bapas):
        raise PermissionDenied
    today = bapas.today()
    officers, waiting = load_rows(bapas, today)
    unassigned = (
        LitmasRequest.objects.filter(
            bapas=bapas, status=LitmasStatus.REQUESTED, officer__isnull=True
        )
        .select_related("proposal__inmate", "proposal__facility")
        .order_by("due_on", "id")[:50]
    )
    rows = list(unassigned)
    off = days_off(bapas)
    for row in rows:
        row.overdue = actions.is_overdue(row, today)  # type: ignore[attr-defined]
        row.days_overdue = actions.days_overdue(row, today, off)  # type: ignore[attr-defined]
    if rows:
        audit.read_list(request, "litmas.list", count=len(rows), facility=bapas.pk)
    return render(
        request,
        "proposals/litmas_load.html",
        {
            "bapas": bapas,
            "choices": choices,
            "officers": officers,
            "waiting": waiting,
            "unassigned": rows,
            "today": today,
            "window": SUBMITTED_WINDOW_DAYS,
            "list_url": reverse("proposals:litmas_list"),
        },
    )
