"""The national holidays and collective leave days (SKB 3 Menteri): shipped for 2025 and
2026 by a data migration, loaded for a later year by a command, a day off at every
facility on top of the facility's own holidays."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from sinergi.orgs import national_holidays as national
from sinergi.orgs.models import Facility, NationalHoliday
from sinergi.orgs.national_holidays import HolidayFileError, read_csv, shipped_rows
from sinergi.programs import days_off
from sinergi.programs.models import Holiday

pytestmark = pytest.mark.django_db

D = datetime.date
HEADER = "date,kind,name,source\n"


def test_the_migrations_loaded_2025_2026_and_2027s_fixed_days_each_with_name_and_kind():
    def count(year, kind):
        return NationalHoliday.objects.filter(date__year=year, kind=kind).count()

    # 2025: 17 holidays, 10 collective leave days and the 18 August added in August 2025.
    assert (count(2025, "holiday"), count(2025, "collective_leave")) == (17, 11)
    assert (count(2026, "holiday"), count(2026, "collective_leave")) == (17, 8)
    assert not NationalHoliday.objects.filter(name="").exists()
    assert NationalHoliday.objects.get(date=D(2026, 12, 24)).kind == "collective_leave"
    assert NationalHoliday.objects.get(date=D(2026, 3, 21)).name == "Idulfitri 1447 Hijriah"
    assert NationalHoliday.objects.get(date=D(2025, 8, 18)).source.startswith("SKB perubahan")
    # 2027: only the fixed-date national holidays; its SKB could not be checked (the
    # file says so).
    assert list(NationalHoliday.objects.filter(date__year=2027).values_list("date", flat=True)) == [
        D(2027, 1, 1),
        D(2027, 5, 1),
        D(2027, 6, 1),
        D(2027, 8, 17),
        D(2027, 12, 25),
    ]
    assert len(shipped_rows()) == NationalHoliday.objects.count()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (HEADER + "2027-01-01,holiday,,SKB\n", "needs its name"),
        (HEADER + "2027-01-01,libur,Tahun Baru,SKB\n", "kind must be one of"),
        (HEADER + "01/01/2027,holiday,Tahun Baru,SKB\n", "YYYY-MM-DD"),
        (HEADER + "2027-01-01,holiday,A,\n2027-01-01,holiday,B,\n", "listed twice"),
        ("tanggal,nama\n2027-01-01,Tahun Baru\n", "has no column"),
    ],
)
def test_a_file_with_a_day_without_name_kind_or_proper_date_is_refused(text, problem):
    with translation.override("en"), pytest.raises(HolidayFileError, match=problem):
        read_csv(text)


def test_the_command_loads_one_year_of_a_file(tmp_path):
    path = tmp_path / "libur.csv"
    path.write_text(
        "# a comment\n" + HEADER + "2028-01-01,holiday,Tahun Baru 2028 Masehi,SKB 2028\n"
        "2028-01-25,collective_leave,Cuti bersama Imlek,SKB 2028\n"
        "2029-01-01,holiday,Tahun Baru 2029 Masehi,SKB 2029\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("load_national_holidays", str(path), "--year", "2028", stdout=out)
    assert "2 added" in out.getvalue()
    loaded = NationalHoliday.objects.filter(date__year__gte=2028)
    assert list(loaded.values_list("date", "name")) == [
        (D(2028, 1, 1), "Tahun Baru 2028 Masehi"),
        (D(2028, 1, 25), "Cuti bersama Imlek"),
    ]
    # Loaded again after an amended SKB: --replace drops the day no longer in it.
    path.write_text(HEADER + "2028-01-01,holiday,Tahun Baru 2028 Masehi,SKB 2028\n")
    call_command("load_national_holidays", str(path), "--year", "2028", "--replace", stdout=out)
    assert list(loaded.values_list("date", flat=True)) == [D(2028, 1, 1)]
    assert NationalHoliday.history.filter(date=D(2028, 1, 25), history_type="-").exists()
    assert NationalHoliday.objects.filter(date__year=2027).count() == 5  # other years kept
    with pytest.raises(CommandError, match="no day of 2030"):
        call_command("load_national_holidays", str(path), "--year", "2030")


def test_every_facility_keeps_the_national_days_and_only_its_own_local_ones(demo_world):
    selong = Facility.objects.get(code="selong")
    lobar = Facility.objects.get(code="lobar")
    local = D(2026, 11, 9)
    Holiday.objects.create(facility=selong, date=local, name="Hari jadi kabupaten")
    found = days_off.days_off_of([selong.pk, lobar.pk])
    assert D(2026, 12, 24) in found[selong.pk] and D(2026, 12, 24) in found[lobar.pk]
    assert local in found[selong.pk] and local not in found[lobar.pk]
    assert days_off.days_off(selong) == found[selong.pk]
    assert days_off.days_off_between(selong.pk, D(2026, 11, 1), D(2026, 11, 30)) == {local}


def test_the_national_days_are_read_once_a_request_and_again_after_a_change(demo_world):
    national.request_started()
    try:
        national.national_holidays()
        with CaptureQueriesContext(connection) as queries:
            national.national_holidays()
        assert len(queries) == 0
        NationalHoliday.objects.create(date=D(2028, 1, 1), kind="holiday", name="Tahun Baru")
        assert D(2028, 1, 1) in national.national_holidays()
    finally:
        national.request_finished()
    with CaptureQueriesContext(connection) as queries:
        national.national_holidays()
    assert len(queries) == 1  # outside a request: read each time


def test_no_program_session_is_generated_on_a_national_day_off(demo_world):
    from sinergi.accounts.models import User
    from sinergi.programs import actions

    selong = Facility.objects.get(code="selong")
    officer = User.objects.get(username="petugas.selong")
    program = actions.create_program(
        facility=selong,
        values={
            "kind": "independence",
            "category": "vocational",
            "title": "Menjahit",
            "capacity": 2,
            "target_hours": 40,
            "start_date": D(2026, 12, 21),
            "end_date": D(2026, 12, 31),
        },
        slots=[
            {"weekday": d, "start_time": datetime.time(8), "end_time": datetime.time(10)}
            for d in range(5)
        ],
        by=officer,
    )
    actions.generate_sessions(program=program, by=User.objects.get(username="kalapas.selong"))
    dates = set(program.sessions.values_list("date", flat=True))
    # Monday 21 to Thursday 31 December 2026, weekdays, less Christmas Eve and Day.
    assert dates == {D(2026, 12, n) for n in (21, 22, 23, 28, 29, 30, 31)}


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("id", ["Hari libur nasional dan cuti bersama", "Cuti bersama Kelahiran Yesus Kristus"]),
        ("en", ["National holidays and collective leave", "Collective leave (cuti bersama)"]),
    ],
)
def test_the_holidays_page_lists_the_national_days_read_only(client_for, language, words):
    response = client_for("petugas.selong").get("/programs/holidays/?year=2026", language=language)
    text = response.content.decode()
    assert response.status_code == 200
    for word in words:
        assert word in text, word
    assert text.count("<li><strong>") >= 25  # the 25 national days off of 2026
    assert "holiday_remove" not in text and "/remove/" not in text  # none removable here


def test_the_holidays_page_asks_the_same_queries_whatever_the_national_days(client_for):
    client = client_for("petugas.selong")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/programs/holidays/?year=2028").status_code == 200
        return len(queries)

    NationalHoliday.objects.create(date=D(2028, 1, 1), kind="holiday", name="Tahun Baru")
    few = count()
    for day in range(2, 20):
        NationalHoliday.objects.create(date=D(2028, 2, day), kind="holiday", name=f"Libur {day}")
    assert count() == few


def test_the_demos_own_holidays_of_selong_are_not_national_days():
    from sinergi.programs import demo

    national = {row.date for row in shipped_rows()}
    assert demo.LOCAL_HOLIDAYS
    assert not {day for day, _ in demo.LOCAL_HOLIDAYS} & national
