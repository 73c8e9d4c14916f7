"""DESIGN.md's house rules, checked on the source tree (no database: `make lint` runs these).

A failure here names the file, the line and the rule it breaks; DESIGN.md ("Architecture",
"Conventions") says why the rule exists. No violation is tolerated: the allow-lists that
issue 12 started with are empty and gone. A rule that cannot be kept somewhere is a
design question for the team, not an entry to add here.
"""

from __future__ import annotations

from pathlib import Path

from tests.conventions.checker import (
    Violation,
    action_violations,
    app_module_violations,
    layer_violations,
    permission_violations,
)

ROOT = Path(__file__).resolve().parents[2]


def _report(found: list[Violation]) -> str:
    return "\n".join(str(v) for v in found)


def test_no_app_uses_an_app_that_comes_after_it_and_core_and_sentences_use_none():
    found = layer_violations(ROOT)
    assert not found, "Data flows one way (DESIGN.md, Architecture):\n" + _report(found)


def test_every_public_action_that_writes_is_atomic_keyword_only_and_takes_by():
    found = action_violations(ROOT)
    assert not found, (
        "Writes go through actions inside transaction.atomic, keyword-only, with a"
        " required by= (DESIGN.md, Conventions):\n" + _report(found)
    )


def test_actions_ask_the_rules_predicates_not_an_inline_role_set():
    found = permission_violations(ROOT)
    assert not found, (
        "An action checks its caller with require_perm(by, perm, obj) and a predicate of"
        " the app's rules.py, the same one the views and the API ask:\n" + _report(found)
    )


def test_every_app_has_queries_actions_and_rules():
    found = app_module_violations(ROOT)
    assert not found, "Inside an app (DESIGN.md, Architecture):\n" + _report(found)


def test_no_template_comment_spans_lines():
    """Django's ``{# … #}`` comment is one line: one that goes on to the next line is
    not a comment but text, shown on the page (the public pages showed their own note
    to developers to every visitor). A longer note is ``{% comment %}``."""
    found = []
    for folder in (ROOT / "templates", *ROOT.glob("sinergi/*/templates")):
        for path in sorted(folder.rglob("*.html")) + sorted(folder.rglob("*.txt")):
            for number, text in enumerate(path.read_text().splitlines(), 1):
                start = text.find("{#")
                while start != -1:
                    end = text.find("#}", start + 2)
                    if end == -1:
                        found.append(f"{path.relative_to(ROOT)}:{number}: {text.strip()[:60]}")
                        break
                    start = text.find("{#", end + 2)
    assert not found, "\n".join(found)
