"""Values that are costly to build and the same for every visitor (the public pages, the
open-data files), kept in the shared cache and built once when many ask at the same time.

``build_once`` takes a lock in the cache itself (``cache.add`` is atomic in every Django
backend: per process in memory, across servers in Redis), so when a value expires under
load one request builds it and the others wait for it instead of all building the same
thing (a cache stampede). If the builder dies or is slow, the waiters build it themselves
after ``wait`` seconds: a page is late, never missing.

``generation`` names the current version of a group of values (a month's public figures):
keys built with it are dropped all at once by ``new_generation``, without knowing them.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")

LOCK_SECONDS = 120  # longer than any build; a crashed builder's lock expires
POLL_SECONDS = 0.05


def build_once(key: str, build: Callable[[], T], timeout: int, *, wait: float = 30.0) -> T:
    """The value kept under ``key``, or ``build()`` stored there for ``timeout`` seconds;
    while another request builds it, wait for that one (up to ``wait`` seconds)."""
    value = cache.get(key)
    if value is not None:
        return value
    lock = f"{key}:building"
    deadline = time.monotonic() + wait
    while True:
        if cache.add(lock, 1, LOCK_SECONDS):
            try:
                value = cache.get(key)  # built while this request waited for the lock
                if value is None:
                    value = build()
                    cache.set(key, value, timeout)
                return value
            finally:
                cache.delete(lock)
        time.sleep(POLL_SECONDS)
        value = cache.get(key)
        if value is not None:
            return value
        if time.monotonic() >= deadline:
            return build()


def generation(name: str) -> str:
    """The current generation of the values named ``name`` (made on first use)."""
    key = f"generation:{name}"
    token = cache.get(key)
    if token is None:
        cache.add(key, uuid.uuid4().hex, None)
        token = cache.get(key) or ""
    return str(token)


def new_generation(name: str) -> None:
    """Retire every value built with the current generation of ``name``."""
    cache.set(f"generation:{name}", uuid.uuid4().hex, None)
