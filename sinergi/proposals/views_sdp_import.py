"""The SDP proposal-status import's pages (``sdp_import.py`` holds the rules): upload and
check (a preview that writes nothing), the stored report with its rows and the confirm
button, the problem rows as CSV. For the program officers and heads of the facility; the
report names people, so every view of it is audited."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sinergi.accounts.http import AuthenticatedHttpRequest
from sinergi.core import audit
from sinergi.core.errors import Conflict
from sinergi.core.pagination import paginate, querystring_without_page
from sinergi.core.permissions import has_perm
from sinergi.inmates import parsing
from sinergi.inmates.forms import ImportUploadForm
from sinergi.orgs.models import Facility
from sinergi.proposals import actions, sdp_import
from sinergi.proposals.models_sdp_import import SdpImport, SdpRowOutcome

ROWS_PER_PAGE = 100


class SdpUploadForm(ImportUploadForm):
    """The inmate import's upload form (file type, size, encoding), without its
    check-only box: this import is always checked first."""

    dry_run = None  # type: ignore[assignment]
    # A full export of the facility's inmates is the inmate import's matter.
    full_export = None  # type: ignore[assignment]
    file = forms.FileField(
        label=gettext_lazy("SDP proposal export (CSV or XLSX)"),
        help_text=gettext_lazy(
            "PB online's proposal list, as exported: comma- or semicolon-separated CSV, or "
            "an Excel workbook (first sheet)."
        ),
    )


def _facilities(request: AuthenticatedHttpRequest) -> list[Facility]:
    """The facilities where the user may import: a feature of the officers and heads
    (403 for anyone else, as the inmate import)."""
    found = [
        f
        for f in Facility.objects.writable_by(request.user)
        if has_perm(request.user, actions.IMPORT_SDP, f)
    ]
    if not found:
        raise PermissionDenied
    return found


def _batch(request: AuthenticatedHttpRequest, pk: int) -> SdpImport:
    """One import of the user's facilities (another facility's: 404)."""
    _facilities(request)
    found: SdpImport = get_object_or_404(
        sdp_import.imports_for(request.user).select_related(
            "facility", "uploaded_by", "confirmed_by"
        ),
        pk=pk,
    )
    return found


@login_required
def sdp_import_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    facilities = _facilities(request)
    form = SdpUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        facility = next(
            (f for f in facilities if str(f.pk) == request.POST.get("facility")), facilities[0]
        )
        upload = form.cleaned_data["file"]
        try:
            batch = sdp_import.preview(
                facility=facility,
                upload=upload,
                filename=upload.name,
                by=request.user,
                encoding=form.cleaned_data["encoding"],
            )
        except parsing.ImportFileError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect(batch)
    batches: QuerySet[SdpImport] = (
        SdpImport.objects.filter(facility__in=facilities)
        .select_related("facility", "uploaded_by")
        .order_by("-created_at", "-id")
    )
    page = paginate(request, batches, per_page=20)
    return render(
        request,
        "proposals/sdp_import_start.html",
        {
            "form": form,
            "facilities": facilities,
            "page": page,
            "max_mb": settings.SINERGI_IMPORT_MAX_MB,
            "max_rows": sdp_import.MAX_ROWS,
            "headers": sdp_import.HEADERS,
            "statuses": sdp_import.status_table(),
            "rights": sdp_import.right_table(),
        },
    )


@login_required
def sdp_import_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    rows = batch.rows.select_related("proposal").order_by("line", "id")
    outcome = request.GET.get("outcome", "")
    if outcome in SdpRowOutcome.values:
        rows = rows.filter(outcome=outcome)
    page = paginate(request, rows, per_page=ROWS_PER_PAGE)
    for row in page.object_list:
        row.reason = sdp_import.row_reason(row)
    needing_head = list(
        batch.rows.filter(needs_head=True).order_by("line").values_list("line", flat=True)
    )
    audit.read(
        request,
        "proposal.sdp_import.view",
        target=batch,
        facility=batch.facility_id,
        details={"outcome": outcome},
    )
    return render(
        request,
        "proposals/sdp_import_detail.html",
        {
            "batch": batch,
            "page": page,
            "outcome": outcome,
            "outcomes": SdpRowOutcome.choices,
            "querystring": querystring_without_page(request),
            "may_confirm": sdp_import.may_confirm(batch, request.user),
            "needing_head": needing_head,
            "head_required": sdp_import.head_required_message(needing_head) if needing_head else "",
        },
    )


@login_required
@require_POST
def sdp_import_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    try:
        done = sdp_import.confirm(batch=batch, by=request.user)
    except Conflict as exc:
        messages.error(request, exc.detail)
        return redirect(batch)
    except sdp_import.HeadRequired as exc:
        messages.error(request, str(exc))
        return redirect(batch)
    messages.success(
        request,
        _("Imported: %(n)s proposals updated, %(u)s unchanged.")
        % {"n": done.update_count, "u": done.unchanged_count},
    )
    return redirect(done)


@login_required
def sdp_import_problems(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    audit.read(
        request,
        "proposal.sdp_import.view",
        target=batch,
        facility=batch.facility_id,
        details={"csv": True},
    )
    response = HttpResponse(
        sdp_import.problems_csv(batch).encode("utf-8-sig"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="sdp-import-{batch.pk}-problems.csv"'
    return response
