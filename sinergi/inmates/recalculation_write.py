"""Set-based writes of the engine's results: the computed key dates of sentences and the
rights rows of inmates, only the rows that changed.

On PostgreSQL the changed rows are copied (``COPY``) into a temporary staging table and
written by one ``UPDATE … FROM`` per table; new rights are copied straight into their
table and rights the engine no longer gives are deleted by id. On other databases
(SQLite) ``bulk_update``/``bulk_create``/``delete`` do the same. The stored result is the
one of the per-row path it replaces (every sentence's computed fields saved, the rights
deleted and created again), except that an unchanged right keeps its row (and id).

The computed fields are derived data: no history row is written for them (the per-row
path used ``bulk_update``, which writes none either; ``InmateRight`` has no history).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db import connection

from sinergi.inmates.models import InmateRight, Sentence

if TYPE_CHECKING:
    from sinergi.inmates.calculation import ComputedRight

# The sentence's fields the engine computes (``calculated_on`` included).
SENTENCE_FIELDS: tuple[str, ...] = (
    "expiry_date",
    "expiry_after_remission",
    "one_third_date",
    "half_date",
    "two_thirds_date",
    "term_start",
    "release_date",
    "pb_probation_end",
    "rule_set",
    "calculated_on",
)
RIGHT_FIELDS: tuple[str, ...] = (
    "status",
    "eligible_from",
    "ends_on",
    "reason",
    "missing_conditions",
)


class StoredRight(NamedTuple):
    """A stored rights row, as read for a comparison (lighter than a model instance)."""

    id: int
    inmate_id: int
    right: str
    status: str
    eligible_from: Any
    ends_on: Any
    reason: str
    missing_conditions: Any


def stored_rights(inmate_ids: Sequence[int]) -> dict[int, dict[str, StoredRight]]:
    """inmate id -> right -> its stored row, in one query."""
    found: dict[int, dict[str, StoredRight]] = {}
    rows = InmateRight.objects.filter(inmate_id__in=list(inmate_ids)).values_list(
        "id", "inmate_id", "right", *RIGHT_FIELDS
    )
    for row in rows:
        right = StoredRight(*row)
        found.setdefault(right.inmate_id, {})[right.right] = right
    return found


def sentence_changed(stored: Sentence, computed: Sentence) -> bool:
    return any(getattr(stored, name) != getattr(computed, name) for name in SENTENCE_FIELDS)


class Plan(NamedTuple):
    """What to write for a chunk: the sentences whose computed fields changed, the
    rights to update (with their id), to create and to delete."""

    sentences: list[Sentence]
    rights_updated: list[InmateRight]
    rights_created: list[InmateRight]
    rights_deleted: list[int]


def plan(
    pairs: Iterable[tuple[Sentence, Sentence]],
    computed_rights: Iterable[ComputedRight],
    stored: Mapping[int, Mapping[str, StoredRight]],
    inmate_ids: Iterable[int],
) -> Plan:
    """Compare ``(stored, computed)`` sentences and the computed rights of ``inmate_ids``
    with the stored rows: what must be written for the stored result to be the computed
    one."""
    sentences = [computed for old, computed in pairs if sentence_changed(old, computed)]
    updated: list[InmateRight] = []
    created: list[InmateRight] = []
    kept: set[int] = set()
    for row in computed_rights:
        old = stored.get(row.inmate_id, {}).get(row.right)
        if old is None:
            created.append(row.row())
            continue
        kept.add(old.id)
        if any(getattr(old, name) != getattr(row, name) for name in RIGHT_FIELDS):
            updated.append(row.row(old.id))
    deleted = [
        old.id
        for inmate_id in inmate_ids
        for old in stored.get(inmate_id, {}).values()
        if old.id not in kept
    ]
    return Plan(sentences, updated, created, deleted)


def write(writes: Plan) -> None:
    """Write the plan (call it inside a transaction: it is several statements)."""
    write_sentences(writes.sentences)
    write_rights(writes)


def write_sentences(sentences: Sequence[Sentence]) -> None:
    """Store the computed fields of these sentences."""
    if not sentences:
        return
    if connection.vendor != "postgresql":
        Sentence.objects.bulk_update(sentences, SENTENCE_FIELDS, batch_size=500)
        return
    table = Sentence._meta.db_table
    columns = ("id", *SENTENCE_FIELDS)
    with connection.cursor() as cursor:
        _stage(cursor, "recalc_stage_sentence", table, columns)
        copy_rows(
            cursor,
            "recalc_stage_sentence",
            columns,
            ([s.pk, *(getattr(s, n) for n in SENTENCE_FIELDS)] for s in sentences),
        )
        cursor.execute(
            f"UPDATE {table} AS s SET {_assignments(SENTENCE_FIELDS)} "  # noqa: S608
            "FROM recalc_stage_sentence AS t WHERE s.id = t.id"
        )


def write_rights(writes: Plan) -> None:
    """Delete, update and create the rights rows of the plan."""
    if connection.vendor != "postgresql":
        for start in range(0, len(writes.rights_deleted), 500):
            InmateRight.objects.filter(pk__in=writes.rights_deleted[start : start + 500]).delete()
        if writes.rights_updated:
            InmateRight.objects.bulk_update(writes.rights_updated, RIGHT_FIELDS, batch_size=500)
        if writes.rights_created:
            InmateRight.objects.bulk_create(writes.rights_created, batch_size=500)
        return
    table = InmateRight._meta.db_table
    with connection.cursor() as cursor:
        if writes.rights_deleted:
            cursor.execute(
                f"DELETE FROM {table} WHERE id = ANY(%s)",  # noqa: S608
                [writes.rights_deleted],
            )
        if writes.rights_updated:
            columns = ("id", *RIGHT_FIELDS)
            _stage(cursor, "recalc_stage_right", table, columns)
            copy_rows(cursor, "recalc_stage_right", columns, map(_right_row, writes.rights_updated))
            cursor.execute(
                f"UPDATE {table} AS r SET {_assignments(RIGHT_FIELDS)} "  # noqa: S608
                "FROM recalc_stage_right AS t WHERE r.id = t.id"
            )
        if writes.rights_created:
            copy_rows(
                cursor,
                table,
                ("inmate_id", "right", *RIGHT_FIELDS),
                ([r.inmate_id, r.right, *_right_row(r)[1:]] for r in writes.rights_created),
            )


def _assignments(fields: Sequence[str]) -> str:
    q = connection.ops.quote_name
    return ", ".join(f"{q(n)} = t.{q(n)}" for n in fields)


def copy_rows(
    cursor: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """``COPY table (columns) FROM STDIN`` of ``rows`` (PostgreSQL, psycopg 3)."""
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _stage(cursor: Any, name: str, like: str, columns: Sequence[str]) -> None:
    """An empty temporary table ``name`` with ``columns`` of table ``like`` (kept for the
    connection, emptied for every use)."""
    cursor.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {name} AS "  # noqa: S608
        f"SELECT {', '.join(connection.ops.quote_name(c) for c in columns)} FROM {like} "
        "WITH NO DATA"
    )
    cursor.execute(f"TRUNCATE {name}")


def _right_row(row: InmateRight) -> list[Any]:
    return [
        row.id,
        row.status,
        row.eligible_from,
        row.ends_on,
        row.reason,
        json.dumps(row.missing_conditions),
    ]
