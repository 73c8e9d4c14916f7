"""Values built once for many visitors: one builder when many ask at once, a late
builder never leaves a visitor without the value, and a new generation drops them all."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.cache import cache

from sinergi.core import shared_cache
from sinergi.core.shared_cache import build_once, generation, new_generation


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_many_requests_at_once_build_the_value_once():
    built = []
    barrier = threading.Barrier(8)
    results = []

    def build() -> str:
        built.append(1)
        time.sleep(0.3)
        return "figures"

    def ask() -> None:
        barrier.wait()
        results.append(build_once("stampede", build, 60))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["figures"] * 8
    assert len(built) == 1


def test_a_builder_that_never_finishes_does_not_leave_the_others_without(monkeypatch):
    monkeypatch.setattr(shared_cache, "POLL_SECONDS", 0.01)
    cache.add("slow:building", 1, 60)  # another request holds the lock and hangs
    assert build_once("slow", lambda: "built here", 60, wait=0.05) == "built here"


def test_a_failed_build_releases_the_lock_and_keeps_nothing():
    def fail() -> str:
        raise ValueError("no such month")

    with pytest.raises(ValueError):
        build_once("broken", fail, 60)
    assert cache.get("broken:building") is None
    assert build_once("broken", lambda: "now", 60) == "now"


def test_a_new_generation_retires_the_keys_built_with_the_old_one():
    first = generation("month")
    assert generation("month") == first
    new_generation("month")
    assert generation("month") != first
