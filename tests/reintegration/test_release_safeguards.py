"""Recording a release has safeguards (issue 16): a release at the end of the sentence
is not before the sentence's end after remisi; the page shows a review (what is still
open, the consents, the legal basis) before it records; the API wants ``confirm: true``
and otherwise answers 409 with what is open; after the release every change to the
plan is refused except the follow-ups (and a consent's withdrawal, the person's right);
the page hides the edit controls and puts "record the release" after the plan's work."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from sinergi.accounts.models import User
from sinergi.core.errors import Conflict
from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Facility, Partner
from sinergi.reintegration import actions
from sinergi.reintegration.choices import NeedStatus, ReferralStatus
from sinergi.reintegration.models import Consent, FollowUp, Need, Referral, Release

pytestmark = pytest.mark.django_db

SK = "PAS-5.PK.01.05.06-77"
# The fixture's person: 2 years from 1 June 2024, no remisi: the sentence ends 1 June 2026.
SENTENCE_END = datetime.date(2026, 6, 1)


def _pb(**more: Any) -> dict[str, Any]:
    return {
        "released_on": datetime.date(2025, 11, 3),
        "kind": "pb",
        "sk_number": SK,
        "sk_date": datetime.date(2025, 10, 28),
        "bapas": Facility.objects.get(code="bapas-mataram"),
        **more,
    }


# --- a release at the end of the sentence ----------------------------------------------


def test_a_full_term_release_before_the_sentence_ends_is_refused_naming_the_day(
    officer: User, person: Inmate
) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.record_release(
            inmate=person,
            by=officer,
            values={"released_on": SENTENCE_END - datetime.timedelta(days=1), "kind": "expiry"},
        )
    (message,) = refused.value.message_dict["released_on"]
    assert "1 June 2026" in message or "1 Juni 2026" in message
    assert not Release.objects.filter(inmate=person).exists()


def test_a_full_term_release_on_the_day_the_sentence_ends_is_recorded(
    officer: User, person: Inmate
) -> None:
    release = actions.record_release(
        inmate=person, by=officer, values={"released_on": SENTENCE_END, "kind": "expiry"}
    )
    assert release.released_on == SENTENCE_END


def test_the_sentence_end_counts_the_remisi(officer: User, person: Inmate) -> None:
    # A remisi of one month recorded and the sentence recalculated by the engine: the
    # sentence ends a month earlier, and a release at its end follows.
    from sinergi.inmates.calculation import recalculate
    from sinergi.inmates.models import Remission

    Remission.objects.create(
        inmate=person, kind="umum", year=2025, months=1, granted_on=datetime.date(2025, 8, 17)
    )
    assert recalculate([person.pk], today=datetime.date(2025, 9, 1)) == 1
    person.sentence.refresh_from_db()
    end = actions.sentence_release_due(person)
    assert end is not None and end < SENTENCE_END
    errors = actions.release_errors(inmate=person, values={"released_on": end, "kind": "expiry"})
    assert "released_on" not in errors
    errors = actions.release_errors(
        inmate=person,
        values={"released_on": end - datetime.timedelta(days=1), "kind": "expiry"},
    )
    assert "released_on" in errors


def test_an_early_release_on_a_right_is_not_held_to_the_sentence_end(
    officer: User, person: Inmate
) -> None:
    assert actions.release_errors(inmate=person, values=_pb()) == {}


# --- the page's review ------------------------------------------------------------------


def test_the_release_page_reviews_what_is_open_before_it_records(
    client_for: Any, officer: User, person: Inmate
) -> None:
    actions.start_plan(inmate=person, by=officer)
    client = client_for("petugas.selong")
    url = f"/reintegration/inmates/{person.pk}/release/"
    posted = {
        "released_on": "2025-11-03",
        "kind": "pb",
        "sk_number": SK,
        "sk_date": "2025-10-28",
        "bapas": Facility.objects.get(code="bapas-mataram").pk,
        "address": "Jl. Pejanggik 12",
    }
    review = client.post(url, posted, language="en")
    assert review.status_code == 200
    text = review.content.decode()
    open_needs = Need.objects.filter(plan__inmate=person).count()
    assert f"{open_needs} needs still open" in text
    assert SK in text and "Jl. Pejanggik 12" in text
    assert 'name="confirmed"' in text
    assert not Release.objects.filter(inmate=person).exists()
    # Going back shows the form as it was posted, nothing recorded.
    back = client.post(url, {**posted, "edit": "1"})
    assert 'value="Jl. Pejanggik 12"' in back.content.decode()
    assert not Release.objects.filter(inmate=person).exists()
    done = client.post(url, {**posted, "confirmed": "1"})
    assert done.status_code == 302
    assert Release.objects.get(inmate=person).address == "Jl. Pejanggik 12"


def test_the_release_page_refuses_a_full_term_release_before_the_end(
    client_for: Any, person: Inmate
) -> None:
    client = client_for("petugas.selong")
    refused = client.post(
        f"/reintegration/inmates/{person.pk}/release/",
        {"released_on": "2026-05-30", "kind": "expiry", "confirmed": "1"},
        language="id",
    )
    assert refused.status_code == 200
    assert "1 Juni 2026" in refused.content.decode()
    assert not Release.objects.filter(inmate=person).exists()


# --- the API's confirmation -------------------------------------------------------------


def test_the_api_answers_409_with_what_is_open_until_confirmed(
    client_for: Any, officer: User, person: Inmate
) -> None:
    actions.start_plan(inmate=person, by=officer)
    client = client_for("petugas.selong")
    payload = {
        "inmate_id": person.pk,
        "released_on": "2025-11-03",
        "kind": "pb",
        "sk_number": SK,
        "sk_date": "2025-10-28",
        "bapas": "bapas-mataram",
        "guarantor": "Ayah kandung",
    }
    asked = client.post("/api/v1/releases", payload, content_type="application/json")
    assert asked.status_code == 409, asked.content
    body = asked.json()
    assert body["code"] == "confirm_required"
    assert len(body["errors"]["open_needs"]) == Need.objects.filter(plan__inmate=person).count()
    assert not Release.objects.filter(inmate=person).exists()
    # A field error is still a 422, before any confirmation.
    bad = client.post(
        "/api/v1/releases", {**payload, "sk_number": ""}, content_type="application/json"
    )
    assert bad.status_code == 422
    done = client.post(
        "/api/v1/releases", {**payload, "confirm": True}, content_type="application/json"
    )
    assert done.status_code == 201, done.content
    assert done.json()["guarantor"] == "Ayah kandung"
    again = client.post("/api/v1/releases", payload, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "already_released"


def test_the_api_schema_documents_the_confirmation(client_for: Any) -> None:
    schema = client_for("petugas.selong").get("/api/v1/openapi.json").json()
    release_in = schema["components"]["schemas"]["ReleaseIn"]["properties"]
    assert "confirm_required" in release_in["confirm"]["description"]


# --- after the release the plan is read only ---------------------------------------------


@pytest.fixture
def released(officer: User, person: Inmate) -> Inmate:
    actions.start_plan(inmate=person, by=officer)
    partner = Partner.objects.get(code="dukcapil-lotim")
    actions.record_consent(
        inmate=person,
        partner=partner,
        purpose="KTP",
        given_on=datetime.date(2025, 10, 1),
        by=officer,
    )
    actions.refer(inmate=person, partner=partner, purpose="KTP", contact="Petugas", by=officer)
    actions.record_release(inmate=person, by=officer, values=_pb())
    return person


def _changes(person: Inmate, officer: User) -> dict[str, Callable[[], Any]]:
    need = Need.objects.filter(plan__inmate=person).first()
    assert need is not None
    referral = Referral.objects.get(inmate=person)
    partner = Partner.objects.get(code="dukcapil-lotim")
    return {
        "update_need": lambda: actions.update_need(
            need=need, values={"status": NeedStatus.MET}, note="", by=officer
        ),
        "record_consent": lambda: actions.record_consent(
            inmate=person,
            partner=partner,
            purpose="lagi",
            given_on=datetime.date(2025, 11, 2),
            by=officer,
        ),
        "refer": lambda: actions.refer(
            inmate=person, partner=partner, purpose="lagi", contact="x", by=officer
        ),
        "transition_referral": lambda: actions.transition_referral(
            referral=referral, to=ReferralStatus.CANCELLED, by=officer
        ),
    }


@pytest.mark.parametrize(
    "change",
    ["update_need", "record_consent", "refer", "transition_referral"],
)
def test_every_change_to_a_released_persons_plan_is_refused(
    officer: User, released: Inmate, change: str
) -> None:
    with pytest.raises(Conflict) as refused:
        _changes(released, officer)[change]()
    assert refused.value.code == "released"


def test_a_released_person_gets_no_new_plan(officer: User, person: Inmate) -> None:
    actions.record_release(inmate=person, by=officer, values=_pb())
    with pytest.raises(Conflict):
        actions.start_plan(inmate=person, by=officer)


def test_the_follow_ups_a_consents_scan_and_its_withdrawal_go_on_after_the_release(
    released: Inmate, tmp_path: Any, settings: Any
) -> None:
    follow_up = FollowUp.objects.filter(release__inmate=released).order_by("month").first()
    assert follow_up is not None
    actions.record_follow_up(
        follow_up=follow_up,
        values={"contact_made": True, "done_on": datetime.date(2025, 12, 3)},
        by=User.objects.get(username="pk.bapas"),
    )
    consent = Consent.objects.get(inmate=released)
    officer = User.objects.get(username="petugas.selong")
    # The scan of the form signed before the release is its proof, kept afterwards too.
    settings.MEDIA_ROOT = tmp_path
    actions.attach_signed_form(
        consent=consent,
        upload=SimpleUploadedFile("scan.pdf", b"%PDF-1.4 signed", "application/pdf"),
        by=officer,
    )
    actions.withdraw_consent(consent=consent, by=officer)


def test_the_partner_still_answers_its_referral_after_the_release(released: Inmate) -> None:
    referral = Referral.objects.get(inmate=released)
    actions.transition_referral(
        referral=referral,
        to=ReferralStatus.ACCEPTED,
        by=User.objects.get(username="mitra.dukcapil"),
    )


def test_the_plan_page_of_a_released_person_shows_no_edit_control(
    client_for: Any, released: Inmate
) -> None:
    page = client_for("petugas.selong").get(f"/reintegration/inmates/{released.pk}/")
    text = page.content.decode()
    for control in ("/needs/", '/consents/"', '/referrals/"', "/signed/", "/release/"):
        assert f'action="/reintegration/inmates/{released.pk}{control}' not in text
    assert "/needs/" not in text
    assert "Start the plan" not in text and "Mulai rencana" not in text
    assert "read-only-note" in text


def test_record_the_release_comes_after_the_plans_work(
    client_for: Any, officer: User, person: Inmate
) -> None:
    actions.start_plan(inmate=person, by=officer)
    text = client_for("petugas.selong").get(f"/reintegration/inmates/{person.pk}/").content.decode()
    button = text.index(f"/reintegration/inmates/{person.pk}/release/")
    for section in ('id="needs-title"', 'id="consents"', 'id="referrals"'):
        assert text.index(section) < button
