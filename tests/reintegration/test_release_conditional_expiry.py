"""A conditional release (PB, CB, CMB) is served outside before the sentence ends: one
recorded on or after the sentence's end (after remisi) is refused, naming that day and
telling to record a release at the end of the sentence instead; the action, the page
and the API give the same answer (the admin records no release). Issue 16."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from sinergi.accounts.models import User
from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Facility
from sinergi.reintegration import actions
from sinergi.reintegration.models import Release

pytestmark = pytest.mark.django_db

SK = "PAS-5.PK.01.05.06-78"
# The fixture's person: 2 years from 1 June 2024, no remisi: the sentence ends 1 June 2026.
SENTENCE_END = datetime.date(2026, 6, 1)


def _values(kind: str, on: datetime.date) -> dict[str, Any]:
    return {
        "released_on": on,
        "kind": kind,
        "sk_number": SK,
        "sk_date": on - datetime.timedelta(days=3),
        "bapas": Facility.objects.get(code="bapas-mataram"),
    }


@pytest.mark.parametrize("kind", ["pb", "cb", "cmb"])
def test_a_conditional_release_on_the_day_the_sentence_ends_is_refused_naming_it(
    officer: User, person: Inmate, kind: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.record_release(inmate=person, by=officer, values=_values(kind, SENTENCE_END))
    (message,) = refused.value.message_dict["released_on"]
    assert "1 June 2026" in message or "1 Juni 2026" in message
    assert "bebas murni" in message
    assert not Release.objects.filter(inmate=person).exists()


def test_a_conditional_release_after_the_sentence_ended_is_refused(
    officer: User, person: Inmate
) -> None:
    today = person.facility.today()
    assert today > SENTENCE_END  # the fixture's sentence has ended
    errors = actions.release_errors(inmate=person, values=_values("pb", today))
    assert "released_on" in errors


def test_a_conditional_release_the_day_before_the_sentence_ends_is_recorded(
    officer: User, person: Inmate
) -> None:
    release = actions.record_release(
        inmate=person, by=officer, values=_values("pb", SENTENCE_END - datetime.timedelta(days=1))
    )
    assert release.kind == "pb"


def test_a_release_after_tomorrow_is_refused(officer: User, person: Inmate) -> None:
    later = person.facility.today() + datetime.timedelta(days=2)
    errors = actions.release_errors(inmate=person, values={"released_on": later, "kind": "expiry"})
    assert "released_on" in errors


def test_the_page_refuses_it_in_indonesian(client_for: Any, person: Inmate) -> None:
    refused = client_for("petugas.selong").post(
        f"/reintegration/inmates/{person.pk}/release/",
        {
            "released_on": SENTENCE_END.isoformat(),
            "kind": "pb",
            "sk_number": SK,
            "sk_date": "2026-05-20",
            "bapas": Facility.objects.get(code="bapas-mataram").pk,
            "confirmed": "1",
        },
        HTTP_ACCEPT_LANGUAGE="id",
    )
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "1 Juni 2026" in text and "bebas murni" in text
    assert not Release.objects.filter(inmate=person).exists()


def test_the_api_refuses_it_with_the_same_field_error(client_for: Any, person: Inmate) -> None:
    refused = client_for("petugas.selong").post(
        "/api/v1/releases",
        {
            "inmate_id": person.pk,
            "released_on": SENTENCE_END.isoformat(),
            "kind": "cb",
            "sk_number": SK,
            "sk_date": "2026-05-20",
            "bapas": "bapas-mataram",
            "confirm": True,
        },
        content_type="application/json",
    )
    assert refused.status_code == 422, refused.content
    assert "released_on" in refused.json()["errors"]
    assert not Release.objects.filter(inmate=person).exists()
