"""The web server freezes its long-lived objects after its first request, so that the
garbage collector's full collections do not walk them every few requests (about 95 ms
each on the national data); nothing else (the tests, the task worker, commands) does."""

from __future__ import annotations

import gc
import importlib

import pytest
from django.core.signals import request_finished
from django.urls import reverse

from sinergi.core import web_memory

pytestmark = pytest.mark.django_db


def _installed() -> bool:
    return any(
        getattr(receiver, "__name__", "") == "_freeze"
        for receiver in request_finished._live_receivers(None)[0]
    )


@pytest.fixture
def unfrozen():
    request_finished.disconnect(dispatch_uid="sinergi.web_memory.freeze")
    gc.unfreeze()
    yield
    request_finished.disconnect(dispatch_uid="sinergi.web_memory.freeze")
    gc.unfreeze()


def test_the_first_request_answered_freezes_what_the_process_holds_and_only_the_first(
    client, unfrozen, monkeypatch
):
    assert not _installed()  # the tests (and the worker, commands) do not freeze
    freezes, freeze = [], gc.freeze
    monkeypatch.setattr(gc, "freeze", lambda: freezes.append(freeze()))
    web_memory.freeze_after_first_request()
    assert _installed() and gc.get_freeze_count() == 0
    client.get(reverse("account_login"))
    assert len(freezes) == 1
    assert gc.get_freeze_count() > 10_000  # Django's and the application's objects
    assert not _installed()
    client.get(reverse("account_login"))
    assert len(freezes) == 1


def test_the_wsgi_application_installs_it(unfrozen):
    from django.db.backends.signals import connection_created

    import sinergi.wsgi

    try:
        importlib.reload(sinergi.wsgi)
        assert _installed()
    finally:
        connection_created.disconnect(dispatch_uid="sinergi.web_database")
