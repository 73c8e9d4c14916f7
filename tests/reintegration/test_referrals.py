"""Consent before sharing, referrals to partners, and what a partner may see."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone, translation

from sinergi.accounts.models import User
from sinergi.core.api import Conflict
from sinergi.core.models import AuditEvent
from sinergi.orgs.models import Facility, Partner
from sinergi.reintegration import actions
from sinergi.reintegration.models import NeedUpdate
from tests.inmates.factories import make_inmate

pytestmark = pytest.mark.django_db


@pytest.fixture
def dukcapil(demo_world):
    return Partner.objects.get(code="dukcapil-lotim")


@pytest.fixture
def person(demo_world):
    return make_inmate(
        facility=Facility.objects.get(code="selong"),
        name="Lalu Pulang",
        birth_date=datetime.date(1990, 3, 12),
        home_regency="Lombok Timur",
        nik="5203011203900001",
        detention_start=datetime.date(2024, 6, 1),
        term_years=2,
    )


def test_a_referral_without_consent_is_refused(person, dukcapil, officer):
    with pytest.raises(Conflict) as exc:
        actions.refer(
            inmate=person,
            partner=dukcapil,
            purpose="Perekaman e-KTP",
            contact="Petugas",
            by=officer,
        )
    assert exc.value.code == "consent_missing"
    assert person.name in exc.value.detail


def test_consent_for_another_partner_does_not_count(person, dukcapil, officer):
    actions.record_consent(
        inmate=person,
        partner=Partner.objects.get(code="dinsos-lotim"),
        purpose="Bantuan sosial",
        given_on=timezone.localdate(),
        by=officer,
    )
    with pytest.raises(Conflict):
        actions.refer(inmate=person, partner=dukcapil, purpose="e-KTP", contact="x", by=officer)


def test_partner_sees_only_the_referral_fields_and_every_read_is_audited(
    client_for, person, dukcapil, officer
):
    actions.record_consent(
        inmate=person,
        partner=dukcapil,
        purpose="Perekaman e-KTP",
        given_on=timezone.localdate(),
        by=officer,
    )
    referral = actions.refer(
        inmate=person,
        partner=dukcapil,
        purpose="Perekaman e-KTP",
        contact="Petugas Pembinaan, 0812",
        by=officer,
    )
    page = client_for("mitra.dukcapil").get(f"/reintegration/referrals/{referral.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Lalu Pulang" in body and "Lombok Timur" in body
    assert person.nik not in body and person.registration_number not in body
    assert AuditEvent.objects.filter(
        action="referral.view", actor_username="mitra.dukcapil", target_id=str(referral.pk)
    ).exists()
    # Not the inmate's record itself, and not another partner's.
    assert client_for("mitra.dukcapil").get(f"/inmates/{person.pk}/").status_code == 404
    assert (
        client_for("mitra.disnaker").get(f"/reintegration/referrals/{referral.pk}/").status_code
        == 404
    )


def test_after_withdrawal_the_partner_gets_404(client_for, person, dukcapil, officer):
    consent = actions.record_consent(
        inmate=person, partner=dukcapil, purpose="e-KTP", given_on=timezone.localdate(), by=officer
    )
    referral = actions.refer(
        inmate=person, partner=dukcapil, purpose="e-KTP", contact="x", by=officer
    )
    actions.withdraw_consent(consent=consent, by=officer)
    referral.refresh_from_db()
    assert referral.status == "cancelled"
    assert (
        client_for("mitra.dukcapil").get(f"/reintegration/referrals/{referral.pk}/").status_code
        == 404
    )
    with pytest.raises(Conflict):
        actions.refer(inmate=person, partner=dukcapil, purpose="lagi", contact="x", by=officer)


def test_a_childs_data_needs_a_guardians_consent(demo_world, dukcapil, officer):
    child = make_inmate(
        facility=Facility.objects.get(code="selong"),
        birth_date=timezone.localdate() - datetime.timedelta(days=16 * 365),
    )
    with pytest.raises(ValidationError) as refused:
        actions.record_consent(
            inmate=child,
            partner=dukcapil,
            purpose="e-KTP",
            given_on=timezone.localdate(),
            by=officer,
        )
    assert set(refused.value.message_dict) == {"guardian_name"}
    consent = actions.record_consent(
        inmate=child,
        partner=dukcapil,
        purpose="e-KTP",
        given_on=timezone.localdate(),
        guardian_name="Ibu Siti",
        by=officer,
    )
    assert consent.is_valid


def test_another_lawful_basis_needs_its_reference(person, dukcapil, officer):
    with pytest.raises(ValidationError) as refused:
        actions.record_consent(
            inmate=person,
            partner=dukcapil,
            purpose="Adminduk",
            basis="legal_obligation",
            given_on=timezone.localdate(),
            by=officer,
        )
    assert set(refused.value.message_dict) == {"basis_reference"}


def test_a_consent_without_a_purpose_is_a_field_error(person, dukcapil, officer):
    with pytest.raises(ValidationError) as refused:
        actions.record_consent(
            inmate=person, partner=dukcapil, purpose="  ", given_on=timezone.localdate(), by=officer
        )
    assert set(refused.value.message_dict) == {"purpose"}


def test_the_api_names_the_field_a_consent_rule_refuses(client_for, person):
    response = client_for("petugas.selong").post(
        f"/api/v1/inmates/{person.pk}/consents",
        {
            "partner": "dukcapil-lotim",
            "purpose": "Adminduk",
            "basis": "legal_obligation",
            "given_on": timezone.localdate().isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert "basis_reference" in response.json()["errors"]


def test_someone_with_no_side_in_a_referral_is_refused_not_told_of_a_conflict(
    person, dukcapil, officer
):
    actions.record_consent(
        inmate=person, partner=dukcapil, purpose="e-KTP", given_on=timezone.localdate(), by=officer
    )
    referral = actions.refer(
        inmate=person, partner=dukcapil, purpose="e-KTP", contact="x", by=officer
    )
    with pytest.raises(PermissionDenied):
        actions.transition_referral(
            referral=referral, to="accepted", by=User.objects.get(username="mitra.disnaker")
        )


def test_referral_workflow_by_side(person, dukcapil, officer):
    actions.record_consent(
        inmate=person, partner=dukcapil, purpose="e-KTP", given_on=timezone.localdate(), by=officer
    )
    referral = actions.refer(
        inmate=person, partner=dukcapil, purpose="e-KTP", contact="x", by=officer
    )
    partner_user = User.objects.get(username="mitra.dukcapil")
    with pytest.raises(Conflict):
        actions.transition_referral(referral=referral, to="accepted", by=officer)
    actions.transition_referral(referral=referral, to="accepted", by=partner_user)
    with pytest.raises(ValidationError) as refused:
        actions.transition_referral(referral=referral, to="completed", by=partner_user)
    assert set(refused.value.message_dict) == {"outcome"}
    actions.transition_referral(
        referral=referral, to="completed", outcome="achieved", note="KTP terbit", by=partner_user
    )
    referral.refresh_from_db()
    assert (referral.status, referral.outcome) == ("completed", "achieved")


def test_plan_needs_keep_an_append_only_history(person, officer, user):
    plan = actions.start_plan(inmate=person, by=officer)
    assert plan.needs.count() == 10
    need = plan.needs.get(pathway="identity")
    actions.update_need(
        need=need,
        values={
            "status": "in_progress",
            "responsible": "partner",
            "partner": Partner.objects.get(code="dukcapil-lotim"),
        },
        note="Dijadwalkan",
        by=officer,
    )
    actions.update_need(
        need=need,
        values={"status": "met", "responsible": "partner", "partner": need.partner},
        note="KTP jadi",
        by=officer,
    )
    assert list(NeedUpdate.objects.filter(need=need).values_list("status", flat=True)) == [
        "in_progress",
        "met",
    ]
    with pytest.raises(PermissionDenied):
        actions.update_need(need=need, values={"status": "met"}, note="", by=user("wali.selong"))


def test_worklist_shows_people_near_release_in_a_fixed_number_of_queries(client_for, person):
    client = client_for("petugas.selong")
    selong = Facility.objects.get(code="selong")
    far = make_inmate(
        facility=selong, name="Masih Lama", detention_start=timezone.localdate(), term_years=10
    )

    def count() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/reintegration/?days=400")
        return len(ctx), response.content.decode()

    few, body = count()
    assert "Lalu Pulang" in body and far.name not in body
    until = selong.today() + datetime.timedelta(days=400)
    with translation.override("id"):
        until_text = formats.date_format(until, "DATE_FORMAT")
    assert f"dalam 400 hari ke depan (sampai {until_text})" in body
    for _ in range(6):
        make_inmate(facility=selong, detention_start=datetime.date(2024, 6, 1), term_years=2)
    assert count()[0] == few


def test_referral_page_through_the_browser_forms(client_for, person, dukcapil):
    client = client_for("petugas.selong")
    assert client.post(f"/reintegration/inmates/{person.pk}/").status_code == 302
    response = client.post(
        f"/reintegration/inmates/{person.pk}/referrals/",
        {"partner": dukcapil.pk, "purpose": "e-KTP"},
        follow=True,
    )
    assert "consent" in response.content.decode().lower() or "persetujuan" in (
        response.content.decode().lower()
    )
    client.post(
        f"/reintegration/inmates/{person.pk}/consents/",
        {"partner": dukcapil.pk, "purpose": "e-KTP", "basis": "consent"},
    )
    client.post(
        f"/reintegration/inmates/{person.pk}/referrals/",
        {"partner": dukcapil.pk, "purpose": "e-KTP"},
    )
    assert person.referrals.count() == 1


def test_api_referral_needs_consent_and_partner_sees_only_its_fields(client_for, person, dukcapil):
    officer = client_for("petugas.selong")
    refused = officer.post(
        "/api/v1/referrals",
        {"inmate_id": person.pk, "partner": "dukcapil-lotim", "purpose": "e-KTP"},
        content_type="application/json",
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "consent_missing"
    assert (
        officer.post(
            f"/api/v1/inmates/{person.pk}/consents",
            {"partner": "dukcapil-lotim", "purpose": "e-KTP"},
            content_type="application/json",
        ).status_code
        == 201
    )
    created = officer.post(
        "/api/v1/referrals",
        {"inmate_id": person.pk, "partner": "dukcapil-lotim", "purpose": "e-KTP"},
        content_type="application/json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    partner = client_for("mitra.dukcapil")
    body = partner.get(f"/api/v1/referrals/{pk}").json()
    assert set(body["shared"]) == {
        "name",
        "birth_date",
        "home_regency",
        "need",
        "purpose",
        "contact",
    }
    assert partner.get(f"/api/v1/inmates/{person.pk}").status_code == 404
    assert client_for("mitra.disnaker").get(f"/api/v1/referrals/{pk}").status_code == 404
    moved = partner.post(
        f"/api/v1/referrals/{pk}/transitions", {"to": "accepted"}, content_type="application/json"
    )
    assert moved.json()["status"] == "accepted"
    listing = partner.get("/api/v1/referrals").json()
    assert listing["count"] == 1
    assert (
        AuditEvent.objects.filter(action="referral.view", actor_username="mitra.dukcapil").count()
        >= 2
    )


def test_api_lists_run_a_fixed_number_of_queries(client_for, person, dukcapil, officer):
    client = client_for("petugas.selong")

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    def add(n):
        for _ in range(n):
            someone = make_inmate(
                facility=Facility.objects.get(code="selong"),
                detention_start=datetime.date(2024, 6, 1),
                term_years=2,
            )
            actions.record_consent(
                inmate=someone,
                partner=dukcapil,
                purpose="e-KTP",
                given_on=timezone.localdate(),
                by=officer,
            )
            actions.refer(
                inmate=someone, partner=dukcapil, purpose="e-KTP", contact="x", by=officer
            )

    add(1)
    urls = [
        "/api/v1/referrals?page_size=200",
        "/api/v1/reintegration/worklist?days=400",
        "/reintegration/referrals/",
    ]
    few = [count(u) for u in urls]
    add(5)
    assert [count(u) for u in urls] == few


@pytest.mark.parametrize(
    ("asked", "shown"), [("0", 1), ("-5", 1), ("3650", 730), ("abc", 183), ("90", 90)]
)
def test_the_worklist_says_when_it_changed_the_days_asked_for(client_for, person, asked, shown):
    response = client_for("petugas.selong").get(f"/reintegration/?days={asked}", language="en")
    assert response.context["days"] == shown
    said = (
        f"Days ahead is a whole number from 1 to 730: showing {shown}." in response.content.decode()
    )
    assert said == (asked != str(shown))


def test_the_page_says_a_completed_referral_needs_its_outcome(
    client_for, person, dukcapil, officer
):
    actions.record_consent(
        inmate=person, partner=dukcapil, purpose="e-KTP", given_on=timezone.localdate(), by=officer
    )
    referral = actions.refer(
        inmate=person, partner=dukcapil, purpose="e-KTP", contact="x", by=officer
    )
    partner = client_for("mitra.dukcapil")
    actions.transition_referral(
        referral=referral, to="accepted", by=User.objects.get(username="mitra.dukcapil")
    )
    response = partner.post(
        f"/reintegration/referrals/{referral.pk}/status/",
        {"to": "completed"},
        follow=True,
        language="en",
    )
    assert response.status_code == 200
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "Record the outcome" in shown
    referral.refresh_from_db()
    assert referral.status == "accepted"


@pytest.mark.parametrize("url", ["/reintegration/referrals/", "/api/v1/referrals"])
def test_the_staffs_referrals_are_read_through_their_peoples_ids_not_joined(client_for, url):
    """National scale: "of my facility's people, or to my organisation with consent" was
    an OR across two joins, and for the largest facility PostgreSQL read every referral in
    the country to join them (55 ms). Each way is its own indexed lookup now (a UNION of
    those that apply): the facility's people first, then their referrals by person."""
    with CaptureQueriesContext(connection) as ctx:
        assert client_for("petugas.selong").get(url).status_code == 200
    counted = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "reintegration_referral"')
    ]
    assert counted
    for sql in counted:
        assert '"inmates_inmate"."facility_id" IN' not in sql  # no join to filter on
        assert '"inmate_id" IN (SELECT' in sql or '"inmate_id" = ANY(ARRAY(' in sql


def test_everyones_referrals_are_listed_latest_first_along_an_index(
    client_for, person, dukcapil, officer
):
    """National scale: the administrator's referral page and API (everyone's, no reach
    to look up first) list the latest first; PostgreSQL walks an index in that order to
    a page, where it joined and sorted the country's 125,000 referrals (68 ms). The index
    is the lists' order, column for column."""
    actions.record_consent(
        inmate=person, partner=dukcapil, purpose="e-KTP", given_on=timezone.localdate(), by=officer
    )
    actions.refer(inmate=person, partner=dukcapil, purpose="e-KTP", contact="x", by=officer)
    client = client_for("admin")
    orders = []
    for url in ("/reintegration/referrals/", "/api/v1/referrals"):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        listing = [
            q["sql"]
            for q in ctx.captured_queries
            if q["sql"].startswith('SELECT "reintegration_referral"."id"') and "LIMIT" in q["sql"]
        ]
        assert len(listing) == 1, listing
        orders.append(listing[0].split(" ORDER BY ")[1].split(" LIMIT ")[0])
    expected = '"reintegration_referral"."created_at" DESC, "reintegration_referral"."id" DESC'
    assert orders == [expected, expected]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'reintegration_referral'"
            )
            definitions = [row[0] for row in cursor.fetchall()]
        assert [d for d in definitions if d.endswith("(created_at DESC, id DESC)")], definitions
