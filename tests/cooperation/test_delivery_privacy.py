"""A partner shared by several facilities: each facility's staff read the descriptions of
what the partner delivered to their own facility only; the totals stay whole."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from sinergi.cooperation.models import Fulfilment, SupportRequest
from sinergi.orgs.models import Facility, Partner

pytestmark = pytest.mark.django_db

URL = "/cooperation/partners/disnaker-lotim/contribution/"
TO_SELONG = "Pelatihan konseling adiksi untuk blok C Selong"
TO_LOBAR = "Mesin jahit untuk bengkel Lobar"


@pytest.fixture
def deliveries(demo_world):
    """The Disnaker delivered to Lapas Selong and to Lapas Lombok Barat."""
    partner = Partner.objects.get(code="disnaker-lotim")
    today = timezone.localdate()
    made = {}
    for code, description in (("selong", TO_SELONG), ("lobar", TO_LOBAR)):
        support = SupportRequest.objects.create(
            facility=Facility.objects.get(code=code),
            partner=partner,
            kind="equipment",
            title=f"Bantuan {code}",
            quantity=Decimal(1),
            unit="paket",
            needed_by=today + datetime.timedelta(days=30),
            justification="Kebutuhan",
            status="in_delivery",
        )
        made[code] = Fulfilment.objects.create(
            partner=partner,
            request=support,
            description=description,
            delivered_on=today - datetime.timedelta(days=2),
            quantity=Decimal(1),
            unit="paket",
            value_rupiah=Decimal(1_000_000),
        )
    return made


def test_another_facilitys_officer_reads_only_deliveries_to_their_own_facility(
    client_for, deliveries
):
    response = client_for("petugas.lobar").get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert TO_LOBAR in page
    assert TO_SELONG not in page
    # the figures still count everything the partner delivered
    assert response.context["totals"]["deliveries"] == 2


def test_each_facility_sees_its_own_deliveries(client_for, deliveries):
    page = client_for("petugas.selong").get(URL).content.decode()
    assert TO_SELONG in page and TO_LOBAR not in page


@pytest.mark.parametrize("username", ["mitra.disnaker", "kanwil.ntb", "admin"])
def test_the_partner_its_region_and_the_administrator_read_every_delivery(
    client_for, deliveries, username
):
    page = client_for(username).get(URL).content.decode()
    assert TO_SELONG in page and TO_LOBAR in page


def test_a_delivery_under_another_facilitys_agreement_stays_hidden(client_for, deliveries):
    from sinergi.cooperation.models import Agreement, Commitment

    selong = Facility.objects.get(code="selong")
    today = timezone.localdate()
    agreement = Agreement.objects.create(
        facility=selong,
        kind="pks",
        title="PKS konseling",
        start_date=today - datetime.timedelta(days=60),
        end_date=today + datetime.timedelta(days=300),
        status="active",
    )
    partner = Partner.objects.get(code="disnaker-lotim")
    agreement.partners.add(partner)
    commitment = Commitment.objects.create(
        agreement=agreement,
        partner=partner,
        kind="instructors",
        description="Konselor",
        target_quantity=Decimal(10),
        unit="jam",
        due_date=today + datetime.timedelta(days=100),
    )
    Fulfilment.objects.create(
        partner=partner,
        commitment=commitment,
        description="Sesi konseling kelompok napza Selong",
        delivered_on=today - datetime.timedelta(days=1),
        quantity=Decimal(2),
        unit="jam",
    )
    assert "konseling kelompok napza" not in client_for("petugas.lobar").get(URL).content.decode()
    assert "konseling kelompok napza" in client_for("petugas.selong").get(URL).content.decode()
