"""Fixtures shared by the whole suite: the demo world and a client per demo role."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

from sinergi.accounts.models import User
from tests import demo_database, fast_flush, pdf_memo
from tests.client import Client


def _runs_whole_system_checks() -> bool:
    """Checks marked `once` run on PostgreSQL (as in CI) or when asked for."""
    if os.environ.get("SINERGI_ALL_CHECKS", "") in {"1", "true", "yes"}:
        return True
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_configure(config: Any) -> None:
    """SINERGI_TEST_NOW=2026-12-05T16:30:00Z runs the tests as if it were then (tests/clock.py).
    A PDF laid out once in a test process is not laid out again (tests/pdf_memo.py)."""
    pdf_memo.install()
    if instant := os.environ.get("SINERGI_TEST_NOW", ""):
        from tests import clock

        clock.start_at(clock.parse(instant))


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: Any) -> None:
    """The xdist controller, once its workers are done: the PDFs they shared go
    (tests/pdf_memo.py)."""
    if hasattr(session.config, "workerinput"):
        return
    nodes = getattr(session.config.pluginmanager.getplugin("dsession"), "nodemanager", None)
    if run := getattr(nodes, "testrunuid", None):
        pdf_memo.remove_shared_folder(run)


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    _long_tests_first(config, items)
    if _runs_whole_system_checks():
        return
    skip = pytest.mark.skip(
        reason="whole-system check: runs once per CI, on PostgreSQL"
        " (SINERGI_ALL_CHECKS=1 runs it here)"
    )
    for item in items:
        if "once" in item.keywords:
            item.add_marker(skip)


def _long_tests_first(config: Any, items: list[Any]) -> None:
    """Tests marked ``long`` (minutes each) each at the start of one xdist worker's share.
    pytest-xdist's worksteal hands each worker an equal run of the collection, in order,
    and the others take from it only what it has not started: a long test near the end of
    a share (the migrations' round trip, 6 minutes, was) ran on after every other test had
    finished, the run waiting on it alone. Every worker orders the collection the same way
    (xdist requires it)."""
    long = [item for item in items if "long" in item.keywords]
    if not long:
        return
    rest = iter([item for item in items if "long" not in item.keywords])
    workers = max(int(getattr(config, "workerinput", {}).get("workercount", 1)), 1)
    share = len(items) // workers
    if len(long) > share:
        items[:] = [*long, *rest]
        return
    # the i-th long test: the start of share i (the next place of it after the first round)
    slots = {(i % workers) * share + i // workers: item for i, item in enumerate(long)}
    items[:] = [slots[place] if place in slots else next(rest) for place in range(len(items))]


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings: Any, tmp_path: Any) -> None:
    """Files the code under test writes (reports, evidence) never land in var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _an_empty_cache() -> None:
    """Each test starts with an empty cache: figures kept a few minutes (the current
    month's national figures), public pages and rate limits do not pass from one test
    to the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def django_db_use_migrations() -> bool:
    """The test databases are built from the models (as ``--nomigrations`` does), not by
    running every migration: Django renders each migration's model states again, about
    20 s of CPU for each xdist worker. `django_db_setup` then records every migration as
    applied and runs their data steps, so the database is the one migrations make (the
    round trip in tests/test_migrations.py runs them all, backward and forward, on
    PostgreSQL in CI). SINERGI_TEST_MIGRATIONS=1 builds them by migrating instead."""
    demo_database.remember_migration_modules()
    return os.environ.get("SINERGI_TEST_MIGRATIONS", "") in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def django_db_setup(
    django_db_setup: None, django_db_use_migrations: bool, django_db_blocker: Any
) -> None:
    """The test database (one per xdist worker), as migrations leave it, with the demo
    world loaded once: every test finds it, and its own writes are rolled back after it.
    A transactional test's flush deletes the rows rather than truncating (tests/fast_flush)."""
    fast_flush.install()
    with django_db_blocker.unblock():
        if not django_db_use_migrations:
            demo_database.as_if_migrated()
        demo_database.seed()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    try:
        return (yield)
    finally:
        demo_database.reseed_after_a_flush(item, nextitem)


@pytest.fixture(autouse=True)
def _default_language() -> Any:
    """Each test starts in the default language (Indonesian). A request in English (the
    test client's, the API's ``Accept-Language``) leaves English active in the thread
    after it, and a later test on the same worker read its CSV headers in English."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def demo_world(db: Any) -> None:
    """The demo organisations and users (one per role), as `make run` loads them.

    They are in the test database already (see `django_db_setup`); this only checks
    (one query) that no flush removed them, and loads them again if one did.
    """
    if not demo_database.is_loaded():
        demo_database.load_after_a_flush()


@pytest.fixture
def empty_database(db: Any) -> None:
    """A database without the demo world, for a test about what an empty one does."""
    demo_database.remove()


@pytest.fixture
def user(demo_world: None) -> Callable[[str], User]:
    def get(username: str) -> User:
        return User.objects.get(username=username)

    return get


@pytest.fixture
def client_for(demo_world: None) -> Callable[[str], Client]:
    """A test client logged in as one of the demo users."""

    def make(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    return make


@pytest.fixture
def client() -> Client:
    """pytest-django's client, which also takes ``language=`` (see tests/client.py)."""
    return Client()
