"""The site's addresses and two that fail as a slow list does: one whose statement
PostgreSQL cancels, one with another database error."""

from __future__ import annotations

import psycopg
from django.db import OperationalError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path

from sinergi.urls import urlpatterns as site


def cancelled() -> OperationalError:
    error = OperationalError("canceling statement due to statement timeout")
    error.__cause__ = psycopg.errors.QueryCanceled("canceling statement due to statement timeout")
    return error


def slow(request: HttpRequest) -> HttpResponse:
    if connection.vendor == "postgresql":
        # A real cancellation (the test's transaction survives through the savepoint).
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 50")
            cursor.execute("SELECT pg_sleep(2)")
    raise cancelled()


def broken(request: HttpRequest) -> HttpResponse:
    raise OperationalError("the server closed the connection")


urlpatterns = [
    path("slow-list/", slow),
    path("api/v1/slow-list", slow),
    path("broken/", broken),
    *site,
]
