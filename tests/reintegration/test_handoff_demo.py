"""The demo is built through the actions, so each demo user finds the notifications its
events would have sent them (issue 16): Dukcapil and Disnaker each referral sent to
them, Selong's officers each answer, pk.bapas each hand-over named to them, with the
cards on their home pages."""

from __future__ import annotations

import io

import pytest

from sinergi.accounts.models import Notification, User
from sinergi.core.demo import seeders
from sinergi.reintegration.models import Referral, Release

pytestmark = pytest.mark.django_db

NEEDED = ("organisations", "users", "inmates", "reintegration", "proposals")


@pytest.fixture
def seeded(demo_world: None) -> None:
    out = io.StringIO()
    for name, seed in seeders():
        if name in NEEDED:
            seed(out)


def _keys(username: str) -> set[str]:
    return set(Notification.objects.filter(user__username=username).values_list("key", flat=True))


def test_each_partner_finds_its_referrals(seeded: None, client_for) -> None:
    for username, code in (
        ("mitra.dukcapil", "dukcapil-lotim"),
        ("mitra.disnaker", "disnaker-lotim"),
    ):
        referrals = Referral.objects.filter(partner__code=code)
        assert referrals.exists()
        assert {f"referral:{r.pk}:sent" for r in referrals} <= _keys(username)
        others = Referral.objects.exclude(partner__code=code)
        assert not {f"referral:{r.pk}:sent" for r in others} & _keys(username)
    cards = client_for("mitra.dukcapil").get("/", language="en").context["cards"]
    titles = {str(c.title): c for c in cards}
    waiting = Referral.objects.filter(partner__code="dukcapil-lotim", status="sent").count()
    assert titles["Referrals to answer"].count == waiting


def test_the_facility_finds_each_answer(seeded: None) -> None:
    answered = Referral.objects.filter(status__in=("accepted", "declined", "completed"))
    assert answered.exists()
    keys = _keys("petugas.selong")
    for referral in answered:
        moves = (
            {"accepted", referral.status} if referral.status == "completed" else {referral.status}
        )
        assert {f"referral:{referral.pk}:{m}" for m in moves} <= keys
    # A completed referral settled the need it served.
    for referral in Referral.objects.filter(status="completed", outcome="achieved"):
        assert referral.need is not None and referral.need.status in (
            "met",
            "not_needed",
            "declined",
        )


def test_pk_bapas_finds_each_hand_over_and_the_unfollowed_one_on_the_home_page(
    seeded: None, client_for
) -> None:
    pk = User.objects.get(username="pk.bapas")
    releases = Release.objects.filter(probation_officer=pk)
    assert releases.exists()
    assert {f"handover:{r.pk}" for r in releases} <= _keys("pk.bapas")
    cards = client_for("pk.bapas").get("/", language="en").context["cards"]
    received = next(c for c in cards if str(c.title) == "Hand-overs received")
    unfollowed = [r for r in releases if not r.follow_ups.filter(done_on__isnull=False).exists()]
    assert unfollowed and received.count >= len(unfollowed)
    assert all(r.inmate.name in " ".join(label for label, _u in received.items) for r in unfollowed)
