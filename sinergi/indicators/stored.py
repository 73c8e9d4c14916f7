"""Past periods are computed once: the figures of closed periods, stored.

A month, a quarter or a year that is over changes only by revision (an import or a
correction dated in it, a late record). So the national and regional dashboards do not
compute its figures on every request: the figures of the country and of each region are
stored once (:class:`StoredSet`, :class:`StoredFigure`) and read back in two queries.

What is stored, and why it is exact: for each area (the country, a region) the figures
exactly as the live computation gives them for that area, every indicator and grouping
its dashboard shows (:func:`specs`). Nothing is added up from other rows: figures that
count distinct people are not additive across facilities (a person transferred within
the period counts once in the region, once at each facility) nor across months, and a
median is not additive at all; an area's own stored figure is its own computation, so
reading it back gives the live figure. The country's set also holds every indicator by
facility (one query per indicator for the whole country, not one per facility): the
monthly figures of each facility, with which :func:`refresh` finds what a change moved.

When: :func:`store` computes a set under a lock (its row, ``select_for_update``), once:
at the month's close (``store_closed_month_task``, the ``store_figures`` command), or
by the first read of a closed period not stored yet (the other requests wait for it,
then read the stored set; see :func:`source_for`). The current month, quarter and year
stay live, kept a few minutes in the shared cache (:class:`Recent`); custom ranges are
computed on every request. :func:`refresh` recomputes, after a recorded change
(revision detection runs it: after every import and periodically), the stored periods
whose figures moved: the country's set and the sets of its regions.

Stays live, whatever the period: the requests by status, counted "by their status today"
(a request submitted in a past month moves between statuses in the normal course of
work, not by revision, so a stored count would be wrong the next day).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from sinergi.core.models import AuditEvent
from sinergi.core.shared_cache import build_once
from sinergi.indicators import dashboards
from sinergi.indicators.catalogue import (
    CATALOGUE,
    FACILITY,
    NATIONAL,
    PARTNER,
    REGION,
    Indicator,
    Query,
    Value,
)
from sinergi.indicators.models import StoredFigure, StoredSet
from sinergi.indicators.periods import MONTH, QUARTER, YEAR, Period, month_of, parse_period
from sinergi.indicators.reports import data_version
from sinergi.orgs.models import Facility, Region

logger = logging.getLogger(__name__)

STORED_KINDS = (MONTH, QUARTER, YEAR)
STORED_AREAS = (NATIONAL, REGION)
# Never stored: counted by the records' state today (see the module's docstring).
LIVE_ONLY = {("cooperation.requests", "status")}
ORGANISATIONS = (FACILITY, REGION, PARTNER)

Spec = tuple[Indicator, str | None]


def specs(area: str) -> list[Spec]:
    """What a set of ``area`` holds: each indicator and grouping its dashboard shows
    (the area's figures, the comparison, the cooperation charts); for the country, also
    every facility indicator by facility. The country's set thereby holds the public
    pages' table (each public indicator for the country, by region and by facility:
    tests/indicators/test_stored.py checks it), which public_data.build_table reads."""
    found: list[Spec] = [(i, None) for i in CATALOGUE if i.shown_at(area)]
    compared = REGION if area == NATIONAL else FACILITY
    found += [(i, compared) for i in dashboards.COMPARABLE]
    found += [
        (dashboards.BY_ID[indicator_id], by)
        for _id, _title, indicator_id, by in dashboards.COOPERATION_CHARTS
    ]
    if area == NATIONAL:
        found += [(i, FACILITY) for i in CATALOGUE if i.shown_at(FACILITY)]
    unique: dict[tuple[str, str | None], Spec] = {}
    for indicator, by in found:
        if (indicator.id, by) not in LIVE_ONLY and indicator.supports(by):
            unique.setdefault((indicator.id, by), (indicator, by))
    return list(unique.values())


def storable(period: Period, area: str, *, today: datetime.date | None = None) -> bool:
    """A closed month, quarter or year of the country or a region. Closed by the date in
    WIB, the westernmost zone: when its day is over, every facility's is."""
    today = today or timezone.localdate()
    return area in STORED_AREAS and period.kind in STORED_KINDS and period.end < today


def _area_id(area: str, area_id: int | None) -> int:
    return 0 if area == NATIONAL else int(area_id or 0)


# -- reading -----------------------------------------------------------------------------


def _key(by: str, text: str) -> Any:
    if not by:
        return None
    return int(text) if by in ORGANISATIONS else text


def _text(number: Decimal | None) -> str:
    return "" if number is None else str(number)


def _number(text: str) -> Decimal | None:
    return Decimal(text) if text else None


# A stored figure as read for a page: indicator, by, key, numerator, denominator, value.
Row = tuple[str, str, str, str, str, str]
ROW_FIELDS = ("indicator", "by", "key", "numerator", "denominator", "value")


class Stored:
    """The figures of a stored set; a source for the dashboards (dashboards.Source)."""

    def __init__(
        self,
        stored_set: StoredSet,
        rows: Iterable[StoredFigure | Row],
        *,
        with_facilities: bool = True,
    ) -> None:
        """``rows``: the set's figures (models or ``Row`` tuples). Without
        ``with_facilities``, the figures by facility are not part of it (the country's:
        thousands of rows, kept for revisions, shown by no dashboard): asked for, they
        are computed live."""
        self.stored_set = stored_set
        self.figures: dict[tuple[str, str | None], dict[Any, Value]] = {
            (indicator.id, by): {}
            for indicator, by in specs(stored_set.area)
            if with_facilities or by != FACILITY
        }
        for row in rows:
            indicator, by_text, key, numerator, denominator, value = (
                row
                if isinstance(row, tuple)
                else (row.indicator, row.by, row.key, row.numerator, row.denominator, row.value)
            )
            group = self.figures.get((indicator, by_text or None))
            if group is not None:
                group[_key(by_text, key)] = Value(
                    Decimal(numerator), _number(denominator), _number(value)
                )

    def covers(self, q: Query) -> bool:
        s = self.stored_set
        return (
            q.period.code == s.period
            and q.area == s.area
            and _area_id(q.area, q.area_id) == s.area_id
        )

    def __call__(self, indicator: Indicator, q: Query) -> dict[Any, Value]:
        found = self.figures.get((indicator.id, q.by)) if self.covers(q) else None
        if found is None:  # not stored (a grouping the dashboards do not show): live
            return indicator.compute(q)
        return dict(found)


class Recent:
    """The figures of an open period (this month, quarter or year) of the country or a
    region: computed live, then kept in the shared cache for
    ``settings.RECENT_FIGURES_SECONDS`` (built by one request while the others wait), so
    that a national dashboard read by many costs one computation every few minutes.
    ``as_of``: when the oldest figure it gave was computed (the page says so)."""

    def __init__(self) -> None:
        self.as_of: datetime.datetime | None = None

    def __call__(self, indicator: Indicator, q: Query) -> dict[Any, Value]:
        key = ":".join(
            (
                "indicators:recent",
                q.period.code,
                q.area,
                str(q.area_id or 0),
                q.by or "",
                indicator.id,
            )
        )
        at, found = build_once(
            key,
            lambda: (timezone.now(), indicator.compute(q)),
            settings.RECENT_FIGURES_SECONDS,
        )
        self.as_of = at if self.as_of is None else min(self.as_of, at)
        return dict(found)


def load(
    period: Period, area: str, area_id: int | None, *, with_facilities: bool | None = None
) -> Stored | None:
    """The stored set of the area for the period, if it was computed (two queries). The
    country's figures by facility are read only ``with_facilities`` (the public pages'
    table): they are for revisions and the public table, its dashboard compares regions."""
    found = StoredSet.objects.filter(
        period=period.code,
        area=area,
        area_id=_area_id(area, area_id),
        computed_at__isnull=False,
    ).first()
    if found is None:
        return None
    rows = StoredFigure.objects.filter(stored_set=found)
    if with_facilities is None:
        with_facilities = area != NATIONAL
    if not with_facilities:
        rows = rows.exclude(by=FACILITY)
    return Stored(found, rows.values_list(*ROW_FIELDS), with_facilities=with_facilities)


def source_for(q: Query, *, with_facilities: bool | None = None) -> dashboards.Source:
    """Where the dashboards of ``q`` read their figures: the stored set of a closed
    period, else the live computation. A closed period not stored yet is stored by this
    first read, under the set's lock: the requests asking for it meanwhile wait for that
    one and read what it stored instead of computing it too. Inside a transaction (an
    atomic request, a test) it is stored by a task once the transaction commits.
    ``with_facilities`` as for :func:`load` (the public table reads the country's set
    with its rows by facility)."""
    if not storable(q.period, q.area):
        if (
            q.area in STORED_AREAS
            and q.period.kind in STORED_KINDS
            and settings.RECENT_FIGURES_SECONDS > 0
        ):
            return Recent()
        return dashboards.live
    found = load(q.period, q.area, q.area_id, with_facilities=with_facilities)
    if found is not None:
        return found
    code, area, area_id = q.period.code, q.area, _area_id(q.area, q.area_id)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _enqueue(code, area, area_id))
        return dashboards.live
    store_read(q.period, area, area_id)
    return load(q.period, q.area, q.area_id, with_facilities=with_facilities) or dashboards.live


def store_read(period: Period, area: str, area_id: int) -> None:
    """Store a closed period read before it was stored: the area's set, and the
    country's, by which revisions are found."""
    store(period, NATIONAL)
    if area != NATIONAL:
        store(period, area, area_id)


def _enqueue(code: str, area: str, area_id: int) -> None:
    from sinergi.indicators.tasks import store_figures_task

    store_figures_task.enqueue(code, area, area_id)


# -- storing -----------------------------------------------------------------------------


def _compute(area: str, area_id: int, period: Period) -> list[StoredFigure]:
    q = Query(period, area, area_id or None)
    rows = []
    for indicator, by in specs(area):
        for key, value in indicator.compute(q.with_by(by)).items():
            rows.append(
                StoredFigure(
                    indicator=indicator.id,
                    by=by or "",
                    key="" if key is None else str(key),
                    numerator=str(value.numerator),
                    denominator=_text(value.denominator),
                    value=_text(value.value),
                )
            )
    return rows


def store(
    period: Period, area: str, area_id: int | None = None, *, again: bool = False
) -> StoredSet:
    """Compute and store the set of the area for the closed period, once: a set already
    computed is left as it is unless ``again`` (a revision). Under the set's lock, so
    that requests and workers asking at the same time compute it once."""
    if not storable(period, area):
        raise ValueError(f"{period.code} of {area} is not a closed period that is stored")
    ident = {"period": period.code, "area": area, "area_id": _area_id(area, area_id)}
    version = data_version()  # before reading: a change during the read makes it stale
    with transaction.atomic():
        row, _created = StoredSet.objects.get_or_create(
            **ident, defaults={"period_kind": period.kind}
        )
        row = StoredSet.objects.select_for_update().get(pk=row.pk)
        if row.computed_at is not None and not again:
            return row
        _replace(row, _compute(area, row.area_id, period), version)
    return row


def _replace(row: StoredSet, figures: list[StoredFigure], version: int) -> None:
    """The set's figures are now ``figures``, read at ``version`` (under its lock)."""
    row.figures.all().delete()
    for figure in figures:
        figure.stored_set = row
    StoredFigure.objects.bulk_create(figures, batch_size=1000)
    row.computed_at = timezone.now()
    row.data_version = version
    row.save(update_fields=["computed_at", "data_version"])


def closing(month: Period) -> list[Period]:
    """The month, and the quarter and the year it closes."""
    periods = [month]
    if month.start.month % 3 == 0:
        periods.append(parse_period(f"{month.start.year}-Q{month.start.month // 3}"))
    if month.start.month == 12:
        periods.append(parse_period(str(month.start.year)))
    return periods


def containing(month: Period) -> list[Period]:
    """The month, its quarter and its year."""
    quarter = (month.start.month - 1) // 3 + 1
    return [
        month,
        parse_period(f"{month.start.year}-Q{quarter}"),
        parse_period(str(month.start.year)),
    ]


def store_month(
    month: Period, *, region_ids: Iterable[int] | None = None, again: bool = False
) -> list[StoredSet]:
    """The sets of a closed month (and of the quarter and year it closes): the country's
    and each region's (or the regions named)."""
    regions = list(
        Region.objects.values_list("pk", flat=True) if region_ids is None else region_ids
    )
    done = []
    for period in closing(month):
        if not storable(period, NATIONAL):
            continue
        done.append(store(period, NATIONAL, again=again))
        done += [store(period, REGION, pk, again=again) for pk in regions]
    return done


def store_for_facility(month: Period, facility: Facility) -> list[StoredSet]:
    """A revision of the facility's month: its sets computed again, the country's and
    its region's, for the month and for the stored quarter and year holding it."""
    done = []
    for period in containing(month):
        if not storable(period, NATIONAL):
            continue
        if period != month and not StoredSet.objects.filter(period=period.code).exists():
            continue  # a quarter or a year never read stays unstored
        done.append(store(period, NATIONAL, again=True))
        done.append(store(period, REGION, facility.region_id, again=True))
    return done


def last_closed_month(today: datetime.date | None = None) -> Period:
    today = today or timezone.localdate()
    return month_of(today).previous()


# -- revisions ---------------------------------------------------------------------------


def refresh(facility_ids: Iterable[int] | None = None) -> list[StoredSet]:
    """Recompute the stored periods a recorded change moved. A period is looked at when
    a change (an audit event of CHANGE_ACTIONS, of the facilities given or any) came
    after its country set was read: the country's set is computed again (its figures,
    by region, by facility and by partner: every record of the country counts in one
    of them) and compared with the stored one. When any figure differs, it replaces the
    stored one and every stored region set of the period is computed again (a record
    may count in a region other than its facility's: a Kanwil's agreement, a delivery
    against another facility's commitment). When none differs, the set is marked read
    at the new version, and nothing else is computed. A month computed again drops its
    cached public table (read from the country's set): it is built again from the new
    figures at its next read."""
    from sinergi.indicators.revisions import CHANGE_ACTIONS, month_changed

    changes = AuditEvent.objects.filter(action__in=CHANGE_ACTIONS)
    if facility_ids is not None:
        changes = changes.filter(facility_id__in=list(facility_ids))
    latest = changes.aggregate(last=Max("pk"))["last"] or 0
    today = timezone.localdate()
    done: list[StoredSet] = []
    stale = StoredSet.objects.filter(
        area=NATIONAL, computed_at__isnull=False, data_version__lt=latest
    ).order_by("period")
    for stale_set in stale:
        period = parse_period(stale_set.period)
        if not storable(period, NATIONAL, today=today):
            continue
        version = data_version()
        figures = _compute(NATIONAL, 0, period)
        with transaction.atomic():
            row = StoredSet.objects.select_for_update().get(pk=stale_set.pk)
            was = Stored(row, StoredFigure.objects.filter(stored_set=row)).figures
            if Stored(row, figures).figures == was:
                StoredSet.objects.filter(pk=row.pk).update(data_version=version)
                continue
            logger.info("Stored figures of %s computed again (revision)", row.period)
            _replace(row, figures, version)
        if period.kind == MONTH:
            month_changed(period.start)
        done.append(row)
        regions = StoredSet.objects.filter(period=row.period, area=REGION)
        done += [
            store(period, REGION, pk, again=True)
            for pk in regions.values_list("area_id", flat=True)
        ]
    return done
