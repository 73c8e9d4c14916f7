"""Lengths of time in the page's language: ``2 tahun 6 bulan`` / ``2 years 6 months``."""

from __future__ import annotations

from django.utils.translation import ngettext

from sinergi.sentences import Length


def _part(unit: str, n: int) -> str:
    if unit == "year":
        text = ngettext("%(n)d year", "%(n)d years", n)
    elif unit == "month":
        text = ngettext("%(n)d month", "%(n)d months", n)
    else:
        text = ngettext("%(n)d day", "%(n)d days", n)
    return text % {"n": n}


def say_length(length: Length) -> str:
    """The parts the length writes (all three for a term on the calculation sheet, else
    only those that are not zero), each with its unit."""
    return " ".join(_part(unit, n) for unit, n in length.parts())
