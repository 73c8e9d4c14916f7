"""The Bapas's side of the Litmas (views_litmas.py, home_bapas.py, the API): the PK's home
lists the Litmas to write, overdue first in red with the days; the list and the request
pages; the PK uploads and submits; the Bapas's head assigns and reads the load per
officer; the Bapas sees only the people referred to it, and everyone else is refused."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sinergi.accounts.models import Notification, User
from sinergi.core.models import AuditEvent
from sinergi.core.roles import Role
from sinergi.inmates.choices import Right
from sinergi.orgs.models import Facility
from sinergi.programs.days_off import days_off
from sinergi.programs.models import Holiday
from sinergi.proposals import clocks
from sinergi.proposals import litmas_actions as litmas
from sinergi.proposals.choices import LitmasStatus, Stage
from sinergi.proposals.models import LitmasRequest, Proposal
from tests.factories import FacilityFactory, MembershipFactory
from tests.proposals.factories import eligible_person, make_proposal, pdf
from tests.proposals.pdf_text import pdf_text

pytestmark = pytest.mark.django_db


def ask(
    inmate: Any,
    bapas: Facility,
    *,
    due_in: int = 0,
    due_on: datetime.date | None = None,
    right: str = Right.PB,
    **fields: Any,
) -> LitmasRequest:
    proposal = make_proposal(inmate, right=right, stage=Stage.LITMAS)
    today = inmate.facility.today()
    return LitmasRequest.objects.create(
        proposal=proposal,
        bapas=bapas,
        requested_on=today - datetime.timedelta(days=20),
        due_on=due_on or today + datetime.timedelta(days=due_in),
        requested_by=User.objects.get(username="petugas.selong"),
        **fields,
    )


def named(facility: Facility, name: str) -> Any:
    person = eligible_person(facility)
    person.name = name
    person.save()
    return person


def working_days_ago(bapas: Facility, days: int) -> datetime.date:
    """The latest due date that is ``days`` working days behind the Bapas's today."""
    today = bapas.today()
    off = days_off(bapas)
    day = today
    while clocks.working_days_between(day, today, off) < days:
        day -= datetime.timedelta(days=1)
    return day


@pytest.fixture
def late(selong: Facility, bapas: Facility) -> LitmasRequest:
    """Five working days late (the due date is set in working days, the lateness too)."""
    return ask(named(selong, "Ahmad Terlambat"), bapas, due_on=working_days_ago(bapas, 5))


@pytest.fixture
def just_late(selong: Facility, bapas: Facility) -> LitmasRequest:
    """Due yesterday, and today is a holiday of the Bapas: past its due date, by no
    working day yet."""
    today = bapas.today()
    Holiday.objects.get_or_create(facility=bapas, date=today, defaults={"name": "Libur Bapas"})
    yesterday = today - datetime.timedelta(days=1)
    return ask(named(selong, "Budi Kemarin"), bapas, due_on=yesterday)


@pytest.fixture
def due(selong: Facility, bapas: Facility) -> LitmasRequest:
    return ask(named(selong, "Zainal Tepat"), bapas, due_in=6)


@pytest.fixture
def bapas_head(bapas: Facility) -> User:
    return MembershipFactory(
        role=Role.HEAD, facility=bapas, user__full_name="Kepala Bapas Mataram"
    ).user


@pytest.fixture
def elsewhere(selong: Facility) -> LitmasRequest:
    """A request to another Bapas, for a person of Selong."""
    other = FacilityFactory(kind="bapas", code="bapas-sumbawa", name="Bapas Sumbawa")
    return ask(named(selong, "Orang Sumbawa"), other, due_in=3)


# --- the PK's home and list --------------------------------------------------------------------


def test_the_pks_home_lists_the_litmas_to_write_overdue_first_in_red(client_for, late, due):
    response = client_for("pk.bapas").get("/")
    html = response.content.decode()
    assert "card-danger" in html  # red, not only by colour: the text says it
    assert "TERLAMBAT 5 hari kerja: Ahmad Terlambat" in html
    assert html.index("Ahmad Terlambat") < html.index("Zainal Tepat")
    assert f"/proposals/litmas/{late.pk}/" in html


def test_the_pks_home_in_english_says_overdue_too(client_for, late):
    html = client_for("pk.bapas").get("/", language="en").content.decode()
    assert "OVERDUE by 5 working days: Ahmad Terlambat" in html


@pytest.mark.parametrize(
    ("language", "home", "listed"),
    [
        ("id", "TERLAMBAT, lewat batas waktu: Budi Kemarin", "Lewat batas waktu"),
        ("en", "OVERDUE, past its due date: Budi Kemarin", "Past its due date"),
    ],
)
def test_a_request_past_its_due_date_by_no_working_day_yet_is_overdue_all_the_same(
    client_for, just_late, language, home, listed
):
    client = client_for("pk.bapas")
    html = " ".join(client.get("/", language=language).content.decode().split())
    assert "card-danger" in html and home in html
    for url in ("/proposals/litmas/", f"/proposals/litmas/{just_late.pk}/"):
        page = " ".join(client.get(url, language=language).content.decode().split())
        assert 'class="late"' in page and listed in page, url
    row = client.get(f"/api/v1/litmas-requests/{just_late.pk}").json()
    assert (row["overdue"], row["days_overdue"]) == (True, 0)


def test_a_request_assigned_to_another_pk_is_not_on_my_home(client_for, bapas, late):
    late.officer = MembershipFactory(role=Role.PROBATION_OFFICER, facility=bapas).user
    late.save()
    assert "Ahmad Terlambat" not in client_for("pk.bapas").get("/").content.decode()


def test_the_facilitys_staff_have_no_litmas_card(client_for, late):
    html = client_for("petugas.selong").get("/").content.decode()
    assert "Litmas yang harus dibuat" not in html
    assert f"/proposals/litmas/{late.pk}/" not in html


def test_the_list_shows_the_overdue_first_with_their_days(client_for, late, due, elsewhere):
    response = client_for("pk.bapas").get("/proposals/litmas/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Ahmad Terlambat") < html.index("Zainal Tepat")
    assert 'class="late"' in html and "Terlambat 5 hari kerja" in html
    assert "Orang Sumbawa" not in html  # another Bapas's request
    assert AuditEvent.objects.filter(action="litmas.list").count() == 1


def test_the_facility_lists_the_requests_it_asked(client_for, late, elsewhere):
    html = client_for("petugas.selong").get("/proposals/litmas/?show=all").content.decode()
    assert "Ahmad Terlambat" in html and "Orang Sumbawa" in html
    lobar = client_for("petugas.lobar").get("/proposals/litmas/?show=all").content.decode()
    assert "Ahmad Terlambat" not in lobar


def test_only_a_bapas_head_is_offered_the_load_page(client_for, bapas_head, late):
    assert (
        b"/proposals/litmas/load/"
        not in client_for("kalapas.selong").get("/proposals/litmas/").content
    )
    assert (
        b"/proposals/litmas/load/"
        in client_for(bapas_head.username).get("/proposals/litmas/").content
    )


def test_a_partner_has_no_litmas_list(client_for, late):
    assert client_for("mitra.disnaker").get("/proposals/litmas/").status_code == 403


def test_the_list_asks_the_same_queries_whatever_the_rows(
    client_for, selong, bapas, django_assert_max_num_queries
):
    for n in range(6):
        ask(named(selong, f"Orang {n}"), bapas, due_in=n - 3)
    client = client_for("pk.bapas")
    with django_assert_max_num_queries(14):
        assert client.get("/proposals/litmas/").status_code == 200


# --- one request: who reaches it --------------------------------------------------------------


@pytest.mark.parametrize("who", ["pk.bapas", "petugas.selong", "kalapas.selong", "kanwil.ntb"])
def test_the_bapas_the_facility_and_the_region_read_the_request(client_for, late, who):
    response = client_for(who).get(f"/proposals/litmas/{late.pk}/")
    assert response.status_code == 200 and b"Ahmad Terlambat" in response.content
    assert AuditEvent.objects.filter(action="litmas.view", target_id=str(late.pk)).exists()


@pytest.mark.parametrize("who", ["petugas.lobar", "mitra.disnaker", "instruktur.blk", "other-pk"])
def test_outsiders_get_404_for_the_request_and_its_documents(client_for, late, who):
    if who == "other-pk":
        bapas = FacilityFactory(kind="bapas", code="bapas-lain")
        user = MembershipFactory(role=Role.PROBATION_OFFICER, facility=bapas).user
        client = client_for(user.username)
    else:
        client = client_for(who)
    for url in ("", "letter.pdf", "file/"):
        assert client.get(f"/proposals/litmas/{late.pk}/{url}").status_code == 404, url
    response = client.post(
        f"/proposals/litmas/{late.pk}/submit/",
        {"recommendation": "Layak", "document": pdf()},
    )
    assert response.status_code == 404
    late.refresh_from_db()
    assert late.status == LitmasStatus.REQUESTED


def test_the_pk_of_another_bapas_does_not_see_the_proposal_either(client_for, late):
    bapas = FacilityFactory(kind="bapas", code="bapas-lain")
    user = MembershipFactory(role=Role.PROBATION_OFFICER, facility=bapas).user
    assert not Proposal.objects.for_user(user).exists()
    assert not litmas.requests_for(user).exists()
    assert litmas.requests_for(User.objects.get(username="pk.bapas")).filter(pk=late.pk).exists()


# --- the PK uploads and submits --------------------------------------------------------------


def test_the_pk_submits_the_litmas_on_the_page(client_for, late):
    client = client_for("pk.bapas")
    page = client.get(f"/proposals/litmas/{late.pk}/")
    assert b'enctype="multipart/form-data"' in page.content
    response = client.post(
        f"/proposals/litmas/{late.pk}/submit/",
        {
            "recommendation": "Direkomendasikan PB",
            "document": pdf("litmas.pdf"),
            "action": "submit",
        },
    )
    assert response.status_code == 302
    late.refresh_from_db()
    assert late.status == LitmasStatus.SUBMITTED and late.recommendation == "Direkomendasikan PB"
    assert Notification.objects.filter(user__username="petugas.selong").exists()
    file = client_for("petugas.selong").get(f"/proposals/litmas/{late.pk}/file/")
    assert file.status_code == 200 and b"".join(file.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="litmas.file.view").count() == 1


def test_a_file_that_is_not_what_it_says_is_refused_at_the_field(client_for, late):
    fake = SimpleUploadedFile("litmas.pdf", b"GIF89a not a pdf", content_type="application/pdf")
    response = client_for("pk.bapas").post(
        f"/proposals/litmas/{late.pk}/submit/",
        {"recommendation": "Layak", "document": fake, "action": "submit"},
    )
    assert response.status_code == 422
    assert b'id="document-error"' in response.content and b'aria-invalid="true"' in response.content
    late.refresh_from_db()
    assert late.status == LitmasStatus.REQUESTED and late.document is None


def test_the_pk_keeps_the_file_first_then_submits(client_for, late):
    client = client_for("pk.bapas")
    client.post(
        f"/proposals/litmas/{late.pk}/submit/", {"document": pdf("draf.pdf"), "action": "upload"}
    )
    late.refresh_from_db()
    assert late.document is not None and late.status == LitmasStatus.REQUESTED
    client.post(
        f"/proposals/litmas/{late.pk}/submit/", {"recommendation": "Layak", "action": "submit"}
    )
    late.refresh_from_db()
    assert late.status == LitmasStatus.SUBMITTED


@pytest.mark.parametrize("who", ["petugas.selong", "kalapas.selong", "kanwil.ntb"])
def test_the_facility_reads_but_does_not_submit(client_for, late, who):
    client = client_for(who)
    page = client.get(f"/proposals/litmas/{late.pk}/")
    assert b"/submit/" not in page.content
    response = client.post(
        f"/proposals/litmas/{late.pk}/submit/",
        {"recommendation": "Layak", "document": pdf(), "action": "submit"},
    )
    assert response.status_code == 302
    late.refresh_from_db()
    assert late.status == LitmasStatus.REQUESTED


def test_the_request_letter_pdf_names_the_person_and_the_due_date(client_for, late):
    response = client_for("pk.bapas").get(f"/proposals/litmas/{late.pk}/letter.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Ahmad Terlambat" in text and "Bapas Kelas I Mataram" in text
    number = late.proposal.inmate.registration_number.replace(" ", "")
    assert number in text.replace(" ", "")


# --- the Bapas's head -----------------------------------------------------------------------------


def test_the_head_assigns_and_reads_the_load_per_officer(client_for, bapas, bapas_head, late, due):
    client = client_for(bapas_head.username)
    home = client.get("/").content.decode()
    assert "/proposals/litmas/load/" in home
    pk = User.objects.get(username="pk.bapas")
    detail = client.get(f"/proposals/litmas/{late.pk}/")
    assert detail.status_code == 200
    # The head reaches the request, not the proposal's page (the PK does).
    proposal_url = late.proposal.get_absolute_url()
    assert proposal_url.encode() not in detail.content
    assert (
        proposal_url.encode() in client_for("pk.bapas").get(f"/proposals/litmas/{late.pk}/").content
    )
    response = client.post(f"/proposals/litmas/{late.pk}/assign/", {"officer": pk.pk})
    assert response.status_code == 302
    late.refresh_from_db()
    assert late.officer == pk
    assert Notification.objects.filter(user=pk).exists()
    load = client.get("/proposals/litmas/load/")
    assert load.status_code == 200
    officers = {o.username: o for o in load.context["officers"]}
    assert officers["pk.bapas"].open_count == 1 and officers["pk.bapas"].overdue_count == 1
    assert load.context["waiting"] == {"open_count": 1, "overdue_count": 0}
    assert "Zainal Tepat" in load.content.decode()  # nobody has it yet


@pytest.mark.parametrize("who", ["pk.bapas", "kalapas.selong", "petugas.selong", "mitra.disnaker"])
def test_only_a_bapas_head_or_an_administrator_reads_the_load(client_for, late, who):
    assert client_for(who).get("/proposals/litmas/load/").status_code == 403


def test_an_administrator_reads_any_bapass_load(client_for, bapas, late):
    response = client_for("admin").get("/proposals/litmas/load/?bapas=bapas-mataram")
    assert response.status_code == 200 and response.context["bapas"] == bapas


def test_a_pk_does_not_assign_someone_else(client_for, bapas, late):
    other = MembershipFactory(role=Role.PROBATION_OFFICER, facility=bapas).user
    response = client_for("pk.bapas").post(
        f"/proposals/litmas/{late.pk}/assign/", {"officer": other.pk}
    )
    assert response.status_code == 302
    late.refresh_from_db()
    assert late.officer is None


# --- the API ------------------------------------------------------------------------------------


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_api_lists_each_side_its_requests(client_for, late, due, elsewhere):
    def ids(who: str, query: str = "") -> set[int]:
        body = client_for(who).get(f"/api/v1/litmas-requests{query}").json()
        return {row["id"] for row in body["items"]}

    assert ids("pk.bapas") == {late.pk, due.pk}
    assert ids("petugas.selong") == {late.pk, due.pk, elsewhere.pk}
    assert ids("petugas.lobar") == set() and ids("mitra.disnaker") == set()
    assert ids("pk.bapas", "?overdue=true") == {late.pk}
    assert ids("petugas.selong", "?bapas=bapas-sumbawa") == {elsewhere.pk}
    row = client_for("pk.bapas").get(f"/api/v1/litmas-requests/{late.pk}").json()
    assert row["days_overdue"] == 5 and row["overdue"] is True
    assert row["facility"] == "selong" and row["officer"] is None
    assert client_for("petugas.lobar").get(f"/api/v1/litmas-requests/{late.pk}").status_code == 404


def test_the_api_submits_a_litmas_whose_file_was_kept_on_the_page(client_for, late):
    client = client_for("pk.bapas")
    url = f"/api/v1/litmas-requests/{late.pk}/submission"
    missing = _post(client, url, {"recommendation": "Layak"})
    assert missing.status_code == 422 and "document" in missing.json()["errors"]
    pk = User.objects.get(username="pk.bapas")
    litmas.attach_document(litmas=late, upload=pdf(), by=pk)
    done = _post(client, url, {"recommendation": "Layak"})
    assert done.status_code == 200 and done.json()["status"] == "submitted"
    again = _post(client, url, {"recommendation": "Lagi"})
    assert again.status_code == 409 and again.json()["code"] == "litmas_not_open"
    refused = _post(client_for("petugas.selong"), url, {"recommendation": "Layak"})
    assert refused.status_code in (403, 409)


def test_the_api_refuses_a_submission_by_the_facility(client_for, late):
    url = f"/api/v1/litmas-requests/{late.pk}/submission"
    assert _post(client_for("petugas.selong"), url, {"recommendation": "x"}).status_code == 403
    assert _post(client_for("petugas.lobar"), url, {"recommendation": "x"}).status_code == 404


def test_the_api_assigns_by_the_bapas_head(client_for, bapas_head, late):
    url = f"/api/v1/litmas-requests/{late.pk}/assignment"
    assert _post(client_for("petugas.selong"), url, {"officer": "pk.bapas"}).status_code == 403
    done = _post(client_for(bapas_head.username), url, {"officer": "pk.bapas"})
    assert done.status_code == 200 and done.json()["officer"] == "pk.bapas"
    wrong = _post(client_for(bapas_head.username), url, {"officer": "petugas.selong"})
    assert wrong.status_code == 422 and "officer" in wrong.json()["errors"]


def test_the_api_lists_ask_the_same_queries_whatever_the_rows(
    client_for, selong, bapas, officer, django_assert_max_num_queries
):
    from sinergi.proposals import tpp_actions as tpp

    for n in range(6):
        ask(named(selong, f"Orang {n}"), bapas, due_in=n - 3)
        tpp.record_meeting(
            facility=selong,
            values={"held_on": selong.today() - datetime.timedelta(days=n), "place": "Aula"},
            by=officer,
        )
    pk = client_for("pk.bapas")
    staff = client_for("petugas.selong")
    admin = client_for("admin")
    # Two of them for the working days overdue: the national days off, once a request,
    # and the Bapas's own holidays, in one prefetch; the proposal, the person, the
    # facilities and the officer read for the page's rows, a query each.
    with django_assert_max_num_queries(15):
        assert pk.get("/api/v1/litmas-requests").json()["count"] == 6
    with django_assert_max_num_queries(10):
        assert staff.get("/api/v1/tpp-meetings").json()["count"] == 6
    with django_assert_max_num_queries(14):
        assert admin.get("/proposals/litmas/load/").status_code == 200


def test_the_pk_reads_the_proposal_with_the_person_s_name_not_a_link_to_their_page(
    client_for, person
):
    # The PK of the Bapas asked reads the proposal but not the person's page (404): the
    # breadcrumb names them; the facility's officer still has the link.
    from tests.proposals.moves import prepare

    proposal = make_proposal(person)
    prepare(proposal, Stage.LITMAS, Stage.TPP)
    person_page = f'href="/inmates/{person.pk}/"'
    pk = client_for("pk.bapas")
    page = pk.get(f"/proposals/{proposal.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert person.name in page.content.decode()
    assert person_page not in page.content.decode()
    assert pk.get(f"/inmates/{person.pk}/").status_code == 404
    officer = client_for("petugas.selong").get(f"/proposals/{proposal.pk}/").content.decode()
    assert person_page in officer


def test_the_api_list_asks_as_many_queries_with_no_officer_assigned_as_with_officers(
    client_for, selong, bapas
):
    """The page's requests' officers are read with the rows, not by a lookup that is left
    out when none is assigned: the count does not depend on the data (the benchmark
    compares it at two scales; the country's first page had no officer, 15 against 16)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(3):
        ask(named(selong, f"Orang {n}"), bapas, due_in=n - 3)
    pk = client_for("pk.bapas")

    def listed() -> tuple[int, list[Any]]:
        with CaptureQueriesContext(connection) as queries:
            body = pk.get("/api/v1/litmas-requests").json()
        return len(queries.captured_queries), [row["officer"] for row in body["items"]]

    unassigned, officers = listed()
    assert officers == [None, None, None]
    LitmasRequest.objects.update(officer=User.objects.get(username="pk.bapas"))
    assigned, officers = listed()
    assert officers == ["pk.bapas"] * 3
    assert assigned == unassigned
