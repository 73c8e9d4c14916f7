from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from sinergi.cooperation.models import SupportRequest
from sinergi.orgs.models import Facility, Partner


@pytest.fixture
def make_request(demo_world):
    def make(status: str = "draft", kind: str = "instructor") -> SupportRequest:
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
        )

    return make
