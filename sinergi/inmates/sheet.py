"""The calculation sheet of the sentence engine in the active language.

The engine (:mod:`sinergi.sentences`) writes each line as an English template with
parameters and a legal basis; its English phrases, the values of its enums and its rule
sets' titles are in the message catalogue under the context :data:`SHEET_CONTEXT`
(``scripts/extract_sheet_messages.py`` writes ``sheet_messages.py``). Nothing the page or
the API shows is a code: an enum value with no translation in the active language (the
English page) is written in words (:data:`ENGLISH_VALUES`).
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext, pgettext

from sinergi.inmates.wording import say_length
from sinergi.sentences import Length

# The context of the engine's phrases and enum values in the catalogue.
SHEET_CONTEXT = "calculation sheet"

# The engine's enum values written in English words, for a language whose catalogue
# does not translate them (English): "not_applicable" is "not applicable".
ENGLISH_VALUES = {
    # RightStatus
    "not_applicable": "not applicable",
    # CrimeCategory
    "state_security": "state security",
    "human_rights": "gross human rights violations",
    "transnational": "transnational organised crime",
    # DetentionKind (KUHAP Pasal 22)
    "rutan": "in a state detention centre",
    "house": "house detention",
    "city": "city detention",
    # DayCount
    "calendar": "calendar months and years",
    "thirty_day": "30-day months (360-day years)",
    # ReligiousHoliday
    "idul_fitri": "Idul Fitri",
    "natal": "Christmas (Natal)",
    "nyepi": "Nyepi",
    "waisak": "Waisak",
    "imlek": "Imlek",
    # RemissionExtra
    "state_service": "service to the state",
    "justice_collaborator": "justice collaborator",
    # RemissionGrant.kind
    "pmp": "PMP (pengurangan masa pidana)",
}

# Phrases the engine joins into one parameter (the grounds of a humanitarian remisi, the
# consecutive terms): each part is translated on its own.
_SEPARATORS = ("; ", " + ")
# A court's term the engine wrote in English ("2 years 0 months 0 days").
_ENGLISH_TERM = re.compile(r"(\d+) years? (\d+) months? (\d+) days?")


def say_text(value: str) -> str:
    """An English phrase, enum value or title of the engine in the active language; any
    other text (a name, a version) comes back unchanged."""
    if not value:
        # An empty string must not be looked up: it would return the catalogue's header.
        return value
    translated = pgettext(SHEET_CONTEXT, value)
    if translated != value:
        return translated
    if value in ENGLISH_VALUES:
        return ENGLISH_VALUES[value]
    for separator in _SEPARATORS:
        if separator in value:
            return separator.join(say_text(part) for part in value.split(separator))
    term = _ENGLISH_TERM.fullmatch(value)
    if term is not None:
        years, months, days = (int(part) for part in term.groups())
        return say_length(Length(years, months, days, all_parts=True))
    return value


def say_value(value: Any) -> str:
    """One parameter of a sheet line in the active language."""
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
        return say_text(value)
    return str(value)


def say_line(line: Any) -> str:
    """One calculation-sheet line in the active language, without its legal basis; a
    line is a sentence and starts with a capital ("Remisi umum ...", "The fine ...")."""
    if line is None:
        return ""
    params = {key: say_value(value) for key, value in line.params}
    try:
        text = gettext(line.template).format(**params)
    except (KeyError, IndexError, ValueError):
        text = line.template.format(**params)
    return text[:1].upper() + text[1:]


def say_basis(line: Any) -> str:
    """The legal basis of a line ("Pasal 82 Permenkumham 3/2018"), or ""; a citation is
    the same in both languages, words in it ("annulled") are translated."""
    basis = getattr(line, "basis", "") or ""
    return say_text(basis)


def say_full_line(line: Any) -> str:
    """The line with its legal basis in brackets, as plain text (the API, a PDF)."""
    text = say_line(line)
    basis = say_basis(line)
    return f"{text} ({basis})" if basis else text
