"""Suggesting a column for each field whose header was not recognised, by its values.

When a file's headers are not in :data:`header_synonyms.SYNONYMS`, the mapping page
shows the first rows and proposes, for each field still without a column, the column
whose values look like it: 16-digit NIKs, registration numbers ("BI 283/26"), sentence
lengths ("2 Tahun 6 Bulan", "seumur hidup"), dates (the earliest dates are birth dates,
later ones detention starts), L/P, religions, legal articles ("Pasal 362 KUHP"), crimes,
regencies ("Kab. Lombok Timur") and, last, names (words of letters). The user confirms
or changes each suggestion; nothing is applied without them. Pure: no database.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Mapping, Sequence
from datetime import date

from sinergi.inmates import parsing
from sinergi.inmates.choices import CrimeCategory, Religion

__all__ = ["SAMPLE_ROWS", "suggest"]

#: How many data rows the suggestions read.
SAMPLE_ROWS = 50
#: The share of a column's filled cells that must fit a field.
THRESHOLD = 0.8
#: A date column whose dates lie, in the middle, this many years before the file's
#: day holds birth dates (when it is the only date column).
_BIRTH_YEARS = 12


def _fits(check: Callable[[object], object]) -> Callable[[object], bool]:
    def test(value: object) -> bool:
        try:
            return bool(check(value))
        except (ValueError, TypeError):
            return False

    return test


_REGISTRATION_SHAPE = re.compile(r"[A-Z]{1,2}[IV]*[AB]? [0-9]+/[0-9]{2,4}")
_ARTICLE = re.compile(r"\bpasal\b|\b[0-9]{2,3}\s*(?:ayat|kuhp|uu)\b|\bkuhp\b|\buu\b", re.I)
_REGENCY = re.compile(r"^(?:kab(?:upaten)?\.?|kota)\s", re.I)
_CRIME_WORDS = re.compile(
    r"pencurian|penganiayaan|penipuan|penggelapan|pembunuhan|narkoti|narkoba|psikotropi"
    r"|korupsi|perlindungan anak|pencabulan|perkosaan|pemerkosaan|kekerasan|perampokan"
    r"|penadahan|perjudian|judi|pemalsuan|lalu lintas|senjata|kesusilaan|kejahatan"
    r"|terorisme|perdagangan orang|illegal|ilegal",
    re.I,
)
_NAME = re.compile(r"[^\W\d_]+(?:['.\-]?\s*[^\W\d_]+)*\.?", re.UNICODE)


def _is_registration(value: object) -> bool:
    return bool(_REGISTRATION_SHAPE.fullmatch(parsing.normalise_registration_number(value)))


def _is_nik(value: object) -> bool:
    return _fits(parsing.validate_nik)(value)


def _is_term(value: object) -> bool:
    return isinstance(value, str) and _fits(parsing.parse_term)(value)


def _is_religion(value: object) -> bool:
    return parsing.map_religion(value) not in ("", Religion.OTHER)


def _is_crime(value: object) -> bool:
    text = parsing._text(value)
    return bool(_CRIME_WORDS.search(text)) or (
        parsing.map_crime_category(text) != CrimeCategory.GENERAL
    )


def _is_name(value: object) -> bool:
    text = parsing._text(value)
    return (
        isinstance(value, str)
        and len(text) >= 3
        and bool(_NAME.fullmatch(text))
        and not _fits(parsing.parse_sex)(text)
        and not _is_religion(text)
        and not _is_crime(text)
        and not _REGENCY.match(text)
    )


# Field -> the test of one value, in the order the columns are given out: the surest
# patterns first, names last (almost any text is a name).
_TESTS: tuple[tuple[str, Callable[[object], bool]], ...] = (
    ("nik", _is_nik),
    ("registration_number", _is_registration),
    ("term_text", _is_term),
    ("sex", _fits(parsing.parse_sex)),
    ("religion", _is_religion),
    ("legal_articles", lambda v: bool(_ARTICLE.search(parsing._text(v)))),
    ("crime_text", _is_crime),
    ("home_regency", lambda v: bool(_REGENCY.match(parsing._text(v)))),
    ("name", _is_name),
)
_DATE_FIELDS = ("birth_date", "detention_start")


def _filled(rows: Sequence[Sequence[object]], index: int) -> list[object]:
    values = [row[index] if index < len(row) else "" for row in rows]
    return [v for v in values if not parsing._is_blank(v)]


def _share(values: Sequence[object], test: Callable[[object], bool]) -> float:
    if not values:
        return 0.0
    return sum(1 for v in values if test(v)) / len(values)


def suggest(
    headers: Sequence[object],
    rows: Sequence[Sequence[object]],
    mapping: Mapping[str, int],
    today: date,
) -> dict[str, int]:
    """``{field: column index}`` for the fields of :data:`parsing.FIELDS` that
    ``mapping`` lacks, each from a column ``mapping`` does not use, by the values of
    ``rows`` (the first data rows). A field is suggested only when at least
    :data:`THRESHOLD` of the column's filled cells fit it; a column is given once."""
    free = [i for i in range(len(headers)) if i not in set(mapping.values())]
    values = {i: _filled(rows, i) for i in free}
    free = [i for i in free if values[i]]
    found: dict[str, int] = {}

    def take(name: str, index: int) -> None:
        found[name] = index
        free.remove(index)

    # Dates first: a date column is never a name, and the two date fields are told apart
    # by their dates (the birth dates are the earliest).
    date_columns: list[tuple[date, int]] = []
    for index in free:
        if _share(values[index], _fits(parsing.parse_date)) >= THRESHOLD:
            days = [parsing.parse_date(v) for v in values[index] if _fits(parsing.parse_date)(v)]
            date_columns.append((statistics.median_low(days), index))
    date_columns.sort()
    wanted_dates = [name for name in _DATE_FIELDS if name not in mapping]
    if len(date_columns) >= 2 and wanted_dates == list(_DATE_FIELDS):
        take("birth_date", date_columns[0][1])
        take("detention_start", date_columns[-1][1])
    elif date_columns and wanted_dates:
        earliest, first = date_columns[0]
        if "birth_date" in wanted_dates and earliest.year <= today.year - _BIRTH_YEARS:
            take("birth_date", first)
        latest, last = date_columns[-1]
        recent = latest.year > today.year - _BIRTH_YEARS or len(date_columns) == 1
        if "detention_start" in wanted_dates and last in free and recent:
            take("detention_start", last)
    for index in [i for _day, i in date_columns if i in free]:
        free.remove(index)  # other dates: not guessed further

    for name, test in _TESTS:
        if name in mapping or name in found:
            continue
        best: tuple[float, int] | None = None
        for index in free:
            share = _share(values[index], test)
            if share >= THRESHOLD and (best is None or share > best[0]):
                best = (share, index)
        if best is not None:
            take(name, best[1])
    return found
