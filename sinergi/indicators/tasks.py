"""Background work: building the files of monthly reports.

``generate`` takes a queued report, gathers the month's figures into its snapshot and
builds the PDF and the XLSX; ``render`` builds the files again from the snapshot a ready
report already has (after a sign-off, so that the PDF shows it). Both build everything
in memory first and store the files and the new status together: a report is never
half-written. On any error the report is marked failed with the message, and the files
of the previous generation are left as they were.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task

from sinergi.indicators import reports, revisions, stored
from sinergi.indicators.models import MonthlyReport, ReportEdition, ReportStatus
from sinergi.indicators.periods import month_of, parse_period

logger = logging.getLogger(__name__)
MAX_ERROR_LENGTH = 2000


@task()
def generate_report_task(report_id: int) -> None:
    generate(report_id)


@task()
def render_report_task(report_id: int) -> None:
    render(report_id)


@task()
def render_edition_task(edition_id: int) -> None:
    render_edition(edition_id)


@task()
def detect_revisions_task(facility_id: int | None = None) -> int:
    """Record the revisions of the signed months whose records changed since (after an
    import or a correction; the deployment runs it periodically, e.g. every hour)."""
    ids = None if facility_id is None else [facility_id]
    found = len(revisions.sweep(ids))
    # The stored figures of closed periods that the changes moved are computed again.
    stored.refresh(ids)
    return found


@task()
def store_figures_task(period: str, area: str, area_id: int = 0) -> None:
    """Store the figures of a closed period read before they were stored (the country's
    set too, by which revisions are found)."""
    closed = parse_period(period)
    if stored.storable(closed, area):
        stored.store_read(closed, area, area_id)


@task()
def store_closed_month_task() -> int:
    """Store the figures of the month that closed last (and of the quarter and year it
    closes), for the country and every region: sets already stored are left as they are.
    The deployment runs it daily, e.g. just after midnight."""
    return len(stored.store_month(stored.last_closed_month()))


def after_import(batch: Any) -> None:
    """An import wrote records of ``batch.facility``: re-check its signed months once
    the import is committed (the import's listener, registered in apps.py)."""
    facility_id = batch.facility_id
    transaction.on_commit(lambda: detect_revisions_task.enqueue(facility_id))


def render_edition(edition_id: int) -> ReportEdition | None:
    """Build the PDF of a signed edition from its own snapshot, once: an edition's PDF,
    once made, is never built again (what was signed stays as it was signed)."""
    edition = (
        ReportEdition.objects.select_related("report__facility__region", "signed_off_by")
        .filter(pk=edition_id)
        .first()
    )
    if edition is None or edition.pdf:
        return edition
    with translation.override(edition.report.language):
        pdf = reports.build_pdf(reports.EditionView(edition))
    edition.pdf.save(edition.filename(), ContentFile(pdf), save=False)
    with transaction.atomic():
        if ReportEdition.objects.filter(pk=edition.pk, pdf="").update(pdf=edition.pdf.name) == 0:
            edition.pdf.storage.delete(edition.pdf.name)  # built twice: the first one stays
            edition.refresh_from_db()
    return edition


def generate(report_id: int) -> MonthlyReport | None:
    """Gather and build a queued report; None when it is not queued (any more)."""
    return _build(report_id, claim=ReportStatus.QUEUED, gather=True)


def render(report_id: int) -> MonthlyReport | None:
    """Build the files of a ready report again from its snapshot."""
    return _build(report_id, claim=ReportStatus.READY, gather=False)


def _build(report_id: int, *, claim: str, gather: bool) -> MonthlyReport | None:
    # Claim the report: only one worker builds it, whatever the number of workers.
    claimed = MonthlyReport.objects.filter(pk=report_id, status=claim).update(
        status=ReportStatus.RUNNING, updated_at=timezone.now()
    )
    if not claimed:
        return None
    report = MonthlyReport.objects.select_related(
        "facility__region", "signed_off_by", "requested_by"
    ).get(pk=report_id)
    try:
        with translation.override(report.language):
            if gather or not report.data:
                report.data = reports.gather(report.facility, month_of(report.month))
            pdf = reports.build_pdf(report)
            xlsx = reports.build_xlsx(report)
        _store(report, pdf, xlsx)
    except Exception as exc:
        logger.exception("Monthly report %s could not be generated", report_id)
        _fail(report, exc)
    return report


def _store(report: MonthlyReport, pdf: bytes, xlsx: bytes) -> None:
    """Save the new files and the ready status together; then drop the old files."""
    old = [name for name in (report.pdf.name, report.xlsx.name) if name]
    storage = report.pdf.storage
    report.pdf.save(report.filename("pdf"), ContentFile(pdf), save=False)
    new = [report.pdf.name]
    try:
        report.xlsx.save(report.filename("xlsx"), ContentFile(xlsx), save=False)
        new.append(report.xlsx.name)
        with transaction.atomic():
            current = MonthlyReport.objects.select_for_update().get(pk=report.pk)
            if current.status != ReportStatus.RUNNING:
                # Re-queued meanwhile: the newer request wins, these files are dropped.
                for name in new:
                    storage.delete(name)
                return
            report.status = ReportStatus.READY
            report.error = ""
            report.generated_at = timezone.now()
            report.save(
                update_fields=[
                    "data",
                    "pdf",
                    "xlsx",
                    "status",
                    "error",
                    "generated_at",
                    "updated_at",
                ]
            )
            transaction.on_commit(lambda: _delete(storage, [n for n in old if n not in new]))
    except Exception:
        for name in new:
            storage.delete(name)
        raise


def _delete(storage: Any, names: list[str]) -> None:
    for name in names:
        try:
            storage.delete(name)
        except OSError:  # a file already gone is no reason to fail
            logger.warning("Could not delete the old report file %s", name)


def _fail(report: MonthlyReport, exc: Exception) -> None:
    message = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH]
    fresh = MonthlyReport.objects.get(pk=report.pk)  # none of the half-built state
    if fresh.status != ReportStatus.RUNNING:
        return
    fresh.status = ReportStatus.FAILED
    fresh.error = message
    fresh.save(update_fields=["status", "error", "updated_at"])
    report.status, report.error = fresh.status, fresh.error
