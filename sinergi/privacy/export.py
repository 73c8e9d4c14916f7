"""Subject-access export (UU 27/2022): everything Sinergi holds about one person.

Why a top-level app: the export and the retention read (and anonymise) the records of
every app that holds person-level data (inmates, programs, reintegration) and the audit
trail. ``core`` imports no app and a lower app never imports a higher one, so this code
lives in ``sinergi.privacy``, the highest app (last in ``INSTALLED_APPS``), and no
other app imports it.

Who may export: an administrator, or the facility's data officer. Sinergi has no separate
"data officer" role: the head of the person's facility (Kalapas) acts as its data
officer, so no new membership role is needed. Anybody else within scope gets 403, a
user outside the person's scope 404.

The records are found by walking every relation that points to the person (and to the
records that point to the person, three levels deep), so a new record kind in any app is
included without changing this module; their simple-history rows are included, and so
are the audit events about the person and their records (who read or changed them).
"""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from sinergi.core import audit
from sinergi.core.models import AuditEvent
from sinergi.core.pdf import render_pdf
from sinergi.core.roles import Role
from sinergi.core.scoping import scope_of
from sinergi.inmates.models import Inmate

MAX_DEPTH = 3


def may_export(user: Any, inmate: Inmate) -> bool:
    """Administrators and the head (data officer) of the person's facility."""
    scope = scope_of(user)
    return scope.is_admin or Role.HEAD in scope.facility_roles.get(inmate.facility_id, frozenset())


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


def _pdf(data: dict[str, Any]) -> bytes:
    sections = [
        (f"{app}.{name}", rows)
        for app, models_ in data["records"].items()
        for name, rows in models_.items()
    ]
    return render_pdf(
        "privacy/pdf/person.html",
        {
            "data": data,
            "sections": sections,
            "history_count": sum(len(rows) for rows in data["history"].values()),
        },
        None,
    )


@transaction.atomic
def export_person(*, inmate: Inmate, by: Any, username: str = "") -> bytes:
    """A ZIP with ``data.json`` (every record, history row and audit event) and
    ``summary.pdf`` (the same, readable); the export itself is audited."""
    if by is not None and not may_export(by, inmate):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    data = person_data(inmate)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json", json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
        )
        archive.writestr("summary.pdf", _pdf(data))
    counts = {app: sum(len(r) for r in m.values()) for app, m in data["records"].items()}
    audit.record(
        "privacy.export",
        by=by,
        username=username,
        target=inmate,
        changes={"records": counts, "audit_events": len(data["audit_events"])},
    )
    return buffer.getvalue()


def export_filename(inmate: Inmate, day: datetime.date | None = None) -> str:
    return f"data-pribadi-{inmate.pk}-{(day or timezone.localdate()):%Y%m%d}.zip"
