"""Retention: a person released longer ago than the retention period is anonymised
(records and history rows), a recent one is not, a dry run writes nothing, and the
indicators count the same before and after."""

from __future__ import annotations

import datetime
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from sinergi.core import audit
from sinergi.core.env import ConfigError
from sinergi.core.models import AuditEvent
from sinergi.indicators.catalogue import Query, compute_all
from sinergi.indicators.periods import CUSTOM, Period
from sinergi.inmates.models import Inmate
from sinergi.privacy import actions, retention
from sinergi.reintegration.models import FollowUp, Release
from tests.privacy.world import Person, build_person

pytestmark = pytest.mark.django_db

COUNTED = [
    "inmates.Inmate",
    "inmates.Sentence",
    "programs.Enrollment",
    "programs.Attendance",
    "programs.Certificate",
    "reintegration.Consent",
    "reintegration.Referral",
    "reintegration.Release",
    "reintegration.FollowUp",
    "reintegration.JobApplication",
]


@pytest.fixture
def people(demo_world) -> tuple[Person, Person]:
    old = build_person(name="Lalu Lama Sekali")
    recent = build_person(name="Baiq Baru Bebas")
    long_ago = timezone.localdate() - datetime.timedelta(days=11 * 366)
    Release.objects.filter(inmate=old.inmate).update(released_on=long_ago)
    FollowUp.objects.filter(release__inmate=old.inmate).update(
        note="Tinggal dengan Lalu Lama Sekali di Jl. Pejanggik", housing="Jl. Pejanggik 12"
    )
    Inmate.objects.filter(pk=old.inmate.pk).update(
        nik="5203011201900001", birth_date=datetime.date(1990, 1, 12)
    )
    audit.record(  # as inmates.actions.create_inmate records it
        "inmate.create",
        by=None,
        username="petugas.selong",
        target=old.inmate,
        changes={"inmate": {"name": "Lalu Lama Sekali", "nik": "5203011201900001"}},
    )
    return old, recent


def _counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in COUNTED}


def _indicators() -> dict:
    period = Period(CUSTOM, datetime.date(2000, 1, 1), timezone.localdate())
    return compute_all(Query(period))


def test_a_person_released_long_ago_is_anonymised_with_the_history(people):
    old, recent = people
    counts, indicators = _counts(), _indicators()
    report = actions.apply_retention(by=None, apply=True)
    assert set(report.people) == {old.inmate.pk}
    inmate = Inmate.objects.get(pk=old.inmate.pk)
    assert inmate.name == f"Anonim {inmate.pk}"
    assert inmate.nik == "" and inmate.aliases == "" and inmate.home_regency == ""
    assert inmate.registration_number == f"ANON-{inmate.pk}"
    assert inmate.birth_date.month == 7 and inmate.birth_date.day == 1
    names = set(Inmate.history.filter(id=inmate.pk).values_list("name", flat=True))
    assert names == {f"Anonim {inmate.pk}"}
    assert not Inmate.history.filter(id=inmate.pk).exclude(nik="").exists()
    follow_up = FollowUp.objects.filter(release__inmate=inmate).exclude(note="")
    assert not follow_up.exists()
    assert not FollowUp.history.filter(release_id=old.release.pk).exclude(housing="").exists()
    assert Release.objects.get(inmate=inmate).leaves_with == ""
    assert old.certificate.__class__.objects.get(pk=old.certificate.pk).holder_name.startswith(
        "Anonim"
    )
    # the recent one keeps everything
    kept = Inmate.objects.get(pk=recent.inmate.pk)
    assert kept.name == "Baiq Baru Bebas"
    assert Release.objects.get(inmate=kept).leaves_with
    # rows and aggregates are kept
    assert _counts() == counts
    assert _indicators() == indicators
    # the audit trail forgets the name, and says what was done
    assert not AuditEvent.objects.filter(target_repr__contains="Lalu Lama Sekali").exists()
    created = AuditEvent.objects.get(action="inmate.create", target_id=str(inmate.pk))
    assert created.changes == {"inmate": {"name": "[anonim]", "nik": "[anonim]"}}
    done = AuditEvent.objects.filter(action="retention.anonymise", target_id=str(inmate.pk))
    assert sorted(done.values_list("changes__kind", flat=True)) == sorted(retention.KINDS)
    assert AuditEvent.objects.filter(action="retention.apply").count() == 1


def test_a_second_run_finds_nothing_left_to_do(people):
    actions.apply_retention(by=None, apply=True)
    assert actions.apply_retention(by=None, apply=True).people == {}


def test_a_dry_run_writes_nothing(people):
    old, _recent = people
    events = AuditEvent.objects.count()
    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert "Dry run: 1 people are due" in out.getvalue()
    assert f"inmate {old.inmate.pk}:" in out.getvalue()
    assert Inmate.objects.get(pk=old.inmate.pk).name == "Lalu Lama Sekali"
    assert AuditEvent.objects.count() == events


def test_the_command_applies_with_apply(people):
    old, _recent = people
    out = io.StringIO()
    call_command("apply_retention", "--apply", stdout=out)
    assert "Anonymised 1 people" in out.getvalue()
    assert Inmate.objects.get(pk=old.inmate.pk).name.startswith("Anonim")


def test_each_kind_has_its_own_period(people, settings):
    old, _recent = people
    settings.SINERGI_RETENTION_YEARS = {**settings.SINERGI_RETENTION_YEARS, "identity": 20}
    actions.apply_retention(by=None, apply=True)
    inmate = Inmate.objects.get(pk=old.inmate.pk)
    assert inmate.name == "Lalu Lama Sekali"  # identity is kept 20 years
    assert not FollowUp.objects.filter(release__inmate=inmate).exclude(note="").exists()


def test_every_field_named_for_retention_exists():
    assert retention.check_fields() == []


def test_the_setting_reads_kind_equals_years(monkeypatch):
    from sinergi.core.env import env_years

    monkeypatch.setenv("SINERGI_RETENTION_YEARS", "programs=3, identity=12")
    assert env_years("SINERGI_RETENTION_YEARS", {"identity": 10, "programs": 5}) == {
        "identity": 12,
        "programs": 3,
    }
    monkeypatch.setenv("SINERGI_RETENTION_YEARS", "names=3")
    with pytest.raises(ConfigError):
        env_years("SINERGI_RETENTION_YEARS", {"identity": 10})
