"""Benchmark of the indicator dashboards and the public pages at (scaled-down) national size.

Generates a country on a fresh database with ``bulk_create`` (no per-row saves): R regions
with F facilities of varied size (Lapas, Rutan, LPKA), N inmates (most in custody, about a
fifth released during the data window, some transferred), programs with their partners,
sessions twice a week, enrolments, attendance marks (about one million by default),
certificates, agreements with commitments, support requests, deliveries (fulfilments),
releases with follow-ups at 1, 3, 6 and 12 months, re-admissions, reintegration plans with
needs, need updates, consents and referrals, and monthly SPPN scores. The data covers
1 January of last year up to yesterday; the measured month is the last complete one.
Then, with the number of SQL statements of each step:

1. the data generation (reported, not the point);
2. every indicator of the catalogue for the largest facility, for the month and for its
   year (the total and the three slowest indicators);
3. the facility dashboard's data for the month (``grouped_rows`` + ``facility_charts``);
4. the comparison of the facilities of that facility's region (``comparison`` by facility)
   and of the regions of the country (by region), for the default indicator and for every
   comparable one, and the whole data of the region and national dashboards;
5. ``public_data.build_table`` for the month (cold), then the public page
   ``/publik/?period=…`` through ``django.test.Client``: one request after
   ``cache.clear()`` (it builds the table), then ``--requests`` more from the cache.

Finally the slowest SQL statement of steps 2 to 5 is run again under ``EXPLAIN (ANALYZE,
BUFFERS)`` (PostgreSQL) or ``EXPLAIN QUERY PLAN`` (SQLite) and its plan printed.

    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/sinergi_bench \\
        .venv/bin/python bench/indicators_benchmark.py      # 60 facilities, 60,000 inmates
    DEBUG=true .venv/bin/python bench/indicators_benchmark.py --facilities 12 \\
        --inmates 12000 --regions 3                            # SQLite

PostgreSQL: the database is dropped and created again first (its name must contain
"bench"); ``--reuse`` keeps a database an earlier run generated and only measures. SQLite
(``DATABASE_URL`` unset): ``SINERGI_VAR_DIR`` is pointed at a temporary directory, so the
database is new and the dev database untouched. ``DEBUG=true`` only lets the settings load
without a ``SECRET_KEY``: Django's query log is switched off after setup (``--debug-sql``
keeps it). The exit status is 1 when a check fails (a generated table is empty, the
facility's figures are all zero, a public page does not answer 200, or a cached public
page runs SQL).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import resource
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from import_benchmark import (  # noqa: E402
    FEMALE,
    LAST,
    MALE,
    in_work_dir,
    prepare_database,
    start_django,
)

WIB = ZoneInfo("Asia/Jakarta")
BATCH = 2000
REGION_NAMES = [
    ("Nusa Tenggara Barat", "Kanwil NTB"),
    ("Jawa Timur", "Kanwil Jawa Timur"),
    ("Sumatera Utara", "Kanwil Sumatera Utara"),
    ("Sulawesi Selatan", "Kanwil Sulawesi Selatan"),
    ("Kalimantan Timur", "Kanwil Kalimantan Timur"),
    ("Papua", "Kanwil Papua"),
    ("Jawa Barat", "Kanwil Jawa Barat"),
    ("Bali", "Kanwil Bali"),
    ("Riau", "Kanwil Riau"),
    ("Maluku", "Kanwil Maluku"),
]
COMMITMENT_KINDS = {
    "instructors": (30, "hours"),
    "equipment": (25, "units"),
    "training_places": (15, "places"),
    "reintegration": (10, "people"),
    "funding": (10, "rupiah"),
    "marketing": (5, "products"),
    "other": (5, "items"),
}
REQUEST_KINDS = {
    "instructor": (35, "hours"),
    "equipment": (25, "units"),
    "reintegration": (15, "people"),
    "training_places": (10, "places"),
    "funding": (10, "rupiah"),
    "other": (5, "items"),
}
REQUEST_STATUSES = {
    "draft": 5,
    "submitted": 10,
    "acknowledged": 5,
    "accepted": 10,
    "partially_accepted": 5,
    "declined": 10,
    "in_delivery": 10,
    "fulfilled": 35,
    "closed": 10,
}
ANSWERED = {"accepted", "partially_accepted", "declined", "in_delivery", "fulfilled", "closed"}
DELIVERED = {"in_delivery", "fulfilled", "closed"}
RELEASE_KINDS = {"expiry": 36, "pb": 36, "cb": 10, "cmb": 6, "asimilasi": 6, "death": 1}
ATTENDANCE = {"present": 82, "sick": 6, "excused": 5, "refused": 4, "clash": 1, "other": 2}
WORK = {"employed": 30, "self_employed": 20, "looking": 25, "not_working": 20, "unknown": 5}
REFERRAL_STATUSES = {
    "completed": 45,
    "in_progress": 15,
    "accepted": 10,
    "sent": 10,
    "declined": 10,
    "cancelled": 10,
}


def pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def add_months(day: datetime.date, months: int) -> datetime.date:
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def between(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    if last <= first:
        return first
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(rng.randint(7, 16), rng.randint(0, 59)), tzinfo=WIB
    )


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# --------------------------------------------------------------------------------------
# Data generation


@dataclass
class InmateRow:
    id: int
    name: str
    admission: datetime.date
    left_on: datetime.date | None  # released or transferred
    kind: str  # custody | released | transferred


@dataclass
class Plan:
    """The sizes asked for on the command line."""

    regions: int
    facilities: int
    inmates: int
    programs: int  # per facility of average size
    enrolled: int  # per program
    sppn_months: int
    seed: int


@dataclass(frozen=True)
class World:
    start: datetime.date  # first day with data
    end: datetime.date  # last day with data (yesterday)


def insert(model: Any, objects: Sequence[Any]) -> list[Any]:
    """``bulk_create`` in batches; the objects come back with their ids."""
    return model.objects.bulk_create(objects, batch_size=BATCH)


@contextmanager
def given_stamp(model: Any, name: str) -> Iterator[None]:
    """Let ``bulk_create`` keep the value of an ``auto_now_add`` field (a past date)."""
    stamp = model._meta.get_field(name)
    saved = stamp.auto_now_add
    stamp.auto_now_add = False
    try:
        yield
    finally:
        stamp.auto_now_add = saved


def generate(plan: Plan, world: World) -> None:
    """Fill the database, printing the time of each part."""
    from sinergi.orgs.models import Facility, Partner, PartnerKind, Region

    rng = random.Random(plan.seed)
    regions = insert(
        Region,
        [
            Region(
                code=f"bench-r{n + 1}",
                name=REGION_NAMES[n % len(REGION_NAMES)][1]
                + (f" {n // len(REGION_NAMES) + 1}" if n >= len(REGION_NAMES) else ""),
                province=REGION_NAMES[n % len(REGION_NAMES)][0],
            )
            for n in range(plan.regions)
        ],
    )
    partners_of: dict[int, list[int]] = {}
    national = insert(
        Partner,
        [
            Partner(code=f"bench-p0-{n}", name=f"Mitra Nasional {n}", kind="state_owned")
            for n in range(1, 7)
        ],
    )
    for region in regions:
        local = insert(
            Partner,
            [
                Partner(
                    code=f"bench-p{region.pk}-{n}",
                    name=f"Mitra {n} {region.province}",
                    kind=PartnerKind.values[n % len(PartnerKind.values)],
                    region=region,
                )
                for n in range(1, 13)
            ],
        )
        partners_of[region.pk] = [p.pk for p in local] + [p.pk for p in national]

    weights = [rng.uniform(0.4, 2.0) for _ in range(plan.facilities)]
    scale = plan.inmates / sum(weights)
    sizes = [max(50, round(w * scale)) for w in weights]
    sizes[-1] += plan.inmates - sum(sizes)
    kinds = ["lapas", "lapas", "lapas", "rutan", "rutan", "lpka"]
    facilities = insert(
        Facility,
        [
            Facility(
                code=f"bench-f{n + 1:03d}",
                name=f"{kinds[n % 6].capitalize()} Bench {n + 1:03d}",
                kind=kinds[n % 6],
                facility_class=rng.choice(["I", "IIA", "IIB", "III"]),
                region=regions[n % plan.regions],
                regency=f"Kabupaten Bench {n + 1}",
            )
            for n in range(plan.facilities)
        ],
    )
    timer = time.perf_counter()
    inmates: dict[int, list[InmateRow]] = {}
    for facility, size in zip(facilities, sizes, strict=True):
        inmates[facility.pk] = make_inmates(rng, world, facility, size)
    releases = make_releases(rng, world, inmates)
    print(f"    inmates and releases: {time.perf_counter() - timer:.1f} s", flush=True)
    timer = time.perf_counter()
    average = plan.inmates / plan.facilities
    for facility, size in zip(facilities, sizes, strict=True):
        pool = partners_of[facility.region_id]
        engaged = make_cooperation(rng, world, facility, size / average, pool)
        make_programs(rng, world, plan, facility, size / average, inmates[facility.pk], engaged)
    for region in regions:
        make_region_agreements(rng, world, region, partners_of[region.pk])
    print(f"    programs and cooperation: {time.perf_counter() - timer:.1f} s", flush=True)
    timer = time.perf_counter()
    make_reintegration(rng, world, facilities, inmates, releases, partners_of)
    print(f"    reintegration: {time.perf_counter() - timer:.1f} s", flush=True)
    timer = time.perf_counter()
    make_assessments(rng, world, plan, inmates)
    print(f"    SPPN scores: {time.perf_counter() - timer:.1f} s", flush=True)


def make_inmates(rng: random.Random, world: World, facility: Any, size: int) -> list[InmateRow]:
    from sinergi.inmates.models import Inmate

    rows = []
    objects = []
    oldest = world.end - datetime.timedelta(days=6 * 365)
    for n in range(size):
        female = rng.random() < (0.9 if facility.pk % 17 == 0 else 0.06)
        name = f"{rng.choice(FEMALE if female else MALE)} {rng.choice(LAST)}"
        # More recent admissions than old ones: most sentences are short.
        admission = world.end - datetime.timedelta(
            days=min(int(rng.expovariate(1 / 500)), (world.end - oldest).days)
        )
        kind, left_on = "custody", None
        if admission <= world.end - datetime.timedelta(days=60):
            draw = rng.random()
            first = max(admission + datetime.timedelta(days=60), world.start)
            if draw < 0.30 and first <= world.end:
                kind, left_on = "released", between(rng, first, world.end)
            elif draw < 0.32 and first <= world.end:
                kind, left_on = "transferred", between(rng, first, world.end)
        status = {"custody": "in_custody", "released": "released", "transferred": "transferred"}
        objects.append(
            Inmate(
                facility=facility,
                registration_number=f"BI {n + 1}/{admission.year % 100:02d}",
                name=name,
                birth_date=datetime.date(rng.randint(1960, 2006), rng.randint(1, 12), 15),
                sex="F" if female else "M",
                religion="islam" if rng.random() < 0.85 else rng.choice(["hindu", "protestant"]),
                home_regency=facility.regency,
                register_class="B.I",
                status=status[kind],
                admission_date=admission,
                status_changed_on=left_on,
            )
        )
        rows.append(InmateRow(0, name, admission, left_on, kind))
    for row, inmate in zip(rows, insert(Inmate, objects), strict=True):
        row.id = inmate.pk
    return rows


@dataclass
class ReleaseRow:
    id: int
    inmate: InmateRow
    facility_id: int
    released_on: datetime.date
    kind: str


def make_releases(
    rng: random.Random, world: World, inmates: dict[int, list[InmateRow]]
) -> list[ReleaseRow]:
    from sinergi.reintegration.models import Release

    rows, objects = [], []
    for facility_id, people in inmates.items():
        for person in people:
            if person.left_on is None:
                continue
            kind = "transfer" if person.kind == "transferred" else pick(rng, RELEASE_KINDS)
            objects.append(
                Release(
                    inmate_id=person.id,
                    released_on=person.left_on,
                    kind=kind,
                    savings_rupiah=Decimal(rng.randint(0, 3_000_000)),
                )
            )
            rows.append(ReleaseRow(0, person, facility_id, person.left_on, kind))
    for row, release in zip(rows, insert(Release, objects), strict=True):
        row.id = release.pk
    return rows


def make_programs(
    rng: random.Random,
    world: World,
    plan: Plan,
    facility: Any,
    weight: float,
    people: list[InmateRow],
    pool: list[int],
) -> None:
    """Programs with their partners (from ``pool``), sessions twice a week, enrolments,
    attendance marks and certificates of one facility."""
    from sinergi.programs.choices import PERSONALITY_CATEGORIES, ProgramCategory
    from sinergi.programs.models import Attendance, Certificate, Enrollment, Program, Session

    personality = sorted(PERSONALITY_CATEGORIES)
    independence_categories = sorted(set(ProgramCategory.values) - PERSONALITY_CATEGORIES)
    count = max(4, round(plan.programs * weight))
    partners = Program.partners.through
    programs, shapes = [], []
    for n in range(count):
        independence = rng.random() < 0.45
        category = rng.choice(independence_categories if independence else personality)
        start = between(rng, world.start - datetime.timedelta(days=90), world.end)
        end = start + datetime.timedelta(weeks=rng.randint(8, 20))
        certification = "internal"
        if independence:
            certification = rng.choices(["internal", "blk", "lsp"], [50, 30, 20])[0]
        programs.append(
            Program(
                facility=facility,
                kind="independence" if independence else "personality",
                category=category,
                title=f"{category.replace('_', ' ').title()} {n + 1}",
                capacity=plan.enrolled + 10,
                target_hours=64,
                start_date=start,
                end_date=end,
                certification=certification,
                status="completed" if end < world.end else "running",
            )
        )
        days = rng.sample(range(5), 2)
        slot = rng.choice([(8, 0, 10, 0), (13, 0, 15, 30)])
        shapes.append((days, slot))
    programs = insert(Program, programs)
    links = []
    for program in programs:
        if pool and rng.random() < 0.7:
            for partner in rng.sample(pool, min(len(pool), rng.randint(1, 2))):
                links.append(partners(program_id=program.pk, partner_id=partner))
    insert(partners, links)

    sessions_of: dict[int, list[tuple[int, datetime.date, Decimal, bool]]] = {}
    objects, owners = [], []
    for program, (days, slot) in zip(programs, shapes, strict=True):
        day = program.start_date
        last = min(program.end_date, world.end)
        hours = Decimal(slot[2] * 60 + slot[3] - slot[0] * 60 - slot[1]) / 60
        while day <= last:
            if day.weekday() in days:
                cancelled = rng.random() < 0.03
                objects.append(
                    Session(
                        program=program,
                        date=day,
                        start_time=datetime.time(slot[0], slot[1]),
                        end_time=datetime.time(slot[2], slot[3]),
                        status="cancelled" if cancelled else "scheduled",
                    )
                )
                owners.append((program.pk, day, hours.quantize(Decimal("0.01")), cancelled))
            day += datetime.timedelta(days=1)
    for owner, session in zip(owners, insert(Session, objects), strict=True):
        sessions_of.setdefault(owner[0], []).append((session.pk, *owner[1:]))

    enrolments, meta = [], []
    for program in programs:
        candidates = [
            p
            for p in people
            if p.admission <= program.start_date
            and (p.left_on is None or p.left_on > program.start_date)
        ]
        wanted = min(len(candidates), max(1, round(plan.enrolled * rng.uniform(0.75, 1.25))))
        for person in rng.sample(candidates, wanted):
            enrolled_on = program.start_date
            ended_on, reason = None, ""
            if person.left_on is not None and person.left_on < program.end_date:
                ended_on = person.left_on
                reason = "released" if person.kind == "released" else "transferred"
            elif program.end_date <= world.end:
                if rng.random() < 0.8:
                    ended_on, reason = program.end_date, "completed"
                else:
                    ended_on = between(rng, enrolled_on, program.end_date)
                    reason = rng.choice(["withdrawn_inmate", "dismissed", "health", "other"])
            elif rng.random() < 0.08:
                ended_on = between(rng, enrolled_on, world.end)
                reason = rng.choice(["withdrawn_inmate", "withdrawn_staff", "health"])
            if ended_on is not None and ended_on > world.end:
                ended_on, reason = None, ""
            enrolments.append(
                Enrollment(
                    program=program,
                    inmate_id=person.id,
                    enrolled_on=enrolled_on,
                    ended_on=ended_on,
                    end_reason=reason,
                    pre_test=rng.randint(20, 80),
                )
            )
            meta.append((program, person, enrolled_on, ended_on, reason))
    enrolments = insert(Enrollment, enrolments)

    marks, certificates = [], []
    present = Decimal(0)
    for enrolment, (program, person, enrolled_on, ended_on, reason) in zip(
        enrolments, meta, strict=True
    ):
        until = ended_on or world.end
        attended = Decimal(0)
        for session_id, day, hours, cancelled in sessions_of.get(program.pk, []):
            if day < enrolled_on or day > until:
                continue
            status = "cancelled" if cancelled else pick(rng, ATTENDANCE)
            credited = hours if status == "present" else Decimal(0)
            attended += credited
            marks.append(
                Attendance(
                    session_id=session_id,
                    enrollment_id=enrolment.pk,
                    status=status,
                    hours=credited,
                )
            )
            if len(marks) >= 20_000:
                insert(Attendance, marks)
                marks = []
        present += attended
        if reason == "completed" and rng.random() < 0.85:
            issued = min(ended_on + datetime.timedelta(days=rng.randint(0, 14)), world.end)
            certificates.append(
                Certificate(
                    enrollment_id=enrolment.pk,
                    issued_on=issued,
                    hours=attended,
                    head_name="Kepala UPT Bench",
                    holder_name=person.name,
                    status="valid" if rng.random() < 0.98 else "revoked",
                )
            )
    insert(Attendance, marks)
    insert(Certificate, certificates)


def make_cooperation(
    rng: random.Random, world: World, facility: Any, weight: float, pool: list[int]
) -> list[int]:
    """Agreements, commitments, support requests and deliveries of one facility; returns
    the partners of its agreements."""
    from sinergi.cooperation.models import Fulfilment, SupportRequest

    agreements = make_agreements(
        rng, world, pool, [{"facility": facility} for _ in range(2 + (weight > 1.2))]
    )
    engaged = sorted({p for _a, partners in agreements for p in partners})
    requests, plans = [], []
    for _n in range(max(5, round(40 * weight))):
        kind = pick(rng, {k: w for k, (w, _u) in REQUEST_KINDS.items()})
        status = pick(rng, REQUEST_STATUSES)
        partner = rng.choice(engaged) if engaged and rng.random() < 0.6 else rng.choice(pool)
        created = between(rng, world.start, world.end)
        submitted = None if status == "draft" else at(created, rng)
        answered = None
        if status in ANSWERED and submitted is not None:
            answered = submitted + datetime.timedelta(hours=rng.lognormvariate(4.5, 1.0))
            answered = min(answered, at(world.end, rng))
        quantity = Decimal(rng.randint(1, 60))
        requests.append(
            SupportRequest(
                facility=facility,
                partner_id=partner,
                kind=kind,
                title=f"Permintaan {kind}",
                quantity=quantity,
                unit=REQUEST_KINDS[kind][1],
                needed_by=created + datetime.timedelta(days=rng.randint(14, 90)),
                justification="Kebutuhan program pembinaan.",
                status=status,
                accepted_quantity=quantity if status in DELIVERED else None,
                created_at=at(created, rng),
                submitted_at=submitted,
                answered_at=answered,
            )
        )
        plans.append((partner, kind, status, answered, quantity))
    requests = insert(SupportRequest, requests)
    deliveries = []
    for request, (partner, kind, status, answered, quantity) in zip(requests, plans, strict=True):
        if status not in DELIVERED or answered is None:
            continue
        parts = rng.randint(1, 3)
        for _n in range(parts):
            first = answered.date()
            day = between(rng, first, min(first + timedelta_days(60), world.end))
            deliveries.append(delivery(rng, partner, day, quantity / parts, kind, request=request))
    insert(Fulfilment, deliveries)
    return engaged


def timedelta_days(days: int) -> datetime.timedelta:
    return datetime.timedelta(days=days)


def delivery(
    rng: random.Random,
    partner: int,
    day: datetime.date,
    quantity: Decimal,
    kind: str,
    request: Any = None,
    commitment: Any = None,
) -> Any:
    from sinergi.cooperation.models import Fulfilment

    value = Decimal(0)
    if kind in ("equipment", "funding", "other"):
        value = Decimal(rng.randint(1, 40)) * 250_000
    return Fulfilment(
        partner_id=partner,
        request=request,
        commitment=commitment,
        description=f"Penyerahan {kind}",
        delivered_on=day,
        quantity=quantity.quantize(Decimal("0.01")),
        unit="hours" if kind.startswith("instructor") else "units",
        value_rupiah=value,
        created_at=at(day, rng),
    )


def make_agreements(
    rng: random.Random, world: World, pool: list[int], parties: list[dict[str, Any]]
) -> list[tuple[Any, list[int]]]:
    from sinergi.cooperation.models import Agreement, Commitment, Fulfilment

    objects, chosen = [], []
    for n, party in enumerate(parties):
        start = between(rng, world.start - timedelta_days(365), world.end - timedelta_days(60))
        status = rng.choices(["active", "terminated", "draft", "renewed"], [85, 5, 5, 5])[0]
        objects.append(
            Agreement(
                kind="pks" if "facility" in party else "mou",
                number=f"PKS/{n + 1}/{start.year}",
                title=f"Kerja sama pembinaan {n + 1}",
                start_date=start,
                end_date=start + timedelta_days(rng.choice([730, 1095])),
                signed_on=start,
                status=status,
                **party,
            )
        )
        chosen.append(rng.sample(pool, rng.randint(1, 3)))
    agreements = insert(Agreement, objects)
    through = Agreement.partners.through
    insert(
        through,
        [
            through(agreement_id=a.pk, partner_id=p)
            for a, partners in zip(agreements, chosen, strict=True)
            for p in partners
        ],
    )
    commitments, plans = [], []
    for agreement, partners in zip(agreements, chosen, strict=True):
        for _n in range(rng.randint(3, 5)):
            kind = pick(rng, {k: w for k, (w, _u) in COMMITMENT_KINDS.items()})
            partner = rng.choice(partners) if rng.random() < 0.9 else None
            due = between(
                rng,
                max(agreement.start_date, world.start),
                min(agreement.end_date, world.end + timedelta_days(180)),
            )
            target = Decimal(rng.randint(2, 40) * (5 if kind == "instructors" else 1))
            commitments.append(
                Commitment(
                    agreement=agreement,
                    partner_id=partner,
                    kind=kind,
                    description=f"Komitmen {kind}",
                    target_quantity=target,
                    unit=COMMITMENT_KINDS[kind][1],
                    due_date=due,
                )
            )
            plans.append((partner or partners[0], kind, due, target))
    commitments = insert(Commitment, commitments)
    deliveries = []
    for commitment, (partner, kind, due, target) in zip(commitments, plans, strict=True):
        if due - timedelta_days(60) > world.end or rng.random() > 0.75:
            continue
        parts = rng.randint(1, 3)
        for _n in range(parts):
            first = max(due - timedelta_days(120), world.start)
            day = between(rng, first, min(due + timedelta_days(30), world.end))
            share = target / parts * Decimal(rng.uniform(0.6, 1.2))
            deliveries.append(delivery(rng, partner, day, share, kind, commitment=commitment))
    insert(Fulfilment, deliveries)
    return list(zip(agreements, chosen, strict=True))


def make_region_agreements(rng: random.Random, world: World, region: Any, pool: list[int]) -> None:
    make_agreements(rng, world, pool, [{"region": region}, {"region": region}])


def make_reintegration(
    rng: random.Random,
    world: World,
    facilities: list[Any],
    inmates: dict[int, list[InmateRow]],
    releases: list[ReleaseRow],
    partners_of: dict[int, list[int]],
) -> None:
    from sinergi.reintegration.choices import Pathway
    from sinergi.reintegration.models import (
        AssessmentVersion,
        Consent,
        FollowUp,
        Need,
        NeedUpdate,
        Readmission,
        Referral,
        ReintegrationPlan,
    )

    region_of = {f.pk: f.region_id for f in facilities}
    version = AssessmentVersion.objects.order_by("-version").first()
    if version is None:  # the migrations normally create the first one
        version = AssessmentVersion.objects.create(version=1, name="Bench", is_current=True)
    released_on = {r.inmate.id: r for r in releases}
    owners, plans = [], []
    for facility_id, people in inmates.items():
        for person in people:
            release = released_on.get(person.id)
            if release is not None and release.kind in ("transfer", "death"):
                continue
            if rng.random() < (0.7 if release else 0.2):
                plans.append(
                    ReintegrationPlan(
                        inmate_id=person.id,
                        assessment=version,
                        created_at=at(max(person.admission, world.start), rng),
                    )
                )
                owners.append((facility_id, person, release))
    plans = insert(ReintegrationPlan, plans)
    needs, need_meta = [], []
    for plan, (facility_id, person, release) in zip(plans, owners, strict=True):
        for pathway in rng.sample(Pathway.values, rng.randint(2, 5)):
            if release is not None:
                status = rng.choices(
                    ["met", "in_progress", "not_started", "declined", "not_needed"],
                    [55, 15, 10, 10, 10],
                )[0]
            else:
                status = rng.choices(["met", "in_progress", "not_started"], [25, 35, 40])[0]
            partner = None
            if rng.random() < 0.35:
                partner = rng.choice(partners_of[region_of[facility_id]])
            needs.append(
                Need(
                    plan=plan,
                    pathway=pathway,
                    status=status,
                    responsible="partner" if partner else "facility",
                    partner_id=partner,
                )
            )
            need_meta.append((person, release, status, partner))
    needs = insert(Need, needs)
    updates, consents, referral_meta = [], [], []
    for need, (person, release, status, partner) in zip(needs, need_meta, strict=True):
        first = max(person.admission, world.start)
        last = release.released_on if release else world.end
        if status in ("met", "in_progress"):
            if status == "met" and release is not None and rng.random() < 0.15:
                day = between(rng, release.released_on, world.end)  # recorded late
            else:
                day = between(rng, first, last)
            updates.append(NeedUpdate(need=need, status=status, at=at(day, rng)))
        if partner is not None:
            day = between(rng, max(first, last - timedelta_days(120)), last)
            consents.append(
                Consent(
                    inmate_id=person.id,
                    partner_id=partner,
                    purpose="Rujukan reintegrasi",
                    given_on=day,
                )
            )
            referral_meta.append((need, person, partner, day))
    with given_stamp(NeedUpdate, "at"):
        insert(NeedUpdate, updates)
    consents = insert(Consent, consents)
    referrals = [
        Referral(
            inmate_id=person.id,
            partner_id=partner,
            need=need,
            consent=consent,
            purpose="Rujukan reintegrasi",
            contact="Petugas PK",
            status=pick(rng, REFERRAL_STATUSES),
            created_at=at(day, rng),
        )
        for consent, (need, person, partner, day) in zip(consents, referral_meta, strict=True)
    ]
    insert(Referral, referrals)

    follow_ups = []
    for release in releases:
        if release.kind in ("transfer", "death"):
            continue
        for month in (1, 3, 6, 12):
            due = add_months(release.released_on, month)
            done_on, contact, work, offence = None, False, "", False
            if due <= world.end and rng.random() < 0.85:
                done_on = due + timedelta_days(rng.randint(0, 21))
                if done_on > world.end:
                    done_on = None
                elif rng.random() < 0.8:
                    contact, work = True, pick(rng, WORK)
                    offence = rng.random() < 0.04
            follow_ups.append(
                FollowUp(
                    release_id=release.id,
                    month=month,
                    due_on=due,
                    done_on=done_on,
                    contact_made=contact,
                    work_status=work,
                    new_offence=offence,
                )
            )
    insert(FollowUp, follow_ups)

    in_custody = {
        facility_id: [p for p in people if p.kind == "custody"]
        for facility_id, people in inmates.items()
    }
    taken: set[int] = set()
    readmissions = []
    for release in releases:
        if release.kind in ("transfer", "death") or rng.random() > 0.05:
            continue
        pool = in_custody[release.facility_id]
        for _try in range(20):
            candidate = rng.choice(pool)
            gap = (candidate.admission - release.released_on).days
            if candidate.id not in taken and 10 < gap < 540:
                taken.add(candidate.id)
                readmissions.append(
                    Readmission(
                        earlier_release_id=release.id, new_inmate_id=candidate.id, matched_by="nik"
                    )
                )
                break
    insert(Readmission, readmissions)


def make_assessments(
    rng: random.Random, world: World, plan: Plan, inmates: dict[int, list[InmateRow]]
) -> None:
    from sinergi.indicators.public_data import last_complete_month
    from sinergi.inmates.models import MonthlyAssessment

    last = last_complete_month(world.end + timedelta_days(1)).start
    months = [add_months(last, -n) for n in range(plan.sppn_months - 1, -1, -1)]
    scores = []
    for people in inmates.values():
        for person in people:
            level = rng.gauss(68, 9)
            for month in months:
                month_end = add_months(month, 1) - timedelta_days(1)
                if person.admission > month_end or (
                    person.left_on is not None and person.left_on < month
                ):
                    continue
                if rng.random() > 0.92:
                    continue
                aspects = [max(0, min(100, round(level + rng.gauss(0, 8)))) for _ in range(4)]
                scores.append(
                    MonthlyAssessment(
                        inmate_id=person.id,
                        month=month,
                        personality=aspects[0],
                        independence=aspects[1],
                        behaviour=aspects[2],
                        mental_condition=aspects[3],
                        total=Decimal(sum(aspects)) / 4,
                    )
                )
                if len(scores) >= 20_000:
                    insert(MonthlyAssessment, scores)
                    scores = []
            level += rng.gauss(0.3, 1)
    insert(MonthlyAssessment, scores)


# --------------------------------------------------------------------------------------
# Measuring


@dataclass
class Statement:
    seconds: float
    label: str
    sql: str
    params: Any


class Statements:
    """Counts the SQL statements (``connection.execute_wrapper``) and times each one,
    labelled with the step that ran it."""

    def __init__(self) -> None:
        self.count = 0
        self.label = ""
        self.seen: list[Statement] = []

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        self.count += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if not many:
                spent = time.perf_counter() - started
                self.seen.append(Statement(spent, self.label, sql, params))


@dataclass
class Took:
    seconds: float = 0.0
    queries: int = 0

    def __str__(self) -> str:
        return f"{self.seconds:.2f} s, {self.queries:,} SQL statements"


@contextmanager
def timed(statements: Statements, label: str) -> Iterator[Took]:
    took = Took()
    statements.label = label
    before = statements.count
    started = time.perf_counter()
    try:
        yield took
    finally:
        took.seconds = time.perf_counter() - started
        took.queries = statements.count - before


def slowest(timings: list[tuple[str, Took]], n: int = 3) -> str:
    ranked = sorted(timings, key=lambda item: -item[1].seconds)[:n]
    return ", ".join(f"{name} {took.seconds:.2f} s ({took.queries})" for name, took in ranked)


def every_indicator(statements: Statements, q: Any, title: str) -> tuple[Took, int]:
    """Step 2: each indicator of the catalogue for ``q``; returns the total time and how
    many indicators found something (a numerator above zero)."""
    from sinergi.indicators.catalogue import CATALOGUE

    timings: list[tuple[str, Took]] = []
    found = 0
    started = time.perf_counter()
    before = statements.count
    for indicator in CATALOGUE:
        with timed(statements, f"{indicator.id}, {title}") as took:
            values = indicator.compute(q)
        timings.append((indicator.id, took))
        found += any(value.numerator for value in values.values())
    total = Took(time.perf_counter() - started, statements.count - before)
    print(
        f"2 every indicator ({len(CATALOGUE)}), {title}: {total}; {found} with a figure above 0",
        flush=True,
    )
    print(f"    slowest: {slowest(timings)}", flush=True)
    return total, found


def every_comparison(statements: Statements, q: Any, by: str, title: str) -> Took:
    """Step 4: the comparison chart for every comparable indicator."""
    from sinergi.indicators import dashboards

    timings: list[tuple[str, Took]] = []
    started = time.perf_counter()
    before = statements.count
    for indicator in dashboards.COMPARABLE:
        with timed(statements, f"comparison {indicator.id}, {title}") as took:
            dashboards.comparison(q, by, indicator.id)
        timings.append((indicator.id, took))
    total = Took(time.perf_counter() - started, statements.count - before)
    print(f"    every comparable indicator ({len(timings)}): {total}", flush=True)
    print(f"    slowest: {slowest(timings)}", flush=True)
    return total


def explain(statement: Statement, vendor: str) -> None:
    from django.db import connection

    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    print(
        f"\nEXPLAIN of the slowest statement ({statement.seconds:.3f} s, {statement.label}):\n"
        f"{statement.sql}\n    params: {statement.params}",
        flush=True,
    )
    with connection.cursor() as cursor:
        cursor.execute(prefix + statement.sql, statement.params)
        for row in cursor.fetchall():
            print("    " + " | ".join(str(part) for part in row), flush=True)


def table_sizes() -> str:
    from django.utils import translation

    from sinergi.cooperation.models import Agreement, Commitment, Fulfilment, SupportRequest
    from sinergi.inmates.models import Inmate, MonthlyAssessment
    from sinergi.orgs.models import Facility, Partner, Region
    from sinergi.programs.models import Attendance, Certificate, Enrollment, Program, Session
    from sinergi.reintegration.models import (
        FollowUp,
        Need,
        NeedUpdate,
        Readmission,
        Referral,
        ReintegrationPlan,
        Release,
    )

    models = [
        Region,
        Facility,
        Partner,
        Inmate,
        Program,
        Session,
        Enrollment,
        Attendance,
        Certificate,
        Agreement,
        Commitment,
        SupportRequest,
        Fulfilment,
        Release,
        FollowUp,
        Readmission,
        ReintegrationPlan,
        Need,
        NeedUpdate,
        Referral,
        MonthlyAssessment,
    ]
    with translation.override("en"):
        sizes = {str(model._meta.verbose_name_plural): model.objects.count() for model in models}
    sizes["inmates in custody"] = Inmate.objects.filter(status="in_custody").count()
    empty = [str(name) for name, count in sizes.items() if not count]
    if empty:
        print(f"UNEXPECTED: nothing generated in {', '.join(empty)}", flush=True)
    return ", ".join(f"{name} {count:,}" for name, count in sizes.items())


def measure(args: argparse.Namespace, statements: Statements) -> list[str]:
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.urls import get_resolver

    from sinergi.indicators import dashboards
    from sinergi.indicators.catalogue import FACILITY, NATIONAL, REGION, Query
    from sinergi.indicators.periods import parse_period, year_period
    from sinergi.indicators.public_data import build_table, last_complete_month
    from sinergi.orgs.models import Facility

    get_resolver().url_patterns  # noqa: B018 -- load the URLconf before measuring
    failures: list[str] = []
    month = parse_period(args.month) if args.month else last_complete_month()
    year = year_period(month.start.year)
    facility = (
        Facility.objects.annotate(n=Count("inmates")).select_related("region").order_by("-n")[0]
    )
    custody = facility.inmates.filter(status="in_custody").count()
    where = f"{facility.name} ({facility.n:,} inmates, {custody:,} in custody)"
    print(f"measured: the largest facility, {where}; month {month}, year {year}", flush=True)

    with connection.execute_wrapper(statements):
        # 2. Every indicator for one facility.
        _took, found = every_indicator(
            statements, Query(month, FACILITY, facility.pk), f"facility, month {month}"
        )
        if found < 10:
            failures.append(f"only {found} indicators of the facility found a figure")
        every_indicator(statements, Query(year, FACILITY, facility.pk), f"facility, year {year}")

        # 3. The facility dashboard.
        q = Query(month, FACILITY, facility.pk)
        with timed(statements, "facility dashboard grouped_rows") as rows:
            dashboards.grouped_rows(q, FACILITY)
        with timed(statements, "facility dashboard facility_charts") as charts:
            dashboards.facility_charts(q)
        total = Took(rows.seconds + charts.seconds, rows.queries + charts.queries)
        print(
            f"3 facility dashboard data, month {month}: {total} "
            f"(grouped_rows {rows}; facility_charts {charts})",
            flush=True,
        )

        # 4. Comparisons: the facilities of the region, the regions of the country.
        default = dashboards.DEFAULT_COMPARISON
        for area, area_id, by, name in (
            (REGION, facility.region_id, FACILITY, f"region {facility.region.name} by facility"),
            (NATIONAL, None, REGION, "national by region"),
        ):
            q = Query(month, area, area_id)
            with timed(statements, f"comparison {default}, {name}") as took:
                chart = dashboards.comparison(q, by, default)
            print(
                f"4 comparison, {name}, {default}, month {month}: {took}; {len(chart.rows)} rows",
                flush=True,
            )
            every_comparison(statements, q, by, name)
            with timed(statements, f"dashboard {name}") as took:
                dashboards.grouped_rows(q, area)
                dashboards.comparison(q, by, default)
                dashboards.cooperation_charts(q)
            print(
                f"    whole {area} dashboard data (grouped_rows + comparison + "
                f"cooperation_charts): {took}",
                flush=True,
            )

        # 5. The public pages.
        with timed(statements, f"build_table({month})") as took:
            table = build_table(month)
        print(
            f"5 build_table({month}), cold: {took}; {len(table.regions)} regions, "
            f"{len(table.facilities)} facilities, {len(table.figures)} indicators",
            flush=True,
        )
        if "127.0.0.1" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
        client = Client()
        pages = [
            ("/publik/", args.requests),
            (f"/publik/region/{facility.region_id}/", args.requests),
            (f"/publik/facility/{facility.pk}/", args.requests),
        ]
        cache.clear()
        for number, (path, count) in enumerate(pages):
            url = f"{path}?period={month.code}"
            with timed(statements, f"GET {url}, first") as first:
                response = client.get(url, HTTP_HOST="127.0.0.1")
            if response.status_code != 200:
                failures.append(f"GET {url} answered {response.status_code}")
            what = "after cache.clear()" if number == 0 else "table cached"
            statuses: set[int] = set()
            with timed(statements, f"GET {url}, cached") as cached:
                for _n in range(count):
                    statuses.add(client.get(url, HTTP_HOST="127.0.0.1").status_code)
            if statuses != {200}:
                failures.append(f"GET {url} answered {sorted(statuses)}")
            if cached.queries:
                failures.append(f"GET {url} from the cache ran {cached.queries} SQL statements")
            rate = count / cached.seconds if cached.seconds else 0.0
            print(
                f"    GET {url}: first request ({what}) {first}; then {count} requests "
                f"in {cached.seconds:.2f} s = {rate:,.0f} requests/s, "
                f"{1000 * cached.seconds / count:.1f} ms each, {cached.queries} SQL statements "
                f"in all; {len(response.content) / 1024:.0f} KiB",
                flush=True,
            )

    ranked = sorted(statements.seen, key=lambda s: -s.seconds)
    print("slowest SQL statements:", flush=True)
    for statement in ranked[:8]:
        print(f"    {statement.seconds:.3f} s  {statement.label}", flush=True)
    explained: set[str] = set()
    for statement in ranked:
        if len(explained) >= args.explain:
            break
        if statement.sql in explained:
            continue
        explained.add(statement.sql)
        explain(statement, connection.vendor)
    return failures


# --------------------------------------------------------------------------------------


def main() -> int:
    # WhiteNoise warns once that STATIC_ROOT was not collected; the pages do not need it.
    warnings.filterwarnings("ignore", message="No directory at")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--regions", type=int, default=6, help="regions (Kanwil)")
    parser.add_argument("--facilities", type=int, default=60, help="facilities")
    parser.add_argument("--inmates", type=int, default=60_000, help="inmates in all")
    parser.add_argument(
        "--programs", type=int, default=24, help="programs of a facility of average size"
    )
    parser.add_argument("--enrolled", type=int, default=15, help="enrolments per program")
    parser.add_argument(
        "--sppn-months", type=int, default=12, help="months of SPPN scores up to the month"
    )
    parser.add_argument("--month", help="the month measured (default: the last complete one)")
    parser.add_argument(
        "--requests", type=int, default=200, help="cached requests of each public page"
    )
    parser.add_argument("--explain", type=int, default=1, help="slowest statements explained")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="PostgreSQL: keep the data an earlier run generated and only measure",
    )
    parser.add_argument("--debug-sql", action="store_true", help="keep Django's query log")
    args = parser.parse_args()

    return in_work_dir(benchmark, args)


def benchmark(args: argparse.Namespace, work: Path) -> int:
    database = prepare_database(args.reuse)
    start_django(work, args.debug_sql, database)
    from django.db import connection
    from django.utils import timezone

    from sinergi.orgs.models import Region

    if args.reuse and Region.objects.filter(code="bench-r1").exists():
        print("reusing the data of an earlier run (--reuse)", flush=True)
    else:
        end = timezone.localdate() - datetime.timedelta(days=1)
        world = World(start=datetime.date(end.year - 1, 1, 1), end=end)
        plan = Plan(
            regions=args.regions,
            facilities=args.facilities,
            inmates=args.inmates,
            programs=args.programs,
            enrolled=args.enrolled,
            sppn_months=args.sppn_months,
            seed=args.seed,
        )
        print(f"1 generating data from {world.start} to {world.end}:", flush=True)
        started = time.perf_counter()
        generate(plan, world)
        generated = time.perf_counter() - started
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        print(
            f"1 data generated in {generated:.1f} s, then "
            f"{'VACUUM ANALYZE' if connection.vendor == 'postgresql' else 'ANALYZE'} "
            f"{time.perf_counter() - started:.1f} s; peak RSS {peak_mb():.0f} MB",
            flush=True,
        )
    print(f"    rows: {table_sizes()}", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            print(f"    database size: {cursor.fetchone()[0]}", flush=True)

    started = time.perf_counter()
    failures = measure(args, Statements())
    print(
        f"\nmeasurements took {time.perf_counter() - started:.1f} s; peak RSS {peak_mb():.0f} MB; "
        f"date {datetime.date.today().isoformat()}; Python {sys.version.split()[0]}; "
        f"{os.cpu_count()} CPUs",
        flush=True,
    )
    for failure in failures:
        print(f"UNEXPECTED: {failure}", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
