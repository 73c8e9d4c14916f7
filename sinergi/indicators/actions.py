"""Writes on monthly reports: atomic, attributed (``by=``), audited.

A report is generated, on demand generated again, and signed off by the head:

=========  ==================================  =========================================
from       to                                  who
=========  ==================================  =========================================
(none)     queued (request)                    head, program officer of the facility
ready,     queued (regenerate; the sign-off    head, program officer of the facility
failed     is cleared: the content may change)
queued     queued (asked again: nothing to do) head, program officer of the facility
running    (refused, 409, until it is stale)   nobody
ready      ready + signed off                  head of the facility
=========  ==================================  =========================================

Each sign-off makes a signed edition (``ReportEdition``): edition 1, then a revised
edition 2, 3… when the report, generated again after its figures were revised, is signed
again. An edition keeps its figures and its PDF unchanged; generating the report again
never touches them.

The task (``tasks.generate``) moves queued → running → ready or failed.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sinergi.accounts.models import User
from sinergi.core import audit
from sinergi.core.errors import Conflict
from sinergi.core.permissions import require_perm
from sinergi.indicators import revisions, tasks
from sinergi.indicators.models import MonthlyReport, ReportEdition, ReportStatus
from sinergi.orgs.models import Facility

# A report queued or running for longer than this is taken as lost (a worker that died)
# and may be queued again.
STALE_AFTER = datetime.timedelta(minutes=30)


class ReportConflict(Conflict):
    pass


def check_month(month: datetime.date, today: datetime.date | None = None) -> datetime.date:
    """The first day of ``month``; a month that has not begun (by ``today``, by default
    the date in the active time zone) is refused."""
    first = month.replace(day=1)
    if first > (today or timezone.localdate()).replace(day=1):
        raise ValidationError(
            _("%(month)s has not begun yet: a monthly report covers a past or the current month.")
            % {"month": f"{first:%Y-%m}"},
            code="future_month",
        )
    return first


def request_report(*, facility: Facility, month: datetime.date, by: User) -> MonthlyReport:
    """Queue the report of ``facility`` for ``month``: a new one, or the existing one
    generated again (which clears its sign-off, since its content may change)."""
    require_perm(
        by,
        "indicators.generate_report",
        facility,
        message=_("Only the head and the program officers generate reports."),
    )
    try:
        first = check_month(month, facility.today())
    except ValidationError as exc:
        raise ValidationError({"month": exc.error_list}) from None  # a field error
    language = translation.get_language() or "id"
    with transaction.atomic():
        report, created = MonthlyReport.objects.select_for_update().get_or_create(
            facility=facility,
            month=first,
            defaults={"requested_by": by, "status": ReportStatus.QUEUED, "language": language},
        )
        if created:
            audit.record("report.request", by=by, target=report, facility=facility)
        else:
            stale = timezone.now() - report.updated_at > STALE_AFTER
            if report.status == ReportStatus.QUEUED and not stale:
                return report  # already waiting for the worker
            if report.status == ReportStatus.RUNNING and not stale:
                raise ReportConflict(
                    _("This report is being generated right now; wait for it to finish."),
                    code="report_running",
                )
            changes: dict[str, list[Any]] = {"status": [report.status, ReportStatus.QUEUED]}
            if report.signed_off_at:
                changes["signed_off_by"] = [report.signed_off_by_id, None]
            report.status = ReportStatus.QUEUED
            report.requested_by = by
            report.language = language
            report.error = ""
            report.signed_off_by = None
            report.signed_off_at = None
            report.save(
                update_fields=[
                    "status",
                    "requested_by",
                    "language",
                    "error",
                    "signed_off_by",
                    "signed_off_at",
                    "updated_at",
                ]
            )
            audit.record("report.regenerate", by=by, target=report, changes=changes)
        report_id = report.pk
        transaction.on_commit(lambda: tasks.generate_report_task.enqueue(report_id))
    return report


def sign_off_report(*, report: MonthlyReport, by: User) -> MonthlyReport:
    """The head signs a ready report off; its PDF is then built again to show it."""
    require_perm(
        by,
        "indicators.sign_off_report",
        report.facility,
        message=_("Only the head of the facility signs a report off."),
    )
    with transaction.atomic():
        current = MonthlyReport.objects.select_for_update().get(pk=report.pk)
        if current.status != ReportStatus.READY:
            raise ReportConflict(
                _("Only a report that is ready can be signed off (this one is “%(status)s”).")
                % {"status": ReportStatus(current.status).label},
                code="report_not_ready",
            )
        if current.signed_off_at:
            raise ReportConflict(
                _("This report has already been signed off."), code="report_signed_off"
            )
        report.signed_off_by = by
        report.signed_off_at = timezone.now()
        report.save(update_fields=["signed_off_by", "signed_off_at", "updated_at"])
        # The figures signed now may differ from the last published ones (a revision
        # found before, or not yet): what changed is recorded, and resolved by this edition.
        number = (
            ReportEdition.objects.filter(report=current).aggregate(n=Max("number"))["n"] or 0
        ) + 1
        revisions.detect(
            report.facility,
            report.month,
            live=revisions.figures_of(current.data.get("indicators", [])),
        )
        edition = ReportEdition.objects.create(
            report=current,
            number=number,
            data=current.data,
            signed_off_by=by,
            signed_off_at=report.signed_off_at,
        )
        revisions.resolve(edition)
        audit.record("report.sign_off", by=by, target=report, changes={"edition": edition.number})
        _tell_the_region(report, edition)
        report_id, edition_id = report.pk, edition.pk
        transaction.on_commit(lambda: tasks.render_report_task.enqueue(report_id))
        transaction.on_commit(lambda: tasks.render_edition_task.enqueue(edition_id))
    return report


def _tell_the_region(report: MonthlyReport, edition: ReportEdition) -> None:
    """Tell the Kanwil that supervises the facility that its monthly report is signed,
    or, for a second or later edition, that a signed report was revised."""
    from django.utils.formats import date_format
    from django.utils.translation import gettext_lazy

    from sinergi.accounts.notify import Text, notify
    from sinergi.accounts.recipients import regional_viewers

    class Month:  # the month written in each reader's language
        def __str__(self) -> str:
            return date_format(report.month, "YEAR_MONTH_FORMAT")

    facility = report.facility
    values = {"facility": facility.name, "month": Month()}
    notify(
        regional_viewers(facility.region_id),
        title=Text(
            gettext_lazy("Monthly report of %(facility)s for %(month)s signed")
            if edition.number == 1
            else gettext_lazy(
                "Monthly report of %(facility)s for %(month)s revised and signed again "
                "(edition %(number)s)"
            ),
            number=edition.number,
            **values,
        ),
        url=report.get_absolute_url(),
        key=f"report-signed:{report.pk}:{edition.number}",
    )
