"""Who was in custody when: custody episodes kept by the actions that admit, import,
release and transfer, and the populations of a period counted from them."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from sinergi.accounts.models import User
from sinergi.indicators.catalogue import FACILITY, REGION, Query, get
from sinergi.indicators.periods import parse_period
from sinergi.inmates import actions, custody
from sinergi.inmates.models import CustodyEpisode, Inmate
from sinergi.orgs.models import Facility
from sinergi.programs.models import Enrollment, Program
from tests.inmates.factories import InmateFactory

pytestmark = pytest.mark.django_db

OCT = parse_period("2026-10")
NOV = parse_period("2026-11")
DEC = parse_period("2026-12")
HEADER = (
    "No. Registrasi;Nama;NIK;Tanggal Lahir;Jenis Kelamin;Agama;Kabupaten Asal;"
    "Jenis Kejahatan;Pasal;Lama Pidana;Tanggal Penahanan;Total Remisi (hari)"
)


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Any:
    with override_settings(MEDIA_ROOT=tmp_path / "media"):
        yield


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def user(name: str) -> User:
    return User.objects.get(username=name)


@pytest.fixture
def selong(demo_world: None) -> Facility:
    return Facility.objects.get(code="selong")


@pytest.fixture
def lobar(demo_world: None) -> Facility:
    return Facility.objects.get(code="lobar")


def population(period: Any, facility: Facility) -> set[int]:
    return set(
        custody.people_in_custody(period.start, period.end, facilities=[facility]).values_list(
            "pk", flat=True
        )
    )


def share(period: Any, facility: Facility) -> Any:
    return get("participation.enrolled_share").compute(Query(period, FACILITY, facility.pk))[None]


def admit(facility: Facility, number: str, *, detained: str, nik: str = "", by: str) -> Inmate:
    return actions.create_inmate(
        facility=facility,
        inmate={"registration_number": number, "name": f"Warga {number}", "nik": nik},
        sentence={"term_years": 3, "detention_start": day(detained)},
        by=user(by),
    )


def test_a_person_imported_today_detained_in_october_counts_in_novembers_population(
    selong, tmp_path
):
    before = share(NOV, selong)
    path = tmp_path / "late.csv"
    path.write_text(
        f"{HEADER}\nBI 801/26;Warga Susulan;;;L;Islam;Lombok Timur;Pencurian;362;"
        "2 tahun;05-10-2026;0\n",
        encoding="utf-8",
    )
    call_command(
        "import_inmates",
        str(path),
        "--facility",
        "selong",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    late = Inmate.objects.get(facility=selong, registration_number="BI 801/26")
    episode = CustodyEpisode.objects.get(inmate=late)
    assert (episode.facility, episode.started_on, episode.ended_on) == (
        selong,
        day("2026-10-05"),
        None,
    )
    assert episode.started_how == "admission"
    assert late.pk in population(NOV, selong) and late.pk in population(OCT, selong)
    assert late.pk not in population(parse_period("2026-09"), selong)
    after = share(NOV, selong)
    assert after.denominator == (before.denominator or 0) + 1  # the corrected figure
    assert after.numerator == before.numerator


def test_released_on_10_november_counts_in_november_but_not_december(selong):
    person = admit(selong, "BI 802/26", detained="2026-06-01", by="petugas.selong")
    actions.change_status(
        inmate=person, status="released", on=day("2026-11-10"), by=user("petugas.selong")
    )
    episode = CustodyEpisode.objects.get(inmate=person)
    assert (episode.ended_on, episode.ended_how) == (day("2026-11-10"), "release")
    assert person.pk in population(NOV, selong)
    assert person.pk not in population(DEC, selong)
    assert episode.history.count() == 2  # opened, then closed: both kept


def test_a_transfer_out_on_15_november_counts_at_both_facilities_then_only_the_new_one(
    selong, lobar
):
    person = admit(
        selong, "BI 803/26", detained="2026-06-01", nik="5203010101900001", by="petugas.selong"
    )
    actions.change_status(
        inmate=person, status="transferred", on=day("2026-11-15"), by=user("petugas.selong")
    )
    arrived = admit(
        lobar, "BI 903/26", detained="2026-06-01", nik="5203010101900001", by="petugas.lobar"
    )
    came = CustodyEpisode.objects.get(inmate=arrived)
    assert (came.started_on, came.started_how) == (day("2026-11-15"), "transfer_in")
    assert CustodyEpisode.objects.get(inmate=person).ended_how == "transfer_out"
    assert person.pk in population(NOV, selong) and arrived.pk in population(NOV, lobar)
    assert person.pk not in population(DEC, selong) and arrived.pk in population(DEC, lobar)
    assert arrived.pk not in population(OCT, lobar)  # not at Lombok Barat before the transfer
    # the region and the country ask the same question
    region_nov = custody.people_in_custody(NOV.start, NOV.end, region=selong.region)
    assert {person.pk, arrived.pk} <= set(region_nov.values_list("pk", flat=True))
    country_dec = custody.people_in_custody(DEC.start, DEC.end)
    assert arrived.pk in set(country_dec.values_list("pk", flat=True))
    assert person.pk not in set(country_dec.values_list("pk", flat=True))


def test_the_indicator_denominators_follow_the_episodes(selong):
    program = Program.objects.create(
        facility=selong,
        kind="independence",
        category="vocational",
        title="Las",
        capacity=20,
        start_date=day("2026-09-01"),
        end_date=day("2027-01-31"),
        status="running",
    )
    nov_before, dec_before = share(NOV, selong), share(DEC, selong)
    released = admit(selong, "BI 804/26", detained="2026-06-01", by="petugas.selong")
    Enrollment.objects.create(program=program, inmate=released, enrolled_on=day("2026-09-01"))
    actions.change_status(
        inmate=released, status="released", on=day("2026-11-10"), by=user("petugas.selong")
    )
    nov, dec = share(NOV, selong), share(DEC, selong)
    assert (nov.numerator, nov.denominator) == (
        nov_before.numerator + 1,
        nov_before.denominator + 1,
    )
    assert (dec.numerator, dec.denominator) == (dec_before.numerator, dec_before.denominator)
    region = get("participation.enrolled_share").compute(Query(NOV, REGION, selong.region_id))[None]
    assert region.denominator >= nov.denominator


def test_back_in_custody_opens_a_second_episode_and_a_release_before_custody_is_refused(selong):
    person = admit(selong, "BI 805/26", detained="2026-06-01", by="petugas.selong")
    officer = user("petugas.selong")
    with pytest.raises(ValidationError) as refused:
        actions.change_status(inmate=person, status="released", on=day("2026-05-01"), by=officer)
    assert "on" in refused.value.message_dict
    person.refresh_from_db()
    assert person.status == "in_custody"  # nothing was written
    actions.change_status(inmate=person, status="released", on=day("2026-08-01"), by=officer)
    actions.change_status(inmate=person, status="in_custody", on=day("2026-11-20"), by=officer)
    spans = list(CustodyEpisode.objects.filter(inmate=person).values_list("started_on", "ended_on"))
    assert spans == [(day("2026-06-01"), day("2026-08-01")), (day("2026-11-20"), None)]
    assert person.pk not in population(OCT, selong)
    assert person.pk in population(NOV, selong)


def test_a_corrected_admission_date_moves_the_first_episode(selong):
    person = admit(selong, "BI 806/26", detained="2026-06-01", by="petugas.selong")
    actions.update_inmate(
        inmate=person, values={"admission_date": day("2026-07-01")}, by=user("petugas.selong")
    )
    assert CustodyEpisode.objects.get(inmate=person).started_on == day("2026-07-01")


def test_episodes_are_built_for_records_written_without_them(selong):
    held = InmateFactory(facility=selong, admission_date=day("2026-03-01"), custody=False)
    gone = InmateFactory(
        facility=selong,
        admission_date=day("2026-03-01"),
        status="deceased",
        status_changed_on=day("2026-11-02"),
        custody=False,
    )
    assert custody.build_missing() >= 2
    assert CustodyEpisode.objects.get(inmate=held).ended_on is None
    ended = CustodyEpisode.objects.get(inmate=gone)
    assert (ended.started_on, ended.ended_on, ended.ended_how) == (
        day("2026-03-01"),
        day("2026-11-02"),
        "death",
    )
    assert custody.build_missing() == 0  # idempotent


def test_the_population_is_one_query_however_many_people(selong):
    for _n in range(5):
        InmateFactory(facility=selong, admission_date=day("2026-01-01"))
    with CaptureQueriesContext(connection) as few:
        len(population(NOV, selong))
    for _n in range(20):
        InmateFactory(facility=selong, admission_date=day("2026-01-01"))
    with CaptureQueriesContext(connection) as many:
        len(population(NOV, selong))
    assert len(few) == len(many) == 1


def test_admitting_many_at_once_takes_a_bounded_number_of_queries(selong):
    people = [InmateFactory(facility=selong, custody=False) for _ in range(3)]
    with CaptureQueriesContext(connection) as few:
        custody.follow_status(people)
    more = [InmateFactory(facility=selong, custody=False) for _ in range(15)]
    with CaptureQueriesContext(connection) as many:
        custody.follow_status(more)
    assert len(few) == len(many)


def test_the_admin_shows_episodes_and_edits_none(selong, client_for):
    person = admit(selong, "BI 807/26", detained="2026-06-01", by="petugas.selong")
    episode = CustodyEpisode.objects.get(inmate=person)
    admin = client_for("admin")
    assert admin.get("/admin/inmates/custodyepisode/").status_code == 200
    page = admin.get(f"/admin/inmates/custodyepisode/{episode.pk}/change/")
    assert page.status_code == 200 and 'name="started_on"' not in page.content.decode()
    assert admin.get("/admin/inmates/custodyepisode/add/").status_code == 403


def test_a_late_import_revises_the_signed_november_with_the_import_as_reason(
    selong, tmp_path, django_capture_on_commit_callbacks
):
    """November signed with the people known then; an import in December of a person
    held since October corrects November's population, and the revision note names the
    import; a person released before November changes nothing."""
    from django.utils.translation import override

    from sinergi.indicators import actions as report_actions
    from sinergi.indicators import revisions

    with override("en"), django_capture_on_commit_callbacks(execute=True):
        report = report_actions.request_report(
            facility=selong, month=NOV.start, by=user("petugas.selong")
        )
    with override("en"), django_capture_on_commit_callbacks(execute=True):
        report_actions.sign_off_report(report=report, by=user("kalapas.selong"))
    signed = share(NOV, selong)
    assert revisions.note(selong, NOV.start) is None
    path = tmp_path / "susulan.csv"
    path.write_text(
        f"{HEADER}\nBI 808/26;Warga Susulan;;;L;Islam;Lombok Timur;Pencurian;362;"
        "2 tahun;20-10-2026;0\n",
        encoding="utf-8",
    )
    call_command(
        "import_inmates",
        str(path),
        "--facility",
        "selong",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    live = share(NOV, selong)
    assert live.denominator == signed.denominator + 1  # the corrected figure
    note = revisions.note(selong, NOV.start)
    assert note is not None
    change = note.by_indicator["participation.enrolled_share"]
    assert change.was["denominator"] == signed.denominator
    assert change.now["denominator"] == live.denominator
    assert note.reasons[0].kind == "import" and note.reasons[0].action == "import.finish"


def test_the_persons_page_shows_when_custody_began_and_ended(selong, client_for):
    person = admit(selong, "BI 809/26", detained="2026-06-01", by="petugas.selong")
    actions.change_status(
        inmate=person, status="transferred", on=day("2026-11-15"), by=user("petugas.selong")
    )
    page = client_for("petugas.selong").get(f"/inmates/{person.pk}/", language="en")
    text = page.content.decode()
    assert page.status_code == 200
    assert '<time datetime="2026-06-01">' in text and "</time> — Admission</li>" in text
    assert '<time datetime="2026-11-15">' in text and "</time> — Transfer out</li>" in text
