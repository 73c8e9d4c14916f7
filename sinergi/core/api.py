"""Shared pieces of the JSON API: pagination, the error shape, and the bounds every input
is held to (workflow conflicts live in :mod:`sinergi.core.errors`)."""

from __future__ import annotations

import datetime
import decimal
import functools
from collections.abc import Callable, Iterator
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import ValidationError
from ninja.pagination import PaginationBase
from pydantic import BaseModel, WithJsonSchema

from sinergi.core.bounds import EARLIEST_DATE, LATEST_DATE
from sinergi.core.errors import Conflict as Conflict  # its home is core/errors.py
from sinergi.core.lookups import known_count, known_page

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50
# A million pages of up to 200 rows: beyond any list; past the last page is an empty list.
MAX_PAGE = 1_000_000

# The largest integer a database column holds (BIGINT); SQLite cannot even bind more.
MAX_INTEGER = 2**63 - 1


# A time of day at the facility, without a UTC offset (OpenAPI's "time" would demand one).
LocalTime = Annotated[
    datetime.time,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
            "description": "the facility's local time, HH:MM or HH:MM:SS, without an offset",
            "example": "08:00:00",
        }
    ),
]


class ErrorOut(Schema):
    detail: str
    code: str
    errors: dict[str, list[str]] = {}


def errors(*codes: int) -> dict[int, type[ErrorOut]]:
    """The error answers an operation gives, for its ``response={...}`` (OpenAPI)."""
    return dict.fromkeys(codes, ErrorOut)


class PageNumber(PaginationBase):
    """``?page=`` and ``?page_size=`` (at most 200); answers ``{"items": [...], "count": N}``."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)

    class Output(Schema):
        items: list[Any]
        count: int

    items_attribute = "items"

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Input, request: HttpRequest, **params: Any
    ) -> Any:
        from sinergi.core import audit

        offset = (pagination.page - 1) * pagination.page_size
        count = known_count(queryset)
        if count is None:
            count = self._items_count(queryset)
        items = known_page(queryset, offset, pagination.page_size)
        if items is None:
            items = list(queryset[offset : offset + pagination.page_size])
        audit.complete_list_read(request, count)  # a person-level list is audited
        return {"items": items, "count": count}


def api_user(request: HttpRequest) -> Any:
    """The authenticated caller of an API operation (set by the auth classes)."""
    return getattr(request, "auth", None)


def _input_problems(value: Any, loc: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """What no operation accepts, wherever it appears in the parsed input."""
    if isinstance(value, str):
        if "\x00" in value:
            yield loc, _("Text may not contain NUL characters.")
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        if not -MAX_INTEGER <= value <= MAX_INTEGER:
            yield (
                loc,
                _("Numbers must be between %(low)s and %(high)s.")
                % {
                    "low": -MAX_INTEGER,
                    "high": MAX_INTEGER,
                },
            )
    elif isinstance(value, decimal.Decimal):
        if not value.is_finite():
            yield loc, _("Numbers must be finite.")
    elif isinstance(value, datetime.date):
        day = value.date() if isinstance(value, datetime.datetime) else value
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            yield (
                loc,
                _("Dates must be between %(low)s and %(high)s.")
                % {
                    "low": EARLIEST_DATE,
                    "high": LATEST_DATE,
                },
            )
    elif isinstance(value, datetime.time):
        if value.tzinfo is not None:
            yield loc, _("Give the facility's local time, without a UTC offset.")
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _input_problems(getattr(value, name), (*loc, name))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _input_problems(key, (*loc, key))
            yield from _input_problems(item, (*loc, key))
    elif isinstance(value, list | tuple | set | frozenset):
        for index, item in enumerate(value):
            yield from _input_problems(item, (*loc, index))


def check_input(view_func: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse (422, a field error) what passed the schemas but no operation can take:
    NUL characters (PostgreSQL refuses them), dates outside 1900-2100 (their arithmetic
    overflows), times with a UTC offset (times are the facility's local time), integers
    beyond BIGINT and infinite numbers. Applied to every operation by the API object."""

    @functools.wraps(view_func)
    def checked(request: HttpRequest, *args: Any, **values: Any) -> Any:
        problems = [
            {"loc": loc, "msg": message}
            for name, value in values.items()
            # a body or a group of query parameters is named by its fields alone
            for loc, message in _input_problems(
                value, () if isinstance(value, BaseModel) else (name,)
            )
        ]
        if problems:
            raise ValidationError(problems)
        return view_func(request, *args, **values)

    return checked
