"""The page report of the national benchmark: every page and list endpoint of every role,
measured in-process (django.test.Client, DEBUG off, the web server's database limits).

For each account (a role), each of the role's pages is requested once to warm up and then
``repeat`` times (5; the driver sets it per scale). Recorded per page: the HTTP status,
the number of SQL statements (``CaptureQueriesContext``), the server time (median), the
time spent in SQL (the sum of the statements' durations, timed by a connection
``execute_wrapper``; median), the ratio server/SQL, and the slowest statement with its
``EXPLAIN (ANALYZE, BUFFERS)`` plan on PostgreSQL (SELECTs only; ``--explain-top N``: of
the N slowest pages only, explained after every page was measured). A page answering
4xx/5xx (or raising) is a failure row.

The work runs in a subprocess (``python -m bench.national.pages --worker``) so that
Django is set up there for the given database with production settings, whatever the
caller has configured; the caller gets plain JSON-serialisable rows.

    python -m bench.national.pages --demo                       # the demo database, markdown
    python -m bench.national.pages --accounts bench/results/accounts-small.json \\
        --database-url postgres://postgres@127.0.0.1:5432/sinergi_bench_small [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEMO_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/sinergi_bench_pages"
DEMO_PASSWORD = "sinergi-demo"

# --- roles (sinergi.core.roles.Role values; "public" is an anonymous visitor) ------------
ADMIN = "administrator"
HEAD = "head"
OFFICER = "program_officer"
GUARDIAN = "guardian"
INSTRUCTOR = "instructor"
PARTNER = "partner_user"
PROBATION = "probation_officer"
REGIONAL = "regional_viewer"
PUBLIC = "public"

SIGNED_IN = frozenset({ADMIN, HEAD, OFFICER, GUARDIAN, INSTRUCTOR, PARTNER, PROBATION, REGIONAL})
STAFF = frozenset({HEAD, OFFICER, GUARDIAN})
OFFICERS = frozenset({HEAD, OFFICER})
# the roles that read a facility's people (inmates, plans, proposals)
READERS = STAFF | {ADMIN, REGIONAL}


@dataclass(frozen=True)
class Page:
    """One page or list endpoint: a route name (or an API path with ``{key}`` holes), the
    ids it needs from an account's ``ids`` (resolved below), and the roles it is for.
    ``main``: walked by the load run too."""

    name: str
    roles: frozenset[str]
    route: str = ""
    api: str = ""
    needs: tuple[str, ...] = ()
    query: str = ""
    main: bool = False
    # a file of the whole scope (an export): requested once, no warm-up
    once: bool = False
    # a list page or list endpoint: the target for lists applies (≤ 100 ms)
    list: bool = False
    # a list the country reads one region at a time (the page says so, the API answers
    # 422 without one): an administrator's request names the region of its ids, as an
    # administrator does
    placed: bool = False
    # requested as htmx requests it (the header HX-Request): a part of a page, fetched by it
    htmx: bool = False

    @property
    def headers(self) -> dict[str, str]:
        return {"HX-Request": "true"} if self.htmx else {}

    def path(self, ids: dict[str, Any]) -> str:
        if self.api:
            path = "/api/v1/" + self.api.format(**ids)
        else:
            from django.urls import reverse

            kwargs = {_URL_KWARG.get((self.route, key), key): ids[key] for key in self.needs}
            path = reverse(self.route, kwargs=kwargs)
        return f"{path}?{self.query}" if self.query else path


# (route, id key) -> the URL keyword, where it is not "pk"
_URL_KWARG = {
    ("orgs:facility_detail", "facility_code"): "code",
    ("cooperation:contribution", "partner_code"): "code",
    ("reintegration:plan", "plan_inmate"): "inmate_pk",
}
for _route, _key in (
    ("inmates:detail", "inmate"),
    ("programs:detail", "program"),
    ("programs:sessions", "program"),
    ("programs:session", "session"),
    ("cooperation:request", "request"),
    ("cooperation:agreement", "agreement"),
    ("cooperation:meeting", "meeting"),
    ("reintegration:referral", "referral"),
    ("reintegration:follow_up", "follow_up"),
    ("reintegration:job", "job"),
    ("proposals:detail", "proposal"),
    ("proposals:litmas_detail", "litmas"),
    ("proposals:tpp_detail", "tpp_meeting"),
    ("indicators:report", "report"),
    ("indicators:facility", "facility_pk"),
    ("indicators:region", "region_pk"),
    ("indicators:partner", "partner_pk"),
    ("public:facility", "facility_pk"),
    ("public:region", "region_pk"),
):
    _URL_KWARG[(_route, _key)] = "pk"


def _p(name: str, roles: Any, **kw: Any) -> Page:
    return Page(name=name, roles=frozenset(roles), route=kw.pop("route", name), **kw)


def _api(path: str, roles: Any, **kw: Any) -> Page:
    """An API endpoint: a list unless ``list=False`` says otherwise."""
    kw.setdefault("list", True)
    return Page(name=f"api {path.split('?')[0]}", roles=frozenset(roles), api=path, **kw)


# Built from sinergi/urls.py, the apps' urls.py and api.py, and the route x role matrix
# (tests/core/test_route_role_matrix.py: which roles open which route with a 200).
PAGES: tuple[Page, ...] = (
    # --- every signed-in role
    _p("home", SIGNED_IN, main=True),
    _p("accounts:notifications", SIGNED_IN, list=True),
    _p("orgs:partner_list", SIGNED_IN, list=True),
    _p("orgs:facility_list", SIGNED_IN - {PARTNER, INSTRUCTOR}, list=True),
    _p("programs:list", SIGNED_IN, main=True, list=True),
    _p("programs:my_sessions", SIGNED_IN, list=True),
    _p("cooperation:requests", SIGNED_IN, main=True, list=True),
    _p("cooperation:agreements", SIGNED_IN, list=True),
    _p("cooperation:meetings", SIGNED_IN, list=True),
    _p("reintegration:handovers", SIGNED_IN, list=True),
    _p("reintegration:follow_ups", SIGNED_IN, main=True, list=True),
    _p("reintegration:jobs", SIGNED_IN, list=True),
    _p("reintegration:referrals", SIGNED_IN, main=True, list=True),
    _p("indicators:catalogue", SIGNED_IN),
    _p("proposals:litmas_list", SIGNED_IN - {PARTNER, INSTRUCTOR}, list=True),
    # --- a facility's people
    _p("inmates:list", READERS, main=True, list=True),
    _p("inmates:rights", READERS, main=True, list=True, placed=True),
    # the counts beside its filters, which the page fetches once it is shown (not a list)
    _p(
        "inmates:rights counts",
        READERS,
        route="inmates:rights",
        query="counts=1",
        htmx=True,
        main=True,
        placed=True,
    ),
    # the exports: a facility's staff (an administrator's covers the whole country: minutes)
    _p("inmates:rights_export", STAFF, once=True),
    _p("inmates:overdue_releases", READERS, list=True),
    _p("inmates:releases_today", READERS, list=True),
    _p("inmates:recalculations", READERS, list=True),
    _p("inmates:score_sheet", {GUARDIAN}, main=True),
    _p("reintegration:worklist", READERS, main=True, list=True, placed=True),
    _p("reintegration:worklist_export", STAFF, once=True),
    _p("proposals:tpp_list", READERS, list=True),
    _p("indicators:reports", READERS | {PROBATION}, list=True),
    _p("indicators:revisions", READERS | {PROBATION}, list=True),
    _p("audit_list", {ADMIN, HEAD}, list=True),
    _p("proposals:litmas_load", {ADMIN}),
    # --- dashboards
    _p("indicators:index", {ADMIN, REGIONAL}),
    _p("indicators:national", {ADMIN}, main=True),
    _p("indicators:region", {ADMIN, REGIONAL}, needs=("region_pk",), main=True),
    _p("indicators:facility", STAFF | {ADMIN, PROBATION}, needs=("facility_pk",), main=True),
    _p("indicators:partner", {PARTNER}, needs=("partner_pk",), main=True),
    _p("cooperation:contribution", {PARTNER}, needs=("partner_code",)),
    _p("orgs:facility_detail", READERS, needs=("facility_code",)),
    # --- one record of each kind the role reaches
    _p("inmates:detail", READERS, needs=("inmate",), main=True),
    _p("reintegration:plan", READERS, needs=("plan_inmate",), main=True),
    _p("programs:detail", READERS | {INSTRUCTOR}, needs=("program",), main=True),
    _p("programs:sessions", READERS | {INSTRUCTOR}, needs=("program",), list=True),
    _p("programs:session", OFFICERS | {ADMIN, INSTRUCTOR}, needs=("session",), main=True),
    _p("cooperation:request", READERS | {PARTNER}, needs=("request",), main=True),
    _p("cooperation:agreement", READERS | {PARTNER}, needs=("agreement",)),
    _p("cooperation:meeting", READERS | {PARTNER}, needs=("meeting",)),
    _p("reintegration:referral", STAFF | {ADMIN, PARTNER}, needs=("referral",), main=True),
    _p("reintegration:follow_up", OFFICERS | {ADMIN, PROBATION}, needs=("follow_up",), main=True),
    _p("reintegration:job", STAFF | {ADMIN, PARTNER, PROBATION}, needs=("job",)),
    _p("proposals:detail", READERS | {PROBATION}, needs=("proposal",)),
    _p("proposals:litmas_detail", READERS | {PROBATION}, needs=("litmas",), main=True),
    _p("proposals:tpp_detail", READERS, needs=("tpp_meeting",)),
    _p("indicators:report", READERS, needs=("report",)),
    # --- the API's lists
    _api("me", SIGNED_IN, list=False),
    _api("facilities", SIGNED_IN),
    _api("partners", SIGNED_IN),
    _api("inmates", SIGNED_IN, main=True),
    _api("rights-pipeline", READERS, placed=True),
    _api("programs", SIGNED_IN),
    _api("support-requests", SIGNED_IN),
    _api("agreements", SIGNED_IN),
    _api("meetings", SIGNED_IN),
    _api("reintegration/worklist", SIGNED_IN, main=True, placed=True),
    _api("referrals", SIGNED_IN),
    _api("proposals", SIGNED_IN),
    _api("litmas-requests", SIGNED_IN),
    _api("tpp-meetings", SIGNED_IN),
    _api("inmate-imports", SIGNED_IN),
    _api("proposal-imports", SIGNED_IN),
    _api("job-openings", SIGNED_IN),
    _api("releases", SIGNED_IN),
    _api("follow-ups", SIGNED_IN, main=True),
    _api("indicators", SIGNED_IN),
    _api("revisions", SIGNED_IN),
    # the lists under one record
    _api("programs/{program}/sessions", READERS | {INSTRUCTOR}, needs=("program",)),
    _api("programs/{program}/enrollments", OFFICERS, needs=("program",)),
    _api("sessions/{session}/attendance", OFFICERS | {ADMIN, INSTRUCTOR}, needs=("session",)),
    _api("inmates/{plan_inmate}/plan", READERS, needs=("plan_inmate",), list=False),
    _api("inmates/{inmate}/consents", READERS, needs=("inmate",)),
    _api("support-requests/{request}/fulfilments", READERS | {PARTNER}, needs=("request",)),
    _api("proposals/{proposal}/transitions", READERS, needs=("proposal",)),
    _api("proposals/{proposal}/documents", READERS, needs=("proposal",)),
    _api("tpp-meetings/{tpp_meeting}/decisions", READERS, needs=("tpp_meeting",)),
    # --- the public (no account)
    _p("public:index", {PUBLIC}, main=True),
    _p("public:region", {PUBLIC}, needs=("region_pk",), main=True),
    _p("public:facility", {PUBLIC}, needs=("facility_pk",), main=True),
    _p("public:revisions", {PUBLIC}, list=True),
    _p("public:data_json", {PUBLIC}),
    _p("public:data_csv", {PUBLIC}),
    _p("verify_form", {PUBLIC}),
    _api("public/indicators", {PUBLIC}, list=False),
)


def pages_for(role: str) -> list[Page]:
    return [page for page in PAGES if role in page.roles]


# --- accounts --------------------------------------------------------------------------


def demo_accounts() -> list[dict[str, Any]]:
    """The demo's users (README, "Demo accounts") in the generator's account format; their
    ``ids`` are found in the database when the report runs (one record of each kind each
    user reaches)."""
    rows = [
        ("admin", ADMIN, None, None, None),
        ("kalapas.selong", HEAD, "selong", None, None),
        ("petugas.selong", OFFICER, "selong", None, None),
        ("wali.selong", GUARDIAN, "selong", None, None),
        ("instruktur.blk", INSTRUCTOR, None, None, "blk-lotim"),
        ("mitra.disnaker", PARTNER, None, None, "disnaker-lotim"),
        ("mitra.dukcapil", PARTNER, None, None, "dukcapil-lotim"),
        ("pk.bapas", PROBATION, "bapas-mataram", None, None),
        ("petugas.lobar", OFFICER, "lobar", None, None),
        ("kanwil.ntb", REGIONAL, None, "ntb", None),
    ]
    return [
        {
            "username": username,
            "password": DEMO_PASSWORD,
            "role": role,
            "facility": facility,
            "region": region,
            "partner": partner,
            "ids": {},
        }
        for username, role, facility, region, partner in rows
    ]


def public_account() -> dict[str, Any]:
    """An anonymous visitor, for the public pages (a region and a facility of the data)."""
    return {"username": None, "role": PUBLIC, "facility": None, "region": None, "ids": {}}


# --- running it ------------------------------------------------------------------------


def measure(
    database_url: str,
    accounts: list[dict[str, Any]],
    *,
    repeat: int = 5,
    explain: bool = True,
    public: bool = True,
    explain_top: int | None = None,
) -> list[dict[str, Any]]:
    """Every page of every account's role (and, ``public``, the public pages), measured on
    ``database_url``: one row per (account, page). Runs in a subprocess. ``explain_top``:
    the plans of the slowest statements of that many pages, the slowest (None: all)."""
    with tempfile.TemporaryDirectory(prefix="sinergi-pages-") as folder:
        given = Path(folder) / "accounts.json"
        out = Path(folder) / "rows.json"
        given.write_text(json.dumps(accounts))
        args = ["--worker", "--accounts", str(given), "--out", str(out), "--repeat", str(repeat)]
        if not explain:
            args.append("--no-explain")
        if explain_top is not None:
            args += ["--explain-top", str(explain_top)]
        if not public:
            args.append("--no-public")
        _run_worker(database_url, args)
        rows: list[dict[str, Any]] = json.loads(out.read_text())
        return rows


def plan(
    database_url: str, accounts: list[dict[str, Any]], *, secret_key: str = ""
) -> list[dict[str, Any]]:
    """Each account (and the public) with the paths of its role's pages, ids resolved:
    ``{"account": {...}, "pages": [{"name", "path", "main", "headers"}]}``. Used by the load
    run.
    With ``secret_key`` (the server's), each account also gets ``session``: the key of a
    session signed in as it (a user already at work: no sign-in in the run)."""
    with tempfile.TemporaryDirectory(prefix="sinergi-pages-") as folder:
        given = Path(folder) / "accounts.json"
        out = Path(folder) / "plan.json"
        given.write_text(json.dumps(accounts))
        args = ["--worker", "--plan", "--accounts", str(given), "--out", str(out)]
        if secret_key:
            args.append("--sessions")
        _run_worker(database_url, args, secret_key=secret_key)
        planned: list[dict[str, Any]] = json.loads(out.read_text())
        return planned


def production_env(database_url: str) -> dict[str, str]:
    """The environment of a production process on this machine: DEBUG off, a real secret,
    the web limits of .env.example, plain HTTP on the loopback (no TLS proxy here), no MFA
    and no lockout (benchmark accounts sign in many times at once)."""
    env = dict(os.environ)
    env.pop("PYTEST_VERSION", None)
    env.update(
        DJANGO_SETTINGS_MODULE="sinergi.settings",
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        CSRF_TRUSTED_ORIGINS="http://127.0.0.1,http://localhost",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
        SINERGI_REQUIRE_MFA="false",
        AXES_ENABLED="false",
        DATABASE_CONN_MAX_AGE="60",
        WEB_STATEMENT_TIMEOUT=env.get("WEB_STATEMENT_TIMEOUT", "30"),
        SINERGI_TASK_BACKEND="immediate",
        LOG_LEVEL="WARNING",
    )
    scratch = Path(tempfile.gettempdir()) / "sinergi-bench"
    env.setdefault("SINERGI_VAR_DIR", str(scratch / "var"))
    env.setdefault("STATIC_ROOT", str(scratch / "static"))
    return env


def collect_static(env: dict[str, str]) -> None:
    """``collectstatic`` into the environment's STATIC_ROOT, as a deployment does (the pages
    link the hashed names of its manifest)."""
    manifest = Path(env["STATIC_ROOT"]) / "staticfiles.json"
    sources = [path.stat().st_mtime for path in (ROOT / "static").rglob("*") if path.is_file()]
    if manifest.exists() and manifest.stat().st_mtime > max(sources, default=0):
        return  # up to date
    command = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"]
    subprocess.run(command, cwd=ROOT, env=env, check=True)


def _run_worker(database_url: str, args: list[str], *, secret_key: str = "") -> None:
    command = [sys.executable, "-m", "bench.national.pages", *args]
    env = production_env(database_url)
    if secret_key:
        env["SECRET_KEY"] = secret_key
    collect_static(env)
    done = subprocess.run(command, cwd=ROOT, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the page worker failed (exit {done.returncode}): {' '.join(command)}")


# --- inside the worker (Django set up) -------------------------------------------------


# The relations whose rows make a record of each kind "full" (see :func:`_first_pk`).
RICHEST: dict[str, tuple[str, ...]] = {
    "plan_inmate": ("reintegration_plan__needs",),
    "program": ("enrollments", "sessions"),
    "session": ("attendance",),
    "request": ("events", "fulfilments"),
    "agreement": ("commitments",),
    "meeting": ("actions",),
    "proposal": ("events", "documents", "litmas_requests"),
    "litmas": ("proposal__documents",),
}


def _first_pk(queryset: Any, *related: str) -> int | None:
    """The newest record of ``queryset``, or with ``related`` (relations of its model) the
    one with the most related rows (the newest of those): at both scales a detail page
    then shows a record of the same shape, every section filled (a proposal with its
    documents and events, a request with its deliveries), so that its query counts at the
    two scales compare the same branches, not a record with a Litmas against one without."""
    from django.db.models import Count, Value

    if related:
        richness = sum((Count(name, distinct=True) for name in related), start=Value(0))
        queryset = queryset.annotate(bench_richness=richness).order_by("-bench_richness", "-pk")
    else:
        queryset = queryset.order_by("-pk")
    row = queryset.values_list("pk", flat=True)[:1]
    return next(iter(row), None)


def _resolve_ids(account: dict[str, Any], user: Any) -> dict[str, Any]:
    """The ids the pages need: the account's own (``ids``, ``facility``, ``region``,
    ``partner``), and for the kinds it lacks, the newest record of that kind ``user``
    reaches (its app's ``for_user``)."""
    from django.utils.timezone import localdate

    from sinergi.cooperation.models import Agreement, Meeting, SupportRequest
    from sinergi.indicators.models import MonthlyReport
    from sinergi.inmates.models import Inmate
    from sinergi.orgs.models import Facility, Partner, Region
    from sinergi.programs.models import Program, Session
    from sinergi.proposals.models import LitmasRequest, Proposal, TppMeeting
    from sinergi.reintegration.models import JobOpening, Referral, ReintegrationPlan
    from sinergi.reintegration.queries import follow_ups_for

    # the generator's "<kind>_id" keys and its "ids" dict alike
    given = {
        key.removesuffix("_id"): value
        for key, value in account.items()
        if key.endswith("_id") and key != "user_id" and value is not None
    }
    given.update(account.get("ids") or {})
    ids: dict[str, Any] = {}

    def org(model: Any, value: Any) -> Any:
        if value in (None, ""):
            return None
        if isinstance(value, int) or str(value).isdigit():
            return model.objects.filter(pk=int(value)).first()
        return model.objects.filter(code=value).first()

    facility = org(Facility, given.get("facility") or account.get("facility"))
    if facility is None and user is not None:
        facility = Facility.objects.for_user(user).order_by("pk").first()
    if facility is not None:
        ids["facility_pk"], ids["facility_code"] = facility.pk, facility.code
    region = org(Region, given.get("region") or account.get("region"))
    if region is None and facility is not None:
        region = facility.region
    if region is not None:
        ids["region_pk"] = region.pk
    partner = org(Partner, given.get("partner") or account.get("partner"))
    if partner is not None:
        ids["partner_pk"], ids["partner_code"] = partner.pk, partner.code
    if user is None:
        return ids

    if "plan" in given and "plan_inmate" not in given:
        inmate_of_plan = ReintegrationPlan.objects.filter(pk=given["plan"]).values_list(
            "inmate_id", flat=True
        )
        given["plan_inmate"] = next(iter(inmate_of_plan), given["plan"])
    finders: dict[str, Callable[[], Any]] = {
        "inmate": lambda: Inmate.objects.for_user(user).filter(status="in_custody"),
        # in custody: a released person's plan page also reads the release (at one scale
        # with a stored probation end, at the other computing it)
        # a wali opens a plan of a person they follow (the plan's forms are theirs; on
        # another wali's person the page leaves them out: a different page at each scale)
        "plan_inmate": lambda: Inmate.objects.for_user(user).filter(
            status="in_custody",
            reintegration_plan__isnull=False,
            **({"wali": user} if account["role"] == GUARDIAN else {}),
        ),
        "program": lambda: Program.objects.for_user(user).filter(status="running"),
        # an instructor opens the sessions they teach (others of the program are a 403)
        "session": lambda: Session.objects.for_user(user).filter(
            date__lte=localdate(),
            **({"instructor": user} if account["role"] == INSTRUCTOR else {}),
        ),
        "request": lambda: SupportRequest.objects.for_user(user),
        "agreement": lambda: Agreement.objects.for_user(user),
        "meeting": lambda: Meeting.objects.for_user(user),
        "referral": lambda: Referral.objects.for_user(user),
        "follow_up": lambda: follow_ups_for(user),
        "job": lambda: JobOpening.objects.for_user(user),
        "proposal": lambda: Proposal.objects.for_user(user),
        "litmas": lambda: LitmasRequest.objects.for_user(user),
        "tpp_meeting": lambda: TppMeeting.objects.for_user(user),
        "report": lambda: MonthlyReport.objects.for_user(user),
    }
    needed = {key for page in pages_for(account["role"]) for key in page.needs}
    for key in sorted(needed):
        if key in ids:
            continue
        # The account's own ids are kept, but for the kinds whose richest record is chosen
        # (the generator's are the first of their facility, whatever their shape).
        if given.get(key) is not None and key not in RICHEST:
            ids[key] = given[key]
        elif key in finders:
            ids[key] = _first_pk(finders[key](), *RICHEST.get(key, ()))
    return {key: value for key, value in ids.items() if value is not None}


def _setup_django() -> None:
    import django

    django.setup()
    from sinergi.core.web_database import limit_web_sessions

    limit_web_sessions()  # the web server's limits: statement_timeout, JIT off
    from sinergi.core.web_memory import freeze_after_first_request

    freeze_after_first_request()  # as the web server's workers do (sinergi.wsgi)


def _user(account: dict[str, Any]) -> Any:
    if not account.get("username"):
        return None
    from sinergi.accounts.models import User

    user = User.objects.filter(username=account["username"]).first()
    if user is None:
        raise SystemExit(f"account {account['username']!r} is not in the database")
    return user


def _with_public(accounts: list[dict[str, Any]], public: bool) -> list[dict[str, Any]]:
    if not public or any(account.get("role") == PUBLIC for account in accounts):
        return accounts
    return [*accounts, public_account()]


def _public_ids(resolved: list[dict[str, Any]]) -> dict[str, Any]:
    """The public pages' region and facility: the first of the accounts'."""
    ids: dict[str, Any] = {}
    for entry in resolved:
        for key in ("region_pk", "facility_pk"):
            if key not in ids and key in entry["ids"]:
                ids[key] = entry["ids"][key]
    return ids


def _targets(accounts: list[dict[str, Any]], public: bool = True) -> list[dict[str, Any]]:
    """Each account with its user, its resolved ids and its pages' paths (or why not);
    ``public``: an anonymous visitor's pages too."""
    from django.db import connection

    resolved = []
    # Finding a record for each page is the benchmark's own work, not a page's: it runs
    # without the web server's statement timeout (at national scale some finders take
    # longer), which is set again before any page is measured.
    postgres = connection.vendor == "postgresql"
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
    try:
        for account in _with_public(accounts, public):
            user = _user(account)
            resolved.append({"account": account, "user": user, "ids": _resolve_ids(account, user)})
    finally:
        if postgres:
            from django.conf import settings

            limit = int(settings.WEB_STATEMENT_TIMEOUT) * 1000
            with connection.cursor() as cursor:
                cursor.execute(f"SET statement_timeout = {limit}")
    shared = _public_ids([entry for entry in resolved if entry["user"] is not None])
    for entry in resolved:
        if entry["account"]["role"] == PUBLIC:
            entry["ids"] = {**shared, **entry["ids"]}
        entry["pages"] = []
        for page in pages_for(entry["account"]["role"]):
            missing = [key for key in page.needs if key not in entry["ids"]]
            path, error = "", ""
            if not missing:
                try:
                    path = page.path(entry["ids"])
                    if page.placed and entry["account"]["role"] == ADMIN:
                        region = entry["ids"].get("region_pk")
                        path += f"{'&' if '?' in path else '?'}region={region}" if region else ""
                except Exception as failed:  # a renamed route: a failure row, not a crash
                    error = f"no URL: {type(failed).__name__}: {failed}"
            entry["pages"].append({"page": page, "path": path, "missing": missing, "error": error})
    return resolved


_CONTROL = re.compile(r"^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT)\b")


class _SqlTimer:
    """A connection execute_wrapper: every statement's SQL, parameters and duration."""

    def __init__(self) -> None:
        self.statements: list[tuple[float, str, Any]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append((time.perf_counter() - started, sql, params))


@contextmanager
def _exceptions() -> Iterator[list[str]]:
    from django.core.signals import got_request_exception

    seen: list[str] = []

    def keep(sender: Any, request: Any = None, **kwargs: Any) -> None:
        error = sys.exc_info()[1]
        seen.append(f"{type(error).__name__}: {error}" if error else "exception")

    got_request_exception.connect(keep, weak=False)
    try:
        yield seen
    finally:
        got_request_exception.disconnect(keep)


def _explain(sql: str, params: Any) -> str:
    from django.db import connection, transaction

    if connection.vendor != "postgresql" or not sql.lstrip().upper().startswith("SELECT"):
        return ""
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                lines = [row[0] for row in cursor.fetchall()]
            transaction.set_rollback(True)
        return "\n".join(lines)
    except Exception as error:  # a plan that cannot be had is noted, not fatal
        return f"(EXPLAIN failed: {type(error).__name__}: {error})"


def _measure_one(
    client: Any,
    path: str,
    repeat: int,
    explain: bool,
    warm: bool = True,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    row: dict[str, Any] = {"status": None, "error": ""}
    server: list[float] = []
    sql: list[float] = []
    counts: list[int] = []
    # the slowest statement: duration, SQL, parameters, and as run (parameters inlined)
    slowest: tuple[float, str, Any, str] = (-1.0, "", None, "")
    with _exceptions() as errors:
        for attempt in range(repeat + 1 if warm else repeat):
            timer = _SqlTimer()
            reset_queries()  # the query log is a deque of 9,000: a full one counts nothing
            with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
                started = time.perf_counter()
                response = client.get(path, secure=True, headers=headers)
                if getattr(response, "streaming", False):
                    for _chunk in response.streaming_content:
                        pass
                elapsed = time.perf_counter() - started
            row["status"] = response.status_code
            if response.status_code >= 400 or errors:
                row["error"] = errors[-1] if errors else f"HTTP {response.status_code}"
                break
            if warm and attempt == 0:
                continue  # warm-up
            server.append(elapsed)
            sql.append(sum(duration for duration, _sql, _params in timer.statements))
            counts.append(len(captured.captured_queries))
            # the log also has the transactions' BEGIN/COMMIT/SAVEPOINT (counted, untimed)
            logged = [q for q in captured.captured_queries if not _CONTROL.match(q["sql"])]
            for number, (duration, statement, params) in enumerate(timer.statements):
                if duration > slowest[0]:
                    as_run = logged[number]["sql"] if len(logged) == len(timer.statements) else ""
                    slowest = (duration, statement, params, as_run)
    row["ok"] = not row["error"]
    if server:
        server_ms = statistics.median(server) * 1000
        sql_ms = statistics.median(sql) * 1000
        row.update(
            queries=max(counts),
            queries_varied=min(counts) != max(counts),
            server_ms=round(server_ms, 2),
            server_max_ms=round(max(server) * 1000, 2),
            sql_ms=round(sql_ms, 2),
            ratio=round(server_ms / sql_ms, 2) if sql_ms > 0 else None,
            slowest_ms=round(slowest[0] * 1000, 2) if slowest[1] else None,
            slowest_sql=slowest[3] or slowest[1],
            plan="",
        )
        if explain and slowest[1]:
            # explained later (``_explain_slowest``): the statement and its parameters
            row["_statement"] = (slowest[1], slowest[2])
    return row


def _explain_slowest(rows: list[dict[str, Any]], top: int | None) -> None:
    """``EXPLAIN (ANALYZE, BUFFERS)`` of the slowest statement of the ``top`` slowest pages
    (by server time; None: of every page), run after every page was measured."""
    candidates = [row for row in rows if "_statement" in row]
    candidates.sort(key=lambda row: -(row.get("server_ms") or 0))
    for row in candidates[:top] if top is not None else candidates:
        row["plan"] = _explain(*row["_statement"])
    for row in candidates:
        del row["_statement"]


def _work(
    accounts: list[dict[str, Any]],
    repeat: int,
    explain: bool,
    public: bool,
    explain_top: int | None = None,
) -> list[dict[str, Any]]:
    from django.test import Client

    rows = []
    for entry in _targets(accounts, public):
        account, user = entry["account"], entry["user"]
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        for target in entry["pages"]:
            page = target["page"]
            row: dict[str, Any] = {
                "role": account["role"],
                "username": account.get("username") or "(anonymous)",
                "which": account.get("which") or "",
                "page": page.name,
                "path": target["path"],
                "main": page.main,
                "list": page.list,
            }
            if target["error"]:
                row.update(ok=False, status=None, error=target["error"])
            elif target["missing"]:
                missing = ", ".join(target["missing"])
                row.update(ok=False, skipped=True, status=None, error=f"no record: {missing}")
            else:
                times = 1 if page.once else repeat
                row.update(
                    _measure_one(
                        client,
                        target["path"],
                        times,
                        explain,
                        warm=not page.once,
                        headers=page.headers,
                    )
                )
            print(
                f"  {row['username']:<24} {page.name:<40} {row.get('status')} "
                f"{row.get('queries', '-')}q {row.get('server_ms', '-')} ms",
                file=sys.stderr,
                flush=True,
            )
            rows.append(row)
    _explain_slowest(rows, explain_top)
    return rows


def _signed_in(account: dict[str, Any]) -> dict[str, Any]:
    """``account`` with ``session``: a session signed in as it (as the sign-in form would
    leave it, without the password hashing: the load run measures the pages)."""
    from django.conf import settings
    from django.test import Client

    from sinergi.accounts.models import User

    if not account.get("username"):
        return account
    client = Client()
    client.force_login(User.objects.get(username=account["username"]))
    return {**account, "session": client.cookies[settings.SESSION_COOKIE_NAME].value}


def _plan(accounts: list[dict[str, Any]], *, sessions: bool = False) -> list[dict[str, Any]]:
    return [
        {
            "account": _signed_in(entry["account"]) if sessions else entry["account"],
            "pages": [
                {
                    "name": target["page"].name,
                    "path": target["path"],
                    "main": target["page"].main,
                    "headers": target["page"].headers,
                }
                for target in entry["pages"]
                if target["path"]
            ],
        }
        for entry in _targets(accounts)
    ]


# --- reports ---------------------------------------------------------------------------


def compare(small: list[dict[str, Any]], large: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per (role, page) (and ``which`` facility: the generator's smallest or largest), the
    query counts at the two scales; ``differs`` marks a page whose count is not the same
    (a count that grows with the data)."""

    def by_key(rows: list[dict[str, Any]]) -> dict[tuple[str, str, str], dict[str, Any]]:
        """Per (role, which facility, page), the row of the most statements (several
        accounts of a role and facility size: the guardians of a facility)."""
        keyed: dict[tuple[str, str, str], dict[str, Any]] = {}
        for row in rows:
            key = (row["role"], row.get("which") or "", row["page"])
            if (row.get("queries") or -1) > (keyed.get(key, {}).get("queries") or -1):
                keyed[key] = row
            keyed.setdefault(key, row)
        return keyed

    before, after = by_key(small), by_key(large)
    out = []
    for key in sorted(set(before) | set(after)):
        a, b = before.get(key, {}), after.get(key, {})
        qa, qb = a.get("queries"), b.get("queries")
        out.append(
            {
                "role": key[0],
                "which": key[1],
                "page": key[2],
                "small_queries": qa,
                "large_queries": qb,
                # a page measured at one scale only is not a difference, but said
                "differs": qa is not None and qb is not None and qa != qb,
                "only_at": "" if a and b else ("small" if a else "large"),
                "small_ms": a.get("server_ms"),
                "large_ms": b.get("server_ms"),
            }
        )
    return out


def _cell(value: Any) -> str:
    return "-" if value is None or value == "" else str(value)


def to_markdown(rows: list[dict[str, Any]], *, plans: bool = True) -> str:
    """The page report: a table per role, then the failures, then the slowest statement of
    the ten slowest pages with its plan."""
    lines = [
        "| role | user | page | status | queries | server ms | SQL ms | server/SQL | slowest ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        status = _cell(row.get("status")) + ("" if row.get("ok") or row.get("skipped") else " ✗")
        user = row["username"] + (f" ({row['which']})" if row.get("which") else "")
        lines.append(
            f"| {row['role']} | {user} | `{row['page']}` | {status} "
            f"| {_cell(row.get('queries'))} | {_cell(row.get('server_ms'))} "
            f"| {_cell(row.get('sql_ms'))} | {_cell(row.get('ratio'))} "
            f"| {_cell(row.get('slowest_ms'))} |"
        )
    failures = [row for row in rows if not row.get("ok") and not row.get("skipped")]
    skipped = [row for row in rows if row.get("skipped")]
    lines += [
        "",
        f"{len(rows) - len(skipped)} measured, {len(failures)} failed; {len(skipped)} not "
        "measured (the account reaches no record of the kind the page shows).",
    ]
    for row in failures:
        lines.append(f"- {row['username']} `{row['path'] or row['page']}`: {row.get('error')}")
    if skipped:
        lines.append("")
        lines.append(
            "Not measured: "
            + "; ".join(f"{row['username']} `{row['page']}` ({row['error']})" for row in skipped)
        )
    if plans:
        slow = sorted(
            (row for row in rows if row.get("plan")), key=lambda r: -(r.get("slowest_ms") or 0)
        )
        if slow:
            lines += ["", "### Slowest statements (the ten slowest)"]
        for row in slow[:10]:
            lines += [
                "",
                f"**{row['page']}** ({row['username']}, {row['slowest_ms']} ms):",
                "",
                "```sql",
                row["slowest_sql"],
                "```",
                "",
                "```",
                row["plan"],
                "```",
            ]
    return "\n".join(lines) + "\n"


def compare_to_markdown(compared: list[dict[str, Any]]) -> str:
    lines = [
        "| role | page | queries (small) | queries (large) | ms (small) | ms (large) |",
        "|---|---|---|---|---|---|",
    ]
    for row in compared:
        mark = " **differs**" if row["differs"] else ""
        if row.get("only_at"):
            mark += f" (measured at the {row['only_at']} scale only)"
        role = row["role"] + (f" ({row['which']})" if row.get("which") else "")
        lines.append(
            f"| {role} | `{row['page']}` | {_cell(row['small_queries'])} "
            f"| {_cell(row['large_queries'])}{mark} | {_cell(row['small_ms'])} "
            f"| {_cell(row['large_ms'])} |"
        )
    differing = sum(1 for row in compared if row["differs"])
    lines += ["", f"{differing} of {len(compared)} pages differ in query count."]
    return "\n".join(lines) + "\n"


# --- command line ----------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--demo", action="store_true", help="the demo's users (README)")
    parser.add_argument("--accounts", help="a JSON list of accounts (the generator's)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-explain", action="store_true")
    parser.add_argument(
        "--explain-top", type=int, help="explain only the slowest statements of N pages"
    )
    parser.add_argument("--role", action="append", help="only these roles (repeatable)")
    parser.add_argument("--no-public", action="store_true", help="leave out the public pages")
    parser.add_argument("--json", help="also write the rows to this file")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--plan", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sessions", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        _setup_django()
        accounts = json.loads(Path(args.accounts).read_text())
        if args.plan:
            result: Any = _plan(accounts, sessions=args.sessions)
        else:
            result = _work(
                accounts, args.repeat, not args.no_explain, not args.no_public, args.explain_top
            )
        Path(args.out).write_text(json.dumps(result, indent=1, default=str))
        return 0

    if args.demo:
        accounts = demo_accounts()
        database_url = args.database_url or DEMO_DATABASE_URL
    elif args.accounts:
        accounts = json.loads(Path(args.accounts).read_text())
        database_url = args.database_url
    else:
        parser.error("--demo or --accounts")
    if not database_url:
        parser.error("--database-url (or DATABASE_URL)")
    public = not args.no_public
    if args.role:
        accounts = [a for a in accounts if a["role"] in args.role]
        public = public and PUBLIC in args.role
    rows = measure(
        database_url,
        accounts,
        repeat=args.repeat,
        explain=not args.no_explain,
        public=public,
        explain_top=args.explain_top,
    )
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    print(to_markdown(rows))
    return 1 if any(not row.get("ok") and not row.get("skipped") for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
