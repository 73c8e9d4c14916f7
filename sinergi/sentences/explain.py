"""Structured lines of the calculation sheet ("lembar perhitungan").

Every line has a stable ``code``, an English message ``template`` with ``{name}``
fields, and the ``params`` that fill it. ``str(line)`` renders English; a user
interface can translate by ``code`` and render the same ``params`` itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

__all__ = ["ExplanationLine", "ParamValue", "line", "render_value"]

ParamValue = str | int | bool | date | Fraction


def render_value(value: ParamValue) -> str:
    """Render one parameter in simple English: ISO dates, ``2/3`` fractions, yes/no."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        return f"{value.numerator}/{value.denominator}"
    return str(value)


@dataclass(frozen=True)
class ExplanationLine:
    """One checkable line of a calculation sheet."""

    code: str
    template: str
    params: tuple[tuple[str, ParamValue], ...] = ()

    @property
    def values(self) -> dict[str, ParamValue]:
        """The parameters as a dictionary."""
        return dict(self.params)

    def render(self) -> str:
        """The line in English."""
        return self.template.format(**{k: render_value(v) for k, v in self.params})

    def __str__(self) -> str:
        return self.render()


def line(code: str, template: str, **params: ParamValue) -> ExplanationLine:
    """Build an :class:`ExplanationLine` from keyword parameters."""
    return ExplanationLine(code=code, template=template, params=tuple(params.items()))
