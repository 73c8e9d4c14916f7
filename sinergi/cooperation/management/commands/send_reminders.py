from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext_lazy

from sinergi.accounts.notify import Text, notify
from sinergi.cooperation.actions import overdue_requests
from sinergi.cooperation.choices import ActionStatus, AgreementStatus
from sinergi.cooperation.models import ActionItem, Agreement
from sinergi.cooperation.queries import facility_staff, partner_users
from sinergi.inmates.reminders import send_overdue_release_reminders


class Command(BaseCommand):
    help = (
        "Send the daily reminders: first, per facility, the people held past their release "
        "date; then action items due within 3 days or overdue, agreements "
        "expiring in 90 and 30 days, requests waiting over 14 days or past their needed-by "
        "date. Each reminder goes once to each person; run it every day (cron or a timer)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        # First the alarm: anyone held past their release date, per facility.
        sent = send_overdue_release_reminders()
        for item in ActionItem.objects.filter(
            status=ActionStatus.OPEN, due_date__lte=today + datetime.timedelta(days=3)
        ).select_related("meeting", "owner_user"):
            people = [item.owner_user] if item.owner_user else []
            if item.owner_partner_id:
                people += list(partner_users(item.owner_partner_id))
            if item.owner_facility_id:
                people += list(facility_staff(item.owner_facility_id))
            sent += len(
                notify(
                    people,
                    key=f"action:{item.pk}:due",
                    title=Text(
                        gettext_lazy("Action item due %(date)s: %(title)s"),
                        date=item.due_date,
                        title=item.title,
                    ),
                    url=item.meeting.get_absolute_url(),
                )
            )
        for days in (90, 30):
            for agreement in Agreement.objects.filter(
                status=AgreementStatus.ACTIVE,
                end_date__gt=today,
                end_date__lte=today + datetime.timedelta(days=days),
            ).prefetch_related("partners"):
                people = (
                    list(facility_staff(agreement.facility_id)) if agreement.facility_id else []
                )
                people += list(partner_users(*(p.pk for p in agreement.partners.all())))
                sent += len(
                    notify(
                        people,
                        key=f"agreement:{agreement.pk}:{days}",
                        title=Text(
                            gettext_lazy("Agreement expires on %(date)s: %(title)s"),
                            date=agreement.end_date,
                            title=agreement.title,
                        ),
                        url=agreement.get_absolute_url(),
                    )
                )
        for request in overdue_requests(today).select_related("facility", "partner"):
            people = list(facility_staff(request.facility_id)) + list(
                partner_users(request.partner_id)
            )
            late = request.needed_by < today
            sent += len(
                notify(
                    people,
                    key=f"request:{request.pk}:{'late' if late else 'waiting'}",
                    title=Text(
                        gettext_lazy("Request past its needed-by date: %(title)s")
                        if late
                        else gettext_lazy("Request waiting over 14 days for an answer: %(title)s"),
                        title=request.title,
                    ),
                    url=request.get_absolute_url(),
                )
            )
        self.stdout.write(self.style.SUCCESS(f"{sent} reminders sent."))
