"""Importing SDP exports: validate every row first, then write in batches, or nothing.

1. ``start_import`` stores the upload and recognises its headers. When a required column
   is not recognised, and the facility's remembered mapping does not fit, the batch waits
   for the column-mapping step; otherwise the import task is queued.
2. ``run_import`` (a background task in production) parses and validates every row,
   reporting progress. Any invalid row: the batch is rejected, nothing is written, and
   the report names each bad row (line, column, reason).
3. Otherwise, in one transaction: existing inmates are matched on the normalised
   registration number (one query per 1,000 rows), new ones are bulk-created, changed ones
   bulk-updated with a history row each, unchanged ones left alone; then the key dates and
   rights of the new and changed inmates are recomputed in bulk.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from sinergi.accounts.models import User
from sinergi.core import audit
from sinergi.inmates import parsing
from sinergi.inmates.actions import admitted, apply_calculation, recalculate
from sinergi.inmates.choices import ImportStatus, TermKind
from sinergi.inmates.models import ColumnMapping, ImportBatch, Inmate, InmateRight, Sentence

log = logging.getLogger(__name__)

BATCH = 1000
PROGRESS_EVERY = 2000
MAX_STORED_ERRORS = 5000

INMATE_FIELDS = [
    "name",
    "nik",
    "birth_date",
    "sex",
    "religion",
    "home_regency",
    "register_class",
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


def import_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _store(upload: IO[bytes], filename: str) -> Path:
    suffix = Path(filename).suffix.lower()
    target = import_dir() / f"{uuid.uuid4().hex}{suffix}"
    with target.open("wb") as out:
        for chunk in iter(lambda: upload.read(1 << 20), b""):
            out.write(chunk)
    return target


def _mapping_from_remembered(facility: Any, headers: list[str]) -> dict[str, int]:
    """The facility's last mapping (field -> header text), applied to these headers."""
    remembered = ColumnMapping.objects.filter(facility=facility).first()
    if remembered is None:
        return {}
    positions = {h.strip().lower(): i for i, h in enumerate(headers)}
    mapping = {}
    for field, header in remembered.mapping.items():
        index = positions.get(str(header).strip().lower())
        if index is not None:
            mapping[field] = index
    return mapping


def start_import(
    *,
    facility: Any,
    upload: IO[bytes],
    filename: str,
    by: User | None,
    dry_run: bool = False,
) -> ImportBatch:
    """Store the file, recognise its columns, and queue the import (or ask for a mapping)."""
    path = _store(upload, filename)
    try:
        with parsing.read_table(path, filename) as table:
            headers = [str(h) for h in table.headers]
    except parsing.ImportFileError:
        path.unlink(missing_ok=True)
        raise
    mapping = parsing.recognise_headers(headers)
    if parsing.missing_required(mapping):
        mapping = {**_mapping_from_remembered(facility, headers), **mapping}
    batch = ImportBatch.objects.create(
        facility=facility,
        uploaded_by=by,
        filename=Path(filename).name[:255],
        stored_path=str(path),
        headers=headers,
        mapping=mapping,
        dry_run=dry_run,
        status=ImportStatus.MAPPING if parsing.missing_required(mapping) else ImportStatus.QUEUED,
    )
    audit.record(
        "import.upload",
        by=by,
        target=batch,
        facility=facility,
        changes={"filename": batch.filename, "dry_run": dry_run},
    )
    if batch.status == ImportStatus.QUEUED:
        enqueue(batch)
    return batch


def import_checked(*, batch: ImportBatch, by: User | None) -> ImportBatch:
    """Import a file whose check ("check only") found every row valid, without uploading
    it again: a new import of the same stored file, which checks the rows again."""
    from sinergi.core.api import Conflict

    if not (batch.dry_run and batch.status == ImportStatus.DONE):
        raise Conflict(
            _("Only a file whose check found every row valid can be imported from here."),
            code="not_checked",
        )
    if not Path(batch.stored_path).exists():
        raise Conflict(_("The checked file is no longer stored: upload it again."), code="gone")
    imported = ImportBatch.objects.create(
        facility=batch.facility,
        uploaded_by=by,
        filename=batch.filename,
        stored_path=batch.stored_path,
        headers=batch.headers,
        mapping=batch.mapping,
        status=ImportStatus.QUEUED,
    )
    audit.record(
        "import.upload",
        by=by,
        target=imported,
        facility=batch.facility,
        changes={"filename": imported.filename, "dry_run": False, "checked_by_import": batch.pk},
    )
    enqueue(imported)
    return imported


def set_mapping(*, batch: ImportBatch, mapping: Mapping[str, int], by: User) -> ImportBatch:
    """Apply a column mapping chosen by the user, remember it for the facility, and queue."""
    if batch.status != ImportStatus.MAPPING:
        from sinergi.core.api import Conflict

        raise Conflict("This import is not waiting for a column mapping.", code="not_mapping")
    batch.mapping = {k: int(v) for k, v in mapping.items()}
    batch.status = ImportStatus.QUEUED
    batch.save(update_fields=["mapping", "status", "updated_at"])
    ColumnMapping.objects.update_or_create(
        facility=batch.facility,
        defaults={"mapping": {k: batch.headers[v] for k, v in batch.mapping.items()}},
    )
    audit.record("import.mapping", by=by, target=batch, changes={"mapping": batch.mapping})
    enqueue(batch)
    return batch


def enqueue(batch: ImportBatch) -> None:
    transaction.on_commit(lambda: run_import_task.enqueue(batch.pk))


@task()
def run_import_task(batch_id: int) -> None:
    run_import(batch_id)


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _validate(batch: ImportBatch, today: datetime.date) -> tuple[list[Any], list[Any]]:
    rows: list[Any] = []
    errors: list[Any] = []
    seen: dict[str, int] = {}
    count = 0
    with parsing.read_table(Path(batch.stored_path), batch.filename) as table:
        for line_number, values in table.rows:
            count += 1
            _check_row(batch, today, line_number, values, rows, errors, seen)
            if count % PROGRESS_EVERY == 0:
                ImportBatch.objects.filter(pk=batch.pk).update(processed_rows=count)
    batch.total_rows = count
    batch.processed_rows = count
    return rows, errors


def _check_row(
    batch: ImportBatch,
    today: datetime.date,
    line_number: int,
    values: Any,
    rows: list[Any],
    errors: list[Any],
    seen: dict[str, int],
) -> None:
    """Parse one row into ``rows``, or its problems into ``errors``; flag duplicates."""
    result = parsing.parse_row(values, batch.mapping, line_number, today, headers=batch.headers)
    if isinstance(result, list):
        errors.extend(result)
        return
    first = seen.get(result.registration_number)
    if first is None:
        seen[result.registration_number] = line_number
        rows.append(result)
        return
    column = batch.mapping.get("registration_number")
    errors.append(
        parsing.RowError(
            line_number=line_number,
            column=batch.headers[column] if column is not None else "",
            field="registration_number",
            value=result.registration_raw,
            message=parsing.duplicate_message(first),
        )
    )


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


def _sentence_values(row: Any) -> dict[str, Any]:
    term = row.term
    return {
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


def _write(batch: ImportBatch, rows: list[Any]) -> None:
    facility = batch.facility
    by = batch.uploaded_by
    touched: list[int] = []
    new_rights: list[InmateRight] = []
    admitted_ids: list[int] = []
    today = batch.facility.today()
    created = updated = unchanged = 0
    for chunk in _chunks(rows, BATCH):
        numbers = [r.registration_number for r in chunk]
        existing = {
            i.registration_number: i
            for i in Inmate.objects.filter(
                facility=facility, registration_number__in=numbers
            ).select_related("sentence")
        }
        new_inmates: list[Inmate] = []
        new_rows: list[Any] = []
        changed_inmates: list[Inmate] = []
        changed_sentences: list[Sentence] = []
        missing_sentences: list[Sentence] = []
        for row in chunk:
            inmate = existing.get(row.registration_number)
            inmate_values = _inmate_values(row)
            sentence_values = _sentence_values(row)
            if inmate is None:
                new_inmates.append(
                    Inmate(
                        facility=facility,
                        registration_number=row.registration_number,
                        admission_date=row.detention_start,
                        **inmate_values,
                    )
                )
                new_rows.append(row)
                continue
            inmate_changed = bool(audit.diff(inmate, inmate_values))
            sentence = getattr(inmate, "sentence", None)
            if sentence is None:
                missing_sentences.append(Sentence(inmate=inmate, **sentence_values))
                sentence_changed = True
            else:
                sentence_changed = bool(audit.diff(sentence, sentence_values))
                if sentence_changed:
                    for name, value in sentence_values.items():
                        setattr(sentence, name, value)
                    changed_sentences.append(sentence)
            if inmate_changed:
                for name, value in inmate_values.items():
                    setattr(inmate, name, value)
                changed_inmates.append(inmate)
            if inmate_changed or sentence_changed:
                updated += 1
                touched.append(inmate.pk)
            else:
                unchanged += 1
        if new_inmates:
            created_rows = bulk_create_with_history(
                new_inmates,
                Inmate,
                batch_size=500,
                default_user=by,
                default_change_reason="import",
            )
            # bulk_create_with_history returns objects with primary keys on both databases.
            by_number = {i.registration_number: i for i in created_rows}
            if any(i.pk is None for i in created_rows):
                by_number = {
                    i.registration_number: i
                    for i in Inmate.objects.filter(
                        facility=facility,
                        registration_number__in=[r.registration_number for r in new_rows],
                    )
                }
            # A new inmate has no remisi or Register F rows in Sinergi yet: the row is the
            # whole input, so the dates and rights are computed before the insert.
            for row in new_rows:
                sentence = Sentence(
                    inmate=by_number[row.registration_number], **_sentence_values(row)
                )
                new_rights += apply_calculation(sentence, [], None, today)
                missing_sentences.append(sentence)
            created += len(new_inmates)
            admitted_ids.extend(i.pk for i in by_number.values())
        if changed_inmates:
            bulk_update_with_history(
                changed_inmates,
                Inmate,
                [*INMATE_FIELDS, "updated_at"],
                batch_size=500,
                default_user=by,
                default_change_reason="import",
            )
        if missing_sentences:
            bulk_create_with_history(
                missing_sentences,
                Sentence,
                batch_size=500,
                default_user=by,
                default_change_reason="import",
            )
        if changed_sentences:
            bulk_update_with_history(
                changed_sentences,
                Sentence,
                [*SENTENCE_FIELDS, "updated_at"],
                batch_size=500,
                default_user=by,
                default_change_reason="import",
            )
        if new_rights:
            InmateRight.objects.bulk_create(new_rights, batch_size=1000)
            new_rights = []
    recalculate(touched, today=today)
    admitted(admitted_ids)
    batch.created_count = created
    batch.updated_count = updated
    batch.unchanged_count = unchanged


def run_import(batch_id: int) -> ImportBatch:
    batch = ImportBatch.objects.select_related("facility", "uploaded_by").get(pk=batch_id)
    if batch.status not in {ImportStatus.QUEUED, ImportStatus.FAILED}:
        return batch
    batch.status = ImportStatus.RUNNING
    batch.save(update_fields=["status", "updated_at"])
    today = batch.facility.today()
    try:
        rows, errors = _validate(batch, today)
        if errors:
            batch.status = ImportStatus.INVALID
            batch.errors = [parsing.error_to_dict(e) for e in errors[:MAX_STORED_ERRORS]]
            batch.message = f"{len(errors)}"
        elif batch.dry_run:
            existing = set(
                Inmate.objects.filter(facility=batch.facility).values_list(
                    "registration_number", flat=True
                )
            )
            batch.created_count = sum(r.registration_number not in existing for r in rows)
            batch.status = ImportStatus.DONE
        else:
            # Say so before the transaction: its progress cannot be seen from outside.
            batch.message = ImportBatch.WRITING
            ImportBatch.objects.filter(pk=batch.pk).update(
                processed_rows=batch.processed_rows, message=batch.message
            )
            with transaction.atomic():
                _write(batch, rows)
            batch.message = ""
            batch.status = ImportStatus.DONE
    except parsing.ImportFileError as exc:
        batch.status = ImportStatus.FAILED
        batch.message = str(exc)
    except Exception as exc:  # recorded on the batch for the user, and logged
        log.exception("import %s failed", batch.pk)
        batch.status = ImportStatus.FAILED
        batch.message = f"{type(exc).__name__}: {exc}"
    batch.finished_at = timezone.now()
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
            "errors": len(batch.errors),
        },
    )
    return batch
