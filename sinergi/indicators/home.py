"""Who sees the dashboards in the menu, and the home card that leads there."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sinergi.core.navigation import HomeCard
from sinergi.core.roles import REPORT_READER_ROLES, Role
from sinergi.core.scoping import Scope

READER_ROLES = REPORT_READER_ROLES


def reads_dashboards(scope: Scope) -> bool:
    return (
        scope.is_admin
        or bool(scope.region_ids)
        or bool(scope.facility_ids(*READER_ROLES))
        or bool(scope.partner_ids(Role.PARTNER_USER))
    )


# How far back the Kanwil's card of signed reports looks.
SIGNED_RECENT_DAYS = 31


def signed_reports_card(region_ids: frozenset[int] | set[int]) -> HomeCard:
    """The monthly reports the region's facilities signed (or revised and signed again)
    in the last month, newest first, each a link to the report (one query)."""
    import datetime

    from django.utils import timezone
    from django.utils.formats import date_format

    from sinergi.core.lookups import first_rows_and_count
    from sinergi.indicators.models import ReportEdition

    since = timezone.now() - datetime.timedelta(days=SIGNED_RECENT_DAYS)
    signed = ReportEdition.objects.filter(
        report__facility__region_id__in=region_ids, signed_off_at__gte=since
    )
    rows, found = first_rows_and_count(
        signed.select_related("report__facility").order_by("-signed_off_at", "-pk"), 8
    )
    return HomeCard(
        title=_("Monthly reports signed in your region"),
        body=_("The reports the region's facilities signed in the last month, revisions included."),
        items=[
            (
                (
                    _("%(facility)s, %(month)s")
                    if e.number == 1
                    else _("%(facility)s, %(month)s (revised, edition %(number)s)")
                )
                % {
                    "facility": e.report.facility.name,
                    "month": date_format(e.report.month, "YEAR_MONTH_FORMAT"),
                    "number": e.number,
                },
                e.report.get_absolute_url(),
            )
            for e in rows
        ],
        url=reverse("indicators:reports"),
        link_label=_("All monthly reports"),
        count=found,
        tone="info",
        order=7,
    )


def cards(request: HttpRequest, scope: Scope) -> list[HomeCard]:
    if not (scope.is_admin or scope.region_ids or scope.facility_ids(Role.HEAD)):
        return []
    regional = [signed_reports_card(scope.region_ids)] if scope.region_ids else []
    return [
        *regional,
        HomeCard(
            title=_("Dashboards and monthly reports"),
            body=_(
                "Participation, cooperation and reintegration in figures, for any period; "
                "the monthly report to sign off; the public transparency pages."
            ),
            url=reverse("indicators:index"),
            link_label=_("Open the dashboards"),
            order=6,
        ),
    ]
