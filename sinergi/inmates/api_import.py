"""Inmate imports from SDP exports in the API (the importer and ``actions`` hold the rules).

``POST /api/v1/inmate-imports`` takes the export as a multipart upload (``file``;
``facility``, the facility's code, when the caller imports for more than one;
``dry_run``: check only; ``full_export``: the file lists everyone in custody at the
facility, so the people in custody missing from it are listed in ``absent`` for review,
never changed; ``encoding``) and answers the stored import; ``GET …/{batch_id}`` reads
it again (its report, ``absent`` included); ``POST …/{batch_id}/import`` imports a file
whose check found every row valid. The program officers and heads of the facility only,
as on the import pages: anyone else is refused (403), another facility's import is not
found (404)."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from sinergi.core import audit
from sinergi.core.api import PageNumber, api_user, errors
from sinergi.core.permissions import has_perm
from sinergi.inmates import actions, column_guess, importer, parsing
from sinergi.inmates.choices import ImportStatus
from sinergi.inmates.models import ImportBatch
from sinergi.orgs.models import Facility

router = Router(tags=["inmates"])


class AbsentOut(Schema):
    inmate: int = Field(description="the person's id (GET /api/v1/inmates/{inmate_id})")
    registration_number: str
    name: str


class ImportOut(Schema):
    id: int
    facility: str
    filename: str
    status: str
    dry_run: bool = Field(description="check only: nothing written")
    full_export: bool = Field(description="the file is a full export of the facility")
    created_at: datetime.datetime
    uploaded_by: str | None
    total_rows: int
    processed_rows: int = Field(description="rows checked so far (while the import runs)")
    written_rows: int = Field(
        description="rows written so far: with total_rows, the progress of the writing"
    )
    created_count: int
    updated_count: int
    unchanged_count: int
    message: str

    @staticmethod
    def resolve_facility(obj: ImportBatch) -> str:
        return obj.facility.code

    @staticmethod
    def resolve_uploaded_by(obj: ImportBatch) -> str | None:
        return obj.uploaded_by.username if obj.uploaded_by is not None else None


class ProblemOut(Schema):
    line: int = Field(description="the line of the file, as a spreadsheet numbers it")
    name: str = Field("", description="the person of the row, as the file names them")
    registration_number: str = Field("", description="the row's registration number")
    column: str = Field(description="the column's header in the file")
    value: str
    reason: str
    warning: bool = Field(
        False, description="a warning: the row is imported all the same, to be corrected"
    )


class ImportDetailOut(ImportOut):
    absent: list[AbsentOut] = Field(
        description="full export only: people in custody in Sinergi missing from the file, "
        "to review (released? transferred?); the import does not change them"
    )
    mapping: dict[str, int] = Field(description="field -> column index (from 0) in the file")
    problems: list[ProblemOut] = Field(
        description="what is wrong, row by row (naming the person), and the warnings; the "
        "first 200 (the report CSV on the import page has them all)"
    )

    @staticmethod
    def resolve_problems(obj: ImportBatch) -> list[dict[str, Any]]:
        return [
            {"warning": False, "name": "", "registration_number": "", **e} for e in obj.errors[:200]
        ]


class MappingColumnOut(Schema):
    index: int
    header: str


class MappingFieldOut(Schema):
    field: str = Field(description="the field's key (e.g. registration_number)")
    header: str = Field(description="the standard SDP header of the field")
    required: bool
    column: int | None = Field(description="the column the import reads it from, if any")
    suggested: int | None = Field(
        description="the column suggested by its values (dates, NIKs, terms) when its header "
        "was not recognised; applied only when you send it"
    )


class MappingOut(Schema):
    status: str
    columns: list[MappingColumnOut]
    fields: list[MappingFieldOut]
    rows: list[list[str]] = Field(description="the first rows of the file, as text")


class MappingIn(Schema):
    mapping: dict[str, int] = Field(
        description="field -> column index (from 0); every required field needs a column"
    )


def _facilities(user: Any) -> list[Facility]:
    return [
        f for f in Facility.objects.writable_by(user) if has_perm(user, "inmates.import_inmates", f)
    ]


def _refuse_outsiders(user: Any) -> list[Facility]:
    facilities = _facilities(user)
    if not facilities:
        raise PermissionDenied(
            _("Only the facility's program officers and head import its inmates.")
        )
    return facilities


def _imports(facilities: list[Facility]) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(facility__in=facilities).select_related(
        "facility", "uploaded_by"
    )


def _one(request: HttpRequest, pk: int) -> ImportBatch:
    found: ImportBatch = get_object_or_404(_imports(_refuse_outsiders(api_user(request))), pk=pk)
    return found


def _detail(request: HttpRequest, batch: ImportBatch) -> ImportBatch:
    if batch.absent or batch.errors:  # people named: a read of personal data
        audit.read(request, "import.view", target=batch)
    return batch


@router.post(
    "/inmate-imports",
    response={201: ImportDetailOut, **errors(400, 401, 403, 404, 422)},
    summary="Upload an SDP inmate export (multipart): checked, then imported unless dry_run",
)
def create_import(
    request: HttpRequest,
    file: File[UploadedFile | None] = None,
    facility: Form[str] = "",
    dry_run: Form[bool] = False,
    full_export: Form[bool] = False,
    encoding: Form[str] = "",
) -> Status:
    facilities = _refuse_outsiders(api_user(request))
    if file is None:
        raise DjangoValidationError({"file": [_("Choose a file.")]})
    if facility:
        chosen = next((f for f in facilities if f.code == facility), None)
        if chosen is None:
            raise Http404  # outside the caller's scope
    else:
        chosen = facilities[0]
    name = file.name or ""
    if not name.lower().endswith((".csv", ".xlsx")):
        raise DjangoValidationError({"file": [_("Upload a .csv or .xlsx file.")]})
    try:
        batch = importer.start_import(
            facility=chosen,
            upload=file,
            filename=name,
            by=api_user(request),
            dry_run=dry_run,
            encoding=encoding,
            full_export=full_export,
        )
    except parsing.ImportFileError as exc:
        raise DjangoValidationError({"file": [exc.message]}) from None
    return Status(201, _detail(request, _one(request, batch.pk)))


@router.get(
    "/inmate-imports",
    response={200: list[ImportOut], **errors(401, 422)},
    summary="The inmate imports of your facilities, latest first",
)
@paginate(PageNumber)
def list_imports(request: HttpRequest) -> QuerySet[ImportBatch]:
    return _imports(_facilities(api_user(request))).order_by("-created_at", "-id")


@router.get(
    "/inmate-imports/{batch_id}",
    response={200: ImportDetailOut, **errors(401, 403, 404, 422)},
    summary="One inmate import: its status, counts and, for a full export, who is missing",
)
def get_import(request: HttpRequest, batch_id: int) -> ImportBatch:
    return _detail(request, _one(request, batch_id))


@router.post(
    "/inmate-imports/{batch_id}/import",
    response={201: ImportDetailOut, **errors(401, 403, 404, 409, 422)},
    summary="Import a file whose check found every row valid (409 otherwise)",
)
def import_checked(request: HttpRequest, batch_id: int) -> Status:
    batch = _one(request, batch_id)
    imported = actions.import_checked(batch=batch, by=api_user(request))
    return Status(201, _detail(request, _one(request, imported.pk)))


@router.get(
    "/inmate-imports/{batch_id}/mapping",
    response={200: MappingOut, **errors(401, 403, 404, 422)},
    summary="The file's columns, its first rows, and the column of each field (recognised "
    "by its header or suggested by its values)",
)
def get_mapping(request: HttpRequest, batch_id: int) -> dict[str, Any]:
    batch = _one(request, batch_id)
    rows = importer.first_rows(batch, column_guess.SAMPLE_ROWS)
    waiting = batch.status == ImportStatus.MAPPING
    suggested = importer.suggested_mapping(batch, rows) if waiting else {}
    audit.read(request, "import.view", target=batch)  # the rows name people
    return {
        "status": batch.status,
        "columns": [{"index": i, "header": h} for i, h in enumerate(batch.headers)],
        "fields": [
            {
                "field": spec.key,
                "header": spec.header,
                "required": spec.required,
                "column": batch.mapping.get(spec.key),
                "suggested": suggested.get(spec.key),
            }
            for spec in parsing.FIELDS
        ],
        "rows": [[parsing.cell_text(v) for v in row] for row in rows[:5]],
    }


@router.put(
    "/inmate-imports/{batch_id}/mapping",
    response={200: ImportDetailOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Choose the columns of an import waiting for its mapping (kept with the import, "
    "remembered for the facility, audited), which then runs (409 when not waiting)",
)
def set_mapping(request: HttpRequest, batch_id: int, payload: MappingIn) -> ImportBatch:
    batch = _one(request, batch_id)
    actions.set_import_mapping(batch=batch, mapping=payload.mapping, by=api_user(request))
    return _detail(request, _one(request, batch_id))
