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


@register.filter
def figure(published: Any, unit: str = "") -> str:
    """A public figure's value, or its flag when it is hidden."""
    if published.flag:
        return str(published.flag)
    return format_number(published.value, unit)


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
