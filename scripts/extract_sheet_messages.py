"""Write sinergi/inmates/sheet_messages.py: the calculation-sheet messages of the pure
sentence engine, marked for translation (the engine itself imports nothing of Django).

Two kinds of messages are collected from sinergi/sentences:

* the English templates of ``line(code, template, ...)`` calls (``gettext_noop``);
* the parameter values written in English: the constants of ``phrase(...)`` calls (the
  rule sets' titles among them), the values of the enums whose ``.value`` is a parameter,
  the kinds of remisi a ``RemissionGrant`` names as plain strings, the legal bases
  written with English words (the values of a ``bases`` dictionary) and the versions of
  the day-count conventions (``Conventions(version=...)``, "2022.1-calendar") (``pgettext_lazy``
  with the context "calculation sheet", the context the ``sheet`` template filter uses).

Run after changing a message in sinergi/sentences, then `make messages`.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "sinergi" / "sentences").glob("*.py"))
TARGET = ROOT / "sinergi" / "inmates" / "sheet_messages.py"
CONTEXT = "calculation sheet"
# Enums whose values the engine passes as parameters of sheet lines.
ENUMS = frozenset(
    {
        "CrimeCategory",
        "DayCount",
        "DetentionKind",
        "RightStatus",
        "RemissionKind",
        "RemissionExtra",
        "ReligiousHoliday",
    }
)
# Values the engine passes as plain strings, not as an enum's: the kinds of a remisi
# received (RemissionGrant.kind, documented in its docstring).
PLAIN_VALUES = frozenset({"umum", "khusus", "dasawarsa", "tambahan", "humanitarian", "pmp"})


def _trees() -> list[ast.Module]:
    return [ast.parse(path.read_text(encoding="utf-8")) for path in SOURCES]


def _string_argument(node: ast.AST, function: str, index: int) -> str | None:
    """The string constant passed as argument ``index`` of a call to ``function``."""
    if not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == function
        and len(node.args) > index
    ):
        return None
    argument = node.args[index]
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return argument.value
    return None


def templates() -> list[str]:
    """The templates of every ``line(code, template, ...)`` call."""
    found = {
        text
        for tree in _trees()
        for node in ast.walk(tree)
        if (text := _string_argument(node, "line", 1))
    }
    return sorted(found)


def _enum_values(tree: ast.Module) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name in ENUMS:
            for statement in node.body:
                if (
                    isinstance(statement, ast.Assign)
                    and isinstance(statement.value, ast.Constant)
                    and isinstance(statement.value.value, str)
                ):
                    found.add(statement.value.value)
    return found


def _bases(tree: ast.Module) -> set[str]:
    """The string values of a dictionary assigned to ``bases`` (legal bases that carry
    English words, such as "annulled 28 Oct 2021")."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign | ast.AnnAssign)
            and isinstance(node.value, ast.Dict)
            and any(
                isinstance(target, ast.Name) and target.id.lower().endswith("bases")
                for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
            )
        ):
            found |= {
                value.value
                for value in node.value.values
                if isinstance(value, ast.Constant) and isinstance(value.value, str)
            }
    return found


def _versions(tree: ast.Module) -> set[str]:
    """The ``version`` of every ``Conventions(...)`` (written on the sheet)."""
    return {
        keyword.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "Conventions"
        for keyword in node.keywords
        if keyword.arg == "version"
        and isinstance(keyword.value, ast.Constant)
        and isinstance(keyword.value.value, str)
    }


def phrases() -> list[str]:
    """The constants of ``phrase(...)`` calls, the values of :data:`ENUMS`, the
    :data:`PLAIN_VALUES`, the legal bases with English words and the conventions'
    versions."""
    found: set[str] = set(PLAIN_VALUES)
    for tree in _trees():
        found |= _enum_values(tree)
        found |= _bases(tree)
        found |= _versions(tree)
        found |= {text for node in ast.walk(tree) if (text := _string_argument(node, "phrase", 0))}
    return sorted(found)


def render() -> str:
    """The source of sheet_messages.py (before ruff formats it)."""
    lines = [
        '"""Generated by scripts/extract_sheet_messages.py: do not edit by hand."""',
        "# ruff: noqa: E501",
        "",
        "from django.utils.translation import gettext_noop, pgettext_lazy",
        "",
        "# The templates of the sheet lines.",
        "SHEET_MESSAGES = [",
    ]
    lines += [f"    gettext_noop({text!r})," for text in templates()]
    lines += [
        "]",
        "",
        "# Parameter values written in English: phrase(...) constants and enum values.",
        "SHEET_PHRASES = [",
    ]
    lines += [f"    pgettext_lazy({CONTEXT!r}, {text!r})," for text in phrases()]
    lines += ["]", ""]
    return "\n".join(lines)


def main() -> None:
    TARGET.write_text(render(), encoding="utf-8")
    ruff = shutil.which("ruff") or shutil.which("ruff", path=str(Path(sys.executable).parent))
    if ruff:
        subprocess.run([ruff, "format", "--quiet", str(TARGET)], check=True)  # noqa: S603
    print(f"{TARGET.relative_to(ROOT)}: {len(templates())} templates, {len(phrases())} phrases")


if __name__ == "__main__":
    main()
