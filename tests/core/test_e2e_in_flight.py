"""The browser tests' wait for the live server's last requests (e2e/in_flight.py)."""

import threading

import pytest
from django.core.signals import request_finished, request_started

from e2e import in_flight

# the signals' other receivers (Django's) look at the database connections
pytestmark = pytest.mark.django_db


def test_waits_for_a_request_a_server_thread_is_answering():
    in_flight.watch()
    started, finish = threading.Event(), threading.Event()

    def answer():
        request_started.send(sender=None)
        started.set()
        finish.wait(5)
        request_finished.send(sender=None)

    server = threading.Thread(target=answer)
    server.start()
    started.wait(5)
    assert in_flight.in_flight() == 1
    assert not in_flight.wait_until_idle(timeout=0.05)
    finish.set()
    assert in_flight.wait_until_idle(timeout=5)
    assert in_flight.in_flight() == 0
    server.join()


def test_the_tests_own_requests_are_not_waited_for():
    """A test client's request runs in the test's thread: one left unfinished (a streamed
    answer not read to its end) must not hold the test's end for the timeout."""
    in_flight.watch()
    request_started.send(sender=None)
    assert in_flight.in_flight() == 0
    assert in_flight.wait_until_idle(timeout=0.05)
