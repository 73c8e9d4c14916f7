"""A person admitted without a sentence yet (the demo's re-admitted person) opens on
every page that shows an inmate: the record, the reintegration plan, the worklists and
the PDFs say the sentence is not recorded instead of failing."""

from __future__ import annotations

import pytest

from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Facility

pytestmark = pytest.mark.django_db


@pytest.fixture
def unsentenced(demo_world):
    return Inmate.objects.create(
        facility=Facility.objects.get(code="lobar"),
        registration_number="BI 9001/26",
        name="Baru Masuk Lagi",
        sex="M",
        religion="islam",
    )


def test_the_inmate_page_opens_without_a_sentence(client_for, unsentenced):
    response = client_for("petugas.lobar").get(f"/inmates/{unsentenced.pk}/")
    assert response.status_code == 200
    assert "Baru Masuk Lagi" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/reintegration/inmates/{pk}/",
        "/programs/inmates/{pk}/record.pdf",
        "/inmates/",
        "/inmates/rights/",
        "/reintegration/",
    ],
)
def test_other_pages_open_without_a_sentence(client_for, unsentenced, url):
    response = client_for("petugas.lobar").get(url.format(pk=unsentenced.pk))
    assert response.status_code == 200, url


def test_the_api_reads_an_inmate_without_a_sentence(client_for, unsentenced):
    client = client_for("petugas.lobar")
    assert client.get(f"/api/v1/inmates/{unsentenced.pk}").status_code == 200
    assert client.get("/api/v1/inmates").status_code == 200


def test_correcting_a_missing_sentence_is_not_found_rather_than_an_error(client_for, unsentenced):
    client = client_for("petugas.lobar")
    assert client.get(f"/inmates/{unsentenced.pk}/sentence/").status_code == 404
