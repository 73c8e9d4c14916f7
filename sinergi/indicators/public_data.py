"""The figures the public sees: every public indicator for one calendar month, for the
country, each region and each facility, with the suppression rules applied once over the
whole table (so every page and download shows the same hidden cells), and the partners'
contributions. Computed in a fixed number of queries and cached."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.core.cache import cache
from django.db.models import DecimalField, Max, OuterRef, Q, Subquery, Sum
from django.db.models import Value as V
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.cooperation.models import Fulfilment
from sinergi.core.shared_cache import build_once, generation, new_generation
from sinergi.indicators import revisions, stored
from sinergi.indicators.catalogue import (
    CATALOGUE,
    FACILITY,
    NATIONAL,
    REGION,
    Indicator,
    Query,
)
from sinergi.indicators.dashboards import live as live_figures
from sinergi.indicators.models import ReportEdition, Revision
from sinergi.indicators.periods import MONTH, Period, PeriodError, month_of, parse_period
from sinergi.indicators.suppression import SMALL, Published, suppress
from sinergi.orgs.models import Facility, Region

CACHE_SECONDS = 600
CACHE_VERSION = 3  # the table names the revised editions

Cell = tuple[str, int | None]
NATION: Cell = (NATIONAL, None)

PUBLIC_INDICATORS: tuple[Indicator, ...] = tuple(i for i in CATALOGUE if NATIONAL in i.levels)


def last_complete_month(today: datetime.date | None = None) -> Period:
    today = today or timezone.localdate()
    return month_of(today.replace(day=1) - datetime.timedelta(days=1))


def public_period(text: str | None) -> Period:
    """The month the public asked for; only whole calendar months up to the last
    complete one are published."""
    if not text:
        return last_complete_month()
    months_only = _("Public figures are published per calendar month (e.g. 2025-08).")
    try:
        period = parse_period(text)
    except PeriodError:
        # Not the dashboards' hint (a quarter, a year, two days): none is published.
        raise PeriodError(months_only) from None
    if period.kind != MONTH:
        raise PeriodError(months_only)
    if period.end > last_complete_month().end:
        raise PeriodError(_("Figures of a month are published once the month is over."))
    return period


@dataclass
class Contribution:
    partner_id: int
    partner_name: str
    instructor_hours: Decimal = Decimal(0)
    equipment_rupiah: Decimal = Decimal(0)
    other_rupiah: Decimal = Decimal(0)


@dataclass(frozen=True)
class PublicChange:
    indicator_id: str
    text: str  # "was X, now Y", or why the figures are withheld


@dataclass(frozen=True)
class PublicReason:
    kind: str  # "import" | "correction"
    label: str
    at: datetime.datetime


@dataclass
class PublicNote:
    """ "Revised since sign-off" on a public page: no names, small numbers withheld."""

    edition: int
    signed_on: datetime.date
    changes: list[PublicChange]
    reasons: list[PublicReason]
    number: int

    @property
    def indicator_ids(self) -> set[str]:
        return {c.indicator_id for c in self.changes}


@dataclass
class PublicTable:
    period: Period
    regions: list[tuple[int, str]]
    facilities: list[tuple[int, str, int, str]]  # id, name, region id, regency
    figures: dict[str, dict[Cell, Published]]
    month_contributions: dict[Cell, list[Contribution]] = field(default_factory=dict)
    year_contributions: dict[Cell, list[Contribution]] = field(default_factory=dict)
    # The month's revision number of each cell: None when no facility in it signed the
    # month; 0 for first editions; then 1 for each change of the published figures.
    revision_numbers: dict[Cell, int | None] = field(default_factory=dict)
    # What changed in each facility's signed figures, as the public may see it.
    revision_notes: dict[Cell, PublicNote] = field(default_factory=dict)
    # The facilities whose month was signed again: (edition number, day it was signed).
    revised_editions: dict[Cell, tuple[int, datetime.date]] = field(default_factory=dict)

    def figure(self, indicator_id: str, cell: Cell) -> Published:
        return self.figures[indicator_id][cell]

    def facilities_of(self, region_id: int) -> list[tuple[int, str, int, str]]:
        return [f for f in self.facilities if f[2] == region_id]


def build_table(period: Period) -> PublicTable:
    regions = list(Region.objects.order_by("name").values_list("pk", "name"))
    facilities = list(
        Facility.objects.filter(is_active=True)
        .order_by("region__name", "name")
        .values_list("pk", "name", "region_id", "regency")
    )
    tree: dict[Cell, list[Cell]] = {NATION: [(REGION, pk) for pk, _ in regions]}
    for pk, _name, region_id, _regency in facilities:
        tree.setdefault((REGION, region_id), []).append((FACILITY, pk))
    known = {cell for children in tree.values() for cell in children} | {NATION}
    figures: dict[str, dict[Cell, Published]] = {}
    live: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)  # facility -> figures
    # The month's figures as stored for the country (every public indicator, by region and
    # by facility; kept up to date by revision detection): at national scale computing
    # them took 10-22 s, reading them well under one. A month not stored yet (the daily
    # `store_figures` has not run) is stored by this first read, as a dashboard's first
    # read stores it, so that the builds after the next revisions or cache expiries read it.
    source: Any = (
        stored.source_for(Query(period), with_facilities=True)
        if stored.storable(period, NATIONAL)
        else live_figures
    )
    for indicator in PUBLIC_INDICATORS:
        values: dict[Cell, Any] = {}
        base = Query(period)
        values[NATION] = source(indicator, base)[None]
        for by in (REGION, FACILITY):
            for key, value in source(indicator, base.with_by(by)).items():
                if (by, key) in known:
                    values[(by, key)] = value
        figures[indicator.id] = suppress(indicator.kind, values, tree)
        for (by, key), value in values.items():
            if by == FACILITY and key is not None:
                live[key][indicator.id] = value.as_dict()
    numbers, notes, editions = public_revisions(period, facilities, live, figures)
    year = Period("custom", datetime.date(period.start.year, 1, 1), period.end)
    return PublicTable(
        period=period,
        regions=regions,
        facilities=facilities,
        figures=figures,
        month_contributions=contributions(period),
        year_contributions=contributions(year),
        revision_numbers=numbers,
        revision_notes=notes,
        revised_editions=editions,
    )


def withheld(was: Mapping[str, Any], now: Mapping[str, Any]) -> bool:
    """Whether "was X, now Y" could reveal a count from 1 to 4: a small part, or a
    small difference between the parts (that many people added or removed)."""
    for key in ("numerator", "denominator"):
        a, b = was.get(key), now.get(key)
        for n in (a, b, (a - b) if a is not None and b is not None else None):
            if n is not None and abs(Decimal(str(n))) in SMALL:
                return True
        if key == "numerator" and was.get("denominator") is not None:
            rests = [
                Decimal(str(f["denominator"])) - Decimal(str(f["numerator"] or 0))
                for f in (was, now)
                if f.get("denominator") is not None
            ]
            if any(r in SMALL for r in rests):
                return True
    return False


class _Signed(NamedTuple):
    """What the public table reads of a facility's latest signed edition of the month."""

    number: int
    signed_off_at: datetime.datetime
    indicators: list[dict[str, Any]] | None
    data_version: int | None


def _latest_editions(period: Period) -> dict[int, _Signed]:
    """The latest signed edition of the month of each active facility, by facility: its
    number, when it was signed, and of its figures only the indicators and the data
    version they were read at. An edition keeps the whole report (its lists and charts,
    some 55 kB, fifteen times its indicators): reading and decoding every edition of the
    country's month took most of a cold build of the public table."""
    newest = (
        ReportEdition.objects.filter(report=OuterRef("report"))
        .order_by("-number")
        .values("number")[:1]
    )
    rows = (
        ReportEdition.objects.filter(
            report__month=period.start,
            report__facility__is_active=True,
            number=Subquery(newest),
        )
        .order_by("report__facility_id")
        .values_list(
            "report__facility_id",
            "number",
            "signed_off_at",
            "data__indicators",
            "data__data_version",
        )
    )
    return {facility_id: _Signed(*values) for facility_id, *values in rows}


def public_revisions(
    period: Period,
    facilities: list[tuple[int, str, int, str]],
    live: Mapping[int, Mapping[str, Mapping[str, Any]]],
    figures: Mapping[str, Mapping[Cell, Published]],
) -> tuple[dict[Cell, int | None], dict[Cell, PublicNote], dict[Cell, tuple[int, datetime.date]]]:
    """The revision numbers of the month, the public notes of revised facilities and the
    revised editions signed (number and day) of the facilities that signed the month again.

    Signed months whose public figures changed are detected here (recorded as revisions,
    once); the table is built once per cache period, so at most that often."""
    latest = _latest_editions(period)
    notes: dict[Cell, PublicNote] = {}
    facility_by_id = {f[0]: f for f in facilities}
    changed = {
        fid: revisions.compare(revisions.figures_of(e.indicators or []), live.get(fid, {}))
        for fid, e in latest.items()
    }
    revised = [fid for fid, changes in changed.items() if changes and fid in facility_by_id]
    for facility in Facility.objects.filter(pk__in=revised).order_by("pk"):
        revisions.detect(facility, period.start)
    numbers_found = dict(
        Revision.objects.filter(month=period.start, facility_id__in=list(latest))
        .values("facility_id")
        .annotate(n=Max("number"))
        .values_list("facility_id", "n")
        .order_by()
    )
    numbers: dict[Cell, int | None] = {}
    for fid in latest:
        numbers[(FACILITY, fid)] = numbers_found.get(fid, 0)
    for fid, changes in changed.items():
        if not changes:
            continue
        edition = latest[fid]
        reasons, _total = revisions.reasons_since(
            fid, int(edition.data_version or 0), [c.indicator for c in changes]
        )
        shown = []
        for change in changes:
            now = (
                figures[change.indicator].get((FACILITY, fid))
                if change.indicator in figures
                else None
            )
            if now is None:
                continue
            if now.flag or withheld(change.was, change.now):
                text = _("revised; the figures are withheld (small numbers)")
            else:
                text = revisions.describe(change)
            shown.append(PublicChange(change.indicator, text))
        if shown:
            notes[(FACILITY, fid)] = PublicNote(
                edition=edition.number,
                signed_on=timezone.localdate(edition.signed_off_at),
                changes=shown,
                reasons=[PublicReason(r.kind, r.label, r.at) for r in reasons],
                number=numbers[(FACILITY, fid)] or 0,
            )
    # A region or the country: the revisions of its facilities, added up.
    region_of = {f[0]: f[2] for f in facilities}
    for fid in latest:
        n = numbers[(FACILITY, fid)] or 0
        cells: list[Cell] = [NATION]
        if fid in region_of:
            cells.append((REGION, region_of[fid]))
        for cell in cells:
            numbers[cell] = (numbers.get(cell) or 0) + n
    editions: dict[Cell, tuple[int, datetime.date]] = {
        (FACILITY, fid): (edition.number, timezone.localdate(edition.signed_off_at))
        for fid, edition in latest.items()
        if edition.number > 1
    }
    return numbers, notes, editions


def contributions(period: Period) -> dict[Cell, list[Contribution]]:
    """What each partner delivered, per facility, region and the country (one query)."""
    zero = V(Decimal(0), output_field=DecimalField(max_digits=15, decimal_places=2))
    instructor = Q(request__kind="instructor") | Q(
        request__isnull=True, commitment__kind="instructors"
    )
    equipment = Q(request__kind="equipment") | Q(request__isnull=True, commitment__kind="equipment")
    rows = (
        Fulfilment.objects.filter(delivered_on__gte=period.start, delivered_on__lte=period.end)
        .annotate(
            _facility=Coalesce("request__facility", "commitment__agreement__facility"),
            _region=Coalesce(
                "request__facility__region",
                "commitment__agreement__facility__region",
                "commitment__agreement__region",
            ),
        )
        .values("_facility", "_region", "partner", "partner__name")
        .annotate(
            hours=Coalesce(Sum("quantity", filter=instructor), zero),
            equipment=Coalesce(Sum("value_rupiah", filter=equipment), zero),
            other=Coalesce(Sum("value_rupiah", filter=~instructor & ~equipment), zero),
        )
        .order_by()
    )
    table: dict[Cell, dict[int, Contribution]] = defaultdict(dict)
    for row in rows:
        cells: list[Cell] = [NATION]
        if row["_region"]:
            cells.append((REGION, row["_region"]))
        if row["_facility"]:
            cells.append((FACILITY, row["_facility"]))
        for cell in cells:
            entry = table[cell].setdefault(
                row["partner"], Contribution(row["partner"], row["partner__name"])
            )
            entry.instructor_hours += row["hours"]
            entry.equipment_rupiah += row["equipment"]
            entry.other_rupiah += row["other"]
    return {
        cell: sorted(
            entries.values(),
            key=lambda c: (-(c.equipment_rupiah + c.other_rupiah), -c.instructor_hours),
        )
        for cell, entries in table.items()
    }


def _cache_key(period: Period) -> str:
    return f"indicators:public:{CACHE_VERSION}:{period.code}"


def month_generation(period: Period) -> str:
    """The version of ``period``'s public figures: every page and file rendered from
    them is kept under it, so ``forget`` drops them all at once."""
    return generation(f"indicators:public:{period.code}")


def forget(month: datetime.date) -> None:
    """Drop the cached public figures of ``month`` (revised, or signed again): the table
    holds every facility, region and the country, so each is built again at its next read;
    the pages and open-data files rendered from it go with it."""
    period = month_of(month)
    cache.delete(_cache_key(period))
    new_generation(f"indicators:public:{period.code}")


def public_table(period: Period) -> PublicTable:
    """The table for ``period``, from the cache when another visitor asked recently;
    built by one request when many ask for it at once."""
    return build_once(_cache_key(period), lambda: build_table(period), CACHE_SECONDS)


def open_data_rows(table: PublicTable) -> list[dict[str, Any]]:
    """The aggregates as flat rows (country, regions, facilities) for CSV and JSON."""
    region_names = dict(table.regions)
    rows: list[dict[str, Any]] = []
    cells: list[tuple[Cell, str, int | None, str]] = [(NATION, "national", None, "")]
    cells += [((REGION, pk), "region", pk, "") for pk, _name in table.regions]
    cells += [
        ((FACILITY, pk), "facility", region_id, name)
        for pk, name, region_id, _regency in table.facilities
    ]
    for indicator in PUBLIC_INDICATORS:
        for cell, level, region_id, facility_name in cells:
            figure = table.figure(indicator.id, cell)
            rows.append(
                {
                    "period": table.period.code,
                    "level": level,
                    "region_id": region_id,
                    "facility_id": cell[1] if level == "facility" else None,
                    "region": region_names.get(region_id, "") if region_id else "",
                    "facility": facility_name,
                    "indicator": indicator.id,
                    "unit": indicator.unit,
                    **figure.as_dict(),
                    "revision": table.revision_numbers.get(cell),
                }
            )
    return rows
