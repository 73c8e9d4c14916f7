"""The subject-access export: a button on the inmate page and the view that returns the ZIP."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from sinergi.core.scoping import scope_of
from sinergi.inmates.models import Inmate
from sinergi.privacy import export


def inmate_section(request: HttpRequest, inmate: Inmate) -> tuple[str, dict[str, Any]] | None:
    """The export button, for those who may export (administrators and the data officer)."""
    if not export.may_export(request.user, inmate):
        return None
    return "privacy/inmate_section.html", {"inmate": inmate}


@login_required
@require_POST
def export_person(request: HttpRequest, inmate_pk: int) -> HttpResponse:
    inmate = get_object_or_404(
        Inmate.objects.for_user(request.user).select_related("facility"), pk=inmate_pk
    )
    if not export.may_export(request.user, inmate):
        # The person's own facility staff are refused (403); anybody else (a partner, an
        # instructor, another facility) is not told that the person exists (404).
        if inmate.facility_id in scope_of(request.user).facility_ids():
            raise PermissionDenied
        raise Http404
    data = export.export_person(inmate=inmate, by=request.user)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export.export_filename(inmate)}"'
    return response
