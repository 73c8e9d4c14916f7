"""Workflow buttons say what the user does, never the status reached; each side is
offered only its own moves with only their fields; a destructive move sits apart and is
confirmed (issue 16)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from django.utils import timezone, translation

from sinergi.accounts.models import User
from sinergi.cooperation import actions as cooperation
from sinergi.cooperation.choices import ActionStatus, RequestStatus
from sinergi.cooperation.models import ActionItem, Meeting, SupportRequest
from sinergi.orgs.models import Facility, Partner
from sinergi.programs.choices import ProgramStatus
from sinergi.proposals.choices import Stage
from sinergi.proposals.forms import VERBS
from sinergi.reintegration import actions as reintegration
from sinergi.reintegration.choices import ReferralStatus
from sinergi.reintegration.models import Referral
from tests.inmates.factories import make_inmate
from tests.programs.factories import ProgramFactory

WORKFLOWS: dict[str, tuple[list[Any], Any]] = {
    "support requests": (
        [m.verb for m in cooperation.REQUEST_MOVES.values()],
        RequestStatus,
    ),
    "referrals": ([m.verb for m in reintegration.REFERRAL_MOVES.values()], ReferralStatus),
    "action items": ([m.verb for m in cooperation.ACTION_ITEM_MOVES.values()], ActionStatus),
    "proposals": (list(VERBS.values()), Stage),
}
EN = {"language": "en"}


def _words(text: Any) -> str:
    return " ".join(str(text).split()).strip(" .…").casefold()


@pytest.mark.parametrize("language", ["en", "id"])
@pytest.mark.parametrize("workflow", sorted(WORKFLOWS))
def test_no_move_is_labelled_with_a_status(workflow, language):
    verbs, statuses = WORKFLOWS[workflow]
    with translation.override(language):
        said = {_words(v) for v in verbs}
        named = {_words(label) for label in statuses.labels}
        assert said and named
        assert not said & named, (workflow, language, said & named)
        assert all(s for s in said)


def _buttons(html: str) -> list[str]:
    found = re.findall(r"<button[^>]*>(.*?)</button>", html, flags=re.S)
    return [_words(unescape(re.sub(r"<[^>]+>", "", b))) for b in found]


def _no_status_on_a_button(html: str, statuses: Any) -> None:
    buttons = set(_buttons(html))
    for language in ("en", "id"):
        with translation.override(language):
            named = {_words(label) for label in statuses.labels}
        assert not buttons & named, buttons & named


def _request(status: str) -> SupportRequest:
    return SupportRequest.objects.create(
        facility=Facility.objects.get(code="selong"),
        partner=Partner.objects.get(code="disnaker-lotim"),
        kind="instructor",
        title="Instruktur las",
        quantity=Decimal(40),
        unit="jam",
        needed_by=timezone.localdate() + datetime.timedelta(days=30),
        justification="Kelas las",
        status=status,
    )


def _moves_section(html: str) -> tuple[str, str]:
    """The main moves and, apart, the destructive ones, of a page."""
    start = html.find('<section class="card moves"')
    if start < 0:
        return "", ""
    section = html[start : html.index("</section>", start)]
    main, _, destructive = section.partition('<div class="destructive-moves">')
    return main, destructive


@pytest.mark.parametrize("language", [EN, {"language": "id"}])
def test_the_officers_draft_shows_no_partner_field_and_no_status_button(
    client_for, demo_world, language
):
    draft = _request("draft")
    html = client_for("petugas.selong").get(f"/cooperation/requests/{draft.pk}/", **language)
    html = html.content.decode()
    _no_status_on_a_button(html, RequestStatus)
    main, destructive = _moves_section(html)
    assert main.count("<form") == 0  # the officer does not send: the head does
    assert "accepted_quantity" not in html and "declined-note" not in html
    # discarding the draft sits apart, folded, and asks to confirm
    assert "<details" in destructive and 'name="closed-confirm"' in destructive
    assert re.search(r'name="closed-confirm"[^>]*required', destructive)


def test_a_side_with_no_main_move_is_told_who_moves_next(client_for, demo_world):
    draft = _request("draft")
    html = client_for("petugas.selong").get(f"/cooperation/requests/{draft.pk}/", **EN)
    assert "“Send to the partner” (the head of the facility)" in unescape(html.content.decode())
    outsider = client_for("wali.selong").get(f"/cooperation/requests/{draft.pk}/", **EN)
    assert outsider.status_code == 404 or "by the other side" not in outsider.content.decode()


def test_the_head_sends_a_draft_and_may_discard_it_apart(client_for, demo_world):
    draft = _request("draft")
    html = client_for("kalapas.selong").get(f"/cooperation/requests/{draft.pk}/", **EN)
    main, destructive = _moves_section(html.content.decode())
    assert "Send to the partner" in main and "Discard the draft" not in main
    assert "Discard the draft" in destructive and 'class="danger"' in destructive
    assert 'class="danger"' not in main


def test_the_partner_answers_with_its_own_fields_only(client_for, demo_world):
    sent = _request("submitted")
    html = client_for("mitra.disnaker").get(f"/cooperation/requests/{sent.pk}/", **EN)
    html = html.content.decode()
    _no_status_on_a_button(html, RequestStatus)
    main, destructive = _moves_section(html)
    for verb in ("Start the review", "Accept in full", "Accept in part"):
        assert verb in main
    assert 'name="partially_accepted-accepted_quantity"' in main
    assert "Decline with a reason" in destructive and 'name="declined-note"' in destructive
    assert "Withdraw the request" not in html  # the facility's move
    # the head, meanwhile, sees neither the quantity accepted nor a reason to decline
    head = client_for("kalapas.selong").get(f"/cooperation/requests/{sent.pk}/", **EN)
    head_html = head.content.decode()
    assert "accepted_quantity" not in head_html and "declined-note" not in head_html
    assert "Withdraw the request" in _moves_section(head_html)[1]


def test_a_destructive_move_unconfirmed_changes_nothing(client_for, demo_world):
    sent = _request("submitted")
    partner = client_for("mitra.disnaker")
    url = f"/cooperation/requests/{sent.pk}/status/"
    refused = partner.post(url, {"to": "declined", "declined-note": "Anggaran habis"}, **EN)
    assert refused.status_code == 302
    sent.refresh_from_db()
    assert sent.status == "submitted"
    partner.post(
        url, {"to": "declined", "declined-note": "Anggaran habis", "declined-confirm": "on"}, **EN
    )
    sent.refresh_from_db()
    assert (sent.status, sent.answer_note) == ("declined", "Anggaran habis")


def test_accepting_in_part_from_the_page_keeps_the_quantity(client_for, demo_world):
    sent = _request("submitted")
    client_for("mitra.disnaker").post(
        f"/cooperation/requests/{sent.pk}/status/",
        {
            "to": "partially_accepted",
            "partially_accepted-accepted_quantity": "12",
            "partially_accepted-note": "Hanya 12 jam",
        },
    )
    sent.refresh_from_db()
    assert (sent.status, sent.accepted_quantity) == ("partially_accepted", Decimal(12))


def test_a_refused_move_is_named_by_its_verb_not_its_code(client_for, demo_world):
    sent = _request("submitted")
    response = client_for("kalapas.selong").post(
        f"/api/v1/support-requests/{sent.pk}/transitions",
        {"to": "accepted"},
        content_type="application/json",
        **EN,
    )
    assert response.status_code == 409
    body = response.json()
    assert body["allowed"] == ["closed"]  # the API keeps the codes
    assert "“Withdraw the request”" in body["detail"]
    assert "closed" not in body["detail"] and "accepted" not in body["detail"]
    with translation.override("id"):
        sent.status = "draft"
        sent.save(update_fields=["status"])
        with pytest.raises(cooperation.RequestConflict) as exc:
            cooperation.transition_request(
                request=sent, to="accepted", by=User.objects.get(username="mitra.disnaker")
            )
        assert "closed" not in exc.value.detail and "Ditutup" not in exc.value.detail


@pytest.fixture
def referral(demo_world) -> Referral:
    officer = User.objects.get(username="petugas.selong")
    person = make_inmate(
        facility=Facility.objects.get(code="selong"),
        detention_start=datetime.date(2024, 6, 1),
        term_years=2,
    )
    dukcapil = Partner.objects.get(code="dukcapil-lotim")
    reintegration.record_consent(
        inmate=person, partner=dukcapil, purpose="e-KTP", given_on=timezone.localdate(), by=officer
    )
    return reintegration.refer(
        inmate=person, partner=dukcapil, purpose="e-KTP", contact="x", by=officer
    )


def test_each_side_of_a_referral_sees_its_own_moves(client_for, referral):
    url = f"/reintegration/referrals/{referral.pk}/"
    facility = client_for("petugas.selong").get(url, **EN).content.decode()
    _no_status_on_a_button(facility, ReferralStatus)
    main, destructive = _moves_section(facility)
    assert "<form" not in main
    assert "Cancel the referral" in destructive and 'name="cancelled-confirm"' in destructive
    assert "accept the referral" not in _buttons(facility) and "outcome" not in facility
    assert "“Accept the referral” (the partner)" in unescape(main)  # who moves next
    partner = client_for("mitra.dukcapil").get(url, **EN).content.decode()
    _no_status_on_a_button(partner, ReferralStatus)
    main, destructive = _moves_section(partner)
    assert "accept the referral" in _buttons(main)
    assert "Decline with a reason" in destructive and 'name="declined-note"' in destructive
    assert "Cancel the referral" not in partner
    reintegration.transition_referral(
        referral=referral, to="accepted", by=User.objects.get(username="mitra.dukcapil")
    )
    partner = client_for("mitra.dukcapil").get(url, **EN).content.decode()
    main, destructive = _moves_section(partner)
    assert 'name="completed-outcome"' in main and destructive == ""
    assert "Complete with the outcome" in main and "Start the service" in main


def test_declining_a_referral_needs_a_reason_and_a_confirmation(client_for, referral):
    partner = client_for("mitra.dukcapil")
    url = f"/reintegration/referrals/{referral.pk}/status/"
    partner.post(url, {"to": "declined", "declined-confirm": "on"}, **EN)
    referral.refresh_from_db()
    assert referral.status == "sent"
    partner.post(url, {"to": "declined", "declined-note": "Di luar wilayah"}, **EN)
    referral.refresh_from_db()
    assert referral.status == "sent"
    partner.post(
        url, {"to": "declined", "declined-note": "Di luar wilayah", "declined-confirm": "on"}
    )
    referral.refresh_from_db()
    assert (referral.status, referral.outcome_note) == ("declined", "Di luar wilayah")


def test_a_refused_referral_move_names_the_verbs(referral):
    with translation.override("en"), pytest.raises(Exception) as exc:
        reintegration.transition_referral(
            referral=referral, to="completed", by=User.objects.get(username="mitra.dukcapil")
        )
    said = str(getattr(exc.value, "detail", exc.value))
    assert "“Accept the referral”" in said and "completed" not in said


def test_an_action_item_is_marked_done_or_dropped_apart_with_a_confirmation(client_for, demo_world):
    selong = Facility.objects.get(code="selong")
    meeting = Meeting.objects.create(facility=selong, title="Rakor", date=datetime.date(2026, 2, 1))
    item = ActionItem.objects.create(
        meeting=meeting, title="Surat", due_date=datetime.date(2026, 3, 1), owner_facility=selong
    )
    officer = client_for("petugas.selong")
    html = officer.get(f"/cooperation/meetings/{meeting.pk}/", **EN).content.decode()
    _no_status_on_a_button(html, ActionStatus)
    assert "Mark as done" in html
    dropping = html[html.index('<details class="destructive-moves"') :]
    assert "Drop with a reason" in dropping and f'name="dropped-{item.pk}-confirm"' in dropping
    close = f"/cooperation/actions/{item.pk}/close/"
    officer.post(close, {"status": "dropped", f"dropped-{item.pk}-reason": "Tidak perlu"})
    item.refresh_from_db()
    assert item.status == "open"
    officer.post(
        close,
        {
            "status": "dropped",
            f"dropped-{item.pk}-reason": "Tidak perlu",
            f"dropped-{item.pk}-confirm": "on",
        },
    )
    item.refresh_from_db()
    assert (item.status, item.drop_reason) == ("dropped", "Tidak perlu")


@pytest.mark.parametrize("status", ["draft", "running"])
def test_cancelling_a_program_sits_apart_and_asks_to_confirm(client_for, demo_world, status):
    program = ProgramFactory(
        facility=Facility.objects.get(code="selong"),
        status=status,
        created_by=User.objects.get(username="petugas.selong"),
    )
    who = "petugas.selong" if status == "draft" else "kalapas.selong"
    html = client_for(who).get(f"/programs/{program.pk}/", **EN).content.decode()
    _no_status_on_a_button(html, ProgramStatus)
    main, _, apart = html.partition('<details class="destructive-moves">')
    assert "Cancel the program" not in main.split('id="workflow-title"')[1]
    assert 'name="reason" required' in apart
    assert re.search(r'type="checkbox"[^>]*name="confirm"[^>]*required', apart)


def test_cancelling_a_program_unconfirmed_changes_nothing(client_for, demo_world):
    """The box to tick is checked by the server too, not only by the browser."""
    program = ProgramFactory(
        facility=Facility.objects.get(code="selong"),
        status="draft",
        created_by=User.objects.get(username="petugas.selong"),
    )
    client = client_for("petugas.selong")
    url = f"/programs/{program.pk}/status/"
    client.post(url, {"to": "cancelled", "reason": "Instruktur batal"}, **EN)
    program.refresh_from_db()
    assert program.status == "draft"
    client.post(url, {"to": "cancelled", "reason": "Instruktur batal", "confirm": "on"}, **EN)
    program.refresh_from_db()
    assert program.status == "cancelled"
