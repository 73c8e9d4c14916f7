"""Every number and date of a release, a follow-up, a consent and a job opening has
bounds, checked in the action (so the page, the API and the admin agree); bad input is a
field error (422 with ``errors`` in the API), and nothing stored can break a page."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.orgs.models import Facility, Partner
from sinergi.reintegration import actions
from sinergi.reintegration.models import Consent, FollowUp, JobOpening, Release

pytestmark = pytest.mark.django_db


def _release_api(client, person, **fields):
    body = {"inmate_id": person.pk, "released_on": "2026-06-01", "kind": "expiry", **fields}
    return client.post("/api/v1/releases", body, content_type="application/json")


def test_savings_of_a_trillion_rupiah_are_refused_by_the_api(client_for, person):
    response = _release_api(client_for("petugas.selong"), person, savings_rupiah=10**12)
    assert response.status_code == 422, response.content
    assert "savings_rupiah" in response.json()["errors"]
    assert not Release.objects.exists()


def test_savings_above_a_billion_rupiah_are_refused_by_the_action(officer, person):
    with pytest.raises(ValidationError) as refused:
        actions.record_release(
            inmate=person,
            by=officer,
            values={
                "released_on": datetime.date(2026, 6, 1),
                "kind": "expiry",
                "savings_rupiah": actions.MAX_SAVINGS_RUPIAH + 1,
            },
        )
    assert "savings_rupiah" in refused.value.message_dict
    assert not Release.objects.exists()


@pytest.mark.parametrize(
    ("days", "field"),
    [
        (None, "released_on"),  # before the detention start
        (10, "released_on"),  # ten days ahead
    ],
)
def test_a_release_date_outside_the_custody_is_a_field_error_in_the_api(
    client_for, person, days, field
):
    if days is None:
        released_on = datetime.date(2024, 5, 31)
    else:
        released_on = person.facility.today() + datetime.timedelta(days=days)
    response = _release_api(
        client_for("petugas.selong"), person, released_on=released_on.isoformat()
    )
    assert response.status_code == 422, response.content
    body = response.json()
    assert set(body) >= {"detail", "code", "errors"}
    assert field in body["errors"]
    assert not Release.objects.exists()


def test_a_release_date_at_the_end_of_the_calendar_is_refused(client_for, person):
    response = _release_api(client_for("petugas.selong"), person, released_on="9999-12-31")
    assert response.status_code == 422, response.content
    assert "released_on" in response.json()["errors"]
    assert not Release.objects.exists()


def test_a_release_tomorrow_is_allowed_but_not_the_day_after(officer, person):
    today = person.facility.today()
    with pytest.raises(ValidationError):
        actions.record_release(
            inmate=person,
            by=officer,
            values={"released_on": today + datetime.timedelta(days=2), "kind": "expiry"},
        )
    actions.record_release(
        inmate=person,
        by=officer,
        values={"released_on": today + datetime.timedelta(days=1), "kind": "expiry"},
    )
    assert Release.objects.count() == 1


def test_the_release_page_shows_field_errors_and_records_nothing(client_for, person):
    client = client_for("petugas.selong")
    response = client.post(
        f"/reintegration/inmates/{person.pk}/release/",
        {"released_on": "not-a-date", "kind": "expiry", "savings_rupiah": str(10**12)},
    )
    assert response.status_code == 200
    errors = response.context["field_errors"]
    assert "released_on" in errors and "savings_rupiah" in errors
    response = client.post(
        f"/reintegration/inmates/{person.pk}/release/",
        {"released_on": "2024-01-01", "kind": "expiry"},
    )
    assert response.status_code == 200
    assert "released_on" in response.context["field_errors"]
    assert not Release.objects.exists()


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="only SQLite stores a number wider than the column"
)
def test_a_huge_savings_value_already_stored_does_not_break_the_pages(client_for, person):
    release = Release.objects.create(
        inmate=person, released_on=datetime.date(2026, 6, 1), kind="expiry"
    )
    FollowUp.objects.create(release=release, month=1, due_on=datetime.date(2026, 7, 1))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reintegration_release SET savings_rupiah = %s WHERE id = %s",
            [10**12, release.pk],
        )
    client = client_for("petugas.selong")
    assert client.get("/api/v1/releases").status_code == 200
    assert client.get("/reintegration/follow-ups/?show=all").status_code == 200
    assert client.get(f"/reintegration/inmates/{person.pk}/handover.pdf").status_code == 200


def test_a_consent_date_that_does_not_parse_is_a_field_error_on_the_page(client_for, person):
    dukcapil = Partner.objects.get(code="dukcapil-lotim")
    response = client_for("petugas.selong").post(
        f"/reintegration/inmates/{person.pk}/consents/",
        {"partner": dukcapil.pk, "purpose": "e-KTP", "given_on": "not-a-date"},
        follow=True,
    )
    assert not Consent.objects.exists()
    shown = [str(m) for m in response.context["messages"]]
    assert any("YYYY-MM-DD" in m for m in shown), shown


def test_a_consent_date_that_does_not_parse_is_a_field_error_in_the_api(client_for, person):
    response = client_for("petugas.selong").post(
        f"/api/v1/inmates/{person.pk}/consents",
        {"partner": "dukcapil-lotim", "purpose": "e-KTP", "given_on": "not-a-date"},
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert "given_on" in response.json()["errors"]
    assert not Consent.objects.exists()


def test_a_consent_given_in_the_future_is_a_field_error_in_the_api(client_for, person):
    later = timezone.localdate() + datetime.timedelta(days=30)
    response = client_for("petugas.selong").post(
        f"/api/v1/inmates/{person.pk}/consents",
        {"partner": "dukcapil-lotim", "purpose": "e-KTP", "given_on": later.isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert "given_on" in response.json()["errors"]
    assert not Consent.objects.exists()


@pytest.fixture
def follow_up(officer, person):
    release = actions.record_release(
        inmate=person,
        by=officer,
        values={
            "released_on": datetime.date(2026, 6, 1),
            "kind": "expiry",
            "bapas": Facility.objects.get(code="bapas-mataram"),
            "probation_officer": User.objects.get(username="pk.bapas"),
        },
    )
    return FollowUp.objects.get(release=release, month=1)


@pytest.mark.parametrize("days", [None, 3])
def test_a_follow_up_date_before_the_release_or_in_the_future_is_refused(
    client_for, follow_up, days
):
    today = follow_up.release.inmate.facility.today()
    done_on = datetime.date(2026, 5, 31) if days is None else today + datetime.timedelta(days=days)
    response = client_for("pk.bapas").post(
        f"/api/v1/follow-ups/{follow_up.pk}",
        {"contact_made": True, "done_on": done_on.isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert "done_on" in response.json()["errors"]
    follow_up.refresh_from_db()
    assert follow_up.done_on is None


def test_a_follow_up_work_status_outside_the_choices_is_refused(client_for, follow_up):
    response = client_for("pk.bapas").post(
        f"/api/v1/follow-ups/{follow_up.pk}",
        {"work_status": "astronaut"},
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    follow_up.refresh_from_db()
    assert follow_up.done_on is None and follow_up.work_status == ""


def test_a_follow_up_date_that_does_not_parse_is_a_field_error_on_the_page(client_for, follow_up):
    response = client_for("pk.bapas").post(
        f"/reintegration/follow-ups/{follow_up.pk}/",
        {"contact_made": "on", "done_on": "31-31-2026"},
    )
    assert response.status_code == 200
    assert "done_on" in response.context["field_errors"]
    follow_up.refresh_from_db()
    assert follow_up.done_on is None


def test_job_opening_vacancies_and_closing_date_have_bounds(demo_world):
    business = Partner.objects.get(code="bengkel-rinjani")
    boss = User.objects.create(username="mitra.bengkel")
    boss.memberships.create(role="partner_user", partner=business)
    today = timezone.localdate()
    for values, field in (
        ({"vacancies": 2**40, "closing_date": today}, "vacancies"),
        ({"vacancies": 1, "closing_date": today - datetime.timedelta(days=1)}, "closing_date"),
        ({"vacancies": 1, "closing_date": datetime.date(9999, 1, 1)}, "closing_date"),
    ):
        with pytest.raises(ValidationError) as refused:
            actions.post_job(partner=business, by=boss, values={"title": "Las", **values})
        assert field in refused.value.message_dict
    assert not JobOpening.objects.exists()


def test_the_models_validate_the_same_bounds(person):
    """What the admin or a script validating a model sees, the action refuses too."""
    too_rich = Release(
        inmate=person,
        released_on=datetime.date(2024, 5, 1),
        kind="expiry",
        savings_rupiah=10**12,
    )
    with pytest.raises(ValidationError) as refused:
        too_rich.full_clean()
    assert {"released_on", "savings_rupiah"} <= set(refused.value.message_dict)
    release = Release.objects.create(
        inmate=person, released_on=datetime.date(2026, 6, 1), kind="expiry"
    )
    early = FollowUp(
        release=release,
        month=200,
        due_on=datetime.date(2026, 7, 1),
        done_on=datetime.date(2026, 5, 1),
    )
    with pytest.raises(ValidationError) as refused:
        early.full_clean()
    assert {"done_on", "month"} <= set(refused.value.message_dict)
