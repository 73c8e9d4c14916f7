"""The demo data set, built by ``manage.py seed_demo`` from each app's ``demo.py``.

Apps register a seeder in their ``AppConfig.ready``; seeders run in order (lower apps
first) and must be idempotent: running the command twice changes nothing.
"""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Callable
from typing import Any

from django.utils import timezone

Seeder = Callable[[Any], None]  # receives a writable stream
_SEEDERS: list[tuple[int, str, Seeder]] = []

DEMO_PASSWORD = "sinergi-demo"  # documented in the README; demo only

# Every demo facility (and its region) is in West Nusa Tenggara, on WITA, set from here.
# The demo is built in that zone, so its "today" (this week's sessions, a release due
# today) is the day its users see, whatever the zone of the machine or of TIME_ZONE.
DEMO_TIME_ZONE = "Asia/Makassar"


def in_demo_time_zone(seed: Seeder) -> Seeder:
    """Run a seeder with the demo facilities' time zone active."""

    @functools.wraps(seed)
    def wrapper(out: Any) -> None:
        with timezone.override(zoneinfo.ZoneInfo(DEMO_TIME_ZONE)):
            seed(out)

    return wrapper


def register_seeder(order: int, name: str, seeder: Seeder) -> None:
    if all(existing != name for _o, existing, _s in _SEEDERS):
        _SEEDERS.append((order, name, seeder))


def seeders() -> list[tuple[str, Seeder]]:
    return [(name, seeder) for _order, name, seeder in sorted(_SEEDERS, key=lambda s: s[0])]
