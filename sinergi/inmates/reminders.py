"""The daily reminder of the people held past their release date, per facility: the
first section of ``manage.py send_reminders``."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext, ngettext_lazy

from sinergi.accounts.models import User
from sinergi.accounts.notify import Text, notify
from sinergi.accounts.recipients import regional_viewers
from sinergi.core.roles import STAFF_ROLES
from sinergi.inmates.queries import days_overdue, overdue_releases


class OverdueList(Text):
    """The people of one facility held past their release date, one line each, written
    in the language active when it is read (each recipient's)."""

    def __init__(self, people: list[Any]) -> None:
        super().__init__("")
        self.people = people

    def __str__(self) -> str:
        lines = [
            gettext(
                "Nobody may be held past their release date: record each release today, or "
                "correct the sentence if the date is wrong."
            ),
            "",
        ]
        for inmate in self.people:
            days = days_overdue(inmate)
            lines.append(
                ngettext(
                    "%(name)s (%(number)s), release date %(date)s: Held past release "
                    "date: %(days)s day",
                    "%(name)s (%(number)s), release date %(date)s: Held past release "
                    "date: %(days)s days",
                    days,
                )
                % {
                    "name": inmate.name,
                    "number": inmate.registration_number,
                    "date": date_format(inmate.release_due, "DATE_FORMAT")
                    if inmate.release_due
                    else "-",
                    "days": days,
                }
            )
        return "\n".join(lines)


def facility_staff(facility_id: int) -> Any:
    """The facility's active head, program officers and wali: whom the alarm reaches."""
    return User.objects.filter(
        memberships__facility_id=facility_id,
        memberships__role__in=STAFF_ROLES,
        memberships__is_active=True,
        is_active=True,
    ).distinct()


def send_overdue_release_reminders() -> int:
    """One reminder a day per facility that holds someone past their release date (each
    facility judged by its own date), to its head, officers and wali and to its region's
    Kanwil; returns how many notifications were sent."""
    by_facility: dict[int, list[Any]] = defaultdict(list)
    for inmate in (
        overdue_releases()
        .select_related("facility")
        .order_by("facility_id", "release_due", "name", "pk")
    ):
        by_facility[inmate.facility_id].append(inmate)
    sent = 0
    url = reverse("inmates:overdue_releases")
    for facility_id, people in by_facility.items():
        facility = people[0].facility
        sent += len(
            notify(
                # The facility's staff, and the Kanwil that supervises it.
                [*facility_staff(facility_id), *regional_viewers(facility.region_id)],
                key=f"overdue-release:{facility_id}:{people[0].facility_today.isoformat()}",
                title=Text(
                    ngettext_lazy(
                        "%(n)s person held past release date at %(facility)s",
                        "%(n)s people held past release date at %(facility)s",
                        "n",
                    ),
                    n=len(people),
                    facility=facility.name,
                ),
                body=OverdueList(people),
                url=url,
            )
        )
    return sent
