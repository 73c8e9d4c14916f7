"""`recalculate_sentences` at scale: chunk by chunk, set-based (COPY + ``UPDATE … FROM``
on PostgreSQL), resumable after a crash, with its progress; the stored result is the one
of the per-row path it replaced, on a varied world (fixed terms, life, remisi, Register F,
consecutive sentences, detention periods). Runs on SQLite and, with ``DATABASE_URL``, on
PostgreSQL."""

from __future__ import annotations

import contextlib
import datetime
import io
import json
import os
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.test import Client

from sinergi.core.models import AuditEvent
from sinergi.inmates import calculation, recalculation
from sinergi.inmates.management.commands.recalculate_sentences import Command
from sinergi.inmates.models import (
    ConsecutiveSentence,
    DetentionPeriod,
    DisciplinaryRecord,
    Inmate,
    InmateRight,
    Remission,
    Sentence,
    SentenceRecalculation,
    SentenceRecalculationChange,
    SentenceRecalculationFacility,
)
from sinergi.orgs.models import Facility
from tests.inmates.factories import make_inmate

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def _old_recalculate(ids: list[int], today: datetime.date) -> None:
    """The per-row path the command used before: every sentence's computed fields saved,
    the rights deleted and created again."""
    sentences = list(Sentence.objects.filter(inmate_id__in=ids))
    facts = calculation.load_facts(ids)
    rights: list[InmateRight] = []
    for sentence in sentences:
        rights += calculation.apply_calculation(sentence, facts.get(sentence.inmate_id), today)
    Sentence.objects.bulk_update(sentences, calculation.SENTENCE_DATE_FIELDS, batch_size=500)
    InmateRight.objects.filter(inmate_id__in=ids).delete()
    InmateRight.objects.bulk_create(rights)


def _stored() -> dict[str, Any]:
    """Every stored field of every sentence, and every right's values (a right's id
    aside: the per-row path gave each a new one)."""
    return {
        "sentences": list(Sentence.objects.order_by("pk").values()),
        "rights": sorted(
            (
                r.inmate_id,
                r.right,
                r.status,
                r.eligible_from,
                r.ends_on,
                r.reason,
                json.dumps(r.missing_conditions, sort_keys=True),
            )
            for r in InmateRight.objects.all()
        ),
    }


def _report(report: SentenceRecalculation) -> dict[str, Any]:
    return {
        "totals": (
            report.inmates_checked,
            report.inmates_changed,
            report.changes_count,
            report.rule_sets,
            report.applied,
            report.dry_run,
            report.in_progress,
        ),
        "facilities": sorted(
            SentenceRecalculationFacility.objects.filter(recalculation=report).values_list(
                "facility_id", "inmates_checked", "inmates_changed", "changes_count"
            )
        ),
        "changes": sorted(
            SentenceRecalculationChange.objects.filter(recalculation=report).values_list(
                "inmate_id", "facility_id", "field", "right", "old_value", "new_value", "shift_days"
            ),
            key=repr,
        ),
    }


@pytest.fixture
def varied(demo_world: None) -> list[Inmate]:
    """Eleven people in two facilities (two time zones if the demo has them), whose
    stored dates and rights the engine no longer gives, in every way the facts allow."""
    selong = Facility.objects.get(code="selong")
    lobar = Facility.objects.get(code="lobar")
    start = selong.today().replace(day=1) - datetime.timedelta(days=700)
    people = [
        make_inmate(facility=selong, name="Fixed Short", term_years=1, detention_start=start),
        make_inmate(facility=selong, name="Fixed Long", term_years=9, detention_start=start),
        make_inmate(facility=selong, name="Life", term_kind="life", detention_start=start),
        make_inmate(facility=selong, name="Remisi", term_years=4, detention_start=start),
        make_inmate(facility=lobar, name="Register F", term_years=3, detention_start=start),
        make_inmate(facility=lobar, name="Consecutive", term_years=2, detention_start=start),
        make_inmate(facility=lobar, name="Detention", term_years=5, detention_start=start),
        make_inmate(
            facility=lobar,
            name="Narcotics",
            term_years=6,
            crime_category="narcotics",
            detention_start=start,
        ),
        make_inmate(facility=selong, name="Untouched", term_years=2, detention_start=start),
        make_inmate(facility=selong, name="Lost Right", term_years=3, detention_start=start),
        make_inmate(facility=lobar, name="Months", term_months=8, detention_start=start),
    ]
    by = {p.name: p for p in people}
    # Facts recorded after the last calculation: the dates and rights move.
    Remission.objects.create(
        inmate=by["Remisi"], kind="umum", year=start.year + 1, months=2, granted_on=None
    )
    DisciplinaryRecord.objects.create(
        inmate=by["Register F"],
        date=start + datetime.timedelta(days=200),
        end_date=start + datetime.timedelta(days=300),
        violation="Fighting",
    )
    ConsecutiveSentence.objects.create(inmate=by["Consecutive"], years=1, months=6)
    DetentionPeriod.objects.create(
        inmate=by["Detention"],
        start_date=start - datetime.timedelta(days=120),
        end_date=start - datetime.timedelta(days=30),
    )
    # Stored values a wrong rule set would have left.
    Sentence.objects.filter(inmate=by["Fixed Long"]).update(
        expiry_date=start, rule_set="an-old-name", calculated_on=start
    )
    Sentence.objects.filter(inmate=by["Life"]).update(rule_set="an-old-name")
    Sentence.objects.filter(inmate=by["Narcotics"]).update(two_thirds_date=None)
    InmateRight.objects.filter(inmate=by["Lost Right"], right="cb").delete()
    InmateRight.objects.filter(inmate=by["Months"]).update(status="blocked", reason="wrong")
    InmateRight.objects.filter(inmate=by["Fixed Short"]).update(
        eligible_from=start, missing_conditions=["stale"]
    )
    return people


def _days() -> dict[datetime.date, list[int]]:
    """The inmates of each facility day, as the command groups them."""
    by_day: dict[datetime.date, list[int]] = defaultdict(list)
    for inmate in Inmate.objects.filter(sentence__isnull=False).select_related("facility"):
        by_day[inmate.facility.today()].append(inmate.pk)
    return by_day


def _expected() -> dict[str, Any]:
    """What the per-row path stores (in a savepoint rolled back)."""
    found: dict[str, Any] = {}
    try:
        with transaction.atomic():
            for today, ids in _days().items():
                _old_recalculate(ids, today)
            found = _stored()
            raise Rollback
    except Rollback:
        pass
    return found


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("recalculate_sentences", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_set_based_run_stores_what_the_per_row_path_stored(varied):
    expected = _expected()
    before = _stored()
    assert before != expected  # the world is stale

    _run("--chunk-size", "3")

    assert _stored() == expected
    report = SentenceRecalculation.objects.get()
    assert report.applied and not report.in_progress
    assert (report.chunks_done, report.chunks_total) == (4, 4)
    assert report.inmates_checked == len(varied)
    # A second run finds nothing left to change and writes nothing.
    _run()
    again = SentenceRecalculation.objects.order_by("-pk").first()
    assert again is not None and again.changes_count == 0
    assert _stored() == expected


def test_a_dry_run_in_chunks_writes_nothing_but_its_report(varied):
    before = _stored()
    _run("--dry-run", "--chunk-size", "4")
    assert _stored() == before
    report = SentenceRecalculation.objects.get()
    assert report.dry_run and not report.applied and not report.in_progress
    assert report.chunks_done == 3 and report.changes_count > 0


def test_a_crashed_run_resumes_after_its_last_chunk_and_ends_as_an_uninterrupted_one(
    varied, monkeypatch
):
    # The uninterrupted run, rolled back after it is read.
    try:
        with transaction.atomic():
            _run("--chunk-size", "3")
            whole = _report(SentenceRecalculation.objects.get())
            stored = _stored()
            raise Rollback
    except Rollback:
        pass
    assert not SentenceRecalculation.objects.exists()

    computed: list[list[int]] = []
    real = recalculation._compute_chunk

    def spy(chunk: Any) -> Any:
        computed.append([pk for pk, _day in chunk])
        return real(chunk)

    monkeypatch.setattr(recalculation, "_compute_chunk", spy)
    real_progress = Command._progress

    def crash_after_two(self: Command, report: SentenceRecalculation, people: int) -> None:
        real_progress(self, report, people)
        if report.chunks_done == 2:
            raise RuntimeError("the machine went down")

    monkeypatch.setattr(Command, "_progress", crash_after_two)
    with pytest.raises(RuntimeError):
        _run("--chunk-size", "3")
    stopped = SentenceRecalculation.objects.get()
    assert stopped.in_progress and not stopped.applied
    assert (stopped.chunks_done, stopped.chunks_total) == (2, 4)
    assert stopped.inmates_checked == 6 and stopped.done_through == computed[1][-1]
    assert not AuditEvent.objects.filter(action="sentences.recalculate").exists()
    done_before = [pk for chunk in computed for pk in chunk]

    monkeypatch.setattr(Command, "_progress", real_progress)
    computed.clear()
    out, err = _run("--resume", "--chunk-size", "3")

    # Only the chunks not done were computed, and the end is the uninterrupted run's.
    assert not set(done_before) & {pk for chunk in computed for pk in chunk}
    assert len(computed) == 2
    assert "Resuming run #" in err and "chunk 4/4" in err
    finished = SentenceRecalculation.objects.get()
    assert _report(finished) == whole
    assert _stored() == stored
    assert AuditEvent.objects.filter(action="sentences.recalculate").count() == 1
    assert out.strip().splitlines()[-1].startswith(f"Recalculated {len(varied)} sentences")


def test_resume_without_a_stopped_run_says_so(varied):
    with pytest.raises(CommandError, match="nothing to resume"):
        _run("--resume")


def test_the_command_prints_its_progress_per_chunk_on_stderr(varied):
    out, err = _run("--chunk-size", "5")
    lines = [line for line in err.splitlines() if line.startswith("chunk ")]
    assert [line.split(":")[0] for line in lines] == ["chunk 1/3", "chunk 2/3", "chunk 3/3"]
    assert f"{len(varied)}/{len(varied)} people" in lines[-1] and "people/s" in lines[-1]
    assert "chunk" not in out


def test_a_facility_lists_at_most_so_many_people_then_counts_the_others(varied):
    out, _err = _run("--people-listed", "1", "--facility", "lobar")
    report = SentenceRecalculation.objects.get()
    moved = SentenceRecalculationFacility.objects.get(recalculation=report).inmates_changed
    assert moved > 1
    assert f"… and {moved - 1} more people whose dates moved (report #{report.pk})" in out


def test_the_people_listed_are_the_first_by_name_with_all_their_changes(varied):
    _run("--people-listed", "-1", "--facility", "selong")
    report = SentenceRecalculation.objects.get()
    whole = _run_print(report, -1)
    two = _run_print(report, 2)
    names = sorted(
        Inmate.objects.filter(
            pk__in=SentenceRecalculationChange.objects.filter(recalculation=report)
            .exclude(field__in=recalculation.NOT_A_MOVE)
            .values("inmate_id")
        ).values_list("name", "registration_number")
    )
    assert len(names) > 2
    people = [
        line
        for line in whole
        if line.startswith("  ") and not line.startswith(("    ", "  rule set", "  …"))
    ]
    assert people == [f"  {number}  {name}" for name, number in names]
    # With two listed: the whole report's lines up to the third person, then the count.
    third = whole.index(people[2])
    assert two[:third] == whole[:third]
    assert two[third].startswith(f"  … and {len(names) - 2} more people whose dates moved")


def _run_print(report: SentenceRecalculation, listed: int) -> list[str]:
    """The report printed again as the command prints it, with ``listed`` people."""
    out = io.StringIO()
    command = Command(stdout=out)
    command._listed = listed
    command._print(report)
    return out.getvalue().splitlines()


def test_the_report_page_shows_a_run_in_progress(varied, client_for, monkeypatch):
    def crash(self: Command, report: SentenceRecalculation, people: int) -> None:
        raise RuntimeError("stopped")

    monkeypatch.setattr(Command, "_progress", crash)
    with pytest.raises(RuntimeError):
        _run("--chunk-size", "4")
    report = SentenceRecalculation.objects.get()
    client: Client = client_for("admin")
    page = client.get(f"/inmates/recalculations/{report.pk}/", language="en")
    assert page.status_code == 200
    assert "In progress: 1 of 3 parts done (4 of 11 people)" in page.content.decode()
    listed = client.get("/inmates/recalculations/", language="en").content.decode()
    assert "In progress" in listed
    indonesian = client.get(f"/inmates/recalculations/{report.pk}/", language="id")
    assert "Sedang berjalan: 1 dari 3 bagian selesai (4 dari 11 orang)" in (
        indonesian.content.decode()
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="worker processes need PostgreSQL")
def test_worker_processes_store_what_the_per_row_path_stored(varied, monkeypatch, tmp_path):
    expected = _expected()
    real = recalculation._compute_chunk
    where = tmp_path / "pids"

    def spy(chunk: Any) -> Any:
        with where.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return real(chunk)

    monkeypatch.setattr(recalculation, "_compute_chunk", spy)

    _out, err = _run("--chunk-size", "2", "--workers", "2")

    pids = where.read_text().split()
    assert len(pids) == 6 and str(os.getpid()) not in pids  # computed by the workers
    assert _stored() == expected
    report = SentenceRecalculation.objects.get()
    assert report.applied and (report.chunks_done, report.chunks_total) == (6, 6)
    assert "chunk 6/6" in err


@contextlib.contextmanager
def another_run_holds_the_lock() -> Iterator[None]:
    """What a recalculation running in another process holds (on a connection of its own);
    the lock must be free to take: a run that kept it after its end fails here."""
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [recalculation.RUN_LOCK])
            assert cursor.fetchone() == (True,), "the lock is held after the run ended"
        yield
    finally:
        other.close()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a second process's lock is tested on PostgreSQL"
)
@pytest.mark.parametrize("options", [[], ["--resume"]], ids=["new", "resume"])
def test_a_run_is_refused_while_another_process_runs_one(varied, monkeypatch, options):
    """A run still going looks stopped to `--resume` (in progress, chunks left): without
    the lock a second process would do its chunks again beside it, or start another."""
    real_progress = Command._progress

    def crash_after_one(self: Command, report: SentenceRecalculation, people: int) -> None:
        real_progress(self, report, people)
        raise RuntimeError("the other process is still at this point")

    with monkeypatch.context() as patched:
        patched.setattr(Command, "_progress", crash_after_one)
        with pytest.raises(RuntimeError):
            _run("--chunk-size", "3")
    stopped = SentenceRecalculation.objects.get()
    assert stopped.in_progress and stopped.chunks_done == 1
    before = SentenceRecalculation.objects.count()
    with another_run_holds_the_lock(), pytest.raises(CommandError, match="already running"):
        _run(*options)
    assert SentenceRecalculation.objects.count() == before
    again = SentenceRecalculation.objects.get()
    assert (again.chunks_done, again.inmates_checked) == (1, stopped.inmates_checked)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a second process's lock is tested on PostgreSQL"
)
def test_the_lock_is_let_go_when_the_run_ends(varied):
    """A finished run and one that crashed both let it go (a held lock fails the helper)."""
    _run()
    with another_run_holds_the_lock():
        pass
