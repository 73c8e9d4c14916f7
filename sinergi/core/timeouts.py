"""A statement the database cancelled (the web sessions' ``statement_timeout``,
sinergi/core/web_database.py) is answered with a page that says what happened, not with
a server error: 503, ``Retry-After``, in the reader's language, the way back; under
``/api/`` in the API's own shape. It is logged as a warning with the request id, since an
administrator will want to know which list outgrew the limit."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from sinergi.core.error_views import error_page

logger = logging.getLogger("sinergi.timeouts")

# PostgreSQL's SQLSTATE of a statement cancelled (by statement_timeout or by a request).
QUERY_CANCELED = "57014"
RETRY_AFTER_SECONDS = 60


def is_cancelled_statement(error: BaseException) -> bool:
    """Whether ``error`` is the database cancelling a statement (Django wraps the
    driver's error: the cause carries the SQLSTATE)."""
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) == QUERY_CANCELED


def message() -> str:
    seconds = int(settings.WEB_STATEMENT_TIMEOUT)
    return _(
        "Sinergi stopped preparing this page after %(seconds)s seconds so that it would not "
        "slow down everyone else. Narrow the list (a filter, a facility or a shorter period) "
        "or try again in a few minutes."
    ) % {"seconds": seconds}


def too_long(request: HttpRequest) -> HttpResponse:
    """The answer to a request whose statement was cancelled."""
    logger.warning(
        "statement cancelled after %ss: %s %s (request %s, user %s)",
        settings.WEB_STATEMENT_TIMEOUT,
        request.method,
        request.path,
        getattr(request, "request_id", ""),
        getattr(getattr(request, "user", None), "pk", None),
    )
    response = error_page(request, 503, _("This took too long"), message(), code="timeout")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class CancelledStatementMiddleware:
    """Turns a cancelled statement raised by a page's view into :func:`too_long`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_cancelled_statement(exception):
            return too_long(request)
        return None
