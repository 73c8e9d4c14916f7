"""Sessions end after SESSION_COOKIE_AGE without a request (the idle timeout), and a page
does not write the session for that: its expiry moves on at most once a minute
(``SlidingSessionMiddleware``). Saved on every request, each page view of every user was
an UPDATE and a commit of django_session."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sinergi.core.middleware import SESSION_REFRESH_SECONDS
from tests import clock

pytestmark = pytest.mark.django_db


def _writes_of_the_session(client, path: str = "/") -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return sum(
        1
        for q in queries.captured_queries
        if "django_session" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    )


def _expiry(client) -> datetime.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_page_within_the_minute_does_not_write_the_session(client_for):
    client = client_for("petugas.selong")  # signed in: the session saved, its expiry fresh
    assert _writes_of_the_session(client) == 0
    assert _writes_of_the_session(client) == 0
    assert _writes_of_the_session(client, "/programs/") == 0


def test_the_expiry_moves_on_with_use_and_the_session_ends_after_the_idle_time(client_for):
    client = client_for("petugas.selong")
    start = timezone.now()
    with clock.at(start):
        client.get("/")
        first = _expiry(client)
    # Used again a few minutes later: the idle time counts from then.
    later = start + datetime.timedelta(seconds=SESSION_REFRESH_SECONDS * 5)
    with clock.at(later):
        assert _writes_of_the_session(client) == 1
        moved = _expiry(client)
    assert moved - first >= datetime.timedelta(seconds=SESSION_REFRESH_SECONDS * 5 - 1)
    # Still signed in just before the idle time has passed since then, not after it.
    almost = later + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 5)
    with clock.at(almost):
        assert client.get("/").status_code == 200
    idle = almost + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 5)
    with clock.at(idle):
        assert client.get("/").status_code == 302


def test_an_anonymous_visitor_gets_no_session(client, db):
    client.get("/publik/")
    assert not Session.objects.exists()


def test_sessions_expire_after_a_bounded_idle_time():
    assert 0 < settings.SESSION_COOKIE_AGE <= 60 * 60
    assert 0 < SESSION_REFRESH_SECONDS <= 60
