"""Benchmark of ``recalculate_sentences`` (a mass recalculation) beside a bare COPY.

Builds N inmates with sentences set-based (PostgreSQL COPY; ``bulk_create`` on SQLite) in
30 facilities of three time zones: fixed terms of 1 month to 20 years, some life
sentences, remisi totals, five crime categories, detention starts over ten years. Then:

1. ``recalculate_sentences`` on that data, nothing computed yet ("first run": every
   sentence's dates and every right are new);
2. the stored dates made stale: every sentence's ``expiry_date`` and ``two_thirds_date``
   shifted by a day, every PB right's ``eligible_from`` by three days, one right in ten
   deleted, ``calculated_on`` set to the day before; then ``recalculate_sentences`` again
   (the headline figure: a rule change recalculated for everyone), and, up to 20,000
   people, a third run checks nothing is left to change;
3. a bare ``COPY`` of N sentence rows (the same columns) into a temporary table: the
   floor.

Each run is the command end to end (``call_command``), in chunks committed one by one.

    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/sinergi_bench_recalc \\
        .venv/bin/python bench/recalculation_benchmark.py              # 270,000 people
    DEBUG=true .venv/bin/python bench/recalculation_benchmark.py --rows 5000   # SQLite

PostgreSQL: the database is dropped and created again (its name must contain "bench").
``run(rows, database_url) -> dict`` does the same for the national benchmark driver, in a
process of its own, on its own database ``sinergi_bench_recalc_<rows>`` of the server of
``database_url`` (the caller's database is never touched).
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DATABASE_NAME = "sinergi_bench_recalc"
DEFAULT_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE_NAME}"
# A third run checks that nothing is left to change, up to this many people.
CHECKED_UP_TO = 20_000
ZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")
CATEGORIES = ("general", "general", "narcotics", "narcotics", "corruption", "terrorism")


def reset_postgres(url: str) -> None:
    """Drop and create the benchmark database (its name must contain "bench")."""
    sys.path.insert(0, str(ROOT))
    from bench.import_benchmark import reset_postgres as reset

    reset(url)


def setup_django(database_url: str) -> None:
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["SINERGI_VAR_DIR"] = tempfile.mkdtemp(prefix="sinergi-bench-recalc-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinergi.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DEBUG", "true")  # only lets the settings load without a key
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False  # no query log: the debug cursor is not what is measured


def _row_defaults(model: Any, given: Sequence[str]) -> tuple[list[str], list[Any]]:
    """The model's other concrete columns and the value each gets (its default, None or
    "") so that a COPY gives the rows the ORM would."""
    from django.utils import timezone

    columns: list[str] = []
    values: list[Any] = []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.column in given:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = timezone.now()
        elif f.has_default():
            value = f.get_default()
        elif f.null:
            value = None
        else:
            value = ""
        if isinstance(value, (list, dict)):
            value = json.dumps(value)
        columns.append(f.column)
        values.append(value)
    return columns, values


def copy_model(model: Any, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY ``rows`` (values of ``columns``) into the model's table, the other columns at
    their defaults; returns the number of rows."""
    from django.db import connection

    extra, defaults = _row_defaults(model, columns)
    names = ", ".join(connection.ops.quote_name(c) for c in [*columns, *extra])
    count = 0
    sql = f"COPY {model._meta.db_table} ({names}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([*row, *defaults])
            count += 1
    return count


def build(rows: int, seed: int = 18) -> dict[str, float]:
    """N inmates with sentences in 30 facilities; nothing computed yet."""
    from django.db import connection, transaction
    from django.utils import timezone

    from sinergi.inmates.models import Inmate, Sentence
    from sinergi.orgs.models import Facility, Region

    rng = random.Random(seed)
    started = time.perf_counter()
    regions = [
        Region.objects.create(code=f"r{i}", name=f"Kanwil {i}", province=f"P{i}", time_zone=zone)
        for i, zone in enumerate(ZONES)
    ]
    facilities = [
        Facility.objects.create(
            code=f"f{i:02d}",
            name=f"Lapas Bench {i}",
            kind="lapas",
            region=regions[i % 3],
            regency="Bench",
            time_zone=ZONES[i % 3],
        )
        for i in range(30)
    ]
    today = timezone.localdate()
    now = timezone.now()
    people = [
        (
            facilities[n % 30].pk,
            f"B{n:07d}",
            f"Bench Person {n}",
            today - datetime.timedelta(days=rng.randint(18 * 365, 60 * 365)),
        )
        for n in range(rows)
    ]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            copy_model(
                Inmate,
                ["facility_id", "registration_number", "name", "birth_date", "created_at"],
                ([*p, now] for p in people),
            )
        else:
            Inmate.objects.bulk_create(
                [
                    Inmate(facility_id=f, registration_number=r, name=n, birth_date=b)
                    for f, r, n, b in people
                ],
                batch_size=500,
            )
        ids = list(Inmate.objects.order_by("pk").values_list("pk", flat=True))
        sentences = []
        for pk in ids:
            life = rng.random() < 0.02
            years = 0 if life else rng.choice((0, 1, 1, 2, 3, 4, 5, 6, 8, 10, 15, 20))
            months = 0 if life else rng.randint(0 if years else 1, 11)
            sentences.append(
                (
                    pk,
                    "life" if life else "fixed",
                    years,
                    months,
                    today - datetime.timedelta(days=rng.randint(30, 3650)),
                    rng.choice(CATEGORIES),
                    rng.choice((0, 0, 30, 60, 90, 135)),
                    rng.random() < 0.9,
                )
            )
        columns = [
            "inmate_id",
            "term_kind",
            "term_years",
            "term_months",
            "detention_start",
            "crime_category",
            "remission_days",
            "fine_paid",
        ]
        if connection.vendor == "postgresql":
            copy_model(Sentence, [*columns, "created_at"], ([*s, now] for s in sentences))
        else:
            Sentence.objects.bulk_create(
                [Sentence(**dict(zip(columns, s, strict=True))) for s in sentences],
                batch_size=500,
            )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"build_s": round(time.perf_counter() - started, 1)}


def make_stale() -> None:
    """Stored dates as a wrong rule set would have left them."""
    from django.db import connection, transaction

    def plus(column: str, days: int) -> str:
        if connection.vendor == "postgresql":
            return f"{column} + {days}"
        return f"date({column}, '{days:+d} day')"

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE inmates_sentence SET expiry_date = {plus('expiry_date', -1)}, "
            f"two_thirds_date = {plus('two_thirds_date', 1)}, "
            f"calculated_on = {plus('calculated_on', -1)}"
        )
        cursor.execute(
            f"UPDATE inmates_inmateright SET eligible_from = {plus('eligible_from', 3)} "
            "WHERE \"right\" = 'pb' AND eligible_from IS NOT NULL"
        )
        cursor.execute("DELETE FROM inmates_inmateright WHERE id % 10 = 0")
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")


def recalculate_all() -> dict[str, Any]:
    """``recalculate_sentences`` end to end; its report's totals and the seconds."""
    from django.core.management import call_command

    from sinergi.inmates.models import SentenceRecalculation

    out = io.StringIO()  # the report as printed; the progress lines go to stderr
    started = time.perf_counter()
    call_command("recalculate_sentences", stdout=out, stderr=sys.stderr)
    seconds = time.perf_counter() - started
    report = SentenceRecalculation.objects.order_by("-pk").first()
    assert report is not None and report.applied and not report.in_progress
    return {
        "seconds": round(seconds, 1),
        "people": report.inmates_checked,
        "people_per_s": round(report.inmates_checked / seconds),
        "people_moved": report.inmates_changed,
        "changes": report.changes_count,
        "chunks": report.chunks_done,
    }


def bare_copy(rows: int) -> dict[str, Any]:
    """COPY of ``rows`` sentence rows (id and the computed columns) into a temporary
    table: what the database alone takes for as many rows."""
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        return {}
    today = datetime.date.today()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_bare_copy AS SELECT id, expiry_date, "
            "expiry_after_remission, one_third_date, half_date, two_thirds_date, term_start, "
            "release_date, pb_probation_end, rule_set, calculated_on FROM inmates_sentence "
            "WITH NO DATA"
        )
        started = time.perf_counter()
        with cursor.cursor.copy("COPY bench_bare_copy FROM STDIN") as copy:
            for n in range(rows):
                copy.write_row(
                    [n, today, today, today, today, today, today, today, today, "x", today]
                )
        seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_bare_copy")
    return {"seconds": round(seconds, 2), "rows_per_s": round(rows / max(seconds, 1e-9))}


def own_database(database_url: str, rows: int) -> str:
    """The benchmark's own database (``sinergi_bench_recalc_<rows>``) on the server of
    ``database_url``: never the caller's, which this benchmark would drop, nor that of a
    run by hand."""
    if not database_url:
        return ""
    return urlsplit(database_url)._replace(path=f"/{DATABASE_NAME}_{rows}").geturl()


def run(rows: int, database_url: str = DEFAULT_URL) -> dict[str, Any]:
    """The benchmark in a process of its own (Django is set up there with its own
    database, ``sinergi_bench_recalc`` on the server of ``database_url``; "" for a
    temporary SQLite database); returns its results."""
    env = {**os.environ, "DATABASE_URL": own_database(database_url, rows)}
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--rows", str(rows), "--json"],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def measure(
    rows: int,
    database_url: str,
    *,
    reuse: bool = False,
    first_only: bool = False,
    stale_only: bool = False,
) -> dict[str, Any]:
    """Build, recalculate from nothing, make stale, recalculate again, bare COPY (in
    this process: Django must not be set up yet). ``reuse``: keep the migrated database
    and empty its tables instead of creating it again; ``first_only``: only the first
    run (every value new) and the bare COPY; ``stale_only``: the people already there
    (a run with ``first_only`` before) made stale and recalculated."""
    if stale_only:
        setup_django(database_url)
        make_stale()
        return {"rows": rows, "stale_run": recalculate_all()}
    if database_url and not reuse:
        reset_postgres(database_url)
    setup_django(database_url)
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if reuse and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE orgs_region, orgs_facility, inmates_inmate, "
                "inmates_sentencerecalculation, core_auditevent CASCADE"
            )
    result: dict[str, Any] = {
        "rows": rows,
        "database": connection.vendor,
        "migrate_s": round(time.perf_counter() - started, 1),
    }
    result.update(build(rows))
    print(f"built {rows:,} people: {result}", file=sys.stderr, flush=True)
    result["first_run"] = recalculate_all()
    if first_only:
        result["bare_copy"] = bare_copy(rows)
        return result
    make_stale()
    result["stale_run"] = recalculate_all()
    if rows <= CHECKED_UP_TO:
        result["nothing_left"] = recalculate_all()
        assert result["nothing_left"]["people_moved"] == 0, result["nothing_left"]
    result["bare_copy"] = bare_copy(rows)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=None, help="people (default 270,000)")
    parser.add_argument("--json", action="store_true", help="print only the results' JSON")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the migrated database, empty its tables"
    )
    parser.add_argument(
        "--stale-only",
        action="store_true",
        help="only make the people already there stale and time that run",
    )
    parser.add_argument(
        "--first-run-only",
        action="store_true",
        help="time only the first run (every date and right new) and the bare COPY",
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if url and not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Use PostgreSQL (DATABASE_URL=postgres://…) or leave DATABASE_URL unset.")
    rows = args.rows or (270_000 if url else 5_000)
    result = measure(
        rows, url, reuse=args.reuse, first_only=args.first_run_only, stale_only=args.stale_only
    )
    print(json.dumps(result, indent=2))
    if args.json:
        return 0
    stale, bare = result.get("stale_run") or result["first_run"], result.get("bare_copy")
    if bare:
        print(
            f"recalculate_sentences, {rows:,} people after a rule change: {stale['seconds']} s "
            f"({stale['people_per_s']:,} people/s); bare COPY of as many rows: "
            f"{bare['seconds']} s ({bare['rows_per_s']:,} rows/s)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
