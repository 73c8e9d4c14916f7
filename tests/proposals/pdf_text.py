"""The text of a PDF that WeasyPrint made, for tests to check what a document says.

No PDF reader is a dependency of the project, so this reads the little that WeasyPrint
writes: Flate-compressed streams (objects and object streams), Type0 fonts with a
ToUnicode map, and text drawn with ``Tj``/``TJ`` in the font set by ``Tf``. Each text
run is one piece; pieces are joined with spaces and runs of whitespace collapsed.
"""

from __future__ import annotations

import re
import zlib

_STREAM = re.compile(rb"(\d+) 0 obj\s*<<(.*?)>>\s*stream\r?\n", re.S)
_FONT = re.compile(rb"/BaseFont /(\w+)\+[^/]*/ToUnicode (\d+) 0 R")
_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")
_BFRANGE = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")
_OPS = re.compile(rb"/(\w+) [\d.]+ Tf|\[(.*?)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj", re.S)
_HEX = re.compile(rb"<([0-9a-fA-F]*)>")


def _objects(data: bytes) -> dict[int, bytes]:
    """Every object's text, streams decompressed, object streams unpacked."""
    found: dict[int, bytes] = {}
    for match in _STREAM.finditer(data):
        start = match.end()
        raw = data[start : data.index(b"endstream", start)]
        try:
            body = zlib.decompress(raw)
        except zlib.error:
            continue
        if b"/Type /ObjStm" in match.group(2):
            first = int(re.search(rb"/First (\d+)", match.group(2)).group(1))  # type: ignore[union-attr]
            numbers = body[:first].split()
            pairs = [(int(numbers[i]), int(numbers[i + 1])) for i in range(0, len(numbers), 2)]
            for index, (number, offset) in enumerate(pairs):
                end = pairs[index + 1][1] if index + 1 < len(pairs) else len(body) - first
                found[number] = body[first + offset : first + end]
        else:
            found[int(match.group(1))] = body
    return found


def _unicode_map(cmap: bytes) -> dict[str, str]:
    table: dict[str, str] = {}
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, start in _BFRANGE.findall(block):
            width = len(low)
            for offset in range(int(high, 16) - int(low, 16) + 1):
                code = format(int(low, 16) + offset, f"0{width}x")
                table[code] = chr(int(start, 16) + offset)
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in _BFCHAR.findall(block):
            table[code.decode().lower()] = bytes.fromhex(text.decode()).decode("utf-16-be")
    return table


def _fonts(objects: dict[int, bytes]) -> dict[str, dict[str, str]]:
    fonts: dict[str, dict[str, str]] = {}
    for body in objects.values():
        for tag, cmap in _FONT.findall(body):
            fonts[tag.decode()] = _unicode_map(objects.get(int(cmap), b""))
    return fonts


def _pieces(body: bytes, fonts: dict[str, dict[str, str]]) -> list[str]:
    """The text runs drawn by one content stream."""
    pieces: list[str] = []
    if b"Tf" not in body or (b"TJ" not in body and b"Tj" not in body):
        return pieces
    table: dict[str, str] = {}
    for match in _OPS.finditer(body):
        if match.group(1) is not None:
            table = fonts.get(match.group(1).decode(), {})
            continue
        strings = _HEX.findall(match.group(2)) if match.group(2) is not None else [match.group(3)]
        text = ""
        for string in strings:
            hexa = string.decode().lower()
            text += "".join(table.get(hexa[i : i + 4], "") for i in range(0, len(hexa), 4))
        pieces.append(text)
    return pieces


def pdf_text(data: bytes) -> str:
    objects = _objects(data)
    fonts = _fonts(objects)
    pieces: list[str] = []
    for body in objects.values():
        pieces.extend(_pieces(body, fonts))
    return " ".join(" ".join(pieces).split())


_KIDS = re.compile(rb"/Type /Pages\b.*?/Kids \[([\d\s0R]*)\]", re.S)
_CONTENTS = re.compile(rb"/Contents (\d+) 0 R")


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page, in order (the page tree WeasyPrint writes: one /Pages
    object whose /Kids are the pages, each with one content stream)."""
    objects = _objects(data)
    fonts = _fonts(objects)
    kids: list[int] = []
    for body in objects.values():
        match = _KIDS.search(body)
        if match is not None and b"/Parent" not in body[: match.start()]:
            kids = [int(n) for n in re.findall(rb"(\d+) 0 R", match.group(1))]
            break
    pages = []
    for kid in kids:
        contents = _CONTENTS.search(objects.get(kid, b""))
        body = objects.get(int(contents.group(1)), b"") if contents else b""
        pages.append(" ".join(" ".join(_pieces(body, fonts)).split()))
    return pages
