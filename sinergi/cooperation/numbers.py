"""Quantities as people write them: 96, not 96.00; 2.5, not 2.50."""

from __future__ import annotations

from decimal import Decimal


def trimmed(value: Decimal) -> Decimal:
    """``value`` without trailing zeros after the decimal point (and never in exponent
    notation, which ``Decimal.normalize`` gives 100 as ``1E+2``)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()
