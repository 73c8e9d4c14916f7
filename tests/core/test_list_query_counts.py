"""Every list page and list endpoint answers in as many queries with a few rows as with
ten more that the same user sees: the lists no other test measured.

Each test measures one request, adds rows the requesting user sees, checks that they are
really listed (so that the test is not vacuous), and measures the same request again.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sinergi.accounts.actions import create_api_token
from sinergi.accounts.models import User
from sinergi.accounts.notify import notify
from sinergi.cooperation import actions as cooperation_actions
from sinergi.cooperation.models import SupportRequest
from sinergi.core import audit
from sinergi.core.roles import Role
from sinergi.inmates.importer import start_import
from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Facility, Partner
from sinergi.programs import actions as program_actions
from sinergi.programs.models import Program
from sinergi.reintegration import actions as reintegration_actions
from sinergi.reintegration.models import JobOpening
from tests.factories import FacilityFactory, MembershipFactory, PartnerFactory, UserFactory
from tests.indicators.conftest import World
from tests.inmates.factories import make_inmate
from tests.programs.conftest import new_program

pytestmark = pytest.mark.django_db

MORE = 10  # rows added between the two measures
SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "sdp-export-selong.csv"
AUG = "2025-08"


# --- measuring ------------------------------------------------------------------------


def _get(client: Client, url: str) -> tuple[list[dict[str, Any]], str]:
    """The queries of one GET of ``url`` (a streamed body is read inside), and its body."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200, body[:500]
    return ctx.captured_queries, body.decode()


def assert_queries_do_not_grow(
    client: Client,
    url: str,
    *,
    add: Callable[[], object],
    rows: Callable[[str], int],
    grows_by: int = MORE,
) -> None:
    """A GET of ``url`` runs as many queries after ``add()`` as before, and the rows it
    shows (``rows(body)``) grew by ``grows_by`` in between."""
    few, before = _get(client, url)
    add()
    many, after = _get(client, url)
    assert rows(after) - rows(before) == grows_by, "the added rows are not listed"
    assert len(many) == len(few), "\n".join(q["sql"] for q in many)


def _count(body: str) -> int:
    """The ``count`` of a paginated API answer."""
    return json.loads(body)["count"]


def _length(body: str) -> int:
    """The length of an API answer that is a plain list."""
    return len(json.loads(body))


def _matches(pattern: str) -> Callable[[str], int]:
    """How many times ``pattern`` (a regular expression) occurs in the body."""
    return lambda body: len(re.findall(pattern, body))


def _csv_rows(body: str) -> int:
    return len(list(csv.reader(io.StringIO(body)))) - 1


# --- building rows as users do ----------------------------------------------------------


def _selong() -> Facility:
    return Facility.objects.get(code="selong")


def _officer() -> User:
    return User.objects.get(username="petugas.selong")


def _person(name: str = "", *, days_left: int = 400) -> Inmate:
    """An inmate of Selong in custody whose sentence ends in about ``days_left`` days."""
    extra = {"name": name} if name else {}
    return make_inmate(
        facility=_selong(),
        detention_start=_selong().today() - datetime.timedelta(days=730 - days_left),
        term_years=2,
        **extra,
    )


def _approved_program() -> Program:
    """An approved Selong program whose entry rules read each candidate's sentence."""
    program = new_program(_selong(), _officer(), capacity=40, min_months_left=3)
    program_actions.transition(program=program, to="submitted", by=_officer())
    head = User.objects.get(username="kalapas.selong")
    return program_actions.transition(program=program, to="approved", by=head)


# --- organisations and the audit trail -------------------------------------------------


def test_the_facility_api_list(client_for):
    assert_queries_do_not_grow(
        client_for("admin"),
        "/api/v1/facilities?page_size=200",
        add=lambda: FacilityFactory.create_batch(MORE),
        rows=_count,
    )


def test_the_audit_export(client_for):
    selong, officer = _selong(), _officer()

    def add() -> None:
        for _ in range(MORE):
            audit.record("program.create", by=officer, target=selong, facility=selong)

    add()
    assert_queries_do_not_grow(client_for("admin"), "/audit/export.csv", add=add, rows=_csv_rows)


# --- inmates and programs ----------------------------------------------------------------


def test_the_recent_imports(client_for):
    def add(n: int = MORE) -> None:
        for i in range(n):
            start_import(
                facility=_selong(),
                upload=io.BytesIO(SAMPLE.read_bytes()),
                filename=f"sdp-{i}.csv",
                by=_officer(),
                dry_run=True,
            )

    add(2)
    assert_queries_do_not_grow(
        client_for("petugas.selong"),
        "/inmates/import/",
        add=add,
        rows=_matches(r'href="/inmates/import/\d+/"'),
    )


@pytest.mark.parametrize(
    ("username", "url", "rows"),
    [
        (
            "petugas.selong",
            "/api/v1/programs/{program}/sessions?page_size=200",
            _count,
        ),
        (
            "instruktur.blk",
            "/programs/sessions/mine/",
            _matches(r'href="/programs/sessions/\d+/"'),
        ),
    ],
)
def test_the_session_lists(client_for, username, url, rows):
    instructor = User.objects.get(username="instruktur.blk")
    program = new_program(_selong(), _officer(), title="Menjahit")
    program.instructors.set([instructor])
    days = iter(range(60))

    def add(n: int = MORE) -> None:
        for _ in range(n):
            program_actions.add_session(
                program=program,
                values={
                    "date": _selong().today() + datetime.timedelta(days=next(days)),
                    "start_time": datetime.time(8),
                    "end_time": datetime.time(10),
                    "instructor": instructor,
                },
                by=_officer(),
            )

    add(2)
    assert_queries_do_not_grow(
        client_for(username), url.format(program=program.pk), add=add, rows=rows
    )


def test_the_enrolment_candidates(client_for):
    program = _approved_program()
    numbers = iter(range(100))

    def add(n: int = MORE) -> None:
        for _ in range(n):
            _person(f"Calon Peserta {next(numbers)}", days_left=600)

    add(2)
    assert_queries_do_not_grow(
        client_for("petugas.selong"),
        f"/programs/{program.pk}/candidates/?q=calon",
        add=add,
        rows=lambda body: body.count("<strong>Calon Peserta"),
    )


# --- cooperation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "url", "rows", "grows_by"),
    [
        ("petugas.selong", "/api/v1/support-requests/{request}/fulfilments", _length, MORE),
        # The page shows the 10 latest deliveries: 2 before, 10 after.
        (
            "mitra.disnaker",
            "/cooperation/partners/disnaker-lotim/contribution/",
            lambda body: body.count("Kiriman bahan"),
            8,
        ),
    ],
)
def test_the_delivery_lists(client_for, username, url, rows, grows_by):
    partner_user = User.objects.get(username="mitra.disnaker")
    support = cooperation_actions.create_request(
        facility=_selong(),
        values={
            "partner": Partner.objects.get(code="disnaker-lotim"),
            "kind": "equipment",
            "title": "Mesin jahit",
            "quantity": Decimal(20),
            "unit": "unit",
            "needed_by": _selong().today() + datetime.timedelta(days=30),
            "justification": "Kelas menjahit",
        },
        by=_officer(),
    )
    head = User.objects.get(username="kalapas.selong")
    cooperation_actions.transition_request(request=support, to="submitted", by=head)
    cooperation_actions.transition_request(request=support, to="accepted", by=partner_user)
    support = SupportRequest.objects.get(pk=support.pk)
    numbers = iter(range(100))

    def add(n: int = MORE) -> None:
        for _ in range(n):
            cooperation_actions.record_fulfilment(
                request=support,
                values={
                    "description": f"Kiriman bahan {next(numbers)}",
                    "delivered_on": _selong().today(),
                    "quantity": Decimal(1),
                    "unit": "unit",
                    "value_rupiah": Decimal(1_500_000),
                },
                by=partner_user,
            )

    add(2)
    assert_queries_do_not_grow(
        client_for(username),
        url.format(request=support.pk),
        add=add,
        rows=rows,
        grows_by=grows_by,
    )


# --- reintegration ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "url", "rows", "grows_by"),
    [
        # Four follow-ups (months 1, 3, 6 and 12) per release.
        (
            "pk.bapas",
            "/reintegration/follow-ups/",
            _matches(r'href="/reintegration/follow-ups/\d+/"'),
            4 * MORE,
        ),
        ("pk.bapas", "/api/v1/follow-ups?page_size=200", _count, 4 * MORE),
        ("pk.bapas", "/api/v1/releases?page_size=200", _count, MORE),
        ("petugas.selong", "/api/v1/releases?page_size=200", _count, MORE),
    ],
)
def test_the_release_and_follow_up_lists(client_for, username, url, rows, grows_by):
    bapas = Facility.objects.get(code="bapas-mataram")
    probation_officer = User.objects.get(username="pk.bapas")

    def add(n: int = MORE) -> None:
        for _ in range(n):
            reintegration_actions.record_release(
                inmate=_person(days_left=5),
                by=_officer(),
                values={
                    "released_on": _selong().today() - datetime.timedelta(days=3),
                    "kind": "pb",
                    "sk_number": "PAS-3.PK.01.05.06",
                    "sk_date": _selong().today() - datetime.timedelta(days=3),
                    "bapas": bapas,
                    "probation_officer": probation_officer,
                },
            )

    add(1)
    assert_queries_do_not_grow(client_for(username), url, add=add, rows=rows, grows_by=grows_by)


def _employer() -> tuple[Partner, User]:
    """A partner business and its user, who posts its job openings."""
    partner = Partner.objects.get(code="bengkel-rinjani")
    membership = MembershipFactory(
        user=UserFactory(username="hrd.rinjani"),
        role=Role.PARTNER_USER,
        partner=partner,
        facility=None,
    )
    return partner, membership.user


@pytest.mark.parametrize(
    ("url", "rows"),
    [
        ("/reintegration/jobs/", _matches(r'href="/reintegration/jobs/\d+/"')),
        ("/api/v1/job-openings?page_size=200", _count),
    ],
)
def test_the_job_openings(client_for, url, rows):
    partner, employer = _employer()
    numbers = iter(range(100))

    def add(n: int = MORE) -> None:
        for _ in range(n):
            reintegration_actions.post_job(
                partner=partner,
                values={
                    "title": f"Tukang las {next(numbers)}",
                    "place": "Selong",
                    "vacancies": 2,
                    "closing_date": timezone.localdate() + datetime.timedelta(days=30),
                },
                by=employer,
            )

    add(2)
    assert_queries_do_not_grow(client_for("petugas.selong"), url, add=add, rows=rows)


def test_a_job_openings_applications_and_matches(client_for):
    """The page lists the applications and the people close to release who match."""
    partner, employer = _employer()
    opening: JobOpening = reintegration_actions.post_job(
        partner=partner,
        values={
            "title": "Tukang las",
            "closing_date": timezone.localdate() + datetime.timedelta(days=30),
        },
        by=employer,
    )
    numbers = iter(range(100))

    def add(n: int = MORE) -> None:
        for _ in range(n):
            number = next(numbers)
            person = _person(f"Pencari Kerja {number}", days_left=60)
            if number % 2:  # every other one applies; the others are matches
                reintegration_actions.record_consent(
                    inmate=person,
                    partner=partner,
                    purpose="Lamaran kerja",
                    given_on=timezone.localdate(),
                    by=_officer(),
                )
                reintegration_actions.apply_for_job(opening=opening, inmate=person, by=_officer())

    add(2)
    assert_queries_do_not_grow(
        client_for("petugas.selong"),
        f"/reintegration/jobs/{opening.pk}/",
        add=add,
        # applications are listed by name, matches by a link to their openings
        rows=lambda body: len(re.findall(r"<li>(?:<a [^>]*>)?Pencari Kerja", body)),
    )


def test_an_inmates_consents(client_for):
    person = _person("Lalu Setuju")
    partners = iter(Partner.objects.order_by("code"))

    def add(n: int = MORE) -> None:
        for _ in range(n):
            reintegration_actions.record_consent(
                inmate=person,
                partner=next(partners),
                purpose="Rujukan",
                given_on=timezone.localdate(),
                by=_officer(),
            )

    add(1)
    assert_queries_do_not_grow(
        client_for("petugas.selong"),
        f"/api/v1/inmates/{person.pk}/consents",
        add=add,
        rows=_length,
    )


# --- indicators -------------------------------------------------------------------------


@pytest.fixture
def w(db: Any) -> World:
    return World()


def _cooperation(w: World, n: int) -> None:
    """In August 2025: ``n`` certificates issued at facility A in a program with partner
    P, ``n`` new partners delivering 8 instructor hours each to A, and P delivering as
    much to each of ``n`` new facilities of the north region."""
    program = w.program(w.a, partners=(w.p,))
    for _ in range(n):
        w.certificate(w.enrol(program), "2025-08-20")
        partner = PartnerFactory()
        w.deliver(partner, "2025-08-10", request=w.request(w.a, partner), quantity="8")
        facility = FacilityFactory(region=w.north)
        w.deliver(w.p, "2025-08-11", request=w.request(facility, w.p), quantity="8")


def _figure(indicator_id: str) -> Callable[[str], int]:
    """The numerator of one indicator in a dashboard's figures CSV."""

    def read(body: str) -> int:
        row = next(r for r in csv.reader(io.StringIO(body)) if r[0] == indicator_id)
        return int(Decimal(row[3]))

    return read


@pytest.mark.parametrize(
    ("path", "rows"),
    [
        ("/indicators/facility/{a}/?csv=figures", _figure("participation.certificates")),
        ("/indicators/facility/{a}/?csv=instructor-hours-partner", _csv_rows),
        ("/indicators/region/{north}/?csv=instructor-hours-partner", _csv_rows),
        ("/indicators/partner/{p}/?csv=figures", _figure("participation.certificates")),
        ("/indicators/partner/{p}/?csv=instructor-hours-facility", _csv_rows),
        ("/indicators/national/?csv=instructor-hours-partner", _csv_rows),
    ],
)
def test_the_dashboard_downloads(client_for, w, path, rows):
    url = path.format(a=w.a.pk, north=w.north.pk, p=w.p.pk) + f"&period={AUG}"
    _cooperation(w, 1)
    assert_queries_do_not_grow(
        client_for("admin"), url, add=lambda: _cooperation(w, MORE), rows=rows
    )


def test_the_indicator_values_api(client_for, w):
    def certificates(body: str) -> int:
        indicators = json.loads(body)["indicators"]
        item = next(i for i in indicators if i["id"] == "participation.certificates")
        return int(item["values"][0]["numerator"])

    _cooperation(w, 1)
    assert_queries_do_not_grow(
        client_for("admin"),
        f"/api/v1/indicators/values?scope=facility:{w.a.pk}&period={AUG}",
        add=lambda: _cooperation(w, MORE),
        rows=certificates,
    )


def _open_data_facilities(body: str) -> int:
    """The facilities of the open data (their rows of one indicator), CSV or JSON."""
    if body.startswith("{"):
        found = json.loads(body)["rows"]
    else:
        found = list(csv.DictReader(io.StringIO(body)))
    return sum(
        1
        for r in found
        if r["level"] == "facility" and r["indicator"] == "participation.certificates"
    )


def _public_hours(body: str) -> int:
    indicators = json.loads(body)["indicators"]
    item = next(i for i in indicators if i["id"] == "cooperation.instructor_hours")
    return int(item["figure"]["value"])


@pytest.mark.parametrize(
    ("path", "rows", "grows_by"),
    [
        ("/publik/region/{north}/", _matches(r'href="/publik/facility/\d+/'), MORE),
        # The partners' contributions of the month and of the year so far.
        ("/publik/facility/{a}/", _matches(r'<th scope="row">Mitra Contoh'), 2 * MORE),
        ("/publik/data.csv", _open_data_facilities, MORE),
        ("/publik/data.json", _open_data_facilities, MORE),
        # 8 hours to A and 8 to a new facility of the north per step.
        ("/api/v1/public/indicators?scope=region:{north}", _public_hours, 16 * MORE),
    ],
)
def test_the_public_pages_and_open_data(w, path, rows, grows_by):
    url = path.format(a=w.a.pk, north=w.north.pk)
    url += ("&" if "?" in url else "?") + f"period={AUG}"

    def add() -> None:
        _cooperation(w, MORE)
        cache.clear()  # the public table is cached: measure it computed again

    _cooperation(w, 1)
    cache.clear()
    assert_queries_do_not_grow(Client(), url, add=add, rows=rows, grows_by=grows_by)


# --- the user's own lists ----------------------------------------------------------------


def _tokens(user: User, n: int) -> None:
    for _ in range(n):
        create_api_token(user=user, name="Skrip laporan", by=user)


def _notifications(user: User, n: int) -> None:
    for _ in range(n):
        notify([user], title="Permintaan baru dari Lapas Selong", url="/cooperation/requests/")


@pytest.mark.parametrize(
    ("url", "add", "marker"),
    [
        ("/me/tokens/", _tokens, "<td>Skrip laporan</td>"),
        ("/me/notifications/", _notifications, ">Permintaan baru dari Lapas Selong<"),
    ],
)
def test_the_personal_lists(client_for, user, url, add, marker):
    """Opening the notifications marks them read: each measure has unread ones."""
    owner = user("wali.selong")
    add(owner, 2)
    assert_queries_do_not_grow(
        client_for("wali.selong"),
        url,
        add=lambda: add(owner, MORE),
        rows=lambda body: body.count(marker),
    )
