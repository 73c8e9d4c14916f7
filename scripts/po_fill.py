"""Fill Indonesian translations from a JSON file of {msgid: msgstr}.

Usage: python scripts/po_fill.py translations.json [locale/id/LC_MESSAGES/django.po]
Entries named in the file are set and un-fuzzied; a plural entry takes the same text for
every form. An entry with a context (msgctxt) is named as gettext names it internally,
the context and the msgid joined by the EOT character: "calculation sheet\u0004general".
Prints the entries still untranslated or fuzzy afterwards.
"""

from __future__ import annotations

import json
import sys

import polib

# gettext's separator between a message's context and its msgid.
CONTEXT_SEPARATOR = "\x04"


def key(entry: polib.POEntry) -> str:
    """The entry's name in the JSON file: the msgid, after its context if it has one."""
    if entry.msgctxt is None:
        return str(entry.msgid)
    return f"{entry.msgctxt}{CONTEXT_SEPARATOR}{entry.msgid}"


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as handle:
        source = json.load(handle)
    path = sys.argv[2] if len(sys.argv) > 2 else "locale/id/LC_MESSAGES/django.po"
    catalogue = polib.pofile(path, wrapwidth=79)
    for entry in catalogue:
        if key(entry) in source:
            text = source[key(entry)]
            if entry.msgid_plural:
                entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural or {0: ""}, text)
            else:
                entry.msgstr = text
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
                entry.previous_msgid = None
                entry.previous_msgid_plural = None
                entry.previous_msgctxt = None
    catalogue.save(path)
    left = [key(e) for e in catalogue.untranslated_entries() + catalogue.fuzzy_entries()]
    for name in left:
        print(f"untranslated: {name!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
