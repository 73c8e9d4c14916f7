"""The records behind a figure: from a dashboard's value to the rows its numerator counts,
with the same area and period (``/indicators/<id>/records/?scope=facility&id=3&period=2025-08``).

Whoever reads the dashboard of the area reads its records. The people the rows are about
are named only to those who may read those people's records (the facility's staff, the
Kanwil of its region, an administrator); to others (a probation officer reading the
dashboard, a partner) the rows are shown without names. A list that names people is one
audited read.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from sinergi.accounts.http import AuthenticatedHttpRequest
from sinergi.core import audit
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
from sinergi.indicators.record_lists import as_number, contribution_of, listing_for, prepared
from sinergi.indicators.views import chosen_period
from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Facility, Partner, Region

DASHBOARDS = {FACILITY: "indicators:facility", REGION: "indicators:region"}


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


@login_required
def indicator_records(request: AuthenticatedHttpRequest, indicator_id: str) -> HttpResponse:
    indicator: Indicator | None = BY_ID.get(indicator_id)
    scope = request.GET.get("scope", "")
    if indicator is None or indicator.rows is None or not indicator.shown_at(scope):
        raise Http404
    area, dashboard_url, names = _area(request, scope)
    period, period_error = chosen_period(request)
    q = Query(period, scope, area.pk if area is not None else None)
    value = indicator.compute(q).get(None)
    rows = indicator.rows(q)
    listing = listing_for(rows)
    total = None
    if indicator.contribution and not indicator.contribution.startswith("_"):
        # A sum's (or an average's) numerator: what the rows add up to.
        total = as_number(rows.aggregate(total=Sum(indicator.contribution))["total"] or 0)
    page = paginate(request, prepared(rows))
    person_level = listing.person is not None
    if person_level and names:
        audit.read_list(
            request,
            "indicator.records.list",
            count=page.paginator.count,
            facility=area if scope == FACILITY else None,
            details={"indicator": indicator.id},
        )
    items = [
        {
            "person": listing.inmate(row) if names else None,
            "cells": [cell(row) for _label, cell in listing.columns],
            "url": listing.link(row),
            "contribution": (
                contribution_of(row, indicator.contribution) if indicator.contribution else None
            ),
        }
        for row in page.object_list
    ]
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
            "unit": UNITS[indicator.unit],
            "dashboard_url": f"{dashboard_url}?period={period.code}",
            "page": page,
            "items": items,
            "headers": [label for label, _cell in listing.columns],
            "show_person": person_level and names,
            "names_hidden": person_level and not names,
            "querystring": querystring_without_page(request),
        },
    )
