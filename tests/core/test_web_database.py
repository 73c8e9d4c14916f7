"""The web server's database sessions: a runaway statement is cancelled, JIT is off;
other processes (the task worker, commands, these tests) are not limited."""

from __future__ import annotations

import pytest
from django.core.signals import request_finished
from django.db import DatabaseError, connection, transaction
from django.db.backends.signals import connection_created
from django.test import override_settings

from sinergi.core import web_database

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="statement_timeout and jit are PostgreSQL's"
)


def _show(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return str(cursor.fetchone()[0])


@pytest.fixture
def reset_session():
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
            cursor.execute("RESET jit")
            cursor.execute("RESET random_page_cost")
            cursor.execute("RESET max_parallel_workers_per_gather")


@on_postgresql
@override_settings(WEB_STATEMENT_TIMEOUT=1, WEB_DATABASE_JIT=False)
def test_a_web_session_cancels_a_runaway_statement_and_skips_jit(reset_session):
    web_database.apply_web_limits(connection)
    assert _show("statement_timeout") == "1s"
    assert _show("jit") == "off"
    with (
        pytest.raises(DatabaseError, match="statement timeout"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT pg_sleep(3)")


@on_postgresql
@override_settings(
    WEB_STATEMENT_TIMEOUT=0,
    WEB_DATABASE_JIT=True,
    WEB_RANDOM_PAGE_COST="",
    WEB_PARALLEL_WORKERS="",
)
def test_the_limits_can_be_turned_off(reset_session):
    server = _show("random_page_cost")
    server_workers = _show("max_parallel_workers_per_gather")
    web_database.apply_web_limits(connection)
    assert _show("statement_timeout") == "0"
    assert _show("jit") == "on"
    assert _show("random_page_cost") == server
    assert _show("max_parallel_workers_per_gather") == server_workers


@on_postgresql
@override_settings(WEB_PARALLEL_WORKERS="1")
def test_a_web_session_uses_at_most_the_parallel_workers_set(reset_session):
    web_database.apply_web_limits(connection)
    assert _show("max_parallel_workers_per_gather") == "1"


@on_postgresql
def test_a_web_session_costs_random_reads_as_on_ssd_by_default(reset_session, settings):
    assert settings.WEB_RANDOM_PAGE_COST == "1.1"
    web_database.apply_web_limits(connection)
    assert _show("random_page_cost") == "1.1"


@on_postgresql
@override_settings(WEB_RANDOM_PAGE_COST="-2")
def test_a_wrong_random_page_cost_is_refused_by_the_server(reset_session):
    with pytest.raises(DatabaseError, match="random_page_cost"), transaction.atomic():
        web_database.apply_web_limits(connection)


def test_sqlite_is_left_alone():
    class Fake:
        vendor = "sqlite"

        def cursor(self):  # pragma: no cover - must not be called
            raise AssertionError("a statement was run on SQLite")

    web_database.apply_web_limits(Fake())


def test_the_wsgi_application_limits_its_connections_and_nothing_else_does():
    import importlib

    connection_created.disconnect(dispatch_uid="sinergi.web_database")
    receivers = connection_created._live_receivers(None)
    assert web_database._on_connection not in _flatten(receivers)  # tests, workers, commands
    import sinergi.wsgi

    importlib.reload(sinergi.wsgi)
    try:
        assert web_database._on_connection in _flatten(connection_created._live_receivers(None))
    finally:
        connection_created.disconnect(dispatch_uid="sinergi.web_database")
        # the reload also installed the freeze after the first request (test_web_memory)
        request_finished.disconnect(dispatch_uid="sinergi.web_memory.freeze")


def _flatten(receivers):
    # Django 5 returns (sync receivers, async receivers)
    if isinstance(receivers, tuple) and len(receivers) == 2 and isinstance(receivers[0], list):
        return receivers[0] + receivers[1]
    return list(receivers)
