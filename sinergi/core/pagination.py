from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.functional import cached_property

from sinergi.core.lookups import known_count, known_page

PAGE_SIZE = 50


class _Counted(Paginator):
    """A paginator told its number of rows (counted already, with the list's filters)."""

    def __init__(self, object_list: Any, per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known = count

    @cached_property
    def count(self) -> int:
        return self.known

    def page(self, number: Any) -> Page[Any]:
        """The page, from the ids the list was read in order from when it can
        (:func:`~sinergi.core.lookups.known_page`), sliced from the list otherwise."""
        number = self.validate_number(number)
        rows = known_page(self.object_list, (number - 1) * self.per_page, self.per_page)
        if rows is None:
            return super().page(number)
        return Page(rows, number, self)


def paginate(
    request: HttpRequest, queryset: Any, per_page: int = PAGE_SIZE, count: int | None = None
) -> Page[Any]:
    """The requested page (``?page=``), the last one when it is past the end. ``count``:
    the number of rows of ``queryset`` when known already (else it is counted, unless
    :func:`~sinergi.core.lookups.known_count` knows it)."""
    if count is None:
        count = known_count(queryset)
    if count is None:
        paginator = Paginator(queryset, per_page)
    else:
        paginator = _Counted(queryset, per_page, count)
    return paginator.get_page(request.GET.get("page"))


def querystring_without_page(request: HttpRequest, *also: str) -> str:
    """The query of the request for the page links: without ``page`` (and ``also``)."""
    params = request.GET.copy()
    for name in ("page", *also):
        params.pop(name, None)
    return params.urlencode()
