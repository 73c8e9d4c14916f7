"""The pages of an error (400, 403, 404, 500, a refused CSRF check), in the site's layout
and the reader's language, each with a way back: the previous page when it was one of
ours, and the home page.

The 500 page is rendered from a self-contained template without the request's context
processors: it needs neither the database nor the signed-in user, which may be the very
things that failed. Under ``/api/`` an address that does not exist, a refusal or a failure
is answered in the API's own shape (``{"detail": ..., "code": ...}``), not with a page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from sinergi.core.input_guard import RefusedInput


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def back_url(request: HttpRequest) -> str:
    """The page the reader came from, when it is one of ours and not this one ("" else)."""
    referer = request.headers.get("Referer", "")
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    parts = urlsplit(referer)
    if parts.path == request.path:
        return ""
    return referer


def error_page(
    request: HttpRequest,
    status: int,
    title: str,
    message: str,
    *,
    detail: str = "",
    code: str = "",
) -> HttpResponse:
    """The page of an error; under ``/api/`` the API's shape (``detail``, ``code``,
    ``errors``), with ``code`` or the status's."""
    if _is_api(request):
        code = code or {400: "bad_request", 403: "forbidden", 404: "not_found"}.get(status, "error")
        return JsonResponse(
            {"detail": detail or message, "code": code, "errors": {}}, status=status
        )
    template = loader.get_template("errors/error.html")
    context: dict[str, Any] = {
        "status": status,
        "title": title,
        "message": message,
        "detail": detail,
        "back_url": back_url(request),
    }
    return HttpResponse(template.render(context, request), status=status)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    detail = str(exception) if isinstance(exception, RefusedInput) else ""
    return error_page(
        request,
        400,
        _("The request could not be understood"),
        _(
            "The address or the form sent has something Sinergi cannot read. Check it and "
            "try again."
        ),
        detail=detail,
    )


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # The apps raise PermissionDenied with a sentence for people (translated); Django's own
    # refusals carry none.
    said = exception.args[0] if isinstance(exception, PermissionDenied) and exception.args else ""
    return error_page(
        request,
        403,
        _("You may not do this"),
        _(
            "Your role does not allow this page or this step. Ask your administrator if "
            "you need it."
        ),
        detail=str(said) if isinstance(said, str) else "",
    )


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(
        request,
        404,
        _("Page not found"),
        _("This page does not exist, or it is not yours to see. Check the address, or go back."),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            {"detail": _("Something went wrong on the server. Try again later."), "code": "error"},
            status=500,
        )
    # No request context: nothing here may need the database or the user.
    return HttpResponse(loader.get_template("500.html").render({}), status=500)


@requires_csrf_token
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_page(
        request,
        403,
        _("The form has expired"),
        _(
            "For your safety Sinergi did not accept this form: it was open too long, or it "
            "was sent from another tab after you signed in or out, or your browser blocks "
            "cookies. Go back, reload the page and send it again."
        ),
    )
