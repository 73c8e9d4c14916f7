"""Importing SDP exports: validate every row first, then write in short steps, or nothing.

1. ``start_import`` stores the upload (refusing one over ``SINERGI_IMPORT_MAX_MB``, a file
   whose encoding would have to be guessed, and one without data rows) and recognises
   its headers. When a required column is not recognised, and the facility's remembered
   mapping does not fit, the batch waits for the column-mapping step; otherwise the
   import task is queued.
2. ``run_import`` (a background task in production) reads the file row by row and
   validates every row, reporting progress. Any invalid row: the batch is rejected,
   nothing is written, and the report names each bad row (line, column, reason).
3. Otherwise the checked rows (kept from step 2, or the file read again when it is very
   big) are written in chunks of :func:`write_chunk` rows, each in its own short
   transaction, so that on SQLite other users can still write between two chunks; on
   PostgreSQL new rows go in through COPY and unchanged ones are found in SQL
   (:mod:`.import_copy`). Existing inmates are matched on the normalised registration number, new
   ones are bulk-created, changed ones bulk-updated with a history row each, unchanged
   ones left alone; the key dates and rights are recomputed. Every chunk records what
   it did in :class:`ImportChange` (the journal), in the same transaction: if a chunk
   fails, what the earlier chunks wrote is undone from the journal, so that one failure
   still leaves nothing written. The journal is dropped when the import is done.
   The report then warns, row by row, of each person of the file still in custody after
   their release date (``batch.errors`` holds these warnings, marked ``"warning"``; the
   import is done all the same).
4. A worker that dies part-way leaves its batch "running": with no progress for
   ``SINERGI_IMPORT_STALE_MINUTES`` it is shown as interrupted (``mark_interrupted``),
   and ``actions.retry_import`` (audited) queues it again; the new run first undoes what the
   interrupted one wrote, then imports the whole file. Each run has its own
   ``attempt`` number, and a worker whose run is no longer the current one stops
   before its next chunk.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import itertools
import logging
import math
import multiprocessing
import os
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, NamedTuple

from django.conf import settings
from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from sinergi.accounts.models import User
from sinergi.core import audit
from sinergi.inmates import (
    actions,
    calculation,
    column_guess,
    custody,
    import_copy,
    import_walis,
    parsing,
)
from sinergi.inmates.calculation import NewComputed, recalculate
from sinergi.inmates.choices import ImportStatus, TermKind
from sinergi.inmates.models import (
    ColumnMapping,
    ImportBatch,
    ImportChange,
    Inmate,
    InmateRight,
    Sentence,
)
from sinergi.inmates.queries import days_overdue, overdue_releases
from sinergi.orgs.models import FacilityKind

log = logging.getLogger(__name__)

BATCH = 1000
# Rows written per transaction; None: 500 on SQLite (other users can write between two
# chunks), 5,000 on PostgreSQL (COPY and set-based statements: a chunk costs a few
# statements whatever its size).
WRITE_CHUNK: int | None = None
PROGRESS_EVERY = 2000
# Up to this many rows, the rows checked are kept in memory for the writing (about 1 kB
# each), so that the file is read and parsed once; a bigger file is read again.
KEEP_PARSED = 200_000
# Worker processes that compute the new people's dates and rights of the next chunk while
# this one writes the current one (PostgreSQL, no transaction open): the sentence engine
# is about a third of a new file's writing. One is enough beside one writing process.
ENGINE_WORKERS = 1 if (os.cpu_count() or 1) > 1 else 0
# A chunk's people take the engine about a second; a worker silent this long is gone.
ENGINE_TIMEOUT_SECONDS = 600
MAX_STORED_ERRORS = 5000
DATE_FIELDS = {"birth_date", "detention_start", "verdict_date", "commuted_on"}


class Aborted(Exception):
    """This run of the import is no longer the current one (interrupted or retried)."""


INMATE_FIELDS = [
    "name",
    "nik",
    "birth_date",
    "sex",
    "religion",
    "home_regency",
    "register_class",
    # Not in the row's values: kept in the journal so that undoing an import puts back
    # the wali its "Wali" column set (import_walis).
    "wali_id",
]
SENTENCE_FIELDS = [
    "crime_category",
    "crime_text",
    "legal_articles",
    "term_kind",
    "term_years",
    "term_months",
    "term_days",
    "detention_start",
    "remission_days",
]
# Written only when the file has their column (parsing.SENTENCE_FACT_FIELDS): an export
# without them leaves what was recorded in Sinergi.
SENTENCE_FACT_FIELDS = list(parsing.SENTENCE_FACT_FIELDS)
# What the journal keeps of a sentence, and an undo gives back.
SNAPSHOT_FIELDS = [*SENTENCE_FIELDS, *SENTENCE_FACT_FIELDS]


def sentence_fields(mapping: Mapping[str, int]) -> list[str]:
    """The sentence fields an import with this column mapping writes."""
    return [*SENTENCE_FIELDS, *fact_fields(mapping)]


def fact_fields(mapping: Mapping[str, int]) -> list[str]:
    """The sentence's optional facts (verdict date, …) that the file has a column for."""
    return [name for name in SENTENCE_FACT_FIELDS if name in mapping]


def import_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def max_upload_bytes() -> int:
    return int(settings.SINERGI_IMPORT_MAX_MB) * 1024 * 1024


def check_upload_size(size: int | None) -> None:
    """Refuse a file over ``SINERGI_IMPORT_MAX_MB`` (``size`` in bytes; None: unknown)."""
    if size is not None and size > max_upload_bytes():
        raise parsing.ImportFileError(
            _(
                "The file is %(size)s MB; an import may be at most %(limit)s MB. Split the "
                "export into smaller files (for example one per register class) and import "
                "them one after the other."
            )
            % {
                "size": math.ceil(size / (1024 * 1024) * 10) / 10,
                "limit": settings.SINERGI_IMPORT_MAX_MB,
            }
        )


def _store(upload: IO[bytes], filename: str) -> Path:
    """Copy the upload to the import folder in 1 MB pieces, refusing it past the limit."""
    check_upload_size(getattr(upload, "size", None))
    suffix = Path(filename).suffix.lower()
    target = import_dir() / f"{uuid.uuid4().hex}{suffix}"
    limit = max_upload_bytes()
    written = 0
    try:
        with target.open("wb") as out:
            for chunk in iter(lambda: upload.read(1 << 20), b""):
                written += len(chunk)
                if written > limit:
                    # Read on only to count (a stream may not know its size), never store.
                    for rest in iter(lambda: upload.read(1 << 20), b""):
                        written += len(rest)
                    check_upload_size(written)
                out.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


def _no_rows() -> parsing.ImportFileError:
    return parsing.ImportFileError(
        _("The file has a header row but no data rows: there is nothing to import.")
    )


def _mapping_from_remembered(facility: Any, headers: list[str]) -> dict[str, int]:
    """The facility's last mapping (field -> header text), applied to these headers."""
    remembered = ColumnMapping.objects.filter(facility=facility).first()
    if remembered is None:
        return {}
    positions: dict[str, int] = {}
    for i, h in enumerate(headers):
        positions.setdefault(parsing.normalise_header(h), i)
    mapping = {}
    for field, header in remembered.mapping.items():
        index = positions.get(parsing.normalise_header(header))
        if index is not None:
            mapping[field] = index
    return mapping


def first_rows(batch: ImportBatch, count: int) -> list[list[Any]]:
    """The first ``count`` data rows of the stored file (for the mapping page), each
    padded to the headers' width; ``[]`` when the file can no longer be read."""
    width = len(batch.headers)
    rows: list[list[Any]] = []
    try:
        with parsing.read_table(
            Path(batch.stored_path), batch.filename, encoding=batch.encoding
        ) as table:
            for _line, values in table.rows:
                cells = list(values)[:width]
                rows.append(cells + [""] * (width - len(cells)))
                if len(rows) >= count:
                    break
    except (parsing.ImportFileError, OSError):
        return []
    return rows


def suggested_mapping(batch: ImportBatch, rows: list[list[Any]]) -> dict[str, int]:
    """The column suggested, by its values, for each field the batch has no column for."""
    return column_guess.suggest(batch.headers, rows, batch.mapping, batch.facility.today())


def start_import(
    *,
    facility: Any,
    upload: IO[bytes],
    filename: str,
    by: User | None,
    dry_run: bool = False,
    encoding: str = "",
    full_export: bool = False,
) -> ImportBatch:
    """Store the file, recognise its columns, and queue the import (or ask for a mapping).

    ``encoding`` is "" (UTF-8 or UTF-16, checked) or a legacy encoding the user chose
    (:data:`parsing.LEGACY_ENCODINGS`). ``full_export``: the file is a full export of the
    facility, so the people in custody missing from it are listed for review before
    anything is written: a full export is always checked first (``dry_run``), and
    imported by a second, explicit step (``actions.import_checked``). Raises
    :class:`parsing.ImportFileError` for a file over the size limit, in an encoding that
    cannot be read, or without rows.
    """
    if encoding and encoding not in parsing.LEGACY_ENCODINGS:
        raise parsing.ImportFileError(_("Unknown encoding: %(name)s") % {"name": encoding})
    dry_run = dry_run or full_export
    path = _store(upload, filename)
    try:
        with parsing.read_table(path, filename, encoding=encoding) as table:
            headers = [str(h) for h in table.headers]
            if next(table.rows, None) is None:
                raise _no_rows()
    except parsing.ImportFileError:
        path.unlink(missing_ok=True)
        raise
    mapping = parsing.recognise_headers(headers)
    if parsing.missing_required(mapping):
        mapping = {**_mapping_from_remembered(facility, headers), **mapping}
    with transaction.atomic():  # the batch and its audit entry, or neither
        batch = ImportBatch.objects.create(
            facility=facility,
            uploaded_by=by,
            filename=Path(filename).name[:255],
            stored_path=str(path),
            headers=headers,
            mapping=mapping,
            dry_run=dry_run,
            encoding=encoding,
            full_export=full_export,
            status=(
                ImportStatus.MAPPING if parsing.missing_required(mapping) else ImportStatus.QUEUED
            ),
        )
        audit.record(
            "import.upload",
            by=by,
            target=batch,
            facility=facility,
            changes={
                "filename": batch.filename,
                "dry_run": dry_run,
                "encoding": encoding,
                "full_export": full_export,
            },
        )
        if batch.status == ImportStatus.QUEUED:
            enqueue(batch)
    return batch


def enqueue(batch: ImportBatch) -> None:
    transaction.on_commit(lambda: run_import_task.enqueue(batch.pk))


@task()
def run_import_task(batch_id: int) -> None:
    # The rows' problems are written in the language the uploader chose (they read them
    # first): a worker has no request to take it from.
    chosen = (
        ImportBatch.objects.filter(pk=batch_id)
        .values_list("uploaded_by__language", flat=True)
        .first()
    )
    with translation.override(chosen) if chosen else contextlib.nullcontext():
        run_import(batch_id)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while an import checks its rows.

    The rows checked are kept for the writing (up to ``KEEP_PARSED``): with the
    collector on, every few hundred new objects it walked the growing heap of them again
    (a seventh of a re-import's time). Checking makes no cycles to speak of; any left
    are collected once the collector is back on, which it is when the check ends however
    it ends (unless it was off before)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


@contextlib.contextmanager
def _kept_rows_set_aside() -> Iterator[None]:
    """While the checked rows are written: what the process holds so far (the kept rows
    among it) set aside from the cycle collector (``gc.freeze``), which then walks only
    what the writing makes (model instances refer to each other: turned off for the
    writing too, the collector let a 100,000-row file's grow the process by 270 MB).
    Given back to the collector after, unless something had set objects aside before
    (``gc.unfreeze`` gives back all, theirs too)."""
    set_aside_before = gc.get_freeze_count()
    gc.freeze()
    try:
        yield
    finally:
        if not set_aside_before:
            gc.unfreeze()


def _heartbeat(batch: ImportBatch, **fields: Any) -> None:
    """Record progress, if this run is still the current one; else stop (``Aborted``)."""
    current = ImportBatch.objects.filter(
        pk=batch.pk, status=ImportStatus.RUNNING, attempt=batch.attempt
    ).update(updated_at=timezone.now(), **fields)
    if not current:
        raise Aborted


def _validate(batch: ImportBatch, today: datetime.date) -> tuple[int, list[Any], dict[str, int]]:
    """Check every row, reading the file row by row: (rows, errors, the line of each
    registration number)."""
    errors: list[Any] = []
    seen: dict[str, int] = {}
    count = 0
    # The checked rows, kept for the writing (read and parsed once) up to KEEP_PARSED.
    kept: list[Any] | None = []
    with parsing.read_table(
        Path(batch.stored_path), batch.filename, encoding=batch.encoding
    ) as table:
        for line_number, values in table.rows:
            count += 1
            row = _check_row(batch, today, line_number, values, errors, seen)
            if kept is not None:
                kept = kept if count <= KEEP_PARSED else None
                if kept is not None and row is not None:
                    kept.append(row)
            if count % PROGRESS_EVERY == 0:
                _heartbeat(batch, processed_rows=count)
    batch._parsed_rows = kept if kept is not None and len(kept) == count else None  # type: ignore[attr-defined]
    batch.total_rows = count
    batch.processed_rows = count
    return count, errors, seen


def _check_row(
    batch: ImportBatch,
    today: datetime.date,
    line_number: int,
    values: Any,
    errors: list[Any],
    seen: dict[str, int],
) -> Any:
    """Record the problems of one row in ``errors``; flag duplicates. Returns the parsed
    row (None when it does not parse)."""
    result = parsing.parse_row(values, batch.mapping, line_number, today, headers=batch.headers)
    if isinstance(result, list):
        errors.extend(result)
        return None
    errors.extend(result.warnings)  # marked: they do not stop the import
    if (wali_problem := import_walis.wali_error(batch, result)) is not None:
        errors.append(wali_problem)
    first = seen.get(result.registration_number)
    if first is None:
        seen[result.registration_number] = line_number
        return result
    column = batch.mapping.get("registration_number")
    errors.append(
        parsing.RowError(
            line_number=line_number,
            column=batch.headers[column] if column is not None else "",
            field="registration_number",
            value=result.registration_raw,
            message=parsing.duplicate_message(first),
            name=result.name,
            registration_number=result.registration_number,
        )
    )
    return result


def _inmate_values(row: Any) -> dict[str, Any]:
    return {
        "name": row.name,
        "nik": row.nik,
        "birth_date": row.birth_date,
        "sex": row.sex,
        "religion": row.religion,
        "home_regency": row.home_regency,
        "register_class": row.register_class,
    }


def _sentence_values(row: Any, facts: Sequence[str]) -> dict[str, Any]:
    """A row's sentence values: its ``facts`` (:func:`fact_fields`) and the others."""
    term = row.term
    return {
        **{name: getattr(row, name) for name in facts},
        "crime_category": row.crime_category,
        "crime_text": row.crime_text[:200],
        "legal_articles": row.legal_articles[:200],
        "term_kind": term.kind,
        "term_years": term.years if term.kind == TermKind.FIXED else 0,
        "term_months": term.months if term.kind == TermKind.FIXED else 0,
        "term_days": term.days if term.kind == TermKind.FIXED else 0,
        "detention_start": row.detention_start,
        "remission_days": row.remission_days,
    }


def write_chunk() -> int:
    """The rows written per transaction (``WRITE_CHUNK``, else the database's default)."""
    if WRITE_CHUNK is not None:
        return WRITE_CHUNK
    return 5000 if import_copy.uses_copy() else 500


def _row_chunks(batch: ImportBatch, today: datetime.date) -> Iterator[list[Any]]:
    """The checked rows again, read from the stored file, :func:`write_chunk` at a time."""
    size = write_chunk()
    parsed: list[Any] | None = getattr(batch, "_parsed_rows", None)
    if parsed is not None:  # kept by _validate: not read again
        for start in range(0, len(parsed), size):
            yield parsed[start : start + size]
        return
    chunk: list[Any] = []
    with parsing.read_table(
        Path(batch.stored_path), batch.filename, encoding=batch.encoding
    ) as table:
        for line_number, values in table.rows:
            row = parsing.parse_row(
                values, batch.mapping, line_number, today, headers=batch.headers
            )
            if isinstance(row, list):  # valid a moment ago: the file changed under us
                raise RuntimeError(f"line {line_number} no longer reads as it was checked")
            chunk.append(row)
            if len(chunk) >= size:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def _snapshot(inmate: Inmate) -> dict[str, Any]:
    """An inmate's imported values before an import changes them (for the journal)."""
    sentence = getattr(inmate, "sentence", None)
    return {
        "inmate": {name: getattr(inmate, name) for name in INMATE_FIELDS},
        "sentence": (
            None
            if sentence is None
            else {name: getattr(sentence, name) for name in SNAPSHOT_FIELDS}
        ),
    }


class _Counts:
    def __init__(self) -> None:
        self.created = self.updated = self.unchanged = self.written = 0


class _Engine:
    """Computes each chunk's new people's dates and rights (``calculation.compute_new``):
    in ``ENGINE_WORKERS`` forked processes, started at the first chunk with new people,
    when they can be used (PostgreSQL, no transaction open: ``can_use_workers``), else in
    this process when the chunk is written. :meth:`submit` gives a function that returns
    the results."""

    def __init__(self) -> None:
        from sinergi.inmates.recalculation import can_use_workers

        self.parallel = ENGINE_WORKERS > 0 and import_copy.uses_copy() and can_use_workers()
        self._pool: Any = None

    def submit(
        self,
        people: list[tuple[dict[str, Any], datetime.date | None]],
        in_lpka: bool,
        today: datetime.date,
    ) -> Callable[[], list[NewComputed]]:
        if not people:
            return list
        if not self.parallel:
            return lambda: calculation.compute_new(people, in_lpka, today)
        if self._pool is None:
            # The processes are forked: none may share this process's connection.
            connections.close_all()
            self._pool = multiprocessing.get_context("fork").Pool(ENGINE_WORKERS)
        result = self._pool.apply_async(_compute_in_worker, (people, in_lpka, today))
        # A worker that dies (killed for memory) never answers: the import fails and is
        # undone rather than waiting for ever.
        return lambda: result.get(ENGINE_TIMEOUT_SECONDS)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None


def _compute_in_worker(
    people: list[tuple[dict[str, Any], datetime.date | None]],
    in_lpka: bool,
    today: datetime.date,
) -> list[NewComputed]:
    """``calculation.compute_new`` in a worker process (looked up there when called)."""
    return calculation.compute_new(people, in_lpka, today)


class _Planned(NamedTuple):
    """A chunk read against the database, not written yet: its rows still to write (each
    with its inmate's and sentence's values), the stored inmates among them, and the new
    people's computed sentences (a function: computed beside, or when called)."""

    chunk: list[Any]
    rows: list[tuple[Any, dict[str, Any], dict[str, Any]]]
    existing: dict[str, Inmate]
    computed: Callable[[], list[NewComputed]]


def _plan_chunk(
    batch: ImportBatch, chunk: list[Any], today: datetime.date, engine: _Engine
) -> _Planned:
    """Which rows of ``chunk`` are new or changed and which inmates they are; the new
    people's dates and rights handed to ``engine``."""
    fact_names = fact_fields(batch.mapping)
    # Each row with its inmate's and sentence's values, worked out once.
    rows = [(r, _inmate_values(r), _sentence_values(r, fact_names)) for r in chunk]
    with transaction.atomic():
        if import_copy.uses_copy():
            # Which rows are new or changed, decided in SQL: the others are not read.
            pending = import_copy.changed_numbers(
                batch.facility.pk, [(r.registration_number, i, s) for r, i, s in rows]
            )
            rows = [row for row in rows if row[0].registration_number in pending]
        existing = {
            i.registration_number: i
            for i in Inmate.objects.filter(
                facility=batch.facility,
                registration_number__in=[r.registration_number for r, _, _ in rows],
            ).select_related("sentence")
        }
    # A new inmate has no remisi, Register F or detention rows in Sinergi yet: the row
    # (and the facility: an LPKA's people are children) is the whole input.
    new = [(s, r.birth_date) for r, _, s in rows if r.registration_number not in existing]
    computed = engine.submit(new, batch.facility.kind == FacilityKind.LPKA, today)
    return _Planned(chunk, rows, existing, computed)


def _ahead(items: Iterator[_Planned], count: int) -> Iterator[_Planned]:
    """``items`` in order, each given once the ``count`` after it are made."""
    waiting: deque[_Planned] = deque(itertools.islice(items, count))
    for item in items:
        waiting.append(item)
        yield waiting.popleft()
    yield from waiting


def _write(batch: ImportBatch, today: datetime.date) -> None:
    """Write the checked rows, one short transaction per chunk. With the engine's worker
    processes, the next chunk is read and its new people computed while this one writes."""
    counts = _Counts()
    engine = _Engine()
    try:
        planned = (_plan_chunk(batch, c, today, engine) for c in _row_chunks(batch, today))
        for plan in _ahead(planned, 1 if engine.parallel else 0):
            with transaction.atomic():
                # First statement: takes the batch's row lock, so a retry waits for this
                # chunk.
                _heartbeat(batch, written_rows=counts.written)
                _write_chunk(batch, plan, today, counts)
                counts.written += len(plan.chunk)
    finally:
        engine.close()
    batch.written_rows = counts.written
    batch.created_count = counts.created
    batch.updated_count = counts.updated
    batch.unchanged_count = counts.unchanged


def _create_with_history(objs: list[Any], model: type[Any], by: User | None) -> list[Any]:
    """Insert new ``objs`` with a "+" history row each (change reason "import"): COPY and
    one ``INSERT … SELECT`` on PostgreSQL, ``bulk_create_with_history`` elsewhere."""
    if not import_copy.uses_copy():
        return bulk_create_with_history(
            objs, model, batch_size=500, default_user=by, default_change_reason="import"
        )
    import_copy.insert(objs)
    import_copy.insert_history(model, [o.pk for o in objs], by=by, reason="import")
    return objs


def _update_with_history(
    objs: list[Any], model: type[Any], fields: list[str], by: User | None
) -> None:
    """Store the changed ``fields`` of ``objs`` with a "~" history row each (change reason
    "import"): ``UPDATE … FROM`` a COPYed table and one ``INSERT … SELECT`` on
    PostgreSQL, ``bulk_update_with_history`` elsewhere (the same rows)."""
    if not import_copy.uses_copy():
        bulk_update_with_history(
            objs, model, fields, batch_size=500, default_user=by, default_change_reason="import"
        )
        return
    import_copy.update(objs, fields)
    import_copy.insert_history(model, [o.pk for o in objs], by=by, reason="import", kind="~")


def _write_chunk(batch: ImportBatch, plan: _Planned, today: datetime.date, counts: _Counts) -> None:
    by = batch.uploaded_by
    written_fields = sentence_fields(batch.mapping)
    touched: list[int] = []
    journal: list[ImportChange] = []
    chunk, rows, existing = plan.chunk, plan.rows, plan.existing
    counts.unchanged += len(chunk) - len(rows)
    new_rows: list[tuple[Any, dict[str, Any], dict[str, Any]]] = []
    changed_inmates: list[Inmate] = []
    changed_sentences: list[Sentence] = []
    missing_sentences: list[Sentence] = []
    for row, inmate_values, sentence_values in rows:
        inmate = existing.get(row.registration_number)
        if inmate is None:
            new_rows.append((row, inmate_values, sentence_values))
            continue
        inmate_changed = bool(audit.diff(inmate, inmate_values))
        sentence = getattr(inmate, "sentence", None)
        sentence_changed = sentence is None or bool(audit.diff(sentence, sentence_values))
        if not (inmate_changed or sentence_changed):
            counts.unchanged += 1
            continue
        journal.append(ImportChange(batch=batch, inmate=inmate, before=_snapshot(inmate)))
        if sentence is None:
            missing_sentences.append(Sentence(inmate=inmate, **sentence_values))
        else:
            if sentence_changed:
                for name, value in sentence_values.items():
                    setattr(sentence, name, value)
                changed_sentences.append(sentence)
        if inmate_changed:
            for name, value in inmate_values.items():
                setattr(inmate, name, value)
            changed_inmates.append(inmate)
        counts.updated += 1
        touched.append(inmate.pk)
    admitted_ids: list[int] = []
    if new_rows:
        # The dates and rights computed from the row alone (:func:`_plan_chunk`).
        write_new = _copy_new_people if import_copy.uses_copy() else _create_new_people
        admitted_ids = write_new(batch, new_rows, plan.computed(), by)
        counts.created += len(new_rows)
    if changed_inmates:
        _update_with_history(changed_inmates, Inmate, [*INMATE_FIELDS, "updated_at"], by)
    if missing_sentences:
        _create_with_history(missing_sentences, Sentence, by)
    if changed_sentences:
        _update_with_history(changed_sentences, Sentence, [*written_fields, "updated_at"], by)
    if import_copy.uses_copy():
        import_copy.insert(journal)
        # The new people's journal rows: (batch, inmate, created, before {}).
        import_copy.copy_rows(
            ImportChange,
            ["batch_id", "inmate_id", "created", "before"],
            ((batch.pk, pk, True, "{}") for pk in admitted_ids),
        )
    else:
        journal += [ImportChange(batch=batch, inmate_id=pk, created=True) for pk in admitted_ids]
        ImportChange.objects.bulk_create(journal, batch_size=1000)
    import_walis.apply(batch, chunk, by)
    recalculate(touched, today=today)
    actions.admitted(admitted_ids, by=by)


# A new person of a chunk: the row, its inmate's values and its sentence's values.
_NewRow = tuple[Any, dict[str, Any], dict[str, Any]]


def _new_inmate_values(
    batch: ImportBatch, row: Any, inmate_values: dict[str, Any]
) -> dict[str, Any]:
    return {
        "facility_id": batch.facility_id,
        "registration_number": row.registration_number,
        "admission_date": row.detention_start,
        **inmate_values,
    }


def _computed_sentence_values(
    sentence_values: dict[str, Any], dates: tuple[Any, ...]
) -> dict[str, Any]:
    return {**sentence_values, **dict(zip(calculation.SENTENCE_DATE_FIELDS, dates, strict=True))}


def _copy_new_people(
    batch: ImportBatch,
    new_rows: list[_NewRow],
    computed: list[NewComputed],
    by: User | None,
) -> list[int]:
    """PostgreSQL: the new people, their sentences (with the computed dates), rights and
    history rows written with COPY from plain values, no model instance per row (the same
    rows as :func:`_create_new_people`). The rights go first (their foreign key is checked
    at the commit): the person's insert trigger then finds them and stores
    ``Inmate.earliest_right`` with the row, where the rights' trigger would otherwise
    write every new person a second time. Returns the people's ids."""
    ids = import_copy.allocate(Inmate, len(new_rows))
    sentence_ids = import_copy.allocate(Sentence, len(new_rows))
    import_copy.insert_rights(
        right._replace(inmate_id=pk)
        for pk, (_, rights) in zip(ids, computed, strict=True)
        for right in rights
    )
    import_copy.insert_values(
        Inmate,
        [
            {"id": pk, **_new_inmate_values(batch, row, inmate_values)}
            for pk, (row, inmate_values, _) in zip(ids, new_rows, strict=True)
        ],
    )
    import_copy.insert_history(Inmate, ids, by=by, reason="import")
    import_copy.insert_values(
        Sentence,
        [
            {"id": sentence_pk, "inmate_id": pk, **_computed_sentence_values(values, dates)}
            for sentence_pk, pk, (_, _, values), (dates, _) in zip(
                sentence_ids, ids, new_rows, computed, strict=True
            )
        ],
    )
    import_copy.insert_history(Sentence, sentence_ids, by=by, reason="import")
    return ids


def _create_new_people(
    batch: ImportBatch,
    new_rows: list[_NewRow],
    computed: list[NewComputed],
    by: User | None,
) -> list[int]:
    """The new people, their sentences (with the computed dates), rights and history rows
    through the ORM. Returns the people's ids."""
    inmates = [
        Inmate(**_new_inmate_values(batch, row, inmate_values))
        for row, inmate_values, _ in new_rows
    ]
    created = _create_with_history(inmates, Inmate, by)
    # bulk_create_with_history returns objects with primary keys on both databases.
    by_number = {i.registration_number: i.pk for i in created}
    if any(pk is None for pk in by_number.values()):
        by_number = dict(
            Inmate.objects.filter(
                facility=batch.facility,
                registration_number__in=[row.registration_number for row, _, _ in new_rows],
            ).values_list("registration_number", "pk")
        )
    ids = [by_number[row.registration_number] for row, _, _ in new_rows]
    sentences = [
        Sentence(inmate_id=pk, **_computed_sentence_values(values, dates))
        for pk, (_, _, values), (dates, _) in zip(ids, new_rows, computed, strict=True)
    ]
    _create_with_history(sentences, Sentence, by)
    InmateRight.objects.bulk_create(
        [
            right._replace(inmate_id=pk).row()
            for pk, (_, rights) in zip(ids, computed, strict=True)
            for right in rights
        ],
        batch_size=1000,
    )
    return ids


def _restored(values: Mapping[str, Any]) -> dict[str, Any]:
    return {
        name: (
            datetime.date.fromisoformat(value)
            if name in DATE_FIELDS and isinstance(value, str)
            else value
        )
        for name, value in values.items()
    }


def _undo(batch: ImportBatch) -> int:
    """Undo what this import wrote, from its journal, in short transactions.

    A new inmate is deleted; a changed one gets back its values from before the import
    (with a history row saying so). Returns the number of inmates put back.
    """
    undone = 0
    by = batch.uploaded_by
    while True:
        with transaction.atomic():
            changes = list(
                ImportChange.objects.filter(batch=batch)
                .select_related("inmate", "inmate__sentence")
                .order_by("id")[: write_chunk()]
            )
            if not changes:
                return undone
            inmates: list[Inmate] = []
            sentences: list[Sentence] = []
            drop_sentences: list[int] = []
            for change in changes:
                if change.created:
                    continue
                inmate = change.inmate
                for name, value in _restored(change.before["inmate"]).items():
                    setattr(inmate, name, value)
                inmates.append(inmate)
                sentence = getattr(inmate, "sentence", None)
                if change.before.get("sentence") is None:
                    if sentence is not None:
                        drop_sentences.append(sentence.pk)
                elif sentence is not None:
                    for name, value in _restored(change.before["sentence"]).items():
                        setattr(sentence, name, value)
                    sentences.append(sentence)
            if inmates:
                bulk_update_with_history(
                    inmates,
                    Inmate,
                    [*INMATE_FIELDS, "updated_at"],
                    batch_size=500,
                    default_user=by,
                    default_change_reason="import undone",
                )
            if sentences:
                bulk_update_with_history(
                    sentences,
                    Sentence,
                    [*SNAPSHOT_FIELDS, "updated_at"],
                    batch_size=500,
                    default_user=by,
                    default_change_reason="import undone",
                )
            if drop_sentences:
                Sentence.objects.filter(pk__in=drop_sentences).delete()
            recalculate([i.pk for i in inmates])
            created = [c.inmate_id for c in changes if c.created]
            ImportChange.objects.filter(pk__in=[c.pk for c in changes]).delete()
            Inmate.objects.filter(pk__in=created).delete()
            undone += len(changes)


def _forget(batch: ImportBatch) -> None:
    """Drop the journal of an import that is done."""
    ImportChange.objects.filter(batch=batch).delete()


def stale_after() -> datetime.timedelta:
    return datetime.timedelta(minutes=int(settings.SINERGI_IMPORT_STALE_MINUTES))


def mark_interrupted(*, facilities: Iterable[Any] | None = None) -> list[ImportBatch]:
    """Mark running imports without progress for ``SINERGI_IMPORT_STALE_MINUTES`` as
    interrupted (their worker died), so that they can be retried. Returns them."""
    stale = ImportBatch.objects.filter(
        status=ImportStatus.RUNNING, updated_at__lt=timezone.now() - stale_after()
    )
    if facilities is not None:
        stale = stale.filter(facility__in=list(facilities))
    marked = []
    for batch in stale.select_related("facility"):
        with transaction.atomic():  # the status and its audit entry, or neither
            if not ImportBatch.objects.filter(
                pk=batch.pk, status=ImportStatus.RUNNING, attempt=batch.attempt
            ).update(status=ImportStatus.INTERRUPTED, updated_at=timezone.now()):
                continue
            batch.status = ImportStatus.INTERRUPTED
            audit.record(
                "import.interrupted",
                by=None,
                target=batch,
                facility=batch.facility,
                changes={"attempt": batch.attempt, "written": batch.written_rows},
            )
        marked.append(batch)
    return marked


def overdue_warnings(
    batch: ImportBatch, today: datetime.date, lines: Mapping[str, int]
) -> list[dict[str, Any]]:
    """A warning for each row of the file whose person is still in custody after their
    release date (the facility's ``today``), in the order of the file: the report's
    entries, marked ``"warning"`` so that they do not count as errors."""
    column = batch.mapping.get("registration_number")
    header = batch.headers[column] if column is not None and column < len(batch.headers) else ""
    found = [
        (lines[inmate.registration_number], inmate)
        for inmate in overdue_releases([batch.facility_id], today).only(
            "pk", "registration_number", "name"
        )
        if inmate.registration_number in lines
    ]
    warnings = []
    for line, inmate in sorted(found, key=lambda pair: pair[0])[:MAX_STORED_ERRORS]:
        days = days_overdue(inmate)
        warnings.append(
            {
                "line": line,
                "column": header,
                "field": "registration_number",
                "value": inmate.registration_number,
                "name": inmate.name,
                "registration_number": inmate.registration_number,
                "reason": ngettext(
                    "%(name)s: release date passed %(days)s day ago, still in custody",
                    "%(name)s: release date passed %(days)s days ago, still in custody",
                    days,
                )
                % {"name": inmate.name, "days": days},
                "warning": True,
                "days": days,
                "inmate": inmate.pk,
            }
        )
    return warnings


ImportListener = Callable[[ImportBatch], None]
_LISTENERS: list[ImportListener] = []


def register_import_listener(listener: ImportListener) -> None:
    """Let ``listener`` hear of each import that wrote records (called with the batch, in
    the transaction that records its outcome: use ``transaction.on_commit`` for work of
    its own), e.g. the indicators app re-checking the signed months the import revised."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


def unregister_import_listener(listener: ImportListener) -> None:
    if listener in _LISTENERS:
        _LISTENERS.remove(listener)


class _Rehearsed(Exception):
    """Rolls back a rehearsal (``_rehearse``)."""


def _rehearse(
    batch: ImportBatch, today: datetime.date, numbers: Mapping[str, int]
) -> list[dict[str, Any]]:
    """What the import would do, by the same code: the rows are written in a transaction
    that is then rolled back, so a check reports the counts (created, updated, unchanged)
    and the warnings of the real import (people it would leave held past their release
    date) and writes nothing but the batch's report."""
    warnings: list[dict[str, Any]] = []
    try:
        with transaction.atomic():
            _write(batch, today)
            warnings = overdue_warnings(batch, today, numbers)
            raise _Rehearsed
    except _Rehearsed:
        pass
    batch.written_rows = 0
    return warnings


def run_import(batch_id: int) -> ImportBatch:
    batch = ImportBatch.objects.select_related("facility", "uploaded_by").get(pk=batch_id)
    started = ImportBatch.objects.filter(
        pk=batch.pk, status__in=[ImportStatus.QUEUED, ImportStatus.FAILED]
    ).update(
        status=ImportStatus.RUNNING,
        attempt=F("attempt") + 1,
        message="",
        written_rows=0,
        updated_at=timezone.now(),
    )
    if not started:  # not waiting to run, or another worker took it
        return batch
    batch.refresh_from_db()
    today = batch.facility.today()
    try:
        _undo(batch)  # what an interrupted run wrote, if any
        with _collector_paused():
            count, found, numbers = _validate(batch, today)
        errors = [e for e in found if not e.warning]
        # Rows imported all the same, flagged for correction (a NIK that disagrees with
        # the sex): in the report beside the errors, or as the done import's warnings.
        row_warnings = [parsing.error_to_dict(e) for e in found if e.warning]
        if batch.full_export and count and not errors:
            # Before anything is written: who is held here but missing from the file
            # (listed for review, never changed by the import).
            batch.absent = custody.absent_from_export(batch.facility, numbers)
        if errors:
            batch.status = ImportStatus.INVALID
            batch.errors = [
                parsing.error_to_dict(e) for e in sorted(found, key=lambda e: e.line_number)
            ][:MAX_STORED_ERRORS]
            batch.message = f"{len(errors)}"
        elif count == 0:
            batch.status = ImportStatus.EMPTY
            batch.message = str(_no_rows())
        elif batch.dry_run:
            batch.errors = [*row_warnings, *_rehearse(batch, today, numbers)][:MAX_STORED_ERRORS]
            batch.status = ImportStatus.DONE
        else:
            # Say so before writing: the page then counts the rows written.
            batch.message = ImportBatch.WRITING
            _heartbeat(batch, processed_rows=batch.processed_rows, message=batch.message)
            try:
                with _kept_rows_set_aside():
                    _write(batch, today)
            except Aborted:
                raise
            except Exception:
                _undo(batch)
                raise
            _forget(batch)
            batch.message = ""
            batch.status = ImportStatus.DONE
            batch.errors = [*row_warnings, *overdue_warnings(batch, today, numbers)][
                :MAX_STORED_ERRORS
            ]
    except Aborted:
        # Marked interrupted (or retried) meanwhile: the current run owns the batch now.
        batch.refresh_from_db()
        return batch
    except parsing.ImportFileError as exc:
        batch.status = ImportStatus.FAILED
        batch.message = str(exc)
    except Exception as exc:  # recorded on the batch for the user, and logged
        log.exception("import %s failed", batch.pk)
        batch.status = ImportStatus.FAILED
        batch.message = f"{type(exc).__name__}: {exc}"
        if ImportChange.objects.filter(batch=batch).exists():
            # The undo failed too: some rows stay written until a retry undoes them.
            batch.status = ImportStatus.INTERRUPTED
    batch.finished_at = timezone.now()
    with transaction.atomic():  # the outcome and its audit entry, or neither
        batch.save()
        audit.record(
            "import.finish",
            by=batch.uploaded_by,
            target=batch,
            facility=batch.facility,
            changes={
                "status": batch.status,
                "rows": batch.total_rows,
                "created": batch.created_count,
                "updated": batch.updated_count,
                "unchanged": batch.unchanged_count,
                "errors": sum(1 for e in batch.errors if not e.get("warning")),
                "warnings": sum(1 for e in batch.errors if e.get("warning")),
            },
        )
        if (
            batch.status == ImportStatus.DONE
            and not batch.dry_run
            and batch.created_count + batch.updated_count
        ):
            for listener in _LISTENERS:
                listener(batch)
    return batch
