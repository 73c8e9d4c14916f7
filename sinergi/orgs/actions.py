"""Writes on organisations: atomic, attributed (``by=``), audited, history kept.

Plain edits of a region's, facility's or partner's details go through the admin, which
audits them (:class:`sinergi.core.admin.AuditedAdmin`); a unit's letterhead and
signatories are also edited by its head on the letterhead page, through the actions
below. What changes what others may do is an action here: a partner deactivated is no
longer offered to the facilities (see ``Partner.objects.serving``); reactivated, it is
again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sinergi.core import audit
from sinergi.core.permissions import require_perm
from sinergi.core.validators import validate_emblem
from sinergi.orgs.models import Facility, Partner, Region, Signatory


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


# --- letterheads and signatories ---------------------------------------------------------

# What the letterhead page edits (the emblem apart: a file).
LETTERHEAD_FIELDS = (
    "letterhead_ministry",
    "letterhead_lines",
    "letterhead_name",
    "address",
    "phone",
    "email",
    "town",
)
SIGNATORY_FIELDS = (
    "document_kind",
    "name",
    "nip",
    "title",
    "absent",
    "deputy_kind",
    "deputy_name",
    "deputy_nip",
)


def _require_letterhead_perm(by: Any, org: Facility | Region) -> None:
    perm = "orgs.change_region" if isinstance(org, Region) else "orgs.change_facility"
    require_perm(
        by,
        perm,
        org,
        message=_("Only the head of the unit or an administrator changes its letterhead."),
    )


def _facility_of(org: Facility | Region) -> int | None:
    return org.pk if isinstance(org, Facility) else None


@transaction.atomic
def update_letterhead(
    *,
    org: Facility | Region,
    by: Any,
    changes: Mapping[str, Any],
    emblem: Any = None,
    remove_emblem: bool = False,
) -> Facility | Region:
    """Change the kop surat of a facility or a regional office: the lines, name,
    address, telephone, e-mail, town, and the emblem (a PNG or JPEG checked by its
    content, ``validate_emblem``). History kept, audited with what changed."""
    _require_letterhead_perm(by, org)
    org = type(org).objects.select_for_update().get(pk=org.pk)
    changed: dict[str, Any] = {}
    for field in LETTERHEAD_FIELDS:
        if field not in changes:
            continue
        value = str(changes[field] or "").strip()
        if field == "letterhead_lines":
            value = "\n".join(line.strip() for line in value.splitlines() if line.strip())
        if getattr(org, field) != value:
            changed[field] = [getattr(org, field), value]
            setattr(org, field, value)
    if emblem is not None:
        validate_emblem(emblem)
        changed["emblem"] = [org.emblem.name or "", emblem.name]
        org.emblem = emblem
    elif remove_emblem and org.emblem:
        changed["emblem"] = [org.emblem.name, ""]
        org.emblem = ""
    if not changed:
        return org
    org.full_clean(exclude=["emblem"] if emblem is None else None)
    org._history_user = by  # type: ignore[union-attr]
    org._change_reason = "letterhead.update"  # type: ignore[union-attr]
    org.save(update_fields=[*changed, "updated_at"])
    audit.record(
        "letterhead.update", by=by, target=org, facility=_facility_of(org), changes=changed
    )
    return org


@transaction.atomic
def save_signatory(
    *,
    org: Facility | Region,
    by: Any,
    data: Mapping[str, Any],
    signatory: Signatory | None = None,
) -> Signatory:
    """Name (or change) who signs a kind of document for ``org``, and their deputy
    (Plh. or Plt.) who signs while they are marked absent. One signatory per kind."""
    _require_letterhead_perm(by, org)
    if signatory is None:
        signatory = Signatory(
            facility=org if isinstance(org, Facility) else None,
            region=org if isinstance(org, Region) else None,
        )
    elif signatory.organisation != org:
        raise PermissionDenied(_("This signatory belongs to another unit."))
    creating = signatory.pk is None
    changed: dict[str, Any] = {}
    for field in SIGNATORY_FIELDS:
        if field not in data:
            continue
        value = data[field]
        value = bool(value) if field == "absent" else str(value or "").strip()
        if getattr(signatory, field) != value:
            changed[field] = [getattr(signatory, field), value]
            setattr(signatory, field, value)
    if signatory.absent and not signatory.deputy_name:
        raise ValidationError(
            {"deputy_name": [_("Name the deputy who signs while the signatory is absent.")]}
        )
    if not changed and not creating:
        return signatory
    signatory.full_clean()
    signatory._history_user = by  # type: ignore[attr-defined]
    signatory.save()
    audit.record(
        "signatory.create" if creating else "signatory.update",
        by=by,
        target=signatory,
        facility=signatory.facility_id,
        changes=changed,
    )
    return signatory


@transaction.atomic
def delete_signatory(*, signatory: Signatory, by: Any) -> None:
    """The unit no longer names a signatory for this kind: its documents are signed by
    the signatory for any document (or the head)."""
    _require_letterhead_perm(by, signatory.organisation)
    audit.record(
        "signatory.delete",
        by=by,
        target=signatory,
        facility=signatory.facility_id,
        changes={"document_kind": signatory.document_kind, "name": signatory.name},
    )
    signatory._history_user = by  # type: ignore[attr-defined]
    signatory.delete()
