"""Home cards: follow-ups due and hand-overs received for probation officers, plans
missing before release, referrals answered for the facility, referrals to answer and in
progress for a partner."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, F, OuterRef, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sinergi.core.lookups import read_once
from sinergi.core.navigation import HomeCard
from sinergi.core.roles import OFFICER_ROLES, Role
from sinergi.core.scoping import Scope
from sinergi.reintegration.choices import ReferralStatus
from sinergi.reintegration.models import FollowUp, Referral, Release


def cards(request: HttpRequest, scope: Scope) -> list[HomeCard]:
    from sinergi.reintegration.queries import (
        DEFAULT_HORIZON_DAYS,
        follow_ups_for,
        worklist_queryset,
    )

    today = timezone.localdate()
    result: list[HomeCard] = []
    result += _partner_cards(scope)
    if scope.has_role(Role.PROBATION_OFFICER):
        result.append(_handovers_card(request, scope))
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
        answered = _answered_referrals_card(scope)
        if answered is not None:
            result.append(answered)
    return result


# How far back the facility's card of answered referrals looks.
RECENT_DAYS = 14
OPEN_REFERRALS = (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS)


def _referral_label(referral: Referral) -> str:
    """A referral told apart from the others (its number) without the person's name."""
    return (
        f"#{referral.pk} · {referral.purpose} · {referral.inmate.facility.name} "
        f"({referral.created_at:%d-%m-%Y})"
    )


def _partner_cards(scope: Scope) -> list[HomeCard]:
    """A partner's referrals: those sent to it, to accept or decline, and those it
    accepted, to complete with the outcome (while the person's consent stands)."""
    partners = scope.partner_ids(Role.PARTNER_USER)
    if not partners:
        return []
    mine = Referral.objects.filter(
        partner_id__in=partners, consent__withdrawn_on__isnull=True
    ).select_related("inmate__facility")
    to_answer = mine.filter(status=ReferralStatus.SENT).order_by("created_at", "pk")
    going = mine.filter(status__in=OPEN_REFERRALS).order_by("created_at", "pk")
    answer_items: list[Referral] = list(to_answer[:8])
    going_items: list[Referral] = list(going[:8])
    return [
        HomeCard(
            title=_("Referrals to answer"),
            body=_("People a facility referred to your organisation: accept or decline each."),
            items=[(_referral_label(r), r.get_absolute_url()) for r in answer_items],
            url=reverse("reintegration:referrals"),
            link_label=_("All referrals"),
            count=to_answer.count(),
            tone="action" if answer_items else "info",
            order=2,
        ),
        HomeCard(
            title=_("Referrals in progress"),
            body=_("Referrals you accepted: complete each with its outcome once served."),
            items=[(_referral_label(r), r.get_absolute_url()) for r in going_items],
            url=reverse("reintegration:referrals"),
            link_label=_("All referrals"),
            count=going.count(),
            tone="action" if going_items else "info",
            order=3,
        ),
    ]


def _handovers_card(request: HttpRequest, scope: Scope) -> HomeCard:
    """The hand-overs the officer's Bapas received that wait for it: not acknowledged
    yet, or acknowledged with no follow-up recorded yet (whoever the probation officer
    named), those awaiting acknowledgement first; each links to the person's hand-over
    page, the card to the list of hand-overs (two queries)."""
    done = FollowUp.objects.filter(release=OuterRef("pk"), done_on__isnull=False)
    received = (
        Release.objects.filter(bapas_id__in=scope.facility_ids(Role.PROBATION_OFFICER))
        .filter(Q(acknowledged_at__isnull=True) | ~Exists(done))
        .select_related("inmate__facility")
        .order_by(F("acknowledged_at").asc(nulls_first=True), "-released_on", "-pk")
    )
    rows: list[Any] = list(received[:8])
    return HomeCard(
        title=_("Hand-overs received"),
        body=_(
            "People released to your Bapas: acknowledge each hand-over, then contact them "
            "and record the first follow-up."
        ),
        items=[
            (
                (
                    _("%(name)s (%(kind)s, %(facility)s), released %(released)s: acknowledge")
                    if r.acknowledged_at is None
                    else _(
                        "%(name)s (%(kind)s, %(facility)s), released %(released)s: "
                        "first follow-up to record"
                    )
                )
                % {
                    "name": r.inmate.name,
                    "kind": r.get_kind_display(),
                    "facility": r.inmate.facility.name,
                    "released": f"{r.released_on:%d-%m-%Y}",
                },
                reverse("reintegration:plan", args=[r.inmate_id]),
            )
            for r in rows
        ],
        url=reverse("reintegration:handovers"),
        link_label=_("All hand-overs"),
        count=received.count(),
        tone="action" if rows else "info",
        order=3,
    )


def _answered_referrals_card(scope: Scope) -> HomeCard | None:
    """The facility's referrals a partner accepted, declined or completed in the last
    fourteen days (none: no card)."""
    from sinergi.inmates.models import Inmate

    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    # The facility's people read first (once, for the rows and their count), their
    # referrals then looked up by person: joined with the people, PostgreSQL read every
    # referral in the country answered lately and kept the facility's (0.13 s for the
    # largest facility at national scale; 10 ms this way).
    people = read_once(
        Inmate.objects.filter(facility_id__in=scope.facility_ids(*OFFICER_ROLES))
        .order_by()
        .values("pk")
    )
    answered = Referral.objects.filter(
        inmate__any_of=people,
        status__in=(ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.COMPLETED),
        updated_at__gte=since,
    ).select_related("inmate", "partner")
    rows: list[Referral] = list(answered.order_by("-updated_at", "-pk")[:8])
    if not rows:
        return None
    return HomeCard(
        title=_("Referrals answered"),
        body=_("What partners did with your referrals in the last 14 days."),
        items=[
            (
                f"{r.inmate.name} → {r.partner.name}: "
                + (
                    f"{r.get_status_display()} ({r.get_outcome_display()})"
                    if r.outcome
                    else str(r.get_status_display())
                ),
                r.get_absolute_url(),
            )
            for r in rows
        ],
        url=reverse("reintegration:referrals"),
        link_label=_("All referrals"),
        count=answered.count(),
        tone="info",
        order=14,
    )
