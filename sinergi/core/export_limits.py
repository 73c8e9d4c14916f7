"""The bound on person-level exports built in a web request.

An export of the whole list is built while the reader waits; past
``settings.EXPORT_MAX_ROWS`` rows that would hold a worker for minutes (and the
spreadsheet would not open on an office computer), so the request is refused with a
message naming the count and the limit, and the reader goes back to the list to narrow
it."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.formats import number_format
from django.utils.translation import gettext as _


def refuse_if_too_many(request: HttpRequest, count: int, back: str) -> HttpResponse | None:
    """A redirect to ``back`` with a message when ``count`` rows are too many for one
    file; None when the export may be built."""
    limit = settings.EXPORT_MAX_ROWS
    if count <= limit:
        return None
    messages.error(
        request,
        _(
            "The list has %(count)s rows; one file holds at most %(limit)s. "
            "Narrow the list with its filters, then download it again."
        )
        % {
            "count": number_format(count, force_grouping=True),
            "limit": number_format(limit, force_grouping=True),
        },
    )
    return redirect(back)
