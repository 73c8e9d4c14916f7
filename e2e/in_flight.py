"""Requests the live server is still answering when a browser test ends.

A page may ask for more after the test's last step (the rights page fetches its counts once
loaded; every reading is audited, a write). Closing the browser does not stop the server's
thread answering it: if it writes while the flush that ends the test empties the tables,
the flush fails on a foreign key (the audit row names a user just deleted). The browser
fixture waits here, after closing its pages, until no request is in flight.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.core.signals import request_finished, request_started

_lock = threading.Condition()
# the server threads answering a request (the test's own thread, a test client's requests,
# is not the live server's)
_answering: set[int] = set()


def _started(**_kwargs: Any) -> None:
    if threading.current_thread() is threading.main_thread():
        return
    with _lock:
        _answering.add(threading.get_ident())


def _finished(**_kwargs: Any) -> None:
    with _lock:
        _answering.discard(threading.get_ident())
        _lock.notify_all()


def watch() -> None:
    """Count the requests this process's servers answer (idempotent)."""
    request_started.connect(_started, dispatch_uid="e2e-in-flight-started")
    request_finished.connect(_finished, dispatch_uid="e2e-in-flight-finished")


def in_flight() -> int:
    with _lock:
        return len(_answering)


def wait_until_idle(timeout: float = 30.0) -> bool:
    """Wait until no request is being answered (at most ``timeout`` seconds); whether none
    is."""
    deadline = time.monotonic() + timeout
    with _lock:
        while _answering:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            _lock.wait(left)
        return True
