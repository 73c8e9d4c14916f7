"""Typed requests: what the middleware adds to ``HttpRequest``, said once for mypy.

``HtmxHttpRequest`` is any request that went through django-htmx's middleware (every
request here). The signed-in request type, whose ``user`` is Sinergi's ``User``, lives in
``sinergi.accounts.http`` because ``core`` knows no app.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails
