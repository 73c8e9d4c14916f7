"""The subject-access export: a button on the inmate page and the view that returns the ZIP."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from sinergi.accounts.http import AuthenticatedHttpRequest
from sinergi.inmates.models import Inmate
from sinergi.privacy import actions
from sinergi.privacy.rules import may_export, told_of_refusal


def inmate_section(request: HttpRequest, inmate: Inmate) -> tuple[str, dict[str, Any]] | None:
    """The export button, for those who may export (administrators and the data officer)."""
    if not may_export(request.user, inmate):
        return None
    return "privacy/inmate_section.html", {"inmate": inmate}


@login_required
@require_POST
def export_person(request: AuthenticatedHttpRequest, inmate_pk: int) -> HttpResponse:
    inmate = get_object_or_404(
        Inmate.objects.for_user(request.user).select_related("facility"), pk=inmate_pk
    )
    try:
        data = actions.export_person_data(inmate=inmate, by=request.user)
    except PermissionDenied:
        # The person's own facility staff are refused (403); anybody else who reaches the
        # record (a regional viewer) is not told that the person exists (404).
        if told_of_refusal(request.user, inmate):
            raise
        raise Http404 from None
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{actions.export_filename(inmate)}"'
    return response
