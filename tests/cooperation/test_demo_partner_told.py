"""The demo is built through the actions (issue 16): a partner finds the notification of
each support request the facility sent it and it has still to answer, beside the home
card that lists it; the request keeps the demo's timeline (sent weeks ago)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone

from sinergi.accounts.models import Notification
from sinergi.cooperation.models import SupportRequest
from sinergi.core.demo import seeders

pytestmark = pytest.mark.django_db

NEEDED = ("organisations", "users", "inmates", "programs", "cooperation")


def test_the_partner_is_told_of_the_request_waiting_for_its_answer(demo_world, client_for):
    out = io.StringIO()
    for name, seed in seeders():
        if name in NEEDED:
            seed(out)
    waiting = SupportRequest.objects.filter(partner__code="dukcapil-lotim", status="submitted")
    assert waiting.count() == 1
    request = waiting.get()
    told = Notification.objects.filter(
        user__username="mitra.dukcapil", url=request.get_absolute_url()
    )
    assert told.count() == 1
    # Sent 19 days ago, as the demo tells it, and once.
    assert request.submitted_at is not None
    assert timezone.now() - request.submitted_at > datetime.timedelta(days=18)
    sent = request.events.get(from_status="draft", to_status="submitted")
    assert sent.created_at == request.submitted_at
    cards = client_for("mitra.dukcapil").get("/", language="en").context["cards"]
    titles = {str(c.title): c for c in cards}
    assert titles["Requests waiting for your answer"].count == 1
