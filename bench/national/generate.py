"""Deterministic generator of a country's data for the national benchmark.

``generate(scale, seed)`` drops and creates the database ``sinergi_bench_<scale>`` on
``DATABASE_URL``'s PostgreSQL server, migrates it, and fills it with PostgreSQL COPY (never
the ORM per row) into the tables and concrete columns named by the Django models' ``_meta``,
so the generator follows the schema: a column it does not set gets the field's default.

The same seed (and the same last day, by default yesterday) gives the same data: one
``random.Random(seed)`` draws everything in a fixed order, ids are assigned here, and the
sentences' key dates and rights are the rule engine's results
(``sinergi.inmates.calculation.apply_calculation``), computed for each person in worker
processes, never drawn at random.

    DEBUG=true .venv/bin/python -m bench.national.generate --scale small [--seed 1] [--reuse]
"""

from __future__ import annotations

import argparse
import calendar
import datetime
import hashlib
import itertools
import json
import math
import multiprocessing
import os
import queue
import random
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.national import ROOT, database_name, database_url, server_url, setup_django

WIB = ZoneInfo("Asia/Jakarta")
PASSWORD = "sinergi-demo"
RESULTS = ROOT / "bench" / "results"


@dataclass(frozen=True)
class Scale:
    regions: int
    facilities: int  # all of them, Bapas offices included
    bapas: int
    custody: int  # people in custody now
    released: int  # people who left during the data window
    programs_per_person: float  # programs per person in custody, over the window
    largest: int  # the largest facility (people in custody)


SCALES = {
    "tiny": Scale(2, 6, 2, 1_000, 2_200, 0.19, 400),
    "small": Scale(3, 12, 3, 4_000, 9_000, 0.19, 1_200),
    "national": Scale(33, 530, 90, 270_000, 600_000, 0.19, 4_000),
}
SMALLEST = 50

REGION_NAMES = [
    "Aceh",
    "Sumatera Utara",
    "Sumatera Barat",
    "Riau",
    "Kepulauan Riau",
    "Jambi",
    "Sumatera Selatan",
    "Bangka Belitung",
    "Bengkulu",
    "Lampung",
    "DKI Jakarta",
    "Banten",
    "Jawa Barat",
    "Jawa Tengah",
    "DI Yogyakarta",
    "Jawa Timur",
    "Bali",
    "Nusa Tenggara Barat",
    "Nusa Tenggara Timur",
    "Kalimantan Barat",
    "Kalimantan Tengah",
    "Kalimantan Selatan",
    "Kalimantan Timur",
    "Kalimantan Utara",
    "Sulawesi Utara",
    "Gorontalo",
    "Sulawesi Tengah",
    "Sulawesi Barat",
    "Sulawesi Selatan",
    "Sulawesi Tenggara",
    "Maluku",
    "Maluku Utara",
    "Papua",
]
# The proportions of bench/indicators_benchmark.py (not imported: that script's imports
# follow the import benchmark's, which other work changes).
MALE = ["Ahmad", "Budi", "Dedi", "Eko", "Fajar", "Hadi", "Irfan", "Joko", "Lalu", "Made",
        "Muhammad", "Nyoman", "Rizki", "Slamet", "Teguh", "Wayan", "Yusuf", "Zainal"]  # fmt: skip
FEMALE = ["Ani", "Baiq", "Dewi", "Fitri", "Lestari", "Nurul", "Putri", "Rina", "Siti",
          "Wulan", "Yuni"]  # fmt: skip
LAST = ["Hidayat", "Santoso", "Saputra", "Wijaya", "Kurniawan", "Pratama", "Setiawan",
        "Nugroho", "Hakim", "Rahman", "Susanto", "Gunawan", "Firmansyah", "Siregar",
        "Nasution", "Harahap", "Lubis", "Simanjuntak"]  # fmt: skip
ATTENDANCE = {"present": 82, "sick": 6, "excused": 5, "refused": 4, "clash": 1, "other": 2}
WORK = {"employed": 30, "self_employed": 20, "looking": 25, "not_working": 20, "unknown": 5}
REFERRAL_STATUSES = {"completed": 45, "in_progress": 15, "accepted": 10, "sent": 10,
                     "declined": 10, "cancelled": 10}  # fmt: skip
COMMITMENT_KINDS = {"instructors": (30, "hours"), "equipment": (25, "units"),
                    "training_places": (15, "places"), "reintegration": (10, "people"),
                    "funding": (10, "rupiah"), "marketing": (5, "products"),
                    "other": (5, "items")}  # fmt: skip
REQUEST_KINDS = {"instructor": (35, "hours"), "equipment": (25, "units"),
                 "reintegration": (15, "people"), "training_places": (10, "places"),
                 "funding": (10, "rupiah"), "other": (5, "items")}  # fmt: skip
REQUEST_STATUSES = {"draft": 5, "submitted": 10, "acknowledged": 5, "accepted": 10,
                    "partially_accepted": 5, "declined": 10, "in_delivery": 10,
                    "fulfilled": 35, "closed": 10}  # fmt: skip
# The months of monthly reports (the last complete one and those before it).
REPORT_MONTHS = 2
ANSWERED = {"accepted", "partially_accepted", "declined", "in_delivery", "fulfilled", "closed"}
DELIVERED = {"in_delivery", "fulfilled", "closed"}
# The steps of a support request the partner makes (the facility makes the others).
PARTNER_STEPS = {"acknowledged", "accepted", "partially_accepted", "declined", "in_delivery"}
JOBS = [("Operator produksi", "Manufaktur"), ("Juru masak", "Kuliner"),
        ("Tukang las", "Konstruksi"), ("Penjahit", "Garmen"), ("Montir", "Otomotif"),
        ("Petugas kebersihan", "Jasa"), ("Pekerja kebun", "Pertanian"),
        ("Barista", "Kuliner"), ("Tukang kayu", "Mebel")]  # fmt: skip


def request_path(status: str, acknowledged: bool, partial: bool) -> list[str]:
    """The statuses a support request went through to ``status`` (the workflow's
    moves, ``cooperation.actions.REQUEST_MOVES``): sent by the head, acknowledged or not,
    answered, delivered, fulfilled, filed away."""
    path = ["draft"]
    if status == "draft":
        return path
    path.append("submitted")
    if status == "submitted":
        return path
    if acknowledged or status == "acknowledged":
        path.append("acknowledged")
    if status == "acknowledged":
        return path
    if status == "declined":
        return [*path, "declined"]
    if status in ("accepted", "partially_accepted"):
        return [*path, status]
    path.append("partially_accepted" if partial else "accepted")  # then delivered
    for step in ("in_delivery", "fulfilled", "closed"):
        path.append(step)
        if step == status:
            break
    return path


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (the month's last day when it has fewer)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


CRIMES = {
    "narcotics": 50,
    "general": 43,
    "corruption": 4,
    "terrorism": 1,
    "transnational": 1,
    "state_security": 1,
}
RELEASE_KINDS = {
    "expiry": 36,
    "pb": 36,
    "cb": 10,
    "cmb": 6,
    "asimilasi": 6,
    "transfer": 5,
    "death": 1,
}
# The stage of a proposal of someone in custody. None is "granted": the app holds a
# person in custody after the day of the decree (SK) that granted the right as held past
# their release day (``inmates.queries.granted_but_not_released``), and nobody is held
# past it here; the granted proposals are those of the people released on parole lately
# (stage "released", ``Generator.decrees``).
PROPOSAL_STAGES = {
    "eligible": 20,
    "documents": 20,
    "litmas": 15,
    "tpp": 15,
    "sent": 15,
    "refused": 5,
    "withdrawn": 5,
}
PROPOSAL_PATH = ["eligible", "documents", "litmas", "tpp", "sent", "granted", "released"]
# Days between a stage and the one before (the sidang TPP's day sets those around it).
PROPOSAL_GAPS = {"documents": (1, 20), "litmas": (7, 45), "tpp": (14, 35),
                 "granted": (14, 60), "refused": (14, 60), "withdrawn": (3, 60)}  # fmt: skip
# How long ago a proposal still open at this stage got there, at most.
RECENT = {"eligible": 60, "documents": 60, "litmas": 30, "tpp": 45, "sent": 60}
# A proposal whose dates do not fit the person's stay is drawn at an earlier stage.
FALLBACK = {"released": "", "withdrawn": "documents", "refused": "tpp",
            "sent": "tpp", "tpp": "litmas", "litmas": "documents", "documents": "eligible",
            "eligible": ""}  # fmt: skip
# The stages every account facility has a proposal at (and "released", of its people
# released on parole).
GUARANTEED = ["eligible", "documents", "litmas", "tpp", "sent", "refused", "withdrawn"]
REFUSED = "Belum memenuhi syarat berkelakuan baik selama sembilan bulan terakhir."
WITHDRAWN = "Penjamin mengundurkan diri; usulan tidak dilanjutkan."
NOT_RECOMMENDED = "Belum menunjukkan perubahan perilaku yang cukup."
TPP_MEMBERS = (
    "Kepala UPT (ketua)\nKepala Seksi Binadik (sekretaris)\nKepala KPLP\n"
    "Wali pemasyarakatan\nPembimbing kemasyarakatan Bapas"
)
PARTNER_KINDS = [
    "local_government",
    "state_owned",
    "business",
    "civil_society",
    "religious",
    "education",
]


def table(weights: dict[str, int]) -> list[str]:
    """A list of 100 values drawn in proportion (``lst[int(random() * 100)]`` is a fast
    weighted choice)."""
    total = sum(weights.values())
    out: list[str] = []
    for value, weight in weights.items():
        out += [value] * round(100 * weight / total)
    return (out + [out[-1]] * 100)[:100]


DAY = datetime.timedelta(days=1)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def add_weekdays(day: datetime.date, count: int) -> datetime.date:
    """``count`` working days (Monday to Friday) after ``day``."""
    while count > 0:
        day += DAY
        if day.weekday() < 5:
            count -= 1
    return day


# --------------------------------------------------------------------------------------
# COPY


_SPECIAL = re.compile(r"[\\\t\n\r]")


def _escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def text(value: Any) -> str:
    """A value in COPY's text format."""
    kind = type(value)
    if kind is int or kind is Decimal:
        return str(value)
    if kind is str:
        return _escape(value) if _SPECIAL.search(value) else value
    if value is None:
        return "\\N"
    if kind is bool:
        return "t" if value else "f"
    if kind is datetime.date:
        return value.isoformat()
    if kind is datetime.datetime:
        return value.isoformat(" ")
    if kind is list or kind is dict:
        return _escape(json.dumps(value))
    return _escape(str(value))


class Copier:
    """Sends COPY blocks to PostgreSQL from a thread of its own (the generator keeps
    drawing while the server writes), timing each table."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.connection = psycopg.connect(url, autocommit=True)
        # No foreign-key triggers while loading (the generator keeps the references
        # right); the constraints and indexes stay.
        self.connection.execute("SET session_replication_role = replica")
        self.connection.execute("SET synchronous_commit = off")
        self.queue: queue.Queue[tuple[str, str, bytes] | None] = queue.Queue(maxsize=6)
        self.seconds: dict[str, float] = {}
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        with self.connection.cursor() as cursor:
            while True:
                item = self.queue.get()
                if item is None:
                    return
                if self.error is not None:
                    continue
                name, sql, data = item
                started = time.perf_counter()
                try:
                    with cursor.copy(sql) as copy:
                        copy.write(data)
                except BaseException as error:
                    self.error = error
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started

    def put(self, name: str, sql: str, data: bytes) -> None:
        if self.error is not None:
            raise RuntimeError(f"COPY failed: {self.error}") from self.error
        self.queue.put((name, sql, data))

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        self.connection.close()
        if self.error is not None:
            raise RuntimeError(f"COPY failed: {self.error}") from self.error


STRING_FIELDS = {
    "CharField",
    "TextField",
    "EmailField",
    "FileField",
    "ImageField",
    "URLField",
    "SlugField",
}


class Table:
    """The rows of one model's table: the given columns in order, every other concrete
    column its field's default (``auto_now``/``auto_now_add`` and ``now`` the generation
    stamp), sent to the copier in blocks."""

    BLOCK = 20_000

    def __init__(self, copier: Copier, model: Any, columns: Sequence[str], stamp: str) -> None:
        meta = model._meta
        self.name = meta.db_table
        known = {f.column: f for f in meta.concrete_fields} | {
            f.attname: f for f in meta.concrete_fields
        }
        missing = [c for c in columns if c not in known]
        if missing:
            raise ValueError(f"{self.name} has no column {missing}")
        given = [known[c].column for c in columns]
        rest = [f for f in meta.concrete_fields if f.column not in given]
        self.suffix = "".join("\t" + self._default(f, stamp) for f in rest) + "\n"
        names = ", ".join(f'"{c}"' for c in [*given, *(f.column for f in rest)])
        self.sql = f'COPY "{self.name}" ({names}) FROM STDIN'
        self.copier = copier
        self.buffer: list[str] = []
        self.rows = 0
        self.next_id = 1

    def _default(self, f: Any, stamp: str) -> str:
        from django.db.models import NOT_PROVIDED

        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            return stamp
        if f.default is not NOT_PROVIDED:
            if callable(f.default) and f.default.__name__ == "now":
                return stamp
            value = f.get_default()
            if hasattr(value, "value"):  # a choices enum
                value = value.value
            return text(value)
        if f.null:
            return "\\N"
        if f.blank and f.get_internal_type() in STRING_FIELDS:
            return ""
        raise ValueError(f"{self.name}.{f.column} needs a value")

    def new_id(self) -> int:
        value = self.next_id
        self.next_id += 1
        return value

    def add(self, *values: Any) -> None:
        self.buffer.append("\t".join([text(v) for v in values]) + self.suffix)
        self.rows += 1
        if len(self.buffer) >= self.BLOCK:
            self.flush()

    def add_line(self, line: str) -> None:
        """A row already in COPY text, without the defaults' columns and newline."""
        self.buffer.append(line + self.suffix)
        self.rows += 1
        if len(self.buffer) >= self.BLOCK:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self.copier.put(self.name, self.sql, "".join(self.buffer).encode())
            self.buffer = []


# --------------------------------------------------------------------------------------
# The rule engine, in worker processes


_WORKER: dict[str, Any] = {}
SENTENCE_INPUT = [
    "inmate_id",
    "crime_category",
    "crime_text",
    "term_kind",
    "term_years",
    "term_months",
    "term_days",
    "detention_start",
    "verdict_date",
    "verdict_number",
    "court",
    "fine_amount",
    "fine_substitute_days",
    "fine_paid",
    "remission_days",
    "sentenced_as_child",
    "age_at_offence",
]
RIGHT_COLUMNS = [
    "id",
    "inmate_id",
    "right",
    "status",
    "eligible_from",
    "ends_on",
    "reason",
    "missing_conditions",
]


def _init_worker(today: datetime.date) -> None:
    _WORKER["today"] = today


def _gather(jobs: list[tuple[int, str]]) -> list[tuple[int, str, dict[str, Any]]]:
    """The monthly report's figures (``indicators.reports.gather``) of each (facility id,
    first day of the month), in a worker process forked from the generator's."""
    from django.db import connection

    from sinergi.core.web_database import apply_web_limits
    from sinergi.indicators.periods import month_of
    from sinergi.indicators.reports import gather
    from sinergi.orgs.models import Facility

    # The planner's costs of a production database on SSD (WEB_RANDOM_PAGE_COST, as the
    # README asks of the database): with PostgreSQL's defaults the largest facility's
    # figures took twice as long.
    connection.ensure_connection()
    apply_web_limits(connection)
    found = []
    for facility_id, month in jobs:
        facility = Facility.objects.select_related("region").get(pk=facility_id)
        found.append(
            (facility_id, month, gather(facility, month_of(datetime.date.fromisoformat(month))))
        )
    return found


def _calculate(batch: list[tuple[Any, ...]]) -> tuple[list[str], list[str], list[tuple]]:
    """The engine's results for a batch of (sentence input values, birth date, in LPKA):
    the sentence rows and rights rows in COPY text, and (inmate, PB from, PB status)."""
    from sinergi.inmates.calculation import SENTENCE_DATE_FIELDS, Facts, apply_calculation
    from sinergi.inmates.choices import Right
    from sinergi.inmates.models import Sentence

    order = {value: n for n, value in enumerate(Right.values)}
    today = _WORKER["today"]
    sentences, rights, pb = [], [], []
    for values, birth_date, in_lpka in batch:
        inmate_id = values[0]
        sentence = Sentence(**dict(zip(SENTENCE_INPUT, values, strict=True)))
        rows = apply_calculation(sentence, Facts(birth_date=birth_date, in_lpka=in_lpka), today)
        computed = [getattr(sentence, name) for name in SENTENCE_DATE_FIELDS]
        sentences.append("\t".join(text(v) for v in (inmate_id, *values, *computed)))
        for row in rows:
            rights.append(
                "\t".join(
                    text(v)
                    for v in (
                        (inmate_id - 1) * 8 + order[row.right] + 1,
                        inmate_id,
                        row.right,
                        row.status,
                        row.eligible_from,
                        row.ends_on,
                        row.reason,
                        row.missing_conditions,
                    )
                )
            )
            if row.right == "pb":
                pb.append((inmate_id, row.eligible_from, row.status))
    return sentences, rights, pb


# --------------------------------------------------------------------------------------
# The data


@dataclass
class Person:
    id: int
    facility: int  # index into facilities
    name: str
    admission: datetime.date
    left_on: datetime.date | None
    kind: str  # custody | a release kind
    female: bool = False


@dataclass
class Org:
    id: int
    code: str
    name: str
    kind: str
    region: int  # index
    size: int = 0
    people: list[Person] = field(default_factory=list)


@dataclass
class Result:
    scale: str
    seed: int
    url: str
    end: str
    seconds: float = 0.0
    tables: dict[str, dict[str, float]] = field(default_factory=dict)
    accounts: list[dict[str, Any]] = field(default_factory=list)
    reused: bool = False


def facility_sizes(rng: random.Random, count: int, total: int, largest: int) -> list[int]:
    """``count`` sizes from SMALLEST to ``largest`` summing to ``total``, skewed (many
    small, a few very large): size = SMALLEST * (largest/SMALLEST) ** (u ** p), the power p
    found by bisection, in a shuffled order."""
    if count == 1:
        return [total]
    ratio = largest / SMALLEST
    points = [n / (count - 1) for n in range(count)]

    def total_for(power: float) -> float:
        return sum(SMALLEST * ratio ** (u**power) for u in points)

    low, high = 0.01, 60.0
    for _n in range(80):
        middle = (low + high) / 2
        if total_for(middle) > total:
            low = middle
        else:
            high = middle
    sizes = [max(SMALLEST, round(SMALLEST * ratio ** (u**low))) for u in points]
    sizes[-1] = largest
    sizes[count // 2] += total - sum(sizes)
    rng.shuffle(sizes)
    return sizes


class Generator:
    def __init__(self, scale_name: str, seed: int, url: str, end: datetime.date) -> None:
        self.scale_name = scale_name
        self.scale = SCALES[scale_name]
        self.seed = seed
        self.rng = random.Random(seed)
        self.url = url
        self.end = end
        self.today = end + DAY
        self.start = datetime.date(end.year - 1, 1, 1)
        self.stamp = f"{self.today.isoformat()} 08:00:00+07:00"
        self.tables: dict[str, Table] = {}
        self.copier: Copier | None = None
        self.progress_started = time.perf_counter()
        self.assessment_version = 0  # the current assessment version's id (set by generate)

    # -- helpers

    def t(self, model: Any, columns: Sequence[str]) -> Table:
        assert self.copier is not None
        key = model._meta.db_table
        if key not in self.tables:
            self.tables[key] = Table(self.copier, model, columns, self.stamp)
        return self.tables[key]

    def say(self, message: str) -> None:
        print(f"  [{time.perf_counter() - self.progress_started:6.1f} s] {message}", flush=True)

    def between(self, first: datetime.date, last: datetime.date) -> datetime.date:
        if last <= first:
            return first
        return first + days(self.rng.randint(0, (last - first).days))

    def at(self, day: datetime.date) -> str:
        hour, minute = self.rng.randint(7, 16), self.rng.randint(0, 59)
        return f"{day.isoformat()} {hour:02d}:{minute:02d}:00+07:00"

    # -- the whole

    def run(self) -> list[dict[str, Any]]:
        from django.contrib.auth.hashers import make_password

        self.password = make_password(PASSWORD, salt="benchsalt" + str(self.seed))
        self.organisations()
        self.people()
        pool = self.start_engine()
        self.accounts_and_users()
        self.write_people()
        self.programs()
        self.cooperation()
        self.meetings()
        self.reintegration()
        self.job_openings()
        self.assessments()
        self.finish_engine(pool)
        self.proposals()
        for name in self.tables:
            self.tables[name].flush()
        return self.accounts

    # -- organisations

    def organisations(self) -> None:
        from sinergi.orgs.models import Facility, Partner, Region

        s, rng = self.scale, self.rng
        regions = self.t(Region, ["id", "code", "name", "province"])
        self.regions: list[Org] = []
        for n in range(s.regions):
            province = REGION_NAMES[n % len(REGION_NAMES)]
            org = Org(regions.new_id(), f"bench-r{n + 1:02d}", f"Kanwil {province}", "", n)
            regions.add(org.id, org.code, org.name, province)
            self.regions.append(org)
        facilities = self.t(
            Facility, ["id", "code", "name", "kind", "facility_class", "region_id", "regency"]
        )
        custodial = s.facilities - s.bapas
        sizes = facility_sizes(rng, custodial, s.custody, min(s.largest, s.custody // 3))
        # About one in thirteen is an LPKA (33 of 440), taken among the smaller half.
        by_size = sorted(range(custodial), key=lambda i: (sizes[i], i))
        wanted = max(1, round(custodial * 33 / 440))
        smaller = by_size[: max(wanted, custodial // 2)]
        lpka = set(smaller[:: max(1, len(smaller) // wanted)][:wanted])
        self.facilities: list[Org] = []
        for n, size in enumerate(sizes):
            kind = "lpka" if n in lpka else ("lapas", "rutan")[n % 5 == 1]
            home = n % s.regions
            org = Org(facilities.new_id(), f"bench-f{n + 1:03d}", "", kind, home, size)
            org.name = f"{kind.capitalize()} Bench {n + 1:03d}"
            facilities.add(
                org.id,
                org.code,
                org.name,
                kind,
                rng.choice(["I", "IIA", "IIB", "III"]),
                self.regions[home].id,
                f"Kabupaten Bench {n + 1}",
            )
            self.facilities.append(org)
        self.bapas: list[Org] = []
        for n in range(s.bapas):
            home = n % s.regions
            org = Org(facilities.new_id(), f"bench-b{n + 1:03d}", "", "bapas", home)
            org.name = f"Bapas Bench {n + 1:03d}"
            facilities.add(
                org.id, org.code, org.name, "bapas", "I", self.regions[home].id, "Kota Bench"
            )
            self.bapas.append(org)
        self.bapas_of = {b.region: b for b in reversed(self.bapas)}
        partners = self.t(Partner, ["id", "code", "name", "kind", "region_id"])
        self.national_partners = []
        for n in range(6):
            pid = partners.new_id()
            partners.add(pid, f"bench-p00-{n + 1}", f"Mitra Nasional {n + 1}", "state_owned", None)
            self.national_partners.append(pid)
        self.partners_of: dict[int, list[int]] = {}
        for region in self.regions:
            local = []
            for n in range(12):
                pid = partners.new_id()
                partners.add(
                    pid,
                    f"{region.code}-p{n + 1}",
                    f"Mitra {n + 1} {REGION_NAMES[region.region % len(REGION_NAMES)]}",
                    PARTNER_KINDS[n % len(PARTNER_KINDS)],
                    region.id,
                )
                local.append(pid)
            self.partners_of[region.region] = local + self.national_partners
        self.say(
            f"{len(self.regions)} regions, {len(self.facilities)} facilities "
            f"(sizes {min(sizes)}-{max(sizes)}), {len(self.bapas)} Bapas, "
            f"{partners.rows} partners"
        )

    # -- people

    def people(self) -> None:
        """Who is in custody and who left during the window (no rows yet)."""
        rng, s = self.rng, self.scale
        # ``released`` counts the released: the transferred and the dead leave too.
        leaving = sum(w for k, w in RELEASE_KINDS.items() if k not in ("transfer", "death"))
        leavers_per_person = s.released / s.custody * sum(RELEASE_KINDS.values()) / leaving
        kinds = table(RELEASE_KINDS)
        oldest = 6 * 365
        window = (self.end - self.start).days
        next_id = 1
        self.everyone: list[Person] = []
        for index, facility in enumerate(self.facilities):
            custody = facility.size
            leavers = round(custody * leavers_per_person)
            for n in range(custody + leavers):
                female = rng.random() < (0.07 if facility.kind != "lpka" else 0.05)
                first = FEMALE if female else MALE
                given = first[int(rng.random() * len(first))]
                name = f"{given} {LAST[int(rng.random() * len(LAST))]}"
                if n < custody:
                    admission = self.end - days(min(int(rng.expovariate(1 / 420)), oldest))
                    left_on, kind = None, "custody"
                else:
                    left_on = self.start + days(int(rng.random() * (window + 1)))
                    admission = left_on - days(30 + min(int(rng.expovariate(1 / 450)), oldest))
                    kind = kinds[int(rng.random() * 100)]
                person = Person(next_id, index, name, admission, left_on, kind, female)
                next_id += 1
                facility.people.append(person)
                self.everyone.append(person)
        self.say(f"{len(self.everyone):,} people drawn")

    def sentence_inputs(self, person: Person) -> tuple[tuple[Any, ...], datetime.date, bool]:
        rng = self.rng
        facility = self.facilities[person.facility]
        lpka = facility.kind == "lpka"
        age = rng.randint(14, 17) if lpka else min(75, 18 + int(rng.expovariate(1 / 14)))
        birth_offset = age * 365 + rng.randint(0, 364)
        crime = CRIMES_TABLE[int(rng.random() * 100)]
        draw = rng.random()
        years, months, day_count, term_kind = 0, 0, 0, "fixed"
        if person.kind == "custody" and draw < 0.004:
            term_kind = "life"
        elif person.kind == "custody" and draw < 0.005:
            term_kind = "death"
        else:
            total = max(2, min(240, int(math.exp(rng.gauss(3.0, 0.8)))))
            if lpka:
                total = min(total, 60)
            years, months = divmod(total, 12)
            day_count = rng.choice([0, 0, 0, 15])
            if not (years or months or day_count):
                months = 2
        detention_start = person.admission - days(rng.randint(15, 150))
        remission = (
            rng.randint(0, min(180, 3 * (years * 12 + months))) if term_kind == "fixed" else 0
        )
        if person.kind == "custody" and term_kind == "fixed":
            # Nobody is held past their release day (as in a real register, where that
            # is an alarm, not a fifth of the people): someone in custody is somewhere
            # along their term, which ends after the last day of the data.
            served_at_most = years * 365 + months * 30 + day_count - remission - 5
            if (self.end - detention_start).days >= served_at_most:
                detention_start = self.end - days(int(rng.random() * max(1, served_at_most)))
                person.admission = min(self.end, detention_start + days(rng.randint(15, 150)))
        birth = person.admission - days(birth_offset)
        verdict = min(person.admission, detention_start + days(rng.randint(40, 140)))
        narcotics = crime == "narcotics"
        values = (
            person.id,
            crime,
            "Narkotika Pasal 112" if narcotics else "Pencurian Pasal 362",
            term_kind,
            years,
            months,
            day_count,
            detention_start,
            verdict,
            f"{person.id}/Pid.Sus/{verdict.year}/PN Bench",
            "PN Bench",
            Decimal(800_000_000) if narcotics else None,
            rng.choice([90, 180]) if narcotics else None,
            (rng.random() < 0.3) if narcotics else None,
            remission,
            lpka,
            max(12, (detention_start - birth).days // 365),
        )
        return values, birth, lpka

    def start_engine(self) -> Any:
        """The rule engine for everyone, in worker processes (results read later)."""
        from django.db import connections

        rng = self.rng
        self.inputs: dict[int, tuple[datetime.date, str]] = {}
        batches: list[list[tuple[Any, ...]]] = []
        batch: list[tuple[Any, ...]] = []
        for person in self.everyone:
            values, birth, lpka = self.sentence_inputs(person)
            self.inputs[person.id] = (birth, "F" if person.female else "M")
            batch.append((values, birth, lpka))
            if len(batch) == 2000:
                batches.append(batch)
                batch = []
        if batch:
            batches.append(batch)
        self.religions = [
            "islam" if rng.random() < 0.86 else rng.choice(["protestant", "catholic", "hindu"])
            for _p in range(8)
        ]
        connections.close_all()  # a forked worker must not share Django's connection
        workers = max(1, min(2, multiprocessing.cpu_count()))
        context = multiprocessing.get_context("fork")
        pool = context.Pool(workers, initializer=_init_worker, initargs=(self.today,))
        self.engine_results = pool.imap(_calculate, batches)
        self.engine_started = time.perf_counter()
        self.say(f"rule engine started for {len(self.everyone):,} people ({workers} processes)")
        return pool

    def finish_engine(self, pool: Any) -> None:
        from sinergi.inmates.calculation import SENTENCE_DATE_FIELDS
        from sinergi.inmates.models import InmateRight, Sentence

        sentences = self.t(Sentence, ["id", *SENTENCE_INPUT, *SENTENCE_DATE_FIELDS])
        rights = self.t(InmateRight, RIGHT_COLUMNS)
        self.pb: dict[int, tuple[datetime.date | None, str]] = {}
        for sentence_lines, right_lines, pb in self.engine_results:
            for line in sentence_lines:
                sentences.add_line(line)
            for line in right_lines:
                rights.add_line(line)
            for inmate_id, eligible_from, status in pb:
                self.pb[inmate_id] = (eligible_from, status)
        pool.close()
        pool.join()
        sentences.next_id = rights.next_id = 0  # ids set by the engine step
        self.say(
            f"sentences {sentences.rows:,} and rights {rights.rows:,} (rule engine "
            f"{time.perf_counter() - self.engine_started:.0f} s since its start)"
        )

    # -- accounts

    def accounts_and_users(self) -> None:
        """Users of every role for the smallest, median and largest facility, their
        region's Kanwil and Bapas, the administrator, a partner user and an instructor."""
        from sinergi.accounts.models import Membership, User

        users = self.t(
            User,
            ["id", "password", "username", "full_name", "email", "is_staff", "is_superuser"],
        )
        members = self.t(
            Membership, ["id", "user_id", "role", "facility_id", "partner_id", "region_id"]
        )
        ordered = sorted(self.facilities, key=lambda f: (f.size, f.id))
        chosen = {
            "smallest": ordered[0],
            "median": ordered[len(ordered) // 2],
            "largest": ordered[-1],
        }
        self.accounts: list[dict[str, Any]] = []
        self.walis: dict[int, list[int]] = {}
        self.pks: dict[int, list[int]] = {}
        # The accounts' facilities, their officer and head: every kind of record is
        # guaranteed for them (see ``full``), whatever the scale.
        self.account_facilities = {f.id for f in chosen.values()}
        # ... and the facilities whose dashboard is read (this month, by default): theirs
        # and the first (an administrator's pages open it: bench.national.pages).
        self.dashboard_facilities = self.account_facilities | {self.facilities[0].id}
        self.officer_of: dict[int, int] = {}
        self.head_of: dict[int, int] = {}
        self.largest = chosen["largest"]

        def user(
            username: str, full_name: str, role: str, org: dict[str, Any], **extra: Any
        ) -> int:
            uid = users.new_id()
            admin = role == "administrator"
            users.add(
                uid, self.password, username, full_name, f"{username}@bench.example", admin, admin
            )
            ids = {k: org.get(k) for k in ("facility_id", "partner_id", "region_id")}
            members.add(
                members.new_id(), uid, role, ids["facility_id"], ids["partner_id"], ids["region_id"]
            )
            self.accounts.append(
                {
                    "username": username,
                    "user_id": uid,
                    "role": role,
                    "password": PASSWORD,
                    **{k: v for k, v in org.items() if v is not None},
                    **extra,
                }
            )
            return uid

        for label, f in chosen.items():
            org = {
                "facility_id": f.id,
                "facility": f.code,
                "facility_size": f.size,
                "region_id": None,
                "region": self.regions[f.region].code,
            }
            code = f.code.removeprefix("bench-")
            self.officer_of[f.id] = user(
                f"petugas.{code}",
                f"Petugas Pembinaan {f.name}",
                "program_officer",
                org,
                which=label,
            )
            self.head_of[f.id] = user(
                f"kalapas.{code}", f"Kepala {f.name}", "head", org, which=label
            )
            self.walis[f.id] = [
                user(f"wali{n}.{code}", f"Wali {n} {f.name}", "guardian", org, which=label)
                for n in (1, 2)
            ]
        largest = chosen["largest"]
        region = self.regions[largest.region]
        user(
            f"kanwil.{region.code.removeprefix('bench-')}",
            f"Analis {region.name}",
            "regional_viewer",
            {"region_id": region.id, "region": region.code},
        )
        bapas = self.bapas_of.get(largest.region)
        if bapas is not None:
            org = {"facility_id": bapas.id, "facility": bapas.code, "region": region.code}
            self.pks[bapas.id] = [
                user(
                    f"pk{n}.{bapas.code.removeprefix('bench-')}",
                    f"PK {n} {bapas.name}",
                    "probation_officer",
                    org,
                )
                for n in (1, 2)
            ]
        user("admin.nasional", "Administrator Nasional", "administrator", {})
        # A business of the largest facility's region (the third of its partners): it is
        # party to agreements, answers requests, teaches programs and posts job openings
        # (only a business posts them).
        partner = self.partners_of[largest.region][2]
        assert PARTNER_KINDS[2] == "business"
        self.mitra = user(
            "mitra.bench",
            "Staf Mitra Bench",
            "partner_user",
            {"partner_id": partner, "region": region.code},
        )
        self.instructor = user(
            "instruktur.bench",
            "Instruktur Mitra Bench",
            "instructor",
            {"partner_id": partner, "region": region.code},
        )
        self.partner_user = partner
        self.say(f"{users.rows} users, {members.rows} memberships")

    def write_people(self) -> None:
        from sinergi.inmates.models import CustodyEpisode, Inmate
        from sinergi.reintegration.models import Release

        rng = self.rng
        inmates = self.t(
            Inmate,
            [
                "id",
                "facility_id",
                "registration_number",
                "name",
                "nik",
                "birth_date",
                "sex",
                "religion",
                "home_regency",
                "register_class",
                "status",
                "admission_date",
                "status_changed_on",
                "wali_id",
                "created_at",
            ],
        )
        episodes = self.t(
            CustodyEpisode,
            [
                "id",
                "inmate_id",
                "facility_id",
                "started_on",
                "started_how",
                "ended_on",
                "ended_how",
            ],
        )
        releases = self.t(
            Release,
            [
                "id",
                "inmate_id",
                "released_on",
                "kind",
                "savings_rupiah",
                "bapas_id",
                "probation_officer_id",
                "acknowledged_at",
                "acknowledged_by_id",
                "created_at",
                "sk_number",
                "sk_date",
            ],
        )
        self.releases: list[tuple[int, Person]] = []
        # The parole (PB) releases of the last half-year (a year at the accounts'
        # facilities) went through a proposal in Sinergi: the decree (SK) they were
        # released on, by person (the proposal is written with the others).
        self.decrees: dict[int, tuple[str, datetime.date]] = {}
        status_of = {"transfer": "transferred", "death": "deceased"}
        ended_how = {"transfer": "transfer_out", "death": "death"}
        for facility in self.facilities:
            walis = self.walis.get(facility.id, [])
            handed = 0
            bapas = self.bapas_of.get(facility.region)
            pks = self.pks.get(bapas.id, []) if bapas else []
            for n, p in enumerate(facility.people):
                birth, sex = self.inputs[p.id]
                wali = None
                if walis and p.kind == "custody" and n < 40 * len(walis):
                    wali = walis[n % len(walis)]
                status = "in_custody" if p.kind == "custody" else status_of.get(p.kind, "released")
                inmates.add(
                    p.id,
                    facility.id,
                    f"B{'I' if p.id % 3 else 'IIa'} {n + 1}/{p.admission.year % 100:02d}",
                    p.name,
                    f"52{p.id:014d}",
                    birth,
                    sex,
                    self.religions[p.id % 8],
                    "Kabupaten Bench",
                    "B.I",
                    status,
                    p.admission,
                    p.left_on,
                    wali,
                    f"{p.admission.isoformat()} 09:00:00+07:00",
                )
                episodes.add(
                    episodes.new_id(),
                    p.id,
                    facility.id,
                    p.admission,
                    "admission",
                    p.left_on,
                    ended_how.get(p.kind, "release") if p.left_on else "",
                )
                if p.left_on is None:
                    continue
                rid = releases.new_id()
                goes_to = bapas.id if bapas and p.kind not in ("transfer", "death") else None
                officer = None
                if goes_to and pks and handed < 60 and p.left_on > self.end - days(400):
                    officer = pks[handed % len(pks)]
                    handed += 1
                acknowledged = goes_to is not None and rng.random() < 0.8
                sk_number, sk_date = "", None
                recent = days(365 if facility.id in self.account_facilities else 180)
                if p.kind == "pb" and goes_to and p.left_on >= self.end - recent:
                    day = p.left_on - days(rng.randint(1, 14))
                    sk_number, sk_date = f"PAS-{p.id}.PK.05.09/{day.year}", day
                    self.decrees[p.id] = (sk_number, day)
                releases.add(
                    rid,
                    p.id,
                    p.left_on,
                    p.kind,
                    Decimal(rng.randint(0, 3_000_000)),
                    goes_to,
                    officer,
                    self.at(p.left_on) if acknowledged else None,
                    officer if acknowledged else None,
                    self.at(p.left_on),
                    sk_number,
                    sk_date,
                )
                self.releases.append((rid, p))
        self.say(
            f"inmates {inmates.rows:,}, custody episodes {episodes.rows:,}, "
            f"releases {releases.rows:,}"
        )

    # -- programs

    def programs(self) -> None:
        from sinergi.programs.choices import PERSONALITY_CATEGORIES, ProgramCategory
        from sinergi.programs.models import (
            Attendance,
            Certificate,
            Enrollment,
            Program,
            ScheduleSlot,
            Session,
        )

        rng = self.rng
        personality = sorted(PERSONALITY_CATEGORIES)
        independence_categories = sorted(set(ProgramCategory.values) - PERSONALITY_CATEGORIES)
        programs = self.t(
            Program,
            [
                "id",
                "facility_id",
                "kind",
                "category",
                "title",
                "capacity",
                "target_hours",
                "start_date",
                "end_date",
                "certification",
                "status",
            ],
        )
        links = self.t(Program.partners.through, ["id", "program_id", "partner_id"])
        teachers = self.t(Program.instructors.through, ["id", "program_id", "user_id"])
        slots = self.t(ScheduleSlot, ["id", "program_id", "weekday", "start_time", "end_time"])
        sessions = self.t(
            Session,
            ["id", "program_id", "date", "start_time", "end_time", "status", "instructor_id"],
        )
        enrolments = self.t(
            Enrollment,
            [
                "id",
                "program_id",
                "inmate_id",
                "enrolled_on",
                "ended_on",
                "end_reason",
                "pre_test",
                "post_test",
            ],
        )
        marks = self.t(Attendance, ["id", "session_id", "enrollment_id", "status", "hours"])
        certificates = self.t(
            Certificate,
            [
                "id",
                "enrollment_id",
                "code",
                "issued_on",
                "hours",
                "program_hours",
                "head_name",
                "holder_name",
                "status",
            ],
        )
        statuses = table(ATTENDANCE)
        alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
        self.program_of: dict[int, int] = {}  # facility id -> a running program
        # The instructor account teaches (is the lead instructor of, and so takes the
        # sessions of) three running programs and one completed program of the largest
        # facility, delivered by its organisation.
        taught = {"running": 3, "completed": 1}
        mark_id = 1
        for facility in self.facilities:
            pool = self.partners_of[facility.region]
            people = facility.people
            count = max(4, round(facility.size * self.scale.programs_per_person))
            for n in range(count):
                pid = programs.new_id()
                independence = rng.random() < 0.45
                category = rng.choice(independence_categories if independence else personality)
                start = self.between(self.start - days(90), self.end)
                end = start + days(7 * rng.randint(8, 20))
                certification = "internal"
                if independence:
                    certification = rng.choices(["internal", "blk", "lsp"], [50, 30, 20])[0]
                status = "completed" if end < self.end else "running"
                capacity = rng.randint(20, 30)
                programs.add(
                    pid,
                    facility.id,
                    "independence" if independence else "personality",
                    category,
                    f"{category.replace('_', ' ').title()} {n + 1}",
                    capacity,
                    64,
                    start,
                    end,
                    certification,
                    status,
                )
                if status == "running":
                    self.program_of.setdefault(facility.id, pid)
                delivered_by = rng.sample(pool, rng.randint(1, 2)) if rng.random() < 0.7 else []
                instructor = None
                if facility is self.largest and taught[status] > 0:
                    taught[status] -= 1
                    instructor = self.instructor
                    teachers.add(teachers.new_id(), pid, instructor)
                    if self.partner_user not in delivered_by:
                        delivered_by.append(self.partner_user)
                for partner in delivered_by:
                    links.add(links.new_id(), pid, partner)
                weekdays = sorted(rng.sample(range(5), 2))
                begin, finish = rng.choice(
                    [
                        (datetime.time(8), datetime.time(10)),
                        (datetime.time(13), datetime.time(15, 30)),
                    ]
                )
                hours = Decimal(2) if begin.hour == 8 else Decimal("2.50")
                for weekday in weekdays:
                    slots.add(slots.new_id(), pid, weekday, begin, finish)
                program_sessions: list[tuple[int, datetime.date, bool]] = []
                day, last = start, min(end, self.end)
                while day <= last:
                    if day.weekday() in weekdays:
                        sid = sessions.new_id()
                        cancelled = rng.random() < 0.03
                        sessions.add(
                            sid,
                            pid,
                            day,
                            begin,
                            finish,
                            "cancelled" if cancelled else "scheduled",
                            instructor,
                        )
                        program_sessions.append((sid, day, cancelled))
                    day += DAY
                wanted = max(1, round(capacity * rng.uniform(0.6, 0.95)))
                chosen: set[int] = set()
                for _try in range(wanted * 8):
                    if len(chosen) >= wanted:
                        break
                    person = people[int(rng.random() * len(people))]
                    if (
                        person.id in chosen
                        or person.admission > start
                        or (person.left_on is not None and person.left_on <= start)
                    ):
                        continue
                    chosen.add(person.id)
                    eid = enrolments.new_id()
                    ended_on, reason = None, ""
                    if person.left_on is not None and person.left_on < end:
                        ended_on = person.left_on
                        reason = "released" if person.kind != "transfer" else "transferred"
                    elif end <= self.end:
                        if rng.random() < 0.8:
                            ended_on, reason = end, "completed"
                        else:
                            ended_on = self.between(start, end)
                            reason = rng.choice(
                                ["withdrawn_inmate", "dismissed", "health", "other"]
                            )
                    elif rng.random() < 0.08:
                        ended_on = self.between(start, self.end)
                        reason = rng.choice(["withdrawn_inmate", "withdrawn_staff", "health"])
                    if ended_on is not None and ended_on > self.end:
                        ended_on, reason = None, ""
                    enrolments.add(
                        eid,
                        pid,
                        person.id,
                        start,
                        ended_on,
                        reason,
                        rng.randint(20, 80),
                        rng.randint(40, 95) if reason == "completed" else None,
                    )
                    until = ended_on or self.end
                    attended = Decimal(0)
                    for sid, sday, cancelled in program_sessions:
                        if sday > until:
                            break
                        mark = "cancelled" if cancelled else statuses[int(rng.random() * 100)]
                        credited = hours if mark == "present" else 0
                        attended += credited
                        marks.add_line(f"{mark_id}\t{sid}\t{eid}\t{mark}\t{credited}")
                        mark_id += 1
                    if reason == "completed" and rng.random() < 0.85:
                        code = "".join(alphabet[int(rng.random() * 32)] for _c in range(12))
                        certificates.add(
                            certificates.new_id(),
                            eid,
                            f"SNG-{code[:4]}-{code[4:8]}-{code[8:]}",
                            min(end + days(rng.randint(0, 14)), self.end),
                            attended,
                            64,
                            "Kepala UPT Bench",
                            person.name,
                            "valid" if rng.random() < 0.98 else "revoked",
                        )
            if facility.id == self.facilities[-1].id or facility.id % 50 == 0:
                self.say(f"programs of {facility.code}: attendance so far {marks.rows:,}")
        self.say(
            f"programs {programs.rows:,}, sessions {sessions.rows:,}, enrolments "
            f"{enrolments.rows:,}, attendance {marks.rows:,}, certificates {certificates.rows:,}"
        )

    # -- cooperation

    def cooperation(self) -> None:
        from sinergi.cooperation.models import Fulfilment, RequestEvent, SupportRequest

        rng = self.rng
        requests = self.t(
            SupportRequest,
            [
                "id",
                "facility_id",
                "partner_id",
                "kind",
                "title",
                "quantity",
                "unit",
                "needed_by",
                "justification",
                "status",
                "accepted_quantity",
                "answer_note",
                "created_by_id",
                "created_at",
                "submitted_at",
                "answered_at",
            ],
        )
        events = self.t(
            RequestEvent,
            ["id", "request_id", "author_id", "created_at", "text", "from_status", "to_status"],
        )
        self.deliveries = self.t(
            Fulfilment,
            [
                "id",
                "partner_id",
                "request_id",
                "commitment_id",
                "description",
                "delivered_on",
                "quantity",
                "unit",
                "value_rupiah",
                "created_at",
            ],
        )
        request_kinds = table({k: w for k, (w, _u) in REQUEST_KINDS.items()})
        request_statuses = table(REQUEST_STATUSES)
        average = self.scale.custody / len(self.facilities)
        for facility in self.facilities:
            pool = self.partners_of[facility.region]
            weight = facility.size / average
            account = facility.id in self.account_facilities
            # The partner account's organisation is party to the largest facility's
            # agreement with every section filled, and answers its first request.
            ours = self.partner_user if facility is self.largest else None
            engaged = self.agreements(
                pool,
                [("facility_id", facility.id)] * (2 + (weight > 1.2)),
                full=account,
                include=ours,
            )
            officer, head = self.officer_of.get(facility.id), self.head_of.get(facility.id)
            for n in range(max(5, round(40 * weight))):
                kind = request_kinds[int(rng.random() * 100)]
                status = request_statuses[int(rng.random() * 100)]
                partner = (
                    rng.choice(engaged) if engaged and rng.random() < 0.6 else rng.choice(pool)
                )
                acknowledged = rng.random() < 0.5
                parts = rng.randint(1, 3)
                this_month = facility.id in self.dashboard_facilities and n in (1, 2)
                if account and n == 0:
                    # Every step of the workflow (acknowledged, accepted, delivered in
                    # three parts, fulfilled, closed): the richest request a page shows.
                    status, acknowledged, parts = "closed", True, 3
                    partner = ours or partner
                elif this_month:
                    # Instructors and equipment being delivered in the month of the last
                    # day: the dashboards (this month by default) show each by partner
                    # (a query for the partners' names when there is any).
                    kind = ("instructor", "equipment")[n - 1]
                    status, parts = "in_delivery", 2
                    partner = ours or partner
                created = self.between(self.start, self.end)
                if status == "closed":
                    created = self.between(self.start, self.end - days(150))
                elif this_month:
                    created = self.end - days(rng.randint(40, 60))
                quantity = Decimal(rng.randint(1, 60))
                path = request_path(status, acknowledged, partial=rng.random() < 0.15)
                # The day of each step: sent the day it is drafted or a little later,
                # acknowledged within days, answered after about a week (log-normal),
                # deliveries within 60 days of the start of the delivery.
                when = {"draft": created}
                day = created
                delivered: list[datetime.date] = []
                for step in path[1:]:
                    if step == "submitted":
                        day += days(rng.randint(0, 3))
                    elif step == "acknowledged":
                        day += days(rng.randint(1, 5))
                    elif step in ("accepted", "partially_accepted", "declined"):
                        day += days(int(rng.lognormvariate(2.0, 1.0)))
                    elif step == "in_delivery":
                        day += days(rng.randint(0, 7))
                        delivered = sorted(
                            self.between(min(day, self.end), min(day + days(60), self.end))
                            for _p in range(parts)
                        )
                        if status == "in_delivery":  # the last part still to come
                            delivered = delivered[:-1]
                        if this_month:
                            month = self.between(self.end.replace(day=1), self.end)
                            delivered = [max(min(day, self.end), month)]
                    elif step == "fulfilled":
                        day = delivered[-1] + days(rng.randint(0, 5))
                    elif step == "closed":
                        day += days(rng.randint(1, 20))
                    day = min(day, self.end)
                    when[step] = day
                answer = next((s for s in path if s in ANSWERED and s != "in_delivery"), "")
                accepted, note = None, ""
                if answer == "accepted":
                    accepted, note = quantity, "Diterima, dijadwalkan segera."
                elif answer == "partially_accepted":
                    accepted = max(Decimal(1), (quantity / 2).quantize(Decimal(1)))
                    note = "Diterima sebagian sesuai kemampuan."
                elif answer == "declined":
                    accepted, note = Decimal(0), "Belum dapat dipenuhi tahun anggaran ini."
                rid = requests.new_id()
                submitted = when.get("submitted")
                answered = when.get("acknowledged") or (when.get(answer) if answer else None)
                requests.add(
                    rid,
                    facility.id,
                    partner,
                    kind,
                    f"Permintaan {kind}",
                    quantity,
                    REQUEST_KINDS[kind][1],
                    created + days(rng.randint(14, 90)),
                    "Kebutuhan program pembinaan.",
                    status,
                    accepted,
                    note,
                    officer,
                    self.at(created),
                    f"{submitted.isoformat()} 09:00:00+07:00" if submitted else None,
                    f"{answered.isoformat()} 10:00:00+07:00" if answered else None,
                )
                ours_side = self.mitra if partner == self.partner_user else None
                for n_step, (before, step) in enumerate(itertools.pairwise(path)):
                    author = (
                        ours_side
                        if step in PARTNER_STEPS
                        else (head if step == "submitted" else officer)
                    )
                    events.add(
                        events.new_id(),
                        rid,
                        author,
                        f"{when[step].isoformat()} {9 + n_step:02d}:00:00+07:00",
                        note if step == answer else "",
                        before,
                        step,
                    )
                if "in_delivery" in when and accepted is not None:
                    for day in delivered:
                        self.delivery(partner, day, accepted / parts, kind, request=rid)
        for region in self.regions:
            self.agreements(self.partners_of[region.region], [("region_id", region.id)] * 2)
        self.say(
            f"support requests {requests.rows:,} (events {events.rows:,}), "
            f"deliveries {self.deliveries.rows:,}"
        )

    def delivery(
        self,
        partner: int,
        day: datetime.date,
        quantity: Decimal,
        kind: str,
        request: int | None = None,
        commitment: int | None = None,
    ) -> None:
        value = Decimal(0)
        if kind in ("equipment", "funding", "other"):
            value = Decimal(self.rng.randint(1, 40) * 250_000)
        self.deliveries.add(
            self.deliveries.new_id(),
            partner,
            request,
            commitment,
            f"Penyerahan {kind}",
            day,
            quantity.quantize(Decimal("0.01")),
            "hours" if kind.startswith("instructor") else "units",
            value,
            self.at(day),
        )

    def agreements(
        self,
        pool: list[int],
        parties: list[tuple[str, int]],
        *,
        full: bool = False,
        include: int | None = None,
    ) -> list[int]:
        """The agreements of one facility or region. ``full``: its first agreement is in
        force with one commitment more than any drawn one (six), most of them delivered,
        and ``include`` (a partner) among its parties."""
        from sinergi.cooperation.models import Agreement, Commitment

        rng = self.rng
        agreements = self.t(
            Agreement,
            [
                "id",
                "kind",
                "number",
                "title",
                "facility_id",
                "region_id",
                "signed_on",
                "start_date",
                "end_date",
                "status",
            ],
        )
        through = self.t(Agreement.partners.through, ["id", "agreement_id", "partner_id"])
        commitments = self.t(
            Commitment,
            [
                "id",
                "agreement_id",
                "partner_id",
                "kind",
                "description",
                "target_quantity",
                "unit",
                "due_date",
            ],
        )
        kinds = table({k: w for k, (w, _u) in COMMITMENT_KINDS.items()})
        engaged: set[int] = set()
        for n, (column, org) in enumerate(parties):
            whole = full and n == 0
            aid = agreements.new_id()
            start = self.between(self.start - days(365), self.end - days(60))
            end = start + days(rng.choice([730, 1095]))
            status = rng.choices(["active", "terminated", "draft", "renewed"], [85, 5, 5, 5])[0]
            if whole:
                start = self.between(self.end - days(500), self.end - days(120))
                end, status = start + days(1095), "active"
            agreements.add(
                aid,
                "pks" if column == "facility_id" else "mou",
                f"PKS/{aid}/{start.year}",
                f"Kerja sama pembinaan {n + 1}",
                org if column == "facility_id" else None,
                org if column == "region_id" else None,
                start,
                start,
                end,
                status,
            )
            partners = rng.sample(pool, rng.randint(1, 3))
            if whole and include is not None and include not in partners:
                partners[0] = include
            engaged.update(partners)
            for partner in partners:
                through.add(through.new_id(), aid, partner)
            for c in range(6 if whole else rng.randint(3, 5)):
                kind = kinds[int(rng.random() * 100)]
                partner_id = rng.choice(partners) if rng.random() < 0.9 else None
                due = self.between(max(start, self.start), min(end, self.end + days(180)))
                if whole:
                    # the chosen partner's commitments first, due within the data
                    partner_id = include if include is not None and c < 3 else partners[0]
                    due = self.between(start + days(30), self.end - days(30))
                target = Decimal(rng.randint(2, 40) * (5 if kind == "instructors" else 1))
                cid = commitments.new_id()
                commitments.add(
                    cid,
                    aid,
                    partner_id,
                    kind,
                    f"Komitmen {kind}",
                    target,
                    COMMITMENT_KINDS[kind][1],
                    due,
                )
                if not whole and (due - days(60) > self.end or rng.random() > 0.75):
                    continue
                parts = rng.randint(1, 3)
                for _p in range(parts):
                    first = max(due - days(120), self.start, start)
                    day = self.between(first, min(due + days(30), self.end))
                    share = target / parts * Decimal(str(round(rng.uniform(0.6, 1.2), 2)))
                    self.delivery(partner_id or partners[0], day, share, kind, commitment=cid)
        return sorted(engaged)

    def meetings(self) -> None:
        """Coordination meetings: about one a quarter at each facility (one a half-year at
        a Bapas) with some of its partners, and twice a year a regional one hosted by the
        region's largest facility with its other facilities; each with action items owned
        by a partner that attended or by the facility, closed or still open."""
        from sinergi.cooperation.models import ActionItem, Meeting

        rng = self.rng
        meetings = self.t(
            Meeting,
            ["id", "facility_id", "title", "date", "place", "guests", "minutes", "decisions",
             "created_at"],
        )  # fmt: skip
        partners = self.t(Meeting.partners.through, ["id", "meeting_id", "partner_id"])
        attendees = self.t(Meeting.attendees.through, ["id", "meeting_id", "user_id"])
        guests = self.t(Meeting.guest_facilities.through, ["id", "meeting_id", "facility_id"])
        actions = self.t(
            ActionItem,
            ["id", "meeting_id", "title", "owner_partner_id", "owner_facility_id",
             "owner_user_id", "due_date", "status", "drop_reason", "closed_on", "created_at"],
        )  # fmt: skip

        def meeting(
            host: Org, day: datetime.date, title: str, invited: list[int], visitors: list[int]
        ) -> None:
            # The facility's records: one meeting with every section filled, one action
            # item more than any drawn meeting (six), the partner account's organisation
            # among those present at the largest facility.
            whole = host.id in self.account_facilities and host.id not in filled
            if whole:
                filled.add(host.id)
                if host is self.largest and self.partner_user not in invited:
                    invited = [self.partner_user, *invited]
            mid = meetings.new_id()
            meetings.add(
                mid,
                host.id,
                title,
                day,
                f"Aula {host.name}",
                "Kepala Desa Bench, Pemerintah Desa\nTokoh masyarakat",
                "Pembahasan pelaksanaan program pembinaan dan dukungan mitra.",
                "Mitra dan UPT menindaklanjuti rencana kerja triwulan berikutnya.",
                self.at(day),
            )
            for partner in invited:
                partners.add(partners.new_id(), mid, partner)
            people = [u for u in (self.officer_of.get(host.id), self.head_of.get(host.id)) if u]
            if self.partner_user in invited:
                people.append(self.mitra)
            for person in people:
                attendees.add(attendees.new_id(), mid, person)
            for guest in visitors:
                guests.add(guests.new_id(), mid, guest)
            for n in range(6 if whole else rng.randint(1, 5)):
                owner = invited[n % len(invited)] if invited and rng.random() < 0.6 else None
                if whole and n < 3 and self.partner_user in invited:
                    owner = self.partner_user
                due = day + days(rng.randint(14, 90))
                status, reason, closed = "open", "", None
                if due <= self.end:
                    status = rng.choices(["done", "dropped", "open"], [70, 10, 20])[0]
                if status != "open":
                    closed = self.between(day + DAY, min(due + days(14), self.end))
                    if status == "dropped":
                        reason = "Tidak lagi diperlukan."
                user = self.officer_of.get(host.id) if owner is None else None
                if owner is not None and owner == self.partner_user:
                    user = self.mitra
                actions.add(
                    actions.new_id(),
                    mid,
                    f"Tindak lanjut {n + 1}: {title}",
                    owner,
                    None if owner is not None else host.id,
                    user,
                    due,
                    status,
                    reason,
                    closed,
                    self.at(day),
                )

        filled: set[int] = set()
        quarters = []
        first = self.start
        while first <= self.end:
            quarters.append((first, min(add_months(first, 3) - DAY, self.end)))
            first = add_months(first, 3)
        for host in [*self.facilities, *self.bapas]:
            pool = self.partners_of[host.region]
            bapas = self.bapas_of.get(host.region)
            for n, (begin, last) in enumerate(quarters):
                final = n == len(quarters) - 1
                if host.kind == "bapas" and n % 2 and not final:
                    continue
                day = self.between(begin, last)
                visitors = [bapas.id] if bapas and host is not bapas and rng.random() < 0.5 else []
                invited = rng.sample(pool, rng.randint(1, 4))
                meeting(host, day, f"Rapat koordinasi triwulan {n + 1}", invited, visitors)
        for region in self.regions:
            members = [f for f in self.facilities if f.region == region.region]
            if not members:
                continue
            host = max(members, key=lambda f: (f.size, -f.id))
            others = [f.id for f in members if f is not host]
            bapas = self.bapas_of.get(region.region)
            for n, (begin, last) in enumerate(quarters):
                if n % 2:
                    continue
                visitors = rng.sample(others, min(5, len(others)))
                if bapas:
                    visitors.append(bapas.id)
                invited = rng.sample(self.partners_of[region.region], rng.randint(3, 6))
                day = self.between(begin, last)
                meeting(host, day, f"Rapat koordinasi wilayah {region.name}", invited, visitors)
        self.say(f"meetings {meetings.rows:,}, action items {actions.rows:,}")

    def job_openings(self) -> None:
        """The businesses of each region post a job opening every month or two, open two
        weeks to two months; each has one still open."""
        from sinergi.programs.choices import PERSONALITY_CATEGORIES, ProgramCategory
        from sinergi.reintegration.models import JobOpening

        rng = self.rng
        openings = self.t(
            JobOpening,
            ["id", "partner_id", "title", "sector", "place", "vacancies", "skills_wanted",
             "skill_categories", "excluded_crime_categories", "closing_date",
             "open_to_former_inmates", "posted_by_id", "created_at"],
        )  # fmt: skip
        categories = sorted(set(ProgramCategory.values) - PERSONALITY_CATEGORIES)
        for region in self.regions:
            businesses = [
                p
                for n, p in enumerate(self.partners_of[region.region][:12])
                if PARTNER_KINDS[n % len(PARTNER_KINDS)] == "business"
            ]
            for partner in businesses:
                day = self.start + days(rng.randint(0, 60))
                posted: list[datetime.date] = []
                while day <= self.end - days(30):
                    posted.append(day)
                    day += days(rng.randint(30, 75))
                posted.append(self.end - days(rng.randint(0, 20)))  # one still open
                for day in posted:
                    job, sector = rng.choice(JOBS)
                    wanted = rng.sample(categories, rng.randint(1, 2)) if rng.random() < 0.8 else []
                    closing = day + days(rng.randint(14, 60))
                    if day >= self.end - days(20):
                        closing = max(closing, self.end + days(14))
                    openings.add(
                        openings.new_id(),
                        partner,
                        job,
                        sector,
                        f"Kabupaten Bench {region.region + 1}",
                        rng.randint(1, 10),
                        "Terampil, disiplin, bersedia bekerja bergiliran.",
                        wanted,
                        ["terrorism"] if rng.random() < 0.3 else [],
                        closing,
                        rng.random() < 0.9,
                        self.mitra if partner == self.partner_user else None,
                        self.at(day),
                    )
        # The newest opening (the one a page opens for everyone: facility staff reach all
        # open ones): the partner account's, posted on the last day, asking for no
        # training, so every facility has people on its worklist who match it.
        openings.add(
            openings.new_id(),
            self.partner_user,
            "Petugas kebersihan",
            "Jasa",
            f"Kabupaten Bench {self.largest.region + 1}",
            5,
            "Jujur dan disiplin; tanpa syarat pelatihan.",
            [],
            [],
            self.end + days(30),
            True,
            self.mitra,
            self.at(self.end),
        )
        self.say(f"job openings {openings.rows:,}")

    # -- reintegration

    def reintegration(self) -> None:
        from sinergi.reintegration.choices import Pathway
        from sinergi.reintegration.models import (
            Consent,
            FollowUp,
            Need,
            NeedUpdate,
            Readmission,
            Referral,
            ReintegrationPlan,
        )

        rng = self.rng
        plans = self.t(ReintegrationPlan, ["id", "inmate_id", "assessment_id", "created_at"])
        needs = self.t(Need, ["id", "plan_id", "pathway", "status", "responsible", "partner_id"])
        updates = self.t(NeedUpdate, ["id", "need_id", "status", "at"])
        consents = self.t(Consent, ["id", "inmate_id", "partner_id", "purpose", "given_on"])
        referrals = self.t(
            Referral,
            [
                "id",
                "inmate_id",
                "partner_id",
                "need_id",
                "consent_id",
                "purpose",
                "contact",
                "status",
                "created_at",
            ],
        )
        follow_ups = self.t(
            FollowUp,
            [
                "id",
                "release_id",
                "month",
                "due_on",
                "done_on",
                "contact_made",
                "work_status",
                "new_offence",
                "done_by_id",
            ],
        )
        readmissions = self.t(
            Readmission, ["id", "earlier_release_id", "new_inmate_id", "matched_by"]
        )
        work = table(WORK)
        referral_statuses = table(REFERRAL_STATUSES)
        pathways = list(Pathway.values)
        released = {p.id: rid for rid, p in self.releases}
        self.plan_of: dict[int, int] = {}
        unreferred = set(self.dashboard_facilities)
        for facility in self.facilities:
            for person in facility.people:
                if person.kind in ("transfer", "death"):
                    continue
                if rng.random() >= (0.2 if person.kind == "custody" else 0.08):
                    continue
                plan = plans.new_id()
                plans.add(
                    plan,
                    person.id,
                    self.assessment_version,
                    self.at(max(person.admission, self.start)),
                )
                self.plan_of.setdefault(facility.id, plan)
                left = person.left_on
                for pathway in rng.sample(pathways, rng.randint(2, 5)):
                    if left is not None:
                        status = rng.choices(
                            ["met", "in_progress", "not_started", "declined", "not_needed"],
                            [55, 15, 10, 10, 10],
                        )[0]
                    else:
                        status = rng.choices(["met", "in_progress", "not_started"], [25, 35, 40])[0]
                    partner = None
                    if rng.random() < 0.35:
                        partner = rng.choice(self.partners_of[facility.region])
                    # The dashboards' facilities refer someone this month (the month of
                    # the last day: the dashboards' default), the largest to the partner
                    # account's organisation.
                    fresh = partner is not None and left is None and facility.id in unreferred
                    if fresh:
                        unreferred.discard(facility.id)
                        if facility is self.largest:
                            partner = self.partner_user
                    need = needs.new_id()
                    needs.add(
                        need, plan, pathway, status, "partner" if partner else "facility", partner
                    )
                    first = max(person.admission, self.start)
                    last = left or self.end
                    if status in ("met", "in_progress"):
                        updates.add(
                            updates.new_id(), need, status, self.at(self.between(first, last))
                        )
                    if partner is not None:
                        day = self.between(max(first, last - days(120)), last)
                        status = referral_statuses[int(rng.random() * 100)]
                        if fresh:
                            day = self.between(max(first, self.end.replace(day=1)), self.end)
                            status = "sent"
                        consent = consents.new_id()
                        consents.add(consent, person.id, partner, "Rujukan reintegrasi", day)
                        referrals.add(
                            referrals.new_id(),
                            person.id,
                            partner,
                            need,
                            consent,
                            "Rujukan reintegrasi",
                            "Petugas PK",
                            status,
                            self.at(day),
                        )
        for rid, person in self.releases:
            if person.kind in ("transfer", "death"):
                continue
            # Recorded by a generated PK of the Bapas the person was handed to, if any.
            bapas = self.bapas_of.get(self.facilities[person.facility].region)
            officers = self.pks.get(bapas.id, []) if bapas else []
            assert person.left_on is not None
            for month in (1, 3, 6, 12):
                due = add_months(person.left_on, month)
                done_on, contact, status, offence = None, False, "", False
                if due <= self.end and rng.random() < 0.85:
                    done_on = due + days(rng.randint(0, 21))
                    if done_on > self.end:
                        done_on = None
                    elif rng.random() < 0.8:
                        contact, status = True, work[int(rng.random() * 100)]
                        offence = rng.random() < 0.04
                follow_ups.add(
                    follow_ups.new_id(),
                    rid,
                    month,
                    due,
                    done_on,
                    contact,
                    status,
                    offence,
                    officers[0] if officers and done_on else None,
                )
        taken: set[int] = set()
        for rid, person in self.releases:
            if person.kind in ("transfer", "death") or rng.random() > 0.05:
                continue
            people = self.facilities[person.facility].people
            assert person.left_on is not None
            for _try in range(20):
                candidate = people[int(rng.random() * len(people))]
                gap = (candidate.admission - person.left_on).days
                if candidate.kind == "custody" and candidate.id not in taken and 10 < gap < 540:
                    taken.add(candidate.id)
                    readmissions.add(readmissions.new_id(), rid, candidate.id, "nik")
                    break
        del released
        self.say(
            f"plans {plans.rows:,}, needs {needs.rows:,}, referrals {referrals.rows:,}, "
            f"follow-ups {follow_ups.rows:,}, readmissions {readmissions.rows:,}"
        )

    def assessments(self) -> None:
        from sinergi.inmates.models import MonthlyAssessment

        rng = self.rng
        scores = self.t(
            MonthlyAssessment,
            [
                "id",
                "inmate_id",
                "month",
                "personality",
                "independence",
                "behaviour",
                "mental_condition",
                "total",
            ],
        )
        last = (
            self.end.replace(day=1)
            if self.today.day == 1
            else add_months(self.end.replace(day=1), -1)
        )
        self.report_month = last
        months = [(add_months(last, -n), add_months(last, 1 - n) - DAY) for n in range(11, -1, -1)]
        for person in self.everyone:
            level = rng.gauss(68, 9)
            for month, month_end in months:
                if person.admission > month_end or (
                    person.left_on is not None and person.left_on < month
                ):
                    continue
                if rng.random() > 0.92:
                    continue
                a, b, c, d = (max(0, min(100, round(level + rng.gauss(0, 8)))) for _ in range(4))
                total = (Decimal(a + b + c + d) / 4).quantize(Decimal("0.01"))
                scores.add_line(
                    f"{scores.new_id()}\t{person.id}\t{month.isoformat()}\t{a}\t{b}\t{c}\t{d}\t{total}"
                )
            level += rng.gauss(0.3, 1)
        self.say(f"monthly SPPN scores {scores.rows:,}")

    def proposals(self) -> None:
        """Proposals for PB: of a share of the people in custody eligible now or soon, at
        every stage, and of the people released on parole lately (``decrees``). Each went
        through the stages one after the other (an event each): the dossier's documents
        gathered, the Litmas asked of the region's Bapas and submitted, the facility's
        review board (sidang TPP, held once a month on the facility's day) recommending
        it, sent, decided by an SK, released on it."""
        from sinergi.proposals.choices import CHECKLIST
        from sinergi.proposals.models import (
            LitmasRequest,
            Proposal,
            ProposalDocument,
            ProposalEvent,
            TppDecision,
            TppMeeting,
        )

        rng = self.rng
        proposals = self.t(
            Proposal,
            ["id", "inmate_id", "facility_id", "right", "stage", "stage_since", "eligible_on",
             "sent_to", "sent_reference", "sent_on", "sk_number", "sk_date", "refusal_reason",
             "withdrawal_reason", "released_on", "created_by_id", "created_at"],
        )  # fmt: skip
        events = self.t(
            ProposalEvent,
            ["id", "proposal_id", "from_stage", "to_stage", "at", "on", "by_id", "note",
             "document_id"],
        )  # fmt: skip
        documents = self.t(
            ProposalDocument,
            ["id", "proposal_id", "kind", "file", "received_on", "note", "uploaded_by_id",
             "created_at"],
        )  # fmt: skip
        litmas = self.t(
            LitmasRequest,
            ["id", "proposal_id", "bapas_id", "officer_id", "requested_on", "due_on", "status",
             "document_id", "recommendation", "submitted_on", "requested_by_id", "created_at"],
        )  # fmt: skip
        boards = self.t(
            TppMeeting,
            ["id", "facility_id", "held_on", "place", "chair_id", "members", "minutes_number",
             "created_by_id", "created_at"],
        )  # fmt: skip
        decisions = self.t(
            TppDecision, ["id", "meeting_id", "proposal_id", "recommendation", "note", "created_at"]
        )
        stages = table(PROPOSAL_STAGES)
        soon = self.end + days(120)

        def document(pid: int, kind: str, day: datetime.date, by: int | None, note: str) -> int:
            did = documents.new_id()
            path = f"proposals/bench/{did}-{kind}.pdf"
            documents.add(did, pid, kind, path, day, note, by, self.at(day))
            return did

        for index, facility in enumerate(self.facilities):
            bapas = self.bapas_of.get(facility.region)
            officer, head = self.officer_of.get(facility.id), self.head_of.get(facility.id)
            pks = self.pks.get(bapas.id, []) if bapas else []
            # The accounts' facilities have a proposal at every stage (each taken by the
            # first person whose dates allow it).
            guaranteed = list(GUARANTEED) if facility.id in self.account_facilities else []
            sittings: dict[datetime.date, list[tuple[int, str, str]]] = {}
            for person in facility.people:
                lower = max(person.admission, self.start)
                if person.kind == "custody":
                    eligible_from, status = self.pb.get(person.id, (None, ""))
                    if status != "eligible" or eligible_from is None or eligible_from > soon:
                        continue
                    if guaranteed:
                        wanted = guaranteed[0]
                    elif rng.random() > 0.35:
                        continue
                    else:
                        wanted = stages[int(rng.random() * 100)]
                    eligible_on: datetime.date | None = eligible_from
                elif person.id in self.decrees:
                    wanted = "released"
                    eligible_on = self.pb.get(person.id, (None, ""))[0] or person.left_on
                else:
                    continue
                found = None
                while found is None and wanted:
                    if bapas is None and wanted not in ("eligible", "documents"):
                        wanted = "documents"
                    found = self.proposal_chain(index, wanted, person, lower)
                    if found is None:
                        wanted = FALLBACK[wanted]
                if found is None:
                    continue
                steps, decision = found
                if guaranteed and steps[-1][0] == guaranteed[0]:
                    guaranteed.pop(0)
                assert eligible_on is not None
                pid = proposals.new_id()
                on = dict(steps)
                stage, since = steps[-1]
                after = {a: b for (a, _x), (b, _y) in itertools.pairwise(steps)}

                # The dossier: complete before the Litmas is asked for, else in part.
                if "documents" in on:
                    until = on.get(after.get("documents", ""), self.end)
                    kinds = CHECKLIST
                    if "litmas" not in on:
                        kinds = CHECKLIST[: rng.randint(0, len(CHECKLIST) - 1)]
                    for kind in kinds:
                        document(pid, kind, self.between(on["documents"], until), officer, "")
                shown: dict[str, int | None] = {}
                if "litmas" in on and bapas is not None:
                    requested = on["litmas"]
                    state, done, text, by, did = "requested", None, "", None, None
                    if "tpp" in on:
                        state = "submitted"
                        done = max(requested + days(3), on["tpp"] - days(rng.randint(1, 7)))
                        done = min(done, on["tpp"])
                        by = pks[pid % len(pks)] if pks else None
                        did = document(pid, "litmas", done, by, f"Litmas oleh {bapas.name}")
                        text = "Layak diberikan pembebasan bersyarat."
                        shown["tpp"] = did
                    elif stage == "withdrawn":
                        state = "cancelled"
                    elif pks and rng.random() < 0.5:
                        by = pks[pid % len(pks)]
                    litmas.add(
                        litmas.new_id(),
                        pid,
                        bapas.id,
                        by,
                        requested,
                        add_weekdays(requested, 12),
                        state,
                        did,
                        text,
                        done,
                        officer,
                        self.at(requested),
                    )
                if decision is not None:
                    held, recommendation = decision
                    document(pid, "tpp_minutes", held, officer, "Berita acara sidang TPP")
                    note = NOT_RECOMMENDED if recommendation == "not_recommended" else ""
                    sittings.setdefault(held, []).append((pid, recommendation, note))
                sk_number, sk_date = "", on.get("granted")
                if sk_date is not None:
                    sk_number = f"PAS-{person.id}.PK.05.09/{sk_date.year}"
                    if person.id in self.decrees:
                        sk_number = self.decrees[person.id][0]
                    shown["granted"] = document(
                        pid, "sk", sk_date, officer, "SK pembebasan bersyarat"
                    )
                sent = on.get("sent")
                proposals.add(
                    pid,
                    person.id,
                    facility.id,
                    "pb",
                    stage,
                    since,
                    eligible_on,
                    rng.choice(["kanwil", "ditjenpas"]) if sent else "",
                    f"W.{pid}-PK.01.05/{sent.year}" if sent else "",
                    sent,
                    sk_number,
                    sk_date,
                    REFUSED if stage == "refused" else "",
                    WITHDRAWN if stage == "withdrawn" else "",
                    on.get("released"),
                    officer,
                    self.at(steps[0][1]),
                )
                before = ""
                for n, (step, day) in enumerate(steps):
                    note = {"refused": REFUSED, "withdrawn": WITHDRAWN}.get(step, "")
                    events.add(
                        events.new_id(),
                        pid,
                        before,
                        step,
                        f"{day.isoformat()} {8 + n:02d}:30:00+07:00",
                        day,
                        head if step in ("sent", "granted", "refused") else officer,
                        note,
                        shown.get(step),
                    )
                    before = step
            for n, held in enumerate(sorted(sittings)):
                mid = boards.new_id()
                boards.add(
                    mid,
                    facility.id,
                    held,
                    f"Ruang sidang {facility.name}",
                    head,
                    TPP_MEMBERS,
                    f"BA-TPP/{n + 1:03d}/{held.month:02d}/{held.year}",
                    officer,
                    self.at(held),
                )
                for pid, recommendation, note in sittings[held]:
                    decisions.add(decisions.new_id(), mid, pid, recommendation, note, self.at(held))
        self.say(
            f"proposals {proposals.rows:,} (events {events.rows:,}, documents "
            f"{documents.rows:,}, Litmas {litmas.rows:,}), sidang TPP {boards.rows:,} "
            f"deciding {decisions.rows:,}"
        )

    def monthly_reports(self) -> None:
        """The monthly report of every custodial facility for the last ``REPORT_MONTHS``
        complete months, generated at the start of the next month and signed off by the
        head (edition 1). Their figures are the app's own (``indicators.reports.gather``
        on the loaded data, in two worker processes): a signed edition's figures are
        compared with the live ones whenever its page is read, so made-up figures would
        show as revisions (and be recorded as such by that read)."""
        from django.db import connections

        from sinergi.indicators.models import MonthlyReport, ReportEdition

        started = time.perf_counter()
        months = [add_months(self.report_month, -n) for n in range(REPORT_MONTHS - 1, -1, -1)]
        jobs = [(f.id, month.isoformat()) for month in months for f in self.facilities]
        batches = [jobs[n : n + 10] for n in range(0, len(jobs), 10)]
        connections.close_all()  # a forked worker must not share Django's connection
        context = multiprocessing.get_context("fork")
        with context.Pool(max(1, min(2, multiprocessing.cpu_count()))) as pool:
            gathered = {
                (facility, month): data
                for batch in pool.imap(_gather, batches)
                for facility, month, data in batch
            }
        self.copier = Copier(self.url)  # after the fork: the workers share no connection
        reports = self.t(
            MonthlyReport,
            ["id", "facility_id", "month", "status", "data", "pdf", "xlsx", "generated_at",
             "requested_by_id", "signed_off_by_id", "signed_off_at", "created_at"],
        )  # fmt: skip
        editions = self.t(
            ReportEdition,
            ["id", "report_id", "number", "data", "pdf", "signed_off_by_id", "signed_off_at"],
        )
        code = {f.id: f.code for f in self.facilities}
        for facility, month in jobs:
            first = datetime.date.fromisoformat(month)
            made = min(add_months(first, 1), self.end)
            made = self.between(made, min(made + days(3), self.end))
            signed = self.between(made, min(made + days(3), self.end))
            generated_at, signed_at = self.at(made), f"{signed.isoformat()} 16:30:00+07:00"
            if signed == made:
                generated_at = f"{made.isoformat()} 08:15:00+07:00"
            data = gathered[(facility, month)]
            data["computed_at"] = generated_at.replace(" ", "T")
            name = f"laporan-bulanan-{code[facility]}-{month[:7]}"
            head = self.head_of.get(facility)
            rid = reports.new_id()
            reports.add(
                rid,
                facility,
                first,
                "ready",
                data,
                f"reports/bench/{name}.pdf",
                f"reports/bench/{name}.xlsx",
                generated_at,
                self.officer_of.get(facility),
                head,
                signed_at,
                generated_at,
            )
            editions.add(
                editions.new_id(),
                rid,
                1,
                data,
                f"reports/editions/bench/{name}-edisi-1.pdf",
                head,
                signed_at,
            )
        reports.flush()
        editions.flush()
        self.say(
            f"monthly reports {reports.rows:,} ({len(months)} months, signed), figures "
            f"gathered in {time.perf_counter() - started:.0f} s"
        )

    def sitting(self, index: int, year: int, month: int) -> datetime.date:
        """The day of a facility's monthly sidang TPP (a working day, its own)."""
        day = datetime.date(year, month, 6 + index % 18)
        while day.weekday() >= 5:
            day += DAY
        return day

    def sitting_before(self, index: int, day: datetime.date) -> datetime.date:
        found = self.sitting(index, day.year, day.month)
        if found > day:
            earlier = add_months(day.replace(day=1), -1)
            found = self.sitting(index, earlier.year, earlier.month)
        return found

    def sitting_after(self, index: int, day: datetime.date) -> datetime.date:
        found = self.sitting(index, day.year, day.month)
        if found <= day:
            later = add_months(day.replace(day=1), 1)
            found = self.sitting(index, later.year, later.month)
        return found

    def proposal_chain(
        self, index: int, wanted: str, person: Person, lower: datetime.date
    ) -> tuple[list[tuple[str, datetime.date]], tuple[datetime.date, str] | None] | None:
        """The stages of a proposal that is now at ``wanted``, each with its day, drawn
        backward from its last move (recent for a stage still open, the release day for
        ``released``), and the sidang TPP's recommendation (day, what): the sitting before
        it was sent (or withdrawn from the TPP stage), or for one waiting at the TPP stage
        the next sitting if held. None when the first move would come before ``lower``."""
        rng = self.rng
        if wanted == "withdrawn":
            base = rng.choice(["eligible", "documents", "litmas", "tpp", "sent"])
            path = [*PROPOSAL_PATH[: PROPOSAL_PATH.index(base) + 1], "withdrawn"]
        elif wanted == "refused":
            path = [*PROPOSAL_PATH[:5], "refused"]
        else:
            path = PROPOSAL_PATH[: PROPOSAL_PATH.index(wanted) + 1]
        if wanted == "released":
            assert person.left_on is not None
            day = person.left_on
        elif wanted in RECENT:
            day = self.end - days(rng.randint(0, RECENT[wanted]))
        else:
            day = self.between(self.start + days(200), self.end)
        steps = [(path[-1], day)]
        decision = None
        for this, before in zip(reversed(path[1:]), reversed(path[:-1]), strict=True):
            if this == "sent" or (this == "withdrawn" and before == "tpp"):
                held = self.sitting_before(index, day - days(rng.randint(1, 10)))
                decision = (held, "recommended" if this == "sent" else "not_recommended")
                day = held - days(rng.randint(1, 25))
            elif this == "released":
                day = self.decrees[person.id][1]
            else:
                low, high = PROPOSAL_GAPS[this]
                day -= days(rng.randint(low, high))
            steps.append((before, day))
        steps.reverse()
        if steps[0][1] < lower:
            return None
        if path[-1] == "tpp":
            held = self.sitting_after(index, steps[-1][1])
            if held <= self.end:
                decision = (held, rng.choice(["recommended", "postponed"]))
        return steps, decision


def first(cursor: Any, query: str, params: Sequence[Any]) -> Any:
    cursor.execute(query, params)
    row = cursor.fetchone()
    return row[0] if row else None


def account_records(cursor: Any, accounts: list[dict[str, Any]], report_month: str) -> None:
    """A few ids of real records per account, for the page walker's URLs: ``ids`` (the
    keys of ``bench.national.pages``: inmate, plan, program, session, proposal, follow_up,
    release), ``partner`` (a code) and ``report_month``."""
    for account in accounts:
        account["report_month"] = report_month
        ids: dict[str, Any] = {}
        facility_id = account.get("facility_id")
        if account.get("partner_id"):
            account["partner"] = first(
                cursor, "SELECT code FROM orgs_partner WHERE id = %s", [account["partner_id"]]
            )
        if account["role"] == "probation_officer":
            cursor.execute(
                "SELECT id, inmate_id FROM reintegration_release WHERE bapas_id = %s "
                "ORDER BY probation_officer_id = %s DESC, released_on DESC LIMIT 1",
                [facility_id, account["user_id"]],
            )
            row = cursor.fetchone()
            if row:
                ids["release"], ids["inmate"] = row
            ids["follow_up"] = first(
                cursor,
                "SELECT f.id FROM reintegration_followup f JOIN reintegration_release r "
                "ON r.id = f.release_id WHERE r.bapas_id = %s AND r.probation_officer_id = %s "
                "ORDER BY f.due_on DESC LIMIT 1",
                [facility_id, account["user_id"]],
            )
        elif facility_id is not None:
            if account["role"] == "guardian":
                ids["inmate"] = first(
                    cursor,
                    "SELECT id FROM inmates_inmate WHERE facility_id = %s AND wali_id = %s "
                    "AND status = 'in_custody' ORDER BY id LIMIT 1",
                    [facility_id, account["user_id"]],
                )
            else:
                ids["inmate"] = first(
                    cursor,
                    "SELECT id FROM inmates_inmate WHERE facility_id = %s "
                    "AND status = 'in_custody' ORDER BY id LIMIT 1",
                    [facility_id],
                )
            ids["program"] = first(
                cursor,
                "SELECT id FROM programs_program WHERE facility_id = %s AND status = 'running' "
                "ORDER BY id LIMIT 1",
                [facility_id],
            )
            ids["session"] = first(
                cursor,
                "SELECT id FROM programs_session WHERE program_id = %s AND date <= %s "
                "ORDER BY date DESC LIMIT 1",
                [ids["program"], datetime.date.today()],
            )
            cursor.execute(
                "SELECT p.id, p.inmate_id FROM reintegration_reintegrationplan p "
                "JOIN inmates_inmate i ON i.id = p.inmate_id "
                "WHERE i.facility_id = %s AND i.status = 'in_custody' ORDER BY p.id LIMIT 1",
                [facility_id],
            )
            row = cursor.fetchone()
            if row:
                ids["plan"], ids["plan_inmate"] = row
            ids["proposal"] = first(
                cursor,
                "SELECT id FROM proposals_proposal WHERE facility_id = %s ORDER BY id LIMIT 1",
                [facility_id],
            )
        account["ids"] = {key: value for key, value in ids.items() if value is not None}
        # The same ids as flat keys (inmate_id, plan_id, ...), for the smoke test.
        account.update({f"{key}_id": value for key, value in account["ids"].items()})


def report_month_of(end: datetime.date) -> str:
    """The last complete month before the day after ``end``."""
    return add_months((end + DAY).replace(day=1), -1).strftime("%Y-%m")


CRIMES_TABLE = table(CRIMES)


# --------------------------------------------------------------------------------------
# The database


MARKER = "bench_marker"


TEMPLATE = "sinergi_bench_template"


def migrations_fingerprint() -> str:
    """A hash of every migration file: the template is migrated again when one changes."""
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("sinergi/*/migrations/*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def reset_database(url: str, say: Callable[[str], None] = print) -> None:
    """Drop and create ``url``'s database as a copy of a migrated template, migrating the
    template first if a migration changed (migrating takes a minute or more; a copy of
    the template a second). The import and recalculation benchmarks create theirs so too.
    The migration runs in a process of its own (``manage.py migrate``): the caller's
    Django, if set up, stays as it is. An advisory lock keeps two benchmarks from
    migrating or copying the template at once."""
    import psycopg
    from psycopg import sql

    name = database_name(url)
    if "bench" not in name:
        raise SystemExit(f"refusing to drop {name!r}: a benchmark database's name has 'bench'")
    fingerprint = migrations_fingerprint()
    template_url = database_url(TEMPLATE, url)
    admin = database_url("postgres", url)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute("SELECT pg_advisory_lock(hashtext(%s))", [TEMPLATE])
        try:
            ready = False
            try:
                with psycopg.connect(template_url, autocommit=True) as template:
                    row = template.execute("SELECT fingerprint FROM bench_template").fetchone()
                    ready = row is not None and row[0] == fingerprint
            except psycopg.Error:
                ready = False
            if not ready:
                started = time.perf_counter()
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(TEMPLATE)
                    )
                )
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(TEMPLATE)))
                env = {**os.environ, "DATABASE_URL": template_url, "LOG_LEVEL": "WARNING"}
                env.setdefault("DEBUG", "true")  # only lets the settings load without a key
                env.setdefault("DJANGO_SETTINGS_MODULE", "sinergi.settings")
                subprocess.run(
                    [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
                    cwd=ROOT,
                    env=env,
                    check=True,
                )
                with psycopg.connect(template_url, autocommit=True) as template:
                    template.execute("CREATE TABLE bench_template (fingerprint text)")
                    template.execute("INSERT INTO bench_template VALUES (%s)", [fingerprint])
                say(f"{TEMPLATE}: migrated in {time.perf_counter() - started:.1f} s")
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            connection.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(TEMPLATE)
                )
            )
        finally:
            connection.execute("SELECT pg_advisory_unlock(hashtext(%s))", [TEMPLATE])
    with psycopg.connect(url, autocommit=True) as copy:
        copy.execute("DROP TABLE IF EXISTS bench_template")


def existing(url: str) -> dict[str, Any] | None:
    """The marker of an earlier generation in ``url``'s database, if there is one."""
    import psycopg

    try:
        with psycopg.connect(url, autocommit=True) as connection:
            row = connection.execute(
                f"SELECT scale, seed, details FROM {MARKER} ORDER BY generated_at DESC LIMIT 1"
            ).fetchone()
    except psycopg.Error:
        return None
    if row is None:
        return None
    return {"scale": row[0], "seed": row[1], **row[2]}


def table_sizes(cursor: Any) -> dict[str, dict[str, float]]:
    cursor.execute(
        "SELECT c.relname, c.reltuples::bigint, pg_total_relation_size(c.oid) "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.reltuples > 0 ORDER BY 3 DESC"
    )
    return {
        name: {"rows": rows, "mb": round(size / 2**20, 1)} for name, rows, size in cursor.fetchall()
    }


def generate(
    scale: str,
    seed: int = 1,
    *,
    reuse: bool = False,
    end: datetime.date | None = None,
    server: str | None = None,
    say: Callable[[str], None] = print,
) -> Result:
    """Generate ``scale`` into ``sinergi_bench_<scale>`` (or reuse it); returns what was
    made, with the accounts, also written to ``bench/results/accounts-<scale>.json``."""
    if scale not in SCALES:
        raise SystemExit(f"unknown scale {scale!r}: {', '.join(SCALES)}")
    url = database_url(f"sinergi_bench_{scale}", server or server_url())
    if reuse:
        marker = existing(url)
        if marker and marker["scale"] == scale and marker["seed"] == seed:
            say(
                f"reusing {database_name(url)} (scale {scale}, seed {seed}, "
                f"generated {marker.get('generated', '?')})"
            )
            setup_django(url)
            from django.core.management import call_command
            from django.db import connection

            # Migrations added since the generation (their new tables stay empty).
            call_command("migrate", verbosity=0)
            with connection.cursor() as cursor:
                end_day = datetime.date.fromisoformat(marker["end"])
                account_records(cursor, marker["accounts"], report_month_of(end_day))
            result = Result(
                scale,
                seed,
                url,
                marker["end"],
                marker["seconds"],
                marker["tables"],
                marker["accounts"],
                reused=True,
            )
            write_accounts(result)
            return result
    reset_database(url, say)
    started = time.perf_counter()  # the template's migration (once) is not counted
    setup_django(url)
    from django.db import connection
    from django.utils import timezone

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_template")
    say(f"{database_name(url)}: created from {TEMPLATE} in {time.perf_counter() - started:.1f} s")
    last_day = end or timezone.localdate() - DAY
    generator = Generator(scale, seed, url, last_day)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM reintegration_assessmentversion WHERE is_current LIMIT 1")
        generator.assessment_version = cursor.fetchone()[0]
    generator.copier = Copier(url)
    say(f"generating scale {scale} (seed {seed}), data from {generator.start} to {last_day}")
    try:
        generator.run()
    finally:
        generator.copier.close()
    loaded = time.perf_counter() - started
    with connection.cursor() as cursor:
        begun = time.perf_counter()
        # Sentence.held, which the database's triggers keep: off for the COPY's session
        # (session_replication_role), so set here as they would have. The generator's
        # inmates are COPYed without ``earliest_right`` (NULL).
        cursor.execute(
            "UPDATE inmates_sentence s SET held = (i.status = 'in_custody') "
            "FROM inmates_inmate i WHERE i.id = s.inmate_id "
            "AND s.held IS DISTINCT FROM (i.status = 'in_custody')"
        )
        # Inmate.earliest_right likewise (its triggers: migration inmates 0014).
        cursor.execute(
            "UPDATE inmates_inmate i SET earliest_right = r.first "
            "FROM (SELECT inmate_id, MIN(eligible_from) AS first FROM inmates_inmateright "
            "WHERE status = 'eligible' GROUP BY inmate_id) r "
            "WHERE i.id = r.inmate_id AND i.earliest_right IS DISTINCT FROM r.first"
        )
        # VACUUM too: the visibility map (index-only scans) and hint bits of a live database
        cursor.execute("VACUUM (ANALYZE)")
        say(f"VACUUM (ANALYZE): {time.perf_counter() - begun:.1f} s")
    # The monthly reports' figures are read from the loaded (and analysed) data.
    copied = generator.copier.seconds
    try:
        generator.monthly_reports()
    finally:
        generator.copier.close()
    copied.update(generator.copier.seconds)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE indicators_monthlyreport, indicators_reportedition")
        reset_sequences(cursor)
        account_records(cursor, generator.accounts, report_month_of(last_day))
        sizes = table_sizes(cursor)
    for name, seconds in copied.items():
        if name in sizes:
            sizes[name]["copy_s"] = round(seconds, 1)
    result = Result(
        scale,
        seed,
        url,
        last_day.isoformat(),
        round(time.perf_counter() - started, 1),
        sizes,
        generator.accounts,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {MARKER} (scale text, seed int, generated_at timestamptz "
            "DEFAULT now(), details jsonb)"
        )
        details = {
            "end": result.end,
            "seconds": result.seconds,
            "tables": sizes,
            "accounts": result.accounts,
            "generated": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        }
        cursor.execute(
            f"INSERT INTO {MARKER} (scale, seed, details) VALUES (%s, %s, %s)",
            [scale, seed, json.dumps(details)],
        )
    write_accounts(result)
    total_rows = sum(int(t["rows"]) for t in sizes.values())
    total_mb = sum(t["mb"] for t in sizes.values())
    say(
        f"scale {scale}: {total_rows:,} rows, {total_mb:,.0f} MB, generated in "
        f"{result.seconds:.0f} s (COPY load {loaded:.0f} s)"
    )
    for name, values in list(sizes.items())[:25]:
        copy = f"  COPY {values['copy_s']:.1f} s" if "copy_s" in values else ""
        say(f"    {name:42} {int(values['rows']):>12,} rows {values['mb']:>9,.1f} MB{copy}")
    return result


def reset_sequences(cursor: Any) -> None:
    """Every serial/identity column's sequence set past the largest id."""
    cursor.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = 'public' AND (column_default LIKE 'nextval%%' OR is_identity = 'YES')"
    )
    for name, column in cursor.fetchall():
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, %s), "
            f'COALESCE(MAX("{column}"), 0) + 1, false) FROM "{name}"',
            [f'"{name}"', column],
        )


def write_accounts(result: Result) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"accounts-{result.scale}.json"
    path.write_text(json.dumps(result.accounts, indent=1, default=str) + "\n")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=list(SCALES), default="small")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--reuse", action="store_true", help="keep a database of this scale and seed"
    )
    parser.add_argument(
        "--end", type=datetime.date.fromisoformat, help="last day of data (default yesterday)"
    )
    args = parser.parse_args()
    result = generate(args.scale, args.seed, reuse=args.reuse, end=args.end)
    print(
        json.dumps({k: v for k, v in asdict(result).items() if k != "tables"}, default=str)[:2000]
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
