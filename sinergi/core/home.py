"""Home-page cards that core itself provides (audit, for those who read it)."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sinergi.core.models import AuditEvent
from sinergi.core.navigation import HomeCard
from sinergi.core.roles import Role
from sinergi.core.scoping import Scope


def cards(request: HttpRequest, scope: Scope) -> list[HomeCard]:
    if not (scope.is_admin or scope.has_role(Role.HEAD)):
        return []
    today = timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    count = AuditEvent.objects.for_user(request.user).filter(created_at__gte=start).count()
    return [
        HomeCard(
            title=_("Activity today"),
            body=_("Actions recorded today in the facilities you oversee."),
            url=reverse("audit_list") + f"?from={today.isoformat()}",
            link_label=_("Open the audit trail"),
            count=count,
            order=800,
        )
    ]
