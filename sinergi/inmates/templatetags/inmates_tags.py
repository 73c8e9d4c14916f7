from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import pgettext

from sinergi.inmates.sheet import SHEET_CONTEXT, say_basis, say_line, say_text
from sinergi.inmates.wording import say_length
from sinergi.sentences import CONDITION_LABELS, EXCLUSION_LABELS, Length

register = template.Library()

__all__ = [
    "SHEET_CONTEXT",
    "condition",
    "remisi_length",
    "sheet",
    "sheet_basis",
    "sheet_value",
]


@register.filter
def sheet(line: Any) -> str:
    """One calculation-sheet line in the page's language: its template and its values
    (lengths, decimals, the engine's English phrases and enum values) translated, dates
    the Indonesian way. The legal basis is :func:`sheet_basis`."""
    return say_line(line)


@register.filter
def sheet_basis(line: Any) -> str:
    """The legal basis of a sheet line ("Pasal 82 Permenkumham 3/2018"), or ""."""
    return say_basis(line)


@register.filter
def sheet_value(value: Any) -> str:
    """One of the engine's phrases, titles or enum values in the page's language."""
    return say_text(str(value)) if value is not None else ""


@register.filter
def condition(name: str) -> str:
    """An input the engine could not check (``fine_paid``), named in the page's language."""
    label = CONDITION_LABELS.get(name) or EXCLUSION_LABELS.get(name)
    if label is None:
        return name.replace("_", " ")
    text = pgettext(SHEET_CONTEXT, label)
    return text[:1].upper() + text[1:]


@register.simple_tag
def remisi_length(months: int, days: int) -> str:
    """A remisi's length in words, only the parts that are not zero ("1 bulan",
    "1 month 15 days"), in the page's language with the right plural."""
    return say_length(Length(months=months or 0, days=days or 0))
