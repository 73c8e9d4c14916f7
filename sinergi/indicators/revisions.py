"""Revisions of signed figures, as a statistics office does them.

A signed monthly report is frozen in its editions (:class:`ReportEdition`): the figures
with their numerators and denominators, and the data version (the last audit event when
they were read). When the live figures of a signed month later differ, the difference is
a revision: "was X, now Y", with its reason, the records that changed after the data
version (an import, a correction: what, by whom, when).

:func:`compare` is generic over the indicators of the catalogue: whatever a snapshot and
the live figures both hold is compared. :func:`detect` records the revisions found (once:
the same change is not recorded twice) and :func:`note` tells a page what to show. Each
runs a fixed number of queries, whatever the number of records.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import CharField, Max, Q
from django.db.models.functions import Cast
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.core.audit_actions import AuditAction
from sinergi.core.models import AuditEvent
from sinergi.indicators import catalogue
from sinergi.indicators.models import MonthlyReport, ReportEdition, Revision
from sinergi.indicators.periods import month_of
from sinergi.indicators.queries import viewable_facilities
from sinergi.indicators.reports import data_version, format_figure, indicator_figures
from sinergi.orgs.models import Facility

Figures = Mapping[str, Mapping[str, Any]]  # indicator id -> numerator, denominator, value

IMPORT_ACTIONS = ("import.finish",)

# Which recorded actions can move which figure: a reason is shown for a revision only when
# its action touches the records the revised indicator counts (catalogue ``records``).
# Changes of people and their custody (imports, status, sentences) move every figure
# counted over the people in custody; the administrators' changes may touch anything, so
# they are always kept. An indicator not listed here keeps every change action.
_PEOPLE = (
    "import.finish",
    "inmate.create",
    "inmate.update",
    "inmate.status",
    "sentence.update",
    "remission.create",
    "register_f.create",
    "register_f.update",
    "detention_period.create",
    "detention_period.update",
    "detention_period.delete",
    "consecutive_sentence.create",
    "consecutive_sentence.update",
    "consecutive_sentence.delete",
    "retention.anonymise",
    "admin.create",
    "admin.change",
    "admin.delete",
)
_PROGRAMS = (
    "program.create",
    "program.update",
    "program.transition",
    "enrollment.create",
    "enrollment.allocate",
    "enrollment.end",
)
_SESSIONS = ("session.create", "session.cancel", "session.restore", "attendance.record")
_CERTIFICATES = ("certificate.issue", "certificate.revoke")
_COOPERATION = (
    "request.create",
    "request.transition",
    "fulfilment.create",
    "meeting.create",
    "agreement.create",
    "agreement.update",
    "agreement.approve",
)
_REINTEGRATION = (
    "plan.create",
    "need.update",
    "referral.create",
    "referral.transition",
    "release.create",
    "follow_up.record",
)
_PROPOSALS = ("proposal.create", "proposal.transition", "tpp.decision")
_DEVELOPMENT = ("assessment.record",)
# The recorded actions that change what the indicators count: imports and corrections of
# people, sentences, programs, cooperation and reintegration. Reads, downloads, reports
# and account events are not reasons for a revision.
CHANGE_ACTIONS = (
    _PEOPLE
    + _PROGRAMS
    + _SESSIONS
    + _CERTIFICATES
    + _COOPERATION
    + _REINTEGRATION
    + _PROPOSALS
    + _DEVELOPMENT
)
ACTIONS_BY_GROUP: dict[str, tuple[str, ...]] = {
    "participation": _PEOPLE + _PROGRAMS + _SESSIONS + _CERTIFICATES,
    "cooperation": _PEOPLE + _PROGRAMS + _SESSIONS + _COOPERATION,
    "reintegration": _PEOPLE + _PROGRAMS + _REINTEGRATION,
    "proposals": _PEOPLE + _PROPOSALS,
    "development": _PEOPLE + _DEVELOPMENT,
}
ACTIONS_BY_INDICATOR: dict[str, tuple[str, ...]] = {
    "participation.enrolled_share": _PEOPLE + _PROGRAMS,
    "participation.attendance_rate": _PEOPLE + _PROGRAMS + _SESSIONS,
    "participation.training_hours": _PEOPLE + _PROGRAMS + _SESSIONS,
    "participation.completions": _PEOPLE + _PROGRAMS,
    "participation.certificates": _PEOPLE + _PROGRAMS + _CERTIFICATES,
}


def actions_for(indicators: Iterable[str] | None) -> tuple[str, ...]:
    """The change actions that can move any of ``indicators`` (all of them when the
    indicators are not known, or one is not in the mapping)."""
    if indicators is None:
        return CHANGE_ACTIONS
    found: set[str] = set()
    for indicator_id in indicators:
        definition = catalogue.BY_ID.get(indicator_id)
        actions = ACTIONS_BY_INDICATOR.get(indicator_id) or (
            ACTIONS_BY_GROUP.get(definition.group) if definition else None
        )
        if actions is None:
            return CHANGE_ACTIONS
        found.update(actions)
    return tuple(a for a in CHANGE_ACTIONS if a in found)


MAX_REASONS = 10  # the most recent changes named; the count says how many there were
# Where a reason links to, by the record type an audit event names.
LINKS = {
    "inmates.ImportBatch": "inmates:import_detail",
    "inmates.Inmate": "inmates:detail",
    "programs.Program": "programs:detail",
}


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _same(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return all(_dec(a.get(k)) == _dec(b.get(k)) for k in ("numerator", "denominator", "value"))


def figures_of(rows: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """``{indicator id: {numerator, denominator, value}}`` of a snapshot's indicator rows."""
    return {
        row["id"]: {k: row.get(k) for k in ("numerator", "denominator", "value")} for row in rows
    }


@dataclass(frozen=True)
class Change:
    indicator: str
    was: Mapping[str, Any]
    now: Mapping[str, Any]

    @property
    def definition(self) -> catalogue.Indicator | None:
        return catalogue.BY_ID.get(self.indicator)


def compare(published: Figures, live: Figures) -> list[Change]:
    """The figures that differ, in the catalogue's order (then any others by id)."""
    order = {indicator.id: n for n, indicator in enumerate(catalogue.CATALOGUE)}
    changes = [
        Change(key, published[key], live[key])
        for key in published
        if key in live and not _same(published[key], live[key])
    ]
    return sorted(changes, key=lambda c: (order.get(c.indicator, len(order)), c.indicator))


def live_figures(facility: Facility, month: datetime.date) -> dict[str, dict[str, Any]]:
    return figures_of(indicator_figures(facility, month_of(month)))


# -- reasons -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """One recorded change after the sign-off."""

    action: str
    label: str
    kind: str  # "import" | "correction"
    by: str
    at: datetime.datetime
    record: str
    url: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "by": self.by,
            "at": self.at.isoformat(),
            "record": self.record,
            "url": self.url,
        }

    @classmethod
    def from_dict(cls, row: Mapping[str, Any]) -> Reason:
        action = row.get("action", "")
        return cls(
            action=action,
            label=_action_label(action),
            kind="import" if action in IMPORT_ACTIONS else "correction",
            by=row.get("by", ""),
            at=datetime.datetime.fromisoformat(row["at"]),
            record=row.get("record", ""),
            url=row.get("url", ""),
        )


def _action_label(action: str) -> str:
    try:
        return str(AuditAction(action).label)
    except ValueError:
        return action


def _link(target_type: str, target_id: str) -> str:
    name = LINKS.get(target_type)
    if not name or not target_id.isdigit():
        return ""
    try:
        return reverse(name, args=[int(target_id)])
    except NoReverseMatch:
        return ""


def _check_only_imports() -> Any:
    """The ids (as audit target ids) of the check-only imports: they wrote nothing."""
    from sinergi.inmates.models import ImportBatch

    return ImportBatch.objects.filter(dry_run=True).values_list(
        Cast("pk", output_field=CharField()), flat=True
    )


def reasons_since(
    facility_id: int, version: int, indicators: Iterable[str] | None = None
) -> tuple[list[Reason], int]:
    """The changes recorded for the facility after ``version`` (the latest first, at most
    MAX_REASONS) and how many there were in all (two queries). With ``indicators``, only
    the changes whose action can move one of them (:func:`actions_for`)."""
    events = (
        AuditEvent.objects.filter(
            facility_id=facility_id, pk__gt=version, action__in=actions_for(indicators)
        )
        .exclude(  # an import that wrote nothing (failed, invalid, all unchanged)
            action__in=IMPORT_ACTIONS, changes__created=0, changes__updated=0
        )
        .exclude(  # a check-only import counts what it would write, and writes nothing
            action__in=IMPORT_ACTIONS,
            target_type="inmates.ImportBatch",
            target_id__in=_check_only_imports(),
        )
    )
    total = events.count()
    found = [
        Reason(
            action=e.action,
            label=_action_label(e.action),
            kind="import" if e.action in IMPORT_ACTIONS else "correction",
            by=e.actor.get_full_name() or e.actor.username if e.actor else e.actor_username,
            at=e.created_at,
            record=e.target_repr,
            url=_link(e.target_type, e.target_id),
        )
        for e in events.select_related("actor").order_by("-pk")[:MAX_REASONS]
    ]
    return found, total


# -- detection ---------------------------------------------------------------------------


def latest_edition(facility: Facility, month: datetime.date) -> ReportEdition | None:
    return (
        ReportEdition.objects.filter(report__facility=facility, report__month=month)
        .select_related("report", "signed_off_by")
        .order_by("-number")
        .first()
    )


def _published(edition: ReportEdition, revised: Sequence[Revision]) -> dict[str, Any]:
    """What was last published for each figure: the edition, then its revisions."""
    state: dict[str, Any] = figures_of(edition.data.get("indicators", []))
    for revision in sorted(revised, key=lambda r: r.number):
        state[revision.indicator] = revision.now
    return state


def detect(
    facility: Facility,
    month: datetime.date,
    *,
    live: Figures | None = None,
    resolved_by: ReportEdition | None = None,
) -> list[Revision]:
    """Record the revisions of ``facility``'s ``month``: the live figures (computed when
    not given) that differ from the last published ones. Nothing when the month was not
    signed or nothing changed; a change already recorded is not recorded again."""
    month = month.replace(day=1)
    edition = latest_edition(facility, month)
    if edition is None:
        return []
    if live is None:
        live = live_figures(facility, month)
    with transaction.atomic():
        # One detection at a time for a month: the report's row is the lock.
        MonthlyReport.objects.select_for_update().filter(pk=edition.report_id).first()
        revised = list(Revision.objects.filter(edition=edition))
        changes = compare(_published(edition, revised), live)
        if not changes:
            return []
        last = Revision.objects.filter(facility=facility, month=month).aggregate(
            number=Max("number"), version=Max("data_version")
        )
        version = max(last["version"] or 0, int(edition.data.get("data_version") or 0))
        now = timezone.now()
        reasons = {
            change.indicator: reasons_since(facility.pk, version, [change.indicator])[0]
            for change in changes
        }
        created = Revision.objects.bulk_create(
            Revision(
                facility=facility,
                month=month,
                number=(last["number"] or 0) + 1,
                indicator=change.indicator,
                was=dict(change.was),
                now=dict(change.now),
                reasons=[reason.as_dict() for reason in reasons[change.indicator]],
                data_version=data_version(),
                detected_at=now,
                edition=edition,
                resolved_by=resolved_by,
            )
            for change in changes
        )
        month_changed(month)
    return created


def resolve(edition: ReportEdition) -> int:
    """A revised edition publishes the revised figures: the revisions of the earlier
    editions of its month that no edition resolved yet are resolved by it. The public
    figures of the month then name the edition: their cache is dropped."""
    month_changed(edition.report.month)
    return Revision.objects.filter(
        edition__report_id=edition.report_id,
        edition__number__lt=edition.number,
        resolved_by__isnull=True,
    ).update(resolved_by=edition)


def month_changed(month: datetime.date) -> None:
    """A revision was recorded, or an edition signed, for ``month``: the public figures
    of the month (one cached table holding every facility, region and the country) are
    built again once the change is committed."""
    from sinergi.indicators.public_data import forget

    transaction.on_commit(lambda: forget(month))


def stored_reasons(revision: Revision) -> list[Reason]:
    """The reasons recorded with ``revision``, without those whose action cannot move its
    indicator (recorded before the reasons were matched to the indicator)."""
    relevant = set(actions_for([revision.indicator]))
    return [Reason.from_dict(row) for row in revision.reasons if row.get("action", "") in relevant]


def revision_number(facility_id: int, month: datetime.date) -> int:
    found = Revision.objects.filter(facility_id=facility_id, month=month).aggregate(n=Max("number"))
    return found["n"] or 0


# -- what a page shows -------------------------------------------------------------------


@dataclass
class Note:
    """ "Revised since sign-off": the latest edition, each changed figure, and why."""

    edition: ReportEdition
    changes: list[Change]
    reasons: list[Reason] = field(default_factory=list)
    reason_count: int = 0
    number: int = 0  # the month's revision number

    @property
    def by_indicator(self) -> dict[str, Change]:
        return {change.indicator: change for change in self.changes}

    def rows(self) -> list[dict[str, Any]]:
        """Each changed figure: its name and "was X, now Y"."""
        return [
            {
                "id": change.indicator,
                "name": change.definition.name if change.definition else change.indicator,
                "text": describe(change),
            }
            for change in self.changes
        ]


def note(facility: Facility, month: datetime.date, live: Figures | None = None) -> Note | None:
    """What changed since the latest signed edition of the month (None when nothing
    changed or nothing was signed); the revisions found are recorded."""
    month = month.replace(day=1)
    edition = latest_edition(facility, month)
    if edition is None:
        return None
    if live is None:
        live = live_figures(facility, month)
    changes = compare(figures_of(edition.data.get("indicators", [])), live)
    if not changes:
        return None
    detect(facility, month, live=live)
    reasons, total = reasons_since(
        facility.pk,
        int(edition.data.get("data_version") or 0),
        [change.indicator for change in changes],
    )
    return Note(edition, changes, reasons, total, revision_number(facility.pk, month))


def revised_facilities(month: datetime.date, region_id: int | None = None) -> list[tuple[int, str]]:
    """(id, name) of the facilities (of a region, or all) whose signed figures of the month
    were revised and not yet signed again (one query)."""
    found = Revision.objects.filter(month=month.replace(day=1), resolved_by__isnull=True)
    if region_id is not None:
        found = found.filter(facility__region_id=region_id)
    return list(
        found.values_list("facility_id", "facility__name").distinct().order_by("facility__name")
    )


def live_from_rows(groups: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """The live figures of a dashboard's grouped rows (dashboards.grouped_rows)."""
    return {row.indicator.id: row.value.as_dict() for group in groups for row in group["rows"]}


def in_scope(queryset: Any, user: Any) -> Any:
    """Revisions of the facilities whose reports ``user`` reads (as the reports)."""
    return queryset.filter(facility__in=viewable_facilities(user))


def public_filter() -> Q:
    from sinergi.indicators.public_data import PUBLIC_INDICATORS

    return Q(indicator__in=[i.id for i in PUBLIC_INDICATORS], facility__is_active=True)


def describe(change: Change | Revision) -> str:
    """``was 75,9% (88/116), now 56,4% (88/156)``."""
    indicator = catalogue.BY_ID.get(change.indicator)
    unit = indicator.unit if indicator else ""

    def shown(figures: Mapping[str, Any]) -> str:
        text = format_figure(figures.get("value"), unit)
        if figures.get("denominator") is not None:
            text += (
                f" ({format_figure(figures.get('numerator'))}"
                f"/{format_figure(figures.get('denominator'))})"
            )
        return text

    return _("was %(was)s, now %(now)s") % {"was": shown(change.was), "now": shown(change.now)}


# -- the sweep -----------------------------------------------------------------------------


def stale_months(facility_ids: Iterable[int] | None = None) -> list[tuple[int, datetime.date]]:
    """The signed (facility, month) pairs with a change recorded for the facility after
    the figures were last read (the latest edition's or revision's data version): the
    only ones whose figures may have moved. Three queries, whatever the number of months."""
    editions = ReportEdition.objects.all()
    if facility_ids is not None:
        editions = editions.filter(report__facility_id__in=list(facility_ids))
    versions: dict[tuple[int, datetime.date], int] = {}
    for facility_id, month, data in editions.values_list(
        "report__facility_id", "report__month", "data"
    ).order_by("report__facility_id", "report__month", "number"):
        versions[(facility_id, month)] = int((data or {}).get("data_version") or 0)
    if not versions:
        return []
    revised = (
        Revision.objects.filter(facility_id__in={f for f, _m in versions})
        .values("facility_id", "month")
        .annotate(version=Max("data_version"))
        .order_by()
    )
    for row in revised:
        key = (row["facility_id"], row["month"])
        if key in versions:
            versions[key] = max(versions[key], row["version"] or 0)
    latest_change = dict(
        AuditEvent.objects.filter(
            facility_id__in={f for f, _m in versions}, action__in=CHANGE_ACTIONS
        )
        .values("facility_id")
        .annotate(last=Max("pk"))
        .values_list("facility_id", "last")
        .order_by()
    )
    return sorted(
        key for key, version in versions.items() if latest_change.get(key[0], 0) > version
    )


def sweep(facility_ids: Iterable[int] | None = None) -> list[Revision]:
    """Detect the revisions of every signed month that may have moved (see
    :func:`stale_months`): what a page would find, without waiting for a reader."""
    found: list[Revision] = []
    pairs = stale_months(facility_ids)
    facilities = Facility.objects.in_bulk({f for f, _m in pairs})
    for facility_id, month in pairs:
        found += detect(facilities[facility_id], month)
    return found
