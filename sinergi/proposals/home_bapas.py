"""Home cards of the Litmas and sidang TPP work: the Litmas a probation officer (PK) has
to write, overdue first in red; the load of a Bapas for its head; the proposals waiting
for the facility's sidang TPP."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from sinergi.core.navigation import HomeCard
from sinergi.core.roles import OFFICER_ROLES, Role
from sinergi.core.scoping import Scope
from sinergi.proposals.choices import LitmasStatus, Stage

ITEMS = 8


def cards(request: HttpRequest, scope: Scope) -> list[HomeCard]:
    from sinergi.proposals.litmas_actions import days_overdue, is_overdue, requests_for
    from sinergi.proposals.models import Proposal, TppDecision
    from sinergi.proposals.rules_bapas import bapas_headed_by

    today = timezone.localdate()
    result: list[HomeCard] = []
    bapas_ids = scope.facility_ids(Role.PROBATION_OFFICER)
    if bapas_ids:
        user = request.user
        due = (
            requests_for(user)
            .filter(bapas_id__in=bapas_ids, status=LitmasStatus.REQUESTED)
            .filter(Q(officer=user) | Q(officer__isnull=True))
            .select_related("proposal__inmate")
            .prefetch_related("bapas__holidays")
            .order_by("due_on", "id")
        )
        counts = due.aggregate(total=Count("pk"), late=Count("pk", filter=Q(due_on__lt=today)))
        items = []
        for row in due[:ITEMS]:
            when = date_format(row.due_on, "SHORT_DATE_FORMAT")
            label = f"{row.proposal.inmate.name} · {when}"
            # Late from the day after the due date, counted in working days as it was set.
            late = days_overdue(row, today)
            if late:
                label = ngettext(
                    "OVERDUE by %(n)s working day: %(what)s",
                    "OVERDUE by %(n)s working days: %(what)s",
                    late,
                ) % {"n": late, "what": label}
            elif is_overdue(row, today):
                label = _("OVERDUE, past its due date: %(what)s") % {"what": label}
            items.append((label, reverse("proposals:litmas_detail", args=[row.pk])))
        result.append(
            HomeCard(
                title=_("Litmas to write"),
                body=(
                    ngettext(
                        "%(n)s is overdue: it comes first.",
                        "%(n)s are overdue: they come first.",
                        counts["late"],
                    )
                    % {"n": counts["late"]}
                    if counts["late"]
                    else _("Litmas asked of your Bapas, assigned to you or to nobody yet.")
                ),
                items=items,
                url=reverse("proposals:litmas_list"),
                link_label=_("All Litmas requests"),
                count=counts["total"],
                tone="danger" if counts["late"] else "action",
                order=3,
            )
        )
    headed = bapas_headed_by(request.user) - set(bapas_ids)
    if headed:
        from sinergi.proposals.models import LitmasRequest

        open_ = LitmasRequest.objects.filter(bapas_id__in=headed, status=LitmasStatus.REQUESTED)
        counts = open_.aggregate(
            total=Count("pk"),
            late=Count("pk", filter=Q(due_on__lt=today)),
            nobody=Count("pk", filter=Q(officer__isnull=True)),
        )
        if counts["total"]:
            result.append(
                HomeCard(
                    title=_("Litmas load"),
                    body=_("%(late)s overdue, %(nobody)s not assigned to an officer yet.") % counts,
                    url=reverse("proposals:litmas_load"),
                    link_label=_("Load per officer"),
                    count=counts["total"],
                    tone="danger" if counts["late"] else "action",
                    order=3,
                )
            )
    officer_facilities = scope.facility_ids(*OFFICER_ROLES)
    if officer_facilities:
        decided = TppDecision.objects.filter(
            proposal=OuterRef("pk"), recommendation__in=["recommended", "not_recommended"]
        )
        waiting = (
            Proposal.objects.filter(facility_id__in=officer_facilities, stage=Stage.TPP)
            .exclude(Exists(decided))
            .count()
        )
        if waiting:
            result.append(
                HomeCard(
                    title=_("Sidang TPP"),
                    body=_("Proposals with a Litmas, waiting for the board's recommendation."),
                    url=reverse("proposals:tpp_list"),
                    link_label=_("Sidang TPP"),
                    count=waiting,
                    tone="action",
                    order=25,
                )
            )
    return result
