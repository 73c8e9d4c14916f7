"""A person's matching job openings are reached from where the officer works with the
person (issue 16): the person's page and the work need of the reintegration plan, not
only from a job opening; those who may not see the person find neither."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Facility
from sinergi.reintegration import actions
from sinergi.reintegration.models import Need
from tests.inmates.factories import make_inmate

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(demo_world) -> Inmate:
    inmate = make_inmate(
        facility=Facility.objects.get(code="selong"),
        name="Calon Pekerja",
        detention_start=timezone.localdate() - datetime.timedelta(days=330),
        term_years=1,
    )
    actions.start_plan(inmate=inmate, by=User.objects.get(username="petugas.selong"))
    return inmate


def test_the_persons_page_links_to_the_jobs_that_match(client_for, person):
    jobs = reverse("reintegration:person_jobs", args=[person.pk])
    page = client_for("petugas.selong").get(person.get_absolute_url()).content.decode()
    assert f'href="{jobs}"' in page
    assert client_for("petugas.selong").get(jobs).status_code == 200


def test_the_plans_work_need_links_to_the_jobs_that_match(client_for, person):
    jobs = reverse("reintegration:person_jobs", args=[person.pk])
    page = (
        client_for("petugas.selong")
        .get(reverse("reintegration:plan", args=[person.pk]))
        .content.decode()
    )
    assert page.count(f'href="{jobs}"') == 1  # beside the work need only
    work = Need.objects.get(plan__inmate=person, pathway="work")
    assert page.index(f'id="need-{work.pk}"') < page.index(f'href="{jobs}"')


@pytest.mark.parametrize("username", ["petugas.lobar", "mitra.disnaker"])
def test_outsiders_reach_neither_the_person_nor_their_matches(client_for, person, username):
    client = client_for(username)
    assert client.get(person.get_absolute_url()).status_code == 404
    jobs = reverse("reintegration:person_jobs", args=[person.pk])
    assert client.get(jobs).status_code == 404
