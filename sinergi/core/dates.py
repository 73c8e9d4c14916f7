"""Dates as official documents write them: "5 Desember 2026", "Selong, 5 Desember 2026".

One helper for every PDF and letter (certificates, sheets, minutes, letters, reports), so
the place-and-date line reads the same everywhere. Month names are written out here (not
through the locale's catalogue), so a document is never half-translated.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import get_language

MONTHS = {
    "id": (
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


def long_date(value: datetime.date | datetime.datetime | None, language: str | None = None) -> str:
    """``value`` as "5 Desember 2026" (in English "5 December 2026"); "" for ``None``.
    An aware datetime is taken in the active time zone first."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    lang = (language or get_language() or "id").split("-")[0]
    months = MONTHS.get(lang, MONTHS["id"])
    return f"{value.day} {months[value.month - 1]} {value.year}"


def place_and_date(
    place: str, value: datetime.date | datetime.datetime | None, language: str | None = None
) -> str:
    """The place line of a signature: "Selong, 5 Desember 2026"."""
    day = long_date(value, language)
    return ", ".join(part for part in (place.strip(), day) if part)
