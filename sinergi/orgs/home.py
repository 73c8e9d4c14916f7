"""Home-page cards about the organisations a user works in."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sinergi.core.navigation import HomeCard
from sinergi.core.scoping import Scope
from sinergi.orgs.models import Facility, Partner


def cards(request: HttpRequest, scope: Scope) -> list[HomeCard]:
    result: list[HomeCard] = []
    if scope.is_admin:
        result.append(
            HomeCard(
                title=_("Platform administration"),
                body=_(
                    "Add facilities, partners and users, and give each user a role in "
                    "their organisation."
                ),
                url=reverse("admin:index"),
                link_label=_("Open administration"),
                count=Facility.objects.count(),
                order=10,
            )
        )
    if scope.region_ids:
        facilities = list(Facility.objects.filter(region_id__in=scope.region_ids))
        result.append(
            HomeCard(
                title=_("Facilities in your region"),
                body=_("Open a facility to follow its programs and cooperation."),
                items=[(f.name, f.get_absolute_url()) for f in facilities],
                count=len(facilities),
                order=20,
            )
        )
    partner_ids = scope.partner_ids()
    if partner_ids:
        partners = list(Partner.objects.filter(pk__in=partner_ids))
        result.append(
            HomeCard(
                title=_("Your organisation"),
                body=_(
                    "Keep your organisation's contacts up to date so that facilities can "
                    "reach the right person."
                ),
                items=[(p.name, p.get_absolute_url()) for p in partners],
                order=30,
            )
        )
    facility_ids = scope.facility_ids()
    if facility_ids and not scope.is_admin:
        facilities = list(Facility.objects.filter(pk__in=facility_ids))
        result.append(
            HomeCard(
                title=_("Your facility"),
                body=_("Your facility's details and the partners you can work with."),
                items=[(f.name, f.get_absolute_url()) for f in facilities]
                + [(str(_("Partner directory")), reverse("orgs:partner_list"))],
                order=30,
            )
        )
    return result
