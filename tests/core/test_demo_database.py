"""The demo world is loaded once per test database (tests/demo_database.py): every test
finds it, a test's writes to it are rolled back, and a flush does not lose it."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from sinergi.accounts.models import User
from sinergi.orgs.models import Facility, NationalHoliday
from sinergi.reintegration.models import AssessmentVersion
from tests import demo_database


@pytest.mark.django_db
def test_a_test_finds_the_demo_world_without_asking_for_it():
    assert demo_database.is_loaded()
    assert set(Facility.objects.values_list("code", flat=True)) >= {"selong", "lobar"}


@pytest.mark.django_db
@pytest.mark.parametrize("turn", ["first", "second"])
def test_a_tests_changes_to_the_demo_world_are_gone_after_it(turn):
    assert User.objects.get(username="petugas.selong").full_name == "Petugas Pembinaan Selong"
    User.objects.filter(username="petugas.selong").update(full_name=f"Changed {turn}")


def test_the_empty_database_fixture_leaves_nothing_of_the_world(empty_database):
    assert not User.objects.exists()
    assert not Facility.objects.exists()


@pytest.mark.django_db
def test_an_ordinary_test_is_not_taken_for_one_that_flushes(request):
    assert not demo_database.flushes_the_database(request.node)


@pytest.mark.django_db(transaction=True)
def test_after_a_flush_the_world_and_the_data_migrations_rows_are_loaded_again(request):
    """Whatever ran before it, a test finds the database as migrating and seeding leave
    it: the national holidays and the first needs-assessment version (data migrations)
    as well as the demo world."""
    holidays = NationalHoliday.objects.count()
    their_history = NationalHoliday.history.count()
    assert holidays and AssessmentVersion.objects.filter(version=1).exists()
    assert demo_database.flushes_the_database(request.node)
    # twice: the first run in a process makes the rows, the next ones put them back
    for _turn in range(2):
        call_command("flush", interactive=False, stdout=io.StringIO())
        assert not demo_database.is_loaded()
        assert not NationalHoliday.objects.exists()

        demo_database.reseed_after_a_flush(request.node, nextitem=request.node)

        assert demo_database.is_loaded()
        assert User.objects.get(username="kanwil.ntb").memberships.get().region.code == "ntb"
        assert NationalHoliday.objects.count() == holidays
        assert NationalHoliday.history.count() == their_history
        version = AssessmentVersion.objects.get(version=1)
        assert version.is_current and version.questions.count() == 10


@pytest.mark.django_db(transaction=True)
def test_after_the_last_test_nothing_is_loaded_into_a_database_already_gone(request):
    call_command("flush", interactive=False, stdout=io.StringIO())

    demo_database.reseed_after_a_flush(request.node, nextitem=None)

    assert not demo_database.is_loaded()


@pytest.mark.django_db
def test_the_test_database_is_as_the_migrations_leave_it():
    """Built from the models (tests/conftest.py), then made to look migrated: every
    migration on disk recorded as applied, and the data migrations' rows there."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    assert executor.loader.disk_migrations
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    assert set(executor.loader.applied_migrations) >= set(executor.loader.disk_migrations)
    version = AssessmentVersion.objects.get(version=1)
    assert version.is_current and version.questions.count() == 10
