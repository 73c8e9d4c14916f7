"""Monthly reports (Laporan Bulanan Pembinaan dan Kerja Sama): list, generate, download,
generate again, sign off."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sinergi.accounts.http import AuthenticatedHttpRequest
from sinergi.core import audit
from sinergi.core.errors import Conflict
from sinergi.core.pagination import paginate, querystring_without_page
from sinergi.core.permissions import has_perm
from sinergi.indicators import actions, reports, revisions
from sinergi.indicators.models import MonthlyReport, ReportStatus
from sinergi.indicators.periods import month_of
from sinergi.indicators.queries import (
    generating_facilities,
    reads_any_report,
    viewable_facilities,
)
from sinergi.orgs.models import Facility

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class GenerateReportForm(forms.Form):
    facility = forms.ModelChoiceField(
        label=gettext_lazy("Facility"), queryset=Facility.objects.none(), empty_label=None
    )
    month = forms.CharField(
        label=gettext_lazy("Month"),
        widget=forms.TextInput(attrs={"type": "month", "pattern": r"\d{4}-\d{2}"}),
        help_text=gettext_lazy("A past month or the current one, e.g. 2025-08."),
    )

    def __init__(self, *args: Any, facilities: QuerySet[Facility], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["facility"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = facilities
        self.fields["month"].widget.attrs["max"] = f"{timezone.localdate():%Y-%m}"

    def clean_month(self) -> datetime.date:
        text = (self.cleaned_data.get("month") or "").strip()
        match = _MONTH.match(text)
        if not match or not 1 <= int(match[2]) <= 12:
            raise ValidationError(_("Write the month as year and month, e.g. 2025-08."))
        return actions.check_month(datetime.date(int(match[1]), int(match[2]), 1))


def get_report_for_user(request: AuthenticatedHttpRequest, pk: int) -> MonthlyReport:
    """The report, if the user may read it; 404 otherwise (never confirm it exists)."""
    return get_object_or_404(
        MonthlyReport.objects.for_user(request.user).select_related(
            "facility__region", "requested_by", "signed_off_by"
        ),
        pk=pk,
    )


def _list_context(
    request: AuthenticatedHttpRequest, form: GenerateReportForm | None
) -> dict[str, Any]:
    facilities = viewable_facilities(request.user).order_by("name")
    chosen = request.GET.get("facility", "")
    # The figures (``data``, a JSON document of each month) are not shown in the list:
    # decoding them was a quarter of the administrator's page (50 documents).
    found = (
        MonthlyReport.objects.for_user(request.user)
        .defer("data")
        .select_related("facility", "signed_off_by")
        .annotate(latest_edition=Max("editions__number"))
    )
    if chosen.isdigit():
        found = found.filter(facility_id=int(chosen))
    return {
        "page": paginate(request, found.order_by("-month", "facility__name", "pk")),
        "facilities": facilities,
        "chosen": chosen,
        "querystring": querystring_without_page(request),
        "form": form,
    }


def _default_form(request: AuthenticatedHttpRequest) -> GenerateReportForm | None:
    facilities = generating_facilities(request.user)
    if not facilities.exists():
        return None
    previous = month_of(timezone.localdate().replace(day=1) - datetime.timedelta(days=1))
    first = facilities.first()
    return GenerateReportForm(
        facilities=facilities,
        initial={"facility": first.pk if first else None, "month": previous.code},
    )


@login_required
def report_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not reads_any_report(request.user):
        raise Http404
    return render(
        request, "indicators/report_list.html", _list_context(request, _default_form(request))
    )


@login_required
@require_POST
def report_generate(request: AuthenticatedHttpRequest) -> HttpResponse:
    facilities = generating_facilities(request.user)
    if not facilities.exists():
        raise PermissionDenied
    form = GenerateReportForm(request.POST, facilities=facilities)
    if form.is_valid():
        try:
            report = actions.request_report(
                facility=form.cleaned_data["facility"],
                month=form.cleaned_data["month"],
                by=request.user,
            )
        except Conflict as exc:
            messages.error(request, exc.detail)
        else:
            _tell(request, report)
            return redirect(report)
    context = _list_context(request, form)
    return render(request, "indicators/report_list.html", context, status=400)


def _tell(request: AuthenticatedHttpRequest, report: MonthlyReport) -> None:
    report.refresh_from_db(fields=["status"])
    if report.is_ready:
        messages.success(request, _("The report is ready."))
    elif report.status == ReportStatus.FAILED:
        messages.error(request, _("The report could not be generated."))
    else:
        messages.success(
            request, _("The report is being generated; this page shows when it is ready.")
        )


@login_required
def report_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request, pk)
    user = request.user
    editions = list(report.editions.select_related("signed_off_by").order_by("number"))
    context = {
        "report": report,
        "editions": editions,
        # Not for the status partial, polled while the report is generated.
        "revision_note": (
            revisions.note(report.facility, report.month) if editions and not request.htmx else None
        ),
        "can_generate": has_perm(user, "indicators.generate_report", report.facility),
        "can_sign_off": has_perm(user, "indicators.sign_off_report", report.facility)
        and report.is_ready
        and not report.is_signed_off,
        "indicators": (
            reports.render_context(report)["indicators"] if report.is_ready and report.data else []
        ),
        "zone": report.facility.time_zone,
    }
    if request.htmx:
        return render(request, "indicators/report_detail.html#status", context)
    return render(request, "indicators/report_detail.html", context)


def _download(request: AuthenticatedHttpRequest, pk: int, kind: str) -> FileResponse:
    report = get_report_for_user(request, pk)
    stored = report.pdf if kind == "pdf" else report.xlsx
    if not report.is_ready or not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    audit.record(f"report.download_{kind}", by=request.user, target=report)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=report.filename(kind),
        content_type="application/pdf" if kind == "pdf" else reports.XLSX_CONTENT_TYPE,
    )


@login_required
def report_edition_pdf(request: AuthenticatedHttpRequest, pk: int, number: int) -> FileResponse:
    """The PDF of a signed edition, as it was signed (for the report's readers)."""
    report = get_report_for_user(request, pk)
    edition = get_object_or_404(report.editions.all(), number=number)
    if not edition.pdf:
        raise Http404
    try:
        handle = edition.pdf.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    audit.record("report.download_pdf", by=request.user, target=report, changes={"edition": number})
    return FileResponse(
        handle, as_attachment=True, filename=edition.filename(), content_type="application/pdf"
    )


@login_required
def report_pdf(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    return _download(request, pk, "pdf")


@login_required
def report_xlsx(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    return _download(request, pk, "xlsx")


@login_required
@require_POST
def report_regenerate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request, pk)
    try:
        report = actions.request_report(
            facility=report.facility, month=report.month, by=request.user
        )
    except Conflict as exc:
        messages.error(request, exc.detail)
    else:
        _tell(request, report)
    return redirect(report)


@login_required
@require_POST
def report_sign_off(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request, pk)
    try:
        actions.sign_off_report(report=report, by=request.user)
    except Conflict as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Report signed off."))
    return redirect(report)
