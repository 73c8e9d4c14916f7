"""The audit vocabulary: every action written is listed with a label, and the audit page
names each action by its label in the reader's language."""

from __future__ import annotations

import ast
import csv
import io
import re
from collections.abc import Mapping
from pathlib import Path

import pytest
from django.utils import translation

from sinergi.core import audit
from sinergi.core.audit_actions import AuditAction, action_label
from sinergi.core.models import AuditEvent
from sinergi.orgs.models import Facility

ROOT = Path(__file__).resolve().parents[2]
WRITERS = frozenset({"record", "read", "read_list"})  # sinergi.core.audit's writers


def _action_argument(call: ast.Call, writer: str) -> ast.expr | None:
    """The ``action`` argument: record(action, …); read(request, action, …)."""
    position = 0 if writer == "record" else 1
    if len(call.args) > position:
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == "action"), None)


def _writer_calls(tree: ast.AST) -> list[tuple[ast.Call, str]]:
    """Calls of the audit writers: ``audit.record(…)`` or a writer imported by name."""
    imported = {
        alias.asname or alias.name: alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "sinergi.core.audit"
        for alias in node.names
        if alias.name in WRITERS
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr in WRITERS
            and isinstance(func.value, ast.Name)
            and func.value.id == "audit"
        ):
            found.append((node, func.attr))
        elif isinstance(func, ast.Name) and func.id in imported:
            found.append((node, imported[func.id]))
    return found


def _written_actions(
    expr: ast.expr, constants: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """(kind, text) of what an action argument can be: a literal (or a module's string
    constant), an AuditAction member, or an f-string pattern; both branches of
    ``a if c else b``."""
    if isinstance(expr, ast.IfExp):
        return _written_actions(expr.body, constants) + _written_actions(expr.orelse, constants)
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [("literal", expr.value)]
    if isinstance(expr, ast.Name) and expr.id in (constants or {}):
        return [("literal", (constants or {})[expr.id])]
    if (
        isinstance(expr, ast.Attribute)
        and isinstance(expr.value, ast.Name)
        and expr.value.id == "AuditAction"
    ):
        return [("member", expr.attr)]
    if isinstance(expr, ast.JoinedStr):
        pattern = "".join(
            re.escape(part.value) if isinstance(part, ast.Constant) else ".+"
            for part in expr.values
        )
        return [("pattern", pattern)]
    return []  # a variable: the writer refuses it at run time if it is not listed


def _module_constants(tree: ast.Module) -> dict[str, str]:
    """``NAME = "text"`` at a module's top level."""
    return {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _actions_in_source() -> list[tuple[str, str, str]]:
    """(where, kind, text) for every action passed to an audit writer under sinergi/."""
    trees = {
        path: ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted((ROOT / "sinergi").rglob("*.py"))
        if "migrations" not in path.parts
    }
    module_constants = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts): _module_constants(tree)
        for path, tree in trees.items()
    }
    found = []
    for path, tree in trees.items():
        constants = _module_constants(tree)
        for node in tree.body:  # constants imported from another module of the project
            if isinstance(node, ast.ImportFrom) and node.module in module_constants:
                theirs = module_constants[node.module]
                for alias in node.names:
                    if alias.name in theirs:
                        constants[alias.asname or alias.name] = theirs[alias.name]
        for call, writer in _writer_calls(tree):
            argument = _action_argument(call, writer)
            where = f"{path.relative_to(ROOT)}:{call.lineno}"
            assert argument is not None, f"{where}: an audit call without an action"
            found += [(where, kind, text) for kind, text in _written_actions(argument, constants)]
    return found


def test_every_action_written_in_the_code_is_in_the_vocabulary():
    found = _actions_in_source()
    # The walk finds the calls (it cannot pass by finding none): there are ~100 of them.
    assert sum(kind == "literal" for _where, kind, _text in found) > 80
    known = set(AuditAction.values)
    unknown = [
        f"{where}: {text}"
        for where, kind, text in found
        if (kind == "literal" and text not in known)
        or (kind == "member" and text not in AuditAction.__members__)
        or (kind == "pattern" and not any(re.fullmatch(text, value) for value in known))
    ]
    assert not unknown, (
        "Audit actions without a label: add them to sinergi.core.audit_actions.AuditAction"
        " (with the Indonesian translation):\n" + "\n".join(unknown)
    )


def test_the_source_walk_sees_literals_members_patterns_and_both_branches():
    tree = ast.parse(
        "from sinergi.core import audit\n"
        "from sinergi.core.audit import read as audit_read\n"
        "GONE = 'e.gone'\n"
        "audit.record('a.b', by=None)\n"
        "audit.record(GONE, by=None)\n"
        "audit.read(request, 'c.view' if x else AuditAction.INMATE_VIEW)\n"
        "audit_read(request, f'report.download_{kind}')\n"
        "audit.read_list(request, action='d.list')\n"
        "other.record('not.audit')\n"
    )
    written = [
        item
        for call, writer in _writer_calls(tree)
        for item in _written_actions(
            _action_argument(call, writer),  # type: ignore[arg-type]
            _module_constants(tree),
        )
    ]
    assert written == [
        ("literal", "a.b"),
        ("literal", "e.gone"),
        ("literal", "c.view"),
        ("member", "INMATE_VIEW"),
        ("pattern", r"report\.download_.+"),
        ("literal", "d.list"),
    ]


def test_every_action_has_an_indonesian_label():
    with translation.override("en"):
        english = {a.value: str(a.label) for a in AuditAction}
    with translation.override("id"):
        indonesian = {a.value: str(a.label) for a in AuditAction}
    untranslated = sorted(v for v in english if indonesian[v] == english[v])
    assert not untranslated, untranslated
    assert indonesian["inmate.view"] == "Data WBP dilihat"


def test_an_unknown_action_label_reads_as_the_action_itself():
    assert action_label("inmate.view") == str(AuditAction.INMATE_VIEW.label)
    assert action_label("gone.away") == "gone.away"


@pytest.mark.django_db
def test_an_events_action_label_is_looked_up_not_the_vocabulary_flattened(monkeypatch):
    """``get_action_display`` (the page, the admin) names the action in the active language
    without flattening and translating the whole vocabulary for each row (Django's did:
    two fifths of the audit page's time); an unknown action reads as itself."""
    from django.db.models import Field

    def flattened(field):
        raise AssertionError(f"{field.name}'s choices flattened")

    monkeypatch.setattr(Field, "flatchoices", property(flattened))
    event = AuditEvent(action=AuditAction.INMATE_VIEW)
    for language in ("id", "en"):
        with translation.override(language):
            assert event.get_action_display() == str(AuditAction.INMATE_VIEW.label)
    with translation.override("id"):
        assert event.get_action_display() != AuditAction.INMATE_VIEW.value
    assert AuditEvent(action="gone.away").get_action_display() == "gone.away"


def test_the_writer_refuses_an_action_not_in_the_vocabulary(rf, demo_world, user):
    officer = user("petugas.selong")
    before = AuditEvent.objects.count()
    with pytest.raises(ValueError, match="not an audit action"):
        audit.record("inmate.peek", by=officer)
    request = rf.get("/x/")
    request.user = officer
    with pytest.raises(ValueError, match="not an audit action"):
        audit.read(request, "inmate.peek.view")
    with pytest.raises(ValueError, match="not an audit action"):
        audit.read_list(request, "inmate.peek.list")  # refused before it is left pending
    assert AuditEvent.objects.count() == before
    # A member of the vocabulary and its plain string are both accepted.
    assert audit.record(AuditAction.INMATE_VIEW, by=officer).action == "inmate.view"
    assert audit.record("inmate.view", by=officer).action == "inmate.view"


@pytest.fixture
def viewed(demo_world, user):
    selong = Facility.objects.get(code="selong")
    audit.record("inmate.view", by=user("petugas.selong"), target=selong, facility=selong)
    audit.record("inmate.list", by=user("petugas.selong"), facility=selong)
    return selong


@pytest.mark.django_db
def test_the_audit_page_names_actions_by_their_label_in_the_readers_language(client_for, viewed):
    client = client_for("kalapas.selong")
    indonesian = client.get("/audit/").content.decode()
    assert "<td>Data WBP dilihat</td>" in indonesian
    assert "<td>Daftar WBP dilihat</td>" in indonesian
    assert ">inmate.view<" not in indonesian
    client.cookies["sinergi_language"] = "en"
    english = client.get("/audit/").content.decode()
    assert "<td>Inmate viewed</td>" in english
    assert "<td>Inmates listed</td>" in english


@pytest.mark.django_db
def test_the_action_filter_offers_the_labels_and_filters_one_action(client_for, viewed):
    client = client_for("kalapas.selong")
    response = client.get("/audit/", {"action": "inmate.view"})
    body = response.content.decode()
    assert '<option value="inmate.view" selected>Data WBP dilihat</option>' in body
    assert '<option value="program.create">Program dibuat</option>' in body
    assert {e.action for e in response.context["page"].object_list} == {"inmate.view"}
    client.cookies["sinergi_language"] = "en"
    body = client.get("/audit/").content.decode()
    assert '<option value="inmate.view">Inmate viewed</option>' in body
    # A link written with the start of an action still filters by it, and says so.
    response = client.get("/audit/", {"action": "inmate."})
    assert {e.action for e in response.context["page"].object_list} == {
        "inmate.view",
        "inmate.list",
    }
    assert "Starting with “inmate.”" in response.content.decode()


@pytest.mark.django_db
def test_the_audit_csv_has_the_action_and_its_label(client_for, viewed):
    client = client_for("kalapas.selong")
    response = client.get("/audit/export.csv", {"action": "inmate.view"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][2:4] == ["action", "action_label"]
    assert [r[2:4] for r in rows[1:]] == [["inmate.view", "Data WBP dilihat"]]
