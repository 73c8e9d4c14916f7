"""Dashboards: a facility, the facilities of a region, a partner, the whole country."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.accounts.http import AuthenticatedHttpRequest
from sinergi.core import exports
from sinergi.core.permissions import has_perm
from sinergi.core.roles import REPORT_READER_ROLES, Role
from sinergi.core.scoping import scope_of
from sinergi.indicators import dashboards, revisions, stored
from sinergi.indicators.catalogue import (
    CATALOGUE,
    FACILITY,
    GROUPS,
    NATIONAL,
    PARTNER,
    REGION,
    UNITS,
    Query,
)
from sinergi.indicators.dashboards import Chart
from sinergi.indicators.periods import (
    CUSTOM,
    MONTH,
    QUARTER,
    YEAR,
    Period,
    PeriodError,
    month_of,
    parse_period,
    quarter_of,
    year_period,
)
from sinergi.orgs.models import Facility, Partner, Region


def chosen_period(request: HttpRequest) -> tuple[Period, str]:
    """The period of the selector (``kind`` = month, quarter, year or custom, with its
    fields), or of a link (``?period=2025-08``, ``2025-Q3``, ``2025`` or
    ``2025-08-01..2025-09-15``); this month when nothing is chosen."""
    today = timezone.localdate()
    get = request.GET
    kind = get.get("kind", "")
    if kind == MONTH:
        text = get.get("month", "")
    elif kind == QUARTER:
        text = f"{get.get('quarter_year', '')}-Q{get.get('quarter', '')}"
    elif kind == YEAR:
        text = get.get("year", "")
    elif kind == CUSTOM:
        text = f"{get.get('start', '')}..{get.get('end', '')}"
    else:
        text = get.get("period", "")
    if not text:
        return month_of(today), ""
    try:
        return parse_period(text), ""
    except PeriodError as exc:
        return month_of(today), str(exc)


def selector(period: Period) -> dict[str, Any]:
    """The selector's fields filled from ``period``."""
    return {
        "kind": period.kind,
        "month": f"{period.start:%Y-%m}",
        "quarter": (period.start.month - 1) // 3 + 1,
        "year": period.start.year,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "kinds": [
            (MONTH, _("Month")),
            (QUARTER, _("Quarter")),
            (YEAR, _("Year")),
            (CUSTOM, _("Custom days")),
        ],
    }


def _quick_periods() -> list[tuple[str, Period]]:
    today = timezone.localdate()
    this_month = month_of(today)
    return [
        (_("This month"), this_month),
        (_("Last month"), this_month.previous()),
        (_("This quarter"), quarter_of(today)),
        (_("This year"), year_period(today.year)),
        (_("Last year"), year_period(today.year - 1)),
    ]


def _csv(filename: str, header: list[str], rows: list[list[Any]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    writer = exports.csv_writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


def _number(value: Any) -> Any:
    return "" if value is None else value


def _chart_csv(chart: Chart, period: Period) -> HttpResponse:
    return _csv(
        f"{chart.id}-{period.code}",
        [_("Group"), _("Value"), _("Numerator"), _("Denominator"), _("Unit")],
        [
            [label, _number(v.value), v.numerator, _number(v.denominator), chart.unit]
            for label, v in chart.rows
        ],
    )


def _figures_csv(groups: list[dict[str, Any]], period: Period, slug: str) -> HttpResponse:
    rows = [
        [
            row.indicator.id,
            str(row.indicator.name),
            _number(row.value.value),
            row.value.numerator,
            _number(row.value.denominator),
            row.indicator.unit,
            str(row.indicator.definition),
        ]
        for group in groups
        for row in group["rows"]
    ]
    header = [
        _("Indicator"),
        _("Name"),
        _("Value"),
        _("Numerator"),
        _("Denominator"),
        _("Unit"),
        _("Definition"),
    ]
    return _csv(f"{slug}-{period.code}", header, rows)


def _render(
    request: HttpRequest,
    *,
    title: str,
    slug: str,
    level: str,
    q: Query,
    period_error: str,
    charts: list[Chart],
    comparison: Chart | None = None,
    extra: dict[str, Any] | None = None,
    source: dashboards.Source = dashboards.live,
) -> HttpResponse:
    groups = dashboards.grouped_rows(q, level, source)
    all_charts = ([comparison] if comparison else []) + charts
    for item in all_charts:
        dashboards.keep_links_the_reader_may_open(item, request.user)
    wanted = request.GET.get("csv")
    if wanted == "figures":
        return _figures_csv(groups, q.period, slug)
    for item in all_charts:
        if wanted == item.id:
            return _chart_csv(item, q.period)
    if wanted:
        raise Http404
    facility = (extra or {}).get("facility")
    revision_note = None
    revised_facilities: list[tuple[int, str]] = []
    if level == FACILITY and q.period.kind == MONTH and facility is not None:
        # The dashboard's own figures are the live ones: no second computation.
        revision_note = revisions.note(
            facility, q.period.start, live=revisions.live_from_rows(groups)
        )
    elif level in (REGION, NATIONAL) and q.period.kind == MONTH:
        revised_facilities = revisions.revised_facilities(q.period.start, region_id=q.area_id)
    return render(
        request,
        "indicators/dashboard.html",
        {
            "title": title,
            "level": level,
            "period": q.period,
            "period_error": period_error,
            "quick_periods": _quick_periods(),
            "selector": selector(q.period),
            "groups": groups,
            "charts": all_charts,
            "comparison": comparison,
            "comparable": dashboards.COMPARABLE,
            "units": UNITS,
            "revision_note": revision_note,
            # An open period's national or regional figures, kept a few minutes: as of when
            "figures_as_of": getattr(source, "as_of", None),
            "recent_minutes": settings.RECENT_FIGURES_SECONDS // 60,
            "revised_facilities": revised_facilities,
            "revised": revision_note.by_indicator if revision_note else {},
            "zone": facility.time_zone if facility is not None else None,
            # the same area and period for the records behind each figure
            "records_query": urlencode(
                {"scope": level, "period": q.period.code}
                | ({"id": q.area_id} if q.area_id is not None else {})
            ),
            **(extra or {}),
        },
    )


@login_required
def facility_dashboard(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    facility = get_object_or_404(Facility.objects.select_related("region"), pk=pk)
    if not has_perm(request.user, "indicators.view_facility", facility):
        raise Http404
    period, error = chosen_period(request)
    q = Query(period, FACILITY, facility.pk)
    return _render(
        request,
        title=facility.name,
        slug=f"facility-{facility.pk}",
        level=FACILITY,
        q=q,
        period_error=error,
        charts=dashboards.facility_charts(q),
        extra={
            "facility": facility,
            "region_link": (
                reverse("indicators:region", args=[facility.region_id])
                if has_perm(request.user, "indicators.view_region", facility.region)
                else ""
            ),
        },
    )


def _comparison_indicator(request: HttpRequest) -> str:
    wanted = request.GET.get("indicator", dashboards.DEFAULT_COMPARISON)
    ids = {i.id for i in dashboards.COMPARABLE}
    return wanted if wanted in ids else dashboards.DEFAULT_COMPARISON


@login_required
def region_dashboard(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    region = get_object_or_404(Region, pk=pk)
    if not has_perm(request.user, "indicators.view_region", region):
        raise Http404
    period, error = chosen_period(request)
    q = Query(period, REGION, region.pk)
    selected = _comparison_indicator(request)
    source = stored.source_for(q)
    return _render(
        request,
        title=region.name,
        slug=f"region-{region.pk}",
        level=REGION,
        q=q,
        period_error=error,
        comparison=dashboards.comparison(q, FACILITY, selected, source),
        charts=dashboards.cooperation_charts(q, source),
        extra={"region": region, "selected": selected},
        source=source,
    )


@login_required
def national_dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not has_perm(request.user, "indicators.view_national"):
        raise Http404
    period, error = chosen_period(request)
    q = Query(period, NATIONAL, None)
    selected = _comparison_indicator(request)
    source = stored.source_for(q)
    return _render(
        request,
        title=_("All facilities"),
        slug="national",
        level=NATIONAL,
        q=q,
        period_error=error,
        comparison=dashboards.comparison(q, REGION, selected, source),
        charts=dashboards.cooperation_charts(q, source),
        extra={"selected": selected},
        source=source,
    )


@login_required
def partner_dashboard(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    partner = get_object_or_404(Partner, pk=pk)
    if not has_perm(request.user, "indicators.view_partner", partner):
        raise Http404
    period, error = chosen_period(request)
    q = Query(period, PARTNER, partner.pk)
    return _render(
        request,
        title=partner.name,
        slug=f"partner-{partner.pk}",
        level=PARTNER,
        q=q,
        period_error=error,
        charts=dashboards.partner_charts(q),
        extra={"partner": partner},
    )


def dashboards_for(user: Any) -> list[tuple[str, str]]:
    """(name, url) of every dashboard the user may read."""
    scope = scope_of(user)
    found: list[tuple[str, str]] = []
    if scope.is_admin:
        found.append((_("All facilities"), reverse("indicators:national")))
        regions = Region.objects.order_by("name")
    else:
        regions = Region.objects.filter(pk__in=scope.region_ids).order_by("name")
    for region in regions:
        found.append((region.name, reverse("indicators:region", args=[region.pk])))
    if scope.is_admin:
        # Facilities are reached from the regions' comparison tables.
        return found
    facility_ids = scope.facility_ids(
        *REPORT_READER_ROLES,
    )
    facilities = Facility.objects.filter(pk__in=facility_ids) | Facility.objects.filter(
        region_id__in=scope.region_ids
    )
    for facility in facilities.order_by("name"):
        found.append((facility.name, reverse("indicators:facility", args=[facility.pk])))
    partners = Partner.objects.filter(pk__in=scope.partner_ids(Role.PARTNER_USER))
    for partner in partners.order_by("name"):
        found.append((partner.name, reverse("indicators:partner", args=[partner.pk])))
    return found


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    available = dashboards_for(request.user)
    if len(available) == 1:
        return redirect(available[0][1])
    if not available:
        raise Http404
    return render(request, "indicators/index.html", {"dashboards": available})


@login_required
def catalogue_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    groups: dict[str, dict[str, Any]] = {}
    for indicator in CATALOGUE:
        groups.setdefault(indicator.group, {"title": GROUPS[indicator.group], "indicators": []})[
            "indicators"
        ].append(indicator)
    return render(
        request,
        "indicators/catalogue.html",
        {"groups": list(groups.values()), "units": UNITS, "month": MONTH},
    )
