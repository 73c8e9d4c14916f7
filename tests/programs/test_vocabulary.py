"""Programs name its statuses through the choices enums (programs/choices.py), never as
raw strings: a typo in ``status="canceled"`` would be a silent empty query."""

from __future__ import annotations

import ast
from pathlib import Path

from sinergi.inmates.choices import InmateStatus
from sinergi.programs import choices

APP = Path(__file__).resolve().parents[2] / "sinergi" / "programs"
STATUS_VALUES = {
    value
    for enum in (
        choices.ProgramStatus,
        choices.SessionStatus,
        choices.WaitingStatus,
        choices.EndReason,
        choices.AttendanceStatus,
        choices.CompetencyResult,
        choices.CertificateStatus,
        InmateStatus,
    )
    for value in enum.values
}
# Names under which a status is passed, stored or compared.
STATUS_NAMES = {"status", "result", "reason", "end_reason", "state"}


def _strings(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return [s for element in node.elts for s in _strings(element)]
    return []


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return str(node.slice.value)
    return None


def raw_statuses(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        pairs: list[tuple[str | None, ast.AST]] = []
        if isinstance(node, ast.keyword) and node.arg:
            # a lookup names the field among its parts: program__status__in
            parts = set(node.arg.split("__")) & STATUS_NAMES
            pairs += [(part, node.value) for part in parts]
        elif isinstance(node, ast.Compare):
            pairs += [(_name(node.left), c) for c in node.comparators]
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            pairs += [(_name(t), node.value) for t in targets if node.value is not None]
        elif isinstance(node, ast.Dict):
            pairs += [
                (k.value if isinstance(k, ast.Constant) else None, v)
                for k, v in zip(node.keys, node.values, strict=True)
            ]
        for name, value in pairs:
            if name in STATUS_NAMES:
                found += [(node.lineno, s) for s in _strings(value) if s in STATUS_VALUES]
    return sorted(set(found))


def test_no_raw_status_string_in_programs():
    found = {
        str(path.relative_to(APP)): hits
        for path in sorted(APP.rglob("*.py"))
        if "migrations" not in path.parts and path.name != "choices.py"
        if (hits := raw_statuses(path.read_text()))
    }
    assert not found, f"Use the enums of programs/choices.py: {found}"


def test_the_check_finds_a_raw_status():
    source = (
        'qs.filter(status="running")\n'
        'qs.filter(program__status__in=["draft", "submitted"])\n'
        'if entry.status == "pending": pass\n'
        'spec = {"state": "completed"}\n'
        "qs.filter(status=ProgramStatus.RUNNING, code='running')\n"
    )
    assert raw_statuses(source) == [
        (1, "running"),
        (2, "draft"),
        (2, "submitted"),
        (3, "pending"),
        (4, "completed"),
    ]
