from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.cooperation import actions
from sinergi.cooperation.models import Meeting, SupportRequest
from sinergi.orgs.models import Facility, Partner


@pytest.fixture
def make_request(demo_world):
    def make(status: str = "draft", kind: str = "instructor", **fields: Any) -> SupportRequest:
        return SupportRequest.objects.create(
            facility=Facility.objects.get(code="selong"),
            partner=Partner.objects.get(code="disnaker-lotim"),
            kind=kind,
            title="Instruktur las",
            quantity=Decimal(40),
            unit="jam",
            needed_by=timezone.localdate() + datetime.timedelta(days=30),
            justification="Kelas las",
            status=status,
            **fields,
        )

    return make


def deliver_by_api(client: Any, request: SupportRequest, session_ids: list[int]) -> Any:
    """Eight hours of an instructor delivered today for ``request``, counting these
    sessions, through the API (answered in English)."""
    return client.post(
        f"/api/v1/support-requests/{request.pk}/fulfilments",
        {
            "description": "Instruktur hadir",
            "delivered_on": timezone.localdate().isoformat(),
            "quantity": "8",
            "unit": "jam",
            "session_ids": session_ids,
        },
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.fixture
def meeting(demo_world) -> Meeting:
    """A coordination meeting of Selong with Disnaker, recorded today by its officer."""
    return actions.record_meeting(
        facility=Facility.objects.get(code="selong"),
        values={"title": "Rakor pelatihan", "date": timezone.localdate()},
        partners=[Partner.objects.get(code="disnaker-lotim")],
        actions_=[],
        by=User.objects.get(username="petugas.selong"),
    )
