"""What every printed document of the demo's Lapas Selong must say (issue 17): its
letterhead, the signatory's name and NIP, and the date in Indonesian long form. The text
is read from the PDF by pypdf."""

from __future__ import annotations

import datetime
import io

from sinergi.core.dates import long_date

# The demo's letterhead of Lapas Kelas IIB Selong (sinergi/orgs/demo.py).
SELONG_LETTERHEAD = (
    "Kementerian Imigrasi dan Pemasyarakatan Republik Indonesia",
    "Direktorat Jenderal Pemasyarakatan",
    "Kantor Wilayah Nusa Tenggara Barat",
    "Lapas Kelas IIB Selong",
    "Jl. Pejanggik, Selong, Lombok Timur, NTB",
    "(0376) 21045",
    "lapas.selong@example.org",
)
# Its signatory for any document without one of its own, and for the attendance sheet.
HEAD = ("Lalu Ahmad Suhaimi", "197806152003121001")
ATTENDANCE_SIGNATORY = ("Sri Wahyuni", "198011032005012002")


def pdf_text(data: bytes) -> str:
    """The text of every page, whitespace collapsed (a line the PDF wraps reads on)."""
    from pypdf import PdfReader

    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def assert_official(
    data: bytes,
    *,
    signatory: tuple[str, str] = HEAD,
    day: datetime.date | None = None,
    place: str = "Selong",
    number: str = "",
) -> str:
    """``data`` is a PDF on Lapas Selong's letterhead, signed by ``signatory`` (name,
    NIP), dated ``day`` at ``place`` in Indonesian long form; its text."""
    text = pdf_text(data)
    upper = text.upper()
    for line in SELONG_LETTERHEAD:
        assert line.upper() in upper, line
    name, nip = signatory
    assert name in text
    assert f"NIP {nip}" in text
    if day is not None:
        assert f"{place}, {long_date(day, 'id')}" in text
    if number:
        assert number in text.replace(" ", "") or number in text
    return text
