"""The national benchmark: a deterministic generator (``generate``) and, in ``bench/run.py``,
its driver. Helpers shared by the parts: Django set up for the benchmark and pointed at a
database given by its URL."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def server_url() -> str:
    """``DATABASE_URL`` if it is a PostgreSQL one, else the local server."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else DEFAULT_SERVER


def database_url(name: str, server: str | None = None) -> str:
    """The URL of the database ``name`` on ``server``'s PostgreSQL."""
    parts = urlsplit(server or server_url())
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def database_name(url: str) -> str:
    return unquote(urlsplit(url).path.lstrip("/"))


def setup_django(url: str) -> None:
    """Set Django up (once) for ``url``'s database, without the debug query log."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinergi.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    if not settings.configured or not getattr(settings, "_bench_ready", False):
        django.setup()
        settings.DEBUG = False
        settings._bench_ready = True  # type: ignore[misc]
    use_database(url)


def use_database(url: str) -> None:
    """Point Django's default connection at ``url`` (closing the open ones)."""
    from django.conf import settings
    from django.db import connections

    parts = urlsplit(url)
    values = {
        "NAME": database_name(url),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
    }
    connections.close_all()
    settings.DATABASES["default"].update(values)
    connections["default"].settings_dict.update(values)
