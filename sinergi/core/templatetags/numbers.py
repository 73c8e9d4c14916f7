"""Counts printed in the reader's language."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()


class GroupedCount(int):
    """A count (an ``int``, so ``blocktranslate count`` picks its plural form) that prints
    grouped as the reader's language groups digits: 12.345 in Bahasa Indonesia, 12,345
    in English. Django prints a whole number through ``str`` when it does not group
    (``USE_THOUSAND_SEPARATOR`` is off: it would also group the ids in links and forms)."""

    def __str__(self) -> str:
        return str(intcomma(int(self)))


@register.filter
def grouped(value: Any) -> Any:
    """``{% blocktranslate count n=page.paginator.count|grouped %}{{ n }} people…``: the
    count chooses the plural and is printed grouped (:class:`GroupedCount`); anything but
    a whole number is returned as it is."""
    if isinstance(value, bool) or not isinstance(value, int):
        return value
    return GroupedCount(value)
