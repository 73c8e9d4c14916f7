"""A page in one language that shows words of the other, or raw status codes.

``leaks(html, language)`` lists what is wrong on a page rendered in ``language``: on an
English page, Indonesian interface words; on an Indonesian page, raw status codes
(``partially_accepted``) and English interface words. Only the page's own text is read
(not scripts or styles; the title, aria-label, placeholder and alt that a reader is
told), and the words are whole words. Text marked as being in another language
(``lang="id"`` on an English page: an SDP file's own headers) is the other language by
design and not read, nor is ``<code>`` (a file's own spelling, a code). People's own
words (names, notes typed in Indonesian) are no interface words: the lists hold words
that only the interface says.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.apps import apps
from django.db import models

# Words of the Indonesian interface that an English page must not show ("Kembali" and
# "Menunggu" are left out: the demo's own program titles and notes use them).
INDONESIAN_WORDS = (
    "Simpan",
    "Batal",
    "Batalkan",
    "Diajukan",
    "Ditolak",
    "Belum",
    "Permintaan",
    "Peserta",
    "Jadwal",
    "Tambah",
    "Hapus",
    "Unduh",
    "Kirim",
    "Disetujui",
    "Dibatalkan",
    "Sebelumnya",
    "Berikutnya",
    "Beranda",
    "Keluar",
    "Pemberitahuan",
    "Tindakan",
    "Rujukan",
    "Tidak ada",
    "Sudah",
    "Selesai",
    "Berlangsung",
    "Tanggal",
    "Jumlah",
)

# Words of the English interface that an Indonesian page must not show.
ENGLISH_WORDS = (
    "Save",
    "Cancel",
    "Submitted",
    "Declined",
    "Accepted",
    "Pending",
    "Back",
    "Request",
    "Requests",
    "Participants",
    "Schedule",
    "Delete",
    "Download",
    "Search",
    "Next",
    "Previous",
    "Sign out",
    "Notifications",
    "Draft",
    "Approved",
    "Completed",
    "In progress",
    "None",
    "Not yet",
    "Yes",
)

_SKIPPED = {"script", "style", "template"}


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class _Text(HTMLParser):
    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language
        self.parts: list[str] = []
        self._skip = 0
        self._other: list[str] = []  # the tag of each open element in another language
        self._depth = 0  # of that tag inside the outermost such element

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skip += 1
        if self._other:
            if tag == self._other[0]:
                self._depth += 1
            return
        lang = dict(attrs).get("lang")
        # <code>: a file's own spelling or a code, shown as it is written.
        if tag == "code" or (lang and tag != "html" and tag not in _VOID and lang != self.language):
            self._other.append(tag)
            self._depth = 1
            return
        # What a reader is told of a control or an image is text too.
        for name, value in attrs:
            if value and name in {"title", "aria-label", "placeholder", "alt"}:
                self.parts.append(value)
            if value and name == "value" and dict(attrs).get("type") in {"submit", "button"}:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED and self._skip:
            self._skip -= 1
        if self._other and tag == self._other[0]:
            self._depth -= 1
            if not self._depth:
                self._other.clear()

    def handle_data(self, data: str) -> None:
        if not self._skip and not self._other:
            self.parts.append(data)


def page_text(html: str, language: str) -> str:
    parser = _Text(language)
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


STATUS_FIELDS = {"status", "stage", "outcome", "recommendation", "decision"}


def status_codes() -> frozenset[str]:
    """The codes a reader must never see where a label belongs: every snake_case code of
    the apps' choices (``in_delivery``), and every code of a status-like field
    (``submitted``, ``postponed``)."""
    found: set[str] = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("sinergi."):
            continue
        for model in config.get_models():
            for field in model._meta.get_fields():
                choices = getattr(field, "choices", None)
                if isinstance(field, models.CharField) and choices:
                    found.update(
                        str(value)
                        for value, _label in field.flatchoices
                        if "_" in str(value) or field.name in STATUS_FIELDS
                    )
    return frozenset(v for v in found if v)


def _whole(words: tuple[str, ...] | frozenset[str], text: str) -> list[str]:
    return sorted(
        {w for w in words if re.search(rf"(?<![\w/.=-]){re.escape(w)}(?![\w/.=-])", text)}
    )


# Stored texts written in one language once, known and not yet translated on reading:
# page path -> the words allowed there, and why.
KNOWN = {
    # The audit keeps a record's name as it read when the event was written (a proposal
    # with its stage), in the language of the one who acted (the demo's: Indonesian).
    "/audit/": {"Disetujui", "Ditolak"},
}


def _known(path: str) -> set[str]:
    allowed: set[str] = set()
    for pattern, words in KNOWN.items():
        if re.fullmatch(pattern, path):
            allowed |= words
    return allowed


def leaks(html: str, language: str, path: str = "") -> list[str]:
    text = page_text(html, language)
    if language == "en":
        allowed = _known(path)
        return [
            f"Indonesian word {w!r}" for w in _whole(INDONESIAN_WORDS, text) if w not in allowed
        ]
    found = [f"status code {c!r}" for c in _whole(status_codes(), text)]
    found += [f"English word {w!r}" for w in _whole(ENGLISH_WORDS, text)]
    return found
