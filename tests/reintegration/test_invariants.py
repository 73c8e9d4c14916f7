"""Each rule a reintegration form enforces holds in the action too, so the page, the API
and the admin give the same answer: a field error (422 in the API) naming the field."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.orgs.models import Facility, Partner
from sinergi.reintegration import actions
from sinergi.reintegration.models import JobApplication, JobOpening, Release

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_bapas(demo_world):
    """A Bapas no longer active, with a probation officer still on its books."""
    bapas = Facility.objects.create(
        code="bapas-tutup",
        name="Bapas Tutup",
        kind="bapas",
        is_active=False,
        region=Facility.objects.get(code="bapas-mataram").region,
    )
    officer = User.objects.create(username="pk.tutup")
    officer.memberships.create(role="probation_officer", facility=bapas)
    return bapas


def test_the_api_refuses_a_release_to_a_bapas_no_longer_active(client_for, person, closed_bapas):
    # The release form offers only active Bapas; the API named one by its code.
    response = client_for("petugas.selong").post(
        "/api/v1/releases",
        {
            "inmate_id": person.pk,
            "released_on": timezone.localdate().isoformat(),
            "kind": "expiry",
            "bapas": closed_bapas.code,
        },
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert "bapas" in response.json()["errors"]
    assert not Release.objects.exists()


def test_the_action_refuses_a_release_to_a_bapas_no_longer_active(officer, person, closed_bapas):
    with pytest.raises(ValidationError) as refused:
        actions.record_release(
            inmate=person,
            values={"released_on": timezone.localdate(), "kind": "expiry", "bapas": closed_bapas},
            by=officer,
        )
    assert "bapas" in refused.value.message_dict
    assert not Release.objects.exists()


@pytest.fixture
def application(officer, person):
    opening = JobOpening.objects.create(
        partner=Partner.objects.filter(kind="business").first(),
        title="Tukang las",
        closing_date=timezone.localdate(),
        vacancies=1,
    )
    return JobApplication.objects.create(opening=opening, inmate=person, created_by=officer)


@pytest.mark.parametrize(
    ("status", "note", "field"),
    [("bogus", "", "status"), ("", "", "status"), ("hired", "x" * 301, "note")],
)
def test_an_application_status_off_the_list_or_a_note_too_long_is_a_field_error(
    officer, application, status, note, field
):
    with pytest.raises(ValidationError) as refused:
        actions.update_application(application=application, status=status, note=note, by=officer)
    assert field in refused.value.message_dict
    application.refresh_from_db()
    assert (application.status, application.note) == ("applied", "")


def test_the_job_page_says_which_field_was_refused(client_for, application):
    response = client_for("petugas.selong").post(
        application.opening.get_absolute_url(),
        {"application": application.pk, "status": "bogus", "note": ""},
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    assert any(m.lower().startswith("status:") for m in shown), shown
    application.refresh_from_db()
    assert application.status == "applied"


@pytest.mark.parametrize("kind", ["pb", "cb", "cmb"])
def test_a_conditional_release_is_handed_over_to_a_bapas(officer, person, kind):
    # PB, CB and CMB are served outside under a Bapas's supervision: recorded with no
    # Bapas, nobody would ever see the person's follow-ups but the facility.
    with pytest.raises(ValidationError) as refused:
        actions.record_release(
            inmate=person,
            by=officer,
            values={
                # Before the sentence ends (1 June 2026): a conditional release after
                # it is refused on its own account.
                "released_on": datetime.date(2026, 5, 20),
                "kind": kind,
                "sk_number": "PAS-4.PK.01.05.06",
                "sk_date": datetime.date(2026, 5, 15),
            },
        )
    assert set(refused.value.message_dict) == {"bapas"}
    assert not Release.objects.filter(inmate=person).exists()


def test_the_api_refuses_a_parole_with_no_bapas(client_for, person):
    response = client_for("petugas.selong").post(
        "/api/v1/releases",
        {"inmate_id": person.pk, "released_on": timezone.localdate().isoformat(), "kind": "pb"},
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert "bapas" in response.json()["errors"]


def test_an_end_of_sentence_release_needs_no_bapas(officer, person):
    release = actions.record_release(
        inmate=person,
        by=officer,
        values={"released_on": timezone.localdate(), "kind": "expiry"},
    )
    assert release.bapas is None
