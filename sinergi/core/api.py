"""Shared pieces of the JSON API: pagination, the error shape, and workflow conflicts."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


class ErrorOut(Schema):
    detail: str
    code: str
    errors: dict[str, list[str]] = {}


class Conflict(Exception):
    """A workflow transition, capacity or stale edit that cannot happen: HTTP 409."""

    def __init__(self, detail: str, code: str = "conflict") -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code


class PageNumber(PaginationBase):
    """``?page=`` and ``?page_size=`` (at most 200); answers ``{"items": [...], "count": N}``."""

    class Input(Schema):
        page: int = Field(1, ge=1)
        page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)

    class Output(Schema):
        items: list[Any]
        count: int

    items_attribute = "items"

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Input, request: HttpRequest, **params: Any
    ) -> Any:
        offset = (pagination.page - 1) * pagination.page_size
        return {
            "items": list(queryset[offset : offset + pagination.page_size]),
            "count": self._items_count(queryset),
        }


def api_user(request: HttpRequest) -> Any:
    """The authenticated caller of an API operation (set by the auth classes)."""
    return getattr(request, "auth", None)
