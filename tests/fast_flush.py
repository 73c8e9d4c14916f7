"""PostgreSQL test databases emptied with DELETE instead of TRUNCATE after a
transactional test.

A transactional test (``django_db(transaction=True)``, the browser tests' live server)
ends with Django's flush, which on PostgreSQL truncates every table in one statement.
TRUNCATE gives each table, index and TOAST table a new file and drops the old one's
buffers: with some two hundred tables it took seconds, each time (most of such a test's
teardown). The tables hold a few hundred rows at most in a test, so deleting them is a
fraction of that. The flush runs in one transaction and Django's foreign keys are
checked at its commit, so the order does not matter; what the tables hold afterwards is
the same (nothing). A flush that restarts the sequences, or that cascades to tables
outside the list, still truncates.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql.operations import DatabaseOperations

_truncate = DatabaseOperations.sql_flush


def _delete_then(
    self: DatabaseOperations,
    style: Any,
    tables: list[str],
    *,
    reset_sequences: bool = False,
    allow_cascade: bool = False,
) -> list[str]:
    if reset_sequences or allow_cascade or not tables:
        return _truncate(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    return [
        f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};"
        for table in tables
    ]


def install() -> None:
    DatabaseOperations.sql_flush = _delete_then  # type: ignore[method-assign]
