"""Benchmark of the SDP import (``sinergi.inmates.importer``) on a fresh database.

Generates an N-row valid SDP export (CSV, ``;``-separated, the standard headers), then
times three imports into the facility ``bench``:

1. the file on a fresh database: every row is a new inmate;
2. the same file again: nothing changes (created=0, updated=0 is checked);
3. a copy in which 1% of the rows changed (name, term or remisi): only those update.

Each phase is ``importer.start_import`` plus ``importer.run_import`` (the immediate task
backend already runs the import inside ``start_import``; ``run_import`` is called only if
the batch is still queued). A parse-only pass (``parsing.parse_table``, no database) is
timed first as the floor. For each phase it prints rows/second, the batch counts, the
number of SQL statements, and the peak memory of the process so far (``ru_maxrss``).

    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/sinergi_bench \\
        .venv/bin/python bench/import_benchmark.py            # 100,000 rows
    DEBUG=true .venv/bin/python bench/import_benchmark.py --rows 10000   # SQLite

PostgreSQL: the database is dropped and created again first (its name must contain
"bench"; ``--no-reset`` keeps it). SQLite (``DATABASE_URL`` unset): ``SINERGI_VAR_DIR`` is
pointed at a temporary directory, so the database is new and the dev database untouched.
Uploads are stored under that temporary directory in both cases and removed at the end.
``DEBUG=true`` only lets the settings load without a ``SECRET_KEY``: Django's query log is
switched off after setup (``--debug-sql`` keeps it) so that the debug cursor is not
what is measured. ``--profile PHASE`` runs that phase under cProfile and prints the 25
most expensive functions by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import json
import os
import pstats
import random
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent

HEADERS = [
    "No. Registrasi",
    "Nama",
    "NIK",
    "Tanggal Lahir",
    "Jenis Kelamin",
    "Agama",
    "Kabupaten Asal",
    "Jenis Kejahatan",
    "Pasal",
    "Lama Pidana",
    "Tanggal Penahanan",
    "Total Remisi (hari)",
]

MALE = [
    "Lalu Ahmad",
    "Lalu Muhammad",
    "Muhammad",
    "Ahmad",
    "Zainul",
    "Sahnan",
    "Ruslan",
    "Junaidi",
    "Khairul",
    "Hamdan",
    "Fathurrahman",
    "Amaq",
    "Rizal",
    "Hendra",
    "Abdul",
    "Supardi",
    "I Wayan",
    "I Made",
]
FEMALE = ["Baiq Nurul", "Baiq Siti", "Baiq", "Siti", "Nurul", "Inaq", "Sri", "Ni Luh"]
LAST = [
    "Hidayat",
    "Saputra",
    "Maulana",
    "Hakim",
    "Apriadi",
    "Pratama",
    "Fauzi",
    "Syahrial",
    "Suhardi",
    "Rahman",
    "Ismail",
    "Sukardi",
    "Yusuf",
    "Kurniawan",
    "Arifin",
    "Zainuddin",
    "Aini",
    "Wulandari",
    "Hasanah",
    "Sudarma",
]
REGENCIES = [
    ("Lombok Timur", "5203", 21),
    ("Lombok Timur", "5203", 21),
    ("Lombok Timur", "5203", 21),
    ("Lombok Tengah", "5202", 12),
    ("Lombok Barat", "5201", 10),
    ("Kota Mataram", "5271", 6),
    ("Sumbawa", "5204", 24),
    ("Bima", "5206", 18),
]
RELIGIONS = ["Islam"] * 20 + ["Hindu", "Kristen", "Katolik", "Buddha", "ISLAM"]
# (crime, article, candidate terms as (years, months, days); None = seumur hidup)
CRIMES: list[tuple[str, str, list[tuple[int, int, int] | None]]] = [
    ("Pencurian", "Pasal 362 KUHP", [(0, 8, 0), (1, 0, 0), (1, 6, 0), (2, 0, 0)]),
    ("Pencurian dengan Pemberatan", "Pasal 363 KUHP", [(2, 0, 0), (2, 6, 0), (3, 6, 15)]),
    ("Narkotika", "Pasal 112 ayat (1) UU 35/2009", [(4, 0, 0), (5, 0, 0), (6, 0, 0)]),
    ("Narkotika", "Pasal 114 ayat (1) UU 35/2009", [(5, 6, 0), (7, 0, 0), (9, 0, 0)]),
    ("Narkotika", "Pasal 114 ayat (2) UU 35/2009", [(15, 0, 0), (20, 0, 0), None]),
    ("Tipikor", "Pasal 3 UU 31/1999", [(1, 6, 0), (4, 0, 0), (5, 0, 0)]),
    ("Penipuan", "Pasal 378 KUHP", [(1, 0, 0), (2, 0, 0), (3, 0, 0)]),
    ("Penganiayaan", "Pasal 351 KUHP", [(0, 2, 15), (0, 10, 0), (2, 6, 0)]),
    ("Perlindungan Anak", "Pasal 81 UU 35/2014", [(8, 0, 0), (10, 0, 0)]),
    ("Terorisme", "Pasal 15 UU 5/2018", [(4, 0, 0), (6, 0, 0)]),
    ("TPPO", "Pasal 2 UU 21/2007", [(4, 0, 0), (5, 0, 0)]),
]
CRIME_WEIGHTS = [25, 10, 20, 12, 1, 3, 8, 8, 5, 1, 2]
BULAN = "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"
MONTH_NAMES = BULAN.split()


def spell_date(day: date, style: int) -> str:
    if style == 0:
        return f"{day.day:02d}-{day.month:02d}-{day.year}"
    if style == 1:
        return f"{day.day:02d}/{day.month:02d}/{day.year}"
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def spell_term(term: tuple[int, int, int] | None, style: int) -> str:
    if term is None:
        return "seumur hidup"
    units = (("tahun", "bulan", "hari"), ("th", "bl", "hr"), ("thn", "bln", "hr"))[style]
    return " ".join(f"{n} {u}" for n, u in zip(term, units, strict=True) if n)


def generate(path: Path, rows: int, seed: int = 1) -> None:
    """Write an SDP export of ``rows`` valid, varied rows."""
    rng = random.Random(seed)
    today = date.today()
    first = date(2021, 1, 1)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADERS)
        for n in range(1, rows + 1):
            female = rng.random() < 0.12
            name = f"{rng.choice(FEMALE if female else MALE)} {rng.choice(LAST)}"
            regency, code, districts = rng.choice(REGENCIES)
            crime, article, terms = rng.choices(CRIMES, CRIME_WEIGHTS)[0]
            term = rng.choice(terms)
            days = 0 if term is None else term[0] * 365 + term[1] * 30 + term[2]
            # A register's export holds the people in custody: each is somewhere along a
            # term that ends after today (drawn independently, a third of them were held
            # past their release date, an alarm in every row, which a register does not
            # have).
            earliest = first if term is None else max(first, today - timedelta(days=days - 1))
            start = earliest + timedelta(days=rng.randrange(max((today - earliest).days, 1)))
            birth = date(start.year - rng.randint(19, 60), rng.randint(1, 12), rng.randint(1, 28))
            nik = ""
            if rng.random() < 0.8:
                day = birth.day + 40 if female else birth.day
                nik = (
                    f"{code}{rng.randint(1, districts):02d}{day:02d}{birth.month:02d}"
                    f"{birth.year % 100:02d}{rng.randint(1, 9999):04d}"
                )
            prefix = "BI" if term is None or days > 365 else "BIIA" if days > 90 else "BIIB"
            served_years = (today - start).days // 365
            remission = rng.randint(0, served_years) * rng.choice((30, 45, 60, 90)) if term else 0
            # never so much remisi that the term has ended (a margin for the engine's
            # calendar, which counts months and years as they fall)
            left = (start + timedelta(days=days) - today).days
            remission = min(remission, max(left - 30, 0)) if term else 0
            style = n % 3
            writer.writerow(
                [
                    f"{prefix} {n}/{start.year % 100:02d}",
                    name,
                    nik,
                    spell_date(birth, (style + 1) % 3) if rng.random() < 0.95 else "",
                    "P" if female else "L",
                    rng.choice(RELIGIONS),
                    regency,
                    crime,
                    article,
                    spell_term(term, style),
                    spell_date(start, style),
                    str(remission) if remission or n % 2 else "",
                ]
            )


def _has_days(term: str) -> bool:
    return any(unit in ("hari", "hr") for unit in term.split())


def change(source: Path, target: Path, share: float, seed: int = 2) -> int:
    """Copy ``source`` with ``share`` of the rows changed; return how many changed."""
    rng = random.Random(seed)
    with source.open(newline="", encoding="utf-8") as inp:
        rows = list(csv.reader(inp, delimiter=";"))
    header, body = rows[0], rows[1:]
    name, term, remission = HEADERS.index("Nama"), HEADERS.index("Lama Pidana"), 11
    picked = rng.sample(range(len(body)), round(len(body) * share))
    for count, index in enumerate(picked):
        row = body[index]
        kind = count % 3
        if kind == 0:  # a title added to the name (inmate row changes)
            row[name] = f"H. {row[name]}"
        elif kind == 1 and row[term] != "seumur hidup" and not _has_days(row[term]):
            row[term] = f"{row[term]} 15 hari"  # the term changes (sentence row)
        else:  # more remisi (sentence row)
            row[remission] = str(int(row[remission] or 0) + 30)
    with target.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(body)
    return len(picked)


# --------------------------------------------------------------------------------------
# Database and Django


def reset_postgres(url: str) -> None:
    """Drop and create the benchmark database (its name must contain "bench") as a copy of
    the national benchmark's migrated template (bench/national/generate.py, migrated
    first if a migration changed): a second, where migrating took a minute or more."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from bench.national.generate import reset_database

    reset_database(url, say=lambda message: print(message, flush=True))


def ensure_postgres(url: str) -> None:
    """Create the database if it is missing (for ``--no-reset``)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def start_django(work: Path, debug_sql: bool, database: str) -> None:
    """Set Django up in ``work``, say which database is measured, and migrate it."""
    setup_django(work / "var", debug_sql)
    from django.core.management import call_command
    from django.db import connection

    print(
        f"database: {database}, {connection.vendor}; Django DEBUG query log "
        f"{'on' if debug_sql else 'off'}",
        flush=True,
    )
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - started:.1f} s", flush=True)


def setup_django(var_dir: Path, debug_sql: bool) -> None:
    var_dir.mkdir(parents=True, exist_ok=True)
    os.environ["SINERGI_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinergi.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # no task log lines between the results
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    if not debug_sql:
        settings.DEBUG = False  # no query log (the debug cursor is not what we measure)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class Timers:
    """Wall time spent in the importer's steps (wrapped here, not edited)."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}

    def wrap(self, module: Any, name: str, label: str) -> None:
        original: Callable[..., Any] = getattr(module, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.spent[label] = self.spent.get(label, 0.0) + time.perf_counter() - started

        setattr(module, name, timed)

    def take(self) -> dict[str, float]:
        spent, self.spent = self.spent, {}
        return spent


class QueryCounter:
    """Counts the statements and keeps the slowest (``SLOWEST`` of them, with their time)."""

    SLOWEST = 5

    def __init__(self) -> None:
        self.count = 0
        self.slowest: list[tuple[float, str]] = []

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ):
        self.count += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.slowest.append((time.perf_counter() - started, " ".join(sql.split())[:160]))
            self.slowest = sorted(self.slowest, reverse=True)[: self.SLOWEST]


def run_phase(
    label: str, path: Path, facility: Any, user: Any, timers: Timers, profile: bool
) -> dict[str, Any]:
    from django.db import connection

    from sinergi.inmates import importer
    from sinergi.inmates.choices import ImportStatus

    counter = QueryCounter()
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        if profiler:
            profiler.enable()
        with path.open("rb") as upload:
            batch = importer.start_import(
                facility=facility, upload=upload, filename=path.name, by=user
            )
        batch.refresh_from_db()
        if batch.status == ImportStatus.QUEUED:  # a backend that did not run it inline
            batch = importer.run_import(batch.pk)
        if profiler:
            profiler.disable()
    elapsed = time.perf_counter() - started
    result = {
        "phase": label,
        "seconds": elapsed,
        "rows": batch.total_rows,
        "rate": batch.total_rows / elapsed if elapsed else 0.0,
        "status": batch.status,
        "created": batch.created_count,
        "updated": batch.updated_count,
        "unchanged": batch.unchanged_count,
        "errors": len(batch.errors),
        "message": batch.message,
        "queries": counter.count,
        "steps": timers.take(),
        "peak_mb": peak_mb(),
    }
    print(
        f"{label}: {elapsed:.1f} s, {result['rate']:,.0f} rows/s; status={batch.status} "
        f"created={batch.created_count} updated={batch.updated_count} "
        f"unchanged={batch.unchanged_count} errors={len(batch.errors)}; "
        f"{counter.count:,} SQL statements; peak RSS {result['peak_mb']:.0f} MB",
        flush=True,
    )
    steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in result["steps"].items())
    print(f"    of which {steps}", flush=True)
    if batch.message:
        print(f"    message: {batch.message}", flush=True)
    for seconds, sql in counter.slowest:
        print(f"    slowest statement {seconds:.2f} s: {sql}", flush=True)
    if profiler:
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(25)
        stats.sort_stats("tottime").print_stats(25)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the export")
    parser.add_argument("--changed", type=float, default=0.01, help="share changed in phase 3")
    parser.add_argument(
        "--no-reset", action="store_true", help="keep the PostgreSQL database as it is"
    )
    parser.add_argument("--debug-sql", action="store_true", help="keep Django's query log")
    parser.add_argument(
        "--profile",
        choices=["new", "same", "changed"],
        action="append",
        default=[],
        help="profile this phase (cProfile, top 25 by cumulative time)",
    )
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    args = parser.parse_args()
    results = run(
        args.rows,
        os.environ.get("DATABASE_URL") or None,
        changed_share=args.changed,
        profile=args.profile,
        keep=args.no_reset,
        debug_sql=args.debug_sql,
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str) + "\n")
    return 1 if results["failures"] else 0


def run(
    rows: int = 100_000,
    database_url: str | None = None,
    *,
    changed_share: float = 0.01,
    profile: Sequence[str] = (),
    keep: bool = False,
    debug_sql: bool = False,
) -> dict[str, Any]:
    """Run the import benchmark and return its results (for the national benchmark):
    ``{"database", "rows", "parse", "copy", "phases": [new, same, changed], "failures"}``,
    each measurement with ``seconds`` and ``rate`` (rows/s). ``database_url``: PostgreSQL
    (its database is dropped and created again unless ``keep``; the name must contain
    "bench"), or None for a temporary SQLite database. Django is set up by the first call
    (``DATABASE_URL`` is read then); a process can measure one database."""
    # Only so that the settings load without a SECRET_KEY (the query log is then off).
    os.environ.setdefault("DEBUG", "true")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    args = argparse.Namespace(
        rows=rows, changed=changed_share, profile=list(profile), no_reset=keep, debug_sql=debug_sql
    )
    work = Path(tempfile.mkdtemp(prefix="sinergi-bench-"))
    try:
        return benchmark(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def prepare_database(keep: bool) -> str:
    """Get the database of ``DATABASE_URL`` ready and say which it is.

    PostgreSQL: dropped and created again, or only created if missing when ``keep``.
    Unset: SQLite in the temporary ``SINERGI_VAR_DIR``; ``keep`` makes no sense there.
    """
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        if keep:
            ensure_postgres(url)
        else:
            reset_postgres(url)
        return f"PostgreSQL ({urlsplit(url).path.lstrip('/')})"
    if url:
        sys.exit("Use PostgreSQL (DATABASE_URL=postgres://…) or leave DATABASE_URL unset.")
    if keep:
        sys.exit("Keeping the data needs PostgreSQL: the SQLite database is temporary.")
    return "SQLite (temporary file)"


def benchmark(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    database = prepare_database(args.no_reset)

    export = work / "sdp-export-bench.csv"
    started = time.perf_counter()
    generate(export, args.rows)
    changed_export = work / "sdp-export-bench-changed.csv"
    changed = change(export, changed_export, args.changed)
    print(
        f"generated {args.rows:,} rows ({export.stat().st_size / 1e6:.1f} MB) and a copy "
        f"with {changed:,} changed in {time.perf_counter() - started:.1f} s",
        flush=True,
    )

    start_django(work, args.debug_sql, database)
    from django.utils import timezone

    from sinergi.accounts.models import User
    from sinergi.inmates import importer, parsing
    from sinergi.inmates.models import Inmate
    from sinergi.orgs.models import Facility, FacilityKind, Region

    region, _ = Region.objects.get_or_create(
        code="bench", defaults={"name": "Kanwil Benchmark", "province": "Benchmark"}
    )
    facility, _ = Facility.objects.get_or_create(
        code="bench",
        defaults={
            "name": "Lapas Benchmark",
            "kind": FacilityKind.LAPAS,
            "region": region,
            "regency": "Kabupaten Lombok Timur",
        },
    )
    user, _ = User.objects.get_or_create(username="bench-importer")
    existing = Inmate.objects.filter(facility=facility).count()
    if existing:
        print(f"note: the facility already has {existing:,} inmates (--no-reset)", flush=True)

    # The floor: reading and checking every row, no database.
    started = time.perf_counter()
    with parsing.read_table(export, export.name) as table:
        mapping = parsing.recognise_headers(table.headers)
        parsed = parsing.parse_table(table, mapping, today=timezone.localdate())
    elapsed = time.perf_counter() - started
    print(
        f"parse only: {elapsed:.1f} s, {parsed.rows_read / elapsed:,.0f} rows/s, "
        f"{len(parsed.errors)} errors; peak RSS {peak_mb():.0f} MB",
        flush=True,
    )
    if parsed.errors:
        print(f"    first errors: {parsed.errors[:3]}", flush=True)
    parse = {"seconds": elapsed, "rate": parsed.rows_read / elapsed, "peak_mb": peak_mb()}
    copy = copy_only(parsed.rows, mapping)
    del parsed

    timers = Timers()
    timers.wrap(importer, "_validate", "validate")
    timers.wrap(importer, "_write", "write")
    timers.wrap(importer, "recalculate", "recalculate (in write)")

    results = [
        run_phase("1 new", export, facility, user, timers, "new" in args.profile),
        run_phase("2 same", export, facility, user, timers, "same" in args.profile),
        run_phase("3 changed", changed_export, facility, user, timers, "changed" in args.profile),
    ]
    failures = []
    new, same, modified = results
    if new["created"] + new["unchanged"] + new["updated"] != args.rows and not args.no_reset:
        failures.append(f"phase 1 wrote {new['created']} of {args.rows} rows")
    if same["created"] or same["updated"]:
        failures.append(
            f"phase 2 changed rows: created={same['created']} updated={same['updated']}"
        )
    if modified["updated"] != changed or modified["created"]:
        failures.append(f"phase 3 updated {modified['updated']}, expected {changed}")
    for result in results:
        if result["status"] != "done":
            failures.append(f"phase {result['phase']} ended {result['status']}")
    print(
        f"inmates in the facility: {Inmate.objects.filter(facility=facility).count():,}; "
        f"date {date.today().isoformat()}; Python {sys.version.split()[0]}; "
        f"{os.cpu_count()} CPUs",
        flush=True,
    )
    for failure in failures:
        print(f"UNEXPECTED: {failure}", flush=True)
    return {
        "database": database,
        "rows": args.rows,
        "parse": parse,
        "copy": copy,
        "phases": results,
        "failures": failures,
    }


def copy_only(rows: list[Any], mapping: dict[str, int]) -> dict[str, Any] | None:
    """The floor of the write: COPY of the same rows (each row's inmate and sentence
    values, already parsed) into two temporary tables of the same column types, no
    history, no lookups. PostgreSQL only (None elsewhere)."""
    from django.db import connection, transaction

    from sinergi.inmates import importer

    if connection.vendor != "postgresql" or not rows:
        return None
    facts = importer.fact_fields(mapping)
    inmate = list(importer._inmate_values(rows[0]))
    sentence = list(importer._sentence_values(rows[0], facts))
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for table, source, columns in (
            ("bench_copy_inmate", "inmates_inmate", ["registration_number", *inmate]),
            ("bench_copy_sentence", "inmates_sentence", sentence),
        ):
            cursor.execute(
                f"CREATE TEMP TABLE {table} ON COMMIT DROP AS "
                f"SELECT {', '.join(columns)} FROM {source} WITH NO DATA"
            )
        with cursor.cursor.copy(
            f"COPY bench_copy_inmate (registration_number, {', '.join(inmate)}) FROM STDIN"
        ) as out:
            for row in rows:
                out.write_row([row.registration_number, *importer._inmate_values(row).values()])
        with cursor.cursor.copy(
            f"COPY bench_copy_sentence ({', '.join(sentence)}) FROM STDIN"
        ) as out:
            for row in rows:
                out.write_row(list(importer._sentence_values(row, facts).values()))
    elapsed = time.perf_counter() - started
    result = {"seconds": elapsed, "rate": len(rows) / elapsed}
    print(
        f"COPY only (the same rows' inmate and sentence values into temporary tables): "
        f"{elapsed:.1f} s, {result['rate']:,.0f} rows/s",
        flush=True,
    )
    return result


if __name__ == "__main__":
    sys.exit(main())
