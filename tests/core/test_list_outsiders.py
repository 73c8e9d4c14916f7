"""Outsiders are refused, or find none of others' rows, in every list.

Each test creates records of Lapas Selong (or of one partner), shows that an insider
finds them, so that the test is not vacuous, and that each outsider does not: the row is
absent from their list (count 0), or the page is a 404; a 403 only for a role that sees
the record but may not do what the page does.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from sinergi.accounts.actions import create_api_token
from sinergi.accounts.models import Notification, User
from sinergi.accounts.notify import notify
from sinergi.cooperation import actions as cooperation_actions
from sinergi.cooperation.models import SupportRequest
from sinergi.core.roles import Role
from sinergi.inmates.models import ImportBatch, Inmate
from sinergi.orgs.models import Facility, Partner, Region
from sinergi.programs import actions as program_actions
from sinergi.programs.models import Program
from sinergi.reintegration import actions as reintegration_actions
from sinergi.reintegration.models import Referral, Release
from tests.factories import MembershipFactory, UserFactory
from tests.inmates.factories import make_inmate
from tests.programs.conftest import PROGRAM_SCOPE, new_program

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def partner(code: str) -> Partner:
    return Partner.objects.get(code=code)


def member(username: str, partner_code: str, role: str) -> User:
    """A new user holding ``role`` in the partner ``partner_code``."""
    new = UserFactory(username=username)
    MembershipFactory(user=new, role=role, partner=partner(partner_code), facility=None)
    return new


def listed(response) -> list:
    """The rows of a paginated page."""
    assert response.status_code == 200
    return list(response.context["page"].object_list)


def api_items(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200
    return response.json()["items"]


@pytest.fixture
def selong(demo_world) -> Facility:
    return Facility.objects.get(code="selong")


@pytest.fixture
def person(selong) -> Inmate:
    """A Selong inmate whose sentence ends in about a month."""
    return make_inmate(
        facility=selong,
        name="Lalu Uji Selong",
        detention_start=selong.today() - 700 * DAY,
        term_years=2,
    )


# --- organisations and inmates -----------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "own"),
    [
        ("mitra.disnaker", "disnaker-lotim"),
        ("mitra.dukcapil", "dukcapil-lotim"),
        ("instruktur.blk", "blk-lotim"),
    ],
)
def test_a_partner_user_lists_only_its_own_organisation(client_for, username, own):
    directory = api_items(client_for("petugas.selong"), "/api/v1/partners?page_size=200")
    assert len(directory) == Partner.objects.count()
    codes = {p["code"] for p in api_items(client_for(username), "/api/v1/partners?page_size=200")}
    assert codes == {own}  # not its units either: they have their own users


@pytest.mark.parametrize(
    ("username", "count"),
    [("petugas.selong", 1), ("kanwil.ntb", 1), ("petugas.lobar", 0), ("mitra.disnaker", 0)],
)
def test_the_inmates_api_counts_a_selong_inmate_only_within_scope(
    client_for, person, username, count
):
    body = client_for(username).get("/api/v1/inmates", {"q": person.name}).json()
    assert body["count"] == count


def test_a_selong_import_is_absent_from_another_facilitys_import_page(client_for, selong):
    batch = ImportBatch.objects.create(
        facility=selong,
        filename="sdp-selong.csv",
        status="invalid",
        errors=[{"line": 2, "column": "Lama Pidana", "value": "tiga", "reason": "?"}],
    )
    csv_url = f"/inmates/import/{batch.pk}/errors.csv"
    insider = client_for("petugas.selong")
    assert batch in insider.get("/inmates/import/").context["batches"]
    assert insider.get(csv_url).status_code == 200
    outsider = client_for("petugas.lobar")
    page = outsider.get("/inmates/import/")
    assert page.status_code == 200
    assert batch not in page.context["batches"]
    assert batch.filename not in page.content.decode()
    assert outsider.get(csv_url).status_code == 404


# --- programs ----------------------------------------------------------------------------


@pytest.fixture
def program(selong, user) -> Program:
    """A running Selong program with daily sessions, taught by instruktur.blk."""
    officer = user("petugas.selong")
    program = new_program(selong, officer, title="Las Listrik Selong")
    program.instructors.set([user("instruktur.blk")])
    program_actions.transition(program=program, to="submitted", by=officer)
    program_actions.transition(program=program, to="approved", by=user("kalapas.selong"))
    program_actions.transition(program=program, to="running", by=officer)
    return program


@pytest.fixture
def other_instructors(program) -> None:
    """Two more BLK instructors: one outside the program, one teaching it alongside
    instruktur.blk, who still runs every session."""
    member("instruktur.luar", "blk-lotim", Role.INSTRUCTOR)
    program.instructors.add(member("instruktur.pendamping", "blk-lotim", Role.INSTRUCTOR))


@pytest.mark.parametrize(
    ("username", "shown"),
    [
        ("petugas.selong", True),
        ("instruktur.blk", True),
        ("petugas.lobar", False),
        ("mitra.dukcapil", False),
    ],
)
def test_a_selong_program_is_listed_only_within_scope(client_for, program, username, shown):
    client = client_for(username)
    on_page = program in listed(client.get("/programs/"))
    in_api = program.pk in {p["id"] for p in api_items(client, "/api/v1/programs")}
    assert (on_page, in_api) == (shown, shown)


@pytest.mark.parametrize(("username", "status"), [*PROGRAM_SCOPE, ("mitra.dukcapil", 404)])
def test_the_sessions_api_follows_the_program_scope(client_for, program, username, status):
    response = client_for(username).get(f"/api/v1/programs/{program.pk}/sessions?page_size=200")
    assert response.status_code == status
    if status == 200:
        assert response.json()["count"] == program.sessions.count() > 0


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("petugas.selong", 200),
        ("kalapas.selong", 200),
        ("wali.selong", 403),
        ("kanwil.ntb", 403),
        ("instruktur.blk", 403),
        ("petugas.lobar", 404),
        ("mitra.disnaker", 404),
        ("pk.bapas", 404),
    ],
)
def test_the_enrolments_api_is_for_the_programs_officers(
    client_for, user, program, person, username, status
):
    program_actions.enroll(program=program, inmate=person, by=user("petugas.selong"))
    response = client_for(username).get(f"/api/v1/programs/{program.pk}/enrollments")
    assert response.status_code == status
    if status == 200:
        assert [e["inmate_id"] for e in response.json()["items"]] == [person.pk]


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("instruktur.blk", 200),
        ("petugas.selong", 200),
        ("wali.selong", 403),
        ("instruktur.pendamping", 403),
        ("instruktur.luar", 404),
        ("petugas.lobar", 404),
    ],
)
@pytest.mark.usefixtures("other_instructors")
def test_a_roster_is_read_by_the_sessions_instructor_and_officers_only(
    client_for, program, username, status
):
    session = program.sessions.filter(date__lt=timezone.localdate()).first()
    response = client_for(username).get(f"/api/v1/sessions/{session.pk}/attendance")
    assert response.status_code == status


@pytest.mark.parametrize(
    ("username", "shown"),
    [("instruktur.blk", True), ("instruktur.pendamping", False), ("instruktur.luar", False)],
)
@pytest.mark.usefixtures("other_instructors")
def test_my_sessions_are_only_the_sessions_one_runs(client_for, program, username, shown):
    sessions = listed(client_for(username).get("/programs/sessions/mine/"))
    assert bool(sessions) == shown
    assert all(s.program_id == program.pk for s in sessions)


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("petugas.selong", 200),
        ("wali.selong", 403),
        # An instructor never sees the facility's candidates (issue 11, item 1): 404.
        ("instruktur.blk", 404),
        ("petugas.lobar", 404),
        ("mitra.disnaker", 404),
    ],
)
def test_candidates_are_searched_by_the_programs_officers_only(
    client_for, program, person, username, status
):
    response = client_for(username).get(f"/programs/{program.pk}/candidates/", {"q": "Uji"})
    assert response.status_code == status
    if status == 200:
        assert [inmate for inmate, _problems in response.context["rows"]] == [person]


# --- cooperation -------------------------------------------------------------------------

SENT, DRAFT = "Instruktur las (terkirim)", "Instruktur las (draf)"
AGREEMENT, MEETING = "PKS pelatihan kerja Selong", "Rakor Disnaker triwulan"


def _request(selong: Facility, by: User, title: str) -> SupportRequest:
    return cooperation_actions.create_request(
        facility=selong,
        values={
            "partner": partner("disnaker-lotim"),
            "kind": "instructor",
            "title": title,
            "quantity": Decimal(40),
            "unit": "jam",
            "needed_by": timezone.localdate() + 30 * DAY,
            "justification": "Kelas las",
        },
        by=by,
    )


@pytest.fixture
def sent_request(selong, user) -> SupportRequest:
    """Selong's records with Disnaker: a submitted request (returned), a draft one, an
    active agreement and a coordination meeting."""
    officer, head = user("petugas.selong"), user("kalapas.selong")
    disnaker = partner("disnaker-lotim")
    sent = cooperation_actions.transition_request(
        request=_request(selong, officer, SENT), to="submitted", by=head
    )
    _request(selong, officer, DRAFT)
    today = timezone.localdate()
    cooperation_actions.save_agreement(
        facility=selong,
        values={
            "kind": "pks",
            "title": AGREEMENT,
            "status": "active",
            "start_date": today - 30 * DAY,
            "end_date": today + 300 * DAY,
        },
        partners=[disnaker],
        commitments=[
            {
                "partner": disnaker,
                "kind": "instructors",
                "description": "Instruktur las",
                "target_quantity": Decimal(160),
                "unit": "jam",
                "due_date": today + 100 * DAY,
            }
        ],
        by=head,
    )
    cooperation_actions.record_meeting(
        facility=selong,
        values={"title": MEETING, "date": today},
        partners=[disnaker],
        actions_=[],
        by=officer,
    )
    return sent


@pytest.mark.parametrize(
    ("username", "visible"),
    [
        ("petugas.selong", {SENT, DRAFT, AGREEMENT, MEETING}),
        ("mitra.disnaker", {SENT, AGREEMENT, MEETING}),
        ("mitra.dukcapil", set()),
        ("petugas.lobar", set()),
    ],
)
@pytest.mark.usefixtures("sent_request")
def test_cooperation_lists_show_selongs_rows_with_disnaker_only_to_its_parties(
    client_for, username, visible
):
    client = client_for(username)
    titles = {
        row.title
        for url in ("requests", "agreements", "meetings")
        for row in listed(client.get(f"/cooperation/{url}/"))
    }
    assert titles == visible


@pytest.mark.parametrize(
    ("username", "count"),
    [("petugas.selong", 1), ("mitra.dukcapil", 1), ("mitra.disnaker", 0), ("petugas.lobar", 0)],
)
def test_the_meetings_api_counts_a_meeting_only_for_its_parties(
    client_for, selong, user, username, count
):
    cooperation_actions.record_meeting(
        facility=selong,
        values={"title": "Rakor e-KTP", "date": timezone.localdate()},
        partners=[partner("dukcapil-lotim")],
        actions_=[],
        by=user("petugas.selong"),
    )
    assert client_for(username).get("/api/v1/meetings").json()["count"] == count


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("mitra.disnaker", 200),
        ("petugas.selong", 200),
        ("mitra.dukcapil", 404),
        ("petugas.lobar", 404),
    ],
)
def test_the_deliveries_of_a_request_are_read_only_by_its_parties(
    client_for, user, sent_request, username, status
):
    disnaker_user = user("mitra.disnaker")
    accepted = cooperation_actions.transition_request(
        request=sent_request, to="accepted", by=disnaker_user
    )
    cooperation_actions.record_fulfilment(
        request=accepted,
        values={
            "description": "Instruktur las minggu pertama",
            "delivered_on": timezone.localdate(),
            "quantity": Decimal(8),
            "unit": "jam",
        },
        by=disnaker_user,
    )
    response = client_for(username).get(f"/api/v1/support-requests/{sent_request.pk}/fulfilments")
    assert response.status_code == status
    if status == 200:
        assert [f["description"] for f in response.json()] == ["Instruktur las minggu pertama"]


# --- reintegration -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "page_status", "shown"),
    [
        ("petugas.selong", 200, True),
        ("kanwil.ntb", 200, True),
        ("petugas.lobar", 200, False),
        ("mitra.disnaker", 404, False),
        ("mitra.dukcapil", 404, False),
    ],
)
def test_the_worklist_shows_a_selong_person_near_release_only_within_scope(
    client_for, person, username, page_status, shown
):
    client = client_for(username)
    page = client.get("/reintegration/")
    assert page.status_code == page_status
    if page_status == 200:
        assert (person in listed(page)) == shown
    names = {i["name"] for i in api_items(client, "/api/v1/reintegration/worklist")}
    assert (person.name in names) == shown


@pytest.fixture
def referral(person, user) -> Referral:
    """A referral of the Selong person to Dukcapil, with the consent it rests on."""
    officer = user("petugas.selong")
    dukcapil = partner("dukcapil-lotim")
    reintegration_actions.record_consent(
        inmate=person, partner=dukcapil, purpose="e-KTP", given_on=timezone.localdate(), by=officer
    )
    return reintegration_actions.refer(
        inmate=person, partner=dukcapil, purpose="Perekaman e-KTP", contact="x", by=officer
    )


def _referrals_seen(client) -> tuple[set[int], set[int]]:
    """The referrals on the page and in the API."""
    page = {r.pk for r in listed(client.get("/reintegration/referrals/"))}
    response = client.get("/api/v1/referrals")
    assert response.status_code == 200
    return page, {r["id"] for r in response.json()["items"]}


@pytest.mark.parametrize(
    ("username", "shown"),
    [
        ("petugas.selong", True),
        ("mitra.dukcapil", True),
        ("mitra.disnaker", False),
        ("petugas.lobar", False),
    ],
)
def test_a_referral_is_listed_only_for_its_facility_and_partner(
    client_for, referral, username, shown
):
    expected = {referral.pk} if shown else set()
    assert _referrals_seen(client_for(username)) == (expected, expected)


def test_a_referral_leaves_the_partners_lists_when_the_consent_is_withdrawn(
    client_for, user, referral
):
    reintegration_actions.withdraw_consent(consent=referral.consent, by=user("petugas.selong"))
    assert _referrals_seen(client_for("mitra.dukcapil")) == (set(), set())
    assert _referrals_seen(client_for("petugas.selong")) == ({referral.pk}, {referral.pk})


@pytest.fixture
def release(person, user) -> Release:
    """The Selong person released to Bapas Mataram after Disnaker accepted a referral."""
    officer = user("petugas.selong")
    disnaker = partner("disnaker-lotim")
    reintegration_actions.record_consent(
        inmate=person, partner=disnaker, purpose="Kerja", given_on=timezone.localdate(), by=officer
    )
    work = reintegration_actions.refer(
        inmate=person, partner=disnaker, purpose="Kerja", contact="x", by=officer
    )
    reintegration_actions.transition_referral(
        referral=work, to="accepted", by=user("mitra.disnaker")
    )
    return reintegration_actions.record_release(
        inmate=person,
        by=officer,
        values={
            "released_on": timezone.localdate(),
            "kind": "pb",
            "sk_number": "PAS-1.PK.05.06",
            "sk_date": timezone.localdate(),
            "bapas": Facility.objects.get(code="bapas-mataram"),
            "probation_officer": user("pk.bapas"),
        },
    )


@pytest.mark.parametrize(
    ("username", "count"),
    [
        ("petugas.selong", 4),
        ("pk.bapas", 4),
        # Follow-ups belong to the Bapas: a partner with an accepted referral reads none.
        ("mitra.disnaker", 0),
        ("mitra.dukcapil", 0),
        ("petugas.lobar", 0),
    ],
)
def test_follow_ups_of_a_selong_release_are_listed_only_for_those_who_follow_up(
    client_for, release, username, count
):
    rows = listed(client_for(username).get("/reintegration/follow-ups/"))
    assert [f.release_id for f in rows] == [release.pk] * count


@pytest.mark.parametrize(
    ("username", "count"),
    [("petugas.selong", 1), ("pk.bapas", 1), ("petugas.lobar", 0), ("mitra.dukcapil", 0)],
)
def test_the_releases_api_counts_a_selong_release_only_within_scope(
    client_for, release, username, count
):
    assert client_for(username).get("/api/v1/releases").json()["count"] == count


@pytest.mark.parametrize(
    ("username", "status"),
    [("petugas.selong", 200), ("petugas.lobar", 404), ("mitra.dukcapil", 404)],
)
def test_an_inmates_consents_are_404_outside_the_facility(client_for, referral, username, status):
    response = client_for(username).get(f"/api/v1/inmates/{referral.inmate_id}/consents")
    assert response.status_code == status
    if status == 200:
        assert [c["partner"] for c in response.json()] == ["dukcapil-lotim"]


# Job openings are tested in tests/reintegration/test_release.py
# (test_job_openings_are_listed_alike_on_the_page_and_in_the_api).


# --- one's own account -------------------------------------------------------------------


def test_the_tokens_page_lists_only_ones_own_tokens(client_for, user):
    owner = user("petugas.selong")
    create_api_token(user=owner, name="Sinkron SDP Selong", by=owner)
    assert "Sinkron SDP Selong" in client_for("petugas.selong").get("/me/tokens/").content.decode()
    page = client_for("petugas.lobar").get("/me/tokens/")
    assert not page.context["tokens"]
    assert "Sinkron SDP Selong" not in page.content.decode()


def test_notifications_are_seen_and_marked_read_only_by_their_recipient(client_for, user):
    notify([user("petugas.selong")], title="Permintaan Selong dijawab")
    note = Notification.objects.get()
    page = client_for("petugas.lobar").get("/me/notifications/")
    assert listed(page) == []
    assert note.title not in page.content.decode()
    note.refresh_from_db()
    assert note.read_at is None
    assert listed(client_for("petugas.selong").get("/me/notifications/")) == [note]


# --- indicators --------------------------------------------------------------------------


def _dashboard(kind: str, code: str | None) -> str:
    if kind == "national":
        return "/indicators/national/"
    model = {"facility": Facility, "region": Region, "partner": Partner}[kind]
    return f"/indicators/{kind}/{model.objects.get(code=code).pk}/"


@pytest.mark.parametrize(
    ("username", "kind", "code", "status"),
    [
        ("kalapas.selong", "facility", "selong", 200),
        ("petugas.lobar", "facility", "selong", 404),
        ("mitra.disnaker", "facility", "selong", 404),
        ("instruktur.blk", "facility", "selong", 404),
        ("kanwil.ntb", "region", "ntb", 200),
        ("kalapas.selong", "region", "ntb", 404),
        ("mitra.disnaker", "partner", "disnaker-lotim", 200),
        ("mitra.disnaker", "partner", "dukcapil-lotim", 404),
        ("kalapas.selong", "partner", "disnaker-lotim", 404),
        ("admin", "national", None, 200),
        ("kanwil.ntb", "national", None, 404),
        ("mitra.disnaker", "national", None, 404),
    ],
)
def test_a_dashboards_figures_download_is_refused_like_its_page(
    client_for, demo_world, username, kind, code, status
):
    response = client_for(username).get(_dashboard(kind, code), {"csv": "figures"})
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"].startswith("text/csv")
