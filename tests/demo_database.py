"""The demo world (organisations and one user per role) loaded once into each test
database, instead of once per test.

`tests/conftest.py` seeds it right after the test database is created (once per pytest
process, so once per xdist worker); every ordinary test then runs in its own transaction
that is rolled back, and finds the world as it was. A transactional test (one marked
``django_db(transaction=True)``, or using ``transactional_db`` or ``live_server``, as the
browser tests do) ends with Django flushing every table, so the data migrations' rows
and the world are loaded again after it (see `reseed_after_a_flush`), and the next test
finds the database as the others do, whatever ran before it.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.conf import settings
from pytest_django.plugin import blocking_manager_key

from sinergi.accounts import demo as accounts_demo
from sinergi.accounts.models import Membership, User
from sinergi.orgs import demo as orgs_demo
from sinergi.orgs.models import Facility, Partner, PartnerContact, Region

# The last demo user the seed creates: when it is there with its membership, the whole
# world is (the seed runs in this order and nothing in the tests deletes demo users).
_LAST_USERNAME = accounts_demo.USERS[-1][0]


_MIGRATION_MODULES: list[Any] = []


def remember_migration_modules() -> None:
    """Keep the project's MIGRATION_MODULES before pytest-django replaces them (to build
    the test databases without migrations) so that `as_if_migrated` can put them back."""
    if not _MIGRATION_MODULES:
        _MIGRATION_MODULES.append(settings.MIGRATION_MODULES)


def as_if_migrated() -> None:
    """Make a database built from the models look migrated: the migrations back in
    place for the tests that load them, every one recorded as applied (a test may
    migrate back and forth), and the project's data steps run with today's models (on
    empty tables they only add rows: the first needs-assessment version)."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.recorder import MigrationRecorder

    if _MIGRATION_MODULES:
        settings.MIGRATION_MODULES = _MIGRATION_MODULES[0]
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    recorder = MigrationRecorder(connection)
    recorder.ensure_schema()
    run_data_steps(loader)
    recorder.migration_qs.bulk_create(
        recorder.Migration(app=app, name=name) for app, name in loader.graph.nodes
    )


def run_data_steps(loader: Any = None) -> None:
    """Run the project's data migrations (their forward code) with today's models, in
    the order migrating runs them. On empty tables they only add the rows migrating
    leaves (the national holidays, the first needs-assessment version): after a flush
    they put back what the flush took and seeding the demo does not make."""
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations.special import RunPython

    if loader is None:
        loader = MigrationLoader(connection, ignore_no_migrations=True)
    plan: list[tuple[str, str]] = []
    for leaf in loader.graph.leaf_nodes():
        plan += [key for key in loader.graph.forwards_plan(leaf) if key not in plan]
    # the steps read only the editor's connection (none changes the schema), and an
    # editor is not entered: SQLite's refuses to start inside a test's transaction
    schema_editor = connection.schema_editor()
    for key in plan:
        if not apps.get_app_config(key[0]).name.startswith("sinergi."):
            continue  # a third party's data steps only rework existing rows
        for operation in loader.graph.nodes[key].operations:
            if isinstance(operation, RunPython):
                operation.code(apps, schema_editor)


# The rows the data steps made on the empty tables of the first flush in this process,
# per model (its field values), to be put back as they were after the next flushes.
_DATA_STEP_ROWS: list[tuple[Any, list[dict[str, Any]]]] = []


def _put_back_data_step_rows() -> None:
    """The data steps' rows, as the first run made them (run once per process: the steps
    create one row at a time, with its history, some three hundred statements)."""
    from django.apps import apps
    from django.db import transaction

    if not _DATA_STEP_ROWS:
        models = apps.get_models(include_auto_created=True)
        # what the flush's own signal put back (content types, permissions) is not theirs
        before = {model: model._base_manager.count() for model in models}
        run_data_steps()
        for model in models:
            rows = list(model._base_manager.values())
            if len(rows) == before[model]:
                continue
            if before[model]:  # a step added to rows it did not make: run them each time
                _DATA_STEP_ROWS.clear()
                return
            _DATA_STEP_ROWS.append((model, rows))
        return
    with transaction.atomic():
        for model, rows in _DATA_STEP_ROWS:
            model._base_manager.bulk_create([model(**row) for row in rows])


def load_after_a_flush() -> None:
    """What a flush emptied and the tests expect: the data migrations' rows, then the
    demo world. Called on an empty database (after a flush)."""
    _put_back_data_step_rows()
    seed()


def seed() -> None:
    out = io.StringIO()
    orgs_demo.seed(out)
    accounts_demo.seed(out)


def remove() -> None:
    """Delete the world inside the current test's transaction (rolled back after it),
    for a test about an empty database (the `empty_database` fixture)."""
    Membership.objects.all().delete()
    User.objects.all().delete()
    PartnerContact.objects.all().delete()
    Partner.objects.filter(parent__isnull=False).delete()
    Partner.objects.all().delete()
    Facility.objects.all().delete()
    Region.objects.all().delete()


def is_loaded() -> bool:
    return Membership.objects.filter(user__username=_LAST_USERNAME).exists()


def flushes_the_database(item: pytest.Item) -> bool:
    """Whether pytest-django runs this test as a TransactionTestCase (which flushes)."""
    fixtures = getattr(item, "fixturenames", ())
    if "transactional_db" in fixtures or "live_server" in fixtures:
        return True
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    return bool(marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))


def loads_the_whole_demo(test: Any) -> bool:
    """Whether ``test`` (an item, or a fixture request) loads every app's demo itself
    (e2e/conftest.py's `full_demo_live`: a copy put back, or the demo seeded on an empty
    database): loading the world before it is work thrown away."""
    return "full_demo_live" in getattr(test, "fixturenames", ())


def reseed_after_a_flush(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """After a transactional test's teardown (the flush), load the world again for the
    next test. After the last test there is none: its teardown has also destroyed the
    test database (session fixtures end with it), so there is nothing to load into."""
    if nextitem is None or not flushes_the_database(item):
        return
    if loads_the_whole_demo(nextitem):
        return
    with item.config.stash[blocking_manager_key].unblock():
        if not is_loaded():
            load_after_a_flush()
