"""``make messages`` keeps the translations of the messages marked with ``N_``.

``N_`` is ``gettext_noop`` under another name (the API's validation messages, the SDP
import's): xgettext knows ``gettext_noop``, not the alias, so Django's makemessages did not
extract them and ``make messages`` (``--no-obsolete``) dropped 44 of their 46 Indonesian
translations. The project's command tells xgettext the alias."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management import get_commands, load_command_class

ROOT = Path(__file__).resolve().parents[2]


def test_the_projects_makemessages_extracts_the_n_alias():
    app = get_commands()["makemessages"]
    assert app == "sinergi.core"
    command = load_command_class(app, "makemessages")
    assert "--keyword=N_" in command.xgettext_options


def test_the_alias_is_only_ever_gettext_noop():
    """The keyword is right only while ``N_`` means ``gettext_noop`` wherever it is used."""
    imports = set()
    for path in (ROOT / "sinergi").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"\bN_\(", text):
            found = re.findall(r"^from django\.utils\.translation import (\w+) as N_$", text, re.M)
            assert found, path
            imports.update(found)
    assert imports == {"gettext_noop"}
