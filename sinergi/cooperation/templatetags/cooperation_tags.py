"""Showing the quantities of cooperation records."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils import formats

from sinergi.cooperation.numbers import trimmed

register = template.Library()


@register.filter
def quantity(value: Any) -> str:
    """A quantity the local way, without trailing zeros: ``2.50`` → ``2,5`` in Indonesian,
    ``96.00`` → ``96``."""
    if value is None or value == "":
        return ""
    number = trimmed(Decimal(str(value)))
    places = max(0, -int(number.as_tuple().exponent))
    return formats.number_format(number, places, force_grouping=True)


@register.filter
def machine_number(value: Any) -> str:
    """A quantity for an attribute that a browser reads (``<progress max>``): a dot
    before the decimals whatever the language, no trailing zeros."""
    if value is None or value == "":
        return ""
    return str(trimmed(Decimal(str(value))))
