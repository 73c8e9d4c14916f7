"""The Kanwil is told of what it supervises (issue 16): a facility's monthly report
signed, and a signed report revised and signed again, reach the region's viewers (not
another region's), each once, in their language, and appear on the Kanwil's home page;
a person held past their release date reaches them with the facility's daily alarm
(tests/inmates/test_overdue.py)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.cache import cache
from django.utils.translation import override

from sinergi.accounts.models import Membership, Notification, User
from sinergi.core.roles import Role
from sinergi.indicators import actions
from sinergi.indicators.models import MonthlyReport
from sinergi.orgs.models import Facility, Region

pytestmark = pytest.mark.django_db

AUGUST = datetime.date(2025, 8, 1)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    return tmp_path


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _sign(report: MonthlyReport, capture: Any) -> None:
    with override("en"), capture(execute=True):
        actions.sign_off_report(report=report, by=_user("kalapas.selong"))


@pytest.fixture
def report(demo_world: None, django_capture_on_commit_callbacks: Any) -> MonthlyReport:
    selong = Facility.objects.get(code="selong")
    with override("en"), django_capture_on_commit_callbacks(execute=True):
        made = actions.request_report(facility=selong, month=AUGUST, by=_user("petugas.selong"))
    made.refresh_from_db()
    return made


@pytest.fixture
def other_kanwil(demo_world: None) -> User:
    region = Region.objects.create(code="bali-told", name="Bali", province="Bali")
    viewer = User.objects.create_user(username="kanwil.bali.told", password="x")
    Membership.objects.create(user=viewer, region=region, role=Role.REGIONAL_VIEWER)
    return viewer


def test_a_signed_report_and_its_revision_reach_the_regions_kanwil(
    report: MonthlyReport, other_kanwil: User, django_capture_on_commit_callbacks: Any
) -> None:
    User.objects.filter(username="kanwil.ntb").update(language="en")
    _sign(report, django_capture_on_commit_callbacks)
    (first,) = Notification.objects.filter(user__username="kanwil.ntb")
    assert first.title == "Monthly report of Lapas Kelas IIB Selong for August 2025 signed"
    assert first.url == report.get_absolute_url()
    # Generated again and signed again: a revision, told once more.
    with override("en"), django_capture_on_commit_callbacks(execute=True):
        actions.request_report(facility=report.facility, month=AUGUST, by=_user("petugas.selong"))
    report.refresh_from_db()
    _sign(report, django_capture_on_commit_callbacks)
    titles = sorted(
        Notification.objects.filter(user__username="kanwil.ntb").values_list("title", flat=True)
    )
    assert len(titles) == 2
    assert any("revised and signed again (edition 2)" in t for t in titles)
    # Another region's Kanwil is told nothing, nor are the facility's own staff by this.
    assert not Notification.objects.filter(user=other_kanwil).exists()
    assert not Notification.objects.filter(
        user__username="petugas.selong", key__startswith="report-signed:"
    ).exists()
    # The Kanwil opens the report from the notification.
    from django.test import Client

    client = Client()
    client.force_login(_user("kanwil.ntb"))
    assert client.get(first.url).status_code == 200


def test_the_notice_is_in_indonesian_for_an_indonesian_reader(
    report: MonthlyReport, django_capture_on_commit_callbacks: Any
) -> None:
    User.objects.filter(username="kanwil.ntb").update(language="id")
    _sign(report, django_capture_on_commit_callbacks)
    (note,) = Notification.objects.filter(user__username="kanwil.ntb")
    assert note.title == "Laporan bulanan Lapas Kelas IIB Selong untuk Agustus 2025 ditandatangani"


def test_the_kanwil_home_shows_the_reports_signed_in_the_region(
    report: MonthlyReport,
    other_kanwil: User,
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _sign(report, django_capture_on_commit_callbacks)
    with override("en"):
        cards = client_for("kanwil.ntb").get("/", language="en").context["cards"]
        (card,) = [c for c in cards if str(c.title) == "Monthly reports signed in your region"]
        assert card.count == 1
        assert card.items[0][1] == report.get_absolute_url()
        assert "Lapas Kelas IIB Selong" in card.items[0][0]
        client = client_for("kanwil.ntb")
        assert client.get(card.url).status_code == 200
    # Another region's Kanwil sees none of them.
    from django.test import Client

    other = Client()
    other.force_login(other_kanwil)
    with override("en"):
        cards = other.get("/").context["cards"]
        found = [c for c in cards if str(c.title) == "Monthly reports signed in your region"]
    assert all(c.count == 0 and not c.items for c in found)
