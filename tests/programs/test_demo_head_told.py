"""The demo is built through the actions (issue 16): the head of Selong finds the
notification of the program the officer submitted for approval, beside the home card
that lists it, and the BLK instructor that of each program they teach."""

from __future__ import annotations

import io

import pytest

from sinergi.accounts.models import Notification
from sinergi.core.demo import seeders
from sinergi.programs.models import Program

pytestmark = pytest.mark.django_db

NEEDED = ("organisations", "users", "inmates", "programs")


def test_the_head_is_told_of_the_program_awaiting_approval(demo_world, client_for) -> None:
    out = io.StringIO()
    for name, seed in seeders():
        if name in NEEDED:
            seed(out)
    waiting = Program.objects.filter(facility__code="selong", status="submitted")
    assert waiting.exists()
    told = Notification.objects.filter(user__username="kalapas.selong")
    assert {p.get_absolute_url() for p in waiting} <= set(told.values_list("url", flat=True))
    # Only the head: the officer who submitted is not told of their own submission.
    assert not Notification.objects.filter(
        user__username="petugas.selong", url__in=[p.get_absolute_url() for p in waiting]
    ).exists()
    cards = client_for("kalapas.selong").get("/", language="en").context["cards"]
    titles = {str(c.title): c for c in cards}
    assert titles["Programs awaiting your approval"].count == waiting.count()


def test_the_instructor_is_told_of_the_program_they_teach(demo_world) -> None:
    out = io.StringIO()
    for name, seed in seeders():
        if name in NEEDED:
            seed(out)
    taught = Program.objects.filter(instructors__username="instruktur.blk")
    assert taught.exists()
    told = Notification.objects.filter(user__username="instruktur.blk")
    assert {f"program:{p.pk}:approved" for p in taught} == set(told.values_list("key", flat=True))
