"""Benchmark of the sentence engine (``sinergi.sentences.calculate``), no Django.

Generates N varied sentences (default 100,000: fixed terms from two months to twenty
years, a few life and death sentences, every crime category, remisi, Register F entries
for some, the special-crime conditions known or not) and times ``calculate`` on each, as
of 28-11-2026. Building the inputs (which validates them) is timed separately.

    .venv/bin/python bench/engine_benchmark.py [--rows N] [--profile]

``--profile`` runs the calculations under cProfile and prints the 25 most expensive
functions by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import resource
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sinergi.sentences import (
    CrimeCategory,
    DisciplinaryPeriod,
    SentenceInput,
    Term,
    calculate,
)

AS_OF = date(2026, 11, 28)
CATEGORIES = list(CrimeCategory)
CATEGORY_WEIGHTS = [55, 30, 2, 6, 1, 1, 5]  # general, narcotics, terrorism, corruption, ...


def _unknown_or(rng: random.Random) -> bool | None:
    roll = rng.random()
    return None if roll < 0.4 else roll < 0.85


def generate(count: int, seed: int = 7) -> list[SentenceInput]:
    rng = random.Random(seed)
    first = date(2015, 1, 1)
    span = (AS_OF - first).days
    inputs = []
    for _ in range(count):
        start = first + timedelta(days=rng.randrange(span))
        roll = rng.random()
        if roll < 0.005:
            term = Term.life()
        elif roll < 0.006:
            term = Term.death()
        elif roll < 0.12:
            term = Term.fixed(0, rng.choice([2, 3, 4, 6, 8, 10]), rng.choice([0, 0, 15]))
        else:
            term = Term.fixed(rng.randint(1, 20), rng.choice([0, 0, 0, 6, 3]), 0)
        category = rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
        served_years = max(0, (AS_OF - start).days // 365)
        remission = 0 if not term.is_fixed else rng.randint(0, served_years) * 45
        records: list[DisciplinaryPeriod] = []
        if rng.random() < 0.06:
            record_start = start + timedelta(days=rng.randrange(max(1, (AS_OF - start).days)))
            end = None if rng.random() < 0.3 else record_start + timedelta(days=rng.choice([6, 12]))
            records.append(DisciplinaryPeriod(record_start, end, "Register F"))
        inputs.append(
            SentenceInput(
                detention_start=start,
                term=term,
                crime_category=category,
                remission_days=remission,
                disciplinary_records=records,
                fine_paid=_unknown_or(rng),
                restitution_paid=_unknown_or(rng),
                deradicalisation_completed=_unknown_or(rng),
                nkri_pledge_signed=_unknown_or(rng),
                last_remission_days=rng.choice([None, 30, 45, 60, 90]) if remission else None,
            )
        )
    return inputs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="sentences to calculate")
    parser.add_argument("--profile", action="store_true", help="profile the calculations")
    args = parser.parse_args()

    started = time.perf_counter()
    inputs = generate(args.rows)
    built = time.perf_counter() - started
    print(
        f"built {len(inputs):,} inputs in {built:.2f} s ({len(inputs) / built:,.0f}/s)",
        flush=True,
    )

    for sentence in inputs[:1000]:  # warm-up
        calculate(sentence, AS_OF)

    statuses: Counter[str] = Counter()
    profiler = cProfile.Profile() if args.profile else None
    started = time.perf_counter()
    cpu_started = time.process_time()
    if profiler:
        profiler.enable()
    for sentence in inputs:
        result = calculate(sentence, AS_OF)
        statuses[result.rights["pb"].status.value] += 1
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"calculate: {len(inputs):,} in {elapsed:.2f} s = {len(inputs) / elapsed:,.0f}/s, "
        f"{elapsed / len(inputs) * 1e6:.0f} µs each; CPU {cpu:.2f} s "
        f"({cpu / len(inputs) * 1e6:.0f} µs each, the figure to compare on a busy machine); "
        f"peak RSS {peak:.0f} MB",
        flush=True,
    )
    print(f"PB status: {dict(sorted(statuses.items()))}")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
