"""Fill Indonesian translations from a JSON file of {msgid: msgstr}.

Usage: python scripts/po_fill.py translations.json [locale/id/LC_MESSAGES/django.po]
Entries named in the file are set and un-fuzzied; a plural entry takes the same text for
every form. Prints the entries still untranslated or fuzzy afterwards.
"""

from __future__ import annotations

import json
import sys

import polib


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as handle:
        source = json.load(handle)
    path = sys.argv[2] if len(sys.argv) > 2 else "locale/id/LC_MESSAGES/django.po"
    catalogue = polib.pofile(path, wrapwidth=79)
    for entry in catalogue:
        if entry.msgid in source:
            text = source[entry.msgid]
            if entry.msgid_plural:
                entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural or {0: ""}, text)
            else:
                entry.msgstr = text
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
                entry.previous_msgid = None
    catalogue.save(path)
    left = [e.msgid for e in catalogue.untranslated_entries() + catalogue.fuzzy_entries()]
    for msgid in left:
        print(f"untranslated: {msgid!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
