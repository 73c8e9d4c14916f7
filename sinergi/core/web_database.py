"""Limits on the database sessions of the web server (not the task worker, migrations or
management commands, which may rightly run long).

- ``statement_timeout``: a web request's statement that runs longer than
  ``WEB_STATEMENT_TIMEOUT`` seconds (settings; 0 turns it off) is cancelled by PostgreSQL,
  so one slow page cannot hold a worker and a connection while the others queue behind it.
- ``jit``: PostgreSQL's JIT compilation took 16 to 35 % of the national dashboard's SQL
  time when it was measured on national data, for no gain on these short queries;
  ``WEB_DATABASE_JIT`` turns it back on.
- ``random_page_cost``: ``WEB_RANDOM_PAGE_COST`` (1.1, for SSD storage; PostgreSQL's default
  of 4 made the planner read every sentence in the country for a large facility's home
  page instead of looking its 4,000 people up by index). Empty: the server's setting.
- ``max_parallel_workers_per_gather``: ``WEB_PARALLEL_WORKERS`` (empty by default: the
  server's setting; ``0``: no parallel plan, which keeps a statement on one core where the
  web workers and PostgreSQL share a small server).

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
    values = {
        "statement_timeout": f"{seconds * 1000}",
        "jit": "on" if settings.WEB_DATABASE_JIT else "off",
    }
    if settings.WEB_RANDOM_PAGE_COST:
        values["random_page_cost"] = str(settings.WEB_RANDOM_PAGE_COST)
    if settings.WEB_PARALLEL_WORKERS != "":
        values["max_parallel_workers_per_gather"] = str(settings.WEB_PARALLEL_WORKERS)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join("set_config(%s, %s, false)" for _ in values),
            [item for pair in values.items() for item in pair],
        )


def _on_connection(sender: Any, connection: Any, **kwargs: Any) -> None:
    apply_web_limits(connection)


def limit_web_sessions() -> None:
    """Apply the web limits to every database connection this process opens from now on."""
    connection_created.connect(_on_connection, dispatch_uid="sinergi.web_database")
