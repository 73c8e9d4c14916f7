"""Issue 16: a delivery recorded tells the other side of the request (the partner's
delivery its facility's officers and head; a delivery the facility records, the partner),
and the facility's home shows the requests partners answered in the last 14 days,
scoped to the facility, with queries that do not grow with the rows."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sinergi.accounts.models import Notification, User
from sinergi.cooperation import actions, home
from sinergi.core.scoping import scope_of

pytestmark = pytest.mark.django_db

DELIVERY = {
    "description": "Instruktur hadir",
    "delivered_on": None,
    "quantity": 8,
    "unit": "jam",
}


def _delivery(request: Any, by: User) -> Any:
    return actions.record_fulfilment(
        request=request,
        values={**DELIVERY, "delivered_on": timezone.localdate()},
        by=by,
    )


def test_a_delivery_by_the_partner_tells_the_facility(make_request) -> None:
    request = make_request("accepted", kind="equipment")
    _delivery(request, User.objects.get(username="mitra.disnaker"))
    told = Notification.objects.filter(key__startswith="delivery:").values_list(
        "user__username", flat=True
    )
    assert "petugas.selong" in told and "mitra.disnaker" not in told
    note = Notification.objects.get(user__username="petugas.selong", key__startswith="delivery:")
    assert note.url == request.get_absolute_url() and request.title in note.title


def test_a_delivery_recorded_by_the_facility_tells_the_partner(make_request) -> None:
    request = make_request("accepted", kind="equipment")
    _delivery(request, User.objects.get(username="petugas.selong"))
    told = set(
        Notification.objects.filter(key__startswith="delivery:").values_list(
            "user__username", flat=True
        )
    )
    assert "mitra.disnaker" in told and "petugas.selong" not in told


def _card(username: str) -> Any:
    request = RequestFactory().get("/")
    request.user = User.objects.get(username=username)
    found = [
        c
        for c in home.cards(request, scope_of(request.user))
        if str(c.title) in ("Requests answered", "Permintaan yang dijawab")
    ]
    return found[0] if found else None


def _answered(make_request: Any, n: int) -> None:
    partner = User.objects.get(username="mitra.disnaker")
    for _ in range(n):
        request = make_request("submitted")
        actions.transition_request(request=request, to="accepted", by=partner)


def test_the_facility_sees_the_requests_answered_in_the_last_14_days(make_request) -> None:
    assert _card("petugas.selong") is None
    _answered(make_request, 1)
    old = make_request("declined", answered_at=timezone.now() - datetime.timedelta(days=20))
    card = _card("petugas.selong")
    assert card is not None and card.count == 1
    assert old.get_absolute_url() not in [url for _label, url in card.items]
    assert _card("petugas.lobar") is None  # another facility
    assert _card("mitra.disnaker") is None  # the partner has its own cards


def test_the_answered_card_queries_do_not_grow(make_request) -> None:
    def queries() -> int:
        request = RequestFactory().get("/")
        request.user = User.objects.get(username="petugas.selong")
        with CaptureQueriesContext(connection) as captured:
            home.cards(request, scope_of(request.user))
        return len(captured)

    _answered(make_request, 1)
    few = queries()
    _answered(make_request, 9)
    assert queries() == few
    assert _card("petugas.selong").count == 10
