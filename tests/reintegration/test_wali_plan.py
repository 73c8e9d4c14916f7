"""The person's wali fills and updates their reintegration needs and records consent, for
their own people only; referring and releasing stay with the program officers and head."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from sinergi.core.models import AuditEvent
from sinergi.core.roles import Role
from sinergi.inmates import actions as inmate_actions
from sinergi.orgs.models import Facility, Partner
from sinergi.reintegration import actions
from sinergi.reintegration.models import Consent, Need
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def wali(user):
    return user("wali.selong")


@pytest.fixture
def followed(person, wali, officer):
    inmate_actions.assign_wali(inmate=person, wali=wali, by=officer)
    return person


def _dukcapil() -> Partner:
    return Partner.objects.get(code="dukcapil-lotim")


def test_the_wali_starts_the_plan_updates_a_need_and_records_consent(followed, wali):
    plan = actions.start_plan(inmate=followed, by=wali)
    need = plan.needs.first()
    actions.update_need(need=need, values={"status": "in_progress"}, note="KTP hilang", by=wali)
    need.refresh_from_db()
    assert need.status == "in_progress" and need.updates.get().by == wali
    consent = actions.record_consent(
        inmate=followed,
        partner=_dukcapil(),
        purpose="e-KTP",
        given_on=timezone.localdate(),
        by=wali,
    )
    assert consent.witnessed_by == wali
    actions.withdraw_consent(consent=consent, by=wali)
    assert AuditEvent.objects.filter(actor=wali, action="need.update").exists()
    assert AuditEvent.objects.filter(actor=wali, action="consent.withdraw").exists()


def test_the_wali_neither_refers_nor_releases(followed, wali, officer):
    actions.record_consent(
        inmate=followed,
        partner=_dukcapil(),
        purpose="e-KTP",
        given_on=timezone.localdate(),
        by=officer,
    )
    with pytest.raises(PermissionDenied):
        actions.refer(inmate=followed, partner=_dukcapil(), purpose="x", contact="x", by=wali)
    with pytest.raises(PermissionDenied):
        actions.record_release(
            inmate=followed,
            values={"released_on": timezone.localdate(), "kind": "expiry"},
            by=wali,
        )


def test_a_wali_of_other_people_is_refused(followed, officer, user):
    other = MembershipFactory(
        role=Role.GUARDIAN, facility=Facility.objects.get(code="selong"), user__username="wali.dua"
    ).user
    plan = actions.start_plan(inmate=followed, by=officer)
    need = plan.needs.first()
    for call in (
        lambda: actions.start_plan(inmate=followed, by=other),
        lambda: actions.update_need(need=need, values={"status": "met"}, note="", by=other),
        lambda: actions.record_consent(
            inmate=followed,
            partner=_dukcapil(),
            purpose="x",
            given_on=timezone.localdate(),
            by=other,
        ),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert not Need.objects.filter(plan=plan, status="met").exists()
    assert not Consent.objects.filter(inmate=followed).exists()


def test_a_wali_no_longer_a_guardian_officer_there_is_refused(followed, wali, officer):
    plan = actions.start_plan(inmate=followed, by=officer)
    wali.memberships.filter(role=Role.GUARDIAN).update(is_active=False)
    with pytest.raises(PermissionDenied):
        actions.update_need(need=plan.needs.first(), values={"status": "met"}, note="", by=wali)


@pytest.mark.parametrize("username", ["mitra.dukcapil", "pk.bapas", "petugas.lobar"])
def test_a_partner_or_another_facility_is_refused(followed, officer, user, username):
    plan = actions.start_plan(inmate=followed, by=officer)
    with pytest.raises(PermissionDenied):
        actions.update_need(
            need=plan.needs.first(), values={"status": "met"}, note="", by=user(username)
        )


def test_the_plan_page_gives_the_wali_the_need_and_consent_forms_for_their_people_only(
    followed, person, officer, client_for, user
):
    from tests.inmates.factories import make_inmate

    plan = actions.start_plan(inmate=followed, by=officer)
    other = make_inmate(facility=Facility.objects.get(code="selong"))
    actions.start_plan(inmate=other, by=officer)
    client = client_for("wali.selong")
    mine = client.get(f"/reintegration/inmates/{followed.pk}/").content.decode()
    need = plan.needs.first()
    assert f"/reintegration/needs/{need.pk}/" in mine
    assert f"/reintegration/inmates/{followed.pk}/consents/" in mine
    assert (
        f"/reintegration/inmates/{followed.pk}/release/" not in mine
    )  # the release is the officers'
    theirs = client.get(f"/reintegration/inmates/{other.pk}/").content.decode()
    assert "/reintegration/needs/" not in theirs
    assert f"/reintegration/inmates/{other.pk}/consents/" not in theirs


def test_the_wali_updates_a_need_from_the_page(followed, officer, client_for):
    plan = actions.start_plan(inmate=followed, by=officer)
    need = plan.needs.first()
    response = client_for("wali.selong").post(
        f"/reintegration/needs/{need.pk}/",
        {"status": "in_progress", "responsible": need.responsible, "partner": "", "note": "ok"},
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.status == "in_progress"


def test_the_inmate_page_leads_the_wali_to_the_persons_needs(followed, officer, client_for):
    client = client_for("wali.selong")
    page = client.get(f"/inmates/{followed.pk}/", language="en").content.decode()
    assert "No reintegration plan yet." in page and "Start the needs assessment" in page
    assert f'href="/reintegration/inmates/{followed.pk}/"' in page
    plan = actions.start_plan(inmate=followed, by=officer)
    actions.update_need(need=plan.needs.first(), values={"status": "met"}, note="", by=officer)
    page = client.get(f"/inmates/{followed.pk}/", language="id").content.decode()
    total = plan.needs.count()
    assert f"{total - 1} dari {total} kebutuhan masih terbuka." in page
    assert "Perbarui kebutuhan dan persetujuan" in page


def test_the_section_reads_but_does_not_offer_updates_to_another_wali(person, officer, client_for):
    actions.start_plan(inmate=person, by=officer)
    page = client_for("wali.selong").get(f"/inmates/{person.pk}/", language="en")
    text = page.content.decode()
    assert "Open the plan" in text and "Update the needs and consents" not in text
