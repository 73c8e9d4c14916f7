"""`recalculate_sentences` reports, per facility, whose dates move and by how much, stores
that report (audited) and then writes; a dry run writes nothing. The report's pages show
each reader only the facilities they reach, and the home page of a facility's officers
says how many people's dates moved."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sinergi.core.models import AuditEvent
from sinergi.inmates.calculation import recalculate
from sinergi.inmates.models import (
    Inmate,
    InmateRight,
    Sentence,
    SentenceRecalculation,
    SentenceRecalculationChange,
    SentenceRecalculationFacility,
)
from sinergi.inmates.recalculation import preview_recalculation
from sinergi.orgs.models import Facility
from tests.inmates.factories import make_inmate

pytestmark = pytest.mark.django_db

MINUS = "\u2212"


def _person(code: str, name: str, **sentence: Any) -> Inmate:
    """An inmate of facility ``code`` whose stored dates are those of the facility's day
    (as the command computes them)."""
    facility = Facility.objects.get(code=code)
    inmate = make_inmate(
        facility=facility,
        name=name,
        term_years=sentence.pop("term_years", 3),
        detention_start=sentence.pop("detention_start", facility.today().replace(day=1)),
        **sentence,
    )
    recalculate([inmate.pk], today=facility.today())
    inmate.refresh_from_db()
    return inmate


def _shift(inmate: Inmate, **days: int) -> None:
    """Move stored sentence dates of ``inmate`` by ``days`` (as a wrong rule would)."""
    sentence = Sentence.objects.get(inmate=inmate)
    Sentence.objects.filter(pk=sentence.pk).update(
        **{name: getattr(sentence, name) + datetime.timedelta(days=n) for name, n in days.items()}
    )


def _shift_right(inmate: Inmate, right: str, days: int) -> None:
    row = InmateRight.objects.get(inmate=inmate, right=right)
    assert row.eligible_from is not None
    InmateRight.objects.filter(pk=row.pk).update(
        eligible_from=row.eligible_from + datetime.timedelta(days=days)
    )


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("recalculate_sentences", *args, stdout=out)
    return out.getvalue()


def _changes(report: SentenceRecalculation) -> set[tuple[str, str, str, int | None]]:
    return {
        (c.inmate.name, c.field, c.right, c.shift_days)
        for c in SentenceRecalculationChange.objects.filter(recalculation=report).select_related(
            "inmate"
        )
    }


@pytest.fixture
def world(demo_world: None) -> dict[str, Inmate]:
    """Three Selong people and one of Lombok Barat, two Selong ones and the Lobar one
    with stored dates that the engine no longer gives."""
    people = {
        "ani": _person("selong", "Ani Corrupted Expiry"),
        "budi": _person("selong", "Budi Corrupted Right"),
        "cici": _person("selong", "Cici Untouched"),
        "dedi": _person("lobar", "Dedi Corrupted Two Thirds"),
    }
    # The engine gives each a date 3 days later, 4 days earlier, 10 days earlier.
    _shift(people["ani"], expiry_date=-3)
    _shift_right(people["budi"], "pb", +4)
    _shift(people["dedi"], two_thirds_date=+10)
    return people


EXPECTED = {
    ("Ani Corrupted Expiry", "expiry_date", "", 3),
    ("Budi Corrupted Right", "eligible_from", "pb", -4),
    ("Dedi Corrupted Two Thirds", "two_thirds_date", "", -10),
}


# --- the command ----------------------------------------------------------------------


def test_the_command_reports_exactly_the_shifts_per_facility_then_writes(world):
    ani, budi, dedi = world["ani"], world["budi"], world["dedi"]
    wrong_expiry = Sentence.objects.get(inmate=ani).expiry_date

    out = _run()

    report = SentenceRecalculation.objects.get()
    assert report.applied and not report.dry_run
    assert report.run_by is None and report.run_by_username == "system"
    assert _changes(report) == EXPECTED
    assert report.inmates_changed == 3
    assert report.changes_count == 3
    totals = {
        t.facility.code: (t.inmates_checked, t.inmates_changed)
        for t in SentenceRecalculationFacility.objects.filter(recalculation=report)
    }
    assert totals["selong"] == (3, 2)
    assert totals["lobar"] == (1, 1)
    # What it printed, facility by facility.
    lobar_part, selong_part = out.split("\nselong ", 1)
    assert "lobar" not in selong_part and "Dedi" in lobar_part
    assert "2 of 3 people's dates moved" in out
    assert "1 of 1 people's dates moved" in out
    assert f"{ani.registration_number}  {ani.name}" in selong_part
    assert f"{budi.registration_number}  {budi.name}" in selong_part
    right = wrong_expiry + datetime.timedelta(days=3)
    assert f"expiry: {wrong_expiry.isoformat()} \u2192 {right.isoformat()} (+3 days)" in out
    assert "PB eligible from:" in out and f"({MINUS}4 days)" in out
    assert f"{dedi.registration_number}  {dedi.name}" in out
    assert "2/3 date:" in out and f"({MINUS}10 days)" in out
    assert "Cici" not in out
    assert out.strip().splitlines()[-1].startswith("Recalculated 4 sentences; 3 people's")
    # It wrote: the stored dates are the engine's again, and nothing is left to change.
    assert Sentence.objects.get(inmate=ani).expiry_date == right
    assert InmateRight.objects.get(inmate=budi, right="pb").eligible_from == (
        SentenceRecalculationChange.objects.get(recalculation=report, right="pb").new
    )
    assert (
        preview_recalculation(
            [ani.pk, budi.pk, dedi.pk], Facility.objects.get(code="selong").today()
        )
        == []
    )
    # Audited, by the system, with its totals.
    event = AuditEvent.objects.get(action="sentences.recalculate")
    assert event.actor is None and event.actor_username == "system"
    assert event.target_id == str(report.pk)
    assert event.changes["inmates_changed"] == 3
    assert event.changes["dry_run"] is False


def test_a_dry_run_writes_nothing_and_keeps_its_report_marked_not_applied(world):
    before = list(Sentence.objects.order_by("pk").values())
    rights_before = list(InmateRight.objects.order_by("pk").values())

    out = _run("--dry-run", "--reason", "Permenkumham 16/2023 published")

    assert list(Sentence.objects.order_by("pk").values()) == before
    assert list(InmateRight.objects.order_by("pk").values()) == rights_before
    report = SentenceRecalculation.objects.get()
    assert report.dry_run and not report.applied
    assert report.reason == "Permenkumham 16/2023 published"
    assert _changes(report) == EXPECTED
    assert "2 of 3 people's dates would move" in out
    assert out.strip().splitlines()[-1].startswith("Dry run, nothing written")
    assert AuditEvent.objects.get(action="sentences.recalculate").changes["dry_run"] is True
    # The next run still finds (and now writes) the same changes.
    _run()
    assert _changes(SentenceRecalculation.objects.get(applied=True)) == EXPECTED


def test_one_facility_only_with_the_user_who_runs_it(world, user):
    out = _run("--facility", "lobar", "--user", "admin")

    report = SentenceRecalculation.objects.get()
    assert report.limited_to == Facility.objects.get(code="lobar")
    assert report.run_by == user("admin") and report.run_by_username == "admin"
    assert _changes(report) == {("Dedi Corrupted Two Thirds", "two_thirds_date", "", -10)}
    assert "selong" not in out
    # Selong's wrong dates are left as they were.
    assert preview_recalculation([world["ani"].pk], Facility.objects.get(code="selong").today())


def test_a_missing_right_and_a_renamed_rule_set_are_reported_without_a_shift(demo_world):
    person = _person("selong", "Eka Missing Right")
    renamed = _person("selong", "Fajar Renamed Rule Set")
    cmk = InmateRight.objects.get(inmate=person, right="cmk")
    cmk.delete()
    real_rule_set = Sentence.objects.get(inmate=renamed).rule_set
    Sentence.objects.filter(inmate=renamed).update(rule_set="an-old-name")

    out = _run("--facility", "selong")

    report = SentenceRecalculation.objects.get()
    rows = {
        (c.inmate.name, c.field, c.right): c
        for c in SentenceRecalculationChange.objects.filter(recalculation=report)
    }
    status = rows["Eka Missing Right", "status", "cmk"]
    assert (status.old_value, status.new_value, status.shift_days) == ("", cmk.status, None)
    if cmk.eligible_from is not None:
        since = rows["Eka Missing Right", "eligible_from", "cmk"]
        assert since.old_value == "" and since.shift_days is None
    rule_set = rows["Fajar Renamed Rule Set", "rule_set", ""]
    assert (rule_set.old_value, rule_set.new_value) == ("an-old-name", real_rule_set)
    # A name alone moves nobody's dates: Eka counts, Fajar does not.
    assert report.inmates_changed == 1
    assert "CMK status: (none) \u2192" in out
    assert f"rule set only, 1 person: an-old-name \u2192 {real_rule_set}" in out


def test_the_command_asks_a_few_queries_whatever_the_number_of_people(demo_world):
    for n in range(3):
        _shift(_person("selong", f"Few {n}"), expiry_date=-1)
    with CaptureQueriesContext(connection) as few:
        _run("--dry-run")
    for n in range(12):
        _shift(_person("selong", f"Many {n}"), expiry_date=-1)
    with CaptureQueriesContext(connection) as many:
        _run("--dry-run")
    assert SentenceRecalculation.objects.order_by("-pk").first().inmates_changed == 15
    assert len(many) == len(few), "\n".join(q["sql"] for q in many.captured_queries)


# --- the pages ------------------------------------------------------------------------


@pytest.fixture
def report(world) -> SentenceRecalculation:
    _run()
    return SentenceRecalculation.objects.get()


def _names(response: Any) -> set[str]:
    return {c.inmate.name for c in response.context["page"].object_list}


def test_a_facility_officer_sees_only_the_changes_of_their_facility(client_for, report):
    response = client_for("petugas.selong").get(f"/inmates/recalculations/{report.pk}/")
    assert response.status_code == 200
    assert _names(response) == {"Ani Corrupted Expiry", "Budi Corrupted Right"}
    body = response.content.decode()
    # (whole names: a short one may stand by chance in the page's random tokens)
    assert "Dedi Corrupted Two Thirds" not in body
    assert "+3" in body and f"{MINUS}4" in body
    assert response.context["people_moved"] == 2

    lobar = client_for("petugas.lobar").get(f"/inmates/recalculations/{report.pk}/")
    assert lobar.status_code == 200
    assert _names(lobar) == {"Dedi Corrupted Two Thirds"}
    assert "Ani Corrupted Expiry" not in lobar.content.decode()
    assert "Budi Corrupted Right" not in lobar.content.decode()


def test_administrators_and_the_kanwil_see_every_facility_of_their_scope(client_for, report):
    for username in ("admin", "kanwil.ntb"):
        response = client_for(username).get(f"/inmates/recalculations/{report.pk}/")
        assert response.status_code == 200, username
        assert _names(response) == {name for name, *_ in EXPECTED}, username


def test_a_report_of_another_facility_is_not_found_for_an_outsider(client_for, world):
    _run("--facility", "selong")
    report = SentenceRecalculation.objects.get()
    lobar = client_for("petugas.lobar")
    assert lobar.get(f"/inmates/recalculations/{report.pk}/").status_code == 404
    listed = lobar.get("/inmates/recalculations/")
    assert listed.status_code == 200
    assert list(listed.context["page"].object_list) == []
    assert not AuditEvent.objects.filter(
        action="recalculation.view", actor_username="petugas.lobar"
    ).exists()


@pytest.mark.parametrize("username", ["mitra.disnaker", "pk.bapas", "instruktur.blk"])
def test_someone_who_reads_no_inmates_is_refused_both_pages(client_for, report, username):
    client = client_for(username)
    assert client.get("/inmates/recalculations/").status_code == 404
    assert client.get(f"/inmates/recalculations/{report.pk}/").status_code == 404


def test_reading_a_report_is_audited_as_one_read_of_person_level_data(client_for, report):
    client_for("petugas.selong").get(f"/inmates/recalculations/{report.pk}/")
    event = AuditEvent.objects.get(action="recalculation.view")
    assert event.actor_username == "petugas.selong"
    assert event.target_id == str(report.pk)
    assert event.facility_id == Facility.objects.get(code="selong").pk
    assert event.changes["count"] == 2


def test_the_list_shows_each_run_with_its_totals_within_the_readers_facilities(client_for, report):
    response = client_for("petugas.selong").get("/inmates/recalculations/")
    assert response.status_code == 200
    (run,) = response.context["page"].object_list
    assert (run.people_checked, run.people_moved) == (3, 2)
    admin = client_for("admin").get("/inmates/recalculations/")
    (run,) = admin.context["page"].object_list
    assert (run.people_checked, run.people_moved) == (4, 3)


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_pages_ask_as_many_queries_with_more_rows(client_for, report, world):
    client = client_for("petugas.selong")
    detail = f"/inmates/recalculations/{report.pk}/"
    few_list, few_detail = _queries(client, "/inmates/recalculations/"), _queries(client, detail)
    # Ten more runs, and ten more people whose dates moved in a new one.
    for n in range(10):
        _shift(_person("selong", f"More {n}"), half_date=2)
    for _ in range(10):
        _run("--dry-run", "--facility", "selong")
    latest = SentenceRecalculation.objects.order_by("-pk").first()
    assert latest.inmates_changed == 10  # the first run wrote the others
    assert _queries(client, "/inmates/recalculations/") == few_list
    assert _queries(client, f"/inmates/recalculations/{latest.pk}/") == few_detail
    assert len(client.get("/inmates/recalculations/").context["page"].object_list) == 11


# --- the home page ----------------------------------------------------------------------


def _home(client: Client, language: str = "en") -> str:
    response = client.get("/", language=language)
    assert response.status_code == 200
    return response.content.decode()


def test_the_officers_home_says_how_many_peoples_dates_moved(client_for, report):
    link = f"/inmates/recalculations/{report.pk}/"
    for username in ("petugas.selong", "kalapas.selong"):
        body = _home(client_for(username))
        assert "2 people&#x27;s dates moved in the last recalculation" in body, username
        assert link in body, username
    lobar = _home(client_for("petugas.lobar"))
    assert "1 person" in lobar and link in lobar


def test_the_home_page_says_it_in_indonesian_by_default(client_for, report):
    body = _home(client_for("petugas.selong"), language="id")
    assert "2 orang" in body and f"/inmates/recalculations/{report.pk}/" in body


def test_no_home_card_for_a_dry_run_an_old_run_or_a_run_that_moved_nobody(client_for, world):
    client = client_for("petugas.selong")
    _run("--dry-run")
    assert "/inmates/recalculations/" not in _home(client)
    _run()
    applied = SentenceRecalculation.objects.get(applied=True)
    assert f"/inmates/recalculations/{applied.pk}/" in _home(client)
    SentenceRecalculation.objects.filter(pk=applied.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=31)
    )
    assert "/inmates/recalculations/" not in _home(client)
    _run()  # nothing is left to change: the last recalculation moved nobody
    assert SentenceRecalculation.objects.order_by("-pk").first().inmates_changed == 0
    assert "/inmates/recalculations/" not in _home(client)


def test_a_guardian_reads_the_report_but_gets_no_home_card(client_for, report):
    client = client_for("wali.selong")
    assert client.get(f"/inmates/recalculations/{report.pk}/").status_code == 200
    assert f"/inmates/recalculations/{report.pk}/" not in _home(client)


def test_the_report_names_rule_sets_by_their_title_not_their_code(client_for, report):
    from sinergi import sentences as engine

    (name,) = report.rule_sets
    title = next(r.title for r in engine.RULE_SETS if r.name == name)
    body = client_for("petugas.selong").get(f"/inmates/recalculations/{report.pk}/", language="en")
    listed = client_for("petugas.selong").get("/inmates/recalculations/", language="en")
    for page in (body, listed):
        text = page.content.decode()
        assert name not in text
        assert title.split(",")[0] in text


def test_the_release_date_and_a_rights_end_are_reported_too(demo_world):
    person = _person("selong", "Gita Corrupted Release")
    sentence = Sentence.objects.get(inmate=person)
    assert sentence.release_date is not None
    _shift(person, release_date=7)
    cb = InmateRight.objects.filter(inmate=person, ends_on__isnull=False).first()
    assert cb is not None
    InmateRight.objects.filter(pk=cb.pk).update(ends_on=cb.ends_on - datetime.timedelta(days=2))

    out = _run("--facility", "selong")

    assert _changes(SentenceRecalculation.objects.get()) == {
        ("Gita Corrupted Release", "release_date", "", -7),
        ("Gita Corrupted Release", "ends_on", cb.right, 2),
    }
    assert "release date: " in out and f"({MINUS}7 days)" in out
    assert f"{cb.right.upper()} ends on: " in out and "(+2 days)" in out
