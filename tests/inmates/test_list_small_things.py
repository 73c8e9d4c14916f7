"""The inmate list as a daily user reads it (issue 16): names sorted as a person sorts
them, whatever their case, and the facility named, not coded."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sinergi.orgs.models import Facility
from tests.inmates.factories import make_inmate

pytestmark = pytest.mark.django_db


def test_the_inmate_list_sorts_names_whatever_their_case(client_for):
    selong = Facility.objects.get(code="selong")
    for name in ["zainul", "Baiq Aminah", "ahmad", "Lalu Zaki"]:
        make_inmate(facility=selong, name=name)
    page = client_for("petugas.selong").get(reverse("inmates:list")).content.decode()
    positions = [page.index(n) for n in ["ahmad", "Baiq Aminah", "Lalu Zaki", "zainul"]]
    assert positions == sorted(positions)


def test_the_regional_inmate_list_names_the_facility_in_a_bounded_number_of_queries(
    client_for,
):
    selong = Facility.objects.get(code="selong")
    lobar = Facility.objects.get(code="lobar")
    make_inmate(facility=selong, name="Amaq Selong")
    client = client_for("kanwil.ntb")
    with CaptureQueriesContext(connection) as few:
        page = client.get(reverse("inmates:list")).content.decode()
    assert f"<td>{selong.name}</td>" in page
    assert f"<td>{selong.code}</td>" not in page
    for n in range(5):
        make_inmate(facility=lobar if n % 2 else selong, name=f"Inaq {n}")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("inmates:list"))
    assert len(many) == len(few)
