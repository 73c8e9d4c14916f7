"""The admin site shows reintegration records with their history and writes none: every
write goes through the actions, which check who may and what holds."""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from sinergi.orgs.models import Facility, Partner
from sinergi.reintegration import actions
from sinergi.reintegration.models import Consent, Need, Referral, Release
from tests.inmates.factories import make_inmate

pytestmark = pytest.mark.django_db

MODELS = [
    "assessmentversion",
    "reintegrationplan",
    "need",
    "consent",
    "referral",
    "release",
    "followup",
    "readmission",
    "jobopening",
    "jobapplication",
]


@pytest.fixture
def records(user, demo_world):
    officer = user("petugas.selong")
    person = make_inmate(
        facility=Facility.objects.get(code="selong"),
        detention_start=datetime.date(2024, 6, 1),
        term_years=2,
    )
    actions.start_plan(inmate=person, by=officer)
    dukcapil = Partner.objects.get(code="dukcapil-lotim")
    consent = actions.record_consent(
        inmate=person,
        partner=dukcapil,
        purpose="e-KTP",
        given_on=person.facility.today(),
        by=officer,
    )
    actions.refer(inmate=person, partner=dukcapil, purpose="e-KTP", contact="Petugas", by=officer)
    actions.record_release(
        inmate=person,
        by=officer,
        values={
            "released_on": person.facility.today(),
            "kind": "expiry",
            "bapas": Facility.objects.get(code="bapas-mataram"),
            "probation_officer": None,
        },
    )
    return consent


@pytest.mark.parametrize("model", MODELS)
def test_every_reintegration_model_is_listed_in_the_admin(client_for, records, model):
    response = client_for("admin").get(reverse(f"admin:reintegration_{model}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", [Consent, Referral, Release, Need])
def test_a_record_shows_in_the_admin_but_cannot_be_changed_added_or_deleted(
    client_for, records, model
):
    client = client_for("admin")
    obj = model.objects.first()
    name = model._meta.model_name
    page = client.get(reverse(f"admin:reintegration_{name}_change", args=[obj.pk]))
    assert page.status_code == 200
    before = {f.name: getattr(obj, f.attname) for f in model._meta.concrete_fields}
    client.post(reverse(f"admin:reintegration_{name}_change", args=[obj.pk]), {})
    obj.refresh_from_db()
    assert {f.name: getattr(obj, f.attname) for f in model._meta.concrete_fields} == before
    assert client.get(reverse(f"admin:reintegration_{name}_add")).status_code == 403
    assert (
        client.get(reverse(f"admin:reintegration_{name}_delete", args=[obj.pk])).status_code == 403
    )


def test_a_consent_shows_its_history_in_the_admin(client_for, records):
    actions.withdraw_consent(consent=records, by=records.witnessed_by)
    response = client_for("admin").get(
        reverse("admin:reintegration_consent_history", args=[records.pk])
    )
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) >= 2


def test_the_reintegration_admin_classes_keep_history(demo_world):
    from simple_history.admin import SimpleHistoryAdmin

    for model in (Consent, Referral, Release):
        assert isinstance(admin.site._registry[model], SimpleHistoryAdmin)
