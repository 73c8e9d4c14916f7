"""Fixtures shared by the reintegration tests: Selong's program officer and a person in
custody there (2 years from 1 June 2024)."""

from __future__ import annotations

import datetime

import pytest

from sinergi.accounts.models import User
from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Facility
from tests.inmates.factories import make_inmate


@pytest.fixture
def officer(demo_world: None) -> User:
    return User.objects.get(username="petugas.selong")


@pytest.fixture
def person(demo_world: None) -> Inmate:
    return make_inmate(
        facility=Facility.objects.get(code="selong"),
        detention_start=datetime.date(2024, 6, 1),
        term_years=2,
    )
