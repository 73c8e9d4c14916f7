"""Public transparency pages at /publik/: no login, aggregates only, suppressed, cached."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from typing import Any

from django.contrib.messages import get_messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sinergi.core import exports
from sinergi.core.shared_cache import build_once
from sinergi.indicators.catalogue import CATALOGUE, FACILITY, GROUPS, REGION, UNITS
from sinergi.indicators.periods import Period, PeriodError
from sinergi.indicators.public_data import (
    CACHE_SECONDS,
    CACHE_VERSION,
    NATION,
    PUBLIC_INDICATORS,
    Cell,
    PublicTable,
    last_complete_month,
    month_generation,
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


def _context(table: PublicTable, error: str, **extra: Any) -> dict[str, Any]:
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


# Stand-ins for what differs between two anonymous visitors of the same public page: the
# CSRF token of the language form (one per visitor) and the address the form returns to.
CSRF_STAND_IN = "__sinergi_csrf_token__"
NEXT_STAND_IN = "__sinergi_language_next__"


def _page(
    request: HttpRequest, scope: str, build: Callable[[Period, str], tuple[str, str]]
) -> HttpResponse:
    """A public page in the site's layout. Its body (``build``: the title and the HTML of
    the figures of one scope and month) is the same for every visitor, so it is rendered
    once per scope, month and language, kept in the shared cache and dropped with the
    month's figures when they are revised (``public_data.forget``). For an anonymous
    visitor (the public) the whole page is kept too, with stand-ins for the visitor's CSRF
    token and address, filled in per request: a hit renders no template. A request naming
    a bad month shows the latest month with the error, rendered for it alone."""
    period, error = _period(request)
    if error:
        title, body = build(period, error)
        return _render_page(request, title, body)
    key = ":".join(
        (
            "indicators:public:page",
            str(CACHE_VERSION),
            month_generation(period),
            scope,
            period.code,
            last_complete_month().code,  # the month navigation ends there
            translation.get_language() or "",
        )
    )
    title, body = build_once(key, lambda: build(period, error), CACHE_SECONDS)
    if request.user.is_authenticated or len(get_messages(request)):
        return _render_page(request, title, body)
    whole = build_once(
        f"{key}:anonymous",
        lambda: render_to_string(
            "indicators/public_page.html",
            {
                "page_title": title,
                "body": mark_safe(body),  # noqa: S308 - rendered by our templates
                "csrf_token": CSRF_STAND_IN,
                "language_next": NEXT_STAND_IN,
            },
            request=request,
        ),
        CACHE_SECONDS,
    )
    return HttpResponse(
        whole.replace(CSRF_STAND_IN, get_token(request)).replace(
            NEXT_STAND_IN, escape(request.get_full_path())
        )
    )


def _render_page(request: HttpRequest, title: str, body: str) -> HttpResponse:
    return render(
        request,
        "indicators/public_page.html",
        {"page_title": title, "body": mark_safe(body)},  # noqa: S308 - rendered by our templates
    )


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    def build(period: Period, error: str) -> tuple[str, str]:
        table = public_table(period)
        query = f"?period={period.code}"
        cells = [
            ((REGION, pk), name, reverse("public:region", args=[pk]) + query)
            for pk, name in table.regions
        ]
        body = render_to_string(
            "indicators/public_index.html",
            _context(
                table,
                error,
                groups=_figures(table, NATION),
                comparison=_comparison(table, cells),
                contributions=table.month_contributions.get(NATION, []),
                year_contributions=table.year_contributions.get(NATION, []),
                area_name=_("Indonesia (all facilities on Sinergi)"),
            ),
        )
        return _("Transparency"), body

    return _page(request, "nation", build)


def _area_title(name: str) -> str:
    return f"{name} · {_('Transparency')}"


@require_GET
def region(request: HttpRequest, pk: int) -> HttpResponse:
    def build(period: Period, error: str) -> tuple[str, str]:
        table = public_table(period)
        names = dict(table.regions)
        if pk not in names:
            raise Http404
        query = f"?period={period.code}"
        cells = [
            ((FACILITY, f[0]), f[1], reverse("public:facility", args=[f[0]]) + query)
            for f in table.facilities_of(pk)
        ]
        body = render_to_string(
            "indicators/public_area.html",
            _context(
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
        return _area_title(names[pk]), body

    return _page(request, f"region:{pk}", build)


@require_GET
def facility(request: HttpRequest, pk: int) -> HttpResponse:
    def build(period: Period, error: str) -> tuple[str, str]:
        table = public_table(period)
        found = [f for f in table.facilities if f[0] == pk]
        if not found:
            raise Http404
        _pk, name, region_id, regency = found[0]
        note = table.revision_notes.get((FACILITY, pk))
        body = render_to_string(
            "indicators/public_area.html",
            _context(
                table,
                error,
                area_name=name,
                regency=regency,
                region=(region_id, dict(table.regions).get(region_id, "")),
                level="facility",
                groups=_figures(table, (FACILITY, pk)),
                revision_note=note,
                revised_edition=table.revised_editions.get((FACILITY, pk)),
                revised_ids=note.indicator_ids if note else set(),
                contributions=table.month_contributions.get((FACILITY, pk), []),
                year_contributions=table.year_contributions.get((FACILITY, pk), []),
            ),
        )
        return _area_title(name), body

    return _page(request, f"facility:{pk}", build)


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


def _open_data_file(period: Period, kind: str, build: Callable[[], str]) -> str:
    """An open-data file of ``period``, made once per month, kind and language (the JSON
    carries translated notes) and dropped with the month's figures when they are revised."""
    key = ":".join(
        (
            "indicators:public:file",
            str(CACHE_VERSION),
            month_generation(period),
            kind,
            period.code,
            translation.get_language() or "",
        )
    )
    return build_once(key, build, CACHE_SECONDS)


@require_GET
def open_data_csv(request: HttpRequest) -> HttpResponse:
    period = _open_data_period(request)
    if isinstance(period, HttpResponse):
        return period

    def build() -> str:
        out = io.StringIO()
        writer = exports.csv_dict_writer(out, fieldnames=OPEN_DATA_FIELDS)
        writer.writeheader()
        writer.writerows(open_data_rows(public_table(period)))
        return out.getvalue()

    response = HttpResponse(
        _open_data_file(period, "csv", build), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="sinergi-{period.code}.csv"'
    return _shareable(response)


@require_GET
def open_data_json(request: HttpRequest) -> HttpResponse:
    period = _open_data_period(request)
    if isinstance(period, HttpResponse):
        return period

    def build() -> str:
        payload = {
            "period": period.code,
            "notes": suppression_note(),
            "indicators": [i.describe() for i in PUBLIC_INDICATORS],
            "rows": open_data_rows(public_table(period)),
        }
        return json.dumps(payload, ensure_ascii=False, indent=1)

    response = HttpResponse(_open_data_file(period, "json", build), content_type="application/json")
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
