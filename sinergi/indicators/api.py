"""Indicators in the API: the catalogue, values for a scope and period, and the public,
suppressed figures."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import ValidationError
from ninja.pagination import paginate

from sinergi.core.api import PageNumber, api_user, errors
from sinergi.core.permissions import has_perm
from sinergi.indicators import revisions, stored
from sinergi.indicators.catalogue import (
    BY_ID,
    CATALOGUE,
    FACILITY,
    NATIONAL,
    PARTNER,
    REGION,
    Query,
)
from sinergi.indicators.models import Revision
from sinergi.indicators.periods import PeriodError, parse_period
from sinergi.indicators.public_data import NATION, PUBLIC_INDICATORS, public_period, public_table
from sinergi.indicators.suppression import suppression_note
from sinergi.orgs.models import Facility, Partner, Region

router = Router(tags=["indicators"])


class IndicatorOut(Schema):
    id: str
    group: str
    unit: str
    kind: str
    levels: list[str]
    breakdowns: list[str]
    name_id: str
    name_en: str
    definition_id: str
    definition_en: str
    formula_id: str
    formula_en: str
    records_id: str
    records_en: str


class FigureOut(Schema):
    key: str | int | None
    numerator: int | float | None
    denominator: int | float | None
    value: int | float | None


class IndicatorValuesOut(Schema):
    id: str
    unit: str
    kind: str
    values: list[FigureOut]


class ValuesOut(Schema):
    scope: str
    period: str
    period_start: str
    period_end: str
    by: str | None
    indicators: list[IndicatorValuesOut]


class PublicFigureOut(Schema):
    numerator: int | float | None
    denominator: int | float | None
    value: int | float | None
    flag: str


class PublicIndicatorOut(Schema):
    id: str
    unit: str
    kind: str
    figure: PublicFigureOut


class PublicValuesOut(Schema):
    scope: str
    period: str
    notes: str
    indicators: list[PublicIndicatorOut]


@router.get(
    "/indicators",
    response={200: list[IndicatorOut], **errors(401)},
    summary="The indicator catalogue",
)
def catalogue(request: HttpRequest) -> list[dict[str, Any]]:
    return [indicator.describe() for indicator in CATALOGUE]


def _invalid(field: str, message: str) -> ValidationError:
    """A query parameter the API cannot take: a 422 naming it, like a schema error."""
    return ValidationError([{"loc": ("query", field), "msg": message}])


def _scope(user: Any, scope: str) -> tuple[str, int | None]:
    """``national``, ``region:ID``, ``facility:ID`` or ``partner:ID``, if the user may."""
    kind, _sep, raw = scope.partition(":")
    if kind == NATIONAL and not raw:
        if not has_perm(user, "indicators.view_national"):
            raise PermissionDenied(_("Only administrators read the national figures."))
        return NATIONAL, None
    models = {FACILITY: Facility, REGION: Region, PARTNER: Partner}
    if kind not in models or not (raw.isascii() and raw.isdigit()):
        raise _invalid(
            "scope",
            "scope must be national, region:ID, facility:ID or partner:ID (e.g. facility:3).",
        )
    obj = get_object_or_404(models[kind], pk=int(raw))
    if not has_perm(user, f"indicators.view_{kind}", obj):
        raise Http404
    return kind, obj.pk


@router.get(
    "/indicators/values",
    response={200: ValuesOut, **errors(401, 403, 404, 422)},
    summary="Indicator values with numerator and denominator",
)
def values(
    request: HttpRequest,
    scope: str,
    period: str,
    indicator: str = "",
    by: str = "",
) -> dict[str, Any]:
    """``scope``: national, region:ID, facility:ID or partner:ID. ``period``: 2025-08,
    2025-Q3, 2025 or 2025-08-01..2025-09-15. ``indicator``: ids separated by commas
    (all when empty). ``by``: facility, region, partner or a breakdown (category, kind,
    status…)."""
    user = api_user(request)
    area, area_id = _scope(user, scope)
    try:
        chosen_period = parse_period(period)
    except PeriodError as exc:
        raise _invalid("period", str(exc)) from exc
    wanted = [i for i in indicator.split(",") if i] if indicator else [i.id for i in CATALOGUE]
    unknown = [i for i in wanted if i not in BY_ID]
    if unknown:
        raise _invalid("indicator", f"Unknown indicator: {', '.join(unknown)}.")
    q = Query(chosen_period, area, area_id, by or None)
    level = area if area != NATIONAL else NATIONAL
    source = stored.source_for(q)  # a closed period of the country or a region: stored
    out = []
    for indicator_id in wanted:
        item = BY_ID[indicator_id]
        if not item.shown_at(level) or not item.supports(q.by):
            continue
        out.append(
            {
                "id": item.id,
                "unit": item.unit,
                "kind": item.kind,
                "values": [
                    {"key": key, **value.as_dict()} for key, value in source(item, q).items()
                ],
            }
        )
    return {
        "scope": scope,
        "period": chosen_period.code,
        "period_start": chosen_period.start.isoformat(),
        "period_end": chosen_period.end.isoformat(),
        "by": q.by,
        "indicators": out,
    }


@router.get(
    "/public/indicators",
    response={200: PublicValuesOut, **errors(404, 422)},
    auth=None,
    url_name="public_indicators",
    summary="Public figures (no login; small counts suppressed)",
)
def public_values(
    request: HttpRequest, period: str = "", scope: str = "national"
) -> dict[str, Any]:
    """The figures of the transparency pages: ``scope`` national, region:ID or facility:ID;
    ``period`` a past calendar month (the last complete month when empty). Counts from 1
    to 4 and the figures that would reveal them are null, with ``flag`` "<5" or "x"."""
    try:
        chosen = public_period(period or None)
    except PeriodError as exc:
        raise _invalid("period", str(exc)) from exc
    table = public_table(chosen)
    kind, _sep, raw = scope.partition(":")
    if scope == NATIONAL:
        cell: tuple[str, int | None] = NATION
    elif kind in (REGION, FACILITY) and raw.isascii() and raw.isdigit():
        cell = (kind, int(raw))
        known = {pk for pk, *_rest in (table.regions if kind == REGION else table.facilities)}
        if cell[1] not in known:
            raise Http404
    else:
        raise _invalid("scope", "scope must be national, region:ID or facility:ID.")
    return {
        "scope": scope,
        "period": chosen.code,
        "notes": suppression_note(),
        "indicators": [
            {
                "id": i.id,
                "unit": i.unit,
                "kind": i.kind,
                "figure": table.figure(i.id, cell).as_dict(),
            }
            for i in PUBLIC_INDICATORS
        ],
    }


class RevisionFiguresOut(Schema):
    numerator: int | float | None = None
    denominator: int | float | None = None
    value: int | float | None = None


class RevisionReasonOut(Schema):
    action: str
    by: str = ""
    at: str
    record: str = ""
    url: str = ""


class RevisionOut(Schema):
    id: int
    facility_id: int
    month: str
    revision: int
    indicator: str
    was: RevisionFiguresOut
    now: RevisionFiguresOut
    reasons: list[RevisionReasonOut]
    detected_at: str
    edition: int
    resolved_by_edition: int | None

    @staticmethod
    def resolve_month(obj: Revision) -> str:
        return f"{obj.month:%Y-%m}"

    @staticmethod
    def resolve_revision(obj: Revision) -> int:
        return obj.number

    @staticmethod
    def resolve_reasons(obj: Revision) -> list[dict[str, Any]]:
        return [reason.as_dict() for reason in revisions.stored_reasons(obj)]

    @staticmethod
    def resolve_detected_at(obj: Revision) -> str:
        return obj.detected_at.isoformat()

    @staticmethod
    def resolve_edition(obj: Revision) -> int:
        return obj.edition.number

    @staticmethod
    def resolve_resolved_by_edition(obj: Revision) -> int | None:
        return obj.resolved_by.number if obj.resolved_by else None


@router.get(
    "/revisions",
    response={200: list[RevisionOut], **errors(401, 422)},
    summary="Revisions of signed monthly figures (facilities whose reports you read)",
)
@paginate(PageNumber)
def list_revisions(
    request: HttpRequest, facility: int | None = None, month: str = ""
) -> QuerySet[Revision]:
    """Each change of a figure after its monthly report was signed: was, now, the
    records that changed (``reasons``), the edition it revises and the edition that
    signed it again. ``month``: 2025-08."""
    found = revisions.in_scope(Revision.objects.all(), api_user(request)).select_related(
        "edition", "resolved_by"
    )
    if facility is not None:
        found = found.filter(facility_id=facility)
    if month:
        try:
            chosen = parse_period(month)
        except PeriodError as exc:
            raise _invalid("month", str(exc)) from exc
        found = found.filter(month=chosen.start.replace(day=1))
    return found.order_by("-detected_at", "-pk")
