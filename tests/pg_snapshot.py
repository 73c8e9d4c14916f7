"""A copy of every table of a PostgreSQL test database, to put back in a moment.

The browser tests' full demo (e2e/conftest.py, `full_demo_live`) is seeded by the first
test that asks for it in an xdist worker; on an in-memory SQLite database it is then
kept with SQLite's backup API. This is the same for PostgreSQL: each table's rows are
copied into a schema of their own (outside the search path, so Django and its flush
never see it), with each sequence's position; `restore` empties the tables and copies
the rows and the positions back, in one transaction (Django's foreign keys are checked
at its commit), a fraction of a second instead of seeding every app's demo again
(seconds each time: programs, certificates, an indicator report's PDF).
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction

SCHEMA = "sinergi_test_snapshot"

# What `take` saw: the tables (each with its columns) and the sequences' positions.
_taken: dict[str, Any] = {}


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _tables() -> list[str]:
    """The tables Django's flush empties: the models' tables."""
    return sorted(connection.introspection.django_table_names(only_existing=True))


def take(key: Any) -> None:
    """Copy every table's rows and every sequence's position, remembered under ``key``."""
    tables = _tables()
    columns: dict[str, list[str]] = {}
    sequences: list[tuple[str, str, int, bool]] = []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        cursor.execute(f"CREATE SCHEMA {SCHEMA}")
        for table in tables:
            cursor.execute(f"CREATE TABLE {SCHEMA}.{_quote(table)} AS TABLE {_quote(table)}")
            description = connection.introspection.get_table_description(cursor, table)
            columns[table] = [column.name for column in description]
            for sequence in connection.introspection.get_sequences(cursor, table):
                cursor.execute(f"SELECT last_value, is_called FROM {_quote(sequence['name'])}")
                last_value, is_called = cursor.fetchone()
                sequences.append((table, sequence["column"], last_value, is_called))
    _taken.clear()
    _taken.update(key=key, columns=columns, sequences=sequences)


def restore(key: Any) -> bool:
    """Put back what `take` copied under ``key``; False (nothing done) if it copied none
    or under another key, or if the tables are no longer the ones it copied."""
    if not _taken or _taken["key"] != key or set(_taken["columns"]) != set(_tables()):
        return False
    columns: dict[str, list[str]] = _taken["columns"]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE " + ", ".join(_quote(table) for table in columns) + " CASCADE")
        for table, names in columns.items():
            listed = ", ".join(_quote(name) for name in names)
            cursor.execute(
                f"INSERT INTO {_quote(table)} ({listed})"
                f" SELECT {listed} FROM {SCHEMA}.{_quote(table)}"
            )
        for table, column, last_value, is_called in _taken["sequences"]:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, %s), %s, %s)",
                [_quote(table), column, last_value, is_called],
            )
    return True
