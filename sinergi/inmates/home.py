"""Home-page cards for facility staff: rights to propose, scores to record, the import."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Min, Q, Sum
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from sinergi.core.navigation import HomeCard
from sinergi.core.roles import OFFICER_ROLES, STAFF_ROLES, Role
from sinergi.core.scoping import Scope
from sinergi.inmates.choices import ImportStatus, InmateStatus
from sinergi.inmates.models import (
    ImportBatch,
    Inmate,
    MonthlyAssessment,
    SentenceRecalculation,
    SentenceRecalculationFacility,
)
from sinergi.inmates.queries import (
    days_overdue,
    overdue_releases,
    release_day_reached,
    releases_due_today,
)

# How many people the alarm names on the home page (the list has them all).
ALARM_NAMES = 5

# How long the home page mentions the last recalculation.
RECALCULATION_NEWS_DAYS = 30


def cards(request: HttpRequest, scope: Scope) -> list[HomeCard]:
    facility_ids = scope.facility_ids(*STAFF_ROLES)
    if not facility_ids:
        return regional_alarm_cards(scope.region_ids) if scope.region_ids else []
    today = timezone.localdate()
    result: list[HomeCard] = []
    in_custody = Inmate.objects.filter(facility_id__in=facility_ids, status=InmateStatus.IN_CUSTODY)
    if not in_custody.exists():
        if scope.has_role(*OFFICER_ROLES):
            result.append(
                HomeCard(
                    title=_("Import your register from SDP"),
                    body=_(
                        "Sinergi has no inmates of your facility yet. Export the register "
                        "from SDP as CSV or Excel and import it: nobody types an inmate twice."
                    ),
                    url=reverse("inmates:import"),
                    link_label=_("Import from SDP"),
                    tone="action",
                    order=5,
                )
            )
        return result
    result += release_alarm_cards(facility_ids)
    if scope.has_role(*OFFICER_ROLES):
        # People, not person-and-right pairs (a person with PB and CB due is one):
        # those with a right due now, and those with one due within 90 days only.
        # Not for people whose release day has come: they are to be released (the alarm).
        # (A right within 90 days: the person's earliest is, which the database keeps;
        # the people counted from the facility's index, not their rights grouped.)
        to_release = release_day_reached(facility_ids).order_by().values("pk")
        people = (
            Inmate.objects.filter(
                facility_id__in=facility_ids,
                status=InmateStatus.IN_CUSTODY,
                earliest_right__lte=today + datetime.timedelta(days=90),
            )
            .exclude(pk__any_of=to_release)
            .order_by()
        )
        counts = people.aggregate(
            due=Count("pk", filter=Q(earliest_right__lte=today)), any=Count("pk")
        )
        due = counts["due"]
        soon = counts["any"] - due
        result.append(
            HomeCard(
                title=_("Integration rights to propose"),
                body=_("%(due)s can be proposed now; %(soon)s more within 90 days.")
                % {"due": due, "soon": soon},
                url=reverse("inmates:rights"),
                link_label=_("Open the worklist"),
                count=due,
                tone="action" if due else "info",
                order=20,
            )
        )
        result += _recalculation_cards(scope.facility_ids(*OFFICER_ROLES))
        last = (
            ImportBatch.objects.filter(facility_id__in=facility_ids, status=ImportStatus.DONE)
            .order_by("-created_at")
            .first()
        )
        if last is None or (timezone.now() - last.created_at) > datetime.timedelta(days=30):
            result.append(
                HomeCard(
                    title=_("Refresh the register from SDP"),
                    body=_(
                        "No SDP import in the last 30 days: import a fresh export so that "
                        "dates and rights stay right."
                    ),
                    url=reverse("inmates:import"),
                    link_label=_("Import from SDP"),
                    order=60,
                )
            )
    if scope.has_role(Role.GUARDIAN):
        from sinergi.inmates.score_sheet import this_month_of

        result.append(my_people_card(request, this_month_of(request.user)))
    if scope.has_role(Role.PROGRAM_OFFICER):
        month = today.replace(day=1)
        scored = MonthlyAssessment.objects.filter(
            month=month, inmate__facility_id__in=facility_ids
        ).count()
        unscored = in_custody.count() - scored
        result.append(
            HomeCard(
                title=_("Monthly scores (SPPN)"),
                body=_("%(n)s inmates in custody have no score for this month yet.")
                % {"n": max(unscored, 0)},
                # The walis' sheets, one per wali (a person without one: from the list).
                url=reverse("inmates:score_sheet"),
                link_label=_("Open the walis' scoring sheets"),
                count=max(unscored, 0),
                tone="action" if unscored > 0 else "info",
                order=25,
            )
        )
    return result


def my_people_card(request: HttpRequest, month: datetime.date) -> HomeCard:
    """The wali's people: how many they follow and how many are not scored this month,
    with the scoring sheet (one query)."""
    from sinergi.inmates.score_sheet import counts_of, people_of, scored_in

    counts = counts_of(request.user, month)
    people, unscored = counts["people"], counts["unscored"]
    # The first of those not scored yet, each a link to their page (one more query).
    to_score = (
        list(people_of(request.user).filter(~scored_in(month)).order_by("name", "pk")[:ALARM_NAMES])
        if unscored
        else []
    )
    body: Any
    if not people:
        body = _(
            "Nobody in custody has you as their wali yet: the program officers name the "
            "wali of each person."
        )
    else:
        body = ngettext(
            "You follow %(n)s person in custody; %(unscored)s not scored this month.",
            "You follow %(n)s people in custody; %(unscored)s not scored this month.",
            people,
        ) % {"n": people, "unscored": unscored}
    return HomeCard(
        title=_("My people (wali)"),
        body=body,
        url=reverse("inmates:score_sheet") if people else "",
        link_label=_("Score the month") if people else "",
        count=unscored,
        items=[(p.name, p.get_absolute_url()) for p in to_score],
        tone="action" if unscored else "info",
        order=15,
    )


def _recalculation_cards(facility_ids: set[int]) -> list[HomeCard]:
    """How many people's dates moved in the facilities' last written recalculation, when
    some did and it is recent (two queries)."""
    since = timezone.now() - datetime.timedelta(days=RECALCULATION_NEWS_DAYS)
    last = (
        SentenceRecalculation.objects.filter(
            applied=True, created_at__gte=since, facilities__facility_id__in=facility_ids
        )
        .order_by("-created_at", "-id")
        .values("pk", "created_at")
        .first()
    )
    if last is None:
        return []
    moved = (
        SentenceRecalculationFacility.objects.filter(
            recalculation_id=last["pk"], facility_id__in=facility_ids
        ).aggregate(n=Sum("inmates_changed"))["n"]
        or 0
    )
    if not moved:
        return []
    when = date_format(timezone.localtime(last["created_at"]).date(), "DATE_FORMAT")
    return [
        HomeCard(
            title=_("Sentence dates recalculated"),
            body=ngettext(
                "%(n)s person's dates moved in the last recalculation (%(date)s).",
                "%(n)s people's dates moved in the last recalculation (%(date)s).",
                moved,
            )
            % {"n": moved, "date": when},
            url=reverse("inmates:recalculation", args=[last["pk"]]),
            link_label=_("See whose dates moved"),
            count=moved,
            tone="warning",
            order=22,
        )
    ]


def release_alarm_cards(facility_ids: set[int]) -> list[HomeCard]:
    """The alarm at the top of the home page of the facility's head, officers and wali:
    who is held past their release date (in red, with the days overdue in words), and
    who must be released today (two or three queries)."""
    result: list[HomeCard] = []
    overdue = overdue_releases(facility_ids).order_by("release_due", "name", "pk")
    first = list(overdue[:ALARM_NAMES])
    if first:
        count = len(first) if len(first) < ALARM_NAMES else overdue.count()
        result.append(
            HomeCard(
                title=_("Held past release date"),
                body=ngettext(
                    "%(n)s person is recorded in custody after their release date. Record "
                    "the release today, or correct the sentence if the date is wrong.",
                    "%(n)s people are recorded in custody after their release date. Record "
                    "the releases today, or correct the sentences whose date is wrong.",
                    count,
                )
                % {"n": count},
                items=[
                    (
                        ngettext(
                            "%(name)s (%(number)s): Held past release date: %(days)s day",
                            "%(name)s (%(number)s): Held past release date: %(days)s days",
                            days_overdue(inmate),
                        )
                        % {
                            "name": inmate.name,
                            "number": inmate.registration_number,
                            "days": days_overdue(inmate),
                        },
                        inmate.get_absolute_url(),
                    )
                    for inmate in first
                ],
                url=reverse("inmates:overdue_releases"),
                link_label=_("See everyone held past their release date"),
                count=count,
                tone="danger",
                order=0,
            )
        )
    due = releases_due_today(facility_ids).order_by("name", "pk")
    today = list(due[:ALARM_NAMES])
    if today:
        due_count = len(today) if len(today) < ALARM_NAMES else due.count()
        result.append(
            HomeCard(
                title=_("Release due today"),
                body=ngettext(
                    "%(n)s person's release date is today: release them today.",
                    "%(n)s people's release date is today: release them today.",
                    due_count,
                )
                % {"n": due_count},
                items=[
                    (f"{inmate.name} ({inmate.registration_number})", inmate.get_absolute_url())
                    for inmate in today
                ],
                url=reverse("inmates:releases_today"),
                link_label=_("Open today's releases"),
                count=due_count,
                tone="warning",
                order=1,
            )
        )
    return result


def regional_alarm_cards(region_ids: frozenset[int] | set[int]) -> list[HomeCard]:
    """The alarm on a regional viewer's (Kanwil's) home page: how many people each
    facility of the region holds past their release date, with the longest wait in days,
    in red, linking to the list (one query, however many facilities)."""
    from sinergi.orgs.models import Facility

    facilities = Facility.objects.filter(region_id__in=region_ids)
    per_facility = list(
        overdue_releases(facilities)
        .order_by()
        .values("facility_id", "facility__name", "facility_today")
        .annotate(n=Count("pk"), first_due=Min("release_due"))
        .order_by("facility__name", "facility_id")
    )
    if not per_facility:
        return []
    url = reverse("inmates:overdue_releases")
    total = sum(row["n"] for row in per_facility)
    items = []
    for row in per_facility:
        longest = (
            max((row["facility_today"] - row["first_due"]).days, 0)
            if row["facility_today"] and row["first_due"]
            else 0
        )
        items.append(
            (
                # Two plurals, each chosen by its own number: the people and the days.
                ngettext(
                    "%(facility)s: %(n)s person held past release date, up to %(days)s",
                    "%(facility)s: %(n)s people held past release date, up to %(days)s",
                    row["n"],
                )
                % {
                    "facility": row["facility__name"],
                    "n": row["n"],
                    "days": ngettext("%(n)s day", "%(n)s days", longest) % {"n": longest},
                },
                url,
            )
        )
    return [
        HomeCard(
            title=_("Held past release date in your region"),
            body=ngettext(
                "%(n)s person is recorded in custody after their release date in the "
                "region's facilities. Ask the facility to record the release or correct "
                "the sentence.",
                "%(n)s people are recorded in custody after their release date in the "
                "region's facilities. Ask the facilities to record the releases or correct "
                "the sentences.",
                total,
            )
            % {"n": total},
            items=items,
            url=url,
            link_label=_("See everyone held past their release date"),
            count=total,
            tone="danger",
            order=0,
        )
    ]
