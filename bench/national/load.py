"""The load run of the national benchmark: gunicorn as in production, and locust headless
with ``users`` simulated users over the main pages of every role for ``seconds``.

gunicorn serves ``sinergi.wsgi`` with 4 workers on a free loopback port, DEBUG off, a
real SECRET_KEY, the static files collected and served by WhiteNoise, the web server's
database limits (statement_timeout, JIT off), behind "one proxy" (each simulated user
sends its own X-Forwarded-For; bench/national/load_settings.py). MFA is off (benchmark
accounts have no TOTP device) and plain HTTP is allowed (no TLS proxy on the loopback).
Each user signs in through the real form as one of the accounts (round robin), then walks
its role's main pages (``Page.main`` in bench/national/pages.py) with 1 to 3 s between
requests (bench/national/locustfile.py). gunicorn is always stopped, also on failure.

    python -m bench.national.load --demo --users 20 --seconds 15
    python -m bench.national.load --accounts bench/results/accounts-small.json \\
        --database-url postgres://postgres@127.0.0.1:5432/sinergi_bench_small
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.national import pages

ROOT = pages.ROOT
WORKERS = 4
TIMEOUT = 60  # gunicorn's worker timeout, as in the README's service unit


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _bin(name: str) -> str:
    found = Path(sys.executable).parent / name
    if not found.exists():
        raise RuntimeError(f"{found} is missing: pip install -r requirements/bench.txt")
    return str(found)


def _wait_until_up(base_url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited at start-up:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer /healthz within 60 s:\n{log.read_text()[-3000:]}")


def _stop(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the gunicorn master we started (it stops its workers), then SIGKILL."""
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)  # its own process group (start_new_session)
        server.wait(timeout=10)


def _plan_file(
    database_url: str, accounts: list[dict[str, Any]], folder: Path, *, secret_key: str = ""
) -> Path:
    """Each account (and an anonymous visitor) with its role's main pages, ids resolved;
    with ``secret_key`` (the server's), a session already signed in as it."""
    entries = []
    for planned in pages.plan(database_url, accounts, secret_key=secret_key):
        account = planned["account"]
        main = [
            {"name": p["name"], "path": p["path"], "headers": p["headers"]}
            for p in planned["pages"]
            if p["main"]
        ]
        if main:
            entries.append(
                {
                    "username": account.get("username"),
                    "password": account.get("password") or pages.DEMO_PASSWORD,
                    "role": account["role"],
                    "session": account.get("session"),
                    "pages": main,
                }
            )
    path = folder / "plan.json"
    path.write_text(json.dumps(entries, indent=1))
    return path


def _number(value: str) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _read_stats(prefix: Path) -> tuple[list[dict[str, Any]], dict[str, Any], list[dict[str, Any]]]:
    rows, total = [], {}
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for line in csv.DictReader(handle):
            page, _, role = line["Name"].partition(" [")
            row = {
                "name": line["Name"],
                "page": page,
                "role": role.rstrip("]"),
                "method": line["Type"],
                "requests": int(line["Request Count"]),
                "errors": int(line["Failure Count"]),
                "p50_ms": _number(line["50%"]),
                "p95_ms": _number(line["95%"]),
                "max_ms": _number(line["Max Response Time"]),
                "mean_ms": round(_number(line["Average Response Time"]) or 0, 1),
                "rps": round(_number(line["Requests/s"]) or 0, 2),
            }
            if line["Name"] == "Aggregated":
                total = row
            else:
                rows.append(row)
    errors = []
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        with open(failures, newline="") as handle:
            for line in csv.DictReader(handle):
                count = int(line["Occurrences"])
                errors.append({"name": line["Name"], "error": line["Error"], "count": count})
    rows.sort(key=lambda row: str(row["name"]))
    return rows, total, errors


def run(
    database_url: str,
    accounts: list[dict[str, Any]],
    users: int = 200,
    seconds: int = 120,
    *,
    spawn_rate: float | None = None,
    steady: bool = False,
    signed_in: bool = False,
) -> dict[str, Any]:
    """Serve ``database_url`` with gunicorn and load it. Returns ``pages``: per page and
    role (``name`` "page [role]", ``page``, ``role``) the requests, errors, p50/p95/max and
    mean in ms and requests/s; ``total`` (the same, all requests), ``requests`` and
    ``errors`` (counts), ``error_messages`` (per name and message, how many), and what
    gunicorn logged (``worker_timeouts``, ``server_tracebacks``). ``steady``: the
    statistics start once every user is spawned (locust ``--reset-stats``), leaving out
    the ramp and most sign-ins. ``signed_in``: the users start signed in (a session made
    before the run for each account), as in the middle of a working day: a sign-in costs
    about 1.3 s of CPU by design (PBKDF2), and 200 of them would take the whole run of a
    2-core machine; the sign-in form is then measured by the other runs."""
    env = pages.production_env(database_url)
    env.update(DJANGO_SETTINGS_MODULE="bench.national.load_settings", PROXY_COUNT="1")
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    rate = spawn_rate or max(1.0, users / 20)  # everyone in within ~20 s
    with tempfile.TemporaryDirectory(prefix="sinergi-load-") as scratch:
        folder = Path(scratch)
        plan = _plan_file(  # collects the static files too
            database_url, accounts, folder, secret_key=env["SECRET_KEY"] if signed_in else ""
        )
        log = folder / "gunicorn.log"
        with open(log, "wb") as out:
            server = subprocess.Popen(
                [
                    _bin("gunicorn"),
                    "sinergi.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(WORKERS),
                    "--timeout",
                    str(TIMEOUT),
                    "--error-logfile",
                    "-",
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            _wait_until_up(base_url, server, log)
            prefix = folder / "locust"
            started = time.monotonic()
            locust = subprocess.run(
                [
                    _bin("locust"),
                    "-f",
                    str(ROOT / "bench" / "national" / "locustfile.py"),
                    "--headless",
                    "--users",
                    str(users),
                    "--spawn-rate",
                    str(rate),
                    "--run-time",
                    f"{seconds}s",
                    "--stop-timeout",
                    "10",
                    "--host",
                    base_url,
                    "--csv",
                    str(prefix),
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                    "--exit-code-on-error",
                    "0",
                    *(["--reset-stats"] if steady else []),
                ],
                cwd=ROOT,
                env={**os.environ, "SINERGI_LOAD_PLAN": str(plan)},
                capture_output=True,
                text=True,
                check=False,
            )
            elapsed = time.monotonic() - started
            if locust.returncode != 0 or not Path(f"{prefix}_stats.csv").exists():
                raise RuntimeError(
                    f"locust failed (exit {locust.returncode}):\n{locust.stderr[-3000:]}"
                )
            rows, total, errors = _read_stats(prefix)
        finally:
            _stop(server)
        served = log.read_text(errors="replace")
    return {
        "users": users,
        "seconds": seconds,
        "elapsed_s": round(elapsed, 1),
        "workers": WORKERS,
        "spawn_rate": rate,
        "steady": steady,
        "signed_in": signed_in,
        "accounts": len(accounts),
        "pages": rows,
        "total": total,
        "requests": total.get("requests", 0),
        "errors": total.get("errors", 0),
        "error_messages": errors,
        "worker_timeouts": served.count("WORKER TIMEOUT"),
        "server_tracebacks": served.count("Traceback"),
    }


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.0f}"
    return str(value)


def to_markdown(result: dict[str, Any]) -> str:
    total = result["total"]
    lines = [
        f"{result['users']} users for {result['seconds']} s on gunicorn ({result['workers']} "
        f"workers), {result['accounts']} accounts"
        f"{' (figures after the ramp)' if result.get('steady') else ''}"
        f"{' (signed in before the run)' if result.get('signed_in') else ''}: "
        f"{total.get('requests', 0)} requests, "
        f"{total.get('errors', 0)} errors, {total.get('rps', 0)} requests/s; "
        f"p50 {_cell(total.get('p50_ms'))} ms, p95 {_cell(total.get('p95_ms'))} ms, "
        f"max {_cell(total.get('max_ms'))} ms; gunicorn worker timeouts "
        f"{result['worker_timeouts']}, tracebacks {result['server_tracebacks']}.",
        "",
        "| page [role] | requests | errors | p50 ms | p95 ms | max ms |",
        "|---|---|---|---|---|---|",
    ]
    for row in result["pages"]:
        lines.append(
            f"| {row['name']} | {row['requests']} | {row['errors']} | {_cell(row['p50_ms'])} "
            f"| {_cell(row['p95_ms'])} | {_cell(row['max_ms'])} |"
        )
    if result["error_messages"]:
        lines += ["", "Errors:"]
        lines += [
            f"- {e['name']}: {e['error']} ({e['count']} times)" for e in result["error_messages"]
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--demo", action="store_true", help="the demo's users (README)")
    parser.add_argument("--accounts", help="a JSON list of accounts (the generator's)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--steady", action="store_true", help="leave the ramp out of the figures")
    parser.add_argument(
        "--signed-in", action="store_true", help="users start signed in (sessions made before)"
    )
    parser.add_argument("--json", help="also write the result to this file")
    args = parser.parse_args(argv)
    if args.demo:
        accounts = pages.demo_accounts()
        database_url = args.database_url or pages.DEMO_DATABASE_URL
    elif args.accounts:
        accounts = json.loads(Path(args.accounts).read_text())
        database_url = args.database_url
    else:
        parser.error("--demo or --accounts")
    if not database_url:
        parser.error("--database-url (or DATABASE_URL)")
    result = run(
        database_url,
        accounts,
        users=args.users,
        seconds=args.seconds,
        steady=args.steady,
        signed_in=args.signed_in,
    )
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))
    print(to_markdown(result))
    return 1 if result["total"].get("errors") else 0


if __name__ == "__main__":
    sys.exit(main())
