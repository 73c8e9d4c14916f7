from __future__ import annotations

import datetime
from fractions import Fraction
from typing import Any

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext

register = template.Library()


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, Fraction):
        return (
            str(value.numerator)
            if value.denominator == 1
            else f"{value.numerator}/{value.denominator}"
        )
    return str(value)


@register.filter
def sheet(line: Any) -> str:
    """One calculation-sheet line in the page's language, dates the Indonesian way."""
    if line is None:
        return ""
    params = {key: _value(value) for key, value in line.params}
    try:
        return gettext(line.template).format(**params)
    except (KeyError, IndexError, ValueError):
        return str(line)
