"""Home cards: open action items of the user's organisation, requests waiting for the
user's side, requests answered lately, and the partner's contribution page."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from sinergi.cooperation import contributions
from sinergi.cooperation.choices import ActionStatus, AgreementStatus, RequestStatus
from sinergi.cooperation.models import ActionItem, Agreement, SupportRequest
from sinergi.cooperation.templatetags.cooperation_tags import quantity
from sinergi.core.lookups import first_rows_and_count
from sinergi.core.navigation import HomeCard
from sinergi.core.roles import OFFICER_ROLES, Role
from sinergi.core.scoping import Scope
from sinergi.orgs.models import Partner


def cards(request: HttpRequest, scope: Scope) -> list[HomeCard]:
    result: list[HomeCard] = []
    partners = scope.partner_ids(Role.PARTNER_USER)
    facilities = scope.facility_ids(*OFFICER_ROLES)
    owned = (
        ActionItem.objects.filter(status=ActionStatus.OPEN)
        .filter(
            Q(owner_partner_id__in=partners)
            | Q(owner_facility_id__in=facilities)
            | Q(owner_user_id=request.user.pk)
        )
        .select_related("meeting")
        .order_by("due_date")
    )
    items, owned_count = first_rows_and_count(owned, 8)
    if items:
        result.append(
            HomeCard(
                title=_("Open action items"),
                body=_("Decisions of coordination meetings that your organisation owns."),
                items=[
                    (f"{a.title} ({a.due_date:%d-%m-%Y})", a.meeting.get_absolute_url())
                    for a in items
                ],
                count=owned_count,
                tone="action",
                order=15,
            )
        )
    if partners:
        waiting = SupportRequest.objects.filter(
            partner_id__in=partners,
            status__in=[RequestStatus.SUBMITTED, RequestStatus.ACKNOWLEDGED],
        ).count()
        result.append(
            HomeCard(
                title=_("Requests waiting for your answer"),
                body=_(
                    "Facilities asked your organisation for support. Answer each one: "
                    "accept, accept in part, or decline with a reason."
                ),
                url=reverse("cooperation:requests") + "?status=submitted",
                link_label=_("Answer requests"),
                count=waiting,
                tone="action" if waiting else "info",
                order=3,
            )
        )
        for partner in Partner.objects.filter(pk__in=partners):
            result.append(
                HomeCard(
                    title=_("Your contribution"),
                    body=_(
                        "Hours, places and equipment your organisation gave, to show your "
                        "superiors."
                    ),
                    url=reverse("cooperation:contribution", args=[partner.code]),
                    link_label=partner.name,
                    items=_figure_items(partner),
                    order=40,
                )
            )
    answered = _answered_card(facilities)
    if answered is not None:
        result.append(answered)
    heads = scope.facility_ids(Role.HEAD)
    if heads:
        drafts = SupportRequest.objects.filter(
            facility_id__in=heads, status=RequestStatus.DRAFT
        ).count()
        if drafts:
            result.append(
                HomeCard(
                    title=_("Requests to send"),
                    body=_("Drafted by your officers; they reach the partner once you submit."),
                    url=reverse("cooperation:requests") + "?status=draft",
                    link_label=_("Review drafts"),
                    count=drafts,
                    tone="action",
                    order=9,
                )
            )
        to_approve = Agreement.objects.filter(
            facility_id__in=heads, status=AgreementStatus.DRAFT
        ).order_by("start_date", "pk")
        waiting_approval: list[Any] = list(to_approve.prefetch_related("partners")[:5])
        if waiting_approval:
            result.append(
                HomeCard(
                    title=_("Agreements to approve"),
                    body=_(
                        "Recorded by your officers as drafts. Check them against the signed "
                        "document and approve them: once approved, their commitments count "
                        "from their start date."
                    ),
                    items=[(_draft_label(a), a.get_absolute_url()) for a in waiting_approval],
                    count=to_approve.count(),
                    tone="action",
                    order=10,
                )
            )
    return result


# How far back the facility's card of answered requests looks.
RECENT_DAYS = 14


def _answered_card(facilities: set[int]) -> HomeCard | None:
    """The facility's requests that partners answered (accepted, in part, declined,
    acknowledged) in the last fourteen days, with where each stands now (none: no card)."""
    if not facilities:
        return None
    answered = SupportRequest.objects.filter(
        facility_id__in=facilities,
        answered_at__gte=timezone.now() - datetime.timedelta(days=RECENT_DAYS),
    ).select_related("partner")
    rows: list[Any] = list(answered.order_by("-answered_at", "-pk")[:8])
    if not rows:
        return None
    return HomeCard(
        title=_("Requests answered"),
        body=_("What partners answered to your requests in the last 14 days."),
        items=[
            (f"{r.partner.name}: {r.title} · {r.get_status_display()}", r.get_absolute_url())
            for r in rows
        ],
        url=reverse("cooperation:requests"),
        link_label=_("All requests"),
        count=answered.count(),
        order=14,
    )


def _draft_label(agreement: Agreement) -> str:
    """Enough to tell two drafts apart: title, number, partners and period."""
    period = " \N{EN DASH} ".join(
        date_format(d, "SHORT_DATE_FORMAT") for d in (agreement.start_date, agreement.end_date)
    )
    partners = ", ".join(sorted(p.name for p in agreement.partners.all()))
    return " · ".join(
        part for part in (agreement.title, agreement.number, partners, period) if part
    )


def _figure_items(partner: Partner) -> list[tuple[str, str]]:
    """The partner's figures (``contributions``, as on its page), each opening its records."""
    figures = contributions.figures(partner)

    def records(name: str) -> str:
        return reverse("cooperation:contribution_records", args=[partner.code, name])

    return [
        (
            ngettext("%(n)s person trained", "%(n)s people trained", figures.people_trained)
            % {"n": figures.people_trained},
            records("people"),
        ),
        (
            _("%(h)s training hours taught") % {"h": quantity(figures.taught_hours)},
            records("sessions"),
        ),
        (
            ngettext("%(n)s certificate", "%(n)s certificates", figures.certificates)
            % {"n": figures.certificates},
            records("certificates"),
        ),
    ]
