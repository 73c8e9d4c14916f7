"""The writes of the privacy app: the subject-access export (audited) and the retention
(anonymisation) run. Atomic, keyword-only, attributed (``by=``), audited.

``by`` is None only when a command runs with no user (``manage.py export_person_data``
without ``--by``, ``manage.py apply_retention``): the audit event then names the command.
"""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.accounts.models import User
from sinergi.core import audit
from sinergi.core.models import AuditEvent
from sinergi.core.pdf import render_pdf
from sinergi.core.permissions import require_perm
from sinergi.inmates.models import Inmate
from sinergi.orgs.letterhead import document_context
from sinergi.orgs.models import DocumentKind
from sinergi.privacy.queries import ANONYMISED, PersonRecords, collect, due, person_data
from sinergi.privacy.retention import ANONYMOUS, FIELDS, REDACTED, Replacement

# --- the subject-access export ----------------------------------------------------------


def _pdf(inmate: Inmate, data: dict[str, Any]) -> bytes:
    sections = [
        (f"{app}.{name}", rows)
        for app, models_ in data["records"].items()
        for name, rows in models_.items()
    ]
    return render_pdf(
        "privacy/pdf/person.html",
        {
            **document_context(
                inmate.facility, DocumentKind.PERSONAL_DATA, date=inmate.facility.today()
            ),
            "data": data,
            "sections": sections,
            "history_count": sum(len(rows) for rows in data["history"].values()),
        },
        None,
    )


@transaction.atomic
def export_person_data(*, inmate: Inmate, by: User | None, username: str = "") -> bytes:
    """A ZIP with ``data.json`` (every record, history row and audit event) and
    ``summary.pdf`` (the same, readable); the export itself is audited.

    Only an administrator or the head (data officer) of the person's facility exports
    (``privacy.export_person``); ``by`` is None only for the command run with no user,
    which names itself in ``username``."""
    if by is not None:
        require_perm(
            by,
            "privacy.export_person",
            inmate,
            message=_("Only administrators and the head of the facility export personal data."),
        )
    data = person_data(inmate)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json", json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
        )
        archive.writestr("summary.pdf", _pdf(inmate, data))
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


# --- retention --------------------------------------------------------------------------


@dataclass
class Report:
    applied: bool
    people: dict[int, list[str]] = field(default_factory=dict)
    records: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    history_rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def _value(replacement: Replacement, record: Any) -> Any:
    return replacement(record) if callable(replacement) else replacement


def _anonymise_person(inmate: Inmate, kinds: list[str], report: Report, by: User | None) -> None:
    found = collect(inmate)
    personal: set[str] = set()
    for kind in kinds:
        for label, replacements in FIELDS[kind].items():
            rows = found.records.get(label, [])
            if not rows:
                continue
            model = apps.get_model(label)
            personal |= set(replacements)
            for row in rows:
                values = {name: _value(r, row) for name, r in replacements.items()}
                signed = getattr(row, "signed_form", None)
                if label == "reintegration.Consent" and signed:
                    signed.delete(save=False)  # the scanned form carries the name and signature
                model._default_manager.filter(pk=row.pk).update(**values)
                history = getattr(model, "history", None)
                if history is not None:
                    report.history_rows[label] += history.filter(
                        **{model._meta.pk.attname: row.pk}
                    ).update(**values)
            report.records[label] += len(rows)
    _scrub_audit_trail(found, personal, kinds)
    inmate.refresh_from_db()  # the events below describe it by its new name
    for kind in kinds:
        audit.record(
            ANONYMISED,
            by=by,
            username="apply_retention",
            target=inmate,
            facility=inmate.facility_id,
            changes={"kind": kind},
        )


def _scrub_audit_trail(found: PersonRecords, personal: set[str], kinds: list[str]) -> None:
    """The audit events about the person keep who did what, not the personal values."""
    condition = Q(pk__in=[])
    for label, rows in found.records.items():
        condition |= Q(target_type=label, target_id__in=[str(r.pk) for r in rows])
    for event in AuditEvent.objects.filter(condition).exclude(action=ANONYMISED):
        fields: list[str] = []
        if _redact(event.changes, personal):
            fields.append("changes")
        if "identity" in kinds and event.target_repr:
            event.target_repr = f"{ANONYMOUS} {event.target_type}:{event.target_id}"[:200]
            fields.append("target_repr")
        if fields:
            event.save(update_fields=sorted(set(fields)))


def _redact(value: Any, personal: set[str]) -> bool:
    """Replace, at any depth, the values recorded under a personal field's name."""
    changed = False
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in personal and inner != REDACTED:
                value[key] = REDACTED
                changed = True
            else:
                changed = _redact(inner, personal) or changed
    elif isinstance(value, list):
        for inner in value:
            changed = _redact(inner, personal) or changed
    return changed


def apply_retention(
    *,
    by: User | None,
    apply: bool = False,
    today: datetime.date | None = None,
    progress: Callable[[Inmate, list[str]], None] | None = None,
) -> Report:
    """Anonymise the kinds of record whose retention has passed (only with ``apply``);
    the report says who and what is (or would be) anonymised either way.

    Each person is anonymised in a transaction of their own (all their kinds or none),
    so a long run keeps what it finished if it stops; the run's summary is audited last.
    ``by`` is the administrator who ran it, None for the command."""
    report = Report(applied=apply, people=due(today))
    inmates = Inmate.objects.in_bulk(list(report.people))
    for inmate_id, kinds in sorted(report.people.items()):
        inmate = inmates[inmate_id]
        if progress is not None:
            progress(inmate, kinds)
        if not apply:
            continue
        with transaction.atomic():
            _anonymise_person(inmate, kinds, report, by)
    if apply:
        with transaction.atomic():
            audit.record(
                "retention.apply",
                by=by,
                username="apply_retention",
                changes={
                    "people": len(report.people),
                    "records": dict(report.records),
                    "history_rows": dict(report.history_rows),
                },
            )
    return report
