"""factory_boy factories for cooperation: a support request, an agreement."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import factory

from sinergi.cooperation.choices import AgreementKind, RequestKind, RequestStatus
from sinergi.cooperation.models import Agreement, SupportRequest
from tests.factories import FacilityFactory, PartnerFactory, UserFactory


class SupportRequestFactory(factory.django.DjangoModelFactory):
    """A draft request for forty hours of an instructor, needed in thirty days."""

    class Meta:
        model = SupportRequest

    facility = factory.SubFactory(FacilityFactory)
    partner = factory.SubFactory(PartnerFactory)
    kind = RequestKind.INSTRUCTOR
    title = factory.Sequence(lambda n: f"Instruktur las {n}")
    quantity = Decimal(40)
    unit = "jam"
    needed_by = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=30))
    justification = "Kelas las"
    status = RequestStatus.DRAFT
    created_by = factory.SubFactory(UserFactory)


class AgreementFactory(factory.django.DjangoModelFactory):
    """A draft PKS of a facility for this year (pass `partners=[...]`)."""

    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    kind = AgreementKind.PKS
    title = factory.Sequence(lambda n: f"PKS Contoh {n}")
    facility = factory.SubFactory(FacilityFactory)
    start_date = factory.LazyFunction(lambda: datetime.date.today().replace(month=1, day=1))
    end_date = factory.LazyFunction(lambda: datetime.date.today().replace(month=12, day=31))

    @factory.post_generation
    def partners(obj: Agreement, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            obj.partners.set(extracted)
