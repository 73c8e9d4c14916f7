"""The clock the code under test reads, moved to a chosen instant.

`SINERGI_TEST_NOW=2026-12-05T16:30:00Z` runs the suite as if it were then (tests/conftest.py
calls `start_at` once): 16:00-17:00 UTC is already tomorrow in WITA (Lapas Selong) but still
today in WIB (settings.TIME_ZONE), from 15:00 UTC in WIT; bugs that mix the two clocks show
only then. `at(instant)` does the same for one test. The clock keeps running from the chosen
instant, so durations and orderings stay real.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.apps import apps
from django.utils import timezone

_real_now: Callable[[], datetime.datetime] = timezone.now


def parse(instant: str) -> datetime.datetime:
    """An ISO instant (`2026-12-05T16:30:00Z`); one without an offset is UTC."""
    moment = datetime.datetime.fromisoformat(instant.replace("Z", "+00:00"))
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


def _install(now: Callable[[], datetime.datetime]) -> None:
    """`timezone.now` everywhere: the module attribute (which `localdate`, `auto_now` and
    every `timezone.now()` call read) and the model fields whose default holds it."""
    current = timezone.now
    timezone.now = now
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if getattr(field, "default", None) is current:
                field.default = now
                field.__dict__.pop("_get_default", None)


def start_at(instant: datetime.datetime) -> None:
    """From now on, the clock reads `instant` plus the time elapsed since this call."""
    offset = instant - _real_now()
    _install(lambda: _real_now() + offset)


@contextmanager
def at(instant: datetime.datetime | str) -> Iterator[datetime.datetime]:
    """Within the block, the clock reads `instant` (plus the time elapsed in the block)."""
    moment = parse(instant) if isinstance(instant, str) else instant
    before = timezone.now
    offset = moment - before()
    _install(lambda: before() + offset)
    try:
        yield moment
    finally:
        _install(before)
