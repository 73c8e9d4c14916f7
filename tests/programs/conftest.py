from __future__ import annotations

import datetime

import pytest

from sinergi.accounts.models import User
from sinergi.orgs.models import Facility
from sinergi.programs import actions
from sinergi.programs.models import Program
from tests.inmates.factories import make_inmate

# Who reaches a Selong program's pages (the program, its sessions): HTTP status by user.
PROGRAM_SCOPE = [
    ("petugas.selong", 200),
    ("kalapas.selong", 200),
    ("wali.selong", 200),
    ("kanwil.ntb", 200),
    ("instruktur.blk", 200),
    ("mitra.disnaker", 404),
    ("petugas.lobar", 404),
    ("pk.bapas", 404),
]


@pytest.fixture
def selong(demo_world):
    return Facility.objects.get(code="selong")


@pytest.fixture
def officer(demo_world):
    return User.objects.get(username="petugas.selong")


@pytest.fixture
def head(demo_world):
    return User.objects.get(username="kalapas.selong")


@pytest.fixture
def instructor(demo_world):
    return User.objects.get(username="instruktur.blk")


def selong_today() -> datetime.date:
    """Lapas Selong's day (WITA), the one its programs' rules read: from 16:00 UTC it is
    already tomorrow there while settings.TIME_ZONE (WIB) is still today."""
    return Facility.objects.get(code="selong").today()


def new_program(facility, by, **values) -> Program:
    today = facility.today()
    defaults = {
        "kind": "independence",
        "category": "vocational",
        "title": "Las Listrik",
        "capacity": 2,
        "target_hours": 160,
        "start_date": today - datetime.timedelta(days=14),
        "end_date": today + datetime.timedelta(days=60),
    }
    defaults.update(values)
    slots = [
        {"weekday": d, "start_time": datetime.time(8), "end_time": datetime.time(12)}
        for d in range(7)
    ]
    return actions.create_program(facility=facility, values=defaults, slots=slots, by=by)


@pytest.fixture
def running(selong, officer, head, instructor):
    """An approved, running program with daily sessions and the BLK instructor."""
    program = new_program(selong, officer)
    program.instructors.set([instructor])
    actions.transition(program=program, to="submitted", by=officer)
    actions.transition(program=program, to="approved", by=head)
    actions.transition(program=program, to="running", by=officer)
    program.refresh_from_db()
    return program


@pytest.fixture
def inmates(selong):
    return [
        make_inmate(
            facility=selong,
            name=f"Peserta {n}",
            detention_start=datetime.date(2025, 6, 1),
            term_years=4,
        )
        for n in range(4)
    ]
