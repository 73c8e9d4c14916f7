"""The import's set-based path (COPY, staging table, ``INSERT … SELECT`` on PostgreSQL)
writes exactly the rows the ORM path writes: inmates, sentences with their computed
dates, rights, custody episodes, and the history rows of each (same fields, user and
change reason). Run on both databases: on SQLite both sides are the ORM path."""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from sinergi.accounts.models import User
from sinergi.inmates import calculation, custody, import_copy, importer
from sinergi.inmates.choices import ImportStatus
from sinergi.inmates.models import (
    CustodyEpisode,
    ImportChange,
    Inmate,
    InmateRight,
    Sentence,
)
from sinergi.orgs.models import Facility
from tests.inmates.test_import import HEADER, ROWS

pytestmark = pytest.mark.django_db

HEADER_WITH_FACTS = HEADER + ";Tanggal Putusan;Subsider Denda (hari)"

FIRST = [
    *(row + ";;" for row in ROWS),
    "BI 290/26;Ni Luh Sari;;03-04-1988;P;Hindu;Lombok Barat;Penipuan;378;3 th 6 bl 15 hr;"
    "2025-03-01;0;12-05-2025;30",
    "BI 291/26;Komang Ayu;;;P;Hindu;Lombok Barat;Pembunuhan;340;seumur hidup;2023-01-01;0;;",
]
# The second file: one name changed, one term changed, one remisi changed, one row new,
# the others as they were.
SECOND = [
    FIRST[0].replace("Lalu Ahmad Hidayat", "Lalu Ahmad Hidayatullah"),
    FIRST[1].replace("5 th 6 bl", "6 th"),
    FIRST[2],
    FIRST[3].replace(";2025-03-01;0;", ";2025-03-01;45;"),
    FIRST[4],
    "BI 292/26;Wayan Putra;;;L;Hindu;Lombok Barat;Pencurian;362;8 bulan;2026-01-05;0;;",
]
NUMBERS = ["BI 283/26", "BI 284/26", "BI 285/26", "BI 290/26", "BI 291/26", "BI 292/26"]
VOLATILE = {"id", "history_id", "created_at", "updated_at", "history_date"}


@pytest.fixture(autouse=True)
def media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path / "media"), translation.override("en"):
        yield


def _file(tmp_path: Path, name: str, rows: list[str]) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / name
    path.write_text("\n".join([HEADER_WITH_FACTS, *rows]) + "\n", encoding="utf-8")
    return path


def _run(path: Path, by: User) -> importer.ImportBatch:
    with path.open("rb") as upload:
        batch = importer.start_import(
            facility=Facility.objects.get(code="selong"), upload=upload, filename=path.name, by=by
        )
    batch = importer.run_import(batch.pk)
    assert batch.status == ImportStatus.DONE, batch.message
    return batch


def _rows(queryset: Any, number_of: dict[int, str], key: str) -> list[dict[str, Any]]:
    found = []
    for row in queryset.values():
        row = {k: v for k, v in row.items() if k not in VOLATILE}
        row["person"] = number_of[row.pop(key)]
        found.append(row)
    return sorted(found, key=repr)


def _written() -> dict[str, Any]:
    """Every row the imports wrote about the file's people, without ids and times."""
    people = Inmate.objects.filter(facility__code="selong", registration_number__in=NUMBERS)
    number_of = dict(people.values_list("id", "registration_number"))
    sentences = Sentence.objects.filter(inmate__in=people)
    inmate_of_sentence = dict(sentences.values_list("id", "inmate_id"))
    sentence_history = _rows(
        Sentence.history.filter(id__in=list(inmate_of_sentence)),
        number_of,
        "inmate_id",
    )
    return {
        "inmates": _inmates(people),
        "inmate history": _inmate_history(number_of),
        "sentences": _rows(sentences, number_of, "inmate_id"),
        "sentence history": sentence_history,
        "rights": _rows(InmateRight.objects.filter(inmate__in=people), number_of, "inmate_id"),
        "episodes": _rows(CustodyEpisode.objects.filter(inmate__in=people), number_of, "inmate_id"),
        "episode history": _rows(
            CustodyEpisode.history.filter(inmate_id__in=list(number_of)), number_of, "inmate_id"
        ),
        "journal": list(ImportChange.objects.filter(inmate__in=people).values()),
    }


def _inmates(people: Any) -> list[dict[str, Any]]:
    return sorted(
        ({k: v for k, v in row.items() if k not in VOLATILE} for row in people.values()),
        key=repr,
    )


def _inmate_history(number_of: dict[int, str]) -> list[dict[str, Any]]:
    return sorted(
        (
            {k: v for k, v in row.items() if k not in VOLATILE}
            for row in Inmate.history.filter(id__in=list(number_of)).values()
        ),
        key=repr,
    )


def _two_imports(tmp_path: Path, by: User) -> tuple[dict[str, Any], dict[str, Any], list[Any]]:
    first = _run(_file(tmp_path, "first.csv", FIRST), by)
    after_first = _written()
    second = _run(_file(tmp_path, "second.csv", SECOND), by)
    counts = [
        (b.created_count, b.updated_count, b.unchanged_count, b.written_rows)
        for b in (first, second)
    ]
    return after_first, _written(), counts


def test_the_import_writes_the_same_rows_and_history_as_the_orm_path(
    demo_world, tmp_path, monkeypatch
):
    by = User.objects.get(username="petugas.selong")
    with monkeypatch.context() as orm_only:
        orm_only.setattr(import_copy, "uses_copy", lambda: False)
        orm_first, orm_second, orm_counts = _two_imports(tmp_path / "orm", by)
    assert orm_counts == [(5, 0, 0, 5), (1, 3, 2, 6)]
    assert orm_second["inmate history"] and orm_second["sentence history"]
    assert {row["history_change_reason"] for row in orm_second["sentence history"]} == {"import"}
    assert {row["history_user_id"] for row in orm_second["inmate history"]} == {by.pk}
    # Start again: the same imports through the database's own path.
    # (The history rows of the deleted people are not among the new people's.)
    Inmate.objects.filter(facility__code="selong", registration_number__in=NUMBERS).delete()
    copied: list[str] = []
    real_insert = import_copy.insert

    def insert(objs: Any) -> None:
        copied.extend(type(o).__name__ for o in objs[:1])
        real_insert(objs)

    real_insert_values = import_copy.insert_values

    def insert_values(model: Any, rows: Any) -> None:
        copied.extend(model.__name__ for _ in rows[:1])
        real_insert_values(model, rows)

    real_rights = import_copy.insert_rights

    def insert_rights(rights: Any) -> None:
        rights = list(rights)
        copied.extend("InmateRight" for _ in rights[:1])
        real_rights(rights)

    real_episodes = custody.open_first_episodes

    def open_first_episodes(ids: Any, **kwargs: Any) -> list[int]:
        others = real_episodes(ids, **kwargs)
        copied.extend("CustodyEpisode" for _ in ids[len(others) :][:1])
        return others

    real_update = import_copy.update

    def update(objs: Any, names: Any) -> None:
        copied.extend(f"~{type(o).__name__}" for o in objs[:1])
        real_update(objs, names)

    monkeypatch.setattr(import_copy, "insert", insert)
    monkeypatch.setattr(import_copy, "insert_values", insert_values)
    monkeypatch.setattr(import_copy, "update", update)
    monkeypatch.setattr(import_copy, "insert_rights", insert_rights)
    monkeypatch.setattr(custody, "open_first_episodes", open_first_episodes)
    first, second, counts = _two_imports(tmp_path / "db", by)
    if connection.vendor == "postgresql":
        assert {
            "Inmate",
            "Sentence",
            "InmateRight",
            "ImportChange",
            "CustodyEpisode",
            "~Inmate",
            "~Sentence",
        } <= set(copied)
    assert counts == orm_counts
    for name in orm_first:
        assert first[name] == orm_first[name], name
        assert second[name] == orm_second[name], name


def test_reimporting_an_unchanged_file_writes_nothing(demo_world, tmp_path):
    by = User.objects.get(username="petugas.selong")
    _run(_file(tmp_path, "first.csv", FIRST), by)
    before = _written()
    with CaptureQueriesContext(connection) as queries:
        batch = _run(_file(tmp_path, "again.csv", FIRST), by)
    assert (batch.created_count, batch.updated_count, batch.unchanged_count) == (0, 0, 5)
    assert _written() == before
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith(("INSERT", "UPDATE", "DELETE", "COPY"))
        and "inmates_import" not in q["sql"]
        and "core_auditevent" not in q["sql"]
        and import_copy.STAGE not in q["sql"]
    ]
    assert writes == []


def test_a_running_import_shows_the_rows_written_of_the_total_on_its_page_and_the_api(
    demo_world, tmp_path, client_for
):
    by = User.objects.get(username="petugas.selong")
    _run(_file(tmp_path, "first.csv", FIRST), by)
    batch = importer.ImportBatch.objects.get(filename="first.csv")
    # As a worker leaves it between two chunks.
    importer.ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.RUNNING,
        message=importer.ImportBatch.WRITING,
        total_rows=5000,
        processed_rows=5000,
        written_rows=2000,
        finished_at=None,
    )
    client = client_for("petugas.selong")
    body = client.get(f"/api/v1/inmate-imports/{batch.pk}").json()
    assert (body["total_rows"], body["processed_rows"], body["written_rows"]) == (5000, 5000, 2000)
    page = client.get(batch.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert 'value="40"' in page
    assert 'hx-trigger="every 2s"' in page


def test_rows_are_written_in_chunks_of_the_database_s_size_each_reporting_progress(
    demo_world, tmp_path, monkeypatch
):
    monkeypatch.setattr(importer, "WRITE_CHUNK", 2)
    seen: list[int] = []
    real = importer._heartbeat

    def heartbeat(batch: Any, **fields: Any) -> None:
        if "written_rows" in fields:
            seen.append(fields["written_rows"])
        real(batch, **fields)

    monkeypatch.setattr(importer, "_heartbeat", heartbeat)
    batch = _run(_file(tmp_path, "first.csv", FIRST), User.objects.get(username="petugas.selong"))
    assert seen == [0, 2, 4]
    assert batch.written_rows == 5
    monkeypatch.setattr(importer, "WRITE_CHUNK", None)
    assert importer.write_chunk() == (5000 if connection.vendor == "postgresql" else 500)


def _rows_read_from(plan: dict[str, Any], table: str) -> int:
    """The rows a plan's scans of ``table`` read: those they returned and those their
    filters removed, over every loop (``EXPLAIN (ANALYZE, FORMAT JSON)``)."""
    read = 0
    if plan.get("Relation Name") == table:
        per_loop = plan["Actual Rows"] + plan.get("Rows Removed by Filter", 0)
        read += per_loop * plan["Actual Loops"]
    for child in plan.get("Plans", []):
        read += _rows_read_from(child, table)
    return read


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the staging table is PostgreSQL's")
def test_a_chunk_is_compared_with_its_own_people_not_the_whole_facility(demo_world, tmp_path):
    # A facility of many people, a chunk of two: the comparison looks up the chunk's two
    # by registration number. Before, when the planner did not choose a nested loop (as on
    # statistics taken before a large import: 100,000 people thought to be 53), it read
    # every inmate of the facility for every chunk of 5,000 rows.
    by = User.objects.get(username="petugas.selong")
    others = [
        f"BI {400 + n}/26;Warga {n};;;L;Islam;Lombok Timur;Pencurian;362;1 tahun;2026-01-05;0;;"
        for n in range(40)
    ]
    _run(_file(tmp_path, "first.csv", FIRST + others), by)
    facility = Facility.objects.get(code="selong")
    assert Inmate.objects.filter(facility=facility).count() > 40
    chunk = [
        (
            inmate.registration_number,
            {"name": inmate.name, "nik": inmate.nik},
            {"term_years": inmate.sentence.term_years, "remission_days": 0},
        )
        for inmate in Inmate.objects.filter(registration_number__in=NUMBERS[:2]).select_related(
            "sentence"
        )
    ]
    with CaptureQueriesContext(connection) as queries:
        changed = import_copy.changed_numbers(facility.pk, chunk)
    assert changed == {NUMBERS[1]}  # its remisi is 30 days, not 0
    (statement,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT g.")]
    with connection.cursor() as cursor:
        # The statistics of the facility as it now is; a join other than by nested loop
        # made as dear as it is on a large facility's import.
        cursor.execute(f"ANALYZE {Inmate._meta.db_table}, {Sentence._meta.db_table}")
        cursor.execute("SET LOCAL enable_nestloop = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}")
        (plan,) = cursor.fetchone()[0]
    assert _rows_read_from(plan["Plan"], Inmate._meta.db_table) <= len(chunk)


def test_the_cycle_collector_skips_the_kept_rows_and_is_given_them_back_after(
    demo_world, tmp_path, monkeypatch
):
    # Off while the rows are checked (the kept rows made it walk a growing heap again
    # and again); on while they are written, with what was there before set aside (the
    # writing's model instances are collected); as it was after the import, whether it
    # was done or failed.
    assert gc.isenabled() and gc.get_freeze_count() == 0
    checked: list[bool] = []
    written: list[tuple[bool, int]] = []
    check_row, write_chunk = importer._check_row, importer._write_chunk

    def checking(*args: Any, **kwargs: Any) -> Any:
        checked.append(gc.isenabled())
        return check_row(*args, **kwargs)

    def writing(*args: Any, **kwargs: Any) -> None:
        written.append((gc.isenabled(), gc.get_freeze_count()))
        write_chunk(*args, **kwargs)

    monkeypatch.setattr(importer, "_check_row", checking)
    monkeypatch.setattr(importer, "_write_chunk", writing)
    by = User.objects.get(username="petugas.selong")
    _run(_file(tmp_path, "first.csv", FIRST), by)
    assert checked and not any(checked)
    assert written and all(on and aside > 0 for on, aside in written)
    assert gc.isenabled() and gc.get_freeze_count() == 0

    def failing(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(importer, "_write_chunk", failing)
    path = _file(tmp_path, "second.csv", SECOND)
    with path.open("rb") as upload:
        batch = importer.start_import(
            facility=Facility.objects.get(code="selong"), upload=upload, filename=path.name, by=by
        )
    assert importer.run_import(batch.pk).status == ImportStatus.FAILED
    assert gc.isenabled() and gc.get_freeze_count() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="worker processes need PostgreSQL")
def test_a_worker_process_computes_new_people_as_the_writing_process_does(
    demo_world, tmp_path, monkeypatch
):
    # Outside a transaction on PostgreSQL, the new people of the next chunk are computed in
    # a worker process while this one writes: the rows written are the same as when each
    # chunk's people are computed here.
    monkeypatch.setattr(importer, "WRITE_CHUNK", 2)
    by = User.objects.get(username="petugas.selong")
    people = Inmate.objects.filter(facility__code="selong", registration_number__in=NUMBERS)

    monkeypatch.setattr(importer, "ENGINE_WORKERS", 0)
    here = _two_imports(tmp_path / "here", by)
    people.delete()

    real = calculation.compute_new
    where = tmp_path / "pids"

    def spy(*args: Any) -> Any:
        with where.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return real(*args)

    monkeypatch.setattr(calculation, "compute_new", spy)
    monkeypatch.setattr(importer, "ENGINE_WORKERS", 1)
    beside = _two_imports(tmp_path / "beside", by)

    pids = where.read_text().split()
    # The first file's five new people in three chunks, the second file's one.
    assert len(pids) == 4 and str(os.getpid()) not in pids
    assert beside[2] == here[2]
    for written, expected in zip(beside[:2], here[:2], strict=True):
        for name in expected:
            assert written[name] == expected[name], name


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="worker processes need PostgreSQL")
def test_an_import_whose_worker_never_answers_fails_and_writes_nothing(
    demo_world, tmp_path, monkeypatch
):
    # A worker killed (for memory, say) never answers: the import fails, undone, instead of
    # waiting for ever (before, it waited for ever).
    monkeypatch.setattr(importer, "WRITE_CHUNK", 2)
    monkeypatch.setattr(importer, "ENGINE_WORKERS", 1)
    monkeypatch.setattr(importer, "ENGINE_TIMEOUT_SECONDS", 1)

    def killed(*args: Any) -> Any:
        os._exit(1)  # as the kernel's OOM killer leaves it: no answer, no exception

    monkeypatch.setattr(calculation, "compute_new", killed)
    path = _file(tmp_path, "first.csv", FIRST)
    with path.open("rb") as upload:
        batch = importer.start_import(
            facility=Facility.objects.get(code="selong"),
            upload=upload,
            filename=path.name,
            by=User.objects.get(username="petugas.selong"),
        )
    batch = importer.run_import(batch.pk)
    assert batch.status == ImportStatus.FAILED
    assert "TimeoutError" in batch.message
    assert not Inmate.objects.filter(registration_number__in=NUMBERS).exists()
