"""Showing figures: numbers the local way, with their unit, and the public flags."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils import formats
from django.utils.translation import gettext as _

register = template.Library()


def format_number(value: Any, unit: str = "") -> str:
    if value is None:
        return "-"
    number = Decimal(str(value))
    places = 0 if number == number.to_integral_value() or unit == "rupiah" else 1
    text = formats.number_format(number, places, force_grouping=True)
    if unit == "percent":
        return f"{text}%"
    if unit == "rupiah":
        return f"Rp{text}"
    return text


@register.filter
def number(value: Any, unit: str = "") -> str:
    """``12.5`` → ``12,5`` in Indonesian; ``percent`` and ``rupiah`` add their sign."""
    return format_number(value, unit)


# Units whose value is computed from hidden counts rather than being a count itself.
DERIVED_UNITS = frozenset({"percent", "days", "score"})


@register.filter
def figure(published: Any, unit: str = "") -> str:
    """A public figure's value, or its flag when it is hidden. A percentage, median or
    average that rests on a hidden count shows "x": "<5" would read as "under 5 %"."""
    if published.flag:
        return "x" if unit in DERIVED_UNITS else str(published.flag)
    return format_number(published.value, unit)


@register.simple_tag
def figure_title(published: Any, unit: str = "") -> str:
    """The explanation of a hidden value, for its ``title``."""
    if published.flag and unit in DERIVED_UNITS:
        return _("Hidden because it rests on a count that is hidden")
    return flag_title(published.flag)


@register.filter
def part(value: Any, flag: str = "") -> str:
    """A numerator or denominator: hidden parts show the flag."""
    if value is None:
        return flag or "-"
    return format_number(value)


@register.simple_tag
def flag_title(flag: str) -> str:
    if flag == "<5":
        return _("A count from 1 to 4, hidden to protect privacy")
    if flag == "x":
        return _("Hidden so that a small count cannot be worked out by subtraction")
    return ""
