"""The web server's garbage collector: the objects a worker keeps for its whole life are
frozen after its first request, so a full collection does not walk them again and again.

A worker holds some 200,000 objects that live as long as it does (the models, the URL
resolver, the compiled templates, the translation catalogues: most made on the first
request, lazily). Python's full collection (the oldest generation) walks every one of them
each time it runs, which is every few requests: on the national data it took about 95 ms,
one request in four (a rights pipeline page of 95 ms took 190 ms when it fell on one).
``gc.freeze()`` moves the objects alive at that moment into a permanent generation that
collections skip; what requests make afterwards is collected as before. Freezing after
the first request (a collection first, so that its garbage is not kept) catches what the
application loads lazily.

``sinergi.wsgi`` installs it, as it installs the database limits; anything else that
serves the application may call :func:`freeze_after_first_request`."""

from __future__ import annotations

import gc
from typing import Any

from django.core.signals import request_finished

_UID = "sinergi.web_memory.freeze"


def _freeze(**kwargs: Any) -> None:
    request_finished.disconnect(dispatch_uid=_UID)
    gc.collect()
    gc.freeze()


def freeze_after_first_request() -> None:
    """Freeze what the process holds once its first request is answered (once)."""
    request_finished.connect(_freeze, dispatch_uid=_UID, weak=False)
