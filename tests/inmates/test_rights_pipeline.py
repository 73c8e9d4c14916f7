"""The integration-rights pipeline (issue 14): each person once, with all their rights;
counts of people; filters, search, sort; the XLSX export; the API; scoping and audit."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from sinergi.core.exports import HEADER_ROW
from sinergi.core.models import AuditEvent
from sinergi.inmates import actions
from sinergi.inmates.models import Inmate, InmateRight
from sinergi.orgs.models import Facility
from tests.inmates.factories import make_inmate
from tests.xlsx import table

pytestmark = pytest.mark.django_db

URL = "/inmates/rights/"
EXPORT = "/inmates/rights/export.xlsx"
API = "/api/v1/rights-pipeline"


def _today() -> datetime.date:
    """Lapas Selong's day (WITA), as its officers' pages count the days (not WIB's)."""
    return Facility.objects.get(code="selong").today()


def _days(n: int) -> datetime.date:
    return _today() + datetime.timedelta(days=n)


def _person(facility: str = "selong", rights: dict | None = None, **fields) -> Inmate:
    """A person in custody whose rights are exactly ``rights`` (right -> (status, date))."""
    inmate = make_inmate(facility=Facility.objects.get(code=facility), **fields)
    InmateRight.objects.filter(inmate=inmate).delete()
    for right, (status, day) in (rights or {}).items():
        InmateRight.objects.create(inmate=inmate, right=right, status=status, eligible_from=day)
    return inmate


def _three(**fields) -> Inmate:
    return _person(
        rights={
            "asimilasi": ("eligible", _days(-40)),
            "pb": ("eligible", _days(30)),
            "cb": ("blocked", _days(200)),
        },
        **fields,
    )


@pytest.fixture
def only_ours(demo_world):
    """No person from the demo data: the pipeline holds the test's people only."""
    Inmate.objects.all().delete()


def test_a_person_with_three_rights_is_one_row_and_counts_once(client_for, only_ours):
    person = _three(name="Lalu Tiga Hak")
    response = client_for("petugas.selong").get(URL, language="en")
    body = response.content.decode()
    assert response.context["page"].paginator.count == 1
    assert len(response.context["rows"]) == 1
    assert body.count(person.get_absolute_url()) == 1
    assert "1 person in this list." in body
    row = response.context["rows"][0]
    assert [r.right for r in row.rights] == ["asimilasi", "pb", "cb"]
    assert [r.state for r in row.rights] == ["due", "soon", "blocked"]
    assert row.earliest_right == _days(-40)
    assert row.days_waiting == 40


def _names(response) -> list[str]:
    return [row.inmate.name for row in response.context["rows"]]


def test_who_is_in_the_pipeline_with_or_without_a_stored_earliest_right(client_for, only_ours):
    """A person is in the list with a right they have, eligible (dated or not) or blocked;
    the stored earliest right spares reading the rights of most, not the others'."""
    _person(name="Layak", rights={"pb": ("eligible", _days(-5))})
    _person(name="Layak Tanpa Tanggal", rights={"pb": ("eligible", None)})
    _person(name="Terhalang", rights={"cb": ("blocked", _days(40))})
    _person(name="Tidak Berlaku", rights={"pb": ("not_applicable", None)})
    _person(name="Tanpa Hak")
    moved = _person(name="Dipindah", rights={"asimilasi": ("eligible", _days(-3))})
    InmateRight.objects.filter(inmate=moved).update(status="not_applicable")
    stored = dict(Inmate.objects.values_list("name", "earliest_right"))
    assert stored["Layak"] == _days(-5) and stored["Dipindah"] is None
    assert stored["Layak Tanpa Tanggal"] is None and stored["Terhalang"] is None
    client = client_for("petugas.selong")
    expected = ["Layak", "Layak Tanpa Tanggal", "Terhalang"]
    assert sorted(_names(client.get(URL + "?sort=name"))) == expected
    api = client.get("/api/v1/rights-pipeline").json()
    assert sorted(item["name"] for item in api["items"]) == expected and api["count"] == 3


def test_the_heading_counts_people_not_rights(client_for, only_ours):
    _three(name="Satu")
    _three(name="Dua")
    response = client_for("petugas.selong").get(URL + "?counts=1", language="en")
    assert response.context["page"].paginator.count == 2
    assert "2 people in this list." in response.content.decode()
    counts = response.context["counts"]
    # Per filter: people, not pairs (each person has three rights).
    assert counts.right == {"asimilasi": 2, "pb": 2, "cb": 2, "cmb": 0, "cmk": 0}
    assert counts.state == {
        "due": 2,
        "soon": 2,
        "later": 0,
        "blocked": 2,
        "release_today": 0,
        "release_overdue": 0,
    }
    assert counts.waiting == {"0-30": 0, "31-90": 2, "91-180": 0, "181+": 0}


def test_a_person_with_no_right_they_have_is_not_in_the_pipeline(client_for, only_ours):
    _person(name="Tanpa Hak", rights={"pb": ("not_applicable", None)})
    _three(name="Dengan Hak")
    response = client_for("petugas.selong").get(URL)
    assert _names(response) == ["Dengan Hak"]


def test_released_people_are_not_in_the_pipeline(client_for, only_ours):
    gone = _three(name="Sudah Bebas")
    Inmate.objects.filter(pk=gone.pk).update(status="released")
    assert _names(client_for("petugas.selong").get(URL)) == []


def test_filters_by_right_and_eligibility_state_on_the_same_right(client_for, only_ours):
    _person(name="PB Now", rights={"pb": ("eligible", _days(-1))})
    _person(name="PB Later", rights={"pb": ("eligible", _days(200)), "cb": ("eligible", _days(-3))})
    _person(name="CB Blocked", rights={"cb": ("blocked", _days(10))})
    client = client_for("petugas.selong")
    # Sorted by the earliest right: PB Later's CB is due since three days.
    assert _names(client.get(URL + "?right=pb")) == ["PB Later", "PB Now"]
    assert _names(client.get(URL + "?right=pb&state=due")) == ["PB Now"]
    assert _names(client.get(URL + "?state=due")) == ["PB Later", "PB Now"]
    assert _names(client.get(URL + "?state=later")) == ["PB Later"]
    assert _names(client.get(URL + "?state=blocked")) == ["CB Blocked"]
    assert _names(client.get(URL + "?state=soon")) == []
    # A value outside its list filters nothing.
    assert len(_names(client.get(URL + "?right=xx&state=zz&sort=qq&wali=abc"))) == 3


def test_filters_by_days_waiting(client_for, only_ours):
    _person(name="Ten", rights={"pb": ("eligible", _days(-10))})
    _person(name="Hundred", rights={"pb": ("eligible", _days(-100))})
    _person(name="Future", rights={"pb": ("eligible", _days(10))})
    client = client_for("petugas.selong")
    assert _names(client.get(URL + "?waiting=0-30")) == ["Ten"]
    assert _names(client.get(URL + "?waiting=91-180")) == ["Hundred"]
    assert _names(client.get(URL + "?waiting=181%2B")) == []


@pytest.mark.parametrize(
    ("language", "note"),
    [
        (
            "en",
            "The number of people behind each filter is shown for up to 1 people in custody; "
            "2 people are within your reach.",
        ),
        (
            "id",
            "Jumlah orang untuk setiap pilihan filter ditampilkan bila paling banyak 1 orang "
            "ditahan dalam jangkauan Anda; saat ini 2 orang.",
        ),
    ],
)
def test_beyond_so_many_people_the_filters_show_no_counts_but_still_filter(
    client_for, user, only_ours, monkeypatch, language, note
):
    from sinergi.inmates import pipeline

    followed = _three(name="Satu")
    _three(name="Dua")
    actions.assign_wali(inmate=followed, wali=user("wali.selong"), by=user("petugas.selong"))
    monkeypatch.setattr(pipeline, "COUNTS_MAX_PEOPLE", 1)
    client = client_for("petugas.selong")
    with CaptureQueriesContext(connection) as counted:
        response = client.get(URL, language=language)
    page = response.content.decode()
    counts = response.context["counts"]
    assert counts.not_counted == 2
    assert counts.right == {} and counts.state == {} and counts.late is None
    assert note in " ".join(page.split())
    assert "Asimilasi (" not in page and "(0)" not in page
    # The wali filter keeps its options with their people; every filter still works.
    wali = user("wali.selong")
    assert (str(wali.pk), wali.get_full_name(), 1) in counts.wali
    assert sorted(_names(client.get(URL + "?right=pb"))) == ["Dua", "Satu"]
    assert _names(client.get(URL + f"?wali={wali.pk}")) == ["Satu"]
    # The counts' statement is not run: fewer queries than with the counts.
    monkeypatch.setattr(pipeline, "COUNTS_MAX_PEOPLE", 50_000)
    with CaptureQueriesContext(connection) as full:
        client.get(URL + "?counts=1", language=language)
    assert len(counted) < len(full)
    # Nothing to fetch after the page: no counts would come.
    assert "data-counts-url" not in page and "counts=1" not in page


def test_filters_by_wali_and_by_nobody_assigned(client_for, user, only_ours):
    followed = _three(name="Diikuti Wali")
    _three(name="Tanpa Wali")
    actions.assign_wali(inmate=followed, wali=user("wali.selong"), by=user("petugas.selong"))
    client = client_for("petugas.selong")
    wali = user("wali.selong")
    assert _names(client.get(URL + f"?wali={wali.pk}")) == ["Diikuti Wali"]
    assert _names(client.get(URL + "?wali=none")) == ["Tanpa Wali"]
    response = client.get(URL)
    assert (str(wali.pk), wali.get_full_name(), 1) in response.context["counts"].wali
    assert ("none", "", 1) in response.context["counts"].wali


def test_searches_by_name_and_by_registration_number(client_for, only_ours):
    _three(name="Lalu Ahmad", registration_number="BI 77/26")
    _three(name="Baiq Sari", registration_number="BI 78/26")
    client = client_for("petugas.selong")
    assert _names(client.get(URL + "?q=ahmad")) == ["Lalu Ahmad"]
    assert _names(client.get(URL + "?q=B I 78 / 26")) == ["Baiq Sari"]


def test_sorts_by_earliest_date_by_name_and_by_days_waiting(client_for, only_ours):
    _person(name="Cici", rights={"pb": ("eligible", _days(-5))})
    _person(name="Ani", rights={"pb": ("eligible", _days(20))})
    _person(name="Budi", rights={"pb": ("eligible", _days(-50))})
    _person(name="Dedi", rights={"pb": ("blocked", None)})
    client = client_for("petugas.selong")
    assert _names(client.get(URL)) == ["Budi", "Cici", "Ani", "Dedi"]
    assert _names(client.get(URL + "?sort=name")) == ["Ani", "Budi", "Cici", "Dedi"]
    assert _names(client.get(URL + "?sort=waiting")) == ["Budi", "Cici", "Ani", "Dedi"]


def test_the_pipeline_is_paginated(client_for, only_ours):
    for n in range(52):
        _person(name=f"Orang {n:02}", rights={"pb": ("eligible", _days(n))})
    client = client_for("petugas.selong")
    first = client.get(URL)
    assert first.context["page"].paginator.count == 52
    assert len(first.context["rows"]) == 50
    assert _names(client.get(URL + "?page=2")) == ["Orang 50", "Orang 51"]


# --- scope, audit -----------------------------------------------------------------------


def test_an_officer_sees_their_facility_and_the_kanwil_its_region(client_for, only_ours):
    _three(name="Orang Selong")
    _three(name="Orang Lobar", facility="lobar")
    assert _names(client_for("petugas.selong").get(URL)) == ["Orang Selong"]
    assert _names(client_for("petugas.lobar").get(URL)) == ["Orang Lobar"]
    assert sorted(_names(client_for("kanwil.ntb").get(URL))) == ["Orang Lobar", "Orang Selong"]
    # The counts fetched after the page count the reader's people only.
    hx = {"HX-Request": "true"}
    lobar = client_for("petugas.lobar").get(URL + "?counts=1", headers=hx).content.decode()
    both = client_for("kanwil.ntb").get(URL + "?counts=1", headers=hx).content.decode()
    assert 'value="asimilasi">Asimilasi (1)' in lobar and 'value="asimilasi">Asimilasi (2)' in both


@pytest.mark.parametrize("username", ["mitra.disnaker", "instruktur.blk", "pk.bapas"])
def test_partners_and_probation_officers_are_refused(client_for, only_ours, username):
    _three()
    client = client_for(username)
    assert client.get(URL).status_code == 404
    # The counts fetched after the page, and the page with them, likewise.
    assert client.get(URL + "?counts=1", headers={"HX-Request": "true"}).status_code == 404
    assert client.get(URL + "?counts=1").status_code == 404
    assert client.get(EXPORT).status_code == 404
    response = client.get(API)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_anonymous_is_sent_to_log_in_and_the_api_answers_401(client):
    assert client.get(URL).status_code == 302
    assert client.get(EXPORT).status_code == 302
    assert client.get(API).status_code == 401


def test_reading_the_pipeline_is_audited_with_its_query_and_count(client_for, only_ours):
    _three()
    _three()
    client_for("petugas.selong").get(URL + "?right=pb")
    event = AuditEvent.objects.filter(action="inmate.rights.list").latest("id")
    assert event.changes["count"] == 2 and "right=pb" in event.changes["query"]
    client_for("petugas.selong").get(EXPORT + "?right=pb")
    event = AuditEvent.objects.filter(action="inmate.rights.list").latest("id")
    assert event.changes["format"] == "xlsx" and event.changes["count"] == 2
    client_for("petugas.selong").get(API + "?right=pb")
    event = AuditEvent.objects.filter(action="inmate.rights.list").latest("id")
    assert event.changes["count"] == 2 and event.changes["path"] == API


# --- languages and phone ------------------------------------------------------------------


def test_the_page_speaks_indonesian_and_english(client_for, only_ours):
    _three()
    client = client_for("petugas.selong")
    english = client.get(URL, language="en").content.decode()
    assert "Integration rights (hak integrasi)" in english
    assert "Due now" in english and "Days waiting" in english
    indonesian = client.get(URL, language="id").content.decode()
    assert "Hak integrasi" in indonesian
    assert "Jatuh tempo" in indonesian and "Hari menunggu" in indonesian
    assert "1 orang" in indonesian


def test_the_table_becomes_labelled_blocks_on_a_phone(client_for, only_ours):
    _three()
    body = client_for("petugas.selong").get(URL, language="en").content.decode()
    # table.figures: each row a block on a narrow screen, its cells labelled.
    assert '<table class="figures pipeline">' in body
    assert 'data-label="Rights"' in body and 'data-label="Days waiting"' in body
    assert 'class="table-wrap"' in body


# --- query counts -------------------------------------------------------------------------


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("url", [URL, URL + "?right=pb&state=due&sort=waiting", API, EXPORT])
def test_the_page_the_api_and_the_export_run_a_fixed_number_of_queries(client_for, only_ours, url):
    _three()
    client = client_for("petugas.selong")
    few = _count(client, url)
    for _ in range(12):
        _three()
    assert _count(client, url) == few


# --- the XLSX export ----------------------------------------------------------------------


def _sheet(response):
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content)).active


def test_the_export_has_one_row_per_person_with_the_pages_filters(client_for, only_ours):
    _three(name="Lalu Ahmad", registration_number="BI 77/26")
    _person(name="Hanya CB", rights={"cb": ("eligible", _days(5))})
    client = client_for("petugas.selong")
    sheet = _sheet(client.get(EXPORT, language="en"))
    rows = table(sheet)
    header = rows[0]
    assert header[:6] == (
        "Name",
        "Registration number",
        "Facility",
        "Wali",
        "Earliest right",
        "Days waiting",
    )
    assert len(rows) == 3  # the header and two people
    ahmad = dict(zip(header, next(r for r in rows if r[0] == "Lalu Ahmad"), strict=True))
    assert ahmad["Registration number"] == "BI 77/26"
    assert ahmad["Days waiting"] == 40
    pb = [h for h in header if h.startswith("Pembebasan bersyarat (PB)")]
    assert ahmad[pb[0]] == "Within 90 days"
    assert ahmad[pb[1]].date() == _days(30)
    only_pb = table(_sheet(client.get(EXPORT + "?right=pb")))
    assert [r[0] for r in only_pb[1:]] == ["Lalu Ahmad"]


def test_the_exports_headers_are_in_the_readers_language(client_for, only_ours):
    _three()
    sheet = _sheet(client_for("petugas.selong").get(EXPORT, language="id"))
    header = table(sheet)[0]
    assert header[0] == "Nama" and header[1] == "Nomor registrasi"


def test_a_name_that_starts_like_a_formula_is_written_as_text(client_for, only_ours):
    _three(name='=HYPERLINK("http://evil.example","klik")')
    sheet = _sheet(client_for("petugas.selong").get(EXPORT))
    cell = sheet.cell(row=HEADER_ROW + 1, column=1)
    assert cell.data_type == "s"
    assert cell.value == '\'=HYPERLINK("http://evil.example","klik")'


# --- the API ------------------------------------------------------------------------------


def test_the_api_gives_one_item_per_person_with_their_rights(client_for, only_ours):
    person = _three(name="Lalu Tiga Hak")
    _three(name="Lain Orang", facility="lobar")
    body = client_for("petugas.selong").get(API).json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["id"] == person.pk and item["facility"] == "selong"
    assert item["earliest_right"] == _days(-40).isoformat()
    assert item["days_waiting"] == 40
    assert [(r["right"], r["state"]) for r in item["rights"]] == [
        ("asimilasi", "due"),
        ("pb", "soon"),
        ("cb", "blocked"),
    ]


def test_the_api_filters_searches_sorts_and_paginates_like_the_page(client_for, only_ours):
    _person(name="Cici", rights={"pb": ("eligible", _days(-5))})
    _person(name="Ani", rights={"cb": ("eligible", _days(20))})
    _person(name="Budi", rights={"pb": ("eligible", _days(-50))})
    client = client_for("petugas.selong")

    def names(query: str) -> list[str]:
        return [i["name"] for i in client.get(API + query).json()["items"]]

    assert names("") == ["Budi", "Cici", "Ani"]
    assert names("?sort=name") == ["Ani", "Budi", "Cici"]
    assert names("?right=pb") == ["Budi", "Cici"]
    assert names("?state=soon") == ["Ani"]
    assert names("?waiting=31-90") == ["Budi"]
    assert names("?q=cic") == ["Cici"]
    assert names("?wali=none&page_size=1&page=2") == ["Cici"]
    assert client.get(API + "?page_size=1").json()["count"] == 3


@pytest.mark.parametrize(
    "query", ["?right=xx", "?state=zz", "?sort=qq", "?wali=abc", "?page_size=201", "?stage=nope"]
)
def test_the_api_refuses_a_bad_filter_at_its_field(client_for, only_ours, query):
    response = client_for("petugas.selong").get(API + query)
    assert response.status_code == 422
    assert response.json()["errors"]


def test_the_api_is_documented(client_for):
    schema = client_for("petugas.selong").get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/rights-pipeline"]["get"]
    assert {"401", "403", "422"} <= set(operation["responses"])


# --- the wali -----------------------------------------------------------------------------


def test_an_officer_names_the_wali_and_the_change_is_audited(client_for, user, only_ours):
    person = _three()
    wali = user("wali.selong")
    response = client_for("petugas.selong").post(f"/inmates/{person.pk}/wali/", {"wali": wali.pk})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.wali == wali
    assert AuditEvent.objects.filter(action="inmate.update", target_id=str(person.pk)).exists()
    assert person.history.first().wali_id == wali.pk


def test_the_wali_must_be_a_guardian_officer_of_the_facility(user, only_ours):
    from django.core.exceptions import ValidationError

    person = _three()
    for not_a_wali in ("petugas.selong", "kalapas.selong", "petugas.lobar", "mitra.disnaker"):
        with pytest.raises(ValidationError) as refused:
            actions.assign_wali(inmate=person, wali=user(not_a_wali), by=user("petugas.selong"))
        assert "wali" in refused.value.message_dict


@pytest.mark.parametrize(
    ("username", "status"),
    [("wali.selong", 403), ("kanwil.ntb", 403), ("petugas.lobar", 404), ("mitra.disnaker", 404)],
)
def test_only_the_facilitys_officers_name_a_wali(client_for, user, only_ours, username, status):
    person = _three()
    url = f"/inmates/{person.pk}/wali/"
    response = client_for(username).post(url, {"wali": user("wali.selong").pk})
    assert response.status_code == status
    person.refresh_from_db()
    assert person.wali is None


# --- proposals: stage, days waiting, proposed late ---------------------------------------


def _propose(person: Inmate, right: str, stage: str, since_days_ago: int):
    from sinergi.proposals.models import Proposal

    return Proposal.objects.create(
        inmate=person,
        facility=person.facility,
        right=right,
        stage=stage,
        stage_since=_days(-since_days_ago),
        eligible_on=_days(-since_days_ago),
    )


def test_each_right_shows_its_proposals_stage_and_days_at_it(client_for, only_ours):
    person = _person(
        name="Dua Hak",
        rights={"pb": ("eligible", _days(-60)), "cb": ("eligible", _days(-40))},
    )
    _propose(person, "pb", "litmas", 12)
    response = client_for("petugas.selong").get(URL, language="en")
    (row,) = response.context["rows"]
    by_right = {r.right: r for r in row.rights}
    assert (by_right["pb"].stage, by_right["pb"].days_waiting) == ("litmas", 12)
    assert (by_right["cb"].stage, by_right["cb"].days_waiting) == ("not_proposed", 40)
    # CB's date passed and nobody proposed it: the pipeline says so.
    assert row.late is True and by_right["cb"].not_proposed_in_time
    assert not by_right["pb"].not_proposed_in_time
    body = response.content.decode()
    assert "Could have been proposed earlier" in body and "Litmas requested" in body
    # The stage links to the proposal's page.
    proposal = person.proposals.get()
    assert by_right["pb"].stage_url == f"/proposals/{proposal.pk}/"
    assert f'href="/proposals/{proposal.pk}/"' in body
    # The longest wait: CB's 40 days (PB's wait restarted when its stage began).
    assert row.days_waiting == 40


def test_a_person_whose_due_rights_were_all_proposed_is_not_late(client_for, only_ours):
    person = _person(name="Tepat Waktu", rights={"pb": ("eligible", _days(-30))})
    _propose(person, "pb", "tpp", 5)
    (row,) = client_for("petugas.selong").get(URL).context["rows"]
    assert row.late is False and row.days_waiting == 5


def test_a_refused_proposal_shows_and_the_wait_for_a_new_one_runs_from_it(client_for, only_ours):
    person = _person(name="Ditolak", rights={"pb": ("eligible", _days(-30))})
    _propose(person, "pb", "refused", 3)
    (row,) = client_for("petugas.selong").get(URL).context["rows"]
    # No open proposal: it may be proposed again, and could have been for three days.
    assert row.rights[0].stage == "refused" and row.rights[0].may_be_started
    assert row.late is True and row.rights[0].late_days == 3


def test_filters_and_counts_by_stage(client_for, only_ours):
    at_litmas = _person(name="Di Litmas", rights={"pb": ("eligible", _days(-60))})
    _propose(at_litmas, "pb", "litmas", 12)
    _person(name="Belum Diusulkan", rights={"cb": ("eligible", _days(-10))})
    sent = _person(name="Dikirim", rights={"pb": ("eligible", _days(-90))})
    _propose(sent, "pb", "sent", 2)
    client = client_for("petugas.selong")
    assert _names(client.get(URL + "?stage=litmas")) == ["Di Litmas"]
    assert _names(client.get(URL + "?stage=not_proposed")) == ["Belum Diusulkan"]
    assert _names(client.get(URL + "?stage=sent&right=pb")) == ["Dikirim"]
    assert _names(client.get(URL + "?stage=sent&right=cb")) == []
    counts = client.get(URL + "?counts=1").context["counts"].stage
    assert counts["litmas"] == 1 and counts["not_proposed"] == 1 and counts["sent"] == 1
    assert counts["tpp"] == 0
    # Days waiting from the stage's start: Dikirim has waited 2 days at "sent".
    assert _names(client.get(URL + "?waiting=0-30")) == ["Dikirim", "Di Litmas", "Belum Diusulkan"]


def test_the_api_and_the_export_carry_the_stage(client_for, only_ours):
    person = _person(name="Lalu Usulan", rights={"pb": ("eligible", _days(-60))})
    _propose(person, "pb", "documents", 7)
    client = client_for("petugas.selong")
    (item,) = client.get(API + "?stage=documents").json()["items"]
    assert item["rights"][0]["stage"] == "documents"
    assert item["rights"][0]["stage_since"] == _days(-7).isoformat()
    assert item["rights"][0]["days_waiting"] == 7
    assert item["could_have_been_proposed_earlier"] is False
    sheet = _sheet(client.get(EXPORT, language="en"))
    header, values = table(sheet)
    row = dict(zip(header, values, strict=True))
    assert row["Pembebasan bersyarat (PB): stage"] == "Gathering documents"
    assert row["Pembebasan bersyarat (PB): days waiting"] == 7
    assert row["Could have been proposed earlier"] == "no"


def test_the_inmate_page_names_the_wali_and_officers_may_change_it(client_for, user, only_ours):
    person = _three()
    actions.assign_wali(inmate=person, wali=user("wali.selong"), by=user("petugas.selong"))
    link = f'href="/inmates/{person.pk}/wali/"'
    page = client_for("petugas.selong").get(person.get_absolute_url(), language="en")
    body = page.content.decode()
    assert user("wali.selong").get_full_name() in body and link in body
    body = client_for("wali.selong").get(person.get_absolute_url()).content.decode()
    assert link not in body


def test_the_home_card_counts_people_not_rights(client_for, only_ours):
    _person(rights={"asimilasi": ("eligible", _days(-5)), "pb": ("eligible", _days(-1))})
    _person(rights={"pb": ("eligible", _days(-2)), "cb": ("eligible", _days(20))})
    _person(rights={"cb": ("eligible", _days(20)), "cmb": ("eligible", _days(40))})
    _person(rights={"cb": ("eligible", _days(200))})
    body = client_for("petugas.selong").get("/", language="en").content.decode()
    assert "2 can be proposed now; 1 more within 90 days." in body


# --- a long list ----------------------------------------------------------------------------


def test_the_export_keeps_the_pages_order_across_its_chunks(client_for, only_ours, monkeypatch):
    """The export reads the people a chunk at a time by id (not by OFFSET): the rows come
    in the list's order, each once, however the chunks fall."""
    from sinergi.inmates import pipeline

    names = ["Eka", "Ani", "Dodi", "Citra", "Budi"]
    for name in names:
        _three(name=name)
    monkeypatch.setattr(pipeline.iter_rows, "__defaults__", (2, None))
    client = client_for("petugas.selong")
    rows = table(_sheet(client.get(EXPORT + "?sort=name")))
    assert [r[0] for r in rows[1:]] == sorted(names)


def test_an_export_longer_than_the_limit_is_refused_with_the_count(client_for, only_ours, settings):
    settings.EXPORT_MAX_ROWS = 2
    for name in ("Ani", "Budi", "Citra"):
        _three(name=name)
    client = client_for("petugas.selong")
    response = client.get(EXPORT + "?right=pb&page=2", language="en")
    assert response.status_code == 302
    assert response["Location"] == URL + "?right=pb"
    # Nothing was read out: the refused file is not audited as a reading.
    assert not AuditEvent.objects.filter(action="inmate.rights.list").exists()
    body = client.get(response["Location"], language="en").content.decode()
    assert "The list has 3 rows; one file holds at most 2." in body
    # Narrowed to the limit, the file is built.
    settings.EXPORT_MAX_ROWS = 3
    assert client.get(EXPORT + "?right=pb").status_code == 200
