"""The public pages at the speed of a static site: `/publik/` served by gunicorn (4 workers,
as in production) with the shared cache (Redis, ``CACHE_URL``), measured twice:

1. **cold**: every worker warmed first (it has built the page: templates compiled, a
   database connection open, as on a server that has been running), the cache emptied,
   then ``--cold`` requests (10) arrive at once. One request
   builds the page (sinergi/core/shared_cache.build_once: a lock taken with ``cache.add``)
   while the others wait for it, so the slowest answer is about one build, not ten.
2. **from the cache**: ``wrk`` (Debian's package) with 2 threads and 16 connections for
   ``--seconds`` (10): requests per second, latency percentiles and errors.

Without Redis on 127.0.0.1:6379 (or ``CACHE_URL``), each worker keeps its own cache: the
result says so, and the cold figure then counts a build per worker.

    python -m bench.national.public --database-url postgres://postgres@127.0.0.1:5432/sinergi_bench_small
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.national import load, pages

PATHS = ("/publik/",)
REDIS_URL = "redis://127.0.0.1:6379/9"  # a database of its own, emptied by the cold run


def _redis_url(env: dict[str, str]) -> str:
    """The shared cache to serve with: CACHE_URL when set, else a local Redis if one
    answers, else "" (each worker its own)."""
    if env.get("CACHE_URL"):
        return env["CACHE_URL"]
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:  # no server (or no client library): per-process caches
        return ""
    return REDIS_URL


def _empty_cache(url: str) -> None:
    if not url:
        return
    import redis

    redis.Redis.from_url(url).flushdb()


def _get(url: str) -> tuple[int, float]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            response.read()
            status = response.status
    except Exception:
        status = 0
    return status, (time.monotonic() - started) * 1000


def _warm(base_url: str, path: str, workers: int, cache_url: str) -> None:
    """Three rounds of twice as many requests at once as there are workers, each after the
    shared cache was emptied, so that every worker has built the page (in all likelihood:
    gunicorn gives a request to whichever worker is free). Without a shared cache only the
    database connection is opened (a worker's own cache cannot be emptied from here)."""
    if not cache_url:
        _get(base_url + "/healthz")
        return
    for _round in range(3):
        _empty_cache(cache_url)
        _cold(base_url + path, workers * 2)


def _cold(url: str, at_once: int) -> dict[str, Any]:
    results: list[tuple[int, float]] = []
    lock = threading.Lock()

    def one() -> None:
        found = _get(url)
        with lock:
            results.append(found)

    threads = [threading.Thread(target=one) for _ in range(at_once)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    times = sorted(ms for _status, ms in results)
    return {
        "requests": at_once,
        "errors": sum(1 for status, _ms in results if status != 200),
        "min_ms": round(times[0]),
        "max_ms": round(times[-1]),
    }


def _wrk(url: str, seconds: int) -> dict[str, Any]:
    wrk = shutil.which("wrk")
    if wrk is None:
        return {"skipped": "wrk is not installed (apt-get install wrk)"}
    done = subprocess.run(
        [wrk, "-t2", "-c16", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=False,
    )
    text = done.stdout
    found: dict[str, Any] = {"output": text}
    rate = re.search(r"Requests/sec:\s+([\d.]+)", text)
    found["requests_per_s"] = float(rate.group(1)) if rate else None
    total = re.search(r"(\d+) requests in", text)
    found["requests"] = int(total.group(1)) if total else None
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    found["errors"] = (int(errors.group(1)) if errors else 0) + (
        sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    )
    for label in ("50%", "99%"):
        latency = re.search(rf"{re.escape(label)}\s+([\d.]+)(us|ms|s)", text)
        if latency:
            value, unit = float(latency.group(1)), latency.group(2)
            found[f"p{label[:-1]}_ms"] = round(
                value / 1000 if unit == "us" else value * 1000 if unit == "s" else value, 1
            )
    return found


def run(database_url: str, *, cold: int = 10, seconds: int = 10) -> dict[str, Any]:
    """Serve ``database_url`` with gunicorn and measure each public path cold and from
    the cache. gunicorn is always stopped."""
    env = pages.production_env(database_url)
    cache_url = _redis_url(env)
    if cache_url:
        env["CACHE_URL"] = cache_url
    port = load._free_port()
    base_url = f"http://127.0.0.1:{port}"
    results: dict[str, Any] = {
        "workers": load.WORKERS,
        "shared_cache": bool(cache_url),
        "paths": {},
    }
    with tempfile.TemporaryDirectory(prefix="sinergi-public-") as scratch:
        pages.collect_static(env)
        log = Path(scratch) / "gunicorn.log"
        with open(log, "wb") as out:
            server = subprocess.Popen(
                [
                    load._bin("gunicorn"),
                    "sinergi.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(load.WORKERS),
                    "--timeout",
                    str(load.TIMEOUT),
                ],
                cwd=load.ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            load._wait_until_up(base_url, server, log)
            for path in PATHS:
                # Every worker has served the page once (its templates compiled, its
                # database connection open), as on a server that has been running: "cold"
                # is the cache emptied (a revision), not workers just started.
                _warm(base_url, path, load.WORKERS, cache_url)
                _empty_cache(cache_url)
                measured = {"cold": _cold(base_url + path, cold)}
                measured["cached"] = _wrk(base_url + path, seconds)
                results["paths"][path] = measured
        finally:
            load._stop(server)
    return results


def to_markdown(result: dict[str, Any]) -> str:
    lines = [
        f"gunicorn with {result['workers']} workers; shared cache: "
        + ("Redis" if result["shared_cache"] else "none (each worker its own)"),
        "",
        "| page | cold: slowest of 10 at once | errors | from the cache: requests/s | p50 ms "
        "| p99 ms | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for path, measured in result["paths"].items():
        cold, cached = measured["cold"], measured["cached"]
        lines.append(
            f"| {path} | {cold['max_ms']} ms | {cold['errors']} | "
            f"{cached.get('requests_per_s', '—')} | {cached.get('p50_ms', '—')} | "
            f"{cached.get('p99_ms', '—')} | {cached.get('errors', '—')} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--cold", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    result = run(args.database_url, cold=args.cold, seconds=args.seconds)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    print(to_markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
