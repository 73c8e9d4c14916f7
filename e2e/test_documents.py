"""The printed documents as a person sees them: the development record (buku pembinaan)
and an attendance sheet, opened in Chromium's PDF viewer and saved as PNG among the
browser tests' artefacts (the ``artefacts`` fixture: $SINERGI_E2E_ARTEFACTS)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from e2e.conftest import login
from tests.programs.test_documents import pdf_text

# An A4 page and the viewer's toolbar fit in this window at the viewer's default zoom.
VIEWER = {"width": 1000, "height": 1400}


def _open_and_keep(page: Any, url: str, png: Path) -> str:
    """The PDF at ``url`` (fetched with the page's session) as text; the browser shows
    it in its PDF viewer and the window is saved as ``png``."""
    response = page.request.get(url)
    assert response.status == 200, url
    assert response.headers["content-type"] == "application/pdf"
    data = response.body()
    assert data.startswith(b"%PDF")
    page.goto(url)
    # The viewer draws the page asynchronously, with no event to wait for: the window is
    # saved until it holds a drawn page (a PNG over 10 kB, not an empty window), at most
    # for 20 s (a busy machine took more than the 2.5 s once waited).
    for _attempt in range(40):
        page.wait_for_timeout(500)
        page.screenshot(path=str(png))
        if png.stat().st_size > 10_000:
            break
    assert png.stat().st_size > 10_000  # a drawn page, not an empty window
    return pdf_text(data)


def test_the_documents_open_in_the_browser_and_are_kept_as_png(
    new_page: Any, full_demo_live: Any, artefacts: Path
) -> None:
    from sinergi.inmates.models import DisciplinaryRecord
    from sinergi.programs.models import Certificate, Session

    certificates = Certificate.objects.filter(
        enrollment__program__facility__code="selong"
    ).select_related("enrollment__inmate", "enrollment__program")
    # Someone with a Register F entry, when the demo holds one, so that the PNG shows it.
    certificate = (
        certificates.filter(enrollment__inmate__disciplinary_records__isnull=False)
        .order_by("id")
        .first()
    ) or certificates.order_by("id").first()
    assert certificate is not None, "the demo issues certificates at Lapas Selong"
    inmate = certificate.enrollment.inmate
    session = (
        Session.objects.filter(program__facility__code="selong", status="scheduled")
        .exclude(instructor=None)
        .select_related("instructor", "program")
        .order_by("-date", "id")
        .first()
    )
    assert session is not None

    page = new_page(viewport=VIEWER)
    login(page, "petugas.selong")

    record = _open_and_keep(
        page, f"/programs/inmates/{inmate.pk}/record.pdf", artefacts / "buku-pembinaan.png"
    )
    assert inmate.name in record and inmate.registration_number in record
    assert certificate.enrollment.program.title in record and certificate.code in record
    assert "Nilai pembinaan bulanan (SPPN)" in record
    assert "Register F" in record
    for entry in DisciplinaryRecord.objects.filter(inmate=inmate):
        assert entry.violation in record

    sheet = _open_and_keep(
        page, f"/programs/sessions/{session.pk}/sheet.pdf", artefacts / "daftar-hadir.png"
    )
    assert session.program.title in sheet
    assert session.instructor is not None and session.instructor.get_full_name() in sheet
    assert f"{session.end_time:%H.%M} WITA" in sheet
