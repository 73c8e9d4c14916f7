"""What the dashboards show: the figures of an area for a period, charts with their data
tables, and comparisons between the facilities of a region or the regions of the
country. Each builder runs a fixed number of queries (one or two per indicator and chart,
one per list of names)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import TextChoices
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sinergi.cooperation.choices import CommitmentKind, RequestKind, RequestStatus
from sinergi.core.permissions import has_perm
from sinergi.core.scoping import scope_of
from sinergi.indicators.catalogue import (
    BY_ID,
    CATALOGUE,
    FACILITY,
    GROUPS,
    NATIONAL,
    PARTNER,
    REGION,
    UNITS,
    Indicator,
    Query,
    Value,
)
from sinergi.orgs.models import Facility, Partner, Region
from sinergi.programs.choices import CertificationScheme, ProgramCategory, ProgramKind
from sinergi.reintegration.choices import Pathway, ReleaseKind

CHOICES: dict[str, type[TextChoices]] = {
    "category": ProgramCategory,
    "kind": ProgramKind,
    "status": RequestStatus,
    "scheme": CertificationScheme,
    "pathway": Pathway,
}
CHOICES_FOR: dict[tuple[str, str], type[TextChoices]] = {
    ("cooperation.commitments_on_time", "kind"): CommitmentKind,
    ("cooperation.requests", "kind"): RequestKind,
    ("reintegration.released_with_plan", "kind"): ReleaseKind,
}
NAMED: dict[str, Any] = {FACILITY: Facility, REGION: Region, PARTNER: Partner}

# Where a dashboard's figures come from: the indicator's live computation, or the figures
# stored for a closed period (stored.source_for).
Source = Callable[[Indicator, Query], dict[Any, Value]]


def live(indicator: Indicator, q: Query) -> dict[Any, Value]:
    return indicator.compute(q)


@dataclass
class Row:
    indicator: Indicator
    value: Value

    @property
    def unit_label(self) -> Any:
        return UNITS[self.indicator.unit]


@dataclass
class Chart:
    id: str
    title: Any
    indicator: Indicator
    by: str
    rows: list[tuple[str, Value]] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)  # a link per row, when rows are areas
    keys: list[Any] = field(default_factory=list)  # the areas' ids, when rows are areas

    @property
    def unit(self) -> str:
        return self.indicator.unit

    @property
    def dom_id(self) -> str:
        return f"chart-{self.id}-data"

    @property
    def table(self) -> list[tuple[str, Value, str]]:
        urls = self.urls or [""] * len(self.rows)
        return [(label, value, url) for (label, value), url in zip(self.rows, urls, strict=True)]

    def data(self) -> dict[str, Any]:
        """What the chart script draws (the table beside it shows the same)."""
        return {
            "label": str(self.indicator.name),
            "unit": self.indicator.unit,
            "labels": [label for label, _v in self.rows],
            "values": [float(v.value) if v.value is not None else None for _l, v in self.rows],
        }


def labels_for(indicator: Indicator, by: str, keys: Iterable[Any]) -> dict[Any, str]:
    """Readable names for the keys of a grouping (one query for organisations)."""
    keys = list(keys)
    if by in NAMED:
        return dict(NAMED[by].objects.filter(pk__in=keys).values_list("pk", "name"))
    choices = CHOICES_FOR.get((indicator.id, by)) or CHOICES.get(by)
    names = dict(choices.choices) if choices else {}
    return {key: str(names.get(key, key)) for key in keys}


def chart(
    chart_id: str, title: Any, indicator_id: str, q: Query, by: str, source: Source = live
) -> Chart:
    indicator = BY_ID[indicator_id]
    found = source(indicator, q.with_by(by))
    names = labels_for(indicator, by, found)
    ordered = sorted(
        found.items(), key=lambda item: (-(item[1].value or 0), names.get(item[0], ""))
    )
    rows = [(names.get(key, str(key)), value) for key, value in ordered]
    urls, keys = [], []
    if by in (FACILITY, REGION):
        query = f"?period={q.period.code}"
        keys = [key for key, _v in ordered]
        urls = [reverse(f"indicators:{by}", args=[key]) + query for key in keys]
    return Chart(chart_id, title, indicator, by, rows, urls, keys)


def keep_links_the_reader_may_open(chart: Chart, user: Any) -> None:
    """Drop the links of a chart's rows to the dashboards of facilities or regions that
    ``user`` may not open (a partner reads its contributions by facility, not the
    facilities' dashboards: 404)."""
    if not chart.urls:
        return
    if scope_of(user).is_admin:
        return
    model: Any = Facility if chart.by == FACILITY else Region
    found = model.objects.only("pk", *(("region_id",) if chart.by == FACILITY else ())).in_bulk(
        chart.keys
    )
    perm = f"indicators.view_{chart.by}"
    chart.urls = [
        url if key in found and has_perm(user, perm, found[key]) else ""
        for key, url in zip(chart.keys, chart.urls, strict=True)
    ]


def grouped_rows(q: Query, level: str, source: Source = live) -> list[dict[str, Any]]:
    """The area's figures for every indicator shown at ``level``, by indicator group."""
    groups: dict[str, dict[str, Any]] = {}
    for indicator in CATALOGUE:
        if not indicator.shown_at(level):
            continue
        value = source(indicator, q.with_by(None)).get(None)
        if value is None:
            continue
        group = groups.setdefault(
            indicator.group, {"key": indicator.group, "title": GROUPS[indicator.group], "rows": []}
        )
        group["rows"].append(Row(indicator, value))
    return list(groups.values())


def comparison(q: Query, by: str, indicator_id: str, source: Source = live) -> Chart:
    indicator = BY_ID[indicator_id]
    title = _("%(indicator)s by facility") if by == FACILITY else _("%(indicator)s by region")
    return chart("comparison", title % {"indicator": indicator.name}, indicator_id, q, by, source)


def facility_charts(q: Query) -> list[Chart]:
    return [
        chart(
            "enrolled-category",
            _("Inmates in a program, by category"),
            "participation.enrolled_share",
            q,
            "category",
        ),
        chart(
            "certificates-category",
            _("Certificates issued, by category"),
            "participation.certificates",
            q,
            "category",
        ),
        chart(
            "hours-category",
            _("Training hours followed, by category"),
            "participation.training_hours",
            q,
            "category",
        ),
        *cooperation_charts(q),
    ]


# The cooperation charts of the facility, region and national dashboards: (id, title,
# indicator, grouping).
COOPERATION_CHARTS: tuple[tuple[str, Any, str, str], ...] = (
    ("requests-status", _("Requests to partners, by status"), "cooperation.requests", "status"),
    (
        "instructor-hours-partner",
        _("Instructor hours, by partner"),
        "cooperation.instructor_hours",
        PARTNER,
    ),
    (
        "equipment-partner",
        _("Equipment value, by partner"),
        "cooperation.equipment_value",
        PARTNER,
    ),
    (
        "referrals-partner",
        _("Referrals completed, by partner"),
        "reintegration.referrals_completed",
        PARTNER,
    ),
)


def cooperation_charts(q: Query, source: Source = live) -> list[Chart]:
    return [
        chart(chart_id, title, indicator_id, q, by, source)
        for chart_id, title, indicator_id, by in COOPERATION_CHARTS
    ]


def partner_charts(q: Query) -> list[Chart]:
    return [
        chart(
            "instructor-hours-facility",
            _("Instructor hours, by facility"),
            "cooperation.instructor_hours",
            q,
            FACILITY,
        ),
        chart(
            "equipment-facility",
            _("Equipment value, by facility"),
            "cooperation.equipment_value",
            q,
            FACILITY,
        ),
        chart(
            "requests-status",
            _("Requests to the partner, by status"),
            "cooperation.requests",
            q,
            "status",
        ),
        chart(
            "referrals-facility",
            _("Referrals completed, by facility"),
            "reintegration.referrals_completed",
            q,
            FACILITY,
        ),
    ]


COMPARABLE = [i for i in CATALOGUE if i.shown_at(REGION) and i.shown_at(FACILITY)]
DEFAULT_COMPARISON = "participation.enrolled_share"
LEVELS = (FACILITY, REGION, NATIONAL, PARTNER)
