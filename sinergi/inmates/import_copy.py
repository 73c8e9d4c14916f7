"""Set-based writes of the SDP import on PostgreSQL: COPY instead of INSERT per row.

The importer decides what to write in Python, the same way on both databases (which rows
are new, the computed dates and rights of a new sentence); on PostgreSQL this module then
writes it the fast way, with the same rows as the ORM path:

* :func:`insert` gives new model instances their ids from the table's sequence (one
  ``nextval`` query) and writes them with ``COPY … FROM STDIN`` straight into the table;
* :func:`insert_history` writes their django-simple-history rows with one
  ``INSERT … SELECT`` from the rows just written (the same tracked fields,
  ``history_type`` "+", the user and change reason the ORM path gives,
  ``bulk_create_with_history``);
* :func:`changed_numbers` copies the chunk's imported values into a temporary staging
  table and compares them with the stored inmates and sentences in one query: only the
  registration numbers that are new or differ come back, so re-importing an unchanged
  file writes nothing and reads no row into Python.

SQLite keeps the ORM path (``uses_copy`` is False there).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

from sinergi.inmates.calculation import ComputedRight
from sinergi.inmates.models import Inmate, InmateRight, Sentence

STAGE = "sinergi_import_stage"


def uses_copy() -> bool:
    """COPY and the staging table are PostgreSQL's (psycopg 3)."""
    return connection.vendor == "postgresql"


def _qn(name: str) -> str:
    return connection.ops.quote_name(name)


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def allocate(model: type[models.Model], count: int) -> list[int]:
    """``count`` new primary keys from the table's identity sequence, in order."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _prepare(field: models.Field[Any, Any], now: datetime.datetime) -> Any:
    """How COPY stores an attribute's value of ``field`` as ``Model.save`` would, a
    function of the value, or None where the value is stored as it is: the time of the
    write for ``auto_now`` fields (and ``auto_now_add`` ones without a value), JSON as text,
    psycopg adapting the simple types."""
    if getattr(field, "auto_now", False):
        return lambda value: now
    if getattr(field, "auto_now_add", False):
        return lambda value: now if value is None else value
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        return lambda value: json.dumps(value, cls=encoder)
    if field.get_internal_type() in SIMPLE_TYPES:
        return None
    return lambda value: field.get_db_prep_save(value, connection)


def _converter(field: models.Field[Any, Any], now: datetime.datetime) -> Any:
    """How COPY gets ``field``'s value from an instance (:func:`_prepare`); an
    ``auto_now`` or ``auto_now_add`` stamp is also set on the instance, as ``save`` does."""
    attname = field.attname
    prepare = _prepare(field, now)
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):

        def stamped(obj: Any) -> Any:
            value = prepare(getattr(obj, attname))
            setattr(obj, attname, value)
            return value

        return stamped
    if prepare is None:
        return lambda obj: getattr(obj, attname)
    if isinstance(field, models.JSONField):
        return lambda obj: prepare(getattr(obj, attname))
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)


# Stored as the attribute is: psycopg adapts these types itself.
SIMPLE_TYPES = {
    "AutoField",
    "BigAutoField",
    "BooleanField",
    "CharField",
    "DateField",
    "DecimalField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}


def allocate_ids(objs: Sequence[models.Model]) -> None:
    """Give the new instances of one model that have none a primary key from the table's
    sequence (before they are written: rows that point at them may be written first)."""
    missing = [obj for obj in objs if obj.pk is None]
    if missing:
        for obj, pk in zip(missing, allocate(type(missing[0]), len(missing)), strict=True):
            obj.pk = pk


def insert(objs: Sequence[models.Model]) -> None:
    """Write new instances of one model with COPY, setting their primary keys (those
    given by :func:`allocate_ids` are kept).

    Each value is what ``Model.save`` would store (``auto_now`` fields get the time of
    the write; see :func:`_converter`).
    """
    if not objs:
        return
    model = type(objs[0])
    fields = _columns(model)
    now = timezone.now()
    converters = [_converter(f, now) for f in fields]
    allocate_ids(objs)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    names = ", ".join(_qn(f.column) for f in [model._meta.pk, *fields])
    statement = f"COPY {_qn(model._meta.db_table)} ({names}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        write = copy.write_row
        for obj in objs:
            write([obj.pk, *(convert(obj) for convert in converters)])


def _default(field: models.Field[Any, Any]) -> Any:
    """The field's default as a function: a callable default is called for each row."""
    if field.has_default() and callable(field.default):
        return field.default
    value = field.get_default()
    return lambda: value


def insert_values(model: type[models.Model], rows: Sequence[Mapping[str, Any]]) -> None:
    """Write new rows of ``model`` with COPY from plain values: each row a mapping of
    attribute names to values, its primary key among them (from :func:`allocate`). The
    row written is what :func:`insert` writes for an instance made of the same values,
    without making one: a value left out is the field's default (a callable default
    called for each row), then stored as :func:`_prepare` says."""
    if not rows:
        return
    now = timezone.now()
    fields = [model._meta.pk, *_columns(model)]
    missing = object()
    columns = []
    for field in fields:
        columns.append((field.attname, _default(field), _prepare(field, now)))
    unknown = set(rows[0]) - {name for name, _, _ in columns}
    if unknown:
        raise ValueError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
    names = ", ".join(_qn(f.column) for f in fields)
    statement = f"COPY {_qn(model._meta.db_table)} ({names}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        write = copy.write_row
        for row in rows:
            values = []
            for name, default, prepare in columns:
                value = row.get(name, missing)
                if value is missing:
                    value = default()
                values.append(value if prepare is None else prepare(value))
            write(values)


def copy_rows(
    model: type[models.Model], attnames: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Write plain rows (values of ``attnames``, in order; JSON already as text) of
    ``model`` with COPY, their ids from the column's default: no model instance per row."""
    columns = {f.attname: f.column for f in model._meta.concrete_fields}
    names = ", ".join(_qn(columns[n]) for n in attnames)
    statement = f"COPY {_qn(model._meta.db_table)} ({names}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        write = copy.write_row
        for row in rows:
            write(row)


def insert_rights(rights: Iterable[ComputedRight]) -> None:
    """Write the engine's rights (``calculation.ComputedRight`` tuples) as ``InmateRight``
    rows with COPY."""
    dumps = json.dumps
    copy_rows(InmateRight, ComputedRight._fields, ((*r[:-1], dumps(r[-1])) for r in rights))


def update(objs: Sequence[models.Model], names: Sequence[str]) -> None:
    """Store the fields ``names`` of changed instances of one model as ``bulk_update``
    does (each attribute as it is: no ``auto_now`` stamp), set-based: the values are
    COPYed into a temporary table and written with one ``UPDATE … FROM``."""
    if not objs:
        return
    model = type(objs[0])
    fields = [model._meta.get_field(name) for name in names]
    concrete = [f for f in fields if isinstance(f, models.Field)]
    assert len(concrete) == len(fields)
    stage = f"{STAGE}_{model._meta.db_table}"
    pk = model._meta.pk
    definitions = ", ".join(
        [
            f"{_qn(pk.column)} bigint",
            *(f"{_qn(f.column)} {f.db_type(connection)}" for f in concrete),
        ]
    )

    def value(field: models.Field[Any, Any]) -> Any:
        if isinstance(field, models.JSONField):
            encoder = field.encoder
            return lambda obj: json.dumps(getattr(obj, field.attname), cls=encoder)
        if field.get_internal_type() in SIMPLE_TYPES:
            return lambda obj: getattr(obj, field.attname)
        return lambda obj: field.get_db_prep_save(getattr(obj, field.attname), connection)

    values = [value(f) for f in concrete]
    columns = ", ".join(_qn(f.column) for f in [pk, *concrete])
    assignments = ", ".join(f"{_qn(f.column)} = u.{_qn(f.column)}" for f in concrete)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {stage}")
        cursor.execute(f"CREATE TEMPORARY TABLE {stage} ({definitions}) ON COMMIT DROP")
        with cursor.cursor.copy(f"COPY {stage} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row([obj.pk, *(read(obj) for read in values)])
        cursor.execute(
            f"UPDATE {_qn(model._meta.db_table)} t SET {assignments} "  # noqa: S608
            f"FROM {stage} u WHERE t.{_qn(pk.column)} = u.{_qn(pk.column)}"
        )


def insert_history(
    model: type[models.Model],
    ids: Iterable[int],
    *,
    by: Any,
    reason: str | None,
    when: datetime.datetime | None = None,
    kind: str = "+",
) -> None:
    """The history rows (``kind`` "+", or "~" after :func:`update`) of the rows ``ids``
    of ``model``, as ``bulk_create_with_history`` (``bulk_update_with_history``)
    ``(..., default_user=by, default_change_reason=reason)`` writes them, in one
    ``INSERT … SELECT``."""
    ids = list(ids)
    if not ids:
        return
    history = model.history.model  # type: ignore[attr-defined]
    # the model's columns that its history keeps (not those excluded from it)
    kept = {f.column for f in history._meta.concrete_fields}
    tracked = [f.column for f in model._meta.concrete_fields if f.column in kept]
    columns = ", ".join(_qn(c) for c in tracked)
    source = ", ".join(f"t.{_qn(c)}" for c in tracked)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_qn(history._meta.db_table)} ({columns}, history_date, "  # noqa: S608
            "history_change_reason, history_type, history_user_id) "
            f"SELECT {source}, %s, %s, %s, %s FROM {_qn(model._meta.db_table)} t "
            "WHERE t.id = ANY(%s) ORDER BY t.id",
            [when or timezone.now(), reason, kind, getattr(by, "pk", None), ids],
        )


def _stage_fields(
    inmate_fields: Iterable[str], sentence_fields: Iterable[str]
) -> list[tuple[str, models.Field[Any, Any]]]:
    """The compared columns: ("i", inmate field) and ("s", sentence field)."""
    found: list[tuple[str, models.Field[Any, Any]]] = []
    for table, model, names in (("i", Inmate, inmate_fields), ("s", Sentence, sentence_fields)):
        for name in names:
            field = model._meta.get_field(name)
            assert isinstance(field, models.Field)
            found.append((table, field))
    return found


def changed_numbers(
    facility_id: int,
    rows: Sequence[tuple[str, Mapping[str, Any], Mapping[str, Any]]],
) -> set[str]:
    """The registration numbers of ``rows`` (number, inmate values, sentence values) whose
    inmate is not at the facility yet, has no sentence, or whose stored values differ,
    decided in SQL: the values are copied into a temporary staging table (dropped at the
    end of the transaction) and compared with the stored rows. The compared fields are
    the keys of the first row's values."""
    if not rows:
        return set()
    fields = _stage_fields(rows[0][1], rows[0][2])
    number = Inmate._meta.get_field("registration_number")
    definitions = ", ".join(
        [
            f"registration_number {number.db_type(connection)}",
            *(f"{_qn(f.column)} {f.db_type(connection)}" for _, f in fields),
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cursor.execute(f"CREATE TEMPORARY TABLE {STAGE} ({definitions}) ON COMMIT DROP")
        names = ", ".join(["registration_number", *(_qn(f.column) for _, f in fields)])
        # The values as they are (psycopg adapts them), as :func:`insert` writes them;
        # each column: the inmate's value or the sentence's, its key, and the field when
        # the value needs preparing.
        columns = [
            (table == "i", f.name, None if f.get_internal_type() in SIMPLE_TYPES else f)
            for table, f in fields
        ]
        with cursor.cursor.copy(f"COPY {STAGE} ({names}) FROM STDIN") as copy:
            write = copy.write_row
            for registration_number, inmate_values, sentence_values in rows:
                write(
                    [
                        registration_number,
                        *[
                            value if field is None else field.get_db_prep_save(value, connection)
                            for of_inmate, name, field in columns
                            for value in ((inmate_values if of_inmate else sentence_values)[name],)
                        ],
                    ]
                )
        # Each staged row looks up its own inmate and sentence (LATERAL … LIMIT 1 keeps
        # the planner from joining the facility's every inmate to the chunk: on a table
        # whose statistics predate the import it did, 100,000 rows read per chunk).
        picked = ", ".join(
            [
                "s.id AS sentence_id",
                *(f"{table}.{_qn(f.column)} AS {table}_{f.column}" for table, f in fields),
            ]
        )
        stored = ", ".join(f"x.{table}_{f.column}" for table, f in fields)
        imported = ", ".join(f"g.{_qn(f.column)}" for _, f in fields)
        cursor.execute(
            f"SELECT g.registration_number FROM {STAGE} g "  # noqa: S608
            f"LEFT JOIN LATERAL (SELECT {picked} FROM {_qn(Inmate._meta.db_table)} i "
            f"LEFT JOIN {_qn(Sentence._meta.db_table)} s ON s.inmate_id = i.id "
            "WHERE i.facility_id = %s AND i.registration_number = g.registration_number "
            "LIMIT 1) x ON TRUE "
            f"WHERE x.sentence_id IS NULL OR ({stored}) IS DISTINCT FROM ({imported})",
            [facility_id],
        )
        return {row[0] for row in cursor.fetchall()}
