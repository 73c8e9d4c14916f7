"""Every migration of the project runs backward and forward again, the data migrations
included.

The test databases are built by running the migrations once per xdist worker; this test
then takes every app of the project to zero (every table dropped, every reverse data
migration run) and forward to the latest migration, on the worker's database. Django's
own apps and the third-party ones stay where they are, except those that point at the
project's tables (the admin's and allauth's, through the user model), which go back and
forth with them: the others' migrations are their authors' to test, and walking them too
re-rendered the project's model states once more for each (219 s of CPU on PostgreSQL
on a 2-core machine, about 100 s without them). It is transactional: at its end
pytest-django flushes the tables and `tests/demo_database.py` seeds the demo world again,
so the tests after it find the database as the others do. It takes minutes (Django
renders the model states again for every operation): it is a ``once`` check, run in CI
on PostgreSQL and here with SINERGI_ALL_CHECKS=1; the irreversible-migration and
makemigrations checks run always.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.migration import Migration
from django.db.migrations.operations import RunPython
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import override_settings

# Migrations that cannot be reversed (an operation without a way back: a RunPython or
# RunSQL without reverse_code/reverse_sql), named here on purpose: a project's round trip
# would go back to it, not past it. Only a third-party one today (django-tasks' database
# backend moves its exception text into two fields and has no way back), outside the
# round trip, which takes the project's apps only.
KNOWN_IRREVERSIBLE = {("django_tasks_database", "0013_separate_exception_fields")}


@pytest.fixture
def real_migrations() -> Iterator[None]:
    """The project's migrations, even if the suite built its databases without them
    (``--nomigrations`` replaces MIGRATION_MODULES for the whole session)."""
    modules = settings.MIGRATION_MODULES
    with override_settings(MIGRATION_MODULES=modules if isinstance(modules, dict) else {}):
        yield


def _irreversible(loader: MigrationLoader) -> set[tuple[str, str]]:
    return {
        key
        for key, migration in loader.disk_migrations.items()
        if any(not operation.reversible for operation in migration.operations)
    }


def _runs_python_backward(migration: Migration) -> bool:
    """Whether unapplying ``migration`` runs Python code (a RunPython whose reverse is not
    ``RunPython.noop``: a noop reads no model state)."""
    return any(
        isinstance(operation, RunPython) and operation.reverse_code not in (None, RunPython.noop)
        for operation in migration.operations
    )


def _in_runs(plan: list[tuple[Migration, bool]]) -> Iterator[list[tuple[Migration, bool]]]:
    """The backward plan in runs, each unapplied by one executor, each ending at a
    migration whose reverse runs Python code: that migration is the run's earliest, so its code is
    handed the states rendered first, not ones mutated along a long plan. The states are
    rendered once per run, as ``migrate`` does, not once per migration."""
    run: list[tuple[Migration, bool]] = []
    for step in plan:
        run.append(step)
        if _runs_python_backward(step[0]):
            yield run
            run = []
    if run:
        yield run


def _applied(executor: MigrationExecutor) -> set[tuple[str, str]]:
    return set(executor.recorder.applied_migrations())


def test_every_irreversible_migration_is_a_known_one(real_migrations: None) -> None:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    assert _irreversible(loader) == KNOWN_IRREVERSIBLE


@pytest.mark.once
@pytest.mark.long
@pytest.mark.django_db(transaction=True)
def test_every_migration_runs_backward_to_zero_and_forward_again(
    real_migrations: None,
) -> None:
    """Every app of the project back to zero (or to its known irreversible migration), a
    run of migrations at a time, then forward to the latest in one run, as ``migrate``
    does on a new server; Django's apps and the third-party ones stay migrated.

    In runs that end at each migration whose reverse runs Python code (`_in_runs`): ``migrate
    reintegration zero`` in one run fails today in the reverse of reintegration 0002
    (Django's model states for a long backward plan hand its RunPython an
    AssessmentVersion of another state); a run that ends at it renders its states
    afresh, as stepping back one migration at a time did. A reverse that is
    ``RunPython.noop`` reads no state and ends no run."""
    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    every = set(graph.nodes)
    project_apps = {
        app for app, _name in every if django_apps.get_app_config(app).name.startswith("sinergi.")
    }
    assert {"orgs", "accounts", "inmates", "programs", "reintegration"} <= project_apps
    if not _applied(executor) & every:
        # a database built without migrations (--nomigrations) has their tables: record
        # them as applied, so that going back to zero drops them by the migrations
        recorder = MigrationRecorder(connection)
        for app, name in sorted(every):
            recorder.record_applied(app, name)
        executor = MigrationExecutor(connection)
    assert _applied(executor) >= every, "the test database is not fully migrated"

    kept_at = {app: name for app, name in KNOWN_IRREVERSIBLE if app in project_apps}
    targets = [(app, kept_at.get(app)) for app in sorted(project_apps)]
    backward = executor.migration_plan(targets)
    assert backward and all(is_backward for _migration, is_backward in backward)
    for steps in _in_runs(backward):
        MigrationExecutor(connection).migrate([], plan=steps)

    executor = MigrationExecutor(connection)
    # the other apps' migrations that need the project's tables went back with them (the
    # admin's, allauth's: they point at the project's user model); the rest stayed
    unapplied = {(migration.app_label, migration.name) for migration, _backward in backward}
    kept = {key for target in kept_at.items() for key in graph.forwards_plan(target)}
    assert {key for key in every if key[0] in project_apps} - kept <= unapplied
    assert _applied(executor) & every == every - unapplied
    tables = set(connection.introspection.table_names())
    project_tables = {
        model._meta.db_table
        for app in project_apps
        for model in django_apps.get_app_config(app).get_models()
    }
    assert not tables & project_tables, sorted(tables & project_tables)

    executor.migrate(executor.loader.graph.leaf_nodes())
    assert _applied(MigrationExecutor(connection)) >= every
    assert project_tables <= set(connection.introspection.table_names())
    # the data migrations ran again: the first needs-assessment version is there
    from sinergi.reintegration.models import AssessmentVersion

    assert AssessmentVersion.objects.filter(version=1, is_current=True).exists()


@pytest.mark.django_db
def test_the_models_and_the_migrations_agree(real_migrations: None) -> None:
    """``makemigrations --check``: no model change is missing its migration."""
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
