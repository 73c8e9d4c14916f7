"""The reintegration forms parse and present; the actions decide. A date that does not
parse is a field error (never today), a number that is not whole is a field error, and
the page refuses what the action refuses."""

from __future__ import annotations

import datetime

import pytest

from sinergi.orgs.models import Facility, Partner
from sinergi.reintegration import actions, forms
from sinergi.reintegration.choices import LawfulBasis
from sinergi.reintegration.models import Referral
from tests.inmates.factories import make_inmate

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("text", ["not-a-date", "2026-02-30", "01/06/2026"])
@pytest.mark.parametrize(
    ("form_class", "field", "others"),
    [
        (forms.ConsentForm, "given_on", {"partner": ""}),
        (forms.FollowUpForm, "done_on", {}),
        (forms.ReleaseForm, "released_on", {}),
        (forms.JobOpeningForm, "closing_date", {}),
    ],
)
def test_a_date_that_does_not_parse_is_a_field_error_never_today(
    demo_world, form_class, field, others, text
):
    form = form_class({**others, field: text})
    assert not form.is_valid()
    assert len(form.errors[field]) == 1
    assert "YYYY-MM-DD" in form.errors[field][0]
    assert field not in form.cleaned_data


def test_a_consent_left_without_a_basis_rests_on_the_persons_consent(demo_world):
    partner = Partner.objects.get(code="dukcapil-lotim")
    left_out = forms.ConsentForm({"partner": partner.pk, "purpose": "e-KTP"})
    assert left_out.is_valid(), left_out.errors
    assert left_out.cleaned_data["basis"] == LawfulBasis.CONSENT
    assert left_out.cleaned_data["given_on"] is None  # the page takes the facility's today
    emptied = forms.ConsentForm({"partner": partner.pk, "basis": ""})
    assert emptied.is_valid()
    assert emptied.cleaned_data["basis"] == ""  # the action refuses it: choose a basis


def test_savings_that_are_not_a_whole_number_are_a_field_error(demo_world):
    form = forms.ReleaseForm({"released_on": "2026-06-01", "savings_rupiah": "1.5"})
    assert not form.is_valid()
    assert "savings_rupiah" in form.errors


def test_the_release_form_names_the_bapas_when_the_officer_is_unknown(demo_world):
    mataram = Facility.objects.get(code="bapas-mataram")
    form = forms.ReleaseForm(
        {"released_on": "2026-06-01", "bapas": mataram.pk, "probation_officer": 10**9}
    )
    assert not form.is_valid()
    assert mataram.name in form.errors["probation_officer"][0]
    assert form.chosen_bapas() == mataram


def test_the_release_form_offers_only_active_bapas(demo_world):
    selong = Facility.objects.get(code="selong")
    form = forms.ReleaseForm({"released_on": "2026-06-01", "bapas": selong.pk})
    assert not form.is_valid()
    assert "bapas" in form.errors
    assert form.chosen_bapas() is None


def test_a_referral_naming_a_need_of_another_persons_plan_is_refused_not_sent_without_it(
    client_for, user, person
):
    """Before, the page dropped a need that was not the person's and sent the referral
    without it; now it is refused like the action and the API refuse it."""
    officer = user("petugas.selong")
    dukcapil = Partner.objects.get(code="dukcapil-lotim")
    other = make_inmate(facility=person.facility, detention_start=datetime.date(2024, 6, 1))
    other_plan = actions.start_plan(inmate=other, by=officer)
    actions.start_plan(inmate=person, by=officer)
    actions.record_consent(
        inmate=person,
        partner=dukcapil,
        purpose="e-KTP",
        given_on=person.facility.today(),
        by=officer,
    )
    response = client_for("petugas.selong").post(
        f"/reintegration/inmates/{person.pk}/referrals/",
        {"partner": dukcapil.pk, "purpose": "e-KTP", "need": other_plan.needs.first().pk},
        follow=True,
    )
    assert not Referral.objects.exists()
    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) == 1, shown
    assert shown[0].startswith("Kebutuhan") or shown[0].startswith("Need"), shown


def test_a_referral_page_form_sends_the_persons_own_need(client_for, user, person):
    officer = user("petugas.selong")
    dukcapil = Partner.objects.get(code="dukcapil-lotim")
    plan = actions.start_plan(inmate=person, by=officer)
    actions.record_consent(
        inmate=person,
        partner=dukcapil,
        purpose="e-KTP",
        given_on=person.facility.today(),
        by=officer,
    )
    need = plan.needs.first()
    response = client_for("petugas.selong").post(
        f"/reintegration/inmates/{person.pk}/referrals/",
        {"partner": dukcapil.pk, "purpose": "e-KTP", "need": need.pk},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/reintegration/inmates/{person.pk}/#referrals"
    assert Referral.objects.get().need == need
