"""The one NinjaAPI object at /api/v1/. Each app owns its router in its own ``api.py``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as ModelValidationError
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from django.utils.translation import ngettext
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from sinergi.accounts.api import router as accounts_router
from sinergi.api.auth import AUTH
from sinergi.cooperation.actions import RequestConflict
from sinergi.cooperation.api import router as cooperation_router
from sinergi.core.api import check_input
from sinergi.core.errors import Conflict
from sinergi.core.timeouts import is_cancelled_statement, too_long
from sinergi.indicators.api import router as indicators_router
from sinergi.inmates.api import router as inmates_router
from sinergi.inmates.api_import import router as inmate_imports_router
from sinergi.orgs.api import router as orgs_router
from sinergi.programs.api import router as programs_router
from sinergi.proposals.api import router as proposals_router
from sinergi.proposals.api_litmas_tpp import router as litmas_tpp_router
from sinergi.proposals.api_sdp_import import router as sdp_import_router
from sinergi.reintegration.api import router as reintegration_router

api = NinjaAPI(
    title="Sinergi API",
    version="1",
    description=(
        "Programs, cooperation and reintegration for Indonesian correctional facilities. "
        "Authenticate with `Authorization: Bearer <token>` (create a token on the "
        "API tokens page or with `manage.py create_api_token`) or a browser session."
    ),
    auth=AUTH,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error(
    request: HttpRequest,
    status: int,
    detail: str,
    code: str,
    errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    return api.create_response(
        request, {"detail": detail, "code": code, "errors": errors or {}}, status=status
    )


_LOCATIONS = {"body", "query", "path", "payload", "form", "header", "cookie"}


def _field_name(loc: Any) -> str:
    """``term.years`` from pydantic's location, without the tags of union branches."""
    parts = []
    for part in loc:
        text = str(part)
        if text in _LOCATIONS or "[" in text or "-" in text or text[:1].isupper():
            continue
        parts.append(text)
    return ".".join(parts) or "__all__"


# Every field error is a 422 with ``errors`` naming the fields, whether the schema refused
# the value ("validation_error": a date that does not parse, a number out of bounds, a
# NUL character) or a rule of a record or an action did ("invalid"). A 400 is left for a
# request that cannot be read at all: a body that is not JSON, or one too large.
INVALID_FIELDS = 422


# What the schemas' refusals say, by pydantic's error type, in the caller's language
# (Django's own messages where it has one, so that its translations serve). A type not
# listed keeps pydantic's English message.
_SCHEMA_MESSAGES = {
    "missing": N_("This field is required."),
    "int_parsing": N_("Enter a whole number."),
    "int_type": N_("Enter a whole number."),
    "int_from_float": N_("Enter a whole number."),
    "float_parsing": N_("Enter a number."),
    "float_type": N_("Enter a number."),
    "decimal_parsing": N_("Enter a number."),
    "decimal_type": N_("Enter a number."),
    "date_parsing": N_("Enter a valid date."),
    "date_from_datetime_parsing": N_("Enter a valid date."),
    "date_from_datetime_inexact": N_("Enter a valid date."),
    "date_type": N_("Enter a valid date."),
    "datetime_parsing": N_("Enter a valid date/time."),
    "datetime_from_date_parsing": N_("Enter a valid date/time."),
    "datetime_type": N_("Enter a valid date/time."),
    "time_parsing": N_("Enter a valid time."),
    "time_type": N_("Enter a valid time."),
    "bool_parsing": N_("Enter true or false."),
    "bool_type": N_("Enter true or false."),
    "string_type": N_("Enter a text."),
    "enum": N_("Select a valid choice."),
    "literal_error": N_("Select a valid choice."),
    "list_type": N_("Enter a list of values."),
    "model_attributes_type": N_("Enter an object."),
    "dict_type": N_("Enter an object."),
    "extra_forbidden": N_("This field is not accepted."),
}


def _schema_message(err: dict[str, Any]) -> str:
    """One schema refusal in the caller's language."""
    kind = str(err.get("type", ""))
    context = err.get("ctx") or {}
    if kind == "string_too_long" and "max_length" in context:
        n = context["max_length"]
        return ngettext(
            "Ensure this value has at most %(n)s character.",
            "Ensure this value has at most %(n)s characters.",
            n,
        ) % {"n": n}
    if kind == "string_too_short" and "min_length" in context:
        n = context["min_length"]
        return ngettext(
            "Ensure this value has at least %(n)s character.",
            "Ensure this value has at least %(n)s characters.",
            n,
        ) % {"n": n}
    bounds = {
        "greater_than_equal": ("ge", N_("Ensure this value is greater than or equal to %(n)s.")),
        "greater_than": ("gt", N_("Ensure this value is greater than %(n)s.")),
        "less_than_equal": ("le", N_("Ensure this value is less than or equal to %(n)s.")),
        "less_than": ("lt", N_("Ensure this value is less than %(n)s.")),
    }
    if kind in bounds and bounds[kind][0] in context:
        key, message = bounds[kind]
        return _(message) % {"n": context[key]}
    if kind in _SCHEMA_MESSAGES:
        return _(_SCHEMA_MESSAGES[kind])
    # Our own checks (check_input) give their message translated, with no type.
    return str(err.get("msg", ""))


@api.exception_handler(ValidationError)
def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """What the schemas (or :func:`~sinergi.core.api.check_input`) refuse: 422."""
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        errors.setdefault(_field_name(err.get("loc", ())), []).append(_schema_message(err))
    return _error(
        request, INVALID_FIELDS, _("The request has invalid fields."), "validation_error", errors
    )


@api.exception_handler(ModelValidationError)
def _invalid(request: HttpRequest, exc: ModelValidationError) -> HttpResponse:
    """A rule of a record or an action (a model validator, ``full_clean``): 422."""
    if hasattr(exc, "error_dict"):
        errors = {
            (field if field != NON_FIELD_ERRORS else "__all__"): [str(m) for m in messages]
            for field, messages in exc.message_dict.items()
        }
    else:
        errors = {"__all__": [str(m) for m in exc.messages]}
    # Each message once: two fields that are both required say "required" once (the
    # fields are named in ``errors``).
    detail = " ".join(dict.fromkeys(m for messages in errors.values() for m in messages))
    return _error(
        request, INVALID_FIELDS, detail or _("The request breaks a rule."), "invalid", errors
    )


@api.exception_handler(RequestDataTooBig)
def _too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """A body beyond ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is not read: a 400, like one not JSON."""
    return _error(request, 400, _("The request body is too large."), "bad_request")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(
        request, 401, _("Authentication required: a valid token or session."), "not_authenticated"
    )


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(exc) or _("You may not do this."), "permission_denied")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, _("Not found."), "not_found")


@api.exception_handler(Conflict)
def _conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    return _error(request, 409, exc.detail, exc.code)


@api.exception_handler(RequestConflict)
def _request_conflict(request: HttpRequest, exc: RequestConflict) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": exc.detail, "code": exc.code, "errors": {}, "allowed": exc.allowed},
        status=409,
    )


@api.exception_handler(OperationalError)
def _database_error(request: HttpRequest, exc: OperationalError) -> HttpResponse:
    """A statement cancelled by the statement timeout: 503 with ``Retry-After``; any other
    database failure stays a server error."""
    if is_cancelled_statement(exc):
        return too_long(request)
    raise exc


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {400: "bad_request", 401: "not_authenticated", 403: "permission_denied"}
    return _error(request, exc.status_code, str(exc), codes.get(exc.status_code, "error"))


# Every operation refuses NUL characters, dates outside 1900-2100 and the like (422).
api.add_decorator(check_input)
api.add_router("/", accounts_router)
api.add_router("/", orgs_router)
api.add_router("/", inmates_router)
api.add_router("/", inmate_imports_router)
api.add_router("/", programs_router)
api.add_router("/", cooperation_router)
api.add_router("/", reintegration_router)
api.add_router("/", proposals_router)
api.add_router("/", litmas_tpp_router)
api.add_router("/", sdp_import_router)
api.add_router("/", indicators_router)
