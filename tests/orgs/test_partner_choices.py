"""The forms offer the partners a facility can work with: those of its region and the
national ones, plus any already linked to the record being edited."""

from __future__ import annotations

import pytest

from sinergi.orgs.models import Facility, Partner, Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def others(demo_world):
    bali = Region.objects.create(code="bali", name="Kanwil Bali", province="Bali")
    far = Partner.objects.create(
        code="dinsos-badung", name="Dinsos Badung", kind="local_government", region=bali
    )
    national = Partner.objects.create(code="bnsp", name="BNSP", kind="other")
    gone = Partner.objects.create(
        code="cv-tutup",
        name="CV Tutup",
        kind="business",
        is_active=False,
        region=Facility.objects.get(code="selong").region,
    )
    return far, national, gone


def test_serving_offers_the_region_and_national_partners_only(others):
    far, national, gone = others
    selong = Facility.objects.get(code="selong")
    offered = set(Partner.objects.serving(selong))
    assert national in offered
    assert Partner.objects.get(code="disnaker-lotim") in offered
    assert far not in offered and gone not in offered


def test_serving_keeps_a_partner_already_linked(others):
    from django.db.models import Q

    far, _, gone = others
    selong = Facility.objects.get(code="selong")
    offered = list(Partner.objects.serving(selong, keep=Q(pk__in=[far.pk, gone.pk])))
    assert far in offered and gone in offered
    assert len(offered) == len(set(offered))


@pytest.mark.parametrize(
    "path", ["/programs/new/", "/cooperation/requests/new/", "/cooperation/agreements/new/"]
)
def test_the_forms_of_selong_do_not_offer_a_partner_of_another_region(client_for, others, path):
    far, national, _ = others
    html = client_for("petugas.selong").get(path).content.decode()
    assert national.name in html
    assert "Dinas Tenaga Kerja Kabupaten Lombok Timur" in html
    assert far.name not in html
