"""Certificates: issued once the enrolment completed (at the program's end or by an
early completion), revoked with a reason; the LSP's competency certification beside."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sinergi.accounts.models import User
from sinergi.accounts.queries import head_of
from sinergi.core import audit
from sinergi.core.api import Conflict
from sinergi.core.bounds import MAX_PROGRAM_HOURS
from sinergi.core.permissions import require_perm
from sinergi.programs.actions.common import CHANGE_PROGRAM, CHANGE_REFUSED
from sinergi.programs.actions.enrolment import _end_enrollment
from sinergi.programs.choices import (
    CertificateStatus,
    EndReason,
)
from sinergi.programs.models import (
    Certificate,
    CompetencyCertification,
    EarlyCompletion,
    Enrollment,
)
from sinergi.programs.queries import completion
from sinergi.programs.rules import text_problems

REVOKE_REASON_LENGTH = 300  # Certificate.revoked_reason's column
EARLY_REASON_LENGTH = 300  # EarlyCompletion.reason's column
ISSUER_LENGTH, NUMBER_LENGTH = 200, 100  # CompetencyCertification's columns


def _locked(enrollment: Enrollment) -> Enrollment:
    return (
        Enrollment.objects.select_for_update()
        .select_related("program__facility", "inmate")
        .get(pk=enrollment.pk)
    )


def _date(day: datetime.date) -> str:
    return date_format(day, "DATE_FORMAT")


def not_yet_certifiable(
    enrollment: Enrollment, early: EarlyCompletion | None, today: datetime.date
) -> Conflict | None:
    """Why no certificate may be issued for ``enrollment`` yet, whatever its attendance:
    it ended otherwise than completed, or its program runs and it was not completed
    early. None when the completion rule decides (``completion``)."""
    if early is not None:
        return None
    if enrollment.ended_on is not None and enrollment.end_reason != EndReason.COMPLETED:
        return Conflict(
            _("The enrolment ended without completing the program (%(reason)s).")
            % {"reason": enrollment.get_end_reason_display()},
            code="not_completed",
        )
    program = enrollment.program
    if today < program.end_date:
        return Conflict(
            _(
                "The program runs until %(date)s: its certificates are issued from that "
                "day on, or after recording an early completion."
            )
            % {"date": _date(program.end_date)},
            code="program_running",
        )
    return None


@transaction.atomic
def issue_certificate(
    *, enrollment: Enrollment, by: User, on: datetime.date | None = None
) -> Certificate:
    """Certify that ``enrollment`` completed its program: from the program's last day,
    when the completion rule was met at its end, or after an early completion
    (``complete_early``). Issuing changes neither the enrolment nor any count: the
    program's end (or the early completion) ends the enrolment. ``on``: the date of
    issue (today by default; never in the future nor before the completion)."""
    require_perm(by, CHANGE_PROGRAM, enrollment.program, message=CHANGE_REFUSED)
    enrollment = _locked(enrollment)
    program = enrollment.program
    facility = program.facility
    today = facility.today()
    day = on or today
    if hasattr(enrollment, "certificate"):
        raise Conflict(_("A certificate was already issued for this enrolment."), "exists")
    early = EarlyCompletion.objects.filter(enrollment=enrollment).first()
    refusal = not_yet_certifiable(enrollment, early, today)
    if refusal is not None:
        raise refusal
    earliest = early.completed_on if early else program.end_date
    if day > today:
        raise ValidationError({"issued_on": [_("The date of issue is in the future.")]})
    if day < earliest:
        raise ValidationError(
            {
                "issued_on": [
                    _("A certificate is dated no earlier than %(date)s.")
                    % {"date": _date(earliest)}
                ]
            }
        )
    status = completion(enrollment, earliest)
    if not status.met:
        raise Conflict(" ".join(status.missing), code="not_completed")
    hours = early.hours if early else status.hours
    certificate = Certificate.objects.create(
        enrollment=enrollment,
        issued_on=day,
        issued_by=by,
        hours=hours,
        program_hours=program.target_hours,
        head_name=head_of(facility) or facility.head_name or str(facility),
        holder_name=enrollment.inmate.name,
    )
    audit.record(
        "certificate.issue",
        by=by,
        target=certificate,
        facility=facility.pk,
        changes={
            "enrollment": enrollment.pk,
            "hours": str(hours),
            "program_hours": program.target_hours,
            "issued_on": day.isoformat(),
        },
    )
    return certificate


@transaction.atomic
def complete_early(
    *, enrollment: Enrollment, reason: str, hours: Decimal, by: User
) -> EarlyCompletion:
    """End ``enrollment`` as completed before its program's last day (the trainee is
    released or transferred, say), with the reason and the hours actually attended; the
    completion rule must be met so far. Only then may its certificate be issued while
    the program runs."""
    require_perm(by, CHANGE_PROGRAM, enrollment.program, message=CHANGE_REFUSED)
    reason = reason.strip()
    if not reason:
        raise Conflict(_("Give the reason for completing early."), code="reason_required")
    problems: dict[str, list[str]] = dict(text_problems("reason", reason, EARLY_REASON_LENGTH))
    enrollment = _locked(enrollment)
    program = enrollment.program
    limit = program.target_hours or MAX_PROGRAM_HOURS
    if not 0 <= hours <= limit:
        problems["hours"] = [
            _("The hours attended are between 0 and %(n)s, the program's hours.") % {"n": limit}
        ]
    if problems:
        raise ValidationError(problems)
    if enrollment.ended_on is not None:
        raise Conflict(_("This enrolment has already ended."), code="already_ended")
    today = program.facility.today()
    if program.has_ended or today >= program.end_date:
        raise Conflict(
            _(
                "The program's last day (%(date)s) has come: its certificates are issued "
                "without an early completion."
            )
            % {"date": _date(program.end_date)},
            code="program_over",
        )
    if today < program.start_date:
        raise Conflict(_("The program has not started."), code="not_started")
    status = completion(enrollment, today)
    if not status.met:
        raise Conflict(" ".join(status.missing), code="not_completed")
    early = EarlyCompletion.objects.create(
        enrollment=enrollment, completed_on=today, reason=reason, hours=hours, completed_by=by
    )
    _end_enrollment(enrollment=enrollment, reason=EndReason.COMPLETED, by=by, on=today)
    audit.record(
        "enrollment.complete_early",
        by=by,
        target=enrollment,
        facility=program.facility_id,
        changes={"reason": reason, "hours": str(hours), "completed_on": today.isoformat()},
    )
    return early


@transaction.atomic
def record_competency_certification(
    *,
    enrollment: Enrollment,
    issuer: str,
    number: str,
    issued_on: datetime.date,
    by: User,
) -> CompetencyCertification:
    """Record (or correct) the competency certificate an LSP issued to the trainee: the
    issuer, its number and its date. Sinergi's certificate then names it."""
    require_perm(by, CHANGE_PROGRAM, enrollment.program, message=CHANGE_REFUSED)
    issuer, number = issuer.strip(), number.strip()
    program = enrollment.program
    problems: dict[str, list[str]] = {}
    for field, value, limit in (
        ("issuer", issuer, ISSUER_LENGTH),
        ("number", number, NUMBER_LENGTH),
    ):
        if not value:
            problems[field] = [_("This field is required.")]
        problems.update(text_problems(field, value, limit))
    today = program.facility.today()
    if issued_on > today:
        problems["issued_on"] = [_("The date is in the future.")]
    elif issued_on < program.start_date:
        problems["issued_on"] = [
            _("The date is before the program started (%(date)s).")
            % {"date": _date(program.start_date)}
        ]
    if problems:
        raise ValidationError(problems)
    record, created = CompetencyCertification.objects.select_for_update().get_or_create(
        enrollment=enrollment,
        defaults={
            "issuer": issuer,
            "number": number,
            "issued_on": issued_on,
            "recorded_by": by,
        },
    )
    changes: dict[str, object] = {"issuer": issuer, "number": number, "issued_on": str(issued_on)}
    if not created:
        changes = {
            field: [str(getattr(record, field)), str(value)]
            for field, value in (("issuer", issuer), ("number", number), ("issued_on", issued_on))
            if str(getattr(record, field)) != str(value)
        }
        record.issuer, record.number, record.issued_on = issuer, number, issued_on
        record.recorded_by = by
        record.save(update_fields=["issuer", "number", "issued_on", "recorded_by", "updated_at"])
    audit.record(
        "competency_certification.record",
        by=by,
        target=record,
        facility=program.facility_id,
        changes={"enrollment": enrollment.pk, **changes},
    )
    return record


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
    certificate.revoked_on = certificate.enrollment.program.facility.today()
    certificate.save(update_fields=["status", "revoked_reason", "revoked_on", "updated_at"])
    audit.record(
        "certificate.revoke",
        by=by,
        target=certificate,
        facility=certificate.enrollment.program.facility_id,
        changes={"reason": reason},
    )
    return certificate
