"""Reading SDP inmate exports: files, headers, values, rows and whole tables.

No database: everything here is pure parsing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from sinergi.inmates.parsing import (
    CRIME_CATEGORIES,
    FIELDS,
    REQUIRED_FIELDS,
    EncodingError,
    ImportFileError,
    ParsedRow,
    ParsedTerm,
    RowError,
    Table,
    error_from_dict,
    error_to_dict,
    errors_to_csv,
    header_for,
    map_crime_category,
    map_religion,
    missing_required,
    normalise_registration_number,
    parse_date,
    parse_remission_days,
    parse_row,
    parse_sex,
    parse_table,
    parse_term,
    read_table,
    recognise_headers,
    register_class_from_registration,
    validate_nik,
)

TODAY = date(2025, 6, 1)
HEADERS = [spec.header for spec in FIELDS]
# The valid example NIK: a woman (day 05 + 40) born 05-02-1990 in regency 5203.
WOMAN_NIK = "5203014502900003"
# A man born 12-03-1990 in regency 5203.
MAN_NIK = "5203011203900001"

# No example database: keep the working tree clean and the runs reproducible.
PROPERTY = settings(database=None, max_examples=300, deadline=None)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def good_row(**overrides: str) -> list[str]:
    """A valid row in the standard column order, with some cells replaced."""
    values = {
        "registration_number": "BI 283/26",
        "name": "Siti Aminah",
        "nik": WOMAN_NIK,
        "birth_date": "05-02-1990",
        "sex": "P",
        "religion": "Islam",
        "home_regency": "Lombok Timur",
        "crime_text": "Narkotika",
        "legal_articles": "Pasal 112 ayat (1) UU 35/2009",
        "term_text": "3 tahun 6 bulan",
        "detention_start": "10-01-2024",
        "remission_days": "30",
    }
    values.update(overrides)
    # The optional facts of the sentence (verdict date, subsider, child...) are empty.
    return [values.get(spec.key, "") for spec in FIELDS]


STANDARD_MAPPING = {spec.key: index for index, spec in enumerate(FIELDS)}


def write_csv(
    path: Path, rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerows(rows)
    return path


# --- registration numbers -------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["B I 283 / 26", "BI.283/26", "bi 283/26", "BI 283/26"])
def test_every_spelling_of_a_registration_number_is_the_same_inmate(spelling: str) -> None:
    assert normalise_registration_number(spelling) == "BI 283/26"


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("B.IIa 12/25", "BIIA 12/25"),
        ("b.ii.b 7/25", "BIIB 7/25"),
        ("AII 12/25", "AII 12/25"),
        ("  A.III   5 /2024 ", "AIII 5/2024"),
        ("B.III. 0045/24", "BIII 0045/24"),
    ],
)
def test_register_letters_are_capitalised_without_dots_or_spaces(text: str, canonical: str) -> None:
    assert normalise_registration_number(text) == canonical


@pytest.mark.parametrize(
    ("text", "canonical"),
    [("  reg   x-1 ", "REG X-1"), ("283", "283"), ("BI 283", "BI 283"), ("BI/283/26", "BI/283/26")],
)
def test_other_shapes_are_trimmed_collapsed_and_capitalised(text: str, canonical: str) -> None:
    assert normalise_registration_number(text) == canonical


def test_a_blank_registration_number_stays_empty() -> None:
    assert normalise_registration_number("   ") == ""
    assert normalise_registration_number(None) == ""


@pytest.mark.parametrize(
    ("text", "register_class"),
    [
        ("BI 283/26", "B.I"),
        ("B.IIa 12/25", "B.IIa"),
        ("b ii b 4/25", "B.IIb"),
        ("B.III 9/25", "B.III"),
        ("AII 12/25", None),
        ("BIIIS 3/25", None),
        ("283/26", None),
        ("", None),
    ],
)
def test_the_register_class_comes_from_the_registration_prefix(
    text: str, register_class: str | None
) -> None:
    assert register_class_from_registration(text) == register_class


@PROPERTY
@given(st.text())
def test_normalising_a_registration_number_twice_changes_nothing(text: str) -> None:
    once = normalise_registration_number(text)
    assert normalise_registration_number(once) == once
    if text.strip():
        assert once


separators = st.text(alphabet=" .", max_size=3)


@PROPERTY
@given(
    letters=st.lists(st.sampled_from("ABIVXab"), min_size=1, max_size=5),
    number=st.integers(min_value=0, max_value=99999),
    year=st.integers(min_value=0, max_value=2099),
    gaps=st.lists(separators, min_size=10, max_size=10),
)
def test_extra_spaces_and_dots_do_not_change_a_registration_number(
    letters: list[str], number: int, year: int, gaps: list[str]
) -> None:
    plain = f"{''.join(letters)} {number}/{year}"
    prefix = "".join(letter + gaps[i % 4] for i, letter in enumerate(letters)).rstrip(" .")
    spaced = f"{gaps[4]}{prefix}{gaps[5]} {number}{gaps[6]}/{gaps[7]}{year}{gaps[8]}"
    assert normalise_registration_number(spaced) == normalise_registration_number(plain)
    assert normalise_registration_number(plain) == f"{''.join(letters).upper()} {number}/{year}"


# --- dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "31-12-2024",
        "31/12/2024",
        "2024-12-31",
        "2024/12/31",
        "31.12.2024",
        "31 Desember 2024",
        "31 Des 2024",
        "31 Des. 2024",
        "31 December 2024",
        "31 Dec 2024",
        "31-Dec-2024",
        "31 desember 2024",
        " 31  DESEMBER  2024 ",
        "2024-12-31 00:00:00",
        "31/12/2024 13:45",
    ],
)
def test_every_date_format_of_indonesian_offices_is_read(text: str) -> None:
    assert parse_date(text) == date(2024, 12, 31)


@pytest.mark.parametrize(
    ("month_name", "month"),
    [
        ("Januari", 1), ("Jan", 1),
        ("Februari", 2), ("Feb", 2), ("Pebruari", 2),
        ("Maret", 3), ("Mar", 3),
        ("April", 4), ("Apr", 4),
        ("Mei", 5), ("May", 5),
        ("Juni", 6), ("Jun", 6),
        ("Juli", 7), ("Jul", 7),
        ("Agustus", 8), ("Agu", 8), ("Agt", 8), ("Ags", 8), ("Aug", 8),
        ("September", 9), ("Sep", 9), ("Sept", 9),
        ("Oktober", 10), ("Okt", 10), ("Oct", 10),
        ("November", 11), ("Nov", 11), ("Nop", 11), ("Nopember", 11),
        ("Desember", 12), ("Des", 12), ("Dec", 12),
    ],
)  # fmt: skip
def test_indonesian_month_names_and_abbreviations_are_understood(
    month_name: str, month: int
) -> None:
    assert parse_date(f"7 {month_name} 2023") == date(2023, month, 7)


def test_single_digit_days_and_months_are_accepted() -> None:
    assert parse_date("5-2-1990") == date(1990, 2, 5)
    assert parse_date("1990-2-5") == date(1990, 2, 5)


def test_spreadsheet_date_and_datetime_cells_are_taken_as_they_are() -> None:
    assert parse_date(date(2024, 12, 31)) == date(2024, 12, 31)
    assert parse_date(datetime(2024, 12, 31, 8, 30)) == date(2024, 12, 31)


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (45292, date(2024, 1, 1)),
        (45657, date(2024, 12, 31)),
        (45657.75, date(2024, 12, 31)),
        (61, date(1900, 3, 1)),
        (59, date(1900, 2, 28)),
        (1, date(1900, 1, 1)),
    ],
)
def test_excel_serial_numbers_are_days_of_the_1900_date_system(
    serial: float, expected: date
) -> None:
    assert parse_date(serial) == expected


def test_an_impossible_date_is_refused_with_the_formats_to_use() -> None:
    with pytest.raises(ValueError) as caught:
        parse_date("31-13-2024")
    assert str(caught.value) == "'31-13-2024' is not a date (use 31-12-2024 or 2024-12-31)"


@pytest.mark.parametrize(
    "text", ["30-02-2024", "2024-13-01", "31 Foo 2024", "kemarin", "31-12-202", "0", "31-12/2024"]
)
def test_text_that_is_not_a_date_is_refused_naming_the_text(text: str) -> None:
    with pytest.raises(ValueError, match="is not a date"):
        parse_date(text)


@pytest.mark.parametrize("text", ["31-12-24", "31/12/24", "31 Des 24"])
def test_two_digit_years_are_refused_asking_for_the_full_year(text: str) -> None:
    with pytest.raises(ValueError, match="two-digit year: write the year in full"):
        parse_date(text)


@pytest.mark.parametrize("value", [0, -5, 60, 10**9, True, ""])
def test_serials_outside_the_calendar_booleans_and_blanks_are_not_dates(value: object) -> None:
    with pytest.raises(ValueError):
        parse_date(value)


def test_years_outside_1900_to_2100_are_implausible() -> None:
    with pytest.raises(ValueError, match="implausible year 1850"):
        parse_date("31-12-1850")


# --- sentence length ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 tahun 6 bulan", ParsedTerm("fixed", 3, 6, 0)),
        ("3 th 6 bl 15 hr", ParsedTerm("fixed", 3, 6, 15)),
        ("3 thn 6 bln", ParsedTerm("fixed", 3, 6, 0)),
        ("1 tahun", ParsedTerm("fixed", 1, 0, 0)),
        ("8 bulan", ParsedTerm("fixed", 0, 8, 0)),
        ("15 hari", ParsedTerm("fixed", 0, 0, 15)),
        ("3T 6B 15H", ParsedTerm("fixed", 3, 6, 15)),
        ("3t6b15h", ParsedTerm("fixed", 3, 6, 15)),
        ("0 tahun 6 bulan", ParsedTerm("fixed", 0, 6, 0)),
        ("3 Tahun, 6 Bulan dan 15 Hari", ParsedTerm("fixed", 3, 6, 15)),
        ("3 (tiga) tahun 6 (enam) bulan", ParsedTerm("fixed", 3, 6, 0)),
        ("Pidana penjara 2 tahun", ParsedTerm("fixed", 2, 0, 0)),
        ("3 th. 6 bl.", ParsedTerm("fixed", 3, 6, 0)),
        ("18 bulan", ParsedTerm("fixed", 0, 18, 0)),
        ("seumur hidup", ParsedTerm("life")),
        ("Seumur Hidup", ParsedTerm("life")),
        ("pidana penjara seumur hidup", ParsedTerm("life")),
        ("pidana mati", ParsedTerm("death")),
        ("mati", ParsedTerm("death")),
        ("MATI", ParsedTerm("death")),
    ],
)
def test_every_spelling_of_a_sentence_length_is_read(text: str, expected: ParsedTerm) -> None:
    assert parse_term(text) == expected


def test_only_fixed_terms_count_as_fixed() -> None:
    assert parse_term("1 tahun").is_fixed
    assert not parse_term("seumur hidup").is_fixed


@pytest.mark.parametrize("text", ["0 tahun", "0 tahun 0 bulan 0 hari", "0T 0B"])
def test_a_term_of_zero_length_is_refused_naming_the_text(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_term(text)
    assert str(caught.value) == f"'{text}' is a sentence of zero length"


@pytest.mark.parametrize(
    "text", ["tiga tahun", "3", "3 tahun 2 tahun", "1,5 tahun", "3 minggu", "hidup", "3 tahun x"]
)
def test_unreadable_sentence_lengths_are_refused_naming_the_text(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_term(text)
    assert f"'{text}' is not a sentence length" in str(caught.value)


def test_a_number_cell_is_not_a_sentence_length() -> None:
    with pytest.raises(ValueError, match="'3' is not a sentence length"):
        parse_term(3)


def test_an_absurdly_long_term_is_refused() -> None:
    with pytest.raises(ValueError, match="implausibly long"):
        parse_term("2024 tahun")


# --- crime categories, sex, religion -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Narkotika", "narcotics"),
        ("Narkoba", "narcotics"),
        ("Psikotropika", "narcotics"),
        ("Penyalahgunaan NARKOTIKA Gol. I", "narcotics"),
        ("Korupsi", "corruption"),
        ("Tipikor", "corruption"),
        ("Tindak Pidana Korupsi", "corruption"),
        ("Terorisme", "terrorism"),
        ("Teroris", "terrorism"),
        ("Makar", "state_security"),
        ("Kejahatan terhadap Keamanan Negara", "state_security"),
        ("HAM Berat", "human_rights"),
        ("Pelanggaran HAM", "human_rights"),
        ("Perdagangan Orang", "transnational"),
        ("TPPO", "transnational"),
        ("Human Trafficking", "transnational"),
        ("Kejahatan Transnasional", "transnational"),
        ("Pencucian Uang Lintas Negara", "transnational"),
        ("Pencurian", "general"),
        ("Pembunuhan", "general"),
        ("Penipuan", "general"),
        ("Penganiayaan", "general"),
        ("Perlindungan Anak", "general"),
        ("", "general"),
        (None, "general"),
    ],
)
def test_crime_texts_map_to_crime_categories(text: str | None, category: str) -> None:
    assert map_crime_category(text) == category
    assert category in CRIME_CATEGORIES


@pytest.mark.parametrize(
    ("text", "sex"),
    [
        ("L", "M"), ("l", "M"), ("Laki-laki", "M"), ("LAKI - LAKI", "M"), ("Pria", "M"),
        ("M", "M"), ("P", "F"), ("Perempuan", "F"), ("Wanita", "F"), ("F", "F"), ("", ""),
    ],
)  # fmt: skip
def test_the_sex_is_read_from_indonesian_and_english_letters_and_words(text: str, sex: str) -> None:
    assert parse_sex(text) == sex


def test_an_unknown_sex_is_refused() -> None:
    with pytest.raises(ValueError, match="'X' is not a sex \\(use L or P\\)"):
        parse_sex("X")


@pytest.mark.parametrize(
    ("text", "religion"),
    [
        ("Islam", "islam"),
        ("ISLAM", "islam"),
        ("Kristen", "protestant"),
        ("Protestan", "protestant"),
        ("Kristen Protestan", "protestant"),
        ("Katolik", "catholic"),
        ("Katholik", "catholic"),
        ("Kristen Katolik", "catholic"),
        ("Hindu", "hindu"),
        ("Buddha", "buddhist"),
        ("Budha", "buddhist"),
        ("Konghucu", "confucian"),
        ("Khonghucu", "confucian"),
        ("Kepercayaan terhadap Tuhan YME", "other"),
        ("", ""),
        ("  ", ""),
    ],
)
def test_religions_map_to_their_keys(text: str, religion: str) -> None:
    assert map_religion(text) == religion


# --- NIK ------------------------------------------------------------------------------


def test_a_valid_nik_is_returned_as_its_sixteen_digits() -> None:
    assert validate_nik(WOMAN_NIK) == WOMAN_NIK
    assert validate_nik(MAN_NIK) == MAN_NIK


@pytest.mark.parametrize(
    "text",
    ["5203 0145 0290 0003", "5203.0145.0290.0003", " 5203014502900003 ", "'5203014502900003"],
)
def test_spaces_and_dots_in_a_nik_are_ignored(text: str) -> None:
    assert validate_nik(text) == WOMAN_NIK


def test_an_empty_nik_is_allowed() -> None:
    assert validate_nik("") == ""
    assert validate_nik(None) == ""


def test_a_nik_that_excel_gave_as_an_exact_number_is_accepted() -> None:
    assert validate_nik(5203011203900001.0) == MAN_NIK
    assert validate_nik(5203011203900001) == MAN_NIK
    assert validate_nik("5203011203900001.0") == MAN_NIK
    assert validate_nik("5.203011203900001E+15") == MAN_NIK


@pytest.mark.parametrize(
    "value", ["5.20301E+15", "5,20301E+15", 5.2030112039e15, 5203011203900000, 9.2e15]
)
def test_a_nik_that_lost_digits_as_a_number_asks_to_format_the_column_as_text(
    value: object,
) -> None:
    with pytest.raises(ValueError, match="format the NIK column as text"):
        validate_nik(value)


@pytest.mark.parametrize(
    "text", ["123", "52030145029000031", "520301450290000A", "5203014502900003.5"]
)
def test_a_nik_must_be_exactly_sixteen_digits(text: str) -> None:
    with pytest.raises(ValueError, match="NIK must be exactly 16 digits"):
        validate_nik(text)


@pytest.mark.parametrize(
    "text",
    [
        "5203010013900001",  # day 00
        "5203013213900001",  # day 32
        "5203017213900001",  # day 72 (woman, 32)
        "5203011200900001",  # month 00
        "5203011213900001",  # month 13
        "5203013102900001",  # 31 February
    ],
)
def test_a_nik_must_hold_a_possible_birth_date(text: str) -> None:
    with pytest.raises(ValueError, match="does not hold a birth date"):
        validate_nik(text)


def test_a_womans_nik_adds_forty_to_the_day_and_matches_her_birth_date() -> None:
    assert validate_nik(WOMAN_NIK, date(1990, 2, 5), "F") == WOMAN_NIK


def test_a_nik_that_disagrees_with_the_birth_date_is_reported() -> None:
    with pytest.raises(ValueError) as caught:
        validate_nik(WOMAN_NIK, date(1990, 2, 6))
    assert str(caught.value) == (
        "NIK 5203014502900003 gives the birth date 05-02-90, but the birth date is 06-02-1990"
    )


def test_a_nik_that_disagrees_with_the_sex_is_reported() -> None:
    with pytest.raises(ValueError, match="is a woman's"):
        validate_nik(WOMAN_NIK, sex="M")
    with pytest.raises(ValueError, match="is a man's"):
        validate_nik(MAN_NIK, sex="F")


# --- remission ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "days"),
    [("0", 0), ("", 0), ("45", 45), (45.0, 45), (45, 45), ("45.0", 45), ("45 hari", 45)],
)
def test_the_total_remission_is_a_whole_number_of_days(value: object, days: int) -> None:
    assert parse_remission_days(value) == days


def test_a_negative_remission_is_refused() -> None:
    with pytest.raises(ValueError, match="'-5' is negative"):
        parse_remission_days("-5")
    with pytest.raises(ValueError, match="negative"):
        parse_remission_days(-5)


@pytest.mark.parametrize("value", ["abc", "1,5", 4.5, "2 bulan", True])
def test_a_remission_that_is_not_a_whole_number_is_refused(value: object) -> None:
    with pytest.raises(ValueError, match="is not a whole number of days"):
        parse_remission_days(value)


# --- headers --------------------------------------------------------------------------


def test_the_required_fields_are_registration_name_term_and_detention_start() -> None:
    assert REQUIRED_FIELDS == ("registration_number", "name", "term_text", "detention_start")
    assert [spec.key for spec in FIELDS][:2] == ["registration_number", "name"]
    assert header_for("remission_days") == "Total Remisi (hari)"


def test_standard_headers_are_recognised_in_any_order_case_and_spacing() -> None:
    headers = [
        "  total remisi (HARI) ",
        "NAMA",
        "Catatan",
        "no.   registrasi",
        "Tanggal  Penahanan",
        "lama pidana",
        "nik",
        "JENIS KEJAHATAN",
    ]
    assert recognise_headers(headers) == {
        "remission_days": 0,
        "name": 1,
        "registration_number": 3,
        "detention_start": 4,
        "term_text": 5,
        "nik": 6,
        "crime_text": 7,
    }


def test_every_standard_header_is_recognised() -> None:
    assert recognise_headers(HEADERS) == STANDARD_MAPPING
    assert missing_required(recognise_headers(HEADERS)) == []


def test_a_repeated_header_is_taken_from_its_first_column() -> None:
    assert recognise_headers(["Nama", "Nama"]) == {"name": 0}


def test_missing_required_fields_are_listed_in_field_order() -> None:
    assert missing_required({"name": 0}) == ["registration_number", "term_text", "detention_start"]


# --- reading files --------------------------------------------------------------------


def test_a_semicolon_csv_with_a_bom_is_read_with_spreadsheet_line_numbers(tmp_path: Path) -> None:
    text = (
        "No. Registrasi;Nama;Lama Pidana\r\n"
        "BI 1/25;Ani;1 tahun\r\n"
        ";;\r\n"
        "\r\n"
        "BI 2/25;Budi;2 tahun\r\n"
    )
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode("utf-8-sig"))

    table = read_table(path, "export.csv")

    assert table.headers == ["No. Registrasi", "Nama", "Lama Pidana"]
    assert list(table.rows) == [
        (2, ["BI 1/25", "Ani", "1 tahun"]),
        (5, ["BI 2/25", "Budi", "2 tahun"]),
    ]


def test_a_comma_csv_with_quoted_commas_is_read(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "a.csv",
        [["No. Registrasi", "Nama", "Pasal"], ["BI 1/25", "Ani", "Pasal 362, 363 KUHP"]],
    )
    table = read_table(path, "a.csv")
    assert table.headers == ["No. Registrasi", "Nama", "Pasal"]
    assert list(table.rows) == [(2, ["BI 1/25", "Ani", "Pasal 362, 363 KUHP"])]


def test_a_windows_1252_csv_is_refused_unless_that_encoding_is_confirmed(tmp_path: Path) -> None:
    path = tmp_path / "old.csv"
    path.write_bytes("Nama;Kabupaten Asal\nJosé;Bima\n".encode("cp1252"))
    with pytest.raises(EncodingError, match="byte 0xE9 on line 2 \\(byte offset 23\\)"):
        read_table(path, "old.CSV")
    assert list(read_table(path, "old.CSV", encoding="cp1252").rows) == [(2, ["José", "Bima"])]


def test_a_utf8_file_is_read_as_utf8_even_when_windows_1252_is_chosen(tmp_path: Path) -> None:
    path = tmp_path / "new.csv"
    path.write_bytes("Nama\nJosé\n".encode())
    assert list(read_table(path, "new.csv", encoding="cp1252").rows) == [(2, ["José"])]


def test_a_stray_byte_far_into_the_file_is_found_with_its_line_and_offset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sinergi.inmates import parsing

    monkeypatch.setattr(parsing, "_SCAN_CHUNK", 7)  # errors across chunk boundaries
    lines = ["Nama,Asal", *[f"Warga {n},Bima" for n in range(50)]]
    data = ("\n".join(lines) + "\n").encode().replace(b"Warga 40,", b"Warga 40\x9d,")
    path = tmp_path / "stray.csv"
    path.write_bytes(data)
    with pytest.raises(EncodingError) as refused:
        read_table(path, "stray.csv")
    offset = data.index(b"\x9d")
    assert f"line 42 (byte offset {offset})" in refused.value.message
    # A multi-byte character split by the chunks is not a stray byte.
    path.write_bytes(("\n".join(lines).replace("Bima", "Bimá") + "\n").encode())
    assert len(list(read_table(path, "stray.csv").rows)) == 50


def test_a_file_mixing_utf8_and_windows_1252_is_refused_even_when_confirmed(
    tmp_path: Path,
) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes("Nama\nJosé\n".encode("cp1252") + "Agnès\n".encode())
    with pytest.raises(EncodingError, match="mixes UTF-8 text") as refused:
        read_table(path, "mixed.csv", encoding="cp1252")
    assert "line 3" in refused.value.message


def test_a_utf8_file_with_a_bom_and_a_stray_byte_is_refused_even_when_1252_is_chosen(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfNama\nJos\xe9\n")
    with pytest.raises(EncodingError, match="line 2"):
        read_table(path, "bom.csv", encoding="cp1252")


def test_an_excel_sep_line_sets_the_delimiter_and_is_not_a_line(tmp_path: Path) -> None:
    path = tmp_path / "sep.csv"
    path.write_text("sep=;\nNama;Pasal\nAni;362, 363\n", encoding="utf-8")
    table = read_table(path, "sep.csv")
    assert table.headers == ["Nama", "Pasal"]
    assert list(table.rows) == [(2, ["Ani", "362, 363"])]


def test_a_tab_separated_utf16_unicode_text_export_is_read(tmp_path: Path) -> None:
    path = tmp_path / "unicode.csv"
    path.write_bytes("Nama\tAgama\nAni\tKatolik\n".encode("utf-16"))
    table = read_table(path, "unicode.csv")
    assert table.headers == ["Nama", "Agama"]
    assert list(table.rows) == [(2, ["Ani", "Katolik"])]


def test_an_uploaded_file_object_is_read_from_its_start() -> None:
    upload = io.BytesIO(b"Nama,NIK\nAni,5203014502900003\n")
    upload.read()  # a hash or a size check already read it
    table = read_table(upload, "upload.csv")
    assert list(table.rows) == [(2, ["Ani", "5203014502900003"])]


@pytest.mark.parametrize("filename", ["inmates.pdf", "inmates", "inmates.ods"])
def test_an_unsupported_file_type_is_refused(tmp_path: Path, filename: str) -> None:
    path = tmp_path / "file"
    path.write_bytes(b"whatever")
    with pytest.raises(ImportFileError, match="cannot be read: use a CSV or XLSX file"):
        read_table(path, filename)


def test_an_old_xls_file_is_refused_asking_for_xlsx_or_csv(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(ImportFileError, match=r"\.xls"):
        read_table(path, "old.xls")


def test_an_empty_file_has_no_header_row(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"\r\n  \r\n")
    with pytest.raises(ImportFileError, match="no header row"):
        read_table(path, "empty.csv")


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("No. Registrasi,Nama\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="could not be read as an Excel workbook"):
        read_table(path, "fake.xlsx")


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="could not be read"):
        read_table(tmp_path / "nowhere.csv", "nowhere.csv")


def make_workbook(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    first.title = "WBP"
    first.append(HEADERS)
    first.append(
        [
            "B I 283 / 26",
            "  Siti   Aminah ",
            WOMAN_NIK,
            date(1990, 2, 5),
            "P",
            "Islam",
            "Lombok Timur",
            "Narkotika",
            "Pasal 112",
            "3 tahun 6 bulan",
            datetime(2024, 1, 10),
            45,
        ]
    )
    first["C2"].number_format = "@"  # the NIK column formatted as text
    first.append([None] * len(HEADERS))  # an empty row
    first.append(
        [
            "BIIA 7/25",
            "Budi",
            None,
            "12-03-1990",
            "L",
            "Hindu",
            "Bima",
            "Pencurian",
            "Pasal 362",
            "8 bulan",
            45292,  # a date that lost its format: an Excel serial number
            None,
        ]
    )
    other = workbook.create_sheet("Other")
    other.append(["Not", "this", "sheet"])
    workbook.save(path)
    return path


def test_an_xlsx_file_is_read_from_its_first_sheet_with_typed_cells(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "export.xlsx")

    with read_table(path, "export.xlsx") as table:
        assert table.headers == HEADERS
        rows = list(table.rows)

    assert [number for number, _values in rows] == [2, 4]
    values = rows[0][1]
    assert values[2] == WOMAN_NIK
    assert isinstance(values[3], datetime)
    assert values[11] == 45
    assert rows[1][1][2] == ""


def test_an_xlsx_file_parses_into_inmates(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "export.xlsx")
    with read_table(path, "export.xlsx") as table:
        result = parse_table(table, recognise_headers(table.headers), TODAY)

    assert result.errors == []
    assert result.rows_read == 2
    siti, budi = result.rows
    assert siti.line_number == 2
    assert siti.registration_number == "BI 283/26"
    assert siti.registration_raw == "B I 283 / 26"
    assert siti.register_class == "B.I"
    assert siti.name == "Siti Aminah"
    assert siti.nik == WOMAN_NIK
    assert siti.birth_date == date(1990, 2, 5)
    assert siti.detention_start == date(2024, 1, 10)
    assert siti.remission_days == 45
    assert budi.line_number == 4
    assert budi.register_class == "B.IIa"
    assert budi.detention_start == date(2024, 1, 1)
    assert budi.nik == ""
    assert budi.remission_days == 0


def test_the_file_name_decides_the_type_not_the_stored_path(tmp_path: Path) -> None:
    stored = make_workbook(tmp_path / "export.xlsx").rename(tmp_path / "8f3a.upload")
    with read_table(stored, "export.xlsx") as table:
        assert table.headers == HEADERS


def test_a_table_closed_before_its_end_releases_the_file(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "export.xlsx")
    table = read_table(path, "export.xlsx")
    assert next(table.rows)[0] == 2
    table.close()
    assert list(table.rows) == []


def test_an_xlsx_file_can_be_read_from_an_uploaded_file_object(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "export.xlsx")
    upload = io.BytesIO(path.read_bytes())
    table = read_table(upload, "Export.XLSX")
    try:
        assert len(list(table.rows)) == 2
    finally:
        table.close()


# --- rows -----------------------------------------------------------------------------


def test_a_good_row_becomes_a_parsed_row_with_every_value() -> None:
    row = parse_row(good_row(), STANDARD_MAPPING, 7, TODAY)

    assert row == ParsedRow(
        line_number=7,
        registration_number="BI 283/26",
        registration_raw="BI 283/26",
        register_class="B.I",
        name="Siti Aminah",
        nik=WOMAN_NIK,
        birth_date=date(1990, 2, 5),
        sex="F",
        religion="islam",
        home_regency="Lombok Timur",
        crime_text="Narkotika",
        crime_category="narcotics",
        legal_articles="Pasal 112 ayat (1) UU 35/2009",
        term=ParsedTerm("fixed", 3, 6, 0),
        detention_start=date(2024, 1, 10),
        remission_days=30,
    )


def test_only_the_required_columns_are_needed() -> None:
    mapping = {"registration_number": 0, "name": 1, "term_text": 2, "detention_start": 3}
    row = parse_row(["AII 12/25", "Ani", "seumur hidup", "2024-01-10"], mapping, 2, TODAY)
    assert isinstance(row, ParsedRow)
    assert row.register_class == ""
    assert row.term == ParsedTerm("life")
    assert (row.nik, row.sex, row.religion, row.birth_date, row.crime_category) == (
        "",
        "",
        "",
        None,
        "general",
    )


def test_every_problem_in_a_row_is_reported_not_just_the_first() -> None:
    values = good_row(
        name="  ",
        nik="123",
        sex="X",
        term_text="lama",
        detention_start="31-13-2024",
        remission_days="-1",
    )
    errors = parse_row(values, STANDARD_MAPPING, 9, TODAY)

    assert isinstance(errors, list)
    assert [(e.field, e.column, e.value) for e in errors] == [
        ("name", "Nama", ""),
        ("nik", "NIK", "123"),
        ("sex", "Jenis Kelamin", "X"),
        ("term_text", "Lama Pidana", "lama"),
        ("detention_start", "Tanggal Penahanan", "31-13-2024"),
        ("remission_days", "Total Remisi (hari)", "-1"),
    ]
    assert {e.line_number for e in errors} == {9}
    assert errors[0].message == "a value is required"


def test_required_fields_that_are_empty_or_not_mapped_are_reported_as_required() -> None:
    errors = parse_row(["Ani"], {"name": 0}, 3, TODAY)
    assert isinstance(errors, list)
    assert [(e.field, e.column, e.message) for e in errors] == [
        ("registration_number", "No. Registrasi", "a value is required"),
        ("term_text", "Lama Pidana", "a value is required"),
        ("detention_start", "Tanggal Penahanan", "a value is required"),
    ]


def test_errors_name_the_column_as_the_file_wrote_it() -> None:
    headers = ["  no. REGISTRASI ", "Nama Lengkap", "Vonis", "Mulai Ditahan"]
    mapping = {"registration_number": 0, "name": 1, "term_text": 2, "detention_start": 3}
    errors = parse_row(["BI 1/25", "Ani", "?", "01-01-2024"], mapping, 2, TODAY, headers=headers)
    assert isinstance(errors, list)
    assert [(e.column, e.field) for e in errors] == [("Vonis", "term_text")]


def test_a_birth_date_after_the_detention_start_is_an_error() -> None:
    errors = parse_row(good_row(birth_date="11-01-2024", nik=""), STANDARD_MAPPING, 2, TODAY)
    assert isinstance(errors, list)
    assert [(e.field, e.message) for e in errors] == [
        ("birth_date", "the birth date 11-01-2024 is after the detention start 10-01-2024")
    ]


def test_a_detention_start_in_the_future_is_an_error() -> None:
    errors = parse_row(good_row(detention_start="02-06-2025"), STANDARD_MAPPING, 2, TODAY)
    assert isinstance(errors, list)
    assert [(e.field, e.message) for e in errors] == [
        ("detention_start", "the detention start 02-06-2025 is in the future")
    ]
    assert isinstance(
        parse_row(good_row(detention_start="01-06-2025"), STANDARD_MAPPING, 2, TODAY), ParsedRow
    )


def test_a_nik_is_cross_checked_against_the_birth_date_and_sex_of_the_row() -> None:
    errors = parse_row(good_row(birth_date="06-02-1990"), STANDARD_MAPPING, 2, TODAY)
    assert isinstance(errors, list)
    assert [e.field for e in errors] == ["nik"]
    assert "but the birth date is 06-02-1990" in errors[0].message

    # A sex that disagrees with the NIK is a warning: the row is kept, flagged.
    row = parse_row(good_row(sex="L"), STANDARD_MAPPING, 2, TODAY)
    assert isinstance(row, ParsedRow)
    assert [(w.field, w.warning, w.name) for w in row.warnings] == [("nik", True, "Siti Aminah")]
    assert "is a woman's" in row.warnings[0].message
    assert parse_row(good_row(), STANDARD_MAPPING, 2, TODAY).warnings == ()  # type: ignore[union-attr]


def test_a_short_row_reads_its_missing_cells_as_empty() -> None:
    row = parse_row([*good_row()[:10], "10-01-2024"], STANDARD_MAPPING, 2, TODAY)
    assert isinstance(row, ParsedRow)
    assert row.remission_days == 0


# --- tables ---------------------------------------------------------------------------


def many_rows(count: int) -> list[list[str]]:
    return [good_row(registration_number=f"BI {n}/25", nik="") for n in range(1, count + 1)]


def test_one_bad_row_among_many_is_reported_alone_with_its_line_and_column(tmp_path: Path) -> None:
    rows = many_rows(60)
    rows[29][HEADERS.index("Tanggal Penahanan")] = "31-02-2024"  # data row 30 is line 31
    path = write_csv(tmp_path / "many.csv", [HEADERS, *rows], delimiter=";")

    with read_table(path, "many.csv") as table:
        result = parse_table(table, recognise_headers(table.headers), TODAY)

    assert result.rows_read == 60
    assert len(result.rows) == 59
    assert result.errors == [
        RowError(
            line_number=31,
            column="Tanggal Penahanan",
            field="detention_start",
            value="31-02-2024",
            message="'31-02-2024' is not a date (use 31-12-2024 or 2024-12-31)",
            name="Siti Aminah",  # the row's person, named
            registration_number="BI 30/25",
        )
    ]
    assert result.error_lines == [31]
    assert 31 not in {row.line_number for row in result.rows}


def test_a_registration_number_repeated_in_a_file_reports_the_later_line(tmp_path: Path) -> None:
    rows = [
        good_row(registration_number="BI 283/26", nik=""),
        good_row(registration_number="BI 284/26", nik=""),
        good_row(registration_number="B I 283 / 26", name="Ani", nik=""),
    ]
    path = write_csv(tmp_path / "dup.csv", [HEADERS, *rows])

    with read_table(path, "dup.csv") as table:
        result = parse_table(table, recognise_headers(table.headers), TODAY)

    assert [row.line_number for row in result.rows] == [2, 3]
    assert [(e.line_number, e.field, e.value) for e in result.errors] == [
        (4, "registration_number", "B I 283 / 26")
    ]
    assert result.errors[0].message == "the registration number already appears on line 2"


def test_a_duplicate_of_an_invalid_row_is_still_reported() -> None:
    rows = [
        (2, good_row(term_text="?")),
        (3, good_row(registration_number="bi.283/26", term_text="?")),
    ]
    result = parse_table(rows, STANDARD_MAPPING, TODAY)
    assert [(e.line_number, e.field) for e in result.errors] == [
        (2, "term_text"),
        (3, "registration_number"),
        (3, "term_text"),
    ]


def test_a_table_of_a_hundred_thousand_rows_streams_through(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for n in range(100_000):
            writer.writerow(good_row(registration_number=f"BI {n}/25", nik=""))
    with read_table(path, "big.csv") as table:
        assert isinstance(table, Table)
        result = parse_table(table, STANDARD_MAPPING, TODAY)
    assert result.errors == []
    assert len(result.rows) == 100_000
    assert result.rows[-1].line_number == 100_001


# --- error reports --------------------------------------------------------------------


def test_errors_are_written_as_csv_naming_the_person_with_no_formula() -> None:
    errors = [
        RowError(31, "Tanggal Penahanan", "detention_start", "31-02-2024", "not a date, sorry"),
        RowError(40, "Nama", "name", '=HYPERLINK("x")', "a value is required", "", "BI 1/26"),
        RowError(41, "Total Remisi (hari)", "remission_days", "-5", "negative", "Ani", "BI 2/26"),
        RowError(42, "NIK", "nik", "5203", "disagrees", "Ana", "BI 3/26", warning=True),
    ]
    with translation.override("en"):
        rows = list(csv.reader(io.StringIO(errors_to_csv(errors))))
    assert rows == [
        ["Line", "Name", "Registration number", "Column", "Value", "Reason", "Warning"],
        ["31", "", "", "Tanggal Penahanan", "31-02-2024", "not a date, sorry", ""],
        ["40", "", "BI 1/26", "Nama", '\'=HYPERLINK("x")', "a value is required", ""],
        ["41", "Ani", "BI 2/26", "Total Remisi (hari)", "'-5", "negative", ""],
        ["42", "Ana", "BI 3/26", "NIK", "5203", "disagrees", "yes"],
    ]


def test_an_error_survives_a_round_trip_through_a_json_dict() -> None:
    error = RowError(3, "NIK", "nik", "123", "NIK must be exactly 16 digits, not '123'")
    data = error_to_dict(error)
    assert data == {
        "line": 3,
        "column": "NIK",
        "field": "nik",
        "value": "123",
        "reason": "NIK must be exactly 16 digits, not '123'",
        "name": "",
        "registration_number": "",
    }
    assert error_from_dict(data) == error
    warning = RowError(4, "NIK", "nik", "1", "x", "Ani", "BI 2/26", warning=True)
    assert error_from_dict(error_to_dict(warning)) == warning
