"""The records behind a figure: from a dashboard's value to the rows its numerator counts,
with the same area and period (``/indicators/<id>/records/?scope=facility&id=3&period=2025-08``).

Whoever reads the dashboard of the area reads its records. The people the rows are about
are named only to those who may read those people's records (the facility's staff, the
Kanwil of its region, an administrator); to others (a probation officer reading the
dashboard, a partner) the rows are shown without names. A list that names people is one
audited read.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.accounts.http import AuthenticatedHttpRequest
from sinergi.core import audit, exports
from sinergi.core.pagination import paginate, querystring_without_page
from sinergi.core.permissions import has_perm
from sinergi.indicators.catalogue import (
    BY_ID,
    FACILITY,
    NATIONAL,
    PARTNER,
    REGION,
    UNITS,
    Indicator,
    Query,
)
from sinergi.indicators.periods import Period
from sinergi.indicators.record_lists import as_number, contribution_of, listing_for, prepared
from sinergi.indicators.views import chosen_period
from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Facility, Partner, Region

DASHBOARDS = {FACILITY: "indicators:facility", REGION: "indicators:region"}
# The most rows a spreadsheet download holds (the page lists them all, page by page).
EXPORT_LIMIT = 20_000


def _area(request: AuthenticatedHttpRequest, scope: str) -> tuple[Any, str, bool]:
    """The area asked for, its dashboard's address, and whether the user may see the
    people of its rows by name; 404 when the user may not read its dashboard."""
    user = request.user
    raw = request.GET.get("id", "")
    if scope == NATIONAL:
        if not has_perm(user, "indicators.view_national"):
            raise Http404
        return None, reverse("indicators:national"), True
    if not raw.isdigit():
        raise Http404
    if scope == FACILITY:
        facility = get_object_or_404(Facility, pk=int(raw))
        if not has_perm(user, "indicators.view_facility", facility):
            raise Http404
        names = has_perm(user, "inmates.view_inmate", Inmate(facility=facility))
        return facility, reverse(DASHBOARDS[FACILITY], args=[facility.pk]), names
    if scope == REGION:
        region = get_object_or_404(Region, pk=int(raw))
        if not has_perm(user, "indicators.view_region", region):
            raise Http404
        names = has_perm(user, "inmates.view_inmate", Inmate(facility=Facility(region=region)))
        return region, reverse(DASHBOARDS[REGION], args=[region.pk]), names
    if scope == PARTNER:
        partner = get_object_or_404(Partner, pk=int(raw))
        if not has_perm(user, "indicators.view_partner", partner):
            raise Http404
        # A partner reads people only through referrals under consent: never here.
        return partner, reverse("indicators:partner", args=[partner.pk]), False
    raise Http404


def _audit(
    request: AuthenticatedHttpRequest,
    indicator: Indicator,
    scope: str,
    area: Any,
    count: int,
    form: str,
) -> None:
    audit.read_list(
        request,
        "indicator.records.list",
        count=count,
        facility=area if scope == FACILITY else None,
        details={"indicator": indicator.id, "format": form},
    )


#: How a row's share of the figure is shown, by the figure's unit.
_CONTRIBUTION_FORMATS = {
    "rupiah": exports.RUPIAH,
    "count": exports.INTEGER,
    "people": exports.INTEGER,
    "hours": exports.DECIMAL,
    "days": exports.DECIMAL,
    "score": exports.DECIMAL,
}


def _xlsx(
    indicator: Indicator,
    period: Period,
    area: Any,
    headers: list[str],
    unit: str,
    show_person: bool,
    items: list[dict[str, Any]],
    host: str,
) -> HttpResponse:
    """The records as a printable sheet: the person (or the record) first, the link to
    each record last, outside the printed page."""
    column = exports.Column
    person = [column(_("Name")), column(_("Registration number"))] if show_person else []
    value = (
        [column(unit, _CONTRIBUTION_FORMATS.get(indicator.unit, exports.AUTO))]
        if indicator.contribution
        else []
    )
    columns = [
        *person,
        *(column(header) for header in headers),
        *value,
        column(_("Link to the record"), exports.LINK),
    ]
    rows = (
        [
            *([item["person"].name, item["person"].registration_number] if show_person else []),
            *[_plain(cell) for cell in item["cells"]],
            *([_plain(item["contribution"])] if indicator.contribution else []),
            host + item["url"] if item["url"] else "",
        ]
        for item in items
    )
    heading = exports.Heading.of(indicator.name, area, period.label)
    response = HttpResponse(
        exports.table_xlsx(heading, columns, rows, frozen_columns=1),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"{indicator.id}-{period.code}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _plain(value: Any) -> Any:
    """A cell as a spreadsheet takes it: numbers, dates and texts."""
    if value is None or isinstance(value, int | float | Decimal | datetime.date):
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value).replace(tzinfo=None)
        return value
    return str(value)


@login_required
def indicator_records(request: AuthenticatedHttpRequest, indicator_id: str) -> HttpResponse:
    indicator: Indicator | None = BY_ID.get(indicator_id)
    scope = request.GET.get("scope", "")
    if indicator is None or indicator.rows is None or not indicator.shown_at(scope):
        raise Http404
    area, dashboard_url, names = _area(request, scope)
    period, period_error = chosen_period(request)
    q = Query(period, scope, area.pk if area is not None else None)
    rows = indicator.rows(q)
    listing = listing_for(rows)
    show_person = listing.person is not None and names
    headers = [str(label) for label, _cell in listing.columns]
    unit = str(UNITS[indicator.unit])

    def items(page_rows: Any) -> list[dict[str, Any]]:
        page_rows = list(page_rows)
        # A link only to a page the reader opens (the records' own rules).
        links = listing.links(page_rows, request.user)
        return [
            {
                "person": listing.inmate(row) if show_person else None,
                "cells": [cell(row) for _label, cell in listing.columns],
                "url": url,
                "contribution": (
                    contribution_of(row, indicator.contribution) if indicator.contribution else None
                ),
            }
            for row, url in zip(page_rows, links, strict=True)
        ]

    if request.GET.get("format") == "xlsx":
        listed = items(prepared(rows)[:EXPORT_LIMIT])
        if show_person:
            _audit(request, indicator, scope, area, len(listed), "xlsx")
        host = request.build_absolute_uri("/").rstrip("/")
        return _xlsx(indicator, period, area, headers, unit, show_person, listed, host)
    value = indicator.compute(q).get(None)
    total = None
    if indicator.contribution and not indicator.contribution.startswith("_"):
        # A sum's (or an average's) numerator: what the rows add up to.
        total = as_number(rows.aggregate(total=Sum(indicator.contribution))["total"] or 0)
    page = paginate(request, prepared(rows))
    if show_person:
        _audit(request, indicator, scope, area, page.paginator.count, "page")
    return render(
        request,
        "indicators/records.html",
        {
            "indicator": indicator,
            "area": area,
            "scope": scope,
            "period": period,
            "period_error": period_error,
            "value": value,
            "total": total,
            "unit": unit,
            "dashboard_url": f"{dashboard_url}?period={period.code}",
            "page": page,
            "items": (listed := items(page.object_list)),
            # None of the page's records opens to the reader: said once, no column of it.
            "links_shown": any(item["url"] for item in listed),
            "headers": headers,
            "show_person": show_person,
            "names_hidden": listing.person is not None and not names,
            "querystring": querystring_without_page(request),
            "export_limit": EXPORT_LIMIT,
        },
    )
