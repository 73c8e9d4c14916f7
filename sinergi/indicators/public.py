"""Public transparency pages at /publik/: no login, aggregates only, suppressed, cached."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sinergi.core import exports
from sinergi.indicators.catalogue import CATALOGUE, FACILITY, GROUPS, REGION, UNITS
from sinergi.indicators.periods import Period, PeriodError
from sinergi.indicators.public_data import (
    CACHE_SECONDS,
    NATION,
    PUBLIC_INDICATORS,
    Cell,
    PublicTable,
    last_complete_month,
    open_data_rows,
    public_period,
    public_table,
)
from sinergi.indicators.suppression import suppression_note

# The headline figures shown in the comparison tables.
HEADLINE = (
    "participation.enrolled_share",
    "participation.certificates",
    "cooperation.instructor_hours",
    "reintegration.released_with_plan",
)


def _period(request: HttpRequest) -> tuple[Period, str]:
    try:
        return public_period(request.GET.get("period")), ""
    except PeriodError as exc:
        return last_complete_month(), str(exc)


def _figures(table: PublicTable, cell: Cell) -> list[dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    for indicator in PUBLIC_INDICATORS:
        group = groups.setdefault(indicator.group, {"title": GROUPS[indicator.group], "rows": []})
        group["rows"].append(
            {
                "indicator": indicator,
                "unit": UNITS[indicator.unit],
                "figure": table.figure(indicator.id, cell),
            }
        )
    return list(groups.values())


def _comparison(table: PublicTable, cells: Sequence[tuple[Cell, str, str]]) -> dict[str, Any]:
    headline = [i for i in PUBLIC_INDICATORS if i.id in HEADLINE]
    return {
        "indicators": headline,
        "rows": [
            {
                "name": name,
                "url": url,
                # (figure, unit, indicator name): the name labels the figure on a phone
                "figures": [(table.figure(i.id, cell), i.unit, i.name) for i in headline],
            }
            for cell, name, url in cells
        ],
    }


def _context(request: HttpRequest, table: PublicTable, error: str, **extra: Any) -> dict[str, Any]:
    following = table.period.next()
    return {
        "revised_count": len(table.revision_notes),
        "table": table,
        "period": table.period,
        "period_error": error,
        "previous": table.period.previous(),
        "suppression_note": suppression_note(),
        "latest": last_complete_month(),
        "next": following if following.end <= last_complete_month().end else None,
        **extra,
    }


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    period, error = _period(request)
    table = public_table(period)
    query = f"?period={period.code}"
    cells = [
        ((REGION, pk), name, reverse("public:region", args=[pk]) + query)
        for pk, name in table.regions
    ]
    return render(
        request,
        "indicators/public_index.html",
        _context(
            request,
            table,
            error,
            groups=_figures(table, NATION),
            comparison=_comparison(table, cells),
            contributions=table.month_contributions.get(NATION, []),
            year_contributions=table.year_contributions.get(NATION, []),
            area_name=_("Indonesia (all facilities on Sinergi)"),
        ),
    )


@require_GET
def region(request: HttpRequest, pk: int) -> HttpResponse:
    period, error = _period(request)
    table = public_table(period)
    names = dict(table.regions)
    if pk not in names:
        raise Http404
    query = f"?period={period.code}"
    cells = [
        ((FACILITY, f[0]), f[1], reverse("public:facility", args=[f[0]]) + query)
        for f in table.facilities_of(pk)
    ]
    return render(
        request,
        "indicators/public_area.html",
        _context(
            request,
            table,
            error,
            area_name=names[pk],
            level="region",
            groups=_figures(table, (REGION, pk)),
            comparison=_comparison(table, cells),
            contributions=table.month_contributions.get((REGION, pk), []),
            year_contributions=table.year_contributions.get((REGION, pk), []),
        ),
    )


@require_GET
def facility(request: HttpRequest, pk: int) -> HttpResponse:
    period, error = _period(request)
    table = public_table(period)
    found = [f for f in table.facilities if f[0] == pk]
    if not found:
        raise Http404
    _pk, name, region_id, regency = found[0]
    return render(
        request,
        "indicators/public_area.html",
        _context(
            request,
            table,
            error,
            area_name=name,
            regency=regency,
            region=(region_id, dict(table.regions).get(region_id, "")),
            level="facility",
            groups=_figures(table, (FACILITY, pk)),
            revision_note=table.revision_notes.get((FACILITY, pk)),
            revised_edition=table.revised_editions.get((FACILITY, pk)),
            revised_ids=(
                table.revision_notes[(FACILITY, pk)].indicator_ids
                if (FACILITY, pk) in table.revision_notes
                else set()
            ),
            contributions=table.month_contributions.get((FACILITY, pk), []),
            year_contributions=table.year_contributions.get((FACILITY, pk), []),
        ),
    )


def _open_data_period(request: HttpRequest) -> Period | HttpResponse:
    try:
        return public_period(request.GET.get("period"))
    except PeriodError as exc:
        return JsonResponse({"detail": str(exc), "code": "bad_period", "errors": {}}, status=400)


def _shareable(response: HttpResponse) -> HttpResponse:
    """Let browsers and proxies keep an open-data file as long as the server keeps its table.

    The files hold no personal data and set no cookie; the middleware already makes them
    vary with the language (Accept-Language and the language cookie).
    """
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


OPEN_DATA_FIELDS = (
    "period",
    "level",
    "region_id",
    "facility_id",
    "region",
    "facility",
    "indicator",
    "unit",
    "numerator",
    "denominator",
    "value",
    "flag",
    "revision",
)


@require_GET
def open_data_csv(request: HttpRequest) -> HttpResponse:
    period = _open_data_period(request)
    if isinstance(period, HttpResponse):
        return period
    rows = open_data_rows(public_table(period))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sinergi-{period.code}.csv"'
    writer = exports.csv_dict_writer(response, fieldnames=OPEN_DATA_FIELDS)
    writer.writeheader()
    writer.writerows(rows)
    return _shareable(response)


@require_GET
def open_data_json(request: HttpRequest) -> HttpResponse:
    period = _open_data_period(request)
    if isinstance(period, HttpResponse):
        return period
    payload = {
        "period": period.code,
        "notes": suppression_note(),
        "indicators": [i.describe() for i in PUBLIC_INDICATORS],
        "rows": open_data_rows(public_table(period)),
    }
    response = HttpResponse(
        json.dumps(payload, ensure_ascii=False, indent=1), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="sinergi-{period.code}.json"'
    return _shareable(response)


DEFINITION_FIELDS = (
    "id",
    "group",
    "unit",
    "kind",
    "name_id",
    "name_en",
    "definition_id",
    "definition_en",
    "formula_id",
    "formula_en",
    "records_id",
    "records_en",
)


@require_GET
def definitions_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="sinergi-definitions.csv"'
    writer = exports.csv_dict_writer(response, fieldnames=DEFINITION_FIELDS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(i.describe() for i in CATALOGUE if i in PUBLIC_INDICATORS)
    return _shareable(response)
