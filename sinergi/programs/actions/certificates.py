"""Certificates: issued when the completion rule is met, revoked with a reason."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.accounts.models import User
from sinergi.core import audit
from sinergi.core.api import Conflict
from sinergi.core.permissions import require_perm
from sinergi.programs.actions.common import CHANGE_PROGRAM, CHANGE_REFUSED
from sinergi.programs.choices import (
    CertificateStatus,
    EndReason,
)
from sinergi.programs.models import (
    Certificate,
    Enrollment,
)
from sinergi.programs.queries import completion
from sinergi.programs.rules import completed_on, text_problems

REVOKE_REASON_LENGTH = 300  # Certificate.revoked_reason's column


@transaction.atomic
def issue_certificate(*, enrollment: Enrollment, by: User) -> Certificate:
    require_perm(by, CHANGE_PROGRAM, enrollment.program, message=CHANGE_REFUSED)
    enrollment = (
        Enrollment.objects.select_for_update()
        .select_related("program__facility", "inmate")
        .get(pk=enrollment.pk)
    )
    if hasattr(enrollment, "certificate"):
        raise Conflict(_("A certificate was already issued for this enrolment."), "exists")
    status = completion(enrollment)
    if not status.met:
        raise Conflict(" ".join(status.missing), code="not_completed")
    facility = enrollment.program.facility
    certificate = Certificate.objects.create(
        enrollment=enrollment,
        issued_on=timezone.localdate(),
        issued_by=by,
        hours=status.hours,
        head_name=facility.head_name or str(facility),
        holder_name=enrollment.inmate.name,
    )
    if enrollment.ended_on is None:
        enrollment.ended_on = completed_on(enrollment, timezone.localdate())
        enrollment.end_reason = EndReason.COMPLETED
        enrollment.save(update_fields=["ended_on", "end_reason", "updated_at"])
    audit.record(
        "certificate.issue",
        by=by,
        target=certificate,
        facility=facility.pk,
        changes={"enrollment": enrollment.pk, "hours": status.hours},
    )
    return certificate


@transaction.atomic
def revoke_certificate(*, certificate: Certificate, reason: str, by: User) -> Certificate:
    require_perm(by, CHANGE_PROGRAM, certificate.enrollment.program, message=CHANGE_REFUSED)
    if not reason.strip():
        raise Conflict(_("Give a reason for revoking."), code="reason_required")
    problems = text_problems("reason", reason.strip(), REVOKE_REASON_LENGTH)
    if problems:
        raise ValidationError(problems)
    if certificate.status == CertificateStatus.REVOKED:
        raise Conflict(_("This certificate is already revoked."), code="already_revoked")
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_reason = reason.strip()
    certificate.revoked_on = timezone.localdate()
    certificate.save(update_fields=["status", "revoked_reason", "revoked_on", "updated_at"])
    audit.record(
        "certificate.revoke",
        by=by,
        target=certificate,
        facility=certificate.enrollment.program.facility_id,
        changes={"reason": reason},
    )
    return certificate
