"""The demo data set, built by ``manage.py seed_demo`` from each app's ``demo.py``.

Apps register a seeder in their ``AppConfig.ready``; seeders run in order (lower apps
first) and must be idempotent: running the command twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Seeder = Callable[[Any], None]  # receives a writable stream
_SEEDERS: list[tuple[int, str, Seeder]] = []

DEMO_PASSWORD = "sinergi-demo"  # documented in the README; demo only


def register_seeder(order: int, name: str, seeder: Seeder) -> None:
    if all(existing != name for _o, existing, _s in _SEEDERS):
        _SEEDERS.append((order, name, seeder))


def seeders() -> list[tuple[str, Seeder]]:
    return [(name, seeder) for _order, name, seeder in sorted(_SEEDERS, key=lambda s: s[0])]
