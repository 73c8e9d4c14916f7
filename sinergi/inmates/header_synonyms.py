"""The one table of header spellings that every import mapping columns reads with.

SDP exports, the registers offices keep by hand and the spreadsheets they pass around
name the same column many ways: "No. Registrasi", "No Reg", "NoReg", "Nomor Register";
"Nama", "Nama Lengkap", "Nama WBP"; "Tanggal Penahanan", "Tgl Ditahan", "TMT Penahanan";
"Lama Pidana", "Lama Hukuman", "Masa Pidana". :data:`SYNONYMS` lists them per field (the
first spelling is the standard header), and :func:`header_key` is the one comparison:
letters and digits only, case folded, so that case, spacing and punctuation never
matter ("No. Reg." = "no reg" = "NoReg").

The inmate import (:mod:`sinergi.inmates.parsing`) recognises its fields with it, and so
does the import of SDP's proposal list (``sinergi.proposals.sdp_import``), which adds the
headers of its own fields through :func:`recognise` with ``extra``. Pure Python: no
Django, no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

__all__ = ["SYNONYMS", "header_key", "key_table", "recognise"]


def header_key(text: object) -> str:
    """A header (or a value) for comparison: letters and digits only, case folded.

    "No. Registrasi", " no  registrasi " and "NO-REGISTRASI" all give "noregistrasi".
    """
    shown = "" if text is None else str(text)
    return re.sub(r"[\W_]+", "", shown.casefold())


#: Field key -> the headers SDP exports and offices use for it; the first is the
#: standard SDP header. Keep every spelling's :func:`header_key` unique across fields
#: (a test checks it).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "registration_number": (
        "No. Registrasi",
        "No Reg",
        "No. Reg",
        "NoReg",
        "No Registrasi",
        "Nomor Registrasi",
        "Nomor Register",
        "No Register",
        "Nomor Reg",
        "No Registrasi WBP",
        "Nomor Registrasi WBP",
        "Registrasi",
        "Register",
    ),
    "name": (
        "Nama",
        "Nama Lengkap",
        "Nama WBP",
        "Nama Narapidana",
        "Nama Napi",
        "Nama Warga Binaan",
        "Nama Tahanan",
        "Nama Anak Binaan",
        "Nama Andikpas",
    ),
    "nik": (
        "NIK",
        "No NIK",
        "Nomor NIK",
        "Nomor Induk Kependudukan",
        "No KTP",
        "Nomor KTP",
        "NIK KTP",
        "No. Identitas",
        "Nomor Identitas",
    ),
    "birth_date": (
        "Tanggal Lahir",
        "Tgl Lahir",
        "Tgl. Lahir",
        "Tgl Lhr",
        "Tanggal Lhr",
        "Tanggal Kelahiran",
        "Lahir",
    ),
    "sex": (
        "Jenis Kelamin",
        "JK",
        "J. Kelamin",
        "L/P",
        "Kelamin",
        "Gender",
        "Sex",
    ),
    "religion": ("Agama", "Agama WBP", "Kepercayaan"),
    "home_regency": (
        "Kabupaten Asal",
        "Kab Asal",
        "Kab. Asal",
        "Kabupaten/Kota Asal",
        "Kab/Kota Asal",
        "Kota Asal",
        "Daerah Asal",
        "Asal Daerah",
        "Asal",
    ),
    "crime_text": (
        "Jenis Kejahatan",
        "Kejahatan",
        "Tindak Pidana",
        "Jenis Tindak Pidana",
        "Jenis Perkara",
        "Perkara",
        "Kasus",
        "Jenis Kasus",
    ),
    "legal_articles": (
        "Pasal",
        "Pasal Yang Dilanggar",
        "Pasal Dakwaan",
        "Pasal Putusan",
        "Pasal Pidana",
    ),
    "term_text": (
        "Lama Pidana",
        "Lama Hukuman",
        "Pidana",
        "Masa Pidana",
        "Masa Hukuman",
        "Hukuman",
        "Vonis",
        "Lama Vonis",
        "Pidana Penjara",
        "Lama Pidana Penjara",
    ),
    "detention_start": (
        "Tanggal Penahanan",
        "Tgl Ditahan",
        "Tanggal Ditahan",
        "Tgl Penahanan",
        "Tgl. Penahanan",
        "TMT Penahanan",
        "TMT Ditahan",
        "Mulai Ditahan",
        "Tgl Mulai Ditahan",
        "Tanggal Mulai Penahanan",
        "Awal Penahanan",
    ),
    "remission_days": (
        "Total Remisi (hari)",
        "Total Remisi",
        "Jumlah Remisi",
        "Jml Remisi",
        "Jumlah Remisi (hari)",
        "Remisi",
        "Remisi (hari)",
        "Total Remisi Diterima",
        "Remisi Diterima",
    ),
    "verdict_date": (
        "Tanggal Putusan",
        "Tgl Putusan",
        "Tgl Inkracht",
        "Tanggal Inkracht",
        "Tgl Putusan Inkracht",
    ),
    "fine_substitute_days": (
        "Pengganti Denda (hari)",
        "Subsider",
        "Subsidair",
        "Subsider (hari)",
        "Subsidair (hari)",
        "Pengganti Denda",
    ),
    "restitution_substitute_days": (
        "Subsider UP",
        "Subsidair UP",
        "Subsider Uang Pengganti",
        "Subsidair Uang Pengganti",
        "Pengganti UP (hari)",
    ),
    "sentenced_as_child": ("Status Anak", "Anak"),
    "age_at_offence": (
        "Umur Saat Tindak Pidana",
        "Usia",
        "Usia Saat Tindak Pidana",
        "Umur Saat Melakukan Tindak Pidana",
    ),
    "commuted_on": (
        "Tgl Perubahan Pidana",
        "Tanggal Perubahan Pidana",
        "Tgl Grasi",
        "Tanggal Grasi",
    ),
    "wali": ("Wali", "Wali Pemasyarakatan", "Nama Wali", "Wali WBP"),
}


def key_table(table: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """``{header_key(spelling): field}`` of a synonym table (the first field of a key)."""
    keys: dict[str, str] = {}
    for name, spellings in table.items():
        for spelling in spellings:
            keys.setdefault(header_key(spelling), name)
    return keys


_KEYS = key_table(SYNONYMS)


def recognise(
    headers: Iterable[object],
    *,
    fields: Iterable[str] | None = None,
    extra: Mapping[str, Iterable[str]] | None = None,
) -> dict[str, int]:
    """``{field: column index}`` of the headers found (the first column of a repeat).

    ``fields`` limits the fields of :data:`SYNONYMS` looked for (default: all);
    ``extra`` adds an import's own fields with their spellings.
    """
    wanted = None if fields is None else set(fields)
    keys = {k: v for k, v in _KEYS.items() if wanted is None or v in wanted}
    if extra:
        keys.update(key_table(extra))
    mapping: dict[str, int] = {}
    for index, header in enumerate(headers):
        name = keys.get(header_key(header))
        if name is not None and name not in mapping:
            mapping[name] = index
    return mapping
