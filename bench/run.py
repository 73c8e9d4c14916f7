"""The national benchmark's driver: ``make bench`` (small) or ``make bench SCALE=national``.

Generates the chosen scale and a smaller one to compare with (tiny for small, small for
national), checks that the main pages answer on the generated data (a smoke test with
``django.test.Client``), then runs each part that exists:

- ``bench.national.pages.measure(database_url, accounts)`` at both scales (the comparison
  scale's while the chosen scale is generated: only its query counts are compared);
- ``bench.national.load.run(database_url, accounts, users, seconds)`` at the chosen scale;
- ``bench.import_benchmark.run(rows, database_url)`` and
  ``bench.recalculation_benchmark.run(rows, database_url)``;

and writes ``bench/results/<scale>.json`` and ``bench/results/<scale>.md`` (printed too).
A part whose module or function does not exist yet is reported "not available". How
much each part does is per scale (``PLAN``): at small, one warm-up and 2 measured
requests per page for one account per role (the median facility's), at national 5 for
the accounts of the three facility sizes. ``--parts`` runs only some parts (smoke, pages,
load, import, recalculation; the comparison scale is generated only for the pages); the
report keeps the other parts' results of the scale's last report. The load run's
gunicorn gets this process's environment: ``CACHE_URL`` points it at a shared cache.

    DEBUG=true .venv/bin/python bench/run.py --scale small [--seed 1] [--reuse] \
        [--parts pages,load]
    make bench SCALE=national BENCH_ARGS="--reuse --parts load"
"""

from __future__ import annotations

import argparse
import datetime
import functools
import importlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.national import database_url, setup_django, use_database  # noqa: E402
from bench.national.generate import RESULTS, Result, generate  # noqa: E402

COMPARISON = {"small": "tiny", "national": "small"}
# Per scale: the load run (users, seconds), the rows of the import and recalculation, and
# the pages: ``repeat`` measured requests per page after one warm-up
# (``comparison_repeat`` at the comparison scale, measured for its query counts), for the
# accounts of
# ``sizes`` (one account per role; the facility roles' for each of these facility sizes,
# bench/national/generate.py's "smallest", "median", "largest"), the plans of the
# ``explained`` slowest pages.
PLAN: dict[str, dict[str, Any]] = {
    "small": {
        "users": 20,
        "seconds": 15,
        "import_rows": 5_000,
        "recalculation_rows": 4_000,
        "repeat": 2,
        "comparison_repeat": 1,
        "sizes": ["median"],
        "explained": 15,
    },
    "national": {
        "users": 200,
        "seconds": 120,
        # Users start signed in (load.run's signed_in): 200 real sign-ins cost more CPU
        # than the whole 2 minutes of a 2-core machine (PBKDF2, by design).
        "signed_in": True,
        "import_rows": 100_000,
        "recalculation_rows": 270_000,
        "repeat": 5,
        "comparison_repeat": 1,
        "sizes": ["smallest", "median", "largest"],
        "explained": 15,
    },
}
PARTS = ("smoke", "pages", "load", "public", "import", "recalculation")
# The targets (never timed tests: the report marks each ✔ or ✘).
TARGETS = {
    "national_dashboard_ms": 300,
    "regional_dashboard_ms": 150,
    "list_page_ms": 100,
    "public_cached_rps": 200,
    "public_cold_ms": 1000,
    "load_p95_ms": 1000,
    "load_errors": 0,
    "import_new_rows_s": 5_000,
    "import_same_rows_s": 20_000,
    "recalculation_s": 180,
}


def part(module: str, function: str) -> Callable[..., Any] | None:
    """``module.function`` if both exist, else None."""
    try:
        loaded = importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name and module.startswith(error.name):
            return None
        raise
    found = getattr(loaded, function, None)
    return found if callable(found) else None


# --------------------------------------------------------------------------------------
# Smoke test


def smoke(result: Result) -> list[str]:
    """Log in as generated users and open the main pages: every one must answer 200
    without an exception. Returns the failures."""
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    use_database(result.url)
    cache.clear()  # the public page of the other scale must not answer from the cache
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    accounts = {a["username"]: a for a in result.accounts}
    officer = next(
        a for a in result.accounts if a["role"] == "program_officer" and a["which"] == "largest"
    )
    kanwil = next(a for a in result.accounts if a["role"] == "regional_viewer")
    admin = next(a for a in result.accounts if a["role"] == "administrator")

    def url(name: str, *args: Any) -> str | None:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            return None

    region_id = facility_region(officer["facility_id"])
    visits: list[tuple[dict[str, Any], str, str | None]] = [
        (officer, "home", "/"),
        (officer, "inmate list", url("inmates:list")),
        (officer, "inmate page", url("inmates:detail", officer["inmate_id"])),
        (officer, "program list", url("programs:list")),
        (officer, "reintegration worklist", url("reintegration:worklist")),
        (officer, "facility dashboard", url("indicators:facility", officer["facility_id"])),
        (kanwil, "regional dashboard", url("indicators:region", region_id)),
        (admin, "national dashboard", url("indicators:national")),
        (admin, "home (administrator)", "/"),
        (None, "public page", "/publik/"),  # type: ignore[list-item]
    ]
    failures: list[str] = []
    clients: dict[str, Client] = {}
    for account, label, path in visits:
        if path is None:
            failures.append(f"{label}: no URL found")
            continue
        key = account["username"] if account else ""
        if key not in clients:
            client = Client(raise_request_exception=True)
            if account:
                client.force_login(user_of(accounts[key]["user_id"]))
            clients[key] = client
        started = time.perf_counter()
        try:
            response = clients[key].get(path, follow=False)
        except Exception:
            failures.append(f"{label} {path}: {traceback.format_exc(limit=3)}")
            continue
        took = (time.perf_counter() - started) * 1000
        print(f"    smoke {result.scale}: {label} {path} -> {response.status_code} ({took:.0f} ms)")
        if response.status_code != 200:
            failures.append(f"{label} {path} answered {response.status_code}")
    return failures


def facility_region(facility_id: int) -> int:
    from sinergi.orgs.models import Facility

    return Facility.objects.values_list("region_id", flat=True).get(pk=facility_id)


def user_of(user_id: int) -> Any:
    from sinergi.accounts.models import User

    return User.objects.get(pk=user_id)


# --------------------------------------------------------------------------------------
# The machine


def machine() -> dict[str, Any]:
    import psycopg

    memory = 0
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    memory = int(line.split()[1]) // 1024
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    from bench.national import server_url

    try:
        with psycopg.connect(server_url(), autocommit=True) as connection:
            row = connection.execute("SHOW server_version").fetchone()
            postgres = row[0] if row else "?"
    except psycopg.Error:
        postgres = "?"
    return {
        "cores": os.cpu_count(),
        "ram_mb": memory,
        "postgresql": postgres,
        "python": platform.python_version(),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "commit": commit,
    }


# --------------------------------------------------------------------------------------
# The report


def mark(value: float | None, target: float, higher_is_better: bool = False) -> str:
    if value is None:
        return "-"
    ok = value >= target if higher_is_better else value <= target
    return "✔" if ok else "✘"


def number(value: Any, digits: int = 0) -> str:
    if value is None:
        return "-"
    if isinstance(value, int | float):
        return f"{value:,.{digits}f}"
    return str(value)


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        f"# Benchmark, scale {report['scale']} (compared with {report['comparison']})",
        "",
        f"{m['date']}, commit {m['commit']}; {m['cores']} cores, {m['ram_mb']:,} MB RAM, "
        f"PostgreSQL {m['postgresql']}, Python {m['python']}; seed {report['seed']}.",
        "",
    ]
    if report.get("timings"):
        spent = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in report["timings"].items())
        lines += [f"Whole run {report['seconds']:.0f} s: {spent}.", ""]
    if report.get("kept"):
        kept = ", ".join(f"{name} ({when})" for name, when in report["kept"].items())
        lines += [f"Not run this time, kept from an earlier report: {kept}.", ""]
    lines += [
        "## Data",
        "",
        "| scale | generated in | rows | MB | attendance marks | people | released |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, data in report["data"].items():
        tables = data["tables"]
        rows = sum(int(t["rows"]) for t in tables.values())
        size = sum(t["mb"] for t in tables.values())

        def count(table: str, tables: dict[str, Any] = tables) -> str:
            return number(tables.get(table, {}).get("rows"))

        reused = " (reused)" if data["reused"] else ""
        lines.append(
            f"| {name} | {number(data['seconds'])} s{reused} | {rows:,} | {size:,.0f} | "
            f"{count('programs_attendance')} | {count('inmates_inmate')} | "
            f"{count('reintegration_release')} |"
        )
    lines += ["", "## Smoke test (main pages answer 200 on the generated data)", ""]
    smoked = report["smoke"]
    if isinstance(smoked, str):
        lines.append(smoked)
    else:
        for name, failures in smoked.items():
            verdict = "✔ all 200" if not failures else "✘ " + "; ".join(failures)
            lines.append(f"- {name}: {verdict}")

    lines += ["", "## Pages", ""]
    pages = report["pages"]
    if isinstance(pages, str):
        lines.append(pages)
    else:
        comparison, scale = report["comparison"], report["scale"]
        lines += [
            f"{pages['repeat']} measured requests per page after one warm-up (medians; "
            f"{pages.get('comparison_repeat', pages['repeat'])} at {comparison}, for the "
            "query counts); "
            f"accounts: one per role, facility roles at the {', '.join(pages['sizes'])} "
            "facility.",
            "",
            f"| page | user | status | queries {comparison} | queries {scale} | same "
            "| server ms | SQL ms | ratio | target ms | |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for page in pages["rows"]:
            target = page_target(str(page.get("page", "")), page)
            ms = page.get("server_ms")
            sql = page.get("sql_ms")
            ratio = page.get("ratio") or (ms / sql if ms and sql else None)
            counts = page.get("queries") or {}
            same = "✔" if counts.get(comparison) == counts.get(scale) else "✘"
            status = page.get("status") if page.get("ok", True) else f"✘ {page.get('error', '')}"
            user = page.get("username", page.get("role", ""))
            if page.get("which"):
                user += f" ({page['which']})"
            lines.append(
                f"| {page.get('page')} | {user} | "
                f"{status} | {number(counts.get(comparison))} | {number(counts.get(scale))} | "
                f"{same} | {number(ms, 1)} | {number(sql, 1)} | {number(ratio, 1)} | "
                f"{number(target)} | {mark(ms, target) if target else ''} |"
            )
        differing = sum(
            1
            for page in pages["rows"]
            if (page.get("queries") or {}).get(comparison) != (page.get("queries") or {}).get(scale)
        )
        lines += ["", f"{differing} of {len(pages['rows'])} pages differ in query count."]
        if pages.get("slowest"):
            lines += [
                "",
                f"### The slowest statements of the {len(pages['slowest'])} slowest pages",
            ]
        for page in pages.get("slowest", []):
            lines += [
                "",
                f"**{page['page']}** ({page['username']}, page {number(page['server_ms'], 1)} ms, "
                f"statement {number(page.get('slowest_ms'), 1)} ms):",
                "",
                "```sql",
                str(page.get("slowest_sql", "")),
                "```",
                "",
                "```",
                str(page.get("plan", "")),
                "```",
            ]
    lines += ["", "## Public pages (`/publik/`)", ""]
    public = report.get("public", "skipped")
    if isinstance(public, dict):
        from bench.national import public as public_part

        lines.append(public_part.to_markdown(public))
        for path, measured in public.get("paths", {}).items():
            rate = measured.get("cached", {}).get("requests_per_s")
            cold = measured.get("cold", {}).get("max_ms")
            wanted_rate, wanted_cold = TARGETS["public_cached_rps"], TARGETS["public_cold_ms"]
            lines += [
                "",
                f"{path}: from the cache {number(rate)} requests/s (target ≥ {wanted_rate}) "
                f"{mark(rate, wanted_rate, higher_is_better=True)}; cold {number(cold)} ms "
                f"(target ≤ {wanted_cold}) {mark(cold, wanted_cold)}",
            ]
    else:
        lines.append(str(public))
    lines += ["", "## Load", ""]
    load = report["load"]
    if isinstance(load, str):
        lines.append(load)
    else:
        if load.get("cache"):
            lines += [f"Cache: {load['cache']}.", ""]
        total = load.get("total") or {}
        errors = total.get("errors", load.get("errors"))
        if not isinstance(errors, int | float):
            errors = None
        lines.append(
            f"{load.get('users', '?')} users for {load.get('seconds', '?')} s: "
            f"{number(total.get('requests'))} requests, errors {number(errors)} "
            f"{mark(errors, TARGETS['load_errors'])}, p50 {number(total.get('p50_ms'))} ms, "
            f"p95 {number(total.get('p95_ms'))} ms {mark(total.get('p95_ms'), 1000)}, "
            f"max {number(total.get('max_ms'))} ms; gunicorn worker timeouts "
            f"{number(load.get('worker_timeouts'))}, tracebacks "
            f"{number(load.get('server_tracebacks'))}"
        )
        lines += ["", "| page | requests | errors | p50 ms | p95 ms | max ms | p95 ≤ 1 s |"]
        lines.append("|---|---|---|---|---|---|---|")
        for page in load.get("pages", []):
            lines.append(
                f"| {page.get('name', page.get('page'))} | {number(page.get('requests'))} | "
                f"{number(page.get('errors'))} | {number(page.get('p50_ms'))} | "
                f"{number(page.get('p95_ms'))} | {number(page.get('max_ms'))} | "
                f"{mark(page.get('p95_ms'), TARGETS['load_p95_ms'])} |"
            )
    lines += ["", "## Import and recalculation", ""]
    for key, title in (("import", "Import"), ("recalculation", "Recalculation")):
        value = report[key]
        lines.append(f"### {title}")
        lines.append("")
        if isinstance(value, str):
            lines.append(value)
        else:
            lines.append("| measure | value | target | |")
            lines.append("|---|---|---|---|")
            for name, measured in flatten(value).items():
                target, higher = bulk_target(key, name)
                shown = number(measured, 1) if isinstance(measured, float) else measured
                verdict = ""
                if target and isinstance(measured, int | float):
                    verdict = mark(measured, target, higher)
                lines.append(
                    f"| {name} | {shown} | {number(target) if target else ''} | {verdict} |"
                )
        lines.append("")
    return "\n".join(lines) + "\n"


def page_target(name: str, page: dict[str, Any]) -> float | None:
    if "target_ms" in page:
        return float(page["target_ms"])
    lowered = name.lower()
    if "national" in lowered:
        return TARGETS["national_dashboard_ms"]
    if "region" in lowered:
        return TARGETS["regional_dashboard_ms"]
    if "publik" in lowered or "public" in lowered:
        return TARGETS["public_cold_ms"]
    if "list" in page:  # every list page and list endpoint (``Page.list``)
        return TARGETS["list_page_ms"] if page["list"] else None
    if "list" in lowered or "worklist" in lowered:  # a report from before ``list`` was kept
        return TARGETS["list_page_ms"]
    return None


def bulk_target(part_name: str, measure: str) -> tuple[float | None, bool]:
    lowered = measure.lower()
    rate = lowered.endswith(("rows_s", ".rate"))
    if part_name == "import" and rate and "copy" not in lowered and "parse" not in lowered:
        if "new" in lowered:
            return TARGETS["import_new_rows_s"], True
        if "same" in lowered or "reimport" in lowered or "re-import" in lowered:
            return TARGETS["import_same_rows_s"], True
    if part_name == "recalculation" and lowered.endswith("seconds") and "copy" not in lowered:
        return TARGETS["recalculation_s"], False
    return None, False


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Nested results as "a.b" keys; a list of dicts by each one's "phase" (or index)."""
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        value = {str(item.get("phase", n)): item for n, item in enumerate(value)}
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, inner in value.items():
            nested = isinstance(inner, dict | list) and inner
            out.update(flatten(inner, f"{prefix}{key}." if nested else f"{prefix}{key}"))
        return out
    return {prefix.rstrip("."): value}


# --------------------------------------------------------------------------------------


def in_subprocess(module: str, function: str) -> Callable[..., Any] | None:
    """``module.function`` called in a process of its own (with its arguments and result
    as JSON): the import benchmark sets Django up for its database, which this process
    has set up for another. None when it does not exist."""
    if part(module, function) is None:
        return None

    def call(*args: Any) -> Any:
        with tempfile.TemporaryDirectory(prefix="sinergi-bench-") as folder:
            out = Path(folder) / "result.json"
            code = (
                "import json, sys; sys.path.insert(0, sys.argv[1]); "
                f"from {module} import {function} as f; "
                "json.dump(f(*json.loads(sys.argv[2])), open(sys.argv[3], 'w'), default=str)"
            )
            subprocess.run(
                [sys.executable, "-c", code, str(ROOT), json.dumps(args), str(out)],
                cwd=ROOT,
                check=True,
            )
            return json.loads(out.read_text())

    return call


def daily_jobs(url: str) -> None:
    """What a deployment runs each day after midnight (README, "Stored figures"): the
    month that closed is stored for the country and every region (`manage.py
    store_figures`; sets already stored are kept, so a reused database costs a few
    queries). The dashboards and the public table of a running server read it; without
    it, their first reads of the month store it while the pages are measured."""
    print("stored figures of the month that closed (manage.py store_figures) ...", flush=True)
    subprocess.run(
        [sys.executable, "manage.py", "store_figures"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "DEBUG": "true"},
        check=True,
    )


def run_part(label: str, function: Callable[..., Any] | None, *args: Any) -> Any:
    """Call a part; "not available" when it does not exist, the error when it fails."""
    if function is None:
        print(f"{label}: not available (its module or function does not exist yet)", flush=True)
        return f"not available: {label} does not exist yet"
    print(f"{label} ...", flush=True)
    started = time.perf_counter()
    try:
        value = function(*args)
    except Exception:
        failure = traceback.format_exc(limit=6)
        print(f"{label} FAILED:\n{failure}", flush=True)
        return f"failed: {failure.strip().splitlines()[-1]}"
    print(f"{label}: {time.perf_counter() - started:.1f} s", flush=True)
    return value


def chosen_accounts(accounts: list[dict[str, Any]], sizes: list[str]) -> list[dict[str, Any]]:
    """One account per role, and for the facility roles one per facility size in ``sizes``
    (the generator's ``which``): the first of each."""
    seen: set[tuple[str, str]] = set()
    chosen = []
    for account in accounts:
        which = account.get("which") or ""
        if which and which not in sizes:
            continue
        key = (account["role"], which)
        if key not in seen:
            seen.add(key)
            chosen.append(account)
    return chosen


LEAN = (
    "role",
    "which",
    "username",
    "page",
    "path",
    "main",
    "list",
    "status",
    "ok",
    "error",
    "skipped",
)


def lean_pages(
    measured: dict[str, list[dict[str, Any]]], scale: str, comparison: str, plan: dict[str, Any]
) -> dict[str, Any]:
    """The pages of both scales as one row per (role, facility size, page): its status,
    query count at each scale, median server and SQL times and their ratio at ``scale``
    (and the server time at ``comparison``); the SQL and plan of the slowest statement of
    only the ``explained`` slowest pages."""

    def key(row: dict[str, Any]) -> tuple[str, str, str]:
        return (row["role"], row.get("which") or "", row["page"])

    before = {key(row): row for row in measured.get(comparison, [])}
    rows = []
    for row in measured.get(scale, []):
        other = before.pop(key(row), {})
        lean = {name: row[name] for name in LEAN if row.get(name) not in (None, "")}
        lean["status"] = row.get("status")
        if other and not other.get("ok", True) and not other.get("skipped"):
            lean["error"] = (
                lean.get("error", "") + f" (at {comparison}: {other.get('error')})"
            ).strip()
            lean["ok"] = False
        lean["queries"] = {comparison: other.get("queries"), scale: row.get("queries")}
        if row.get("queries_varied") or other.get("queries_varied"):
            lean["queries_varied"] = True
        for name in ("server_ms", "server_max_ms", "sql_ms", "ratio", "slowest_ms"):
            lean[name] = row.get(name)
        lean[f"{comparison}_server_ms"] = other.get("server_ms")
        rows.append(lean)
    for other in before.values():  # measured at the comparison scale only
        lean = {name: other[name] for name in LEAN if other.get(name) not in (None, "")}
        lean["queries"] = {comparison: other.get("queries"), scale: None}
        lean[f"{comparison}_server_ms"] = other.get("server_ms")
        lean["error"] = f"measured at {comparison} only"
        rows.append(lean)
    explained = sorted(
        (row for row in measured.get(scale, []) if row.get("plan")),
        key=lambda row: -(row.get("server_ms") or 0),
    )[: plan["explained"]]
    slowest = [
        {
            name: row.get(name)
            for name in (
                "role",
                "username",
                "page",
                "server_ms",
                "slowest_ms",
                "slowest_sql",
                "plan",
            )
        }
        for row in explained
    ]
    return {
        "repeat": plan["repeat"],
        "comparison_repeat": plan["comparison_repeat"],
        "sizes": plan["sizes"],
        "rows": rows,
        "slowest": slowest,
    }


def earlier_report(scale: str) -> dict[str, Any]:
    """The report this scale last wrote (its parts are kept when a run leaves them out)."""
    try:
        earlier: dict[str, Any] = json.loads((RESULTS / f"{scale}.json").read_text())
    except (OSError, ValueError):
        return {}
    return earlier if earlier.get("scale") == scale else {}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=list(COMPARISON), default="small")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--reuse", action="store_true", help="keep databases of the same scale and seed"
    )
    parser.add_argument(
        "--parts",
        default=",".join(PARTS),
        help=f"the parts to run, comma-separated (default all: {','.join(PARTS)}); the "
        "report keeps the others' results of the scale's last report",
    )
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        help="a part to leave out: " + ", ".join(PARTS),
    )
    args = parser.parse_args()
    started = time.perf_counter()
    scale, comparison = args.scale, COMPARISON[args.scale]
    plan = PLAN[scale]
    wanted = [name.strip() for name in args.parts.split(",") if name.strip()]
    unknown = set(wanted) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))} (parts: {', '.join(PARTS)})")
    run = {name for name in wanted if name not in set(args.skip)}
    timings: dict[str, float] = {}

    def timed(name: str, since: float) -> None:
        timings[name] = round(time.perf_counter() - since, 1)

    measure = part("bench.national.pages", "measure")

    def measure_pages(name: str, result: Result) -> Any:
        explained = plan["explained"] if name == scale else 0
        repeat = plan["repeat"] if name == scale else plan["comparison_repeat"]
        begun = time.perf_counter()
        value = run_part(
            f"pages at {name}",
            (
                lambda url, accounts: measure(
                    url, accounts, repeat=repeat, explain=explained > 0, explain_top=explained
                )
            )
            if measure
            else None,
            result.url,
            chosen_accounts(result.accounts, plan["sizes"]),
        )
        timed(f"pages {name}", begun)
        return value

    results: dict[str, Result] = {}
    measured: dict[str, Any] = {}
    background: threading.Thread | None = None
    # the comparison scale only for the pages (query counts at two scales)
    for name in (comparison, scale) if "pages" in run else (scale,):
        print(f"== data: {name}", flush=True)
        begun = time.perf_counter()
        results[name] = generate(name, args.seed, reuse=args.reuse)
        timed(f"data {name}", begun)
        begun = time.perf_counter()
        daily_jobs(results[name].url)
        timed(f"stored figures {name}", begun)
        if name == comparison:
            # Its pages, measured for their query counts (its times are not compared), in
            # a process of their own while the chosen scale is generated.
            background = threading.Thread(
                target=lambda name=name: measured.update(
                    {name: measure_pages(name, results[name])}
                ),
                daemon=True,
            )
            background.start()
    setup_django(results[scale].url)

    smoke_failures: Any = "skipped"
    if "smoke" in run:
        print("== smoke test", flush=True)
        begun = time.perf_counter()
        smoke_failures = {name: smoke(result) for name, result in results.items()}
        for name, failures in smoke_failures.items():
            for failure in failures:
                print(f"SMOKE FAILURE ({name}): {failure}", flush=True)
        timed("smoke", begun)

    pages: Any = "skipped"
    if "pages" in run:
        if background is not None:
            background.join()
        earlier_value = measured.get(comparison)
        if isinstance(earlier_value, str):
            pages = earlier_value
        else:
            value = measure_pages(scale, results[scale])
            if isinstance(value, str):
                pages = value
            else:
                measured[scale] = value
                pages = lean_pages(measured, scale, comparison, plan)
    load: Any = "skipped"
    if "load" in run:
        begun = time.perf_counter()
        chosen = results[scale]
        runner = part("bench.national.load", "run")
        load = run_part(
            f"load at {scale}",
            functools.partial(runner, signed_in=plan.get("signed_in", False)) if runner else None,
            chosen.url,
            chosen.accounts,
            plan["users"],
            plan["seconds"],
        )
        if isinstance(load, dict):
            # gunicorn gets this process's environment: CACHE_URL points it at a shared cache
            cache = os.environ.get("CACHE_URL", "")
            load["cache"] = (
                f"CACHE_URL {cache.split('://')[0]}" if cache else "local memory, per worker"
            )
        timed("load", begun)
    public: Any = "skipped"
    if "public" in run:
        begun = time.perf_counter()
        public = run_part(
            f"public at {scale}", part("bench.national.public", "run"), results[scale].url
        )
        timed("public", begun)
    from django.db import connections

    connections.close_all()  # nothing of this process holds a database the parts drop
    import_result: Any = "skipped"
    if "import" in run:
        begun = time.perf_counter()
        # Its own database (the import benchmark drops and creates the one it is given).
        import_result = run_part(
            "import",
            in_subprocess("bench.import_benchmark", "run"),
            plan["import_rows"],
            database_url(f"sinergi_bench_import_{scale}", results[scale].url),
        )
        timed("import", begun)
    recalculation: Any = "skipped"
    if "recalculation" in run:
        begun = time.perf_counter()
        recalculation = run_part(
            "recalculation",
            in_subprocess("bench.recalculation_benchmark", "run"),
            plan["recalculation_rows"],
            results[scale].url,
        )
        timed("recalculation", begun)

    report = {
        "scale": scale,
        "comparison": comparison,
        "seed": args.seed,
        "machine": machine(),
        "plan": plan,
        "targets": TARGETS,
        "data": {
            name: {k: v for k, v in asdict(result).items() if k not in ("accounts", "url")}
            for name, result in results.items()
        },
        "smoke": smoke_failures,
        "pages": pages,
        "load": load,
        "public": public,
        "import": import_result,
        "recalculation": recalculation,
        "parts": sorted(run, key=PARTS.index),
        "timings": timings,
        "seconds": round(time.perf_counter() - started, 1),
    }
    # A part left out keeps its result of the scale's last report (when in this format).
    earlier = earlier_report(scale)
    kept = {}
    for name, key in (
        ("smoke", "smoke"),
        ("pages", "pages"),
        ("load", "load"),
        ("public", "public"),
        ("import", "import"),
        ("recalculation", "recalculation"),
    ):
        value = earlier.get(key)
        if name in run or value in (None, "skipped") or isinstance(value, str):
            continue
        if name == "pages" and not (isinstance(value, dict) and "rows" in value):
            continue  # an earlier format
        report[key] = value
        kept[name] = earlier.get("kept", {}).get(name) or earlier.get("machine", {}).get("date")
        if name == "pages":
            report["data"].setdefault(comparison, earlier.get("data", {}).get(comparison))
    report["kept"] = kept
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{scale}.json").write_text(json.dumps(report, indent=1, default=str) + "\n")
    text = markdown(report)
    (RESULTS / f"{scale}.md").write_text(text)
    print(text, flush=True)
    print(f"whole benchmark: {report['seconds']:.0f} s; results in {RESULTS}/{scale}.{{json,md}}")
    failed = isinstance(smoke_failures, dict) and any(smoke_failures.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
