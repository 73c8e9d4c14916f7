"""Imports that cannot hurt: the file's encoding is never guessed into garbled names, the
size is bounded and read as a stream, a file without rows says so, an import that died
is shown as interrupted and can be retried, and rows are written in short transactions
while one bad row or a failure part-way still leaves nothing written."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from django.utils import timezone, translation

from sinergi.core.models import AuditEvent
from sinergi.inmates import importer, parsing
from sinergi.inmates.models import ImportBatch, ImportChange, Inmate
from sinergi.orgs.models import Facility
from tests.inmates.test_import import HEADER, ROWS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path / "media"), translation.override("en"):
        yield


def _write(tmp_path: Path, rows: list[str], name: str = "export.csv", encoding="utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(("\n".join([HEADER, *rows]) + "\n").encode(encoding))
    return path


def _import(path: Path, *extra: str) -> str:
    out = io.StringIO()
    call_command(
        "import_inmates",
        str(path),
        "--facility",
        "selong",
        *extra,
        stdout=out,
        stderr=io.StringIO(),
    )
    return out.getvalue()


def _rows(n: int, start: int = 600) -> list[str]:
    return [
        f"BI {start + i}/26;Warga {i};;;L;Islam;Lombok Timur;Pencurian;362;1 tahun;10-01-2025;0"
        for i in range(n)
    ]


# --- encoding -------------------------------------------------------------------------


def test_a_utf8_file_with_one_stray_byte_is_refused_naming_the_line_and_offset(
    demo_world, tmp_path
):
    text = "\n".join([HEADER, *ROWS]) + "\n"
    data = text.encode("utf-8").replace(b"Baiq", b"Ba\xefq")  # line 3
    path = tmp_path / "stray.csv"
    path.write_bytes(data)
    offset = data.index(b"\xef")
    with pytest.raises(CommandError) as refused:
        _import(path)
    assert "line 3" in str(refused.value)
    assert f"byte offset {offset}" in str(refused.value)
    assert "0xEF" in str(refused.value)
    assert not Inmate.objects.filter(registration_number="BI 284/26").exists()
    assert not ImportBatch.objects.exists()


def test_an_upload_with_a_stray_byte_is_refused_on_the_form(demo_world, client_for):
    data = ("\n".join([HEADER, *ROWS]) + "\n").encode().replace(b"Made", b"M\xe9de")
    response = client_for("petugas.selong").post(
        "/inmates/import/",
        {"file": SimpleUploadedFile("stray.csv", data)},
        language="en",
    )
    assert response.status_code == 200
    assert "line 4" in " ".join(response.context["form"].errors["file"])
    assert not ImportBatch.objects.exists()


def test_a_windows_1252_file_is_imported_only_when_the_encoding_is_confirmed(
    demo_world, client_for, django_capture_on_commit_callbacks
):
    row = ROWS[2].replace("Made Wirawan", "José Wirawan")
    data = (HEADER + "\n" + row + "\n").encode("cp1252")
    client = client_for("petugas.selong")
    refused = client.post("/inmates/import/", {"file": SimpleUploadedFile("old.csv", data)})
    assert refused.status_code == 200 and not ImportBatch.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/inmates/import/",
            {"file": SimpleUploadedFile("old.csv", data), "encoding": "cp1252"},
        )
    batch = ImportBatch.objects.get()
    assert batch.status == "done", batch.message
    assert Inmate.objects.get(registration_number="BI 285/26").name == "José Wirawan"


def test_confirming_windows_1252_for_a_mostly_utf8_file_is_refused(demo_world, tmp_path):
    text = "\n".join([HEADER, *ROWS]) + "\n"
    data = text.replace("Made", "Mádé").encode("utf-8").replace(b"Lalu", b"L\xe2lu")
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    with pytest.raises(CommandError, match="UTF-8"):
        _import(path, "--encoding", "cp1252")
    assert not Inmate.objects.filter(name__contains="Ã").exists()


# --- size and memory ------------------------------------------------------------------


@override_settings(SINERGI_IMPORT_MAX_MB=1)
def test_an_upload_over_the_size_limit_is_refused_on_the_form(demo_world, client_for):
    data = (HEADER + "\n" + "\n".join(_rows(1)) + "\n").encode() + b" " * (1024 * 1024 + 10)
    response = client_for("petugas.selong").post(
        "/inmates/import/",
        {"file": SimpleUploadedFile("big.csv", data)},
        language="en",
    )
    assert response.status_code == 200
    assert "1 MB" in " ".join(response.context["form"].errors["file"])
    assert not ImportBatch.objects.exists()


@override_settings(SINERGI_IMPORT_MAX_MB=1)
def test_the_import_action_refuses_a_file_over_the_limit_and_keeps_nothing(demo_world, user):
    data = (HEADER + "\n").encode() + b"x" * (1024 * 1024 + 10)
    with pytest.raises(parsing.ImportFileError, match="1 MB"):
        importer.start_import(
            facility=Facility.objects.get(code="selong"),
            upload=io.BufferedReader(io.BytesIO(data)),  # no .size: counted while stored
            filename="big.csv",
            by=user("petugas.selong"),
        )
    assert not ImportBatch.objects.exists()
    assert list(importer.import_dir().iterdir()) == []


def test_a_csv_is_read_as_a_stream_not_loaded_whole(tmp_path):
    import tracemalloc

    path = _write(tmp_path, _rows(70_000))
    assert path.stat().st_size > 5_000_000
    tracemalloc.start()
    try:
        with parsing.read_table(path, "export.csv") as table:
            next(table.rows)
            _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2_500_000, peak


# --- no rows --------------------------------------------------------------------------


def test_a_header_only_file_reports_no_rows_and_writes_nothing(demo_world, tmp_path):
    before = Inmate.objects.count()
    with pytest.raises(CommandError, match="no data rows"):
        _import(_write(tmp_path, []))
    assert Inmate.objects.count() == before
    assert not ImportBatch.objects.filter(status="done").exists()


def test_a_queued_file_without_rows_ends_as_no_rows_not_done(demo_world, tmp_path):
    path = _write(tmp_path, [])
    batch = ImportBatch.objects.create(
        facility=Facility.objects.get(code="selong"),
        filename="export.csv",
        stored_path=str(path),
        headers=HEADER.split(";"),
        mapping=parsing.recognise_headers(HEADER.split(";")),
    )
    batch = importer.run_import(batch.pk)
    assert batch.status == "empty"
    assert batch.is_finished


# --- interrupted imports --------------------------------------------------------------


class Killed(BaseException):
    """The worker process killed part-way (not an error the importer can catch)."""


def test_a_killed_import_is_shown_interrupted_and_a_retry_imports_every_row_once(
    demo_world, client_for, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    before = Inmate.objects.count()
    monkeypatch.setattr(importer, "WRITE_CHUNK", 2)
    write_chunk = importer._write_chunk
    calls = []

    def dies_on_the_second_chunk(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise Killed
        return write_chunk(*args, **kwargs)

    monkeypatch.setattr(importer, "_write_chunk", dies_on_the_second_chunk)
    with pytest.raises(Killed):
        _import(_write(tmp_path, _rows(5)))
    batch = ImportBatch.objects.get()
    assert batch.status == "running"
    assert Inmate.objects.count() == before + 2  # the first chunk, committed
    monkeypatch.setattr(importer, "_write_chunk", write_chunk)

    client = client_for("petugas.selong")
    assert "Interrupted" not in client.get(batch.get_absolute_url()).content.decode()
    ImportBatch.objects.filter(pk=batch.pk).update(
        updated_at=timezone.now() - datetime.timedelta(minutes=16)
    )
    page = client.get(batch.get_absolute_url(), language="en").content.decode()
    batch.refresh_from_db()
    assert batch.status == "interrupted"
    assert "Interrupted" in page and "Try again" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/inmates/import/{batch.pk}/retry/")
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "done", batch.message
    assert (batch.created_count, batch.updated_count, batch.unchanged_count) == (5, 0, 0)
    assert Inmate.objects.count() == before + 5
    assert not ImportChange.objects.exists()
    assert AuditEvent.objects.filter(action="import.retry", target_id=str(batch.pk)).exists()


def test_only_a_failed_or_interrupted_import_can_be_retried(demo_world, client_for, tmp_path):
    _import(_write(tmp_path, ROWS))
    batch = ImportBatch.objects.get()
    response = client_for("petugas.selong").post(f"/inmates/import/{batch.pk}/retry/")
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "done"
    assert not AuditEvent.objects.filter(action="import.retry").exists()


# --- short transactions, all or nothing ------------------------------------------------


def test_rows_are_written_in_several_short_transactions(demo_world, tmp_path, monkeypatch):
    """Each chunk of rows is its own transaction, committed before the next one starts,
    so that on SQLite other users can write between two chunks."""
    monkeypatch.setattr(importer, "WRITE_CHUNK", 2)
    depths = []
    write_chunk = importer._write_chunk

    def watching(*args, **kwargs):
        depths.append(len(connection.savepoint_ids))
        return write_chunk(*args, **kwargs)

    monkeypatch.setattr(importer, "_write_chunk", watching)
    outer = len(connection.savepoint_ids)  # the test's own transaction
    assert "created 5" in _import(_write(tmp_path, _rows(5)))
    # Directly inside the test's transaction: not nested in an import-wide transaction.
    assert depths == [outer + 1] * 3


@pytest.mark.django_db(transaction=True)
def test_no_transaction_stays_open_between_two_chunks(demo_world, tmp_path, monkeypatch):
    """With the database in autocommit (as in production), each chunk is committed and
    no transaction is held while the next rows are read."""
    monkeypatch.setattr(importer, "WRITE_CHUNK", 2)
    between = []
    real_chunks = importer._row_chunks

    def chunks(batch, today):
        for chunk in real_chunks(batch, today):
            between.append(connection.in_atomic_block)
            yield chunk

    monkeypatch.setattr(importer, "_row_chunks", chunks)
    assert "created 5" in _import(_write(tmp_path, _rows(5)))
    assert between == [False, False, False]


def test_a_failure_part_way_undoes_what_was_written(demo_world, tmp_path, monkeypatch):
    _import(_write(tmp_path, ROWS, "first.csv"))
    before = set(Inmate.objects.values_list("registration_number", "name"))
    history = Inmate.history.count()
    monkeypatch.setattr(importer, "WRITE_CHUNK", 2)
    write_chunk = importer._write_chunk
    calls = []

    def fails_on_the_second_chunk(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return write_chunk(*args, **kwargs)

    monkeypatch.setattr(importer, "_write_chunk", fails_on_the_second_chunk)
    changed = [ROWS[0].replace("Lalu Ahmad Hidayat", "Lalu Berubah"), *ROWS[1:], *_rows(3)]
    with pytest.raises(CommandError, match="nothing was written"):
        _import(_write(tmp_path, changed, "second.csv"))
    assert set(Inmate.objects.values_list("registration_number", "name")) == before
    assert Inmate.objects.get(registration_number="BI 283/26").name == "Lalu Ahmad Hidayat"
    assert not ImportChange.objects.exists()
    assert ImportBatch.objects.latest("created_at").status == "failed"
    assert Inmate.history.count() > history  # the undo is in the history, not hidden


def test_a_failure_whose_undo_fails_too_is_shown_interrupted_not_nothing_written(
    demo_world, tmp_path, monkeypatch
):
    monkeypatch.setattr(importer, "WRITE_CHUNK", 2)
    write_chunk = importer._write_chunk
    calls = []

    def fails_on_the_second_chunk(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return write_chunk(*args, **kwargs)

    def undo_fails(batch):
        if ImportChange.objects.filter(batch=batch).exists():
            raise RuntimeError("database gone")
        return 0

    monkeypatch.setattr(importer, "_write_chunk", fails_on_the_second_chunk)
    monkeypatch.setattr(importer, "_undo", undo_fails)
    with pytest.raises(CommandError):
        _import(_write(tmp_path, _rows(5)))
    batch = ImportBatch.objects.get()
    assert batch.status == "interrupted"
    assert batch.can_retry


@pytest.mark.django_db(transaction=True)
def test_another_user_can_write_while_an_import_is_between_two_chunks(
    demo_world, tmp_path, monkeypatch
):
    """On SQLite a write transaction locks the whole database: another user's save made
    between two chunks (here from another thread, with its own connection) succeeds."""
    import threading

    from django.db import connections

    monkeypatch.setattr(importer, "WRITE_CHUNK", 2)
    results: list[str] = []
    real_chunks = importer._row_chunks

    def someone_else_saves() -> None:
        try:
            AuditEvent.objects.create(action="someone.else", actor_username="kalapas.selong")
            results.append("saved")
        except Exception as error:  # the lock error is what this test guards against
            results.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()

    def chunks(batch, today):
        for index, chunk in enumerate(real_chunks(batch, today)):
            if index == 1:
                other = threading.Thread(target=someone_else_saves)
                other.start()
                other.join(timeout=30)
            yield chunk

    monkeypatch.setattr(importer, "_row_chunks", chunks)
    assert "created 5" in _import(_write(tmp_path, _rows(5)))
    assert results == ["saved"]
    assert AuditEvent.objects.filter(action="someone.else").exists()
