"""Quantities, rupiah values and dates of cooperation keep their bounds (the actions check)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.cooperation import actions
from sinergi.cooperation.models import Fulfilment, SupportRequest
from sinergi.core.errors import Conflict
from sinergi.orgs.models import Facility, Partner

pytestmark = pytest.mark.django_db

REQUEST = {
    "kind": "equipment",
    "title": "Mesin las",
    "quantity": Decimal(2),
    "unit": "unit",
    "justification": "Untuk kelas las",
}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("quantity", Decimal("1e12")),
        ("quantity", Decimal(-1)),
        ("needed_by", datetime.date(1, 1, 1)),
        ("needed_by", datetime.date(9999, 12, 31)),
    ],
)
def test_a_request_out_of_bounds_is_refused_and_not_stored(demo_world, field, value):
    values = {
        **REQUEST,
        "partner": Partner.objects.get(code="disnaker-lotim"),
        "needed_by": timezone.localdate() + datetime.timedelta(days=30),
        field: value,
    }
    with pytest.raises(ValidationError) as refused:
        actions.create_request(
            facility=Facility.objects.get(code="selong"),
            values=values,
            by=User.objects.get(username="petugas.selong"),
        )
    assert field in refused.value.message_dict
    assert not SupportRequest.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("value_rupiah", Decimal("1e15")),
        ("value_rupiah", Decimal(-5)),
        ("quantity", Decimal("1e12")),
        ("delivered_on", datetime.date(1, 1, 1)),
    ],
)
def test_a_delivery_out_of_bounds_is_refused_and_not_stored(make_request, field, value):
    request = make_request("accepted", kind="equipment")
    values = {
        "description": "Mesin las",
        "delivered_on": timezone.localdate(),
        "quantity": Decimal(2),
        "unit": "unit",
        field: value,
    }
    with pytest.raises(ValidationError) as refused:
        actions.record_fulfilment(
            request=request,
            values=values,
            sessions=[],
            by=User.objects.get(username="mitra.disnaker"),
        )
    assert field in refused.value.message_dict  # a field error: 422 in the API
    assert not Fulfilment.objects.exists()


@pytest.mark.parametrize("accepted", [None, Decimal(0), Decimal(41), Decimal("1e30")])
def test_a_partial_acceptance_needs_a_quantity_within_the_one_asked_for(make_request, accepted):
    request = make_request("submitted")
    with pytest.raises(Conflict) as refused:
        actions.transition_request(
            request=request,
            to="partially_accepted",
            note="Sebagian",
            accepted_quantity=accepted,
            by=User.objects.get(username="mitra.disnaker"),
        )
    assert refused.value.code == "bad_quantity"
    request.refresh_from_db()
    assert request.status == "submitted"
    assert request.accepted_quantity is None


def test_a_partial_acceptance_within_the_quantity_asked_for_is_recorded(make_request):
    request = make_request("submitted")
    actions.transition_request(
        request=request,
        to="partially_accepted",
        note="Sebagian",
        accepted_quantity=Decimal(20),
        by=User.objects.get(username="mitra.disnaker"),
    )
    request.refresh_from_db()
    assert (request.status, request.accepted_quantity) == ("partially_accepted", Decimal(20))
