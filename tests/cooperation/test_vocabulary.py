"""The cooperation code names statuses and kinds through their choices enums, never as
raw strings (a typo in a raw string is a filter that silently matches nothing)."""

from __future__ import annotations

import ast
from pathlib import Path

import sinergi.cooperation

APP = Path(sinergi.cooperation.__file__).parent
# Names that hold a status or a kind: keyword arguments and lookups ending with them.
VOCABULARY = ("status", "kind", "condition")


def _names_vocabulary(name: str) -> bool:
    last = name.split("__")
    if last[-1] in ("in", "exact"):
        last = last[:-1]
    return bool(last) and last[-1].removeprefix("from_").removeprefix("to_") in VOCABULARY


def _strings(node: ast.AST) -> list[ast.Constant]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
        return [node]
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return [s for item in node.elts for s in _strings(item)]
    return []


def raw_vocabulary(source: str) -> list[tuple[int, str]]:
    """(line, string) of each raw string given as a status or kind in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.keyword) and node.arg and _names_vocabulary(node.arg):
            found += [(s.lineno, s.value) for s in _strings(node.value)]
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(
                (isinstance(side, ast.Attribute) and _names_vocabulary(side.attr))
                or (isinstance(side, ast.Name) and _names_vocabulary(side.id))
                for side in sides
            ):
                found += [(s.lineno, s.value) for side in sides for s in _strings(side)]
    return found


def test_the_checker_finds_raw_statuses_and_kinds():
    source = (
        'Agreement.objects.filter(status="draft", partners__status__in=["a", "b"])\n'
        'if request.kind == "instructor" or status in ("x",):\n    pass\n'
        "Agreement.objects.filter(status=AgreementStatus.DRAFT, title='draft')\n"
    )
    assert raw_vocabulary(source) == [(1, "draft"), (1, "a"), (1, "b"), (2, "instructor"), (2, "x")]


def test_no_raw_status_or_kind_in_the_cooperation_code():
    found = [
        f"{path.relative_to(APP)}:{line}: {value!r}"
        for path in sorted(APP.rglob("*.py"))
        if "migrations" not in path.parts and path.name != "choices.py"
        for line, value in raw_vocabulary(path.read_text())
    ]
    assert found == []
