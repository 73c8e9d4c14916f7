"""The recalculation report: what ``recalculate_sentences`` changes, person by person,
before it writes.

When a rule set is published (or corrected), the stored key dates and rights of many
people move. :func:`preview_recalculation` computes the new values with the engine, on
copies of the stored sentences, and compares them with what is stored;
:func:`record_recalculation` keeps that comparison as a report
(:class:`~sinergi.inmates.models.SentenceRecalculation`, one row per facility and one per
changed value), audits it, and then lets :func:`calculation.recalculate` write the new
values (unless it is a dry run).

The inputs are loaded by one helper, :func:`load_inputs`: the sentences, and the facts
the engine reads about each inmate as ``calculation.recalculate`` loads them
(:func:`calculation.load_facts`), with what is stored now. The comparison
(:func:`compare`) only sees a stored sentence and its rights against computed ones,
however they were loaded.
"""

from __future__ import annotations

import copy
import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F

from sinergi.core import audit
from sinergi.core.audit_actions import AuditAction
from sinergi.inmates import calculation
from sinergi.inmates.choices import RecalculatedField, Right
from sinergi.inmates.models import (
    InmateRight,
    Sentence,
    SentenceRecalculation,
    SentenceRecalculationChange,
    SentenceRecalculationFacility,
)
from sinergi.orgs.models import Facility

# The sentence's stored values a recalculation may change (``calculated_on`` changes on
# every run and is not reported).
SENTENCE_FIELDS: tuple[str, ...] = (
    RecalculatedField.EXPIRY_DATE,
    RecalculatedField.EXPIRY_AFTER_REMISSION,
    RecalculatedField.ONE_THIRD_DATE,
    RecalculatedField.HALF_DATE,
    RecalculatedField.TWO_THIRDS_DATE,
    RecalculatedField.TERM_START,
    RecalculatedField.RELEASE_DATE,
    RecalculatedField.PB_PROBATION_END,
    RecalculatedField.RULE_SET,
)
# Each right's stored values a recalculation may change.
RIGHT_FIELDS: tuple[str, ...] = (
    RecalculatedField.ELIGIBLE_FROM,
    RecalculatedField.ENDS_ON,
    RecalculatedField.STATUS,
)
# A change of these alone does not move a person's dates (a rule set renamed).
NOT_A_MOVE: frozenset[str] = frozenset({RecalculatedField.RULE_SET})
CHUNK = 1000
SYSTEM = "system"

Value = datetime.date | str | None


@dataclass(frozen=True)
class Change:
    """One stored value that the engine now computes differently."""

    inmate_id: int
    facility_id: int
    field: str  # a RecalculatedField
    right: str  # a Right for eligible_from and status; "" for the sentence's fields
    old: Value
    new: Value

    @property
    def shift_days(self) -> int | None:
        """new - old in days, when both are dates; else None."""
        if isinstance(self.old, datetime.date) and isinstance(self.new, datetime.date):
            return (self.new - self.old).days
        return None

    @property
    def moves(self) -> bool:
        """Whether this change moves the person's dates or rights (not only a name)."""
        return self.field not in NOT_A_MOVE


@dataclass
class Inputs:
    """What the engine needs for a chunk of inmates, and what is stored for them now."""

    sentences: list[Sentence]
    facility_of: dict[int, int]  # inmate id -> facility id
    facts: dict[int, calculation.Facts]  # inmate id -> what the engine reads besides
    stored_rights: dict[int, dict[str, InmateRight]]  # inmate id -> right -> row


@dataclass
class Preview:
    """What a recalculation of some inmates, on one day, would change."""

    checked: dict[int, int] = field(default_factory=dict)  # facility id -> people
    changes: list[Change] = field(default_factory=list)
    rule_sets: set[str] = field(default_factory=set)

    def add(self, other: Preview) -> None:
        for facility_id, count in other.checked.items():
            self.checked[facility_id] = self.checked.get(facility_id, 0) + count
        self.changes += other.changes
        self.rule_sets |= other.rule_sets


def load_inputs(inmate_ids: Sequence[int]) -> Inputs:
    """Load, in a few bulk queries, what ``calculation.recalculate`` gives the engine for
    these inmates (their sentence and facts), with each one's facility and stored rights."""
    annotated = list(
        Sentence.objects.filter(inmate_id__in=inmate_ids).annotate(
            inmate_facility_id=F("inmate__facility_id")
        )
    )
    facility_of = {s.inmate_id: s.inmate_facility_id for s in annotated}
    sentences: list[Sentence] = list(annotated)
    stored_rights: dict[int, dict[str, InmateRight]] = {}
    for row in InmateRight.objects.filter(inmate_id__in=inmate_ids):
        stored_rights.setdefault(row.inmate_id, {})[row.right] = row
    return Inputs(
        sentences=sentences,
        facility_of=facility_of,
        facts=calculation.load_facts(inmate_ids),
        stored_rights=stored_rights,
    )


def compute(
    sentence: Sentence, inputs: Inputs, today: datetime.date
) -> tuple[Sentence, list[InmateRight]]:
    """The engine's values for ``sentence`` on ``today``: a computed copy of it (the
    stored one is left as it is) and its rights rows (unsaved)."""
    computed = copy.copy(sentence)
    rights = calculation.apply_calculation(
        computed,
        inputs.facts.get(sentence.inmate_id),
        today,
    )
    return computed, rights


def compare(
    stored: Sentence,
    stored_rights: Mapping[str, InmateRight],
    computed: Sentence,
    computed_rights: Iterable[InmateRight],
    *,
    facility_id: int,
) -> list[Change]:
    """Every value of ``computed`` (and its rights) that differs from what is stored."""
    changes: list[Change] = []

    def note(name: str, right: str, old: Value, new: Value) -> None:
        if old != new:
            changes.append(Change(stored.inmate_id, facility_id, name, right, old, new))

    for name in SENTENCE_FIELDS:
        note(name, "", getattr(stored, name), getattr(computed, name))
    new_rights = {row.right: row for row in computed_rights}
    for right in Right.values:
        old_row, new_row = stored_rights.get(right), new_rights.get(right)
        if old_row is None and new_row is None:
            continue
        for name in RIGHT_FIELDS:
            note(
                name,
                right,
                getattr(old_row, name) if old_row is not None else None,
                getattr(new_row, name) if new_row is not None else None,
            )
    return changes


def preview(inmate_ids: Iterable[int], today: datetime.date) -> Preview:
    """What recalculating these inmates on ``today`` would change; nothing is written."""
    ids = list(inmate_ids)
    result = Preview()
    for start in range(0, len(ids), CHUNK):
        inputs = load_inputs(ids[start : start + CHUNK])
        for sentence in inputs.sentences:
            facility_id = inputs.facility_of[sentence.inmate_id]
            computed, rights = compute(sentence, inputs, today)
            result.checked[facility_id] = result.checked.get(facility_id, 0) + 1
            if computed.rule_set:
                result.rule_sets.add(computed.rule_set)
            result.changes += compare(
                sentence,
                inputs.stored_rights.get(sentence.inmate_id, {}),
                computed,
                rights,
                facility_id=facility_id,
            )
    return result


def preview_recalculation(inmate_ids: Iterable[int], today: datetime.date) -> list[Change]:
    """The values a recalculation of these inmates on ``today`` would change."""
    return preview(inmate_ids, today).changes


def _stored(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)[:100]


def _moved(changes: Iterable[Change]) -> dict[int, set[int]]:
    """facility id -> the people whose dates or rights moved there."""
    moved: dict[int, set[int]] = defaultdict(set)
    for change in changes:
        if change.moves:
            moved[change.facility_id].add(change.inmate_id)
    return moved


@transaction.atomic
def record_recalculation(
    *,
    inmates_by_day: Mapping[datetime.date, Sequence[int]],
    by: Any,
    reason: str = "",
    dry_run: bool = False,
    limited_to: Facility | None = None,
) -> SentenceRecalculation:
    """Recalculate these inmates (each group on its facility's day), keeping the report.

    The report (what moved, per facility and per person) is stored and audited first;
    then, unless ``dry_run``, :func:`calculation.recalculate` writes the new values. ``by``
    is the user who ran it, or None for the command run by the system.
    """
    found = Preview()
    for today, ids in inmates_by_day.items():
        found.add(preview(ids, today))
    moved = _moved(found.changes)
    per_facility: dict[int, int] = defaultdict(int)
    for change in found.changes:
        per_facility[change.facility_id] += 1
    username = (getattr(by, "username", "") or SYSTEM)[:150]
    report = SentenceRecalculation.objects.create(
        run_by=by if getattr(by, "is_authenticated", False) else None,
        run_by_username=username,
        reason=reason,
        limited_to=limited_to,
        rule_sets=sorted(found.rule_sets),
        dry_run=dry_run,
        applied=False,
        inmates_checked=sum(found.checked.values()),
        inmates_changed=sum(len(people) for people in moved.values()),
        changes_count=len(found.changes),
    )
    SentenceRecalculationFacility.objects.bulk_create(
        [
            SentenceRecalculationFacility(
                recalculation=report,
                facility_id=facility_id,
                inmates_checked=checked,
                inmates_changed=len(moved.get(facility_id, ())),
                changes_count=per_facility.get(facility_id, 0),
            )
            for facility_id, checked in sorted(found.checked.items())
        ]
    )
    SentenceRecalculationChange.objects.bulk_create(
        [
            SentenceRecalculationChange(
                recalculation=report,
                inmate_id=change.inmate_id,
                facility_id=change.facility_id,
                field=change.field,
                right=change.right,
                old_value=_stored(change.old),
                new_value=_stored(change.new),
                shift_days=change.shift_days,
            )
            for change in found.changes
        ],
        batch_size=1000,
    )
    audit.record(
        AuditAction.SENTENCES_RECALCULATED,
        by=by,
        username=username,
        target=report,
        facility=limited_to,
        changes={
            "dry_run": dry_run,
            "reason": reason,
            "rule_sets": report.rule_sets,
            "inmates_checked": report.inmates_checked,
            "inmates_changed": report.inmates_changed,
            "changes": report.changes_count,
            "facilities": {
                str(facility_id): len(moved.get(facility_id, ()))
                for facility_id in sorted(found.checked)
            },
        },
    )
    if not dry_run:
        for today, ids in inmates_by_day.items():
            calculation.recalculate(ids, today=today)
        report.applied = True
        report.save(update_fields=["applied", "updated_at"])
    return report
