"""Demo monthly reports of Lapas Selong: the two months before this one, generated at
once and signed off by the head on a plausible day, the third working day of the next
month (when that day has come; otherwise the report waits for its sign-off, as it would).
Idempotent: a report that is already there is left as it is.

Loaded on any day, the demo tells the same story relative to that day."""

from __future__ import annotations

import datetime
from typing import TextIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from sinergi.accounts.models import User
from sinergi.core.demo import in_demo_time_zone
from sinergi.indicators import actions, tasks
from sinergi.indicators.models import MonthlyReport, ReportEdition, ReportStatus
from sinergi.orgs.models import Facility
from sinergi.programs.days_off import days_off
from sinergi.proposals.clocks import add_working_days

SIGNED_ON_WORKING_DAY = 3  # the head signs on the third working day of the next month
SIGNED_AT = datetime.time(10, 30)
MONTHS_BACK = 2


def sign_off_day(month: datetime.date, holidays: frozenset[datetime.date]) -> datetime.date:
    """The third working day after the month's last day."""
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return add_working_days(following - datetime.timedelta(days=1), SIGNED_ON_WORKING_DAY, holidays)


def months_before(today: datetime.date, count: int) -> list[datetime.date]:
    """The first days of the ``count`` months before ``today``'s, the oldest first."""
    found = []
    month = today.replace(day=1)
    for _n in range(count):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        found.append(month)
    return found[::-1]


@in_demo_time_zone
def seed(out: TextIO) -> None:
    selong = Facility.objects.get(code="selong")
    officer = User.objects.get(username="petugas.selong")
    head = User.objects.get(username="kalapas.selong")
    today = selong.today()
    holidays = days_off(selong)
    for month in months_before(today, MONTHS_BACK):
        existing = MonthlyReport.objects.filter(facility=selong, month=month).first()
        if existing is not None and existing.status in (ReportStatus.READY, ReportStatus.RUNNING):
            out.write(f"  monthly report {month:%Y-%m}: already there\n")
            continue
        with translation.override(settings.LANGUAGE_CODE):  # the report in Bahasa Indonesia
            report = actions.request_report(facility=selong, month=month, by=officer)
            # Synchronously, whatever the task backend: the queued task then finds nothing.
            tasks.generate(report.pk)
            report.refresh_from_db()
            signed_on = sign_off_day(month, holidays)
            if report.is_ready and signed_on <= today:
                signed_at = timezone.make_aware(datetime.datetime.combine(signed_on, SIGNED_AT))
                # The files are built once this block commits: with the day of signing.
                with transaction.atomic():
                    actions.sign_off_report(report=report, by=head)
                    MonthlyReport.objects.filter(pk=report.pk).update(signed_off_at=signed_at)
                    ReportEdition.objects.filter(report=report).update(signed_off_at=signed_at)
                edition = ReportEdition.objects.get(report=report, number=1)
                if not edition.pdf:  # the commit did not run the tasks (inside a transaction)
                    tasks.render(report.pk)
                    tasks.render_edition(edition.pk)
        report.refresh_from_db()
        signed = f", signed {report.signed_off_at:%Y-%m-%d}" if report.signed_off_at else ""
        out.write(
            f"  monthly report {month:%Y-%m} of {selong}: {report.get_status_display()}{signed}\n"
        )
