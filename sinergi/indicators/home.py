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


def cards(request: HttpRequest, scope: Scope) -> list[HomeCard]:
    if not (scope.is_admin or scope.region_ids or scope.facility_ids(Role.HEAD)):
        return []
    return [
        HomeCard(
            title=_("Dashboards and monthly reports"),
            body=_(
                "Participation, cooperation and reintegration in figures, for any period; "
                "the monthly report to sign off; the public transparency pages."
            ),
            url=reverse("indicators:index"),
            link_label=_("Open the dashboards"),
            order=6,
        )
    ]
