"""Showing figures: numbers the local way, with their unit, and the public flags."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from sinergi.indicators.catalogue import FACILITY, MEDIAN, NATIONAL, PARTNER, REGION

register = template.Library()

# The levels an indicator is shown for (``Indicator.levels``), as the reader says them.
LEVEL_LABELS = {
    FACILITY: gettext_lazy("Facility"),
    REGION: gettext_lazy("Region"),
    NATIONAL: gettext_lazy("National"),
    PARTNER: gettext_lazy("Partner"),
}


@register.filter
def level_labels(levels: Any) -> str:
    """``("facility", "region")`` → ``UPT, Kanwil`` in Indonesian."""
    return ", ".join(str(LEVEL_LABELS.get(level, level)) for level in levels)


def _median_of(group: str, n: int) -> str:
    """What a median of ``n`` records of an indicator of ``group`` is taken over."""
    if group == "cooperation":
        return ngettext("median of %(n)s request", "median of %(n)s requests", n) % {"n": n}
    return ngettext("median of %(n)s person", "median of %(n)s people", n) % {"n": n}


@register.filter
def median_parts(value: Any, indicator: Any) -> str:
    """For a median (the catalogue's kind ``median``: the numerator is the median itself,
    the denominator how many records it is taken over), what to show instead of the
    numerator and denominator: "median of N people"; empty for any other kind."""
    if getattr(indicator, "kind", "") != MEDIAN or value is None:
        return ""
    denominator = value.get("denominator") if isinstance(value, dict) else value.denominator
    if denominator is None:  # hidden (public pages): the flag says it
        return ""
    return _median_of(indicator.group, int(denominator))


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
