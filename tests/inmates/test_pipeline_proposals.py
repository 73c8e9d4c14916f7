"""The pipeline and the proposals (issue 14): a right whose last proposal was refused or
withdrawn shows that proposal (date, reason, the decree or letter) and that a new one may
be started, not "not proposed yet"; "could have been proposed earlier" (an eligibility
date passed, no open proposal) is a filter, said on the row with its days and counted in
the summary; each right that may be proposed has a "start a proposal" link for those who
may start one; page, XLSX and API alike, in a fixed number of queries."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from sinergi.inmates.models import Inmate, InmateRight, Sentence
from sinergi.proposals.choices import DocumentKind, Stage
from sinergi.proposals.models import Proposal, ProposalDocument, ProposalEvent
from tests.inmates.test_rights_pipeline import _days, _person, _today, only_ours
from tests.proposals.factories import pdf
from tests.xlsx import table

pytestmark = pytest.mark.django_db

URL = "/inmates/rights/"
EXPORT = "/inmates/rights/export.xlsx"
API = "/api/v1/rights-pipeline"

__all__ = ["only_ours"]


def _closed(person: Inmate, right: str, stage: str, days_ago: int, reason: str) -> Proposal:
    """A proposal of ``person`` for ``right`` closed (refused or withdrawn) ``days_ago``."""
    fields = {"refusal_reason": reason} if stage == Stage.REFUSED else {"withdrawal_reason": reason}
    proposal = Proposal.objects.create(
        inmate=person,
        facility=person.facility,
        right=right,
        stage=stage,
        stage_since=_days(-days_ago),
        eligible_on=_days(-60),
        **fields,
    )
    ProposalEvent.objects.create(
        proposal=proposal, from_stage=Stage.SENT, to_stage=stage, on=_days(-days_ago), note=reason
    )
    return proposal


def _open(person: Inmate, right: str, stage: str = Stage.DOCUMENTS) -> Proposal:
    return Proposal.objects.create(
        inmate=person,
        facility=person.facility,
        right=right,
        stage=stage,
        stage_since=_days(-2),
        eligible_on=_days(-60),
    )


def _sheet_rows(response) -> list[dict]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *values = table(sheet)
    return [dict(zip(header, row, strict=True)) for row in values]


# --- 1. the refused or withdrawn proposal ------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "label_en", "label_id"),
    [(Stage.REFUSED, "Refused", "Ditolak"), (Stage.WITHDRAWN, "Withdrawn", "Ditarik")],
)
def test_a_right_whose_last_proposal_was_closed_shows_it_and_that_a_new_one_may_start(
    client_for, only_ours, stage, label_en, label_id
):
    person = _person(name="Lalu Ditolak", rights={"pb": ("eligible", _days(-60))})
    proposal = _closed(person, "pb", stage, 8, "Surat jaminan tidak dilegalisasi")
    client = client_for("petugas.selong")
    response = client.get(URL, language="en")
    (row,) = response.context["rows"]
    (pb,) = row.rights
    assert pb.stage == stage and pb.stage_label == label_en
    assert pb.closed is not None and pb.closed.on == _days(-8)
    assert pb.closed.reason == "Surat jaminan tidak dilegalisasi"
    assert pb.may_be_started
    body = response.content.decode()
    assert "Not proposed yet" not in body.split("<table", 1)[1]
    assert "not proposed yet" not in body
    assert "Surat jaminan tidak dilegalisasi" in body
    assert "A new proposal may be started" in body
    assert f'href="{proposal.get_absolute_url()}"' in body
    # The wait for a new proposal runs from the day it was closed.
    assert pb.days_waiting == 8 and row.days_waiting == 8
    indonesian = client.get(URL, language="id").content.decode()
    assert label_id in indonesian and "Usulan baru dapat dimulai" in indonesian

    (item,) = client.get(API).json()["items"]
    (right,) = item["rights"]
    assert right["stage"] == stage
    assert right["last_proposal"] == {
        "id": proposal.pk,
        "stage": stage,
        "on": _days(-8).isoformat(),
        "reason": "Surat jaminan tidak dilegalisasi",
        "sk_number": "",
        "sk_date": None,
        "document_id": None,
    }
    assert right["may_be_started"] is True
    assert right["days_waiting"] == 8

    (values,) = _sheet_rows(client.get(EXPORT, language="en"))
    assert values["Pembebasan bersyarat (PB): stage"] == label_en
    closed = values["Pembebasan bersyarat (PB): last proposal"]
    assert label_en in closed and "Surat jaminan tidak dilegalisasi" in closed
    assert _days(-8).strftime("%d/%m/%Y") in closed
    assert "A new proposal may be started" in closed


def test_the_refusal_letter_is_linked_and_its_sk_named(client_for, only_ours):
    person = _person(name="Dengan Surat", rights={"pb": ("eligible", _days(-60))})
    proposal = _closed(person, "pb", Stage.REFUSED, 3, "Tidak memenuhi syarat")
    Proposal.objects.filter(pk=proposal.pk).update(sk_number="PAS-9.PK.01", sk_date=_days(-4))
    letter = ProposalDocument.objects.create(
        proposal=proposal, kind=DocumentKind.SK, file=pdf("sk.pdf"), received_on=_days(-3)
    )
    ProposalEvent.objects.filter(proposal=proposal).update(document=letter)
    client = client_for("petugas.selong")
    body = client.get(URL, language="en").content.decode()
    assert f'href="/proposals/documents/{letter.pk}/"' in body
    assert "PAS-9.PK.01" in body
    right = client.get(API).json()["items"][0]["rights"][0]
    assert right["last_proposal"]["document_id"] == letter.pk
    assert right["last_proposal"]["sk_number"] == "PAS-9.PK.01"
    assert right["last_proposal"]["sk_date"] == _days(-4).isoformat()


def test_an_open_proposal_after_a_refusal_shows_the_open_one(client_for, only_ours):
    person = _person(name="Diusulkan Lagi", rights={"pb": ("eligible", _days(-60))})
    _closed(person, "pb", Stage.REFUSED, 30, "Kurang dokumen")
    _open(person, "pb", Stage.LITMAS)
    (row,) = client_for("petugas.selong").get(URL).context["rows"]
    (pb,) = row.rights
    assert pb.stage == "litmas" and pb.closed is None and not pb.may_be_started
    assert row.late is False


def test_the_stage_filter_finds_refused_and_withdrawn_rights_apart_from_not_proposed(
    client_for, only_ours
):
    refused = _person(name="Ditolak", rights={"pb": ("eligible", _days(-60))})
    _closed(refused, "pb", Stage.REFUSED, 5, "Alasan")
    withdrawn = _person(name="Ditarik", rights={"cb": ("eligible", _days(-20))})
    _closed(withdrawn, "cb", Stage.WITHDRAWN, 5, "Alasan")
    _person(name="Belum", rights={"pb": ("eligible", _days(-10))})
    client = client_for("petugas.selong")

    def names(url: str) -> list[str]:
        return [row.inmate.name for row in client.get(url).context["rows"]]

    assert names(URL + "?stage=refused") == ["Ditolak"]
    assert names(URL + "?stage=withdrawn") == ["Ditarik"]
    assert names(URL + "?stage=not_proposed") == ["Belum"]
    assert names(URL + "?stage=refused&right=cb") == []
    counts = client.get(URL + "?counts=1").context["counts"].stage
    assert (counts["refused"], counts["withdrawn"], counts["not_proposed"]) == (1, 1, 1)
    api = client.get(API + "?stage=refused").json()
    assert [i["name"] for i in api["items"]] == ["Ditolak"]


# --- 2. could have been proposed earlier ------------------------------------------------


def test_the_filter_could_have_been_proposed_earlier_on_the_page_and_the_api(client_for, only_ours):
    _person(name="Terlambat", rights={"pb": ("eligible", _days(-45))})
    refused = _person(name="Ditolak Lama", rights={"cb": ("eligible", _days(-90))})
    _closed(refused, "cb", Stage.REFUSED, 20, "Alasan")
    proposed = _person(name="Sudah Diusulkan", rights={"pb": ("eligible", _days(-30))})
    _open(proposed, "pb")
    _person(name="Hari Ini", rights={"pb": ("eligible", _today())})
    _person(name="Nanti", rights={"pb": ("eligible", _days(20))})
    client = client_for("petugas.selong")
    response = client.get(URL + "?late=1", language="en")
    rows = {row.inmate.name: row for row in response.context["rows"]}
    assert sorted(rows) == ["Ditolak Lama", "Terlambat"]
    (pb,) = rows["Terlambat"].rights
    assert pb.late_since == _days(-45) and pb.late_days == 45
    # After a refusal: since the refusal (it was proposed until then).
    (cb,) = rows["Ditolak Lama"].rights
    assert cb.late_since == _days(-20) and cb.late_days == 20
    body = response.content.decode()
    day = _days(-45)
    assert f"eligible since {day.day} " in body and "not proposed: 45 days" in body
    assert '<input type="checkbox" id="p-late" name="late" value="1" checked>' in body
    # The summary counts the people of the list who could have been proposed earlier.
    # (the counts come after the page: with ?counts=1 on it, or the filters alone for htmx)
    everyone = client.get(URL + "?counts=1", language="en")
    assert everyone.context["counts"].late == 2
    assert "2 could have been proposed earlier" in everyone.content.decode()
    api = client.get(API + "?late=true").json()
    assert sorted(i["name"] for i in api["items"]) == ["Ditolak Lama", "Terlambat"]
    assert api["count"] == 2
    late = next(i for i in api["items"] if i["name"] == "Terlambat")
    assert late["could_have_been_proposed_earlier"] is True
    assert late["rights"][0]["not_proposed_since"] == _days(-45).isoformat()
    assert late["rights"][0]["not_proposed_days"] == 45
    assert late["not_proposed_days"] == 45
    sheet = _sheet_rows(client.get(EXPORT + "?late=1", language="en"))
    assert sorted(r["Name"] for r in sheet) == ["Ditolak Lama", "Terlambat"]
    assert next(r for r in sheet if r["Name"] == "Terlambat")["Not proposed for (days)"] == 45
    later = client.get(URL + "?counts=1", language="id", headers={"HX-Request": "true"})
    assert "2 bisa diusulkan lebih awal" in later.content.decode()
    indonesian = client.get(URL + "?counts=1", language="id").content.decode()
    assert "2 bisa diusulkan lebih awal" in indonesian


def test_a_person_whose_release_day_came_is_not_late(client_for, only_ours):
    person = _person(name="Bebas Hari Ini", rights={"pb": ("eligible", _days(-45))})
    Sentence.objects.filter(inmate=person).update(release_date=_today())
    Sentence.objects.filter(inmate=person).update(expiry_after_remission=_today())
    client = client_for("petugas.selong")
    assert client.get(URL + "?late=1").context["rows"] == []
    assert client.get(URL + "?counts=1").context["counts"].late == 0


# --- 3. start a proposal ------------------------------------------------------------------


def _start_links(body: str) -> set[str]:
    import re

    return set(re.findall(r'href="(/proposals/start/\d+/\w+/)"', body))


@pytest.mark.parametrize("username", ["petugas.selong", "kalapas.selong", "wali.selong"])
def test_each_right_that_may_be_proposed_links_to_the_start_page(client_for, only_ours, username):
    person = _person(
        name="Tiga Hak",
        rights={
            "asimilasi": ("eligible", _days(-10)),
            "pb": ("eligible", _days(30)),
            "cb": ("blocked", _days(5)),
            "cmb": ("eligible", _days(-5)),
        },
    )
    _open(person, "cmb")
    refused = _person(name="Ditolak", rights={"pb": ("eligible", _days(-30))})
    _closed(refused, "pb", Stage.REFUSED, 5, "Alasan")
    body = client_for(username).get(URL, language="en").content.decode()
    assert _start_links(body) == {
        f"/proposals/start/{person.pk}/asimilasi/",
        f"/proposals/start/{person.pk}/pb/",
        f"/proposals/start/{refused.pk}/pb/",
    }
    # The link leads to the existing start page with the person and the right chosen.
    page = client_for(username).get(f"/proposals/start/{person.pk}/asimilasi/")
    assert page.status_code == 200 and page.context["inmate"] == person
    assert page.context["right"] == "asimilasi"


def test_the_api_says_which_rights_the_caller_may_start(client_for, only_ours):
    person = _person(
        name="Dua Hak", rights={"pb": ("eligible", _days(-10)), "cb": ("blocked", _days(5))}
    )
    officer = client_for("petugas.selong").get(API).json()["items"][0]["rights"]
    assert {r["right"]: r["can_start"] for r in officer} == {"pb": True, "cb": False}
    assert {r["right"]: r["may_be_started"] for r in officer} == {"pb": True, "cb": False}
    kanwil = client_for("kanwil.ntb").get(API).json()["items"]
    (item,) = [i for i in kanwil if i["id"] == person.pk]
    assert {r["right"]: r["can_start"] for r in item["rights"]} == {"pb": False, "cb": False}


def test_a_regional_viewer_sees_no_start_link(client_for, only_ours):
    person = _person(name="Satu Hak", rights={"pb": ("eligible", _days(-10))})
    body = client_for("kanwil.ntb").get(URL, language="en").content.decode()
    assert person.get_absolute_url() in body
    assert _start_links(body) == set()
    # And the start page itself refuses them.
    assert client_for("kanwil.ntb").get(f"/proposals/start/{person.pk}/pb/").status_code == 403


@pytest.mark.parametrize("release_in", [-1, 0, 1])
def test_no_start_link_on_and_after_the_release_day(client_for, only_ours, release_in):
    person = _person(name="Hampir Bebas", rights={"pb": ("eligible", _days(-30))})
    Sentence.objects.filter(inmate=person).update(
        release_date=_days(release_in), expiry_after_remission=_days(release_in)
    )
    body = client_for("petugas.selong").get(URL).content.decode()
    expected = {f"/proposals/start/{person.pk}/pb/"} if release_in > 0 else set()
    assert _start_links(body) == expected


# --- 4. the issue's filters, sorting, search, counts on the page and the API -------------


def test_every_filter_of_the_issue_agrees_on_the_page_and_the_api(client_for, user, only_ours):
    from sinergi.inmates import actions

    wali = user("wali.selong")
    a = _person(
        name="Ani", registration_number="BI 11/26", rights={"pb": ("eligible", _days(-100))}
    )
    b = _person(name="Budi", registration_number="BI 12/26", rights={"cb": ("eligible", _days(-5))})
    _open(b, "cb", Stage.TPP)
    _person(name="Cici", registration_number="BI 13/26", rights={"cmk": ("eligible", _days(10))})
    actions.assign_wali(inmate=a, wali=wali, by=user("petugas.selong"))
    client = client_for("petugas.selong")
    for query, expected in [
        ("right=pb", ["Ani"]),
        ("stage=tpp", ["Budi"]),
        ("stage=not_proposed", ["Ani"]),
        ("waiting=91-180", ["Ani"]),
        ("waiting=0-30", ["Budi"]),
        (f"wali={wali.pk}", ["Ani"]),
        ("wali=none", ["Budi", "Cici"]),
        ("q=BI 13/26", ["Cici"]),
        ("q=bud", ["Budi"]),
        ("sort=name", ["Ani", "Budi", "Cici"]),
        ("sort=waiting", ["Ani", "Budi", "Cici"]),
        ("late=1", ["Ani"]),
    ]:
        page = client.get(f"{URL}?{query}")
        assert [r.inmate.name for r in page.context["rows"]] == expected, query
        assert page.context["page"].paginator.count == len(expected), query
        body = client.get(f"{API}?{query}").json()
        assert [i["name"] for i in body["items"]] == expected, query
        assert body["count"] == len(expected), query
        sheet = _sheet_rows(client.get(f"{EXPORT}?{query}"))
        assert sorted(r["Nama"] for r in sheet) == sorted(expected), query


# --- queries --------------------------------------------------------------------------------


def _people(n: int) -> None:
    for i in range(n):
        person = _person(
            name=f"Orang {i}",
            rights={"pb": ("eligible", _days(-40)), "cb": ("eligible", _days(-20))},
        )
        _closed(person, "pb", Stage.REFUSED, 5, "Alasan")
        if i % 2:
            _open(person, "cb")


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("url", [URL, URL + "?late=1&stage=refused", API + "?late=true", EXPORT])
def test_three_rows_or_fifteen_cost_the_same_queries(client_for, only_ours, url):
    client = client_for("petugas.selong")
    _people(3)
    few = _queries(client, url)
    _people(12)
    assert InmateRight.objects.count() == 30
    assert _queries(client, url) == few
