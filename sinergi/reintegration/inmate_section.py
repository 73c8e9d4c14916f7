"""The reintegration section of the inmate page: whether the person has a plan, how many
of its needs are open, and the way to it (the person's wali and the officers update the
needs there)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest

from sinergi.core.permissions import has_perm
from sinergi.reintegration.choices import OPEN_NEED_STATUSES
from sinergi.reintegration.models import ReintegrationPlan


def inmate_section(request: HttpRequest, inmate: Any) -> tuple[str, dict[str, Any]] | None:
    if not has_perm(request.user, "reintegration.view_plan", inmate):
        return None
    plan = (
        ReintegrationPlan.objects.filter(inmate=inmate)
        .annotate(
            needs_count=Count("needs"),
            open_needs=Count("needs", filter=Q(needs__status__in=OPEN_NEED_STATUSES)),
        )
        .first()
    )
    return "reintegration/inmate_section.html", {
        "inmate": inmate,
        "plan": plan,
        "can_assess": has_perm(request.user, "reintegration.assess_needs", inmate),
    }
