"""The demo tells the cooperation story with true figures (issue 15): the umbrella
Kesepakatan Bersama with the regency is active while its PKS deliver, and Disnaker's
contribution counts the welding class its BLK teaches (enrolments and taught hours)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from sinergi.cooperation import contributions
from sinergi.cooperation.choices import AgreementKind
from sinergi.cooperation.health import agreement_health
from sinergi.cooperation.models import Agreement
from sinergi.core.demo import seeders
from sinergi.orgs.models import Partner
from sinergi.programs.choices import AttendanceStatus
from sinergi.programs.models import Program

pytestmark = pytest.mark.django_db

NEEDED = ("organisations", "users", "inmates", "programs", "cooperation")


@pytest.fixture
def seeded(demo_world):
    out = io.StringIO()
    for name, seed in seeders():
        if name in NEEDED:
            seed(out)


def test_the_demos_umbrella_agreement_is_active_while_its_pks_deliver(seeded):
    kb = Agreement.objects.get(kind=AgreementKind.MOU, number="180/01/KB/HK/2025")
    assert kb.operational_agreements.exists()
    figures = agreement_health(kb)
    assert figures.status == "active"
    assert figures.last_delivery is not None
    assert figures.commitments == sum(
        a.commitments.count() for a in kb.operational_agreements.all()
    )


def test_disnaker_counts_the_demos_welding_class_and_its_taught_hours(seeded):
    welding = Program.objects.get(facility__code="selong", title__startswith="Pelatihan Las")
    disnaker = Partner.objects.get(code="disnaker-lotim")
    figures = contributions.figures(disnaker)
    # The welding class (taught by the BLK, Disnaker's unit) is all Disnaker delivers.
    assert set(contributions.delivered_programs(disnaker)) == {welding}
    assert figures.people_trained == welding.enrollments.count() > 3
    held = welding.sessions.filter(attendance__status=AttendanceStatus.PRESENT).distinct()
    welding_hours = sum(Decimal(str(s.hours)) for s in held)
    assert welding_hours > 0
    assert figures.taught_hours == welding_hours
    taught = contributions.taught_sessions(disnaker).filter(program=welding)
    assert taught.count() == held.count()
