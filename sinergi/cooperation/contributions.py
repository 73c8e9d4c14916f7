"""What a partner contributed to the programs it delivers: each figure defined once, here,
as a query; the partner's page, its home card and its record lists use these functions.

A partner *delivers or co-delivers* a program when the program lists it (or one of its
units, such as the BLK under the Dinas Tenaga Kerja) among its delivering partners, when
one of the program's instructors acts for it, or when someone acting for it taught one of
the program's sessions (or one of its deliveries reports the session).

A session *taught by the partner* is a session of such a program that was held (not
cancelled, on or before today, with at least one participant marked present) and that
was taught by someone acting for the partner or its units, reported on one of its
deliveries, or, without an instructor recorded, belongs to a program that lists the
partner as delivering it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractHour, ExtractMinute
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sinergi.cooperation.models import Fulfilment
from sinergi.core.lookups import union_of_ids
from sinergi.core.roles import PARTNER_ROLES
from sinergi.orgs.models import Partner
from sinergi.programs.choices import AttendanceStatus, CertificateStatus, SessionStatus
from sinergi.programs.models import Attendance, Certificate, Enrollment, Program, Session

# The record lists behind the figures, each with its definition (shown on the page).
RECORDS: dict[str, tuple[Promise, Promise]] = {
    "people": (
        _("People trained"),
        _(
            "Enrolments in the programs the partner delivers or co-delivers: programs "
            "that list it or one of its units as delivering partner, whose instructor acts "
            "for it, or one of whose sessions it taught. Each enrolment counts once, "
            "whether it is still running, completed or ended."
        ),
    ),
    "sessions": (
        _("Training hours taught"),
        _(
            "The length of the sessions the partner taught that were held: not cancelled, "
            "not in the future, with at least one participant marked present. A session "
            "counts for the partner when its instructor acts for the partner or one of its "
            "units, when a delivery of the partner reports it, or, with no instructor "
            "recorded, when its program lists the partner as delivering it."
        ),
    ),
    "attended": (
        _("Hours followed by participants"),
        _(
            "The hours credited on the attendance of those sessions, summed over the "
            "participants (a 4-hour session followed by 15 people counts 60 hours)."
        ),
    ),
    "certificates": (
        _("Certificates"),
        _("Valid certificates (not revoked) of the enrolments counted as people trained."),
    ),
}
# Which record list each figure opens.
RECORD_LISTS = ("people", "sessions", "certificates")


def partner_and_units(partner: Partner) -> QuerySet[Partner]:
    """The partner and the units under it (two levels: a Dinas, its UPTD, their sections)."""
    return Partner.objects.filter(
        Q(pk=partner.pk) | Q(parent_id=partner.pk) | Q(parent__parent_id=partner.pk)
    )


def _instructors(partner: Partner) -> Any:
    """The users who act or acted for the partner or its units (the user ids, a subquery)."""
    from sinergi.accounts.models import Membership

    return Membership.objects.filter(
        partner__in=partner_and_units(partner), role__in=PARTNER_ROLES
    ).values("user_id")


def taught_sessions(partner: Partner, today: datetime.date | None = None) -> QuerySet[Session]:
    """The held sessions taught by the partner (the module's definition)."""
    today = today or timezone.localdate()
    family = partner_and_units(partner)
    present = Attendance.objects.filter(session=OuterRef("pk"), status=AttendanceStatus.PRESENT)
    reported = Fulfilment.sessions.through.objects.filter(fulfilment__partner__in=family)
    listed = Program.objects.filter(partners__in=family).values("pk")
    # Taught by one of its people, or reported by one of its deliveries, or (with no
    # instructor) of a program that lists it: a UNION of the three lookups (an OR of them
    # read every session of the country: 14 s for a partner's home page at national scale).
    taught = union_of_ids(
        Session.objects.filter(instructor__in=_instructors(partner)),
        Session.objects.filter(pk__in=reported.values("session_id")),
        Session.objects.filter(instructor__isnull=True, program__in=listed),
    )
    return Session.objects.filter(
        Exists(present),
        pk__any_of=taught,
        status=SessionStatus.SCHEDULED,
        date__lte=today,
    )


def delivered_programs(partner: Partner, today: datetime.date | None = None) -> QuerySet[Program]:
    """The programs the partner delivers or co-delivers (the module's definition)."""
    family = partner_and_units(partner)
    return Program.objects.filter(
        pk__any_of=union_of_ids(
            Program.objects.filter(partners__in=family),
            Program.objects.filter(instructors__in=_instructors(partner)),
            Program.objects.filter(pk__any_of=taught_sessions(partner, today).values("program_id")),
        )
    )


def trained_enrollments(
    partner: Partner, today: datetime.date | None = None
) -> QuerySet[Enrollment]:
    """Figure "people trained": the enrolments of the programs the partner delivers."""
    return Enrollment.objects.filter(
        program_id__any_of=delivered_programs(partner, today).values("pk")
    )


def partner_certificates(
    partner: Partner, today: datetime.date | None = None
) -> QuerySet[Certificate]:
    """Figure "certificates": the valid certificates of those enrolments."""
    return Certificate.objects.filter(
        status=CertificateStatus.VALID,
        enrollment_id__any_of=trained_enrollments(partner, today).values("pk"),
    )


def _minutes(field: str) -> Any:
    return ExtractHour(field) * 60 + ExtractMinute(field)


def taught_hours(partner: Partner, today: datetime.date | None = None) -> Decimal:
    """Figure "training hours taught": the length of the sessions the partner taught."""
    minutes = taught_sessions(partner, today).aggregate(
        m=Coalesce(
            Sum(_minutes("end_time") - _minutes("start_time"), output_field=IntegerField()), 0
        )
    )["m"]
    return _hours(Decimal(minutes) / 60)


def attended_hours(partner: Partner, today: datetime.date | None = None) -> Decimal:
    """Figure "hours followed by participants": the hours credited on the attendance of
    the sessions the partner taught."""
    total = Attendance.objects.filter(
        session_id__any_of=taught_sessions(partner, today).values("pk")
    ).aggregate(h=Sum("hours"))["h"]
    return _hours(total or Decimal(0))


def _hours(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Figures:
    people_trained: int
    certificates: int
    taught_hours: Decimal
    attended_hours: Decimal


def figures(partner: Partner, today: datetime.date | None = None) -> Figures:
    """The partner's figures, one query each."""
    return Figures(
        people_trained=trained_enrollments(partner, today).count(),
        certificates=partner_certificates(partner, today).count(),
        taught_hours=taught_hours(partner, today),
        attended_hours=attended_hours(partner, today),
    )
