"""The privacy actions asked directly: the export refuses whoever may not export (the
page's answer, now the action's), and the retention finds who is due in SQL, each kind
once, whatever the number of people released."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.core.models import AuditEvent
from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Facility
from sinergi.privacy import actions, queries
from sinergi.privacy.retention import KINDS
from tests.inmates.factories import make_inmate

pytestmark = pytest.mark.django_db


@pytest.fixture
def inmate(demo_world) -> Inmate:
    return make_inmate(
        facility=Facility.objects.get(code="selong"),
        name="Baiq Ekspor",
        detention_start=datetime.date(2024, 6, 1),
        term_years=2,
    )


@pytest.mark.parametrize(
    "username",
    ["petugas.selong", "wali.selong", "petugas.lobar", "kanwil.ntb", "mitra.disnaker"],
)
def test_the_export_action_refuses_anyone_but_the_head_and_administrators(inmate, username):
    with pytest.raises(PermissionDenied):
        actions.export_person_data(inmate=inmate, by=User.objects.get(username=username))
    assert not AuditEvent.objects.filter(action="privacy.export").exists()


@pytest.mark.parametrize("username", ["kalapas.selong", "admin"])
def test_the_export_action_serves_the_head_and_administrators(inmate, username):
    data = actions.export_person_data(inmate=inmate, by=User.objects.get(username=username))
    assert data.startswith(b"PK")
    assert AuditEvent.objects.get(action="privacy.export").actor_username == username


def _release(inmate: Inmate, years_ago: int, *, recorded: bool) -> None:
    day = timezone.localdate() - datetime.timedelta(days=years_ago * 366)
    if recorded:
        from sinergi.reintegration.models import Release

        Release.objects.create(inmate=inmate, released_on=day, kind="expiry")
    Inmate.objects.filter(pk=inmate.pk).update(status="released", status_changed_on=day)


def test_a_person_released_without_a_recorded_release_counts_from_the_status_change(inmate):
    _release(inmate, 11, recorded=False)
    assert queries.due()[inmate.pk] == list(KINDS)


def test_the_recorded_release_date_comes_before_the_status_change(inmate):
    _release(inmate, 11, recorded=False)
    from sinergi.reintegration.models import Release

    Release.objects.create(inmate=inmate, released_on=timezone.localdate(), kind="expiry")
    assert inmate.pk not in queries.due()


def test_a_person_in_custody_is_never_due(inmate):
    Inmate.objects.filter(pk=inmate.pk).update(
        status_changed_on=timezone.localdate() - datetime.timedelta(days=20 * 366)
    )
    assert inmate.pk not in queries.due()


def test_who_is_due_is_found_in_a_fixed_number_of_queries(inmate):
    _release(inmate, 11, recorded=True)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            queries.due()
        return len(ctx)

    few = count()
    assert few == len(KINDS)
    selong = Facility.objects.get(code="selong")
    others = [
        make_inmate(facility=selong, detention_start=datetime.date(2010, 1, 1), term_years=1)
        for _ in range(5)
    ]
    for n, other in enumerate(others):
        _release(other, 11 + n, recorded=bool(n % 2))
    assert count() == few
    assert {inmate.pk, *(o.pk for o in others)} <= set(queries.due())


def test_a_kind_anonymised_is_no_longer_due(inmate):
    _release(inmate, 11, recorded=True)
    actions.apply_retention(by=User.objects.get(username="admin"), apply=True)
    assert queries.due() == {}
    events = AuditEvent.objects.filter(action="retention.anonymise", target_id=str(inmate.pk))
    assert set(events.values_list("actor_username", flat=True)) == {"admin"}
