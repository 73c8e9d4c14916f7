"""Limits on the database sessions of the web server (not the task worker, migrations or
management commands, which may rightly run long).

- ``statement_timeout``: a web request's statement that runs longer than
  ``WEB_STATEMENT_TIMEOUT`` seconds (settings; 0 turns it off) is cancelled by PostgreSQL,
  so one slow page cannot hold a worker and a connection while the others queue behind it.
- ``jit``: PostgreSQL's JIT compilation took 16 to 35 % of the national dashboard's SQL
  time when it was measured on national data, for no gain on these short queries;
  ``WEB_DATABASE_JIT`` turns it back on.

``sinergi.wsgi`` installs them; anything else that serves the application may call
``limit_web_sessions`` before its first request."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.backends.signals import connection_created


def apply_web_limits(connection: Any) -> None:
    """Set the web limits on an open PostgreSQL ``connection`` (others are left alone)."""
    if connection.vendor != "postgresql":
        return
    seconds = int(settings.WEB_STATEMENT_TIMEOUT)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('statement_timeout', %s, false), set_config('jit', %s, false)",
            [f"{seconds * 1000}", "on" if settings.WEB_DATABASE_JIT else "off"],
        )


def _on_connection(sender: Any, connection: Any, **kwargs: Any) -> None:
    apply_web_limits(connection)


def limit_web_sessions() -> None:
    """Apply the web limits to every database connection this process opens from now on."""
    connection_created.connect(_on_connection, dispatch_uid="sinergi.web_database")
