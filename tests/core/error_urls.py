"""The site's addresses and error handlers, with pages that fail on purpose (tests only)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path

from sinergi.urls import handler400, handler403, handler404, handler500
from sinergi.urls import urlpatterns as site


def fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a failure on purpose")


def refuses(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


urlpatterns = [
    *site,
    path("test-errors/500/", fails),
    path("test-errors/403/", refuses),
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
