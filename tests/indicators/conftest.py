"""A small world for the indicator tests: two regions, three facilities, three partners,
and builders that create exactly the rows a test needs.

North holds facilities A and B, south holds facility C. Most tests use August 2025.
"""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from sinergi.cooperation.models import Agreement, Commitment, Fulfilment, SupportRequest
from sinergi.indicators.catalogue import Query, Value, get
from sinergi.indicators.periods import Period, parse_period
from sinergi.inmates.models import Inmate, MonthlyAssessment
from sinergi.orgs.models import Facility, Partner, Region
from sinergi.programs.models import Attendance, Certificate, Enrollment, Program, Session
from sinergi.reintegration.assessment import ensure_default_assessment
from sinergi.reintegration.models import (
    Consent,
    FollowUp,
    Need,
    NeedUpdate,
    Readmission,
    Referral,
    ReintegrationPlan,
    Release,
)
from tests.factories import FacilityFactory, PartnerFactory, RegionFactory
from tests.inmates.factories import InmateFactory

AUG = parse_period("2025-08")


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def local(text: str) -> datetime.datetime:
    """An aware datetime in the facility's time zone (WIB), e.g. ``2025-08-10 21:00``."""
    return timezone.make_aware(datetime.datetime.fromisoformat(text))


def compute(indicator_id: str, period: Period = AUG, **query: Any) -> dict[Any, Value]:
    return get(indicator_id).compute(Query(period, **query))


def check(value: Value, numerator: Any, denominator: Any, result: Any) -> None:
    """``value`` has this numerator, denominator and value (numbers compare as Decimals)."""

    def dec(x: Any) -> Decimal | None:
        return None if x is None else Decimal(str(x))

    assert (value.numerator, value.denominator, value.value) == (
        dec(numerator),
        dec(denominator),
        dec(result),
    )


class World:
    """The organisations, and builders for the records the indicators read."""

    def __init__(self) -> None:
        self.north = RegionFactory()
        self.south = RegionFactory()
        self.a = FacilityFactory(region=self.north, name="Lapas A")
        self.b = FacilityFactory(region=self.north, name="Lapas B")
        self.c = FacilityFactory(region=self.south, name="Lapas C")
        self.p = PartnerFactory(name="Mitra P")
        self.q = PartnerFactory(name="Mitra Q")
        self.r = PartnerFactory(name="Mitra R")
        self._numbers = itertools.count(1)

    # -- inmates and programs ----------------------------------------------------------

    def inmate(self, facility: Facility, **values: Any) -> Inmate:
        return InmateFactory(facility=facility, **values)

    def program(
        self,
        facility: Facility,
        *,
        kind: str = "independence",
        category: str = "vocational",
        partners: tuple[Partner, ...] = (),
        certification: str = "internal",
    ) -> Program:
        program = Program.objects.create(
            facility=facility,
            kind=kind,
            category=category,
            title=f"Program {next(self._numbers)}",
            capacity=20,
            start_date=day("2025-01-01"),
            end_date=day("2025-12-31"),
            certification=certification,
            status="running",
        )
        program.partners.set(partners)
        return program

    def enrol(
        self,
        program: Program,
        inmate: Inmate | None = None,
        *,
        on: str = "2025-07-01",
        ended: str | None = None,
        reason: str = "",
    ) -> Enrollment:
        return Enrollment.objects.create(
            program=program,
            inmate=inmate or self.inmate(program.facility),
            enrolled_on=day(on),
            ended_on=day(ended) if ended else None,
            end_reason=reason,
        )

    def session(self, program: Program, date: str, status: str = "scheduled") -> Session:
        return Session.objects.create(
            program=program,
            date=day(date),
            start_time=datetime.time(8),
            end_time=datetime.time(10),
            status=status,
        )

    def mark(
        self, session: Session, enrollment: Enrollment, status: str, hours: str = "0"
    ) -> Attendance:
        return Attendance.objects.create(
            session=session, enrollment=enrollment, status=status, hours=Decimal(hours)
        )

    def certificate(
        self, enrollment: Enrollment, issued: str, status: str = "valid"
    ) -> Certificate:
        return Certificate.objects.create(
            enrollment=enrollment,
            issued_on=day(issued),
            hours=Decimal(40),
            head_name="Kepala Lapas",
            holder_name=enrollment.inmate.name,
            status=status,
        )

    def score(self, inmate: Inmate, month: str, total: str) -> MonthlyAssessment:
        return MonthlyAssessment.objects.create(
            inmate=inmate,
            month=day(month),
            personality=70,
            independence=70,
            behaviour=70,
            mental_condition=70,
            total=Decimal(total),
        )

    # -- cooperation -------------------------------------------------------------------

    def agreement(
        self,
        *partners: Partner,
        facility: Facility | None = None,
        region: Region | None = None,
        start: str = "2024-01-01",
        end: str = "2026-12-31",
        status: str = "active",
    ) -> Agreement:
        agreement = Agreement.objects.create(
            kind="pks",
            title=f"PKS {next(self._numbers)}",
            facility=facility,
            region=region,
            start_date=day(start),
            end_date=day(end),
            status=status,
        )
        agreement.partners.set(partners)
        return agreement

    def commitment(
        self,
        agreement: Agreement,
        partner: Partner | None,
        *,
        kind: str = "instructors",
        target: str = "10",
        due: str = "2025-08-15",
    ) -> Commitment:
        return Commitment.objects.create(
            agreement=agreement,
            partner=partner,
            kind=kind,
            description="Komitmen",
            target_quantity=Decimal(target),
            unit="jam",
            due_date=day(due),
        )

    def request(
        self,
        facility: Facility,
        partner: Partner,
        *,
        kind: str = "instructor",
        status: str = "submitted",
        submitted: str | None = None,
        answered: str | None = None,
    ) -> SupportRequest:
        return SupportRequest.objects.create(
            facility=facility,
            partner=partner,
            kind=kind,
            title="Permintaan",
            quantity=Decimal(10),
            unit="jam",
            needed_by=day("2025-12-31"),
            justification="Untuk program",
            status=status,
            submitted_at=local(submitted) if submitted else None,
            answered_at=local(answered) if answered else None,
        )

    def deliver(
        self,
        partner: Partner,
        on: str,
        *,
        request: SupportRequest | None = None,
        commitment: Commitment | None = None,
        quantity: str = "1",
        value: str = "0",
    ) -> Fulfilment:
        return Fulfilment.objects.create(
            partner=partner,
            request=request,
            commitment=commitment,
            description="Pengiriman",
            delivered_on=day(on),
            quantity=Decimal(quantity),
            unit="jam",
            value_rupiah=Decimal(value),
        )

    # -- reintegration -----------------------------------------------------------------

    def release(
        self, facility: Facility, on: str, kind: str = "expiry", inmate: Inmate | None = None
    ) -> Release:
        inmate = inmate or self.inmate(facility, status="released")
        return Release.objects.create(inmate=inmate, released_on=day(on), kind=kind)

    def plan(self, inmate: Inmate) -> ReintegrationPlan:
        plan, _ = ReintegrationPlan.objects.get_or_create(
            inmate=inmate, defaults={"assessment": ensure_default_assessment()}
        )
        return plan

    def need(
        self,
        inmate: Inmate,
        pathway: str,
        status: str = "not_started",
        *,
        partner: Partner | None = None,
        met_at: str | None = None,
    ) -> Need:
        """A need of the inmate's plan; ``met_at`` records when it was marked met."""
        need = Need.objects.create(
            plan=self.plan(inmate), pathway=pathway, status=status, partner=partner
        )
        if met_at:
            update = NeedUpdate.objects.create(need=need, status="met")
            NeedUpdate.objects.filter(pk=update.pk).update(at=local(met_at))
        return need

    def refer(self, inmate: Inmate, partner: Partner, status: str, created: str) -> Referral:
        consent = Consent.objects.create(
            inmate=inmate, partner=partner, purpose="Rujukan", given_on=day("2025-01-01")
        )
        referral = Referral.objects.create(
            inmate=inmate,
            partner=partner,
            consent=consent,
            purpose="Rujukan",
            contact="Petugas",
            status=status,
        )
        Referral.objects.filter(pk=referral.pk).update(created_at=local(created))
        return referral

    def follow_up(
        self,
        release: Release,
        month: int,
        due: str,
        *,
        done: str | None = None,
        contact: bool = False,
        work: str = "",
        new_offence: bool = False,
    ) -> FollowUp:
        return FollowUp.objects.create(
            release=release,
            month=month,
            due_on=day(due),
            done_on=day(done) if done else None,
            contact_made=contact,
            work_status=work,
            new_offence=new_offence,
        )

    def readmit(self, release: Release, admitted: str) -> Readmission:
        again = self.inmate(release.inmate.facility, admission_date=day(admitted))
        return Readmission.objects.create(
            earlier_release=release, new_inmate=again, matched_by="nik"
        )


@pytest.fixture
def w(db: Any) -> World:
    return World()
