"""The house rules of DESIGN.md as a checker over the source tree (Python's ``ast``, no
database, no import of the code checked).

* Layers: data flows one way, core → orgs → accounts → inmates → programs → cooperation →
  reintegration → proposals → indicators → privacy. A module of an app may use only its own app and
  the apps before it, whether by ``import``, by a string model reference
  (``ForeignKey("programs.Program")``, ``apps.get_model("programs", "Program")``) or by
  ``importlib.import_module("sinergi.programs…")``. ``core`` and ``sentences`` use no app
  (``sentences`` is the pure rule engine: nothing of the project at all). ``api`` (which
  wires every app's router), ``settings``, ``urls``, ``wsgi`` and ``formats`` sit above
  every app.
* Actions: a public function of an actions module (``actions.py``, ``*_actions.py`` or a
  module of an ``actions/`` package) that writes — saves, creates, updates, deletes,
  records an audit event, directly or through another function of its own module — runs
  in ``transaction.atomic`` (decorated, or every write inside a ``with
  transaction.atomic()`` block), takes keyword-only arguments, and takes ``by``.
* Permissions: an actions module asks django-rules (``require_perm`` / ``has_perm``
  with a predicate of the app's ``rules.py``), never an inline role set: no
  ``scope_of(…)``, no ``.facility_roles`` / ``.facility_ids`` / ``.partner_ids`` /
  ``.region_ids`` of a scope, no role group (``OFFICER_ROLES``, ``STAFF_ROLES``,
  ``REPORT_READER_ROLES``) in an actions module. The page, the API and the admin then
  give the same answer, because they ask the same predicate.
* Every domain app has ``queries.py``, ``actions.py`` and ``rules.py`` (a module or a
  package of that name).

Each finding is a ``Violation`` with a stable ``key`` so that a test may list the known
ones it tolerates for now.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

# The order of DESIGN.md ("Data flows one way"): an app may use the apps before it.
LAYERS: tuple[str, ...] = (
    "core",
    "orgs",
    "accounts",
    "inmates",
    "programs",
    "cooperation",
    "reintegration",
    "proposals",
    "indicators",
    "privacy",
)
# Use no app of the project (sentences uses nothing of it, not even core).
ISOLATED: dict[str, frozenset[str]] = {
    "core": frozenset({"core"}),
    "sentences": frozenset({"sentences"}),
}
# Above every app: they wire the apps together.
TOP: frozenset[str] = frozenset({"api", "settings", "urls", "wsgi", "formats"})
# The apps that must have the three modules of the app template.
DOMAIN_APPS: tuple[str, ...] = LAYERS[1:]
APP_MODULES: tuple[str, ...] = ("queries", "actions", "rules")

MODEL_FIELDS = frozenset({"ForeignKey", "OneToOneField", "ManyToManyField"})
# Calls that write to the database (Model.save, QuerySet.update, Manager.create, …).
WRITE_METHODS = frozenset(
    {
        "save",
        "delete",
        "create",
        "bulk_create",
        "bulk_update",
        "update",
        "get_or_create",
        "update_or_create",
        "full_clean_and_save",
    }
)
# Calls that write an AuditEvent (sinergi.core.audit).
AUDIT_WRITERS = frozenset({"record"})
# Functions (called by name) that write.
WRITE_FUNCTIONS = frozenset({"bulk_update_with_history", "bulk_create_with_history"})


@dataclass(frozen=True)
class Violation:
    rule: str  # "layer", "action", "permission", "app-module"
    path: str  # relative to the project root
    line: int
    detail: str
    key: str  # stable (no line number): what an allow-list names

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: [{self.rule}] {self.detail}"


def _component(module: str) -> str | None:
    """The app (or top-level part) a dotted ``sinergi.x.y`` name belongs to."""
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != "sinergi":
        return None
    return parts[1]


def _allowed(source: str, target: str) -> bool:
    if source == target or source in TOP:
        return True
    if source in ISOLATED:
        return target in ISOLATED[source]
    if target in ("core", "sentences"):
        return True  # shared pieces and the rule engine serve every app
    if source in LAYERS and target in LAYERS:
        return LAYERS.index(target) <= LAYERS.index(source)
    return False  # an app using api, urls, settings: the wiring sits above the apps


def _python_files(package: Path) -> Iterator[Path]:
    for path in sorted(package.rglob("*.py")):
        if "migrations" in path.parts or "__pycache__" in path.parts:
            continue
        yield path


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve_relative(module: str, is_package: bool, level: int, name: str | None) -> str:
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, name] if name else base)


def _string_args(call: ast.Call) -> list[str]:
    return [
        arg.value
        for arg in call.args
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
    ]


def _call_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _uses(tree: ast.AST, module: str, is_package: bool) -> Iterator[tuple[int, str, str]]:
    """(line, app used, how) for every use of an app of the project in one module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if (app := _component(alias.name)) is not None:
                    yield node.lineno, app, f"import {alias.name}"
        elif isinstance(node, ast.ImportFrom):
            target = (
                _resolve_relative(module, is_package, node.level, node.module)
                if node.level
                else node.module or ""
            )
            if target == "sinergi":  # from sinergi import programs
                for alias in node.names:
                    yield node.lineno, alias.name, f"from sinergi import {alias.name}"
            elif (app := _component(target)) is not None:
                yield node.lineno, app, f"from {target} import …"
        elif isinstance(node, ast.Call):
            name = _call_name(node.func)
            strings = _string_args(node)
            if name in MODEL_FIELDS:
                to = [
                    kw.value.value
                    for kw in node.keywords
                    if kw.arg == "to"
                    and isinstance(kw.value, ast.Constant)
                    and isinstance(kw.value.value, str)
                ]
                for ref in (strings[:1] or to)[:1]:
                    if "." in ref:
                        yield node.lineno, ref.split(".")[0], f'{name}("{ref}")'
            elif name == "get_model" and strings:
                label = strings[0].split(".")[0]
                yield node.lineno, label, f"get_model({', '.join(map(repr, strings))})"
            elif name == "import_module" and strings and (app := _component(strings[0])):
                yield node.lineno, app, f"import_module({strings[0]!r})"


def _components(root: Path) -> set[str]:
    package = root / "sinergi"
    found = {p.name for p in package.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    found |= {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
    return found


def layer_violations(root: Path) -> list[Violation]:
    """Every use of an app by a module that must not know it (see the module docstring)."""
    root = Path(root)
    known = _components(root)
    found: list[Violation] = []
    for path in _python_files(root / "sinergi"):
        module = _module_name(root, path)
        source = _component(module)
        if source is None:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        for line, target, how in _uses(tree, module, is_package):
            if target not in known and target not in LAYERS:
                continue  # a third-party app label (auth, contenttypes, …)
            if _allowed(source, target):
                continue
            rel = str(path.relative_to(root))
            found.append(
                Violation(
                    rule="layer",
                    path=rel,
                    line=line,
                    detail=f"{source} uses {target} ({how}): {_why(source, target)}",
                    key=f"{rel}: {how}",
                )
            )
    return found


def _why(source: str, target: str) -> str:
    if source == "sentences":
        return "sentences is the pure rule engine and uses nothing of the project"
    if source == "core":
        return "core knows no app"
    return f"{target} comes after {source} in {' → '.join(LAYERS)}"


def _is_actions_module(root: Path, path: Path) -> bool:
    rel = path.relative_to(root / "sinergi").parts
    if len(rel) < 2:
        return False
    if len(rel) == 2:
        return rel[1] == "actions.py" or rel[1].endswith("_actions.py")
    return rel[1] == "actions"  # a module of an actions/ package


def _is_atomic_expr(node: ast.expr) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    return _call_name(target) == "atomic"


def _writes_here(node: ast.Call) -> bool:
    name = _call_name(node.func)
    if name in WRITE_FUNCTIONS:
        return True
    if name in WRITE_METHODS:
        return isinstance(node.func, ast.Attribute)
    if name in AUDIT_WRITERS and isinstance(node.func, ast.Attribute):
        owner = node.func.value
        return isinstance(owner, ast.Name) and owner.id == "audit"
    return False


class _WriteFinder(ast.NodeVisitor):
    """The write calls of one function, each marked inside or outside an atomic block,
    and the module's own functions it calls (each likewise marked)."""

    def __init__(self, local_functions: set[str]) -> None:
        self.local_functions = local_functions
        self.writes: list[tuple[int, bool]] = []
        self.calls: list[tuple[str, int, bool]] = []
        self._atomic_depth = 0

    def visit_With(self, node: ast.With) -> None:
        atomic = any(_is_atomic_expr(item.context_expr) for item in node.items)
        self._atomic_depth += atomic
        self.generic_visit(node)
        self._atomic_depth -= atomic

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.generic_visit(node)  # a nested function runs where the outer one calls it

    def visit_Call(self, node: ast.Call) -> None:
        inside = self._atomic_depth > 0
        if _writes_here(node):
            self.writes.append((node.lineno, inside))
        elif isinstance(node.func, ast.Name) and node.func.id in self.local_functions:
            self.calls.append((node.func.id, node.lineno, inside))
        self.generic_visit(node)


def _decorated_atomic(func: ast.FunctionDef) -> bool:
    return any(_is_atomic_expr(decorator) for decorator in func.decorator_list)


def _function_writes(functions: dict[str, ast.FunctionDef]) -> dict[str, list[tuple[int, bool]]]:
    """For each function: the lines of its writes (its own and its helpers'), each marked
    whether it runs inside an atomic block of this function or of the helper."""
    names = set(functions)
    direct: dict[str, _WriteFinder] = {}
    for name, func in functions.items():
        finder = _WriteFinder(names)
        for statement in func.body:
            finder.visit(statement)
        direct[name] = finder

    resolved: dict[str, list[tuple[int, bool]]] = {}

    def resolve(name: str, seen: frozenset[str]) -> list[tuple[int, bool]]:
        if name in resolved:
            return resolved[name]
        finder = direct[name]
        atomic = _decorated_atomic(functions[name])
        writes = [(line, inside or atomic) for line, inside in finder.writes]
        for callee, line, inside in finder.calls:
            if callee in seen:
                continue
            for _, callee_inside in resolve(callee, seen | {callee}):
                writes.append((line, inside or atomic or callee_inside))
        resolved[name] = writes
        return writes

    for name in functions:
        resolve(name, frozenset({name}))
    return resolved


def action_violations(root: Path) -> list[Violation]:
    """Every public writing function of an actions module that is not atomic, not
    keyword-only, or takes no ``by``."""
    root = Path(root)
    found: list[Violation] = []
    for path in _python_files(root / "sinergi"):
        if not _is_actions_module(root, path):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
        writes = _function_writes(functions)
        rel = str(path.relative_to(root))
        app = path.relative_to(root / "sinergi").parts[0]
        for name, func in functions.items():
            if name.startswith("_") or not writes[name]:
                continue
            problems: list[str] = []
            outside = sorted({line for line, inside in writes[name] if not inside})
            if outside:
                problems.append(
                    "writes outside transaction.atomic (line " + ", ".join(map(str, outside)) + ")"
                )
            positional = [a.arg for a in (*func.args.posonlyargs, *func.args.args)]
            if func.args.vararg is not None:
                positional.append(f"*{func.args.vararg.arg}")
            if positional:
                listed = ", ".join(positional)
                problems.append(f"takes positional arguments ({listed}): write `def {name}(*, …)`")
            if "by" not in {a.arg for a in func.args.kwonlyargs}:
                problems.append("takes no keyword-only `by` (the user who acts)")
            for problem in problems:
                found.append(
                    Violation(
                        rule="action",
                        path=rel,
                        line=func.lineno,
                        detail=f"{name}() {problem}",
                        # By app, not by file: it survives an actions.py split into a package.
                        key=f"{app}: {name}() {problem.split(' (')[0].split(':')[0]}",
                    )
                )
    return found


# What an inline role check looks like in an actions module.
SCOPE_CALLS = frozenset({"scope_of"})
SCOPE_ATTRIBUTES = frozenset({"facility_roles", "facility_ids", "partner_ids", "region_ids"})
ROLE_GROUPS = frozenset({"OFFICER_ROLES", "STAFF_ROLES", "REPORT_READER_ROLES"})


def permission_violations(root: Path) -> list[Violation]:
    """Every inline role check in an actions module (instead of ``require_perm``)."""
    root = Path(root)
    found: list[Violation] = []
    for path in _python_files(root / "sinergi"):
        if not _is_actions_module(root, path):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        rel = str(path.relative_to(root))
        for node in ast.walk(tree):
            what: str | None = None
            if isinstance(node, ast.Call) and _call_name(node.func) in SCOPE_CALLS:
                what = f"{_call_name(node.func)}()"
            elif isinstance(node, ast.Attribute) and node.attr in SCOPE_ATTRIBUTES:
                what = f".{node.attr}"
            elif isinstance(node, ast.Name) and node.id in ROLE_GROUPS:
                what = node.id
            elif isinstance(node, ast.alias) and node.name in (SCOPE_CALLS | ROLE_GROUPS):
                continue  # the import alone is reported where the name is used
            if what is None:
                continue
            found.append(
                Violation(
                    rule="permission",
                    path=rel,
                    line=getattr(node, "lineno", 0),
                    detail=f"an inline role check ({what}): ask require_perm(by, perm, obj) "
                    "with a predicate of the app's rules.py",
                    key=f"{rel}: {what}",
                )
            )
    return found


def app_module_violations(root: Path, apps: Iterable[str] = DOMAIN_APPS) -> list[Violation]:
    """Every domain app lacking one of queries, actions, rules (a module or a package)."""
    root = Path(root)
    found: list[Violation] = []
    for app in apps:
        folder = root / "sinergi" / app
        for module in APP_MODULES:
            if (folder / f"{module}.py").exists() or (folder / module / "__init__.py").exists():
                continue
            rel = f"sinergi/{app}/{module}.py"
            found.append(
                Violation(
                    rule="app-module",
                    path=rel,
                    line=0,
                    detail=f"the app {app} has no {module}.py (every app has "
                    + ", ".join(f"{m}.py" for m in APP_MODULES)
                    + ")",
                    key=rel,
                )
            )
    return found


def all_violations(root: Path) -> list[Violation]:
    return [
        *layer_violations(root),
        *action_violations(root),
        *permission_violations(root),
        *app_module_violations(root),
    ]
