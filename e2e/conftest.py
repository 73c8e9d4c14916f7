"""Browser tests: Playwright driving the system Chromium, with axe-core on every page.

Without /usr/bin/chromium the tests are skipped with a reason, unless
SINERGI_REQUIRE_BROWSER=1 (as in CI), which turns a missing browser into a failure.
"""

from __future__ import annotations

import datetime
import io
import os
import shutil
import sqlite3
import zoneinfo
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from e2e import in_flight, language_check
from tests import demo_database, pg_snapshot

# The test database as tests/conftest.py builds it (from the models, recorded as migrated,
# the demo world loaded), also when a worker's first test is a browser test.
from tests.conftest import django_db_setup, django_db_use_migrations  # noqa: F401

# Playwright's sync API runs an event loop in this thread; the tests only touch the
# database between browser calls, never concurrently with them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("SINERGI_CHROMIUM", "/usr/bin/chromium")
REQUIRED = os.environ.get("SINERGI_REQUIRE_BROWSER", "") in {"1", "true", "yes"}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
DEMO_PASSWORD = "sinergi-demo"


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """Browser tests end with a flush (live_server is transactional): the demo world that
    tests/conftest.py loads once per database is loaded again for the tests after them."""
    try:
        return (yield)
    finally:
        demo_database.reseed_after_a_flush(item, nextitem)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        message = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
        if REQUIRED:
            pytest.fail(f"browser tests are required (SINERGI_REQUIRE_BROWSER=1) but {message}")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def artefacts(tmp_path_factory: Any) -> Path:
    """Where browser tests leave what a person looks at afterwards (PNG renderings of
    the documents): $SINERGI_E2E_ARTEFACTS, else "artefacts" in pytest's temporary
    directory of the run (printed with --basetemp, kept for the last 3 runs)."""
    configured = os.environ.get("SINERGI_E2E_ARTEFACTS", "")
    path = Path(configured) if configured else tmp_path_factory.getbasetemp() / "artefacts"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings: Any, tmp_path: Any) -> None:
    """Files the code under test writes (reports, evidence) never land in var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demo_live(transactional_db: Any, live_server: Any, request: Any) -> Any:
    """A live server with the demo organisations and users loaded (for a test of the
    whole demo, `full_demo_live` loads them with the rest)."""
    if not demo_database.loads_the_whole_demo(request) and not demo_database.is_loaded():
        demo_database.load_after_a_flush()
    return live_server


# The whole demo, as the first test that asked for it in this worker left the in-memory
# SQLite test database right after seeding it (and the files the seed wrote, e.g. the
# indicator reports), keyed by the demo's day (WITA): copying it back (SQLite's backup
# API, milliseconds) replaces seeding every app's demo again (seconds: programs,
# certificates, an indicator report's PDF) for each browser test.
_FULL_DEMO_SNAPSHOTS: dict[Any, tuple[sqlite3.Connection, Path]] = {}


def _in_memory_sqlite() -> sqlite3.Connection | None:
    """The test database's own sqlite3 connection, the one the live server shares; None
    on PostgreSQL (its copy is tests/pg_snapshot.py's) or a SQLite file (seeded for every
    test)."""
    from django.db import connection

    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        return None
    connection.ensure_connection()
    return cast(sqlite3.Connection, connection.connection)


def _demo_day() -> Any:
    from sinergi.core.demo import DEMO_TIME_ZONE

    return datetime.datetime.now(zoneinfo.ZoneInfo(DEMO_TIME_ZONE)).date()


def _on_postgresql() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


# The files of the PostgreSQL copy (tests/pg_snapshot.py keeps the tables), by demo day.
_POSTGRESQL_DEMO_FILES: dict[Any, Path] = {}


def _seed_the_whole_demo() -> None:
    """Every app's demo, on a database that the flush after the test before may have
    emptied (`demo_live` leaves the loading to `full_demo_live`)."""
    from sinergi.core.demo import seeders

    if not demo_database.is_loaded():
        demo_database.load_after_a_flush()
    out = io.StringIO()
    for _name, seed in seeders():
        seed(out)


def _full_demo_on_postgresql(demo_live: Any, media: Path, tmp_path_factory: Any) -> Any:
    """`full_demo_live` on PostgreSQL: the first test seeds, and its tables are copied
    (tests/pg_snapshot.py); the next ones get the copy back, as on SQLite."""
    from django.contrib.contenttypes.models import ContentType

    day = _demo_day()
    files = _POSTGRESQL_DEMO_FILES.get(day)
    if files is not None and pg_snapshot.restore(day):
        ContentType.objects.clear_cache()  # ids as in the copy, not as after the flush
        shutil.copytree(files, media, dirs_exist_ok=True)
        return demo_live
    _seed_the_whole_demo()
    pg_snapshot.take(day)
    files = tmp_path_factory.mktemp("full-demo-media")
    if media.exists():
        shutil.copytree(media, files, dirs_exist_ok=True)
    _POSTGRESQL_DEMO_FILES.clear()
    _POSTGRESQL_DEMO_FILES[day] = files
    return demo_live


@pytest.fixture
def full_demo_live(demo_live: Any, tmp_path_factory: Any) -> Any:
    """The live server with every app's demo data (inmates too), as `make run` loads it."""
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType

    media = Path(settings.MEDIA_ROOT)
    database = _in_memory_sqlite()
    if database is None and _on_postgresql():
        return _full_demo_on_postgresql(demo_live, media, tmp_path_factory)
    snapshot = _FULL_DEMO_SNAPSHOTS.get(_demo_day()) if database is not None else None
    if database is not None and snapshot is not None:
        copy, files = snapshot
        copy.backup(database)  # every table as right after the seed, nothing else
        ContentType.objects.clear_cache()  # ids as in the copy, not as after the flush
        shutil.copytree(files, media, dirs_exist_ok=True)
        return demo_live
    day = _demo_day()
    _seed_the_whole_demo()
    if database is not None:
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        database.backup(copy)
        files = tmp_path_factory.mktemp("full-demo-media")
        if media.exists():
            shutil.copytree(media, files, dirs_exist_ok=True)
        _FULL_DEMO_SNAPSHOTS.clear()
        _FULL_DEMO_SNAPSHOTS[day] = (copy, files)
    return demo_live


@pytest.fixture
def new_page(browser: Any, demo_live: Any) -> Iterator[Callable[..., Any]]:
    """Open a fresh browser context: ``new_page(viewport=PHONE, language="en")``."""
    contexts: list[Any] = []

    def make(viewport: dict[str, int] | None = None, language: str = "id") -> Any:
        context = browser.new_context(
            viewport=viewport or DESKTOP, base_url=demo_live.url, locale=language
        )
        if language != "id":
            context.add_cookies(
                [{"name": "sinergi_language", "value": language, "url": demo_live.url}]
            )
        contexts.append(context)
        language_check.watch(context, language, leaks)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    leaks: list[str] = []
    in_flight.watch()
    yield make
    for context in contexts:
        context.close()
    # what the pages asked last is answered before the flush that ends the test
    assert in_flight.wait_until_idle(), "the live server is still answering a request"
    assert not leaks, "pages with the other language's words:\n" + "\n".join(leaks)


def selong_today() -> Any:
    """Today at Lapas Selong (WITA), the day the demo users see on their pages; it is a
    day ahead of WIB and of the machine's clock for part of every evening."""
    from sinergi.orgs.models import Facility

    return Facility.objects.get(code="selong").today()


def login(page: Any, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.wait_for_load_state("networkidle")


def assert_accessible(page: Any) -> None:
    """No serious or critical axe-core violation on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in {"serious", "critical"}]
    details = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(n.get("target")) for n in v.get("nodes", [])[:3])
        for v in bad
    )
    assert not bad, f"axe-core violations on {page.url}:\n{details}"


def assert_fits_phone(page: Any) -> None:
    """Nothing makes the page scroll sideways on a 360 px wide screen."""
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"{page.url} is {overflow}px wider than the phone screen"
