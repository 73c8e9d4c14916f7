"""The Kanwil's route to the people held past their release date: a red home card with
the count per facility of its region (and the longest wait in days), linking to the
list, and a navigation entry to the list for facility staff and regional viewers."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from sinergi.accounts.models import Membership
from sinergi.core.roles import Role
from sinergi.orgs.models import Facility, Region
from tests.client import Client
from tests.inmates.test_overdue import DAY, LIST, _person, _selong_today

pytestmark = pytest.mark.django_db


def _home(client: Client) -> str:
    with translation.override("en"):
        return client.get("/", language="en").content.decode()


def test_the_kanwil_home_page_counts_each_facility_held_past_release_in_red(
    demo_world, client_for: Callable[[str], Client]
):
    today = _selong_today()
    _person("selong", "Orang Selong Satu", today - 5 * DAY)
    _person("selong", "Orang Selong Dua", today - 2 * DAY)
    _person("lobar", "Orang Lobar", today - DAY)
    _person("selong", "Rilis Hari Ini", today)
    page = _home(client_for("kanwil.ntb"))
    assert 'class="card card-danger"' in page
    assert "Held past release date in your region" in page
    selong = Facility.objects.get(code="selong").name
    lobar = Facility.objects.get(code="lobar").name
    assert f"{selong}: 2 people held past release date, up to 5 days" in page
    assert f"{lobar}: 1 person held past release date, up to 1 day" in page
    assert "up to 1 days" not in page
    assert f'href="{LIST}"' in page
    # Names are for the list (scoped, audited), not the regional card.
    assert "Orang Selong Satu" not in page
    assert page[page.index('class="card card-') :].startswith('class="card card-danger"')


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "{selong}: 2 people held past release date, up to 1 day"),
        ("en", "{lobar}: 1 person held past release date, up to 4 days"),
        ("id", "{selong}: 2 orang ditahan melewati tanggal bebas, paling lama 1 hari"),
        ("id", "{lobar}: 1 orang ditahan melewati tanggal bebas, paling lama 4 hari"),
    ],
)
def test_the_kanwil_card_counts_people_and_days_each_in_its_own_plural(
    demo_world, client_for, language, expected
):
    """The number of people and the number of days are two plurals: two people held one
    day past release is "up to 1 day", one person held four days "up to 4 days"."""
    today = _selong_today()
    _person("selong", "Orang Selong Satu", today - DAY)
    _person("selong", "Orang Selong Dua", today - DAY)
    _person("lobar", "Orang Lobar", today - 4 * DAY)
    with translation.override(language):
        page = client_for("kanwil.ntb").get("/", language=language).content.decode()
    names = {code: Facility.objects.get(code=code).name for code in ("selong", "lobar")}
    assert re.search(re.escape(expected.format(**names)) + r"(?!\w)", page)


def test_the_kanwil_sees_no_alarm_when_nobody_is_overdue(demo_world, client_for):
    _person("selong", "Tepat Waktu", _selong_today() + 3 * DAY)
    assert "card-danger" not in _home(client_for("kanwil.ntb"))


def test_another_regions_viewer_sees_no_count_of_ntb(demo_world, client_for, django_user_model):
    _person("selong", "Orang Selong", _selong_today() - 4 * DAY)
    other = Region.objects.create(code="bali", name="Kanwil Bali", province="Bali")
    user = django_user_model.objects.create_user(username="kanwil.bali", password="x")
    Membership.objects.create(user=user, region=other, role=Role.REGIONAL_VIEWER)
    client = Client()
    client.force_login(user)
    page = _home(client)
    assert "card-danger" not in page
    assert Facility.objects.get(code="selong").name + ":" not in page


def test_the_kanwil_card_query_count_does_not_grow_with_people_or_facilities(
    demo_world, client_for
):
    client = client_for("kanwil.ntb")
    today = _selong_today()
    _person("selong", "Awal", today - DAY)
    with CaptureQueriesContext(connection) as few:
        _home(client)
    for n in range(6):
        _person("selong" if n % 2 else "lobar", f"Lagi {n}", today - (n + 2) * DAY)
    with CaptureQueriesContext(connection) as many:
        page = _home(client)
    assert "up to 7 days" in page
    assert len(many) == len(few)


@pytest.mark.parametrize("username", ["kanwil.ntb", "petugas.selong", "kalapas.selong"])
def test_staff_and_regional_viewers_have_a_navigation_entry_to_the_list(
    demo_world, client_for, username
):
    assert f'href="{LIST}"' in _home(client_for(username))


@pytest.mark.parametrize("username", ["mitra.disnaker", "instruktur.blk"])
def test_partners_have_no_navigation_entry_to_the_list(demo_world, client_for, username):
    assert f'href="{LIST}"' not in _home(client_for(username))
