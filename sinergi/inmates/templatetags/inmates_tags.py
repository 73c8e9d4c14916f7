from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django import template
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext, pgettext

from sinergi.inmates.wording import say_length
from sinergi.sentences import CONDITION_LABELS, EXCLUSION_LABELS, Length

register = template.Library()

# The context of the engine's phrases and enum values in the catalogue (see
# scripts/extract_sheet_messages.py).
SHEET_CONTEXT = "calculation sheet"


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
    if isinstance(value, Decimal):
        return number_format(value, decimal_pos=2)
    if isinstance(value, Length):
        return say_length(value)
    if isinstance(value, str):
        # The engine's English phrases and enum values; any other text (names,
        # identifiers) is not in the catalogue and comes back unchanged. An empty
        # string must not be looked up: it would return the catalogue's header.
        return pgettext(SHEET_CONTEXT, value) if value else value
    return str(value)


@register.filter
def sheet(line: Any) -> str:
    """One calculation-sheet line in the page's language: its template and its values
    (lengths, decimals, the engine's English phrases) translated, dates the Indonesian
    way."""
    if line is None:
        return ""
    params = {key: _value(value) for key, value in line.params}
    try:
        return gettext(line.template).format(**params)
    except (KeyError, IndexError, ValueError):
        return str(line)


@register.filter
def condition(name: str) -> str:
    """An input the engine could not check (``fine_paid``), named in the page's language."""
    label = CONDITION_LABELS.get(name) or EXCLUSION_LABELS.get(name)
    if label is None:
        return name.replace("_", " ")
    text = pgettext(SHEET_CONTEXT, label)
    return text[:1].upper() + text[1:]
