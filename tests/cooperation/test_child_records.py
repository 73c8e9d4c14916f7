"""Child records (deliveries, their evidence and sessions, action items) are reached
through a scoped helper or their scoped parent: someone who does not see the parent gets
a 404, someone who sees it but may not act on the child is refused by the action."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from sinergi.accounts.models import User
from sinergi.cooperation.choices import ActionStatus, RequestStatus
from sinergi.cooperation.models import ActionItem, Fulfilment, Meeting, SupportRequest
from sinergi.orgs.models import Facility
from tests.cooperation.conftest import deliver_by_api
from tests.programs.factories import ProgramFactory, SessionFactory

pytestmark = pytest.mark.django_db


def _accepted(make_request: Any, **fields: Any) -> SupportRequest:
    return make_request(RequestStatus.ACCEPTED, **fields)


def _delivery(request: SupportRequest) -> Fulfilment:
    return Fulfilment.objects.create(
        request=request,
        partner=request.partner,
        description="Instruktur hadir",
        delivered_on=timezone.localdate(),
        quantity=Decimal(8),
        unit="jam",
        evidence=SimpleUploadedFile("bukti.pdf", b"%PDF-1.4 ok"),
    )


@pytest.mark.parametrize(
    ("username", "seen"),
    [
        ("petugas.selong", True),
        ("mitra.disnaker", True),
        ("kanwil.ntb", True),
        ("petugas.lobar", False),
        ("mitra.dukcapil", False),
    ],
)
def test_deliveries_are_seen_through_their_request(make_request, username, seen):
    delivery = _delivery(_accepted(make_request))
    user = User.objects.get(username=username)
    assert Fulfilment.objects.for_user(user).filter(pk=delivery.pk).exists() == seen


@pytest.mark.parametrize("username", ["petugas.lobar", "mitra.dukcapil"])
def test_the_evidence_of_a_delivery_to_a_request_not_seen_is_a_404(
    client_for, make_request, username
):
    delivery = _delivery(_accepted(make_request))
    url = f"/cooperation/deliveries/{delivery.pk}/evidence/"
    assert client_for(username).get(url).status_code == 404
    assert client_for("petugas.selong").get(url).status_code == 200


def test_a_delivery_without_a_request_is_not_reached_by_the_evidence_link(client_for, make_request):
    delivery = _delivery(_accepted(make_request))
    Fulfilment.objects.filter(pk=delivery.pk).update(request=None)
    url = f"/cooperation/deliveries/{delivery.pk}/evidence/"
    assert client_for("admin").get(url).status_code == 404


def test_the_api_reaches_sessions_through_the_requests_facility(client_for, make_request):
    lobar = SessionFactory(
        program=ProgramFactory(facility=Facility.objects.get(code="lobar")),
        date=timezone.localdate() - datetime.timedelta(days=1),
    )
    selong = ProgramFactory(facility=Facility.objects.get(code="selong"))
    request = _accepted(make_request, program=selong)
    for ids in ([lobar.pk], [987654]):
        response = deliver_by_api(client_for("mitra.disnaker"), request, ids)
        assert response.status_code == 422, response.content
        assert response.json()["errors"]["session_ids"] == [
            f"No session {ids[0]} at this facility."
        ]
    assert not request.fulfilments.exists()


def _action_item() -> ActionItem:
    selong = Facility.objects.get(code="selong")
    meeting = Meeting.objects.create(facility=selong, title="Rakor", date=timezone.localdate())
    return ActionItem.objects.create(
        meeting=meeting,
        title="Surat undangan",
        due_date=timezone.localdate() + datetime.timedelta(days=5),
        owner_facility=selong,
    )


def test_a_guardian_who_sees_an_action_item_is_refused_by_the_action(client_for):
    item = _action_item()
    with translation.override("en"):
        refused = client_for("wali.selong").post(
            f"/cooperation/actions/{item.pk}/close/", {"status": "done"}
        )
    assert refused.status_code == 403
    item.refresh_from_db()
    assert item.status == ActionStatus.OPEN


def test_an_action_item_of_a_meeting_not_seen_is_a_404(client_for):
    item = _action_item()
    refused = client_for("petugas.lobar").post(
        f"/cooperation/actions/{item.pk}/close/", {"status": "done"}
    )
    assert refused.status_code == 404


def test_the_owner_closes_an_action_item_from_its_page(client_for):
    item = _action_item()
    response = client_for("petugas.selong").post(
        f"/cooperation/actions/{item.pk}/close/", {"status": "done"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ActionStatus.DONE
