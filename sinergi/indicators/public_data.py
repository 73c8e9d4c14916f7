"""The figures the public sees: every public indicator for one calendar month, for the
country, each region and each facility, with the suppression rules applied once over the
whole table (so every page and download shows the same hidden cells), and the partners'
contributions. Computed in a fixed number of queries and cached."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import DecimalField, Q, Sum
from django.db.models import Value as V
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.cooperation.models import Fulfilment
from sinergi.indicators.catalogue import (
    CATALOGUE,
    FACILITY,
    NATIONAL,
    REGION,
    Indicator,
    Query,
)
from sinergi.indicators.periods import MONTH, Period, PeriodError, month_of, parse_period
from sinergi.indicators.suppression import Published, suppress
from sinergi.orgs.models import Facility, Region

CACHE_SECONDS = 600
CACHE_VERSION = 1

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
    period = parse_period(text)
    if period.kind != MONTH:
        raise PeriodError(_("Public figures are published per calendar month (e.g. 2025-08)."))
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


@dataclass
class PublicTable:
    period: Period
    regions: list[tuple[int, str]]
    facilities: list[tuple[int, str, int, str]]  # id, name, region id, regency
    figures: dict[str, dict[Cell, Published]]
    month_contributions: dict[Cell, list[Contribution]] = field(default_factory=dict)
    year_contributions: dict[Cell, list[Contribution]] = field(default_factory=dict)

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
    for indicator in PUBLIC_INDICATORS:
        values: dict[Cell, Any] = {}
        base = Query(period)
        values[NATION] = indicator.compute(base)[None]
        for by in (REGION, FACILITY):
            for key, value in indicator.compute(base.with_by(by)).items():
                if (by, key) in known:
                    values[(by, key)] = value
        figures[indicator.id] = suppress(indicator.kind, values, tree)
    year = Period("custom", datetime.date(period.start.year, 1, 1), period.end)
    return PublicTable(
        period=period,
        regions=regions,
        facilities=facilities,
        figures=figures,
        month_contributions=contributions(period),
        year_contributions=contributions(year),
    )


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


def public_table(period: Period) -> PublicTable:
    """The table for ``period``, from the cache when another visitor asked recently."""
    key = f"indicators:public:{CACHE_VERSION}:{period.code}"
    table = cache.get(key)
    if table is None:
        table = build_table(period)
        cache.set(key, table, CACHE_SECONDS)
    return table


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
                }
            )
    return rows
