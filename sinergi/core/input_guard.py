"""A NUL character in an address is refused (400) on every page.

PostgreSQL refuses NUL in text, so a search box or a code looked up from the address
(``/verify/?code=``, ``?q=``) would otherwise fail with a server error. Forms already
refuse NUL in their fields (Django's CharField); the API checks every parsed field
itself (``sinergi.core.api.check_input``) and answers with its own error shape.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

NUL = "\x00"


class RefusedInput(BadRequest):
    """A 400 whose message is for people: the error page shows it (error_views)."""


class RefuseNulCharactersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith("/api/") and _has_nul(request):
            raise RefusedInput(
                _(
                    "The address contains a NUL character (%(code)s), which no search or "
                    "code in Sinergi can hold. Remove it and try again."
                )
                % {"code": "%00"}
            )
        return self.get_response(request)


def _has_nul(request: HttpRequest) -> bool:
    if NUL in request.path_info:
        return True
    return any(NUL in key or NUL in "".join(values) for key, values in request.GET.lists())
