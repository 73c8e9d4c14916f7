"""Demo monthly report: last month's report of Lapas Selong, generated at once.
Idempotent: a report that is already there is left as it is."""

from __future__ import annotations

import datetime
from typing import TextIO

from django.conf import settings
from django.utils import translation

from sinergi.accounts.models import User
from sinergi.core.demo import in_demo_time_zone
from sinergi.indicators import actions, tasks
from sinergi.indicators.models import MonthlyReport, ReportStatus
from sinergi.orgs.models import Facility


@in_demo_time_zone
def seed(out: TextIO) -> None:
    selong = Facility.objects.get(code="selong")
    month = selong.today().replace(day=1) - datetime.timedelta(days=1)
    month = month.replace(day=1)
    existing = MonthlyReport.objects.filter(facility=selong, month=month).first()
    if existing is not None and existing.status in (ReportStatus.READY, ReportStatus.RUNNING):
        out.write("  monthly report: already there\n")
        return
    officer = User.objects.get(username="petugas.selong")
    with translation.override(settings.LANGUAGE_CODE):  # the report in Bahasa Indonesia
        report = actions.request_report(facility=selong, month=month, by=officer)
    # Synchronously, whatever the task backend: the queued task then finds nothing to do.
    tasks.generate(report.pk)
    report.refresh_from_db()
    out.write(f"  monthly report {month:%Y-%m} of {selong}: {report.get_status_display()}\n")
