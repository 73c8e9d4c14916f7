"""Home cards: follow-ups due for probation officers, plans missing before release."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sinergi.core.navigation import HomeCard
from sinergi.core.roles import OFFICER_ROLES, Role
from sinergi.core.scoping import Scope


def cards(request: HttpRequest, scope: Scope) -> list[HomeCard]:
    from sinergi.reintegration.queries import (
        DEFAULT_HORIZON_DAYS,
        follow_ups_for,
        worklist_queryset,
    )

    today = timezone.localdate()
    result: list[HomeCard] = []
    if scope.has_role(Role.PROBATION_OFFICER):
        due = follow_ups_for(request.user).filter(
            done_on__isnull=True, due_on__lte=today + datetime.timedelta(days=14)
        )
        result.append(
            HomeCard(
                title=_("Follow-ups due"),
                body=_("People released to your Bapas, to contact at 1, 3, 6 and 12 months."),
                items=[
                    (
                        f"{f.release.inmate.name} (+{f.month}) {f.due_on:%d-%m-%Y}",
                        reverse("reintegration:follow_up", args=[f.pk]),
                    )
                    for f in due.select_related("release__inmate").order_by("due_on")[:8]
                ],
                url=reverse("reintegration:follow_ups"),
                link_label=_("All follow-ups"),
                count=due.count(),
                tone="action",
                order=4,
            )
        )
    if scope.has_role(*OFFICER_ROLES):
        missing = (
            worklist_queryset(request.user, today, DEFAULT_HORIZON_DAYS)
            .filter(has_plan=False)
            .count()
        )
        result.append(
            HomeCard(
                title=_("Release preparation"),
                body=_(
                    "People due for release or an integration right within six months who "
                    "have no reintegration plan yet."
                ),
                url=reverse("reintegration:worklist") + "?plan=none",
                link_label=_("Open the worklist"),
                count=missing,
                tone="action" if missing else "info",
                order=21,
            )
        )
    return result
