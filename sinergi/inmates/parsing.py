"""Reading the inmate spreadsheets that facilities export from SDP.

SDP (Sistem Database Pemasyarakatan) is the registry of record; facilities export
their inmates to CSV or XLSX and Sinergi imports them. This module holds the pure
part of that import: reading the file, recognising the columns and turning every
row into checked values, or into a list of everything that is wrong with it. It
knows nothing about the database; the importer decides what to store.

The steps, each usable on its own:

1. :func:`read_table` reads a CSV or XLSX file into a :class:`Table` (headers and a
   stream of numbered rows; line numbers are those the spreadsheet shows).
2. :func:`recognise_headers` maps the standard SDP headers (:data:`FIELDS`) to column
   indexes; other headers go through a column-mapping step that produces the same
   ``{field key: column index}`` mapping. :func:`missing_required` lists what is
   still missing.
3. :func:`parse_table` (or :func:`parse_row` for one row) checks every row and
   returns a :class:`ParseResult`: the good rows as :class:`ParsedRow` and every
   problem as a :class:`RowError`, which :func:`errors_to_csv` writes out.

Messages are English, marked for translation, and translated in the language that
is active when the functions run (parse inside the user's request or in
``translation.override``). They are plain ``str`` so that results can be stored or
serialised.
"""

from __future__ import annotations

import calendar
import csv
import functools
import io
import itertools
import math
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import IO, Any, Literal, NamedTuple, TypeAlias, TypedDict

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sinergi.core import exports
from sinergi.inmates import header_synonyms
from sinergi.inmates.choices import CrimeCategory, Religion, Sex, TermKind

__all__ = [
    "CRIME_CATEGORIES",
    "FIELDS",
    "LEGACY_ENCODINGS",
    "RELIGIONS",
    "REQUIRED_FIELDS",
    "CellValue",
    "EncodingError",
    "FieldSpec",
    "ImportFileError",
    "ParseResult",
    "ParsedRow",
    "ParsedTerm",
    "RowError",
    "Table",
    "cell_text",
    "duplicate_message",
    "error_from_dict",
    "error_to_dict",
    "errors_to_csv",
    "header_for",
    "map_crime_category",
    "map_religion",
    "missing_required",
    "nik_sex_conflict",
    "normalise_header",
    "normalise_registration_number",
    "parse_age",
    "parse_child",
    "parse_date",
    "parse_remission_days",
    "parse_row",
    "parse_sex",
    "parse_substitute_days",
    "parse_table",
    "parse_term",
    "read_table",
    "recognise_headers",
    "register_class_from_registration",
    "validate_nik",
]

#: What a cell can hold: text from a CSV, or what openpyxl gives for an XLSX cell
#: (``datetime`` is a ``date``, ``bool`` an ``int``). Empty cells are read as ``""``.
CellValue: TypeAlias = str | int | float | date | time | timedelta


# A file repeats its values (dates, terms, religions, crimes; a registration number is
# read several times per row): the pure readers below remember their last results. Only
# results are kept (a ValueError is raised again each time, in the current language);
# ``typed``: 1, 1.0 and True stay apart.
_repeated = functools.lru_cache(maxsize=16384, typed=True)


def _msg(template: str | Promise, **params: object) -> str:
    """Translate ``template`` now and fill in its ``%(name)s`` fields."""
    text = str(template)
    return text % params if params else text


# --------------------------------------------------------------------------------------
# Text helpers


def _text(value: object) -> str:
    """A cell as text, as a person would read it ("" for empty)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.strftime("%d-%m-%Y")
        return value.strftime("%d-%m-%Y %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return str(value).strip()


def cell_text(value: object) -> str:
    """A cell as text, as a person reads it in the spreadsheet ("" for empty)."""
    return _text(value)


@_repeated
def _collapse(value: object) -> str:
    return " ".join(_text(value).split())


def _show_date(day: date) -> str:
    return day.strftime("%d-%m-%Y")


# --------------------------------------------------------------------------------------
# Reading files


class ImportFileError(Exception):
    """The file cannot be read as an inmate table (type, encoding, corruption, empty)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


Row: TypeAlias = tuple[int, list[CellValue]]


@dataclass
class Table:
    """A sheet read from a file: its header row and a stream of numbered data rows.

    ``rows`` yields ``(line_number, values)`` where ``line_number`` is the line the
    spreadsheet shows (the header is normally line 1, so the first data row is line
    2) and ``values`` holds one value per column, ``""`` for an empty cell. Fully
    empty rows are skipped. The rows can be read once; reading them keeps only the
    current row in memory. Call :meth:`close` (or use the table as a context manager)
    when you stop before the end, so that the file is released.
    """

    headers: list[str]
    rows: Iterator[Row]
    _close: Callable[[], None] | None = field(default=None, repr=False, compare=False)

    def close(self) -> None:
        close_rows = getattr(self.rows, "close", None)
        if close_rows is not None:
            close_rows()
        if self._close is not None:
            self._close()
            self._close = None

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


_EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})
_CSV_SUFFIXES = frozenset({".csv"})
_CSV_DELIMITERS = (",", ";", "\t")


def read_table(
    path_or_file: str | os.PathLike[str] | IO[bytes], filename: str, *, encoding: str = ""
) -> Table:
    """Read the first sheet of an XLSX file, or a CSV file, into a :class:`Table`.

    ``path_or_file`` is a path or a binary file object (an uploaded file);
    ``filename`` is the name the user gave the file, whose extension decides how it
    is read (``.csv``, ``.xlsx`` or ``.xlsm``).

    CSV files may use a comma, a semicolon or a tab (found from the header line; an
    Excel ``sep=;`` first line is honoured). Their encoding is checked over the whole
    file before a row is read: UTF-8 with or without a BOM, or UTF-16 with a BOM. A
    file that is not valid UTF-8 is refused (:class:`EncodingError`, naming the line
    and byte offset of the first byte that does not fit) unless ``encoding`` is
    ``"cp1252"``, which the user chooses for an old Windows ("ANSI") export; a file
    that holds UTF-8 text as well is refused even then, as one encoding would garble
    part of it. Rows are read one at a time from the file (never the whole file in
    memory). XLSX cells keep their types (dates come as ``datetime``, numbers as
    ``int`` or ``float``); formulas give their last computed value.

    Raises :class:`ImportFileError` for an unsupported type or a file that cannot
    be read or has no header row.
    """
    suffix = os.path.splitext(filename or "")[1].lower()
    if suffix in _CSV_SUFFIXES:
        return _read_csv(path_or_file, encoding)
    if suffix in _EXCEL_SUFFIXES:
        return _read_xlsx(path_or_file)
    if suffix == ".xls":
        raise ImportFileError(
            _msg(_("Old Excel files (.xls) cannot be read: save the file as .xlsx or CSV"))
        )
    raise ImportFileError(
        _msg(
            _("Files of type '%(type)s' cannot be read: use a CSV or XLSX file"),
            type=suffix or filename,
        )
    )


def _read_bytes(path_or_file: str | os.PathLike[str] | IO[bytes]) -> bytes:
    try:
        if isinstance(path_or_file, str | os.PathLike):
            with open(path_or_file, "rb") as handle:
                return handle.read()
        if _seekable(path_or_file):
            path_or_file.seek(0)
        data: Any = path_or_file.read()
    except OSError as error:
        raise _unreadable(error) from error
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def _unreadable(error: OSError) -> ImportFileError:
    # The reason only: the message is shown to users and must not reveal server paths.
    reason = error.strerror or type(error).__name__
    return ImportFileError(_msg(_("The file could not be read (%(error)s)"), error=reason))


def _seekable(handle: IO[bytes]) -> bool:
    try:
        return bool(handle.seekable())
    except (AttributeError, OSError, ValueError):
        return False


#: The encodings a user may choose for a file that is not UTF-8 ("" = UTF-8 or UTF-16).
LEGACY_ENCODINGS = ("cp1252",)
_SCAN_CHUNK = 1 << 18
# A multi-byte UTF-8 sequence: in a file that is otherwise Windows-1252 it means UTF-8
# text was pasted in (decoding it as Windows-1252 would give "Ã©" for "é").
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


class EncodingError(ImportFileError):
    """The file is not in an encoding that can be read without guessing."""


def _bad_byte(byte: int, line: int, offset: int) -> EncodingError:
    return EncodingError(
        _msg(
            _(
                "The file is not valid UTF-8 text: byte 0x%(byte)02X on line %(line)s "
                "(byte offset %(offset)s) cannot be read, and names would be stored "
                'garbled. Save the file as "CSV UTF-8" and upload it again. If the whole '
                "file was saved in the old Windows encoding (ANSI, Windows-1252), choose "
                "that encoding for the upload."
            ),
            byte=byte,
            line=line,
            offset=offset,
        )
    )


def _mixed(line: int, offset: int) -> EncodingError:
    return EncodingError(
        _msg(
            _(
                "The file mixes UTF-8 text with text in another encoding (UTF-8 on line "
                "%(line)s, byte offset %(offset)s): read in one encoding, part of it would "
                'be garbled. Correct the file and save it as "CSV UTF-8".'
            ),
            line=line,
            offset=offset,
        )
    )


def _scan(handle: IO[bytes], start: int, encoding: str) -> None:
    """Decode the whole file from ``start`` in chunks; raise where it fails."""
    import codecs

    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset, line = start, 1
    handle.seek(start)
    while True:
        chunk = handle.read(_SCAN_CHUNK)
        final = not chunk
        try:
            decoder.decode(chunk, final)
        except UnicodeDecodeError as error:
            # The error's position is within what the decoder held plus this chunk.
            held = len(error.object) - len(chunk)
            position = error.start - held
            at = offset + position
            if encoding.startswith("utf-16"):
                raise EncodingError(
                    _msg(_("The UTF-16 file is damaged near byte offset %(offset)s"), offset=at)
                ) from error
            before = chunk[: max(position, 0)]
            raise _bad_byte(error.object[error.start], line + before.count(b"\n"), at) from None
        if final:
            return
        if b"\x00" in chunk and not encoding.startswith("utf-16"):
            raise ImportFileError(_msg(_("The file is not a CSV text file")))
        line += chunk.count(b"\n")
        offset += len(chunk)


def _check_legacy(handle: IO[bytes]) -> None:
    """A Windows-1252 file must hold no UTF-8 sequence (see :data:`_UTF8_SEQUENCE`)."""
    offset, line, tail = 0, 1, b""
    handle.seek(0)
    while chunk := handle.read(_SCAN_CHUNK):
        if b"\x00" in chunk:
            raise ImportFileError(_msg(_("The file is not a CSV text file")))
        data = tail + chunk
        match = _UTF8_SEQUENCE.search(data)
        if match:
            at = offset - len(tail) + match.start()
            raise _mixed(line + data[: match.start()].count(b"\n") - tail.count(b"\n"), at)
        line += chunk.count(b"\n")
        offset += len(chunk)
        tail = chunk[-3:]


def _detect_encoding(handle: IO[bytes], confirmed: str) -> tuple[str, int]:
    """The encoding to read the file with, and the length of its BOM.

    UTF-16 and UTF-8 are recognised by their BOM; a file without one must be valid
    UTF-8, or be in the legacy encoding the user ``confirmed``. Never a guess.
    """
    handle.seek(0)
    head = handle.read(4)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        _scan(handle, 0, "utf-16")
        return "utf-16", 0
    bom = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    try:
        _scan(handle, bom, "utf-8")
    except EncodingError:
        if bom or confirmed not in LEGACY_ENCODINGS:
            raise
        _check_legacy(handle)
        return confirmed, 0
    return "utf-8", bom


def _sniff_delimiter(header_line: str) -> str:
    """The delimiter (comma, semicolon or tab) that splits the header into most columns."""
    best, best_count = ",", 1
    for delimiter in _CSV_DELIMITERS:
        count = len(next(csv.reader([header_line], delimiter=delimiter), []))
        if count > best_count:
            best, best_count = delimiter, count
    return best


_SEP_LINE = re.compile(r"\s*sep=(.)\s*", re.IGNORECASE)


def _binary(path_or_file: str | os.PathLike[str] | IO[bytes]) -> tuple[IO[bytes], bool]:
    """A seekable binary handle on the file, and whether the caller must close it."""
    import tempfile

    try:
        if isinstance(path_or_file, str | os.PathLike):
            return open(path_or_file, "rb"), True
        if _seekable(path_or_file):
            path_or_file.seek(0)
            return path_or_file, False
        # A stream that cannot seek: copied (in memory up to 1 MB, else on disk).
        copy = tempfile.SpooledTemporaryFile(max_size=1 << 20)  # noqa: SIM115
        while chunk := path_or_file.read(1 << 20):
            copy.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
        copy.seek(0)
        return copy, True
    except OSError as error:
        raise _unreadable(error) from error


def _read_csv(path_or_file: str | os.PathLike[str] | IO[bytes], confirmed: str = "") -> Table:
    handle, owned = _binary(path_or_file)
    try:
        encoding, bom = _detect_encoding(handle, confirmed)
        handle.seek(bom)
    except (ImportFileError, OSError) as error:
        if owned:
            handle.close()
        if isinstance(error, OSError):
            raise _unreadable(error) from error
        raise
    text = io.TextIOWrapper(handle, encoding=encoding, newline="")
    closed = False

    def close() -> None:
        nonlocal closed
        if closed:
            return
        closed = True
        if owned:
            text.close()
        else:
            text.detach()  # closing the wrapper would close the caller's file

    consumed: list[str] = []  # the lines read to find the header, fed to the reader again
    header_line, delimiter = "", None
    while line := text.readline():
        if not line.strip():
            consumed.append(line)
            continue
        sep = _SEP_LINE.fullmatch(line)
        if sep and delimiter is None:
            # Excel's "sep=;" line: not shown by Excel, so not counted as a line.
            delimiter = sep.group(1)
            consumed.clear()
            continue
        header_line = line
        consumed.append(line)
        break
    if delimiter is None:
        delimiter = _sniff_delimiter(header_line)

    def records() -> Iterator[tuple[int, list[CellValue]]]:
        reader = csv.reader(itertools.chain(consumed, text), delimiter=delimiter)
        try:
            for number, record in enumerate(reader, start=1):
                yield number, list(record)
        except csv.Error as error:
            raise ImportFileError(
                _msg(
                    _("The CSV file is damaged near line %(line)s (%(error)s)"),
                    line=reader.line_num,
                    error=error,
                )
            ) from error
        finally:
            close()

    try:
        return _table_from(records(), close)
    except ImportFileError:
        close()
        raise


def _read_xlsx(path_or_file: str | os.PathLike[str] | IO[bytes]) -> Table:
    import openpyxl  # only needed for XLSX files

    # A file object, also for paths: openpyxl would judge a path by its extension.
    opened: IO[bytes] | None = None
    source: IO[bytes]
    if isinstance(path_or_file, str | os.PathLike):
        try:
            source = opened = open(path_or_file, "rb")  # noqa: SIM115 - closed with the table
        except OSError as error:
            raise _unreadable(error) from error
    elif _seekable(path_or_file):
        source = path_or_file
        source.seek(0)
    else:
        source = io.BytesIO(_read_bytes(path_or_file))

    def close() -> None:
        workbook.close()
        if opened is not None:
            opened.close()

    try:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except Exception as error:
        if opened is not None:
            opened.close()
        raise ImportFileError(
            _msg(_("The file could not be read as an Excel workbook (%(error)s)"), error=error)
        ) from error
    if not workbook.worksheets:
        close()
        raise ImportFileError(_msg(_("The workbook has no sheet")))
    sheet = workbook.worksheets[0]
    # The size written in the file may be wrong; read every row that is there.
    reset = getattr(sheet, "reset_dimensions", None)
    if reset is not None:
        reset()

    def records() -> Iterator[tuple[int, list[CellValue]]]:
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, ["" if value is None else value for value in values]
        except Exception as error:
            raise ImportFileError(
                _msg(_("The Excel file is damaged (%(error)s)"), error=error)
            ) from error
        finally:
            close()

    try:
        return _table_from(records(), close)
    except ImportFileError:
        close()
        raise


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _table_from(records: Iterator[Row], close: Callable[[], None] | None) -> Table:
    headers: list[str] | None = None
    for _number, values in records:
        if not all(_is_blank(value) for value in values):
            headers = [_text(value) for value in values]
            break
    if headers is None:
        raise ImportFileError(_msg(_("The file is empty: it has no header row")))

    def data_rows() -> Iterator[Row]:
        for number, values in records:
            if not all(_is_blank(value) for value in values):
                yield number, values

    return Table(headers=headers, rows=data_rows(), _close=close)


# --------------------------------------------------------------------------------------
# Headers


class FieldSpec(NamedTuple):
    """A field of the inmate table: its key, the SDP header, and whether it is required."""

    key: str
    header: str
    required: bool


FIELDS: list[FieldSpec] = [
    FieldSpec("registration_number", "No. Registrasi", True),
    FieldSpec("name", "Nama", True),
    FieldSpec("nik", "NIK", False),
    FieldSpec("birth_date", "Tanggal Lahir", False),
    FieldSpec("sex", "Jenis Kelamin", False),
    FieldSpec("religion", "Agama", False),
    FieldSpec("home_regency", "Kabupaten Asal", False),
    FieldSpec("crime_text", "Jenis Kejahatan", False),
    FieldSpec("legal_articles", "Pasal", False),
    FieldSpec("term_text", "Lama Pidana", True),
    FieldSpec("detention_start", "Tanggal Penahanan", True),
    FieldSpec("remission_days", "Total Remisi (hari)", False),
    # The facts of the sentence that the rules depend on, where SDP exports them. A
    # column that is not in the file leaves the value recorded in Sinergi as it is.
    FieldSpec("verdict_date", "Tanggal Putusan", False),
    FieldSpec("fine_substitute_days", "Pengganti Denda (hari)", False),
    FieldSpec("restitution_substitute_days", "Subsider UP", False),
    FieldSpec("sentenced_as_child", "Status Anak", False),
    FieldSpec("age_at_offence", "Umur Saat Tindak Pidana", False),
    FieldSpec("commuted_on", "Tgl Perubahan Pidana", False),
    # The person's guardian officer, by full name or username of a wali of the facility
    # (the importer finds the user; a column that is not in the file leaves the wali).
    FieldSpec("wali", "Wali", False),
]

#: The keys whose column, when the file has none, leaves the stored value unchanged.
SENTENCE_FACT_FIELDS: tuple[str, ...] = (
    "verdict_date",
    "fine_substitute_days",
    "restitution_substitute_days",
    "sentenced_as_child",
    "age_at_offence",
    "commuted_on",
)

REQUIRED_FIELDS: tuple[str, ...] = tuple(spec.key for spec in FIELDS if spec.required)
_HEADER_OF: dict[str, str] = {spec.key: spec.header for spec in FIELDS}
_FIELD_KEYS: tuple[str, ...] = tuple(spec.key for spec in FIELDS)


def normalise_header(text: object) -> str:
    """A header for comparison (:func:`header_synonyms.header_key`): letters and digits
    only, case folded, so that case, spacing and punctuation do not matter."""
    return header_synonyms.header_key(_text(text))


def recognise_headers(headers: Sequence[object]) -> dict[str, int]:
    """Map the headers found in ``headers`` to their column index.

    Every spelling of :data:`header_synonyms.SYNONYMS` is recognised ("No Reg", "Nama
    Lengkap", "Tgl Ditahan", "Lama Hukuman" …), whatever its case, spacing and
    punctuation. Returns ``{field key: column index}``; a field whose header appears
    twice is taken from its first column. Headers that are not recognised are left for
    the mapping step.
    """
    return header_synonyms.recognise([_text(h) for h in headers], fields=_FIELD_KEYS)


def header_for(key: str) -> str:
    """The standard SDP header of a field key ("registration_number" → "No. Registrasi")."""
    return _HEADER_OF.get(key, key)


def missing_required(mapping: Mapping[str, int]) -> list[str]:
    """The keys of the required fields that ``mapping`` has no column for (in order)."""
    return [key for key in REQUIRED_FIELDS if key not in mapping]


# --------------------------------------------------------------------------------------
# Registration numbers

# Register letters (any dots and spaces among them), number, "/", year.
_REGISTRATION = re.compile(
    r"[.\s]*([A-Z](?:[A-Z.\s]*[A-Z])?)[.\s]*([0-9]+)[.\s]*/[.\s]*([0-9]+)[.\s]*"
)
_REGISTER_PREFIX = re.compile(r"([A-Z][A-Z.\s]*?)[.\s]*[0-9]")
_DOTS_AND_SPACES = re.compile(r"[.\s]")
_REGISTER_CLASSES = {"BI": "B.I", "BIIA": "B.IIa", "BIIB": "B.IIb", "BIII": "B.III"}


@_repeated
def normalise_registration_number(text: object) -> str:
    """The canonical spelling of a registration number, so that spellings compare equal.

    "B I 283 / 26", "BI.283/26", "bi 283/26" and "BI 283/26" all become
    ``"BI 283/26"``: the register letters and roman class in capitals without spaces
    or dots ("B.IIa" → "BIIA"), one space, the number, "/", the year. The digits are
    kept as written. Text of another shape is trimmed, its spaces collapsed and
    capitalised. The result is empty only for blank input.
    """
    collapsed = " ".join(_text(text).upper().split())
    match = _REGISTRATION.fullmatch(collapsed)
    if match is None:
        return collapsed
    prefix = _DOTS_AND_SPACES.sub("", match.group(1))
    return f"{prefix} {match.group(2)}/{match.group(3)}"


@_repeated
def register_class_from_registration(text: object) -> str | None:
    """The sentenced-inmate register ("B.I", "B.IIa", "B.IIb", "B.III") of a number.

    ``None`` when the prefix is another register (A.I-A.V detainees, …) or unclear.
    """
    return _register_class(normalise_registration_number(text))


def _register_class(registration: str) -> str | None:
    """:func:`register_class_from_registration` of a number already normalised."""
    match = _REGISTER_PREFIX.match(registration)
    if match is None:
        return None
    return _REGISTER_CLASSES.get(_DOTS_AND_SPACES.sub("", match.group(1)))


# --------------------------------------------------------------------------------------
# Dates

_MONTH_SPELLINGS = (
    "januari jan january",
    "februari feb pebruari peb february",
    "maret mar march",
    "april apr",
    "mei may",
    "juni jun june",
    "juli jul july",
    "agustus agu agt ags agust aug august",
    "september sep sept",
    "oktober okt oct october",
    "november nov nop nopember",
    "desember des dec december",
)
_MONTHS: dict[str, int] = {
    spelling: number
    for number, spellings in enumerate(_MONTH_SPELLINGS, start=1)
    for spelling in spellings.split()
}
_TIME_SUFFIX = r"(?:[ T][0-9]{1,2}[:.][0-9]{2}(?:[:.][0-9]{2}(?:\.[0-9]+)?)?)?"
_DAY_FIRST = re.compile(r"([0-9]{1,2})([-/.])([0-9]{1,2})\2([0-9]+)" + _TIME_SUFFIX)
_YEAR_FIRST = re.compile(r"([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})" + _TIME_SUFFIX)
_MONTH_NAME = re.compile(
    r"([0-9]{1,2})[\s\-/.]*([A-Za-z]+)\.?[\s\-/.]*([0-9]+)" + _TIME_SUFFIX, re.IGNORECASE
)
_MIN_YEAR, _MAX_YEAR = 1900, 2100
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_MAX_SERIAL = 2958465  # 31-12-9999


def _not_a_date(text: str) -> ValueError:
    return ValueError(
        _msg(_("'%(value)s' is not a date (use 31-12-2024 or 2024-12-31)"), value=text)
    )


def _excel_serial(value: float) -> date:
    if not math.isfinite(value) or not 1 <= value <= _EXCEL_MAX_SERIAL or int(value) == 60:
        raise _not_a_date(_text(value))
    serial = int(value)
    # Excel's 1900 system counts a 29 February 1900 that did not exist (serial 60).
    epoch = _EXCEL_EPOCH if serial > 60 else _EXCEL_EPOCH + timedelta(days=1)
    return epoch + timedelta(days=serial)


def _make_date(text: str, year_text: str, month: int, day: int) -> date:
    if len(year_text) == 2:
        raise ValueError(
            _msg(
                _("'%(value)s' has a two-digit year: write the year in full (e.g. 31-12-2024)"),
                value=text,
            )
        )
    if len(year_text) != 4:
        raise _not_a_date(text)
    year = int(year_text)
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise ValueError(
            _msg(_("'%(value)s' has an implausible year %(year)s"), value=text, year=year)
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise _not_a_date(text) from None


@_repeated
def parse_date(value: object) -> date:
    """Read a date written the way Indonesian offices write it, or an Excel date.

    Accepts ``date``/``datetime`` cells, Excel serial numbers (``int``/``float``, 1900
    date system) and the texts 31-12-2024, 31/12/2024, 31.12.2024, 2024-12-31,
    "31 Desember 2024", "31 Des 2024", "31-Dec-2024", "31 December 2024" (Indonesian
    and English month names and their usual abbreviations), optionally followed by
    a time of day, which is ignored. Raises ``ValueError`` with a message naming the
    value otherwise; two-digit years are refused.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise _not_a_date(_text(value))
    if isinstance(value, int | float):
        return _excel_serial(value)
    if not isinstance(value, str):
        raise _not_a_date(_text(value))
    text = " ".join(value.split())
    if not text:
        raise ValueError(_msg(_("a date is required")))
    match = _DAY_FIRST.fullmatch(text)
    if match:
        return _make_date(text, match.group(4), int(match.group(3)), int(match.group(1)))
    match = _YEAR_FIRST.fullmatch(text)
    if match:
        return _make_date(text, match.group(1), int(match.group(3)), int(match.group(4)))
    match = _MONTH_NAME.fullmatch(text)
    if match:
        month = _MONTHS.get(match.group(2).casefold())
        if month is None:
            raise _not_a_date(text)
        return _make_date(text, match.group(3), month, int(match.group(1)))
    raise _not_a_date(text)


# --------------------------------------------------------------------------------------
# Sentence length (Lama Pidana)

TermKindName: TypeAlias = Literal["fixed", "life", "death"]


@dataclass(frozen=True)
class ParsedTerm:
    """A sentence read from text: a fixed term, life imprisonment or the death penalty.

    Life and death terms have no years, months or days. The kind names are the
    values of :class:`sinergi.sentences.TermKind`.
    """

    kind: TermKindName
    years: int = 0
    months: int = 0
    days: int = 0

    @property
    def is_fixed(self) -> bool:
        return self.kind == TermKind.FIXED


_LIFE = re.compile(
    r"(?:(?:pidana|hukuman)\s+)?(?:penjara\s+)?seumur\s+hidup|life(?:\s+(?:imprisonment|sentence))?"
)
_DEATH = re.compile(r"(?:(?:pidana|hukuman)\s+)?mati|death(?:\s+(?:penalty|sentence))?")
_TERM_UNIT_SPELLINGS = (
    ("years", "tahun thn th t tah year years yr yrs y"),
    ("months", "bulan bln bl b bul month months mo mth mths"),
    ("days", "hari hr h day days d"),
)
_TERM_UNITS: dict[str, str] = {
    spelling: unit for unit, spellings in _TERM_UNIT_SPELLINGS for spelling in spellings.split()
}
_TERM_FILLER = re.compile(r"\b(?:pidana|penjara|kurungan|selama|dan|and)\b|[,;+&]")
_TERM_PART = re.compile(r"([0-9]+)\s*([a-z]+)\.?")
_TERM_PARTS = re.compile(r"(?:\s*[0-9]+\s*[a-z]+\.?\s*)+")
_TERM_LIMITS = {"years": 100, "months": 1200, "days": 36500}


def _not_a_term(text: str) -> ValueError:
    return ValueError(
        _msg(
            _(
                "'%(value)s' is not a sentence length (write e.g. 3 tahun 6 bulan 15 hari, "
                "seumur hidup or pidana mati)"
            ),
            value=text,
        )
    )


@_repeated
def parse_term(text: object) -> ParsedTerm:
    """Read a sentence length (Lama Pidana).

    Fixed terms are numbers with units in any of the usual spellings: "3 tahun 6
    bulan", "3 th 6 bl 15 hr", "3 thn 6 bln", "3T 6B 15H", "0 tahun 6 bulan", "3
    (tiga) tahun"; "seumur hidup" is life imprisonment and "pidana mati" or "mati"
    the death penalty. Raises ``ValueError`` naming the text when it cannot be read
    or the term is zero.
    """
    shown = _collapse(text)
    if not isinstance(text, str) or not shown:
        if not shown:
            raise ValueError(_msg(_("a sentence length is required")))
        raise _not_a_term(shown)
    lowered = " ".join(re.sub(r"[^\w\s,;+&()]", " ", shown.casefold()).split())
    if _LIFE.fullmatch(lowered):
        return ParsedTerm("life")
    if _DEATH.fullmatch(lowered):
        return ParsedTerm("death")
    # Court style "3 (tiga) tahun": drop the number in words.
    cleaned = re.sub(r"\([^()]*\)", " ", shown.casefold())
    cleaned = _TERM_FILLER.sub(" ", cleaned)
    if not _TERM_PARTS.fullmatch(cleaned):
        raise _not_a_term(shown)
    parts: dict[str, int] = {}
    for number, unit_text in _TERM_PART.findall(cleaned):
        unit = _TERM_UNITS.get(unit_text)
        if unit is None or unit in parts:
            raise _not_a_term(shown)
        parts[unit] = int(number)
    if not any(parts.values()):
        raise ValueError(_msg(_("'%(value)s' is a sentence of zero length"), value=shown))
    if any(parts[unit] > limit for unit, limit in _TERM_LIMITS.items() if unit in parts):
        raise ValueError(_msg(_("'%(value)s' is implausibly long"), value=shown))
    return ParsedTerm("fixed", parts.get("years", 0), parts.get("months", 0), parts.get("days", 0))


# --------------------------------------------------------------------------------------
# Crime categories, sex, religion

#: The crime categories, as the values of :class:`sinergi.sentences.CrimeCategory`.
CRIME_CATEGORIES: tuple[str, ...] = tuple(CrimeCategory.values)

# Checked in this order: the first category whose pattern occurs wins.
_CRIME_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (category, re.compile(pattern))
    for category, pattern in (
        (CrimeCategory.TERRORISM, r"\bterr?or"),
        (
            CrimeCategory.HUMAN_RIGHTS,
            r"\bham\b|hak asasi manusia|human rights|\bgenosida|\bgenocide"
            r"|kejahatan terhadap kemanusiaan|crimes? against humanity",
        ),
        (CrimeCategory.STATE_SECURITY, r"\bmakar\b|keamanan negara|state security|\btreason\b"),
        (CrimeCategory.CORRUPTION, r"\bkorupsi|\btipikor\b|\bcorrupt|\bgratifikasi\b"),
        (
            CrimeCategory.NARCOTICS,
            r"\bnarkoti|\bnarkoba\b|\bpsikotropi|\bnapza\b|\bnarcotic|\bprekursor\b",
        ),
        (
            CrimeCategory.TRANSNATIONAL,
            r"perdagangan orang|\btppo\b|trafficking|transnasional|transnational"
            r"|lintas negara|penyelundupan (?:orang|manusia)|people smuggling",
        ),
    )
)


def _words(text: object) -> str:
    """Lower-case words separated by single spaces (punctuation removed)."""
    return " ".join(re.sub(r"[\W_]+", " ", _text(text).casefold()).split())


@_repeated
def map_crime_category(text: object) -> str:
    """The crime category of a ``Jenis Kejahatan`` text (see :data:`CRIME_CATEGORIES`).

    Narkotika/Narkoba/Psikotropika → narcotics, Korupsi/Tipikor → corruption,
    Terorisme → terrorism, Makar/Keamanan Negara → state_security, HAM Berat/
    Pelanggaran HAM → human_rights, Perdagangan Orang/TPPO/Human Trafficking/
    transnational or cross-border crimes → transnational; anything else, and empty
    text, is general. When a text names several, the first in that order after
    terrorism, human rights, state security and corruption wins.
    """
    words = _words(text)
    for category, pattern in _CRIME_PATTERNS:
        if pattern.search(words):
            return category
    return CrimeCategory.GENERAL


_MALE = frozenset({"l", "lk", "lakilaki", "laki", "pria", "m", "male", "man"})
_FEMALE = frozenset({"p", "pr", "perempuan", "wanita", "f", "female", "woman"})
_SEX_SHOWN: dict[str, str] = {Sex.MALE: "L", Sex.FEMALE: "P"}


@_repeated
def parse_sex(value: object) -> str:
    """``"M"`` for L/Laki-laki/Pria/M, ``"F"`` for P/Perempuan/Wanita/F, ``""`` if empty."""
    compact = re.sub(r"[\W_]+", "", _text(value).casefold())
    if not compact:
        return ""
    if compact in _MALE:
        return Sex.MALE
    if compact in _FEMALE:
        return Sex.FEMALE
    raise ValueError(_msg(_("'%(value)s' is not a sex (use L or P)"), value=_text(value)))


#: The religion keys :func:`map_religion` returns.
RELIGIONS: tuple[str, ...] = tuple(Religion.values)

# Checked in this order on the letters only ("Kristen Katolik" is catholic).
_RELIGION_MARKERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (Religion.CATHOLIC, ("katolik", "katholik", "catholic", "katolic")),
    (Religion.ISLAM, ("islam", "muslim", "moslem")),
    (Religion.PROTESTANT, ("kristen", "protestan", "christian")),
    (Religion.HINDU, ("hindu",)),
    (Religion.BUDDHIST, ("buddha", "budha", "buddhis", "budhis")),
    (Religion.CONFUCIAN, ("konghucu", "khonghucu", "konghuchu", "khonghuchu", "confuci")),
)


@_repeated
def map_religion(value: object) -> str:
    """The religion key of an ``Agama`` text (see :data:`RELIGIONS`); ``""`` if empty.

    Islam; Kristen/Protestan → protestant; Katolik/Katholik → catholic; Hindu;
    Buddha/Budha → buddhist; Konghucu/Khonghucu → confucian; any other text → other.
    """
    letters = re.sub(r"[^a-z]", "", _text(value).casefold())
    if not _text(value):
        return ""
    for key, markers in _RELIGION_MARKERS:
        if any(marker in letters for marker in markers):
            return key
    return Religion.OTHER


# --------------------------------------------------------------------------------------
# NIK and remission

_NIK_LENGTH = 16
_MAX_EXACT_FLOAT = 2**53
_SCIENTIFIC = re.compile(r"[0-9](?:[.,][0-9]+)?[eE]\+?[0-9]+")
_DECIMAL_ZERO = re.compile(r"([0-9]{16})[.,]0+")


def _numeric_nik(value: int | float, shown: str) -> str:
    """The digits of a NIK that a spreadsheet stored as a number.

    Excel keeps 15 significant digits, so a 16-digit number typed into a number cell
    has lost its last digit (it ends in 0); numbers beyond 2**53 are not exact in a
    float. Both are refused so the user re-exports with the column as text.
    """
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        raise _nik_length(shown)
    number = int(value)
    if len(str(abs(number))) == _NIK_LENGTH and (number >= _MAX_EXACT_FLOAT or number % 10 == 0):
        raise _nik_lost_precision(shown)
    return str(number)


def _nik_length(shown: str) -> ValueError:
    return ValueError(_msg(_("NIK must be exactly 16 digits, not '%(value)s'"), value=shown))


def _nik_lost_precision(shown: str) -> ValueError:
    return ValueError(
        _msg(
            _(
                "NIK '%(value)s' was stored as a number and may have lost digits: format "
                "the NIK column as text and export the file again"
            ),
            value=shown,
        )
    )


_NIK_SEPARATORS = re.compile(r"[\s.\-]")


def _nik_digits(value: object) -> str:
    if isinstance(value, bool):
        raise _nik_length(_text(value))
    if isinstance(value, int | float):
        return _numeric_nik(value, _text(value))
    shown = _text(value)
    text = shown.lstrip("'").replace(" ", "")
    if _SCIENTIFIC.fullmatch(text):
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise _nik_length(shown) from None
        digits = number.as_tuple().digits
        if number != number.to_integral_value() or len(digits) < _NIK_LENGTH:
            raise _nik_lost_precision(shown)
        return str(int(number))
    decimal_zero = _DECIMAL_ZERO.fullmatch(text)
    if decimal_zero:
        return decimal_zero.group(1)
    return _NIK_SEPARATORS.sub("", text)


def validate_nik(value: object, birth_date: date | None = None, sex: str = "") -> str:
    """Check a NIK (national identity number) and return its 16 digits ("" if empty).

    Spaces, dots and hyphens are ignored; a number cell or ``1234….0`` text is
    accepted when no digit can have been lost. Digits 7-12 are the birth date as
    DDMMYY, with 40 added to the day for women: the day must be 1-31 or 41-71 and
    possible in the month (1-12). When ``birth_date`` is given it must agree with
    that date, and when ``sex`` is given ("M" or "F") with the +40. Raises
    ``ValueError`` with a message otherwise.
    """
    shown = _text(value)
    if not shown:
        return ""
    digits = _nik_digits(value)
    if len(digits) != _NIK_LENGTH or not digits.isascii() or not digits.isdigit():
        raise _nik_length(shown)
    encoded_day, month, year = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    female = encoded_day > 40
    day = encoded_day - 40 if female else encoded_day
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(2000, month)[1]:
        raise ValueError(
            _msg(
                _(
                    "NIK %(nik)s does not hold a birth date (digits 7-12 are %(code)s; "
                    "expected DDMMYY, with 40 added to the day for women)"
                ),
                nik=digits,
                code=digits[6:12],
            )
        )
    encoded = f"{day:02d}-{month:02d}-{year:02d}"
    if birth_date is not None and (birth_date.day, birth_date.month, birth_date.year % 100) != (
        day,
        month,
        year,
    ):
        raise ValueError(
            _msg(
                _("NIK %(nik)s gives the birth date %(encoded)s, but the birth date is %(birth)s"),
                nik=digits,
                encoded=encoded,
                birth=_show_date(birth_date),
            )
        )
    conflict = nik_sex_conflict(digits, sex)
    if conflict:
        raise ValueError(conflict)
    return digits


def nik_sex_conflict(nik: str, sex: str) -> str:
    """Why a valid NIK's sex digits (40 added to the day of birth for women, digits 7-8)
    disagree with ``sex`` ("M" or "F"); ``""`` when they agree or one is unknown."""
    if len(nik) != _NIK_LENGTH or not nik.isdigit() or sex not in _SEX_SHOWN:
        return ""
    female = int(nik[6:8]) > 40
    if sex == Sex.MALE and female:
        return _msg(
            _("NIK %(nik)s is a woman's (40 is added to the day of birth), but the sex is %(sex)s"),
            nik=nik,
            sex=_SEX_SHOWN[sex],
        )
    if sex == Sex.FEMALE and not female:
        return _msg(
            _(
                "NIK %(nik)s is a man's (a woman's has 40 added to the day of birth), "
                "but the sex is %(sex)s"
            ),
            nik=nik,
            sex=_SEX_SHOWN[sex],
        )
    return ""


_DAYS_TEXT = re.compile(r"(-?\s*[0-9]+)(?:[.,]0+)?(?:\s*(?:hari|hr|h|days?))?")


@_repeated
def parse_remission_days(value: object) -> int:
    """The total remisi in days: a whole number of at least 0 (``0`` when empty).

    Accepts "45", 45, 45.0, "45.0" and "45 hari".
    """
    if isinstance(value, bool):
        raise _not_days(_text(value))
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not (math.isfinite(value) and value.is_integer()):
            raise _not_days(_text(value))
        number = int(value)
    else:
        shown = _collapse(value)
        if not shown:
            return 0
        match = re.fullmatch(
            r"(-?\s*[0-9]+)(?:[.,]0+)?(?:\s*(?:hari|hr|h|days?))?", shown.casefold()
        )
        if match is None:
            raise _not_days(shown)
        number = int(match.group(1).replace(" ", ""))
    if number < 0:
        raise ValueError(
            _msg(
                _("'%(value)s' is negative: the remission must be 0 or more days"),
                value=_text(value),
            )
        )
    return number


def _not_days(shown: str) -> ValueError:
    return ValueError(_msg(_("'%(value)s' is not a whole number of days"), value=shown))


def parse_substitute_days(value: object) -> int | None:
    """A substitute term (subsider) in days: ``None`` when empty, a whole number of days
    ("90", "90 hari"), or a length in months and days ("3 bulan", "1 bulan 15 hari";
    one month is 30 days, KUHP Pasal 97).
    """
    if _is_blank(value):
        return None
    try:
        return parse_remission_days(value)
    except ValueError:
        pass
    shown = _collapse(value)
    try:
        term = parse_term(shown)
    except ValueError:
        term = None
    if term is None or not term.is_fixed:
        raise ValueError(
            _msg(
                _(
                    "'%(value)s' is not a substitute term (write the days, e.g. 90, or a "
                    "length such as 3 bulan)"
                ),
                value=shown,
            )
        )
    return term.years * 360 + term.months * 30 + term.days


_CHILD_YES = frozenset({"ya", "y", "yes", "true", "1", "anak", "anak binaan", "andikpas"})
_CHILD_NO = frozenset({"tidak", "t", "no", "n", "false", "0", "dewasa", "bukan", "-"})


def parse_child(value: object) -> bool:
    """Whether the court sentenced the person as a child (Anak): "Ya", "Anak", 1 or
    TRUE; "Tidak", "Dewasa", 0, FALSE or empty are not. Anything else is refused."""
    if isinstance(value, bool):
        return value
    shown = _collapse(value)
    key = shown.casefold()
    if key == "" or key in _CHILD_NO:
        return False
    if key in _CHILD_YES:
        return True
    raise ValueError(
        _msg(
            _("'%(value)s' is not a child status (write Ya or Tidak)"),
            value=shown,
        )
    )


MAX_AGE = 120


def parse_age(value: object) -> int | None:
    """An age in whole years, 0 to 120 ("17", "17 tahun"); ``None`` when empty."""
    if _is_blank(value):
        return None
    shown = _collapse(value)
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        number = int(value)
    else:
        match = re.fullmatch(
            r"([0-9]+)(?:[.,]0+)?(?:\s*(?:tahun|thn|th|years?))?", shown.casefold()
        )
        if match is not None:
            number = int(match.group(1))
    if number is None or not 0 <= number <= MAX_AGE:
        raise ValueError(
            _msg(
                _("'%(value)s' is not an age (write the whole years, 0 to %(max)s)"),
                value=shown,
                max=MAX_AGE,
            )
        )
    return number


# --------------------------------------------------------------------------------------
# Rows


@dataclass(frozen=True)
class RowError:
    """One problem in one row.

    ``column`` is the header as it appears in the file (or the standard header when
    the column is missing), ``field`` the field key, ``value`` the cell as text.
    ``name`` and ``registration_number`` name the person of the row (as the file writes
    them, the number normalised) so that the one who corrects the file finds them.
    ``warning``: the row is imported all the same, flagged for correction.
    """

    line_number: int
    column: str
    field: str
    value: str
    message: str
    name: str = ""
    registration_number: str = ""
    warning: bool = False


@dataclass(frozen=True)
class ParsedRow:
    """A row whose every value is valid, in the form the importer stores."""

    line_number: int
    registration_number: str
    registration_raw: str
    register_class: str
    name: str
    nik: str
    birth_date: date | None
    sex: str
    religion: str
    home_regency: str
    crime_text: str
    crime_category: str
    legal_articles: str
    term: ParsedTerm
    detention_start: date
    remission_days: int
    verdict_date: date | None = None
    fine_substitute_days: int | None = None
    restitution_substitute_days: int | None = None
    sentenced_as_child: bool = False
    age_at_offence: int | None = None
    commuted_on: date | None = None
    wali: str = ""
    #: What is wrong but does not stop the row (:attr:`RowError.warning`).
    warnings: tuple[RowError, ...] = ()


@dataclass
class ParseResult:
    """The valid rows and every error of a table; ``rows_read`` counts the data rows."""

    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows_read: int = 0

    @property
    def error_lines(self) -> list[int]:
        """The line numbers that have at least one error, in order."""
        return sorted({error.line_number for error in self.errors})


def _column_name(key: str, mapping: Mapping[str, int], headers: Sequence[str] | None) -> str:
    index = mapping.get(key)
    if headers is not None and index is not None and 0 <= index < len(headers):
        header = _text(headers[index])
        if header:
            return header
    return header_for(key)


def _cell(values: Sequence[object], mapping: Mapping[str, int], key: str) -> object:
    index = mapping.get(key)
    if index is None or not 0 <= index < len(values):
        return ""
    value = values[index]
    return "" if value is None else value


def _raw_cells(values: Sequence[object], mapping: Mapping[str, int]) -> dict[str, object]:
    """Every field's cell (``_cell`` of each key, in one pass)."""
    count = len(values)
    raw: dict[str, object] = {}
    for key in _FIELD_KEYS:
        index = mapping.get(key)
        value = values[index] if index is not None and 0 <= index < count else ""
        raw[key] = "" if value is None else value
    return raw


class _Person(TypedDict):
    name: str
    registration_number: str


def _person(values: Sequence[object], mapping: Mapping[str, int]) -> _Person:
    """The name and registration number of a row, to name it in its errors."""
    return {
        "name": _collapse(_cell(values, mapping, "name"))[:200],
        "registration_number": normalise_registration_number(
            _cell(values, mapping, "registration_number")
        )[:100],
    }


def parse_row(
    values: Sequence[CellValue | None],
    mapping: Mapping[str, int],
    line_number: int,
    today: date | None = None,
    *,
    headers: Sequence[str] | None = None,
) -> ParsedRow | list[RowError]:
    """Check one row and return it as a :class:`ParsedRow`, or all of its errors.

    ``mapping`` gives the column index of each field key (:func:`recognise_headers`
    or the mapping step). ``today`` is the date a detention start may not be after
    (pass the facility's local date; defaults to ``date.today()``). ``headers``, when
    given, names the columns in errors as the file does.
    """
    today = today or date.today()
    errors: list[RowError] = []
    raw = _raw_cells(values, mapping)

    def fail(key: str, message: str) -> None:
        errors.append(
            RowError(
                line_number=line_number,
                column=_column_name(key, mapping, headers),
                field=key,
                value=_text(raw[key]),
                message=message,
                **_person(values, mapping),
            )
        )

    for key in REQUIRED_FIELDS:
        if _is_blank(raw[key]):
            fail(key, _msg(_("a value is required")))

    registration_raw = _collapse(raw["registration_number"])
    registration = normalise_registration_number(registration_raw)
    name = _collapse(raw["name"])

    birth_date: date | None = None
    if not _is_blank(raw["birth_date"]):
        try:
            birth_date = parse_date(raw["birth_date"])
        except ValueError as error:
            fail("birth_date", str(error))

    sex = ""
    try:
        sex = parse_sex(raw["sex"])
    except ValueError as error:
        fail("sex", str(error))

    nik = ""
    try:
        nik = validate_nik(raw["nik"], birth_date)
    except ValueError as error:
        fail("nik", str(error))
    # A NIK whose sex digits disagree with the sex: imported all the same, flagged for
    # correction (one of the two is wrong, and the file is the registry's).
    warnings: list[RowError] = []
    if conflict := nik_sex_conflict(nik, sex):
        warnings.append(
            RowError(
                line_number=line_number,
                column=_column_name("nik", mapping, headers),
                field="nik",
                value=_text(raw["nik"]),
                message=_msg(
                    _("%(reason)s: imported, correct the NIK or the sex"), reason=conflict
                ),
                warning=True,
                **_person(values, mapping),
            )
        )

    term: ParsedTerm | None = None
    if not _is_blank(raw["term_text"]):
        try:
            term = parse_term(raw["term_text"])
        except ValueError as error:
            fail("term_text", str(error))

    detention_start: date | None = None
    if not _is_blank(raw["detention_start"]):
        try:
            detention_start = parse_date(raw["detention_start"])
        except ValueError as error:
            fail("detention_start", str(error))
        else:
            if detention_start > today:
                fail(
                    "detention_start",
                    _msg(
                        _("the detention start %(date)s is in the future"),
                        date=_show_date(detention_start),
                    ),
                )

    if birth_date is not None:
        if birth_date > today:
            fail(
                "birth_date",
                _msg(_("the birth date %(date)s is in the future"), date=_show_date(birth_date)),
            )
        elif detention_start is not None and birth_date > detention_start:
            fail(
                "birth_date",
                _msg(
                    _("the birth date %(birth)s is after the detention start %(start)s"),
                    birth=_show_date(birth_date),
                    start=_show_date(detention_start),
                ),
            )

    remission_days = 0
    try:
        remission_days = parse_remission_days(raw["remission_days"])
    except ValueError as error:
        fail("remission_days", str(error))

    facts = _sentence_facts(raw, term, detention_start, today, fail)

    if errors:
        order = {spec.key: position for position, spec in enumerate(FIELDS)}
        return sorted(errors, key=lambda error: order[error.field])
    assert term is not None and detention_start is not None  # required, checked above
    crime_text = _collapse(raw["crime_text"])
    return ParsedRow(
        line_number=line_number,
        registration_number=registration,
        registration_raw=registration_raw,
        register_class=_register_class(registration) or "",
        name=name,
        nik=nik,
        birth_date=birth_date,
        sex=sex,
        religion=map_religion(raw["religion"]),
        home_regency=_collapse(raw["home_regency"]),
        crime_text=crime_text,
        crime_category=map_crime_category(crime_text),
        legal_articles=_collapse(raw["legal_articles"]),
        term=term,
        detention_start=detention_start,
        remission_days=remission_days,
        wali=_collapse(raw["wali"]),
        warnings=tuple(warnings),
        **facts,
    )


def _sentence_facts(
    raw: Mapping[str, object],
    term: ParsedTerm | None,
    detention_start: date | None,
    today: date,
    fail: Callable[[str, str], None],
) -> dict[str, Any]:
    """The optional facts of the sentence (verdict date, substitute terms, child status,
    age at the offence, commutation) read from ``raw``; each problem goes to ``fail``."""
    facts: dict[str, Any] = {}
    for key in ("verdict_date", "commuted_on"):
        if _is_blank(raw[key]):
            continue
        try:
            day = parse_date(raw[key])
        except ValueError as error:
            fail(key, str(error))
            continue
        if day > today:
            fail(key, _msg(_("the date %(date)s is in the future"), date=_show_date(day)))
            continue
        facts[key] = day
    commuted_on = facts.get("commuted_on")
    if commuted_on is not None:
        if term is not None and not term.is_fixed:
            fail(
                "commuted_on",
                _msg(
                    _(
                        "a commuted sentence needs the fixed term it was commuted to in the "
                        "sentence length, not a life or death sentence"
                    )
                ),
            )
        if detention_start is not None and commuted_on < detention_start:
            fail(
                "commuted_on",
                _msg(
                    _("the commutation %(date)s is before the detention start %(start)s"),
                    date=_show_date(commuted_on),
                    start=_show_date(detention_start),
                ),
            )
    for key in ("fine_substitute_days", "restitution_substitute_days"):
        try:
            facts[key] = parse_substitute_days(raw[key])
        except ValueError as error:
            fail(key, str(error))
    try:
        facts["sentenced_as_child"] = parse_child(raw["sentenced_as_child"])
    except ValueError as error:
        fail("sentenced_as_child", str(error))
    try:
        facts["age_at_offence"] = parse_age(raw["age_at_offence"])
    except ValueError as error:
        fail("age_at_offence", str(error))
    return facts


def duplicate_message(first_line: int) -> str:
    """The error for a registration number that already appeared on ``first_line``."""
    return _msg(_("the registration number already appears on line %(line)s"), line=first_line)


def parse_table(
    table: Table | Iterable[tuple[int, Sequence[CellValue | None]]],
    mapping: Mapping[str, int],
    today: date,
) -> ParseResult:
    """Check every row of ``table`` (see :func:`parse_row`) and collect the results.

    A registration number that already appeared on an earlier line (after
    normalisation) makes the later row an error naming the first line; the first
    row is kept. ``table`` may also be a plain iterable of ``(line_number, values)``.
    """
    headers = table.headers if isinstance(table, Table) else None
    rows = table.rows if isinstance(table, Table) else table
    result = ParseResult()
    first_line_of: dict[str, int] = {}
    for line_number, values in rows:
        result.rows_read += 1
        parsed = parse_row(values, mapping, line_number, today, headers=headers)
        registration = normalise_registration_number(_cell(values, mapping, "registration_number"))
        duplicate: RowError | None = None
        if registration:
            first_line = first_line_of.setdefault(registration, line_number)
            if first_line != line_number:
                duplicate = RowError(
                    line_number=line_number,
                    column=_column_name("registration_number", mapping, headers),
                    field="registration_number",
                    value=_text(_cell(values, mapping, "registration_number")),
                    message=duplicate_message(first_line),
                    **_person(values, mapping),
                )
        if isinstance(parsed, ParsedRow) and duplicate is None:
            result.rows.append(parsed)
            continue
        row_errors = [] if isinstance(parsed, ParsedRow) else parsed
        if duplicate is not None:
            row_errors = [duplicate, *row_errors]
        result.errors.extend(row_errors)
    return result


def error_to_dict(error: RowError) -> dict[str, str | int | bool]:
    """A JSON-friendly dict of an error: line, column, field, value, reason, and the
    person's name and registration number (``warning`` only when it is one)."""
    found: dict[str, str | int | bool] = {
        "line": error.line_number,
        "column": error.column,
        "field": error.field,
        "value": error.value,
        "reason": error.message,
        "name": error.name,
        "registration_number": error.registration_number,
    }
    if error.warning:
        found["warning"] = True
    return found


def error_from_dict(data: Mapping[str, Any]) -> RowError:
    """The :class:`RowError` of an :func:`error_to_dict` dict (missing keys are empty)."""
    return RowError(
        line_number=int(data.get("line") or 0),
        column=str(data.get("column", "")),
        field=str(data.get("field", "")),
        value=str(data.get("value", "")),
        message=str(data.get("reason", "")),
        name=str(data.get("name", "")),
        registration_number=str(data.get("registration_number", "")),
        warning=bool(data.get("warning")),
    )


def errors_to_csv(errors: Iterable[RowError]) -> str:
    """The errors as CSV text, one line each, under a header in the active language
    (Indonesian: ``Baris,Nama,Nomor registrasi,Kolom,Nilai,Alasan,Peringatan``): the
    line, the person's name and registration number, the column, the value, the reason,
    and "yes" for a warning (a row imported all the same, to correct).

    Text that a spreadsheet would run as a formula is prefixed with ``'``
    (:mod:`sinergi.core.exports`). Encode with ``utf-8-sig`` so that Excel recognises
    the encoding.
    """
    out = io.StringIO()
    writer = exports.csv_writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            _msg(_("Line")),
            _msg(_("Name")),
            _msg(_("Registration number")),
            _msg(_("Column")),
            _msg(_("Value")),
            _msg(_("Reason")),
            _msg(_("Warning")),
        ]
    )
    for error in errors:
        writer.writerow(
            [
                error.line_number,
                error.name,
                error.registration_number,
                error.column,
                error.value,
                error.message,
                _msg(_("yes")) if error.warning else "",
            ]
        )
    return out.getvalue()
