"""Deliveries recorded at the same time: the request moves once, one status event is written."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.cooperation import actions
from sinergi.cooperation.models import Fulfilment, RequestEvent, SupportRequest
from sinergi.core.errors import Conflict


def delivery(description: str = "Mengajar") -> dict:
    return {
        "description": description,
        "delivered_on": timezone.localdate(),
        "quantity": Decimal(2),
        "unit": "jam",
    }


@pytest.mark.django_db
def test_two_deliveries_from_a_stale_page_move_the_request_once(make_request):
    request = make_request("accepted")
    partner = User.objects.get(username="mitra.disnaker")
    stale = SupportRequest.objects.get(pk=request.pk)  # both callers loaded "accepted"
    actions.record_fulfilment(request=request, values=delivery(), by=partner)
    actions.record_fulfilment(request=stale, values=delivery("Kedua"), by=partner)
    moves = RequestEvent.objects.filter(request=request, to_status="in_delivery")
    assert moves.count() == 1
    assert Fulfilment.objects.filter(request=request).count() == 2


@pytest.mark.django_db
def test_a_delivery_on_a_request_closed_meanwhile_is_a_conflict(make_request):
    request = make_request("accepted")
    stale = SupportRequest.objects.get(pk=request.pk)
    SupportRequest.objects.filter(pk=request.pk).update(status="closed")
    with pytest.raises(Conflict) as exc:
        actions.record_fulfilment(
            request=stale, values=delivery(), by=User.objects.get(username="mitra.disnaker")
        )
    assert exc.value.code == "not_accepted"
    assert not Fulfilment.objects.filter(request=request).exists()


@pytest.mark.django_db
def test_a_second_fulfilled_from_a_stale_page_is_a_conflict(make_request):
    request = make_request("in_delivery")
    officer = User.objects.get(username="petugas.selong")
    stale = SupportRequest.objects.get(pk=request.pk)
    actions.transition_request(request=request, to="fulfilled", by=officer)
    with pytest.raises(actions.RequestConflict):
        actions.transition_request(request=stale, to="fulfilled", by=officer)
    assert RequestEvent.objects.filter(request=request, to_status="fulfilled").count() == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_deliveries_at_once_write_one_status_event(make_request):
    if connection.vendor != "postgresql":
        pytest.skip("row locks under concurrent transactions are tested on PostgreSQL")
    request = make_request("accepted")
    partner = User.objects.get(username="mitra.disnaker")
    callers = 20
    barrier = threading.Barrier(callers)
    errors: list[BaseException] = []

    def deliver(n: int) -> None:
        try:
            stale = SupportRequest.objects.get(pk=request.pk)
            barrier.wait()
            actions.record_fulfilment(request=stale, values=delivery(f"Sesi {n}"), by=partner)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=(n,)) for n in range(callers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert RequestEvent.objects.filter(request=request, to_status="in_delivery").count() == 1
    assert Fulfilment.objects.filter(request=request).count() == callers


@pytest.mark.django_db(transaction=True)
def test_twenty_fulfilled_at_once_make_one_move_and_nineteen_conflicts(make_request):
    if connection.vendor != "postgresql":
        pytest.skip("row locks under concurrent transactions are tested on PostgreSQL")
    request = make_request("in_delivery")
    officer = User.objects.get(username="petugas.selong")
    callers = 20
    barrier = threading.Barrier(callers)
    conflicts: list[BaseException] = []
    errors: list[BaseException] = []

    def close(_n: int) -> None:
        try:
            stale = SupportRequest.objects.get(pk=request.pk)
            barrier.wait()
            actions.transition_request(request=stale, to="fulfilled", by=officer)
        except actions.RequestConflict as exc:
            conflicts.append(exc)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=close, args=(n,)) for n in range(callers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(conflicts) == callers - 1
    assert RequestEvent.objects.filter(request=request, to_status="fulfilled").count() == 1
