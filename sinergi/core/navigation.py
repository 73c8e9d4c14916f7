"""The main navigation and the home page's cards, which each app contributes to.

Apps register in their ``AppConfig.ready``, so ``core`` never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sinergi.core.scoping import Scope


@dataclass(frozen=True)
class NavItem:
    key: str
    label: Any  # a lazy translation
    url_name: str
    visible: Callable[[Scope], bool]
    order: int = 100
    group: str = ""  # a key of MENUS; "" keeps the link at the top level


# The menus that hold related links, so the bar stays short whatever a user may see.
MENUS: dict[str, Any] = {
    "registry": _("Inmates"),
    "programs": _("Programs"),
    "cooperation": _("Cooperation"),
    "organisation": _("Organisation"),
}


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
    """The entries of the main bar: links, and menus of links (``items``).

    An entry stands where its first visible link would; a menu with a single visible link
    is shown as that link. The link of the current page is ``active`` (the longest address
    the page lies under, so /programs/holidays/ is not also "Programs"), and so is its menu.
    """
    entries: list[dict[str, Any]] = []
    menus: dict[str, dict[str, Any]] = {}
    visible = [
        (item, reverse(item.url_name))
        for item in sorted(_NAV, key=lambda i: i.order)
        if item.visible(scope)
    ]
    under = [
        url
        for _, url in visible
        if current_path == url or (url != "/" and current_path.startswith(url))
    ]
    current = max(under, key=len, default=None)
    for item, url in visible:
        link = {
            "key": item.key,
            "label": item.label,
            "url": url,
            "active": url == current,
            # aria-current: the page itself, or a page under the link ("true").
            "current": "page" if current_path == url else "true",
            "items": [],
        }
        if not item.group:
            entries.append(link)
            continue
        menu = menus.get(item.group)
        if menu is None:
            menu = {"key": item.group, "label": MENUS[item.group], "url": "", "items": []}
            menus[item.group] = menu
            entries.append(menu)
        menu["items"].append(link)
    for menu in menus.values():
        if len(menu["items"]) == 1:
            entries[entries.index(menu)] = menu["items"][0]
        else:
            menu["active"] = any(link["active"] for link in menu["items"])
    return entries


def home_cards_for(request: HttpRequest, scope: Scope) -> list[HomeCard]:
    cards: list[HomeCard] = []
    for provider in _HOME:
        cards.extend(provider(request, scope))
    return sorted(cards, key=lambda c: c.order)
