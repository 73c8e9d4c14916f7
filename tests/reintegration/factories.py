"""factory_boy factories for reintegration: a plan and its needs, a consent, a referral,
a release."""

from __future__ import annotations

import datetime

import factory

from sinergi.reintegration.assessment import ensure_default_assessment
from sinergi.reintegration.choices import Pathway, ReleaseKind
from sinergi.reintegration.models import Consent, Need, Referral, ReintegrationPlan, Release
from tests.factories import PartnerFactory, UserFactory
from tests.inmates.factories import InmateFactory


class PlanFactory(factory.django.DjangoModelFactory):
    """A reintegration plan on the assessment in use, written by a user."""

    class Meta:
        model = ReintegrationPlan

    inmate = factory.SubFactory(InmateFactory)
    assessment = factory.LazyFunction(ensure_default_assessment)
    created_by = factory.SubFactory(UserFactory)


class NeedFactory(factory.django.DjangoModelFactory):
    """A need for identity documents, not started, that the facility answers for."""

    class Meta:
        model = Need

    plan = factory.SubFactory(PlanFactory)
    pathway = Pathway.IDENTITY


class ConsentFactory(factory.django.DjangoModelFactory):
    """The inmate's consent, given today, to share with a partner for a referral."""

    class Meta:
        model = Consent

    inmate = factory.SubFactory(InmateFactory)
    partner = factory.SubFactory(PartnerFactory)
    purpose = "Rujukan"
    given_on = factory.LazyFunction(datetime.date.today)
    witnessed_by = factory.SubFactory(UserFactory)


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral sent to a partner, under a consent of the same inmate and partner."""

    class Meta:
        model = Referral

    inmate = factory.SubFactory(InmateFactory)
    partner = factory.SubFactory(PartnerFactory)
    consent = factory.SubFactory(
        ConsentFactory,
        inmate=factory.SelfAttribute("..inmate"),
        partner=factory.SelfAttribute("..partner"),
    )
    purpose = "Rujukan"
    contact = "Petugas"
    created_by = factory.SubFactory(UserFactory)


class ReleaseFactory(factory.django.DjangoModelFactory):
    """A release at the end of the sentence, today."""

    class Meta:
        model = Release

    inmate = factory.SubFactory(InmateFactory)
    released_on = factory.LazyFunction(datetime.date.today)
    kind = ReleaseKind.EXPIRY
    recorded_by = factory.SubFactory(UserFactory)
