"""PDF documents: certificates (with a QR code to the public verify page), the
attendance sheet to print and sign, and the inmate's development record."""

from __future__ import annotations

import base64
import io
from typing import Any

import segno
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils import timezone

from sinergi.core.pdf import render_pdf
from sinergi.orgs.letterhead import document_context
from sinergi.orgs.models import DocumentKind
from sinergi.programs.choices import CompetencyResult
from sinergi.programs.models import (
    Certificate,
    CompetencyCertification,
    EarlyCompletion,
    Session,
)
from sinergi.programs.record import DevelopmentRecord


def qr_data_uri(text: str) -> str:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=4, border=1)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def verify_url(request: HttpRequest | None, certificate: Certificate) -> str:
    """The public address that verifies ``certificate`` (its QR code): at ``SITE_URL``
    when it is set, otherwise at the address the request was served from. Outside a
    request (a background task) only ``SITE_URL`` can say it."""
    path = certificate.get_verify_url()
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/") + path
    if request is None:
        raise ImproperlyConfigured(
            "Set SITE_URL (see .env.example): a certificate made outside a request needs "
            "the public address for its QR code."
        )
    return request.build_absolute_uri(path)


def certificate_facts(certificate: Certificate) -> dict[str, Any]:
    """What the certificate and the public verification page both state: the early
    completion and the LSP's competency certification, when there are."""
    enrollment = certificate.enrollment
    return {
        "early_completion": EarlyCompletion.objects.filter(enrollment=enrollment).first(),
        "competency_certification": CompetencyCertification.objects.filter(
            enrollment=enrollment
        ).first(),
    }


def certificate_pdf(request: HttpRequest | None, certificate: Certificate) -> bytes:
    url = verify_url(request, certificate)
    enrollment = certificate.enrollment
    facility = enrollment.program.facility
    return render_pdf(
        "programs/pdf/certificate.html",
        {
            **document_context(
                facility,
                DocumentKind.CERTIFICATE,
                date=certificate.issued_on,
                number=certificate.code,
                fallback_name=certificate.head_name,
            ),
            "certificate": certificate,
            "program": enrollment.program,
            "facility": facility,
            "units": enrollment.competencies.select_related("unit").filter(
                result=CompetencyResult.COMPETENT
            ),
            "verify_url": url,
            "qr": qr_data_uri(url),
            **certificate_facts(certificate),
        },
        request,
    )


def attendance_sheet_pdf(
    request: HttpRequest, session: Session, roster: list[Any], *, show_numbers: bool
) -> bytes:
    """The sheet to print and sign: each enrolment of ``roster`` named by its ``label``
    (``views._named_roster``); registration numbers only when ``show_numbers`` (the
    facility's officers: never an instructor)."""
    return render_pdf(
        "programs/pdf/attendance_sheet.html",
        attendance_sheet_context(session, roster, show_numbers=show_numbers),
        request,
    )


def attendance_sheet_context(
    session: Session, roster: list[Any], *, show_numbers: bool
) -> dict[str, Any]:
    """What the sheet states: the session's topic, instructor and time in the
    facility's zone (WIB, WITA or WIT), and the roster."""
    facility = session.program.facility
    return {
        "session": session,
        "program": session.program,
        "facility": facility,
        "time_zone": facility.time_zone_label,
        "roster": roster,
        "show_numbers": show_numbers,
        "printed": timezone.now(),  # shown in the facility's zone
    }


def development_record_pdf(request: HttpRequest, record: DevelopmentRecord) -> bytes:
    """The buku pembinaan of ``record`` (``record.development_record``)."""
    return render_pdf(
        "programs/pdf/development_record.html", development_record_context(record), request
    )


def development_record_context(record: DevelopmentRecord) -> dict[str, Any]:
    return {
        "record": record,
        "inmate": record.inmate,
        "facility": record.inmate.facility,
        "printed": timezone.localtime(),
    }
