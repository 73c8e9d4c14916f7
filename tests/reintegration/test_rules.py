"""Who may write reintegration records: one set of django-rules permissions, asked by
the pages, the API and the actions alike."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.core.permissions import has_perm
from sinergi.orgs.models import Facility, Partner
from sinergi.reintegration import actions
from sinergi.reintegration.models import JobOpening
from tests.inmates.factories import make_inmate

pytestmark = pytest.mark.django_db


def _release(person, *, bapas):
    officer = User.objects.get(username="petugas.selong")
    return actions.record_release(
        inmate=person,
        by=officer,
        values={
            "released_on": person.facility.today(),
            "kind": "expiry",
            "bapas": bapas,
            "probation_officer": None,
        },
    )


def test_the_facilitys_program_officer_changes_the_plan_and_no_one_elsewhere(user, person):
    assert has_perm(user("petugas.selong"), "reintegration.change_plan", person)
    assert has_perm(user("petugas.selong"), "reintegration.view_plan", person)
    assert not has_perm(user("pk.bapas"), "reintegration.change_plan", person)
    assert not has_perm(user("pk.bapas"), "reintegration.view_plan", person)
    elsewhere = make_inmate(
        facility=Facility.objects.get(code="lobar"),
        detention_start=datetime.date(2024, 6, 1),
    )
    assert not has_perm(user("petugas.selong"), "reintegration.change_plan", elsewhere)


def test_the_bapas_probation_officers_record_the_follow_ups_of_a_hand_over(user, person):
    release = _release(person, bapas=Facility.objects.get(code="bapas-mataram"))
    assert has_perm(user("pk.bapas"), "reintegration.record_follow_up", release)
    assert not has_perm(user("petugas.selong"), "reintegration.record_follow_up", release)
    assert actions.may_record_follow_up(user("pk.bapas"), release)


def test_without_a_bapas_the_facilitys_officers_record_the_follow_ups(user, person):
    release = _release(person, bapas=None)
    assert has_perm(user("petugas.selong"), "reintegration.record_follow_up", release)
    assert not has_perm(user("pk.bapas"), "reintegration.record_follow_up", release)


def test_only_a_business_partners_own_users_post_its_jobs(user, demo_world):
    business = Partner.objects.get(code="bengkel-rinjani")
    boss = User.objects.create(username="mitra.bengkel")
    boss.memberships.create(role="partner_user", partner=business)
    assert has_perm(boss, "reintegration.post_job", business)
    assert not has_perm(user("mitra.disnaker"), "reintegration.post_job", business)
    assert not has_perm(user("petugas.selong"), "reintegration.post_job", business)


def test_a_government_office_posts_no_job_opening_through_the_action_either(user, demo_world):
    """The page and the API refused a partner that is not a business; the action did
    not, so a direct call (or a future admin) could post one. Now the rule is the
    action's."""
    dukcapil = Partner.objects.get(code="dukcapil-lotim")
    assert dukcapil.kind != "business"
    assert not has_perm(user("mitra.dukcapil"), "reintegration.post_job", dukcapil)
    with pytest.raises(PermissionDenied):
        actions.post_job(
            partner=dukcapil,
            by=user("mitra.dukcapil"),
            values={
                "title": "Operator",
                "closing_date": timezone.localdate() + datetime.timedelta(days=30),
            },
        )
    assert not JobOpening.objects.exists()


def test_the_api_refuses_a_government_office_in_indonesian_like_the_action(client_for):
    response = client_for("mitra.dukcapil").post(
        "/api/v1/job-openings",
        {
            "title": "Tukang las",
            "vacancies": 1,
            "closing_date": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Hanya pengguna dari pemberi kerja yang bersangkutan yang dapat memasang lowongannya."
    )
