"""factory_boy factories for programs: a program, an enrolment, a session."""

from __future__ import annotations

import datetime
from typing import Any

import factory

from sinergi.programs.choices import ProgramCategory, ProgramKind, ProgramStatus
from sinergi.programs.models import Enrollment, Program, Session
from tests.factories import FacilityFactory, UserFactory
from tests.inmates.factories import InmateFactory


class ProgramFactory(factory.django.DjangoModelFactory):
    """A running vocational program of this year at a new facility (pass `facility=`)."""

    class Meta:
        model = Program
        skip_postgeneration_save = True

    facility = factory.SubFactory(FacilityFactory)
    kind = ProgramKind.INDEPENDENCE
    category = ProgramCategory.VOCATIONAL
    title = factory.Sequence(lambda n: f"Pelatihan Contoh {n}")
    capacity = 20
    start_date = factory.LazyFunction(lambda: datetime.date.today().replace(month=1, day=1))
    end_date = factory.LazyFunction(lambda: datetime.date.today().replace(month=12, day=31))
    status = ProgramStatus.RUNNING
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def partners(obj: Program, create: bool, extracted: Any, **kwargs: Any) -> None:
        """`ProgramFactory(partners=[partner, ...])` sets the partners."""
        if create and extracted:
            obj.partners.set(extracted)


class EnrollmentFactory(factory.django.DjangoModelFactory):
    """An inmate of the program's facility, enrolled on the program's first day."""

    class Meta:
        model = Enrollment

    program = factory.SubFactory(ProgramFactory)
    inmate = factory.SubFactory(InmateFactory, facility=factory.SelfAttribute("..program.facility"))
    enrolled_on = factory.SelfAttribute("program.start_date")
    enrolled_by = factory.SubFactory(UserFactory)


class SessionFactory(factory.django.DjangoModelFactory):
    """A scheduled two-hour morning session on the program's first day."""

    class Meta:
        model = Session

    program = factory.SubFactory(ProgramFactory)
    date = factory.SelfAttribute("program.start_date")
    start_time = datetime.time(8)
    end_time = datetime.time(10)
