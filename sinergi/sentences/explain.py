"""Structured lines of the calculation sheet ("lembar perhitungan").

Every line has a stable ``code``, an English message ``template`` with ``{name}``
fields, and the ``params`` that fill it. ``str(line)`` renders English; a user
interface can translate by ``code`` and render the same ``params`` itself.

The parameters carry no English of their own that a user interface could not
translate: lengths of time are :class:`Length` values, decimals are
:class:`~decimal.Decimal` values, and fixed English phrases are marked with
:func:`phrase` so that they can be extracted for translation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

__all__ = ["ExplanationLine", "Length", "ParamValue", "line", "phrase", "render_value"]


def phrase(text: str) -> str:
    """Mark a fixed English phrase used as a parameter; returns ``text`` unchanged.

    The engine stays free of Django: the user interface translates the phrase (the
    constants of ``phrase(...)`` calls are extracted into its message catalogue).
    """
    return text


@dataclass(frozen=True)
class Length:
    """A length of time in years, months and days, as a sheet parameter.

    With ``all_parts`` every part is written, zeros too, always in the plural (a
    court's term: "2 years 0 months 0 days"); without it only the parts that are not
    zero, in the singular or plural ("1 year 3 months", "0 days" for nothing).
    """

    years: int = 0
    months: int = 0
    days: int = 0
    all_parts: bool = False

    def parts(self) -> tuple[tuple[str, int], ...]:
        """The ``(unit, number)`` pairs to write, with unit ``year``, ``month`` or ``day``."""
        every = (("year", self.years), ("month", self.months), ("day", self.days))
        if self.all_parts:
            return every
        shown = tuple((unit, n) for unit, n in every[:2] if n)
        if self.days or not shown:
            shown += (("day", self.days),)
        return shown

    def __str__(self) -> str:
        return " ".join(
            f"{n} {unit}{'s' if self.all_parts or n != 1 else ''}" for unit, n in self.parts()
        )


ParamValue = str | int | bool | date | Fraction | Decimal | Length


def render_value(value: ParamValue) -> str:
    """Render one parameter in simple English: ISO dates, ``2/3`` fractions, yes/no,
    decimals with two places (``243.67``)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


class ExplanationLine(NamedTuple):
    """One checkable line of a calculation sheet (a named tuple: the engine builds about
    fifty per calculation, and a tuple is the cheapest immutable record)."""

    code: str
    template: str
    params: tuple[tuple[str, ParamValue], ...] = ()
    basis: str = ""
    """The legal basis of the line (``Pasal 82 Permenkumham 3/2018``), or empty."""

    @property
    def values(self) -> dict[str, ParamValue]:
        """The parameters as a dictionary."""
        return dict(self.params)

    def render(self) -> str:
        """The line in English, with its legal basis in brackets."""
        text = self.template.format(**{k: render_value(v) for k, v in self.params})
        return f"{text} [{self.basis}]" if self.basis else text

    def __str__(self) -> str:
        return self.render()


def line(code: str, template: str, *, basis: str = "", **params: ParamValue) -> ExplanationLine:
    """Build an :class:`ExplanationLine` from keyword parameters and its legal basis."""
    return ExplanationLine(code, template, tuple(params.items()), basis)
