"""The test client, which can send a request in a language the user chose.

``client.get(url, language="en")`` is a request from a browser on which the user chose
English with the language switch (its cookie, beside the client's own cookies): pages
follow that choice, not the browser's language (``HTTP_ACCEPT_LANGUAGE``, which only the
API follows).
"""

from __future__ import annotations

from typing import Any

from django import test
from django.conf import settings


class Client(test.Client):
    def _base_environ(self, **request: Any) -> dict[str, Any]:
        language = request.pop("language", None)
        environ: dict[str, Any] = super()._base_environ(**request)
        if language:
            chosen = f"{settings.LANGUAGE_COOKIE_NAME}={language}"
            environ["HTTP_COOKIE"] = "; ".join(c for c in (environ["HTTP_COOKIE"], chosen) if c)
        return environ
