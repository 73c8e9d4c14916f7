"""Fixtures of the proposals tests: Selong (the demo facility), its staff, the Bapas
Mataram's PK, and a person there eligible for PB since three days ago."""

from __future__ import annotations

import pytest

from sinergi.accounts.models import User
from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Facility
from tests.proposals.factories import eligible_person


@pytest.fixture
def selong(demo_world: None) -> Facility:
    return Facility.objects.get(code="selong")


@pytest.fixture
def bapas(demo_world: None) -> Facility:
    return Facility.objects.get(code="bapas-mataram")


@pytest.fixture
def person(selong: Facility) -> Inmate:
    return eligible_person(selong)


@pytest.fixture
def officer(demo_world: None) -> User:
    return User.objects.get(username="petugas.selong")


@pytest.fixture
def head(demo_world: None) -> User:
    return User.objects.get(username="kalapas.selong")


@pytest.fixture
def wali(demo_world: None) -> User:
    return User.objects.get(username="wali.selong")


@pytest.fixture
def pk(demo_world: None) -> User:
    return User.objects.get(username="pk.bapas")
