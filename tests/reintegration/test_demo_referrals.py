"""The demo's referrals are as real use leaves them (issue 16): the e-KTP recording inside
the Lapas is a referral only for while in custody, and the need behind a referral still
under way stays open until the partner completes it (the action then settles it)."""

from __future__ import annotations

import io

import pytest

from sinergi.core.demo import seeders
from sinergi.reintegration.choices import OPEN_NEED_STATUSES
from sinergi.reintegration.models import Referral

pytestmark = pytest.mark.django_db

NEEDED = ("organisations", "users", "inmates", "reintegration")


@pytest.fixture
def seeded(demo_world: None) -> None:
    out = io.StringIO()
    for name, seed in seeders():
        if name in NEEDED:
            seed(out)


def test_the_e_ktp_recording_in_the_lapas_is_only_for_while_in_custody(seeded: None) -> None:
    inside = Referral.objects.filter(purpose="Perekaman e-KTP di Lapas")
    assert inside.exists()
    assert not inside.filter(needs_custody=False).exists()
    assert not Referral.objects.exclude(purpose="Perekaman e-KTP di Lapas").filter(
        needs_custody=True
    )


def test_the_need_behind_a_live_referral_stays_open(seeded: None) -> None:
    live = Referral.objects.filter(status__in=("sent", "accepted", "in_progress"))
    assert live.count() >= 3
    for referral in live.select_related("need"):
        assert referral.need is not None
        assert referral.need.status in OPEN_NEED_STATUSES, referral
        assert referral.need.partner_id == referral.partner_id


def test_a_completed_referral_met_its_need_through_the_action(seeded: None) -> None:
    completed = Referral.objects.filter(status="completed", outcome="achieved")
    assert completed.exists()
    for referral in completed.select_related("need", "partner"):
        assert referral.need is not None and referral.need.status == "met"
        last = referral.need.updates.order_by("-at", "-pk").first()
        assert last is not None and last.referral_id == referral.pk
