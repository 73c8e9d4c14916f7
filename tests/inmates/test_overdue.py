"""Overdue release is an alarm: anyone recorded in custody after their release date (the
release date after a substitute term, else the expiry after remisi) is overdue from the
day after it, at their facility's own date; the release day itself is "due today". They
head the home page of the facility's head, officers and wali (in red, in words), fill a
list scoped like the inmates, the daily reminder, the facility's indicators, and the
import's report; recording the release or correcting the sentence resolves them."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from sinergi.accounts.models import Notification, User
from sinergi.core.models import AuditEvent
from sinergi.indicators.catalogue import FACILITY, REGION, Query, get
from sinergi.indicators.periods import Period
from sinergi.inmates import actions
from sinergi.inmates.custody import follow_status
from sinergi.inmates.models import CustodyEpisode, ImportBatch, Inmate, Sentence
from sinergi.inmates.queries import days_overdue, overdue_releases, releases_due_today
from sinergi.orgs.models import Facility
from sinergi.reintegration import actions as reintegration_actions
from tests.client import Client
from tests.inmates.factories import make_inmate

pytestmark = pytest.mark.django_db

LIST = "/inmates/overdue-releases/"
DAY = datetime.timedelta(days=1)


def _person(code: str, name: str, release: datetime.date, **fields: Any) -> Inmate:
    """An inmate in custody at facility ``code`` whose release date is ``release``
    (``release_date`` None: no substitute term, the expiry after remisi decides)."""
    facility = Facility.objects.get(code=code)
    substitute = fields.pop("release_date", None)
    inmate = make_inmate(
        facility=facility, name=name, detention_start=release - datetime.timedelta(days=400)
    )
    Sentence.objects.filter(inmate=inmate).update(
        expiry_after_remission=release, release_date=substitute
    )
    if fields:
        Inmate.objects.filter(pk=inmate.pk).update(**fields)
    inmate.refresh_from_db()
    if fields:  # the custody episodes of the status written here
        CustodyEpisode.objects.filter(inmate=inmate).delete()
        follow_status([inmate], strict=False)
    return inmate


def _selong_today() -> datetime.date:
    return Facility.objects.get(code="selong").today()


def _overdue_days(code: str | None = None) -> dict[str, int]:
    facilities = None if code is None else Facility.objects.filter(code=code)
    return {i.name: days_overdue(i) for i in overdue_releases(facilities)}


# -- the rule: the day of, the day after ------------------------------------------------


def test_the_release_day_is_due_today_and_the_day_after_is_one_day_overdue(demo_world):
    today = _selong_today()
    _person("selong", "Rilis Hari Ini", today)
    _person("selong", "Rilis Kemarin", today - DAY)
    _person("selong", "Rilis Besok", today + DAY)
    assert _overdue_days("selong") == {"Rilis Kemarin": 1}
    assert [i.name for i in releases_due_today(Facility.objects.filter(code="selong"))] == [
        "Rilis Hari Ini"
    ]


def test_the_release_date_after_a_substitute_term_decides_when_there_is_one(demo_world):
    today = _selong_today()
    # The expiry after remisi passed, but a substitute term keeps the person until later.
    _person("selong", "Subsider Berjalan", today - 10 * DAY, release_date=today + 20 * DAY)
    _person("selong", "Subsider Lewat", today - 10 * DAY, release_date=today - 3 * DAY)
    assert _overdue_days("selong") == {"Subsider Lewat": 3}


def test_only_people_in_custody_are_overdue(demo_world):
    today = _selong_today()
    _person("selong", "Sudah Bebas", today - 30 * DAY, status="released")
    _person("selong", "Dipindah", today - 30 * DAY, status="transferred")
    _person("selong", "Masih Ditahan", today - 30 * DAY)
    assert _overdue_days("selong") == {"Masih Ditahan": 30}


def test_each_facility_is_judged_by_its_own_date(demo_world, monkeypatch):
    """At 23:30 WIB it is already the next day in a WIT facility."""
    Facility.objects.filter(code="selong").update(time_zone="Asia/Jakarta")
    Facility.objects.filter(code="lobar").update(time_zone="Asia/Jayapura")
    moment = datetime.datetime(2026, 3, 10, 16, 30, tzinfo=datetime.UTC)  # 23:30 WIB
    monkeypatch.setattr(timezone, "now", lambda: moment)
    wib_day = datetime.date(2026, 3, 10)
    _person("selong", "Selong WIB", wib_day)
    _person("lobar", "Lobar WIT", wib_day)
    _person("lobar", "Lobar WIT Hari Ini", wib_day + DAY)
    assert _overdue_days() == {"Lobar WIT": 1}
    # due on the WIT facility's today, which is the next WIB day
    assert sorted(i.name for i in releases_due_today()) == ["Lobar WIT Hari Ini", "Selong WIB"]


# -- the home page ------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["kalapas.selong", "petugas.selong", "wali.selong"])
def test_the_home_page_of_the_head_and_officers_shows_the_alarm_in_red_first(
    demo_world, client_for: Callable[[str], Client], username: str
):
    today = _selong_today()
    late = _person("selong", "Lalu Terlambat", today - DAY)
    _person("selong", "Baiq Hari Ini", today)
    with translation.override("en"):
        page = client_for(username).get("/", language="en").content.decode()
    assert "card card-danger" in page
    assert "Held past release date: 1 day" in page
    assert late.get_absolute_url() in page
    assert LIST in page
    # The alarm is the first card, before the due-today card.
    assert page.index("card-danger") < page.index("Release due today")
    assert page[page.index('class="card card-') :].startswith('class="card card-danger"')


def test_the_alarm_is_in_indonesian_too(demo_world, client_for):
    _person("selong", "Lalu Terlambat", _selong_today() - 3 * DAY)
    client = client_for("kalapas.selong")
    client.cookies["django_language"] = "id"
    page = client.get("/", language="id").content.decode()
    assert "Ditahan melewati tanggal bebas: 3 hari" in page


def test_partners_and_other_facilities_see_no_alarm(demo_world, client_for):
    _person("selong", "Lalu Terlambat", _selong_today() - 5 * DAY)
    for username in ("mitra.disnaker", "instruktur.blk", "petugas.lobar"):
        page = client_for(username).get("/").content.decode()
        assert "card-danger" not in page, username
        assert "Lalu Terlambat" not in page, username


def test_nobody_overdue_no_alarm(demo_world, client_for):
    _person("selong", "Tepat Waktu", _selong_today() + 10 * DAY)
    page = client_for("kalapas.selong").get("/").content.decode()
    assert "card-danger" not in page


# -- the list -----------------------------------------------------------------------------


def test_the_list_names_each_person_with_the_days_and_what_to_do(demo_world, client_for):
    today = _selong_today()
    late = _person("selong", "Lalu Terlambat", today - 4 * DAY)
    _person("selong", "Baiq Sebentar", today - DAY)
    with translation.override("en"):
        response = client_for("petugas.selong").get(LIST, language="en")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Held past release date: 4 days" in page
    assert "Held past release date: 1 day" in page
    assert page.index("Lalu Terlambat") < page.index("Baiq Sebentar")  # most overdue first
    assert late.registration_number in page
    assert f"/reintegration/inmates/{late.pk}/release/" in page
    assert f"/inmates/{late.pk}/sentence/" in page
    assert AuditEvent.objects.filter(
        action="inmate.overdue.list", actor_username="petugas.selong"
    ).exists()


def test_the_list_is_scoped_to_the_users_facilities_and_region(demo_world, client_for):
    today = _selong_today()
    _person("selong", "Orang Selong", today - 2 * DAY)
    _person("lobar", "Orang Lobar", today - 2 * DAY)
    selong = client_for("petugas.selong").get(LIST).content.decode()
    assert "Orang Selong" in selong and "Orang Lobar" not in selong
    lobar = client_for("petugas.lobar").get(LIST).content.decode()
    assert "Orang Lobar" in lobar and "Orang Selong" not in lobar
    # The Kanwil reads its region's, without the officers' links.
    kanwil = client_for("kanwil.ntb").get(LIST).content.decode()
    assert "Orang Selong" in kanwil and "Orang Lobar" in kanwil
    assert "/sentence/" not in kanwil and "/release/" not in kanwil


@pytest.mark.parametrize("username", ["mitra.disnaker", "instruktur.blk"])
def test_outsiders_are_refused_the_list(demo_world, client_for, username):
    _person("selong", "Orang Selong", _selong_today() - 2 * DAY)
    response = client_for(username).get(LIST)
    assert response.status_code == 404
    assert "Orang Selong" not in response.content.decode()


def test_anonymous_users_are_sent_to_sign_in(demo_world):
    response = Client().get(LIST)
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_lists_query_count_does_not_grow_with_its_rows(demo_world, client_for):
    client = client_for("petugas.selong")
    today = _selong_today()
    for n in range(2):
        _person("selong", f"Awal {n}", today - (n + 1) * DAY)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    for n in range(12):
        _person("selong", f"Lagi {n}", today - (n + 3) * DAY)
    with CaptureQueriesContext(connection) as many:
        assert client.get(LIST).status_code == 200
    assert len(many) == len(few)


# -- resolving one ------------------------------------------------------------------------


def test_recording_the_release_takes_the_person_off_the_list(demo_world, client_for, user):
    person = _person("selong", "Lalu Terlambat", _selong_today() - 6 * DAY)
    client = client_for("petugas.selong")
    assert "Lalu Terlambat" in client.get(LIST).content.decode()
    reintegration_actions.record_release(
        inmate=person,
        by=user("petugas.selong"),
        values={
            "released_on": person.facility.today(),
            "kind": "expiry",
            "bapas": Facility.objects.get(code="bapas-mataram"),
            "probation_officer": None,
        },
    )
    assert "Lalu Terlambat" not in client.get(LIST).content.decode()
    assert "card-danger" not in client.get("/").content.decode()
    assert AuditEvent.objects.filter(action="release.create").exists()


def test_correcting_the_sentence_takes_the_person_off_the_list(demo_world, client_for, user):
    """A sentence entered too short (one year from two years ago): the computed date
    has passed; corrected to five years, it has not."""
    facility = Facility.objects.get(code="selong")
    person = make_inmate(
        facility=facility,
        name="Salah Input",
        term_years=1,
        detention_start=facility.today() - datetime.timedelta(days=730),
    )
    client = client_for("petugas.selong")
    assert "Salah Input" in client.get(LIST).content.decode()
    actions.update_sentence(
        sentence=person.sentence, values={"term_years": 5}, by=user("petugas.selong")
    )
    assert "Salah Input" not in client.get(LIST).content.decode()
    assert AuditEvent.objects.filter(action="sentence.update").exists()


# -- the daily reminder -------------------------------------------------------------------


def test_the_daily_reminder_names_each_facilitys_overdue_people_once_a_day(
    demo_world, django_capture_on_commit_callbacks
):
    today = _selong_today()
    _person("selong", "Lalu Terlambat", today - 2 * DAY)
    _person("selong", "Baiq Hari Ini", today)
    User.objects.filter(username__in=["kalapas.selong", "wali.selong"]).update(
        email_notifications=True, language="en"
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=io.StringIO())
    notes = Notification.objects.filter(key__startswith="overdue-release:")
    # The facility's staff, and the Kanwil that supervises it.
    assert {n.user.username for n in notes} == {
        "kalapas.selong",
        "petugas.selong",
        "wali.selong",
        "kanwil.ntb",
    }
    head = notes.get(user__username="kalapas.selong")
    assert head.title == "1 person held past release date at Lapas Kelas IIB Selong"
    assert "Lalu Terlambat" in head.body and "Held past release date: 2 days" in head.body
    assert "Baiq Hari Ini" not in head.body
    assert head.url == LIST
    sent = [m for m in mail.outbox if "held past release date" in m.subject]
    assert {m.to[0] for m in sent} >= {"kalapas.selong@example.org"}
    assert "Held past release date: 2 days" in sent[0].body
    # The same day again: nothing new.
    call_command("send_reminders", stdout=io.StringIO())
    assert Notification.objects.filter(key__startswith="overdue-release:").count() == 4


def test_the_reminder_reaches_nobody_outside_the_facility(demo_world):
    _person("selong", "Lalu Terlambat", _selong_today() - 2 * DAY)
    call_command("send_reminders", stdout=io.StringIO())
    reached = set(
        Notification.objects.filter(key__startswith="overdue-release:").values_list(
            "user__username", flat=True
        )
    )
    assert not reached & {"petugas.lobar", "mitra.disnaker", "instruktur.blk"}


def test_the_reminder_is_written_in_indonesian(demo_world):
    _person("selong", "Lalu Terlambat", _selong_today() - 2 * DAY)
    User.objects.filter(username="kalapas.selong").update(language="id")
    call_command("send_reminders", stdout=io.StringIO())
    note = Notification.objects.get(
        key__startswith="overdue-release:", user__username="kalapas.selong"
    )
    assert "Ditahan melewati tanggal bebas: 2 hari" in note.body


# -- the indicator ------------------------------------------------------------------------


def _period_to_today() -> Period:
    today = timezone.localdate()
    return Period("custom", today - 10 * DAY, today)


def test_the_indicator_counts_people_and_person_days(demo_world):
    today = _selong_today()
    _person("selong", "Satu Hari", today - DAY)
    _person("selong", "Lima Hari", today - 5 * DAY)
    _person("selong", "Hari Ini", today)
    _person("selong", "Sudah Bebas", today - 9 * DAY, status="released")
    _person("lobar", "Lobar Dua", today - 2 * DAY)
    selong = Facility.objects.get(code="selong")
    q = Query(_period_to_today(), FACILITY, selong.pk)
    count = get("reintegration.held_past_release").compute(q)[None]
    days = get("reintegration.held_past_release_days").compute(q)[None]
    assert (count.value, days.value) == (2, 6)
    region = Query(_period_to_today(), REGION, selong.region_id)
    assert get("reintegration.held_past_release").compute(region)[None].value == 3
    assert get("reintegration.held_past_release_days").compute(region)[None].value == 8
    by_facility = get("reintegration.held_past_release").compute(region.with_by(FACILITY))
    assert {k: v.value for k, v in by_facility.items()} == {
        selong.pk: 2,
        Facility.objects.get(code="lobar").pk: 1,
    }


def test_the_indicator_of_a_past_period_counts_who_was_held_on_its_last_day(demo_world):
    """On 31 August a person released on 5 September with a release date of 28 August
    was three days overdue; one whose date is 1 September was not yet."""
    end = datetime.date(2025, 8, 31)
    _person(
        "selong",
        "Bebas September",
        datetime.date(2025, 8, 28),
        status="released",
        status_changed_on=datetime.date(2025, 9, 5),
    )
    _person(
        "selong",
        "Belum Waktunya",
        datetime.date(2025, 9, 1),
        status="released",
        status_changed_on=datetime.date(2025, 9, 2),
    )
    _person(
        "selong",
        "Bebas Juli",
        datetime.date(2025, 7, 1),
        status="released",
        status_changed_on=datetime.date(2025, 7, 20),
    )
    selong = Facility.objects.get(code="selong")
    q = Query(Period("month", datetime.date(2025, 8, 1), end), FACILITY, selong.pk)
    assert get("reintegration.held_past_release").compute(q)[None].value == 1
    assert get("reintegration.held_past_release_days").compute(q)[None].value == 3


def test_the_indicator_is_on_the_facility_and_regional_dashboards_not_public(demo_world):
    held = get("reintegration.held_past_release")
    assert held.shown_at("facility") and held.shown_at("region")
    assert not held.shown_at("national")
    entry = held.describe()
    assert entry["name_en"] == "Held past release date"
    assert entry["name_id"] == "Ditahan melewati tanggal bebas"
    assert entry["definition_id"] != entry["definition_en"]


def test_the_facility_dashboard_shows_it(demo_world, client_for):
    _person("selong", "Lalu Terlambat", _selong_today() - 2 * DAY)
    selong = Facility.objects.get(code="selong")
    with translation.override("en"):
        page = client_for("kalapas.selong").get(f"/indicators/facility/{selong.pk}/", language="en")
    assert page.status_code == 200
    assert "Held past release date" in page.content.decode()
    kanwil = client_for("kanwil.ntb").get(f"/indicators/region/{selong.region_id}/")
    assert kanwil.status_code == 200


# -- the import ---------------------------------------------------------------------------

HEADER = (
    "No. Registrasi;Nama;NIK;Tanggal Lahir;Jenis Kelamin;Agama;Kabupaten Asal;"
    "Jenis Kejahatan;Pasal;Lama Pidana;Tanggal Penahanan;Total Remisi (hari)"
)


def test_the_import_flags_people_held_past_their_date_without_failing(
    demo_world, tmp_path: Path, client_for
):
    today = _selong_today()
    start = (today - datetime.timedelta(days=800)).strftime("%d-%m-%Y")
    recent = (today - datetime.timedelta(days=30)).strftime("%d-%m-%Y")
    path = tmp_path / "export.csv"
    rows = [
        f"BI 901/24;Lalu Lewat Waktu;;12-03-1990;L;Islam;Lombok Timur;Pencurian;362 KUHP;"
        f"1 tahun;{start};0",
        f"BI 902/26;Baiq Baru Masuk;;1 Februari 1995;P;Islam;Lombok Timur;Pencurian;362;"
        f"3 tahun;{recent};0",
    ]
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    call_command(
        "import_inmates",
        str(path),
        "--facility",
        "selong",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    batch = ImportBatch.objects.latest("created_at")
    assert batch.status == "done"
    late = Inmate.objects.get(registration_number="BI 901/24")
    days = days_overdue(overdue_releases(Facility.objects.filter(code="selong")).get(pk=late.pk))
    assert days > 300
    assert [(w["line"], w["value"], w["days"], w["warning"]) for w in batch.errors] == [
        (2, "BI 901/24", days, True)
    ]
    # The report's CSV carries the reason in the worker's language (Indonesian here).
    assert f"tanggal bebas sudah lewat {days} hari, masih ditahan" in batch.errors[0]["reason"]
    event = AuditEvent.objects.filter(action="import.finish").latest("created_at")
    assert event.changes["errors"] == 0 and event.changes["warnings"] == 1
    with translation.override("en"):
        page = (
            client_for("petugas.selong")
            .get(batch.get_absolute_url(), language="en")
            .content.decode()
        )
    assert f"Release date passed {days} days ago, still in custody" in page
    assert LIST in page


# -- a granted right's start --------------------------------------------------------------


def test_a_granted_right_whose_sk_date_passed_makes_the_person_overdue(demo_world):
    """The proposals app registers the SK date of its granted proposals not yet released
    (sinergi.proposals.granted, registered in its apps.py): without it nobody is overdue
    by a grant; with it a grant two days old is 2 days overdue, one of today due today."""
    from sinergi.inmates.queries import (
        granted_but_not_released,
        register_granted_release_source,
        unregister_granted_release_source,
    )
    from sinergi.proposals.granted import granted_release_dates, people_granted_by
    from sinergi.proposals.models import Proposal

    today = _selong_today()
    late = _person("selong", "Dapat PB", today + 200 * DAY)
    due = _person("selong", "SK Hari Ini", today + 200 * DAY)
    _person("selong", "Belum Dapat", today + 200 * DAY)
    for inmate, sk_date in ((late, today - 2 * DAY), (due, today)):
        Proposal.objects.create(
            inmate=inmate,
            facility=inmate.facility,
            right="pb",
            stage="granted",
            stage_since=sk_date,
            eligible_on=today - 60 * DAY,
            sk_number="PAS-1",
            sk_date=sk_date,
        )
    # Registered by the proposals app when Django starts.
    assert _overdue_days() == {"Dapat PB": 2}
    assert [i.name for i in granted_but_not_released(None, None)] == ["Dapat PB"]
    assert [i.name for i in releases_due_today()] == ["SK Hari Ini"]
    unregister_granted_release_source(granted_release_dates)
    try:
        assert not granted_but_not_released(None, None).exists()
        assert not overdue_releases().exists()
    finally:
        register_granted_release_source(granted_release_dates, people_granted_by)
    # Released on the SK: no longer granted-and-held.
    Proposal.objects.filter(inmate=late).update(stage="released", released_on=today)
    assert not overdue_releases().exists()


def test_checking_a_file_warns_of_people_it_would_leave_held_past_their_date(
    demo_world, tmp_path: Path, client_for
):
    """'Check only' says what the import would do, warnings included: a new person whose
    release date has passed is flagged before anything is written, and nothing is."""
    today = _selong_today()
    start = (today - datetime.timedelta(days=800)).strftime("%d-%m-%Y")
    recent = (today - datetime.timedelta(days=30)).strftime("%d-%m-%Y")
    path = tmp_path / "export.csv"
    rows = [
        f"BI 911/24;Lalu Diperiksa Dulu;;12-03-1990;L;Islam;Lombok Timur;Pencurian;362 KUHP;"
        f"1 tahun;{start};0",
        f"BI 912/26;Baiq Belum Lewat;;1 Februari 1995;P;Islam;Lombok Timur;Pencurian;362;"
        f"3 tahun;{recent};0",
    ]
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    people = Inmate.objects.count()
    episodes = AuditEvent.objects.exclude(action__startswith="import.").count()
    call_command(
        "import_inmates",
        str(path),
        "--facility",
        "selong",
        "--dry-run",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    batch = ImportBatch.objects.latest("created_at")
    assert batch.status == "done" and batch.dry_run
    assert Inmate.objects.count() == people  # nothing written
    assert AuditEvent.objects.exclude(action__startswith="import.").count() == episodes
    assert batch.created_count == 2 and batch.written_rows == 0
    assert [(w["line"], w["value"], w["warning"]) for w in batch.errors] == [(2, "BI 911/24", True)]
    assert batch.errors[0]["days"] > 300
    assert "Lalu Diperiksa Dulu" in batch.errors[0]["reason"]
    with translation.override("en"):
        page = (
            client_for("petugas.selong")
            .get(batch.get_absolute_url(), language="en")
            .content.decode()
        )
    assert "1 person in this file is held past their release date." in page
    assert "Nothing is written yet; once imported" in page
    assert "Would be new" in page
    # the real import then gives the same warning
    call_command(
        "import_inmates",
        str(path),
        "--facility",
        "selong",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    real = ImportBatch.objects.latest("created_at")
    assert [(w["line"], w["value"], w["days"]) for w in real.errors] == [
        (w["line"], w["value"], w["days"]) for w in batch.errors
    ]


def test_the_lists_read_only_the_people_whose_release_day_has_come(demo_world):
    """`released_by(day)`, the lists' first step (an index range, not everyone held), is
    exactly the people whose release day is that day or earlier: the release date after a
    substitute term decides over the expiry, and a granted right's SK date counts."""
    from sinergi.inmates.queries import released_by, with_release_due
    from sinergi.proposals.models import Proposal

    today = _selong_today()
    expected = {
        _person("selong", "Rilis Hari Ini", today).pk,
        _person("selong", "Lewat", today - 40 * DAY).pk,
        _person("selong", "Subsider Lewat", today - 10 * DAY, release_date=today - 3 * DAY).pk,
    }
    _person("selong", "Subsider Berjalan", today - 10 * DAY, release_date=today + 20 * DAY)
    _person("selong", "Besok", today + DAY)
    granted = _person("selong", "Dapat PB", today + 200 * DAY)
    Proposal.objects.create(
        inmate=granted,
        facility=granted.facility,
        right="pb",
        stage="granted",
        stage_since=today - DAY,
        eligible_on=today - 60 * DAY,
        sk_number="PAS-2",
        sk_date=today - DAY,
    )
    expected.add(granted.pk)
    gone = _person("selong", "Sudah Bebas", today - 30 * DAY, status="released")
    elsewhere = _person("lobar", "Lobar Lewat", today - 5 * DAY).pk

    def found(**options) -> set[int]:
        ids = released_by(today, **options)
        return set(Inmate.objects.filter(pk__any_of=ids).values_list("pk", flat=True))

    # the same people as the definition, computed person by person, among those held
    defined = {
        i.pk
        for i in with_release_due(Inmate.objects.filter(status="in_custody"), today)
        if i.release_due is not None and i.release_due <= today
    }
    assert found() == defined
    assert expected | {elsewhere} <= found()
    assert gone.pk not in found()
    assert gone.pk in found(held=False)  # a past day's list: held then, released since
    selong = found(facilities=Facility.objects.filter(code="selong"))
    assert expected <= selong and elsewhere not in selong
    not_yet = Inmate.objects.filter(name__in=["Subsider Berjalan", "Besok"])
    assert not {i.pk for i in not_yet} & found()
