"""The main navigation and the home page's cards, which each app contributes to.

Apps register in their ``AppConfig.ready``, so ``core`` never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from sinergi.core.scoping import Scope


@dataclass(frozen=True)
class NavItem:
    key: str
    label: Any  # a lazy translation
    url_name: str
    visible: Callable[[Scope], bool]
    order: int = 100


@dataclass
class HomeCard:
    """One box on a user's home page: what to do, with a link and an optional count."""

    title: Any
    body: Any = ""
    url: str = ""
    link_label: Any = ""
    count: int | None = None
    items: list[tuple[str, str]] = field(default_factory=list)  # (label, url)
    tone: str = "info"  # info | action | warning
    order: int = 100


_NAV: list[NavItem] = []
_HOME: list[Callable[[HttpRequest, Scope], list[HomeCard]]] = []


def register_nav(item: NavItem) -> None:
    if all(existing.key != item.key for existing in _NAV):
        _NAV.append(item)


def register_home_cards(provider: Callable[[HttpRequest, Scope], list[HomeCard]]) -> None:
    if provider not in _HOME:
        _HOME.append(provider)


def nav_for(scope: Scope, current_path: str) -> list[dict[str, Any]]:
    items = []
    for item in sorted(_NAV, key=lambda i: i.order):
        if not item.visible(scope):
            continue
        url = reverse(item.url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"label": item.label, "url": url, "active": active, "key": item.key})
    return items


def home_cards_for(request: HttpRequest, scope: Scope) -> list[HomeCard]:
    cards: list[HomeCard] = []
    for provider in _HOME:
        cards.extend(provider(request, scope))
    return sorted(cards, key=lambda c: c.order)
