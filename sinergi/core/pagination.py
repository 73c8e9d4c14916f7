from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 50


def paginate(request: HttpRequest, queryset: Any, per_page: int = PAGE_SIZE) -> Page[Any]:
    """The requested page (``?page=``), the last one when it is past the end."""
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))


def querystring_without_page(request: HttpRequest, *also: str) -> str:
    """The query of the request for the page links: without ``page`` (and ``also``)."""
    params = request.GET.copy()
    for name in ("page", *also):
        params.pop(name, None)
    return params.urlencode()
