"""Write the sample SDP exports in this folder, or check them (``--check``).

The files are what facilities in NTB export from SDP: Lapas Kelas IIB Selong (East
Lombok) and Lapas Kelas IIA Lombok Barat. Names, NIKs and numbers are invented; the
NIKs are well-formed (regency code, birth date as DDMMYY with 40 added to the day for
women, serial) and agree with the birth date and sex of their row. The data comes from
a fixed random seed, so running this again writes the same files.

    .venv/bin/python samples/make_samples.py            # (re)write the six files
    DEBUG=true .venv/bin/python samples/make_samples.py --check

``--check`` reads every file with ``sinergi.inmates.parsing`` as of 28-11-2026: all but
the errors file must give no errors (the custom-headers file with the columns that
``column_guess`` suggests from its values: its headers are not recognised), the errors
file exactly its three intended errors, and the common-spellings files must need no
mapping. It also checks that the files on disk are what this script writes.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TODAY = date(2026, 11, 28)  # the date the files are checked against
SEED = 2026

SELONG_CSV = "sdp-export-selong.csv"
LOBAR_XLSX = "sdp-export-lobar.xlsx"
CUSTOM_CSV = "sdp-export-custom-headers.csv"
ERRORS_CSV = "sdp-export-with-errors.csv"
COMMON_CSV = "sdp-export-common-spellings.csv"
COMMON_XLSX = "sdp-export-common-spellings.xlsx"

# The standard SDP headers, in the order of parsing.FIELDS.
STANDARD_HEADERS = [
    "No. Registrasi",
    "Nama",
    "NIK",
    "Tanggal Lahir",
    "Jenis Kelamin",
    "Agama",
    "Kabupaten Asal",
    "Jenis Kejahatan",
    "Pasal",
    "Lama Pidana",
    "Tanggal Penahanan",
    "Total Remisi (hari)",
]
KEYS = [
    "registration_number",
    "name",
    "nik",
    "birth_date",
    "sex",
    "religion",
    "home_regency",
    "crime_text",
    "legal_articles",
    "term_text",
    "detention_start",
    "remission_days",
]

# Selong: the standard headers in another order and letter case (an SDP report whose
# columns were rearranged in Excel before saving as CSV with the Indonesian ";").
SELONG_HEADERS = [
    "NAMA",
    "No. Registrasi",
    "jenis kelamin",
    "NIK",
    "Tanggal Lahir",
    "AGAMA",
    "Kabupaten Asal",
    "TANGGAL PENAHANAN",
    "Lama Pidana",
    "Jenis Kejahatan",
    "pasal",
    "Total Remisi (Hari)",
]

# A hand-kept register with headers of its own (none of the required ones is a known
# spelling): the import asks for a column mapping and suggests each column by its values.
CUSTOM_HEADERS = {
    "Reg Lapas": "registration_number",
    "Nama Penghuni": "name",
    "No Kependudukan": "nik",
    "Lhr": "birth_date",
    "L/P": "sex",
    "Agama": "religion",
    "Asal": "home_regency",
    "Kejahatan": "crime_text",
    "Pasal": "legal_articles",
    "Putusan PN": "term_text",
    "Masuk": "detention_start",
    "Remisi": "remission_days",
}

# The spellings of an office's SDP report (issue 17's acceptance file): every header is
# recognised, no mapping is asked for.
COMMON_HEADERS = {
    "No Reg": "registration_number",
    "Nama Lengkap": "name",
    "Tgl Lahir": "birth_date",
    "JK": "sex",
    "Tgl Ditahan": "detention_start",
    "Lama Hukuman": "term_text",
    "Jenis Kejahatan": "crime_text",
    "Total Remisi": "remission_days",
}

# The three broken rows of the errors file: data row index -> (field, bad value).
ERROR_ROWS = {
    4: ("detention_start", "31-13-2024"),
    9: ("term_text", "tiga tahun"),
    15: ("nik", None),  # None: the row's NIK with its last digit cut (15 digits)
}

# --------------------------------------------------------------------------------------
# Invented people

MALE_FIRST = [
    "Lalu Ahmad",
    "Lalu Muhammad",
    "Lalu Saparudin",
    "Muhammad",
    "Ahmad",
    "Zainul",
    "Sahnan",
    "Ruslan",
    "Junaidi",
    "Khairul",
    "Hamdan",
    "Fathurrahman",
    "Amaq",
    "Rizal",
    "Hendra",
    "Abdul",
    "Supardi",
    "Mahsun",
]
MALE_LAST = [
    "Hidayat",
    "Saputra",
    "Maulana",
    "Hakim",
    "Apriadi",
    "Pratama",
    "Fauzi",
    "Syahrial",
    "Suhardi",
    "Rahman",
    "Ismail",
    "Sukardi",
    "Yusuf",
    "Kurniawan",
    "Arifin",
    "Zainuddin",
    "Jayadi",
    "Muliadi",
    "Sahroni",
    "Wahyudi",
    "Hairul",
    "Mustofa",
]
FEMALE_FIRST = ["Baiq Nurul", "Baiq Siti", "Baiq", "Siti", "Nurul", "Inaq", "Sri", "Hajar"]
FEMALE_LAST = ["Aini", "Hidayati", "Wulandari", "Rahmawati", "Fitriani", "Hasanah", "Sumiati"]
HINDU_MALE = ["I Wayan Sudarma", "I Made Arsana", "I Ketut Suarjana", "I Nyoman Astawa"]
HINDU_FEMALE = ["Ni Luh Putu Lestari", "Ni Made Sukerti"]
OTHER_FAITH = [
    ("Hendra Wijaya", "L", "Buddha"),
    ("Yohanes Kurniawan", "L", "Kristen"),
    ("Maria Goreti Ndun", "P", "Katolik"),
]

# Regency as SDP shows it, with its NIK province+regency code and kecamatan count.
REGENCIES = {
    "Lombok Timur": ("5203", 21),
    "Lombok Tengah": ("5202", 12),
    "Lombok Barat": ("5201", 10),
    "Lombok Utara": ("5208", 5),
    "Kota Mataram": ("5271", 6),
    "Sumbawa": ("5204", 24),
    "Bima": ("5206", 18),
    "Dompu": ("5205", 8),
}
SELONG_REGENCIES = ["Lombok Timur"] * 14 + ["Lombok Tengah"] * 2 + ["Kota Mataram", "Sumbawa"]
LOBAR_REGENCIES = ["Lombok Barat"] * 8 + ["Kota Mataram"] * 4 + ["Lombok Utara"] * 2 + ["Bima"]
REGENCY_SPELLINGS: list[Callable[[str], str]] = [
    lambda r: r,
    lambda r: r,
    lambda r: r if r.startswith("Kota") else f"Kab. {r}",
    lambda r: r.upper(),
]


@dataclass(frozen=True)
class Crime:
    text: str
    article: str
    weight: int
    terms: tuple[tuple[int, int, int], ...]  # (years, months, days) a court might give
    life_share: float = 0.0


CRIMES = [
    Crime("Pencurian", "Pasal 362 KUHP", 8, ((0, 8, 0), (1, 0, 0), (1, 6, 0), (2, 0, 0))),
    Crime(
        "Pencurian dengan Pemberatan",
        "Pasal 363 ayat (1) ke-4 KUHP",
        5,
        ((1, 6, 0), (2, 0, 0), (2, 6, 0), (3, 0, 0), (4, 0, 0)),
    ),
    Crime(
        "Narkotika",
        "Pasal 114 ayat (1) UU No. 35 Tahun 2009",
        5,
        ((5, 0, 0), (5, 6, 0), (6, 0, 0), (7, 0, 0), (8, 0, 0)),
    ),
    Crime(
        "Narkotika",
        "Pasal 112 ayat (1) UU No. 35 Tahun 2009",
        5,
        ((4, 0, 0), (4, 6, 0), (5, 0, 0), (6, 0, 0)),
    ),
    Crime(
        "Narkotika",
        "Pasal 114 ayat (2) UU No. 35 Tahun 2009",
        1,
        ((12, 0, 0), (15, 0, 0), (20, 0, 0)),
        life_share=0.5,
    ),
    Crime(
        "Tipikor",
        "Pasal 3 jo. Pasal 18 UU No. 31 Tahun 1999",
        2,
        ((1, 6, 0), (2, 0, 0), (4, 0, 0), (5, 0, 0)),
    ),
    Crime("Penipuan", "Pasal 378 KUHP", 3, ((1, 0, 0), (1, 6, 0), (2, 0, 0), (3, 0, 0))),
    Crime("Penggelapan", "Pasal 372 KUHP", 2, ((0, 10, 0), (1, 2, 0), (2, 0, 0))),
    Crime(
        "Penganiayaan",
        "Pasal 351 ayat (1) KUHP",
        2,
        ((0, 6, 0), (0, 10, 15), (1, 0, 0), (2, 6, 0)),
    ),
    Crime(
        "Perlindungan Anak",
        "Pasal 81 ayat (1) UU No. 35 Tahun 2014",
        2,
        ((6, 0, 0), (8, 0, 0), (10, 0, 0)),
    ),
    Crime(
        "Penipuan (investasi bodong)",
        "Pasal 378 jo. Pasal 55 ayat (1) ke-1 KUHP",
        1,
        ((3, 6, 0), (3, 6, 15)),
    ),
]

BULAN = [
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
]
NUMBER_WORDS = [
    "nol",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
    "sepuluh",
    "sebelas",
    "dua belas",
]


@dataclass
class Person:
    """One inmate, as values; the writers decide how each cell is spelled."""

    number_prefix: str  # register letters: "BI" or "BIIa"
    number: int
    name: str
    nik: str
    birth_date: date | None
    sex: str  # "L" or "P"
    religion: str
    regency: str
    crime: str
    article: str
    term: tuple[int, int, int] | None  # None: seumur hidup
    detention_start: date
    remission_days: int

    @property
    def year(self) -> int:
        return self.detention_start.year % 100


def _term_days(term: tuple[int, int, int] | None) -> int:
    if term is None:
        return 100 * 365
    years, months, days = term
    return years * 365 + months * 30 + days


def _nik(rng: random.Random, regency: str, birth: date, sex: str) -> str:
    code, districts = REGENCIES[regency]
    day = birth.day + (40 if sex == "P" else 0)
    serial = rng.randint(1, 2400)
    return f"{code}{rng.randint(1, districts):02d}{day:02d}{birth:%m%y}{serial:04d}"


def _remission(rng: random.Random, start: date, term: tuple[int, int, int] | None) -> int:
    """Remisi umum (17 August) and khusus (Idul Fitri) granted so far, roughly."""
    if term is None:
        return 0
    total = 0
    for year in range(start.year, TODAY.year + 1):
        august = date(year, 8, 17)
        if start + timedelta(days=182) <= august <= TODAY:
            total += rng.choice([30, 30, 60, 60, 90]) + rng.choice([15, 15, 30])
    return min(total, _term_days(term) // 3)


def _people(rng: random.Random, count: int, regencies: list[str], used: set[str]) -> list[Person]:
    weights = [crime.weight for crime in CRIMES]
    people: list[Person] = []
    while len(people) < count:
        roll = rng.random()
        if roll < 0.06:
            name, sex, religion = rng.choice(OTHER_FAITH)
        elif roll < 0.14:
            sex = "P" if rng.random() < 0.3 else "L"
            name = rng.choice(HINDU_FEMALE if sex == "P" else HINDU_MALE)
            religion = "Hindu"
        elif roll < 0.30:
            sex, religion = "P", "Islam"
            name = f"{rng.choice(FEMALE_FIRST)} {rng.choice(FEMALE_LAST)}"
        else:
            sex, religion = "L", "Islam"
            name = f"{rng.choice(MALE_FIRST)} {rng.choice(MALE_LAST)}"
        if name in used:
            continue
        used.add(name)
        crime = rng.choices(CRIMES, weights)[0]
        term: tuple[int, int, int] | None = rng.choice(crime.terms)
        if crime.life_share and rng.random() < crime.life_share:
            term = None
        length = _term_days(term)
        first = date(2021, 1, 4)
        # Most are still serving; about one in twelve reached the expiry date in the
        # last months and is still on the list.
        if rng.random() < 0.92 or TODAY - timedelta(days=length + 10) < first:
            first = max(first, TODAY - timedelta(days=length - 20))
            last = TODAY - timedelta(days=3)
        else:
            first = max(first, TODAY - timedelta(days=length + 180))
            last = TODAY - timedelta(days=length + 10)
        start = first + timedelta(days=rng.randint(0, (last - first).days))
        age = rng.randint(19, 58)
        birth = date(start.year - age, rng.randint(1, 12), rng.randint(1, 28))
        regency = rng.choice(regencies)
        known = rng.random()
        people.append(
            Person(
                number_prefix="BI" if length > 365 else "BIIa",
                number=0,
                name=name,
                nik=_nik(rng, regency, birth, sex) if known < 0.85 else "",
                birth_date=birth if known < 0.95 else None,
                sex=sex,
                religion=religion,
                regency=regency,
                crime=crime.text,
                article=crime.article,
                term=term,
                detention_start=start,
                remission_days=_remission(rng, start, term),
            )
        )
    return people


def _number(
    rng: random.Random, people: list[Person], bases: dict[tuple[str, int], int]
) -> list[Person]:
    """Registration numbers in order of admission, per register and year; newest first."""
    people.sort(key=lambda p: (p.detention_start, p.name))
    for person in people:
        key = (person.number_prefix, person.year)
        default = (240 if person.number_prefix == "BI" else 30) + 3 * person.year
        person.number = bases.setdefault(key, default) + 1
        bases[key] = person.number + (0 if person.year == 26 else rng.randint(0, 3))
    people.sort(key=lambda p: (-p.year, p.number_prefix, p.number))
    return people


# --------------------------------------------------------------------------------------
# Spelling the cells as offices do


def spell_registration(person: Person, style: int) -> str:
    prefix, number, year = person.number_prefix, person.number, f"{person.year:02d}"
    spaced = f"{prefix[0]} {prefix[1:]}"
    dotted = f"{prefix[0]}.{prefix[1:]}"
    return [
        f"{prefix} {number}/{year}",
        f"{spaced} {number} / {year}",
        f"{prefix}.{number}/{year}",
        f"{dotted} {number}/{year}",
        f"{prefix} {number}/{year}",
    ][style % 5]


def spell_date(day: date | None, style: int) -> str:
    if day is None:
        return ""
    return [
        f"{day:%d-%m-%Y}",
        f"{day:%d/%m/%Y}",
        f"{day.day} {BULAN[day.month - 1]} {day.year}",
        f"{day:%d-%m-%Y}",
    ][style % 4]


def spell_term(term: tuple[int, int, int] | None, style: int) -> str:
    if term is None:
        return ["seumur hidup", "Pidana Penjara Seumur Hidup"][style % 2]
    years, months, days = term
    words = style % 5 == 4  # court style: "2 (dua) tahun"
    units = [
        ("tahun", "bulan", "hari"),
        ("th", "bl", "hr"),
        ("thn", "bln", "hr"),
        ("Tahun", "Bulan", "Hari"),
    ][0 if words else style % 4]
    parts = []
    for value, unit in zip((years, months, days), units, strict=True):
        if value:
            if words and value < len(NUMBER_WORDS):
                parts.append(f"{value} ({NUMBER_WORDS[value]}) {unit}")
            else:
                parts.append(f"{value} {unit}")
    return " ".join(parts)


def spell_sex(sex: str, style: int) -> str:
    if style % 6 == 5:
        return "Laki-laki" if sex == "L" else "Perempuan"
    return sex


def spell_row(person: Person, index: int) -> dict[str, str]:
    """The cells of one person, keyed by field; ``index`` varies the spellings."""
    religion = person.religion.upper() if index % 7 == 3 else person.religion
    # SDP leaves the cell empty for many who have had no remisi yet.
    remission = str(person.remission_days) if person.remission_days or index % 3 else ""
    return {
        "registration_number": spell_registration(person, index),
        "name": person.name.upper() if index % 9 == 4 else person.name,
        "nik": person.nik,
        "birth_date": spell_date(person.birth_date, index + 1),
        "sex": spell_sex(person.sex, index),
        "religion": religion,
        "home_regency": REGENCY_SPELLINGS[index % len(REGENCY_SPELLINGS)](person.regency),
        "crime_text": person.crime,
        "legal_articles": person.article,
        "term_text": spell_term(person.term, index),
        "detention_start": spell_date(person.detention_start, index),
        "remission_days": remission,
    }


def _csv_text(headers: list[str], keys: list[str], rows: list[dict[str, str]], sep: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row[key] for key in keys])
    return out.getvalue()


# --------------------------------------------------------------------------------------
# The four files


def build() -> dict[str, bytes]:
    """The contents of every sample file, by file name."""
    rng = random.Random(SEED)
    used: set[str] = set()

    # 1. Selong: 30 rows; the first three are the numbers of the user guide.
    bases = {("BI", 26): 282, ("BIIa", 26): 41}
    selong = _number(rng, _people(rng, 30, SELONG_REGENCIES, used), bases)
    _rename(selong, "L", "Lalu Ahmad Hidayat")
    _rename(selong, "P", "Baiq Nurul Aini")
    _showcase(selong)
    selong_rows = [spell_row(person, index) for index, person in enumerate(selong)]
    selong_keys = [KEYS[STANDARD_HEADERS.index(_standard(h))] for h in SELONG_HEADERS]
    files = {
        SELONG_CSV: _csv_text(SELONG_HEADERS, selong_keys, selong_rows, ";").encode("utf-8-sig")
    }

    # 2. Lombok Barat: 15 rows in an XLSX with date cells and a text NIK column.
    lobar = _number(rng, _people(rng, 15, LOBAR_REGENCIES, used), {("BI", 26): 511})
    files[LOBAR_XLSX] = _xlsx(lobar)

    # 3. Custom headers (Selong, a hand-kept register): 10 rows, comma-separated.
    custom = _number(
        rng,
        _people(rng, 10, SELONG_REGENCIES, used),
        {(p, y): 600 + y for p in ("BI", "BIIa") for y in range(21, 27)},
    )
    custom_rows = [spell_row(person, index + 2) for index, person in enumerate(custom)]
    files[CUSTOM_CSV] = _csv_text(
        list(CUSTOM_HEADERS), list(CUSTOM_HEADERS.values()), custom_rows, ","
    ).encode("utf-8")

    # 4. With errors (Selong): 20 rows, three broken in different ways.
    broken = _number(
        rng,
        _people(rng, 20, SELONG_REGENCIES, used),
        {(p, y): 700 + y for p in ("BI", "BIIa") for y in range(21, 27)},
    )
    broken_rows = [spell_row(person, index) for index, person in enumerate(broken)]
    for index, (key, value) in ERROR_ROWS.items():
        row = broken_rows[index]
        if key == "nik":
            assert row["nik"], "the row for the short NIK needs a NIK"
            value = row["nik"][:-1]
        row[key] = value
    files[ERRORS_CSV] = _csv_text(STANDARD_HEADERS, KEYS, broken_rows, ";").encode("utf-8")

    # 5. Common spellings (Selong): 12 rows, ";"-separated, and the same as a workbook
    # with date cells. Sex as Laki-laki/Perempuan, terms as SDP writes them.
    common = _number(
        rng,
        _people(rng, 12, SELONG_REGENCIES, used),
        {(p, y): 800 + y for p in ("BI", "BIIa") for y in range(21, 27)},
    )
    common_rows = []
    for index, person in enumerate(common):
        cells = spell_row(person, index)
        cells["sex"] = spell_sex(person.sex, 5)
        cells["term_text"] = spell_term(person.term, 3)
        common_rows.append(cells)
    files[COMMON_CSV] = _csv_text(
        list(COMMON_HEADERS), list(COMMON_HEADERS.values()), common_rows, ";"
    ).encode("utf-8")
    files[COMMON_XLSX] = _common_xlsx(common, common_rows)
    return files


def _common_xlsx(people: list[Person], rows: list[dict[str, str]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(COMMON_HEADERS))
    for person, cells in zip(people, rows, strict=True):
        values: list[object] = [cells[key] for key in COMMON_HEADERS.values()]
        keys = list(COMMON_HEADERS.values())
        values[keys.index("birth_date")] = person.birth_date
        values[keys.index("detention_start")] = person.detention_start
        sheet.append([None if value == "" else value for value in values])
        for key in ("birth_date", "detention_start"):
            sheet.cell(sheet.max_row, keys.index(key) + 1).number_format = "DD-MM-YYYY"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _rename(people: list[Person], sex: str, name: str) -> None:
    """Give the first Muslim of that sex the name used in the user guide."""
    person = next(p for p in people if p.sex == sex and p.religion == "Islam")
    person.name = name


def _showcase(people: list[Person]) -> None:
    """Make sure the file has a life sentence and a term with days (3 th 6 bl 15 hr)."""
    if not any(p.term is None for p in people):
        narcotics = [p for p in people if p.crime == "Narkotika" and p.number_prefix == "BI"]
        life = max(narcotics, key=lambda p: _term_days(p.term))
        life.term, life.remission_days = None, 0
        life.article = "Pasal 114 ayat (2) UU No. 35 Tahun 2009"
    # Row 2 (index 1) is spelled with th/bl/hr.
    person = people[1]
    assert person.number_prefix == "BI" and person.detention_start.year == 2026
    person.term = (3, 6, 15)
    person.crime, person.article = "Pencurian dengan Pemberatan", "Pasal 363 ayat (1) ke-4 KUHP"


def _standard(header: str) -> str:
    for standard in STANDARD_HEADERS:
        if standard.casefold() == header.casefold():
            return standard
    raise ValueError(header)


def _xlsx(people: list[Person]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Data WBP"
    sheet.append(STANDARD_HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    date_columns = {KEYS.index("birth_date") + 1, KEYS.index("detention_start") + 1}
    nik_column = KEYS.index("nik") + 1
    for index, person in enumerate(people):
        cells = spell_row(person, index)
        values: list[object] = [cells[key] for key in KEYS]
        values[KEYS.index("birth_date")] = person.birth_date
        values[KEYS.index("detention_start")] = person.detention_start
        if cells["remission_days"]:
            values[KEYS.index("remission_days")] = person.remission_days  # a number cell
        sheet.append([None if value == "" else value for value in values])
        row = sheet.max_row
        for column in date_columns:
            sheet.cell(row, column).number_format = "DD-MM-YYYY"
        sheet.cell(row, nik_column).number_format = "@"  # text: no digit is lost
    widths = [16, 28, 20, 14, 14, 10, 22, 28, 42, 18, 18, 18]
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(1, column).column_letter].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write() -> None:
    for name, content in build().items():
        (HERE / name).write_bytes(content)
        print(f"wrote samples/{name} ({len(content):,} bytes)")


# --------------------------------------------------------------------------------------
# --check


def check() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinergi.settings")
    import django

    django.setup()
    from sinergi.inmates import parsing

    built = build()
    failures: list[str] = []

    def parse(name: str, source: Path | io.BytesIO, mapping: dict[str, int] | None = None):
        table = parsing.read_table(source, name)
        if mapping is None:
            mapping = parsing.recognise_headers(table.headers)
            missing = parsing.missing_required(mapping)
            if missing:
                failures.append(f"{name}: headers not recognised: {missing}")
        return table.headers, parsing.parse_table(table, mapping, today=TODAY)

    def expect(name: str, condition: bool, message: str) -> None:
        if not condition:
            failures.append(f"{name}: {message}")

    for name in (SELONG_CSV, CUSTOM_CSV, ERRORS_CSV, COMMON_CSV):
        expect(name, (HERE / name).read_bytes() == built[name], "differs from make_samples.py")

    _headers, selong = parse(SELONG_CSV, HERE / SELONG_CSV)
    expect(SELONG_CSV, not selong.errors, f"errors: {selong.errors}")
    expect(SELONG_CSV, len(selong.rows) == 30, f"{len(selong.rows)} rows, not 30")

    _headers, lobar = parse(LOBAR_XLSX, HERE / LOBAR_XLSX)
    _headers, lobar_built = parse(LOBAR_XLSX, io.BytesIO(built[LOBAR_XLSX]))
    expect(LOBAR_XLSX, not lobar.errors, f"errors: {lobar.errors}")
    expect(LOBAR_XLSX, len(lobar.rows) == 15, f"{len(lobar.rows)} rows, not 15")
    expect(LOBAR_XLSX, lobar.rows == lobar_built.rows, "differs from make_samples.py")

    from sinergi.inmates import column_guess

    with parsing.read_table(HERE / CUSTOM_CSV, CUSTOM_CSV) as table:
        recognised = parsing.recognise_headers(table.headers)
        mapping = {CUSTOM_HEADERS[header]: i for i, header in enumerate(table.headers)}
        first = [list(values) for _line, values in table.rows][: column_guess.SAMPLE_ROWS]
        suggested = column_guess.suggest(table.headers, first, recognised, TODAY)
    expect(
        CUSTOM_CSV,
        bool(parsing.missing_required(recognised)),
        "every required header is recognised: the mapping step would not be shown",
    )
    for key in parsing.REQUIRED_FIELDS:
        expect(
            CUSTOM_CSV,
            {**recognised, **suggested}.get(key) == mapping[key],
            f"the column of {key} is not suggested by its values",
        )

    _headers, common = parse(COMMON_CSV, HERE / COMMON_CSV)
    expect(COMMON_CSV, not common.errors, f"errors: {common.errors}")
    expect(COMMON_CSV, len(common.rows) == 12, f"{len(common.rows)} rows, not 12")
    _headers, common_book = parse(COMMON_XLSX, HERE / COMMON_XLSX)
    _headers, common_built = parse(COMMON_XLSX, io.BytesIO(built[COMMON_XLSX]))
    expect(COMMON_XLSX, not common_book.errors, f"errors: {common_book.errors}")
    expect(COMMON_XLSX, common_book.rows == common_built.rows, "differs from make_samples.py")
    _headers, custom = parse(CUSTOM_CSV, HERE / CUSTOM_CSV, mapping)
    expect(CUSTOM_CSV, not custom.errors, f"errors: {custom.errors}")
    expect(CUSTOM_CSV, len(custom.rows) == 10, f"{len(custom.rows)} rows, not 10")

    _headers, broken = parse(ERRORS_CSV, HERE / ERRORS_CSV)
    wanted = {(index + 2, key) for index, (key, _value) in ERROR_ROWS.items()}
    found = {(error.line_number, error.field) for error in broken.errors}
    expect(ERRORS_CSV, found == wanted and len(broken.errors) == 3, f"errors: {broken.errors}")
    expect(ERRORS_CSV, len(broken.rows) == 17, f"{len(broken.rows)} good rows, not 17")

    for name, result in [
        (SELONG_CSV, selong),
        (LOBAR_XLSX, lobar),
        (CUSTOM_CSV, custom),
        (ERRORS_CSV, broken),
        (COMMON_CSV, common),
        (COMMON_XLSX, common_book),
    ]:
        print(f"{name}: {result.rows_read} rows, {len(result.errors)} errors")
    print("The error report of the errors file:")
    print(parsing.errors_to_csv(broken.errors), end="")
    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="check the files instead of writing them"
    )
    args = parser.parse_args()
    if args.check:
        return check()
    write()
    return 0


if __name__ == "__main__":
    sys.exit(main())
