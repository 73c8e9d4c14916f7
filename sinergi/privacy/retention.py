"""Retention (UU 27/2022): anonymise what is kept longer than its period after release.

``settings.SINERGI_RETENTION_YEARS`` gives, per kind of record, how many years after the
person's release it is kept with the person's identity. When that time has passed,
:func:`apply_retention` overwrites the personal fields of that kind (``FIELDS``) in the
records and in their simple-history rows, and keeps every row, date, status and
category, so counts and indicators do not change. Free-text notes that may name the
person (or a relative) are emptied; the person's name becomes "Anonim <id>".

The release date is the recorded release (``Release.released_on``), or, for a person
released or deceased without one, the day the status changed. What was done is kept as
one ``retention.anonymise`` audit event per person and kind, which is also how a later
run knows it is done; the audit events about the person lose the name in their
description and the personal values in their recorded changes.

Nothing is written unless ``apply=True`` (``manage.py apply_retention --apply``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from sinergi.core import audit
from sinergi.core.models import AuditEvent
from sinergi.inmates.models import Inmate
from sinergi.privacy.export import collect

ANONYMOUS = "Anonim"

# kind -> model label -> field -> new value (a callable takes the record being changed).
Replacement = Any
FIELDS: dict[str, dict[str, dict[str, Replacement]]] = {
    "identity": {
        "inmates.Inmate": {
            "name": lambda r: f"{ANONYMOUS} {r.pk}",
            "aliases": "",
            "nik": "",
            "registration_number": lambda r: f"ANON-{r.pk}",
            "birth_date": lambda r: r.birth_date and r.birth_date.replace(month=7, day=1),
            "home_regency": "",
        },
        "programs.Certificate": {"holder_name": lambda r: f"{ANONYMOUS} {r.enrollment.inmate_id}"},
    },
    "sentence": {
        "inmates.Sentence": {"verdict_number": "", "crime_text": ""},
        "inmates.Remission": {"decree_number": ""},
        "inmates.DisciplinaryRecord": {"violation": "-", "sanction": ""},
    },
    "programs": {
        "inmates.MonthlyAssessment": {"note": ""},
        "programs.Enrollment": {"end_note": ""},
        "programs.Attendance": {"note": ""},
        "programs.WaitingListEntry": {"note": ""},
    },
    "reintegration": {
        "reintegration.ReintegrationPlan": {"summary": ""},
        "reintegration.Need": {"answer": ""},
        "reintegration.NeedUpdate": {"note": ""},
        "reintegration.Consent": {"guardian_name": "", "basis_reference": "", "signed_form": ""},
        "reintegration.Referral": {"contact": "", "outcome_note": ""},
        "reintegration.JobApplication": {"note": ""},
    },
    "follow_ups": {
        "reintegration.Release": {"leaves_with": ""},
        "reintegration.FollowUp": {
            "income_source": "",
            "housing": "",
            "family": "",
            "referrals_used": "",
            "note": "",
        },
    },
}
KINDS = tuple(FIELDS)
REDACTED = "[anonim]"


def release_dates() -> Any:
    """``(inmate id, release date)`` of every person released or deceased."""
    from sinergi.reintegration.models import Release

    recorded = dict(Release.objects.values_list("inmate_id", "released_on"))
    unrecorded = (
        Inmate.objects.filter(status__in=["released", "deceased"], status_changed_on__isnull=False)
        .exclude(pk__in=recorded.keys())
        .values_list("pk", "status_changed_on")
    )
    return {**recorded, **dict(unrecorded)}


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _done() -> set[tuple[str, str]]:
    return {
        (target_id, (changes or {}).get("kind", ""))
        for target_id, changes in AuditEvent.objects.filter(
            action="retention.anonymise", target_type=Inmate._meta.label
        ).values_list("target_id", "changes")
    }


def due(today: datetime.date | None = None) -> dict[int, list[str]]:
    """``{inmate id: [kinds due]}``: kinds whose period after release has passed and that
    are not anonymised yet."""
    today = today or timezone.localdate()
    years = settings.SINERGI_RETENTION_YEARS
    done = _done()
    found: dict[int, list[str]] = defaultdict(list)
    for inmate_id, released_on in release_dates().items():
        for kind in KINDS:
            if (
                released_on <= _years_before(today, years[kind])
                and (
                    str(inmate_id),
                    kind,
                )
                not in done
            ):
                found[inmate_id].append(kind)
    return dict(found)


@dataclass
class Report:
    applied: bool
    people: dict[int, list[str]] = field(default_factory=dict)
    records: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    history_rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def _value(replacement: Replacement, record: Any) -> Any:
    return replacement(record) if callable(replacement) else replacement


def _anonymise_person(inmate: Inmate, kinds: list[str], report: Report) -> None:
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
            "retention.anonymise",
            by=None,
            username="apply_retention",
            target=inmate,
            facility=inmate.facility_id,
            changes={"kind": kind},
        )


def _scrub_audit_trail(found: Any, personal: set[str], kinds: list[str]) -> None:
    """The audit events about the person keep who did what, not the personal values."""
    condition = Q(pk__in=[])
    for label, rows in found.records.items():
        condition |= Q(target_type=label, target_id__in=[str(r.pk) for r in rows])
    for event in AuditEvent.objects.filter(condition).exclude(action="retention.anonymise"):
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
    apply: bool = False,
    today: datetime.date | None = None,
    by: Any = None,
    progress: Callable[[Inmate, list[str]], None] | None = None,
) -> Report:
    """Anonymise the kinds of record whose retention has passed (only with ``apply``);
    the report says who and what is (or would be) anonymised either way."""
    report = Report(applied=apply, people=due(today))
    inmates = Inmate.objects.in_bulk(list(report.people))
    for inmate_id, kinds in sorted(report.people.items()):
        inmate = inmates[inmate_id]
        if progress is not None:
            progress(inmate, kinds)
        if not apply:
            continue
        with transaction.atomic():
            _anonymise_person(inmate, kinds, report)
    if apply:
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


def _field_names(model: type[models.Model]) -> set[str]:
    return {f.name for f in model._meta.concrete_fields}


def check_fields() -> list[str]:
    """Fields named in ``FIELDS`` that the models no longer have (a test keeps it empty)."""
    missing = []
    for replacements in FIELDS.values():
        for label, fields_ in replacements.items():
            names = _field_names(apps.get_model(label))
            missing += [f"{label}.{name}" for name in fields_ if name not in names]
    return missing
