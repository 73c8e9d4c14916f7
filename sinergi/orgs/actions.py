"""Writes on organisations: atomic, attributed (``by=``), audited, history kept.

Plain edits of a region's, facility's or partner's details go through the admin, which
audits them (:class:`sinergi.core.admin.AuditedAdmin`). What changes what others may do
is an action here: a partner deactivated is no longer offered to the facilities (see
``Partner.objects.serving``); reactivated, it is again.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sinergi.core import audit
from sinergi.core.permissions import require_perm
from sinergi.orgs.models import Partner


def _set_active(partner: Partner, active: bool, by: Any, action: str, reason: str) -> Partner:
    require_perm(
        by,
        "orgs.deactivate_partner",
        partner,
        message=_("Only administrators deactivate or reactivate a partner."),
    )
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    if partner.is_active == active:
        return partner  # already so: nothing to write, nothing to audit
    partner.is_active = active
    partner._history_user = by  # type: ignore[attr-defined]
    partner._change_reason = reason or action  # type: ignore[attr-defined]
    partner.save(update_fields=["is_active", "updated_at"])
    changes: dict[str, Any] = {"is_active": [not active, active]}
    if reason:
        changes["reason"] = reason
    audit.record(action, by=by, target=partner, changes=changes)
    return partner


@transaction.atomic
def deactivate_partner(*, partner: Partner, by: Any, reason: str = "") -> Partner:
    """The partner stops cooperating: facilities are no longer offered it for new
    programs, requests, consents or referrals (what it already takes part in stays)."""
    return _set_active(partner, False, by, "partner.deactivate", reason.strip())


@transaction.atomic
def reactivate_partner(*, partner: Partner, by: Any) -> Partner:
    """The partner cooperates again and is offered to the facilities it serves."""
    return _set_active(partner, True, by, "partner.reactivate", "")
