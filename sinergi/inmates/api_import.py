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
from sinergi.inmates import actions, importer, parsing
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


class ImportDetailOut(ImportOut):
    absent: list[AbsentOut] = Field(
        description="full export only: people in custody in Sinergi missing from the file, "
        "to review (released? transferred?); the import does not change them"
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
    if batch.absent:  # names of people in custody: a read of person-level data
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
