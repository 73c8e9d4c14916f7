"""The reads of the subject-access export and of the retention (UU 27/2022).

The records of a person are found by walking every relation that points to the person
(and to the records that point to the person, three levels deep), so a new record kind
in any app is included without changing this module; their simple-history rows are
included, and so are the audit events about the person and their records (who read or
changed them).

Why a top-level app: the export and the retention read (and anonymise) the records of
every app that holds person-level data (inmates, programs, reintegration) and the audit
trail. ``core`` imports no app and a lower app never imports a higher one, so this code
lives in ``sinergi.privacy``, the highest app (last in ``INSTALLED_APPS``), and no other
app imports it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import serializers
from django.db import models
from django.db.models import Case, CharField, Exists, F, OuterRef, Q, When
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from sinergi.core.models import AuditEvent
from sinergi.inmates.choices import InmateStatus
from sinergi.inmates.models import Inmate
from sinergi.privacy.retention import KINDS

MAX_DEPTH = 3
# The audit action that records a kind anonymised for a person.
ANONYMISED = "retention.anonymise"


@dataclass
class PersonRecords:
    """The person's records by model label, found by walking the relations to them."""

    inmate: Inmate
    records: dict[str, list[models.Model]] = field(default_factory=dict)

    def add(self, instances: list[models.Model]) -> list[models.Model]:
        new = []
        for instance in instances:
            rows = self.records.setdefault(instance._meta.label, [])
            if all(r.pk != instance.pk for r in rows):
                rows.append(instance)
                new.append(instance)
        return new

    def pks(self, label: str) -> list[Any]:
        return [r.pk for r in self.records.get(label, [])]


def collect(inmate: Inmate) -> PersonRecords:
    """Every record that points to ``inmate``, directly or through its records."""
    found = PersonRecords(inmate=inmate)
    found.add([inmate])

    def walk(model: type[models.Model], pks: list[Any], depth: int) -> None:
        if depth > MAX_DEPTH or not pks:
            return
        for relation in model._meta.related_objects:
            if relation.many_to_many or getattr(relation, "hidden", False):
                continue
            related = relation.related_model
            if isinstance(related, str):  # a lazy reference ("self"): never a reverse relation
                continue
            if related._meta.app_label in ("core", "accounts", "orgs"):
                continue
            rows = list(related._default_manager.filter(**{f"{relation.field.name}__in": pks}))
            new = found.add(rows)
            if new:
                walk(related, [r.pk for r in new], depth + 1)

    walk(Inmate, [inmate.pk], 1)
    return found


def history_rows(found: PersonRecords) -> dict[str, list[Any]]:
    """The simple-history rows of every record found, by model label."""
    history: dict[str, list[Any]] = {}
    for label, rows in found.records.items():
        model = type(rows[0])
        manager = getattr(model, "history", None)
        if manager is None:
            continue
        history[label] = list(manager.filter(**{model._meta.pk.attname + "__in": found.pks(label)}))
    return history


def audit_events(found: PersonRecords) -> Any:
    """The audit events about the person or one of their records (reads included)."""
    condition = Q(pk__in=[])
    for label, rows in found.records.items():
        condition |= Q(target_type=label, target_id__in=[str(r.pk) for r in rows])
    return AuditEvent.objects.filter(condition).order_by("created_at", "id")


def _serialise(instances: list[Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = serializers.serialize("python", instances)
    return rows


def person_data(inmate: Inmate) -> dict[str, Any]:
    """Everything held about the person as JSON-ready data, grouped by app."""
    found = collect(inmate)
    apps: dict[str, dict[str, Any]] = {}
    for label, rows in sorted(found.records.items()):
        app, name = label.split(".")
        apps.setdefault(app, {})[name] = _serialise(rows)
    history = {label: _serialise(rows) for label, rows in history_rows(found).items()}
    events = [
        {
            "time": e.created_at,
            "user": e.actor_username,
            "action": e.action,
            "record": f"{e.target_type}:{e.target_id}",
            "changes": e.changes,
        }  # not the reader's IP address: that is the staff member's personal data
        for e in audit_events(found)
    ]
    return {
        "person": {"id": inmate.pk, "name": inmate.name, "facility": inmate.facility.name},
        "generated_at": timezone.now(),
        "records": apps,
        "history": history,
        "audit_events": events,
    }


# --- retention ------------------------------------------------------------------------


def released_people() -> Any:
    """The people released or deceased, each with ``released_on``: the recorded release
    (``Release.released_on``), or, for a person released or deceased without one, the
    day the status changed."""
    return Inmate.objects.annotate(
        released_on=Coalesce(
            F("release__released_on"),
            Case(
                When(
                    status__in=[InmateStatus.RELEASED, InmateStatus.DECEASED],
                    then=F("status_changed_on"),
                )
            ),
        )
    ).filter(released_on__isnull=False)


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def due(today: datetime.date | None = None) -> dict[int, list[str]]:
    """``{inmate id: [kinds due]}``: kinds whose period after release has passed and that
    are not anonymised yet (a ``retention.anonymise`` audit event for the person and the
    kind says it is done). One query a kind, in SQL: only the people due are loaded."""
    today = today or timezone.localdate()
    years = settings.SINERGI_RETENTION_YEARS
    found: dict[int, list[str]] = {}
    for kind in KINDS:
        done = AuditEvent.objects.filter(
            action=ANONYMISED,
            target_type=Inmate._meta.label,
            target_id=Cast(OuterRef("pk"), output_field=CharField()),
            changes__kind=kind,
        )
        people = (
            released_people()
            .filter(released_on__lte=years_before(today, years[kind]))
            .exclude(Exists(done))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for pk in people:
            found.setdefault(pk, []).append(kind)
    return found
