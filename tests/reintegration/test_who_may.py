"""Who may be named and who may reach what: the probation officer of the chosen Bapas,
partners that serve the facility, follow-ups that belong to the Bapas, and a withdrawn
consent that hides everything shared under it at once."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.orgs.models import Facility, Partner, Region
from sinergi.reintegration import actions
from sinergi.reintegration.models import (
    Consent,
    FollowUp,
    JobApplication,
    JobOpening,
    Referral,
    Release,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_bapas(demo_world):
    """Another Bapas with its own probation officer."""
    bapas = Facility.objects.create(
        code="bapas-sumbawa",
        name="Bapas Sumbawa",
        kind="bapas",
        region=Facility.objects.get(code="bapas-mataram").region,
    )
    stranger = User.objects.create(username="pk.sumbawa")
    stranger.memberships.create(role="probation_officer", facility=bapas)
    return bapas, stranger


# --- item 4 / issue 12: the probation officer of the chosen Bapas ---------------------


def test_the_api_refuses_a_probation_officer_of_another_bapas(client_for, person, other_bapas):
    response = client_for("petugas.selong").post(
        "/api/v1/releases",
        {
            "inmate_id": person.pk,
            "released_on": "2026-06-01",
            "kind": "expiry",
            "bapas": "bapas-mataram",
            "probation_officer": "pk.sumbawa",
        },
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert "probation_officer" in response.json()["errors"]
    assert client_for("pk.sumbawa").get("/api/v1/follow-ups").json()["count"] == 0


def test_the_api_refuses_any_user_as_probation_officer(client_for, person):
    response = client_for("petugas.selong").post(
        "/api/v1/releases",
        {
            "inmate_id": person.pk,
            "released_on": "2026-06-01",
            "kind": "expiry",
            "bapas": "bapas-mataram",
            "probation_officer": "petugas.lobar",
        },
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert "probation_officer" in response.json()["errors"]


def test_the_action_refuses_an_officer_of_another_bapas(officer, person, other_bapas):
    _bapas, stranger = other_bapas
    with pytest.raises(ValidationError) as refused:
        actions.record_release(
            inmate=person,
            by=officer,
            values={
                "released_on": datetime.date(2026, 6, 1),
                "kind": "expiry",
                "bapas": Facility.objects.get(code="bapas-mataram"),
                "probation_officer": stranger,
            },
        )
    assert "probation_officer" in refused.value.message_dict


def test_the_release_page_refuses_and_does_not_offer_an_officer_of_another_bapas(
    client_for, person, other_bapas
):
    _bapas, stranger = other_bapas
    client = client_for("petugas.selong")
    mataram = Facility.objects.get(code="bapas-mataram")
    page = client.get(f"/reintegration/inmates/{person.pk}/release/?bapas={mataram.pk}")
    offered = {o.username for o in page.context["officers"]}
    assert offered == {"pk.bapas"}
    response = client.post(
        f"/reintegration/inmates/{person.pk}/release/",
        {
            "released_on": "2026-06-01",
            "kind": "expiry",
            "bapas": mataram.pk,
            "probation_officer": stranger.pk,
        },
    )
    assert response.status_code == 200
    assert "probation_officer" in response.context["field_errors"]
    assert not Release.objects.filter(inmate=person).exists()


def test_without_javascript_choosing_a_bapas_posts_back_and_records_nothing(client_for, person):
    """The no-JavaScript "show its probation officers" button posts the form back (a GET
    put the CSRF token in the address) and shows the chosen Bapas's officers."""
    client = client_for("petugas.selong")
    mataram = Facility.objects.get(code="bapas-mataram")
    form = client.get(f"/reintegration/inmates/{person.pk}/release/").content.decode()
    assert 'formmethod="get"' not in form
    assert 'name="show_officers"' in form
    page = client.post(
        f"/reintegration/inmates/{person.pk}/release/",
        {"released_on": "2026-06-01", "kind": "pb", "bapas": mataram.pk, "show_officers": "1"},
    )
    assert page.status_code == 200
    assert {o.username for o in page.context["officers"]} == {"pk.bapas"}
    assert page.context["field_errors"] == {}
    assert not Release.objects.filter(inmate=person).exists()


def test_an_officer_named_on_an_older_release_of_another_bapas_reaches_nothing(
    client_for, person, other_bapas
):
    """Releases recorded before the rule may name an officer of another Bapas: being
    named gives no access, only the Bapas's role does."""
    _bapas, stranger = other_bapas
    release = Release.objects.create(
        inmate=person,
        released_on=datetime.date(2026, 6, 1),
        kind="expiry",
        bapas=Facility.objects.get(code="bapas-mataram"),
        probation_officer=stranger,
    )
    follow_up = FollowUp.objects.create(release=release, month=1, due_on=datetime.date(2026, 7, 1))
    client = client_for("pk.sumbawa")
    assert client.get("/api/v1/follow-ups").json()["count"] == 0
    assert client.get(f"/reintegration/follow-ups/{follow_up.pk}/").status_code == 404
    with pytest.raises(PermissionDenied):
        actions.record_follow_up(follow_up=follow_up, values={"note": "x"}, by=stranger)
    assert client_for("pk.bapas").get("/api/v1/follow-ups").json()["count"] == 1


# --- issue 12: only partners that serve the facility -----------------------------------


@pytest.fixture
def far_partner(demo_world):
    elsewhere = Region.objects.create(code="bali", name="Kanwil Bali", province="Bali")
    return Partner.objects.create(
        code="blk-bali", name="BLK Bali", kind="local_government", region=elsewhere
    )


def test_a_consent_names_only_an_active_partner_serving_the_facility(officer, person, far_partner):
    inactive = Partner.objects.get(code="dukcapil-lotim")
    inactive.is_active = False
    inactive.save()
    for partner in (far_partner, inactive):
        with pytest.raises(ValidationError) as refused:
            actions.record_consent(
                inmate=person,
                partner=partner,
                purpose="Pelatihan",
                given_on=timezone.localdate(),
                by=officer,
            )
        assert "partner" in refused.value.message_dict
    assert not Consent.objects.exists()


def test_the_consent_api_refuses_a_partner_of_another_region(client_for, person, far_partner):
    response = client_for("petugas.selong").post(
        f"/api/v1/inmates/{person.pk}/consents",
        {"partner": far_partner.code, "purpose": "Pelatihan"},
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert "partner" in response.json()["errors"]


def test_the_consent_page_refuses_a_partner_of_another_region(client_for, person, far_partner):
    client_for("petugas.selong").post(
        f"/reintegration/inmates/{person.pk}/consents/",
        {"partner": far_partner.pk, "purpose": "Pelatihan"},
    )
    assert not Consent.objects.exists()


def test_a_referral_names_only_a_partner_serving_the_facility(officer, person, far_partner):
    # A consent recorded before the partner moved away does not make it serve the facility.
    Consent.objects.create(
        inmate=person,
        partner=far_partner,
        purpose="Pelatihan",
        given_on=timezone.localdate(),
        witnessed_by=officer,
    )
    with pytest.raises(ValidationError) as refused:
        actions.refer(
            inmate=person, partner=far_partner, purpose="Pelatihan", contact="x", by=officer
        )
    assert "partner" in refused.value.message_dict
    assert not Referral.objects.exists()


def test_a_need_names_only_a_partner_serving_the_facility(officer, person, far_partner):
    plan = actions.start_plan(inmate=person, by=officer)
    need = plan.needs.get(pathway="work")
    with pytest.raises(ValidationError) as refused:
        actions.update_need(
            need=need,
            values={"status": "in_progress", "responsible": "partner", "partner": far_partner},
            note="",
            by=officer,
        )
    assert "partner" in refused.value.message_dict
    need.refresh_from_db()
    assert need.partner is None


# --- item 5: follow-ups belong to the Bapas --------------------------------------------


@pytest.fixture
def referred_and_released(officer, person):
    disnaker = Partner.objects.get(code="disnaker-lotim")
    actions.record_consent(
        inmate=person, partner=disnaker, purpose="Kerja", given_on=timezone.localdate(), by=officer
    )
    referral = actions.refer(
        inmate=person, partner=disnaker, purpose="Kerja", contact="x", by=officer
    )
    actions.transition_referral(
        referral=referral, to="accepted", by=User.objects.get(username="mitra.disnaker")
    )
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
    return referral, FollowUp.objects.get(release=release, month=6)


def test_a_partner_with_an_accepted_referral_neither_reads_nor_writes_follow_ups(
    client_for, referred_and_released
):
    _referral, six = referred_and_released
    client = client_for("mitra.disnaker")
    assert client.get(f"/reintegration/follow-ups/{six.pk}/").status_code == 404
    assert client.post(f"/reintegration/follow-ups/{six.pk}/", {"housing": "x"}).status_code == 404
    assert client.get("/api/v1/follow-ups").json()["count"] == 0
    response = client.post(
        f"/api/v1/follow-ups/{six.pk}", {"housing": "x"}, content_type="application/json"
    )
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        actions.record_follow_up(
            follow_up=six, values={"housing": "x"}, by=User.objects.get(username="mitra.disnaker")
        )
    six.refresh_from_db()
    assert six.housing == "" and six.done_on is None


def test_the_partner_records_the_outcome_of_its_own_referral(client_for, referred_and_released):
    referral, _six = referred_and_released
    response = client_for("mitra.disnaker").post(
        f"/api/v1/referrals/{referral.pk}/transitions",
        {"to": "completed", "outcome": "achieved", "note": "Bekerja di bengkel"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    referral.refresh_from_db()
    assert referral.outcome == "achieved"


def test_the_facility_reads_follow_ups_of_a_bapas_but_does_not_write_them(
    client_for, referred_and_released
):
    _referral, six = referred_and_released
    client = client_for("petugas.selong")
    page = client.get(f"/reintegration/follow-ups/{six.pk}/")
    assert page.status_code == 200 and page.context["can_record"] is False
    assert client.post(f"/reintegration/follow-ups/{six.pk}/", {"housing": "x"}).status_code == 403
    six.refresh_from_db()
    assert six.housing == ""
    assert client_for("pk.bapas").get(f"/reintegration/follow-ups/{six.pk}/").context["can_record"]


# --- item 6: withdrawal hides every record shared under the consent ---------------------


@pytest.fixture
def shared(officer, person):
    """A referral to Disnaker and a job application to a business, each under a consent."""
    disnaker = Partner.objects.get(code="disnaker-lotim")
    business = Partner.objects.get(code="bengkel-rinjani")
    boss = User.objects.create(username="mitra.bengkel")
    boss.memberships.create(role="partner_user", partner=business)
    today = timezone.localdate()
    referral_consent = actions.record_consent(
        inmate=person, partner=disnaker, purpose="Kerja", given_on=today, by=officer
    )
    referral = actions.refer(
        inmate=person, partner=disnaker, purpose="Kerja", contact="x", by=officer
    )
    job_consent = actions.record_consent(
        inmate=person, partner=business, purpose="Lamaran", given_on=today, by=officer
    )
    opening = JobOpening.objects.create(
        partner=business, title="Tukang las", closing_date=today + datetime.timedelta(days=30)
    )
    application = actions.apply_for_job(opening=opening, inmate=person, by=officer)
    return {
        "referral": (referral_consent, referral, "mitra.disnaker"),
        "application": (job_consent, application, "mitra.bengkel"),
    }


def test_before_withdrawal_each_partner_sees_what_was_shared(client_for, shared, person):
    _consent, referral, username = shared["referral"]
    assert client_for(username).get(f"/reintegration/referrals/{referral.pk}/").status_code == 200
    _consent, application, username = shared["application"]
    page = client_for(username).get(f"/reintegration/jobs/{application.opening_id}/")
    assert person.name in page.content.decode()


def test_a_withdrawn_referral_consent_hides_the_referral_on_the_page_and_in_the_api(
    client_for, officer, shared, person
):
    consent, referral, username = shared["referral"]
    actions.withdraw_consent(consent=consent, by=officer)
    client = client_for(username)
    assert client.get(f"/reintegration/referrals/{referral.pk}/").status_code == 404
    assert client.get(f"/api/v1/referrals/{referral.pk}").status_code == 404
    assert client.get("/api/v1/referrals").json()["count"] == 0
    assert person.name not in client.get("/reintegration/referrals/").content.decode()


def test_a_withdrawn_consent_hides_the_job_application_from_the_employer_at_once(
    client_for, officer, shared, person
):
    consent, application, username = shared["application"]
    actions.withdraw_consent(consent=consent, by=officer)
    client = client_for(username)
    page = client.get(f"/reintegration/jobs/{application.opening_id}/")
    assert page.status_code == 200
    assert person.name not in page.content.decode()
    assert list(page.context["applications"]) == []
    listed = client.get("/reintegration/jobs/")
    assert [o.applied for o in listed.context["openings"]] == [0]
    # Nor can the employer still move it on.
    response = client.post(
        f"/reintegration/jobs/{application.opening_id}/",
        {"application": application.pk, "status": "hired"},
    )
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.status == "applied"
    with pytest.raises(PermissionDenied):
        actions.update_application(
            application=application,
            status="hired",
            note="",
            by=User.objects.get(username=username),
        )
    # The facility still sees its own record of the application.
    page = client_for("petugas.selong").get(f"/reintegration/jobs/{application.opening_id}/")
    assert person.name in page.content.decode()
    assert JobApplication.objects.filter(pk=application.pk).exists()
