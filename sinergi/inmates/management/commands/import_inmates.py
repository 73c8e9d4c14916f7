from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sinergi.inmates import importer, parsing
from sinergi.inmates.choices import ImportStatus
from sinergi.orgs.models import Facility


class Command(BaseCommand):
    help = (
        "Import inmates from an SDP export (CSV or XLSX) into the facility with code CODE. "
        "Every row is checked first; one bad row means nothing is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the CSV or XLSX export")
        parser.add_argument("--facility", required=True, help="facility code, e.g. selong")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument(
            "--full-export",
            action="store_true",
            help=(
                "the file is a full export: list the people in custody missing from it "
                "(checked only: import the checked file from its import page)"
            ),
        )
        parser.add_argument(
            "--encoding",
            choices=["", *parsing.LEGACY_ENCODINGS],
            default="",
            help=(
                "a CSV that is not UTF-8 is refused; name its encoding if you know it was "
                "saved in the old Windows encoding (cp1252)"
            ),
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=HEADER",
            help="column for a field whose header is not recognised, e.g. name='Nama Lengkap'",
        )

    def handle(
        self,
        *args: Any,
        file: str,
        facility: str,
        dry_run: bool,
        map: list[str],
        encoding: str = "",
        full_export: bool = False,
        **options: Any,
    ) -> None:
        try:
            target = Facility.objects.get(code=facility)
        except Facility.DoesNotExist:
            codes = ", ".join(Facility.objects.values_list("code", flat=True)[:20])
            raise CommandError(
                f"No facility with code {facility!r}. Known codes: {codes}"
            ) from None
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file at {file}")
        with path.open("rb") as upload:
            try:
                batch = importer.start_import(
                    facility=target,
                    upload=upload,
                    filename=path.name,
                    by=None,
                    dry_run=dry_run,
                    encoding=encoding,
                    full_export=full_export,
                )
            except parsing.ImportFileError as exc:
                raise CommandError(str(exc)) from None
        if batch.status == ImportStatus.MAPPING:
            mapping = dict(batch.mapping)
            positions: dict[str, int] = {}
            for i, h in enumerate(batch.headers):
                positions.setdefault(parsing.normalise_header(h), i)
            for item in map:
                field, _sep, header = item.partition("=")
                if parsing.normalise_header(header) not in positions:
                    raise CommandError(f"No column {header!r} in the file (--map {item})")
                mapping[field.strip()] = positions[parsing.normalise_header(header)]
            missing = parsing.missing_required(mapping)
            if missing:
                wanted = ", ".join(parsing.header_for(k) for k in missing)
                raise CommandError(
                    f"Required columns not recognised: {wanted}. Headers in the file: "
                    f"{', '.join(batch.headers)}. Name them with --map FIELD=HEADER "
                    f"(fields: {', '.join(missing)}) or use the upload page."
                )
            batch.mapping = mapping
            batch.status = ImportStatus.QUEUED
            batch.save(update_fields=["mapping", "status", "updated_at"])
        batch.refresh_from_db()
        if batch.status == ImportStatus.QUEUED:
            batch = importer.run_import(batch.pk)
        self._report(batch)

    @staticmethod
    def _line(error: Any) -> str:
        person = " ".join(
            part for part in (error.get("name", ""), error.get("registration_number", "")) if part
        )
        return (
            f"line {error['line']}{f' ({person})' if person else ''}, {error['column']}: "
            f"{error['reason']} ({error['value']!r})"
        )

    def _report(self, batch: Any) -> None:
        if batch.status == ImportStatus.INVALID:
            problems = [e for e in batch.errors if not e.get("warning")]
            for error in batch.errors:
                self.stderr.write(("warning: " if error.get("warning") else "") + self._line(error))
            raise CommandError(
                f"{len(problems)} problem(s) in {batch.total_rows} rows: nothing was imported."
            )
        if batch.status == ImportStatus.FAILED:
            raise CommandError(f"The import failed and nothing was written: {batch.message}")
        if batch.status == ImportStatus.EMPTY:
            raise CommandError(f"Nothing was imported: {batch.message}")
        if batch.status == ImportStatus.INTERRUPTED:
            raise CommandError(
                f"The import stopped part-way ({batch.message}); what it wrote is undone "
                f"when it is tried again from the import page (import {batch.pk})."
            )
        verb = "would create" if batch.dry_run else "created"
        self.stdout.write(
            self.style.SUCCESS(
                f"{batch.total_rows} rows: {verb} {batch.created_count}, updated "
                f"{batch.updated_count}, unchanged {batch.unchanged_count}."
                + (" Dry run: nothing was written." if batch.dry_run else "")
                + (
                    f" A full export is checked first: review it, then import it from "
                    f"{batch.get_absolute_url()}"
                    if batch.full_export
                    else ""
                )
            )
        )
        for warning in batch.errors:
            self.stdout.write("warning: " + self._line(warning))
        for person in batch.absent:
            self.stdout.write(
                f"in custody, not in the file (review: released? transferred?): "
                f"{person['registration_number']} {person['name']}"
            )
