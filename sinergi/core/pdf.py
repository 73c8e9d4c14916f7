"""Every PDF the application makes (certificates, attendance sheets, development
records, reintegration hand-overs and consents, indicator reports, a person's data
export) is rendered here: one template, WeasyPrint, the same base for static files."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def render_pdf(
    template: str, context: Mapping[str, Any], request: HttpRequest | None = None
) -> bytes:
    """The PDF of ``template`` rendered with ``context`` (and ``request``, for the
    context processors, when there is one). Images and styles are resolved from the
    project's directory."""
    from weasyprint import HTML  # heavy: loaded when a PDF is made

    html = render_to_string(template, dict(context), request=request)
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    if not pdf:
        raise RuntimeError("WeasyPrint made no PDF")
    return bytes(pdf)


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    """``data`` shown in the browser's PDF viewer, saved as ``filename``."""
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
