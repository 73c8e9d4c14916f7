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

A run is written chunk by chunk (:func:`run_chunks`, ``CHUNK`` people each, in the order
of their ids): each chunk's inputs are loaded in a fixed number of queries, computed
once, compared, and then, in one transaction, its report rows are added, the report's
totals and progress (``chunks_done``, ``done_through``) move on and, unless it is a dry
run, the changed values are written set-based (:mod:`.recalculation_write`). A run that stopped
(a crash) is continued by :func:`resume` after the last finished chunk; it ends as an
uninterrupted run would have. The audit event is written when the last chunk is done.
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import itertools
import multiprocessing
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult
from typing import Any, Protocol

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import F

from sinergi.core import audit
from sinergi.core.audit_actions import AuditAction
from sinergi.inmates import calculation, recalculation_write
from sinergi.inmates.choices import RecalculatedField, Right
from sinergi.inmates.models import (
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
CHUNK = 5000
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
    stored_rights: dict[
        int, dict[str, recalculation_write.StoredRight]
    ]  # inmate id -> right -> row


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
    return Inputs(
        sentences=sentences,
        facility_of=facility_of,
        facts=calculation.load_facts(inmate_ids),
        stored_rights=recalculation_write.stored_rights(inmate_ids),
    )


def compute(
    sentence: Sentence, inputs: Inputs, today: datetime.date
) -> tuple[Sentence, list[calculation.ComputedRight]]:
    """The engine's values for ``sentence`` on ``today``: a computed copy of it (the
    stored one is left as it is) and its rights' values."""
    computed = copy.copy(sentence)
    rights = calculation.compute_onto(
        computed,
        inputs.facts.get(sentence.inmate_id),
        today,
    )
    return computed, rights


def compare(
    stored: Sentence,
    stored_rights: Mapping[str, recalculation_write.StoredRight],
    computed: Sentence,
    computed_rights: Iterable[calculation.ComputedRight],
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
        found, _write = _compute_chunk([(pk, today) for pk in ids[start : start + CHUNK]])
        result.add(found)
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


def record_recalculation(
    *,
    inmates_by_day: Mapping[datetime.date, Sequence[int]],
    by: Any,
    reason: str = "",
    dry_run: bool = False,
    limited_to: Facility | None = None,
    days: Mapping[str, datetime.date] | None = None,
    chunk_size: int = CHUNK,
    on_chunk: OnChunk | None = None,
    workers: int = 0,
) -> SentenceRecalculation:
    """Recalculate these inmates (each group on its facility's day), keeping the report.

    The report (what moved, per facility and per person) is stored chunk by chunk with
    the new values (unless ``dry_run``), and audited when the last chunk is done. ``by``
    is the user who ran it, or None for the command run by the system; ``days`` (time
    zone -> day) lets :func:`resume` find the same days again.
    """
    ids = sorted({pk for group in inmates_by_day.values() for pk in group})
    username = (getattr(by, "username", "") or SYSTEM)[:150]
    report = SentenceRecalculation.objects.create(
        run_by=by if getattr(by, "is_authenticated", False) else None,
        run_by_username=username,
        reason=reason,
        limited_to=limited_to,
        rule_sets=[],
        dry_run=dry_run,
        applied=False,
        in_progress=True,
        people_total=len(ids),
        chunks_total=-(-len(ids) // chunk_size),
        up_to_inmate=ids[-1] if ids else None,
        days={zone: day.isoformat() for zone, day in (days or {}).items()},
    )
    return run_chunks(
        report,
        inmates_by_day,
        by=by,
        chunk_size=chunk_size,
        on_chunk=on_chunk,
        workers=workers,
    )


class OnChunk(Protocol):
    def __call__(self, report: SentenceRecalculation, people: int) -> None: ...


# The PostgreSQL advisory lock a run holds from its start to its end (any fixed number,
# the same in every process that recalculates).
RUN_LOCK = 0x5E_4E_2C_01


class AlreadyRunning(Exception):
    """Another process is recalculating right now."""


@contextlib.contextmanager
def one_run_at_a_time() -> Iterator[None]:
    """Held by a run, new or resumed, from its start to its end. A run still going looks
    like one that stopped (in progress, chunks left): without this a second process would
    redo its chunks beside it (``--resume``) or start another over the same people.

    On PostgreSQL a session-level advisory lock on a connection of its own (the run
    closes its connections before forking its worker processes): the database lets go of
    it when the process ends, a crash included, so a crashed run can be resumed at once.
    Another database has a single process writing to it; nothing is taken there."""
    if connection.vendor != "postgresql":
        yield
        return
    holder = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [RUN_LOCK])
            (taken,) = cursor.fetchone()
        if not taken:
            raise AlreadyRunning
        yield
    finally:
        holder.close()


def unfinished() -> SentenceRecalculation | None:
    """The latest run that stopped before its last chunk, if any."""
    return (
        SentenceRecalculation.objects.filter(in_progress=True)
        .select_related("run_by", "limited_to")
        .order_by("-created_at", "-id")
        .first()
    )


def remaining(
    report: SentenceRecalculation, inmates_by_day: Mapping[datetime.date, Sequence[int]]
) -> list[tuple[int, datetime.date]]:
    """(inmate id, day) of the people of ``inmates_by_day`` the run has not done yet, in
    the order of their ids."""
    after = report.done_through if report.done_through is not None else -1
    up_to = report.up_to_inmate if report.up_to_inmate is not None else after
    return sorted(
        (pk, today)
        for today, group in inmates_by_day.items()
        for pk in group
        if after < pk <= up_to
    )


def run_chunks(
    report: SentenceRecalculation,
    inmates_by_day: Mapping[datetime.date, Sequence[int]],
    *,
    by: Any,
    chunk_size: int = CHUNK,
    on_chunk: OnChunk | None = None,
    workers: int = 0,
) -> SentenceRecalculation:
    """Do the chunks of ``report`` not done yet (each committed whole, in order), then
    finish it. ``on_chunk(report, people)`` is called after each chunk is committed.

    With ``workers`` > 1 (PostgreSQL, outside a transaction), that many processes load
    and compute the next chunks while this one writes the current one; the result is
    the same (each chunk is written here, in order)."""
    pending = remaining(report, inmates_by_day)
    report.chunks_total = report.chunks_done + -(-len(pending) // chunk_size)
    report.save(update_fields=["chunks_total", "updated_at"])
    chunks = [pending[start : start + chunk_size] for start in range(0, len(pending), chunk_size)]
    for chunk, (found, writes) in _computed(chunks, workers):
        with transaction.atomic():
            _store_chunk(report, found, last_id=chunk[-1][0])
            if not report.dry_run:
                recalculation_write.write(writes)
        if on_chunk is not None:
            on_chunk(report, len(chunk))
    return _finish(report, by=by)


Computed = tuple[Preview, recalculation_write.Plan]


def can_use_workers() -> bool:
    """Worker processes need PostgreSQL (a database they can reach) and no transaction
    open here (the connection is closed before they start)."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def _computed(
    chunks: list[list[tuple[int, datetime.date]]], workers: int
) -> Iterator[tuple[list[tuple[int, datetime.date]], Computed]]:
    """Each chunk with what it would change, in order; computed ahead by ``workers``
    processes (at most ``workers`` + 1 chunks waiting) when they can be used."""
    if workers < 2 or len(chunks) < 2 or not can_use_workers():
        for chunk in chunks:
            yield chunk, _compute_chunk(chunk)
        return
    # The processes are forked: none may share this process's connection.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        pending: deque[tuple[list[tuple[int, datetime.date]], AsyncResult[Computed]]] = deque()
        queue = iter(chunks)
        for chunk in itertools.islice(queue, workers + 1):
            pending.append((chunk, pool.apply_async(_in_worker, (chunk,))))
        while pending:
            chunk, result = pending.popleft()
            following = next(queue, None)
            if following is not None:
                pending.append((following, pool.apply_async(_in_worker, (following,))))
            yield chunk, result.get()


def _in_worker(chunk: list[tuple[int, datetime.date]]) -> Computed:
    """:func:`_compute_chunk` in a worker process (looked up there when called)."""
    return _compute_chunk(chunk)


def _compute_chunk(
    chunk: Sequence[tuple[int, datetime.date]],
) -> tuple[Preview, recalculation_write.Plan]:
    """What the chunk's people would change, and what to write for it; the inputs are
    loaded in a fixed number of queries whatever the chunk's size."""
    day_of = dict(chunk)
    ids = [pk for pk, _day in chunk]
    inputs = load_inputs(ids)
    found = Preview()
    pairs: list[tuple[Sentence, Sentence]] = []
    computed_rights: list[calculation.ComputedRight] = []
    for sentence in inputs.sentences:
        facility_id = inputs.facility_of[sentence.inmate_id]
        computed, rights = compute(sentence, inputs, day_of[sentence.inmate_id])
        found.checked[facility_id] = found.checked.get(facility_id, 0) + 1
        if computed.rule_set:
            found.rule_sets.add(computed.rule_set)
        found.changes += compare(
            sentence,
            inputs.stored_rights.get(sentence.inmate_id, {}),
            computed,
            rights,
            facility_id=facility_id,
        )
        pairs.append((sentence, computed))
        computed_rights += rights
    return found, recalculation_write.plan(pairs, computed_rights, inputs.stored_rights, ids)


CHANGE_COLUMNS = (
    "recalculation_id",
    "inmate_id",
    "facility_id",
    "field",
    "right",
    "old_value",
    "new_value",
    "shift_days",
)


def _store_chunk(report: SentenceRecalculation, found: Preview, *, last_id: int) -> None:
    """Add a chunk's findings to the report: its change rows, the facilities' and the
    run's totals, and its progress."""
    moved = _moved(found.changes)
    per_facility: dict[int, int] = defaultdict(int)
    for change in found.changes:
        per_facility[change.facility_id] += 1
    rows = [
        (
            report.pk,
            change.inmate_id,
            change.facility_id,
            change.field,
            change.right,
            _stored(change.old),
            _stored(change.new),
            change.shift_days,
        )
        for change in found.changes
    ]
    if rows and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            recalculation_write.copy_rows(
                cursor, SentenceRecalculationChange._meta.db_table, CHANGE_COLUMNS, rows
            )
    elif rows:
        SentenceRecalculationChange.objects.bulk_create(
            [
                SentenceRecalculationChange(**dict(zip(CHANGE_COLUMNS, row, strict=True)))
                for row in rows
            ],
            batch_size=500,
        )
    totals = {
        t.facility_id: t
        for t in SentenceRecalculationFacility.objects.filter(
            recalculation=report, facility_id__in=list(found.checked)
        )
    }
    new: list[SentenceRecalculationFacility] = []
    for facility_id, checked in found.checked.items():
        total = totals.get(facility_id)
        if total is None:
            total = SentenceRecalculationFacility(recalculation=report, facility_id=facility_id)
            new.append(total)
        total.inmates_checked += checked
        total.inmates_changed += len(moved.get(facility_id, ()))
        total.changes_count += per_facility.get(facility_id, 0)
    if totals:
        SentenceRecalculationFacility.objects.bulk_update(
            list(totals.values()), ["inmates_checked", "inmates_changed", "changes_count"]
        )
    SentenceRecalculationFacility.objects.bulk_create(new)
    report.rule_sets = sorted(set(report.rule_sets) | found.rule_sets)
    report.inmates_checked += sum(found.checked.values())
    report.inmates_changed += sum(len(people) for people in moved.values())
    report.changes_count += len(found.changes)
    report.chunks_done += 1
    report.done_through = last_id
    report.save(
        update_fields=[
            "rule_sets",
            "inmates_checked",
            "inmates_changed",
            "changes_count",
            "chunks_done",
            "done_through",
            "updated_at",
        ]
    )


@transaction.atomic
def _finish(report: SentenceRecalculation, *, by: Any) -> SentenceRecalculation:
    """The run is done: audited with its totals, marked applied (unless a dry run)."""
    moved = dict(
        SentenceRecalculationFacility.objects.filter(recalculation=report)
        .order_by("facility_id")
        .values_list("facility_id", "inmates_changed")
    )
    audit.record(
        AuditAction.SENTENCES_RECALCULATED,
        by=by,
        username=report.run_by_username,
        target=report,
        facility=report.limited_to,
        changes={
            "dry_run": report.dry_run,
            "reason": report.reason,
            "rule_sets": report.rule_sets,
            "inmates_checked": report.inmates_checked,
            "inmates_changed": report.inmates_changed,
            "changes": report.changes_count,
            "facilities": {str(facility_id): count for facility_id, count in moved.items()},
        },
    )
    report.in_progress = False
    report.applied = not report.dry_run
    report.save(update_fields=["in_progress", "applied", "updated_at"])
    return report
