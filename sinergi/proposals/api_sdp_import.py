"""Proposal statuses from an SDP export in the API (``sdp_import.py`` holds the rules).

``POST /api/v1/proposal-imports`` takes the export as a multipart upload (``file``, and
``facility``: the facility's code when the caller imports for more than one) and answers
the preview, stored, with nothing else written; ``GET …/{id}/rows`` lists what each row
would do (or did); ``POST …/{id}/confirm`` applies it in one transaction. The program
officers and heads of the facility only: anyone else is refused (403), another
facility's import is not found (404)."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from sinergi.core import audit
from sinergi.core.api import PageNumber, api_user, errors
from sinergi.core.permissions import has_perm
from sinergi.inmates import parsing
from sinergi.orgs.models import Facility
from sinergi.proposals import actions, sdp_import
from sinergi.proposals.models_sdp_import import SdpImport, SdpImportRow, SdpRowOutcome

router = Router(tags=["proposals"])


class SdpImportOut(Schema):
    id: int
    facility: str
    filename: str
    status: str = Field(description="preview (nothing written yet) or applied")
    created_at: datetime.datetime
    uploaded_by: str | None
    confirmed_at: datetime.datetime | None
    confirmed_by: str | None
    total_rows: int
    update_count: int = Field(description="rows that update a proposal (or will)")
    unchanged_count: int
    not_found_count: int
    conflict_count: int
    error_count: int
    needs_head_count: int = Field(
        description="rows that record a sending or a decision: only the facility's head may"
        " confirm an import that has any (403 for anyone else, naming the rows)"
    )

    @staticmethod
    def resolve_facility(obj: SdpImport) -> str:
        return obj.facility.code

    @staticmethod
    def resolve_uploaded_by(obj: SdpImport) -> str | None:
        return obj.uploaded_by.username if obj.uploaded_by is not None else None

    @staticmethod
    def resolve_confirmed_by(obj: SdpImport) -> str | None:
        return obj.confirmed_by.username if obj.confirmed_by is not None else None


class SdpImportRowOut(Schema):
    line: int = Field(description="the row's line in the file")
    registration_number: str
    name: str
    right_text: str = Field(description="the right as the file writes it")
    right: str
    sdp_reference: str
    sdp_status: str = Field(description="the status as the file writes it")
    stage: str = Field(description="the stage SDP's status means in Sinergi")
    outcome: SdpRowOutcome
    message: str = Field(description="the reason for the outcome, in the caller's language")
    reason_code: str = Field(
        description="the reason as a code (`steps`: several, in `reason_params.steps`;"
        " `text`: worded by an action, in `reason_params.text`)"
    )
    reason_params: dict[str, Any] = Field(description="the reason's parameters")
    needs_head: bool = Field(
        description="the row records a sending or a decision: only the head confirms it"
    )
    proposal_id: int | None
    from_stage: str
    to_stage: str
    started: bool

    @staticmethod
    def resolve_message(obj: SdpImportRow) -> str:
        return sdp_import.row_reason(obj)


class SdpImportRowFilters(Schema):
    outcome: SdpRowOutcome | None = None


def _facilities(user: Any) -> list[Facility]:
    return [f for f in Facility.objects.writable_by(user) if has_perm(user, actions.IMPORT_SDP, f)]


def _imports(request: HttpRequest) -> QuerySet[SdpImport]:
    return sdp_import.imports_for(api_user(request)).select_related(
        "facility", "uploaded_by", "confirmed_by"
    )


def _one(request: HttpRequest, pk: int) -> SdpImport:
    found: SdpImport = get_object_or_404(_imports(request), pk=pk)
    return found


@router.post(
    "/proposal-imports",
    response={201: SdpImportOut, **errors(400, 401, 403, 404, 422)},
    summary="Upload an SDP proposal export (multipart): the preview, nothing else written",
)
def create_import(
    request: HttpRequest,
    file: File[UploadedFile | None] = None,
    facility: Form[str] = "",
) -> Status:
    user = api_user(request)
    facilities = _facilities(user)
    if not facilities:
        raise PermissionDenied(str(actions.PERMISSION_MESSAGES[actions.IMPORT_SDP]))
    if file is None:
        raise DjangoValidationError({"file": [_("Choose a file.")]})
    if facility:
        chosen = next((f for f in facilities if f.code == facility), None)
        if chosen is None:
            raise Http404  # outside the caller's scope
    else:
        chosen = facilities[0]
    try:
        batch = sdp_import.preview(facility=chosen, upload=file, filename=file.name or "", by=user)
    except parsing.ImportFileError as exc:
        raise DjangoValidationError({"file": [exc.message]}) from None
    return Status(201, _one(request, batch.pk))


@router.get(
    "/proposal-imports",
    response={200: list[SdpImportOut], **errors(401, 422)},
    summary="The SDP proposal imports of your facilities, latest first",
)
@paginate(PageNumber)
def list_imports(request: HttpRequest) -> QuerySet[SdpImport]:
    return _imports(request).order_by("-created_at", "-id")


@router.get(
    "/proposal-imports/{import_id}",
    response={200: SdpImportOut, **errors(401, 404, 422)},
    summary="One SDP proposal import: its status and counts",
)
def get_import(request: HttpRequest, import_id: int) -> SdpImport:
    return _one(request, import_id)


@router.get(
    "/proposal-imports/{import_id}/rows",
    response={200: list[SdpImportRowOut], **errors(401, 404, 422)},
    summary="The rows of an import with their outcome and reason (filter: outcome)",
)
@paginate(PageNumber)
def list_rows(
    request: HttpRequest, import_id: int, filters: Query[SdpImportRowFilters]
) -> QuerySet[SdpImportRow]:
    batch = _one(request, import_id)
    rows = batch.rows.order_by("line", "id")
    if filters.outcome:
        rows = rows.filter(outcome=filters.outcome)
    audit.read_list(request, "proposal.sdp_import.view", facility=batch.facility_id)
    return rows


@router.post(
    "/proposal-imports/{import_id}/confirm",
    response={200: SdpImportOut, **errors(401, 403, 404, 409, 422)},
    summary=(
        "Apply a previewed import (409 once applied; 403 naming the rows when it records a"
        " sending or a decision and the caller is not the facility's head)"
    ),
)
def confirm_import(request: HttpRequest, import_id: int) -> SdpImport:
    batch = _one(request, import_id)
    sdp_import.confirm(batch=batch, by=api_user(request))
    return _one(request, import_id)
