"""factory_boy factories for the foundation apps."""

from __future__ import annotations

import factory

from sinergi.accounts.models import Membership, User
from sinergi.core.roles import Role
from sinergi.orgs.models import Facility, FacilityKind, Partner, PartnerKind, Region


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"region-{n}")
    name = factory.Sequence(lambda n: f"Kanwil {n}")
    province = "Nusa Tenggara Barat"


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility

    code = factory.Sequence(lambda n: f"facility-{n}")
    name = factory.Sequence(lambda n: f"Lapas Kelas IIB Contoh {n}")
    kind = FacilityKind.LAPAS
    region = factory.SubFactory(RegionFactory)
    regency = "Kabupaten Contoh"


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    code = factory.Sequence(lambda n: f"partner-{n}")
    name = factory.Sequence(lambda n: f"Mitra Contoh {n}")
    kind = PartnerKind.BUSINESS
    regency = "Kabupaten Contoh"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Pengguna {n}")
    password = factory.django.Password("a-long-test-password")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.PROGRAM_OFFICER
    facility = factory.SubFactory(FacilityFactory)
