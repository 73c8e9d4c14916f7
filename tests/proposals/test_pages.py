"""The proposal's page and starting one from the inmate page: renders in Indonesian and
English, the clocks red when passed, the timeline, the checklist with uploads, the moves
as verb buttons with their fields (withdrawing apart and confirmed), refusals shown, and
outsiders refused (404)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sinergi.core.models import AuditEvent
from sinergi.inmates.choices import Right
from sinergi.proposals.choices import Stage
from sinergi.proposals.models import Proposal, ProposalDocument
from tests.proposals.factories import at_stage, eligible_person, make_proposal, pdf, recommend
from tests.proposals.moves import prepare

pytestmark = pytest.mark.django_db


def page(client, proposal, language="id"):
    return client.get(reverse("proposals:detail", args=[proposal.pk]), language=language)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("id", ["Usulan", "Tahapan", "Mulai mengumpulkan dokumen", "hari kerja"]),
        ("en", ["Proposal", "Stages", "Start gathering the documents", "working days"]),
    ],
)
def test_the_page_renders_in_indonesian_and_english(client_for, person, language, words):
    proposal = make_proposal(person)
    response = page(client_for("petugas.selong"), proposal, language)
    assert response.status_code == 200
    text = response.content.decode()
    for word in words:
        assert word in text, word
    assert AuditEvent.objects.filter(action="proposal.view", target_id=str(proposal.pk)).exists()


def test_a_passed_clock_is_red_and_says_by_how_much(client_for, person):
    person.facility.holidays.all().delete()
    proposal = make_proposal(
        person, eligible_on=person.facility.today() - datetime.timedelta(days=60)
    )
    text = page(client_for("petugas.selong"), proposal, "en").content.decode()
    assert "card card-danger" in text
    assert "Passed by" in text
    assert "could have been proposed earlier" in text


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "The last day, 11 December 2026, has passed"),
        ("id", "Hari terakhir, 11 Desember 2026, telah lewat"),
    ],
)
def test_a_clock_stopped_the_saturday_after_its_friday_deadline_is_red_without_days_late(
    client_for, person, language, words
):
    """Eligible on Monday 23 November 2026, its last day is Friday 11 December; sent on the
    Saturday: late, by 0 working days."""
    proposal = make_proposal(person, eligible_on=datetime.date(2026, 11, 23))
    at_stage(
        proposal,
        Stage.GRANTED,
        sent_to="kanwil",
        sent_on=datetime.date(2026, 12, 12),
        sk_date=datetime.date(2026, 12, 14),
        sk_number="PAS-1",
    )
    text = page(client_for("petugas.selong"), proposal, language).content.decode()
    assert text.count('class="overdue-days"') == 1  # the facility's clock, not the Kanwil's
    assert words in " ".join(text.split())
    assert "Passed by" not in text and "Lewat" not in text


def test_a_clock_within_its_time_is_not_red(client_for, person):
    proposal = make_proposal(person, eligible_on=person.facility.today())
    text = page(client_for("petugas.selong"), proposal, "en").content.decode()
    assert "Passed by" not in text
    assert "could have been proposed earlier" not in text


def test_the_moves_are_the_readers_and_withdrawing_is_apart(client_for, person):
    proposal = at_stage(make_proposal(person), Stage.SENT)
    head = page(client_for("kalapas.selong"), proposal, "en").content.decode()
    assert "Record the SK (granted)" in head and "Record the refusal" in head
    assert 'name="granted-sk_number"' in head
    assert "card card-danger" in head and 'name="withdrawn-confirm"' in head
    wali = page(client_for("wali.selong"), proposal, "en").content.decode()
    assert "Record the SK (granted)" not in wali and "Withdraw this proposal" not in wali
    kanwil = page(client_for("kanwil.ntb"), proposal, "en")
    assert kanwil.status_code == 200
    assert "Next step" not in kanwil.content.decode()


@pytest.mark.parametrize("username", ["petugas.lobar", "mitra.disnaker", "pk.bapas"])
def test_outsiders_get_a_404(client_for, person, username):
    proposal = make_proposal(person)
    assert page(client_for(username), proposal).status_code == 404
    response = client_for(username).post(
        reverse("proposals:move", args=[proposal.pk]), {"to_stage": "documents"}
    )
    assert response.status_code == 404
    assert Proposal.objects.get(pk=proposal.pk).stage == Stage.ELIGIBLE


def test_a_move_through_the_page(client_for, person):
    proposal = make_proposal(person)
    response = client_for("wali.selong").post(
        reverse("proposals:move", args=[proposal.pk]),
        {"to_stage": "documents", "documents-note": "Mulai"},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.stage == Stage.DOCUMENTS
    assert proposal.events.last().note == "Mulai"


def test_a_missing_fact_is_shown_at_its_field_and_nothing_moves(client_for, person):
    proposal = make_proposal(person)
    prepare(proposal, Stage.SENT, Stage.GRANTED)
    response = client_for("kalapas.selong").post(
        reverse("proposals:move", args=[proposal.pk]),
        {"to_stage": "granted", "granted-sk_date": str(person.facility.today())},
        language="en",
    )
    assert response.status_code == 422
    assert 'id="id_granted-sk_number-error"' in response.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).stage == Stage.SENT


def test_a_move_not_allowed_is_refused_with_a_message(client_for, person):
    proposal = make_proposal(person)
    client = client_for("kalapas.selong")
    response = client.post(
        reverse("proposals:move", args=[proposal.pk]),
        {
            "to_stage": "granted",
            "granted-sk_number": "X",
            "granted-sk_date": str(person.facility.today()),
        },
        language="en",
        follow=True,
    )
    assert "Allowed:" in response.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).stage == Stage.ELIGIBLE


def test_withdrawing_needs_the_confirmation(client_for, person):
    proposal = make_proposal(person)
    client = client_for("petugas.selong")
    url = reverse("proposals:move", args=[proposal.pk])
    refused = client.post(url, {"to_stage": "withdrawn", "withdrawn-reason": "Pindah"})
    assert refused.status_code == 422
    assert Proposal.objects.get(pk=proposal.pk).stage == Stage.ELIGIBLE
    done = client.post(
        url, {"to_stage": "withdrawn", "withdrawn-reason": "Pindah", "withdrawn-confirm": "on"}
    )
    assert done.status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).stage == Stage.WITHDRAWN


def test_a_document_is_uploaded_checked_and_read_back_audited(client_for, person):
    proposal = make_proposal(person)
    client = client_for("wali.selong")
    url = reverse("proposals:document_add", args=[proposal.pk])
    bad = client.post(url, {"kind": "statement", "file": pdf("x.pdf").__class__("x.pdf", b"nope")})
    assert bad.status_code == 422
    assert client.post(url, {"kind": "statement", "file": pdf()}).status_code == 302
    document = ProposalDocument.objects.get(proposal=proposal)
    response = client.get(reverse("proposals:document", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="proposal.document.view").exists()
    assert (
        client_for("petugas.lobar")
        .get(reverse("proposals:document", args=[document.pk]))
        .status_code
        == 404
    )
    assert (
        client_for("petugas.lobar").post(url, {"kind": "statement", "file": pdf()}).status_code
        == 404
    )


def test_the_inmate_page_offers_to_start_a_proposal_for_an_eligible_right(client_for, person):
    client = client_for("petugas.selong")
    start = reverse("proposals:start", args=[person.pk, "pb"])
    text = client.get(reverse("inmates:detail", args=[person.pk])).content.decode()
    assert start in text
    assert client.get(start).status_code == 200
    response = client.post(start, {"sdp_reference": "PB-5"})
    proposal = Proposal.objects.get(inmate=person, right=Right.PB)
    assert response.status_code == 302 and response.url == proposal.get_absolute_url()
    assert proposal.sdp_reference == "PB-5"
    text = client.get(reverse("inmates:detail", args=[person.pk])).content.decode()
    assert proposal.get_absolute_url() in text
    assert start not in text
    assert client.get(start).status_code == 302  # to the open proposal


def test_the_kanwil_sees_the_inmate_page_without_a_start_link(client_for, person):
    text = (
        client_for("kanwil.ntb").get(reverse("inmates:detail", args=[person.pk])).content.decode()
    )
    assert reverse("proposals:start", args=[person.pk, "pb"]) not in text
    assert (
        client_for("kanwil.ntb").get(reverse("proposals:start", args=[person.pk, "pb"])).status_code
        == 403
    )
    assert (
        client_for("petugas.lobar")
        .get(reverse("proposals:start", args=[person.pk, "pb"]))
        .status_code
        == 404
    )


def test_the_page_query_count_does_not_grow_with_events_and_documents(client_for, person):
    proposal = make_proposal(person)
    client = client_for("petugas.selong")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert page(client, proposal).status_code == 200
        return len(ctx)

    few = count()
    from tests.proposals.factories import add_checklist

    add_checklist(proposal)
    for _ in range(5):
        proposal.events.create(to_stage=Stage.DOCUMENTS, on=proposal.stage_since)
    assert count() == few


def test_a_released_proposal_shows_no_moves(client_for, selong):
    person = eligible_person(selong)
    proposal = at_stage(make_proposal(person), Stage.RELEASED, released_on=selong.today())
    text = page(client_for("petugas.selong"), proposal, "en").content.decode()
    assert "Next step" not in text and "Withdraw this proposal" not in text


@pytest.mark.parametrize(
    ("category", "office"), [("general", "kanwil"), ("narcotics", "ditjenpas")]
)
def test_sending_suggests_the_kanwil_for_general_crimes_and_ditjenpas_for_special_ones(
    client_for, person, category, office
):
    from sinergi.inmates.models import Sentence

    Sentence.objects.filter(inmate=person).update(crime_category=category)
    proposal = at_stage(make_proposal(person), Stage.TPP)
    recommend(proposal)  # the sending is offered once the TPP recommended
    text = page(client_for("kalapas.selong"), proposal, "en").content.decode()
    assert f'<option value="{office}" selected>' in text


# Walkthrough finding: a man 4 days past his release date was offered "Start a proposal".
# On his release day and after, the inmate page offers none (he is to be released).
@pytest.mark.parametrize(("shift", "offered"), [(1, True), (0, False), (-4, False)])
def test_no_proposal_is_offered_once_the_release_day_has_come(client_for, person, shift, offered):
    from sinergi.inmates.models import Sentence

    today = person.facility.today()
    Sentence.objects.filter(inmate=person).update(
        release_date=None, expiry_after_remission=today + datetime.timedelta(days=shift)
    )
    text = (
        client_for("petugas.selong")
        .get(reverse("inmates:detail", args=[person.pk]))
        .content.decode()
    )
    assert (reverse("proposals:start", args=[person.pk, "pb"]) in text) is offered


# Walkthrough findings: the "refused" stage read "Menolak hadir" (refused to attend, the
# attendance status's word) and the TPP form's button "Data" (the audit list's "Record").
def test_the_refused_stage_and_the_tpp_button_read_right_in_indonesian() -> None:
    from django.utils import translation

    from sinergi.proposals.choices import Stage

    with translation.override("id"):
        assert str(Stage.REFUSED.label) == "Ditolak"
        assert translation.gettext("Record the recommendation") == "Catat rekomendasi"
