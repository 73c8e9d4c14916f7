"""The bounds every stored number and date keeps, shared by model validators and API schemas.

A value outside them is refused where it enters (form, API, admin, import) because the
actions call ``full_clean``: a stored value can then never break a page, a report or
date arithmetic (a year added to 9999-12-31 overflows).
"""

from __future__ import annotations

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator

# No date this domain handles (births, sentences, programs, deliveries) lies outside these.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)

MAX_CAPACITY = 10_000  # people in one program
MAX_PROGRAM_HOURS = 10_000  # five years of full-time training
MAX_MONTHS = 1_200  # a hundred years
MAX_QUANTITY = 9_999_999_999  # what a DecimalField(max_digits=12, decimal_places=2) holds
MAX_RUPIAH = 999_999_999_999_999  # just under a quadrillion rupiah (max_digits=18 or 15+2)


def date_validators() -> list[MinValueValidator | MaxValueValidator]:
    """Validators of a DateField: between 1900-01-01 and 2100-12-31."""
    return [MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)]
