"""The factories of tests/ build records the models accept, consistent with each other."""

from __future__ import annotations

import pytest

from sinergi.reintegration.models import AssessmentVersion
from tests.cooperation.factories import AgreementFactory, SupportRequestFactory
from tests.factories import PartnerFactory
from tests.programs.factories import EnrollmentFactory, ProgramFactory, SessionFactory
from tests.reintegration.factories import (
    ConsentFactory,
    NeedFactory,
    ReferralFactory,
    ReleaseFactory,
)

pytestmark = pytest.mark.django_db

FACTORIES = [
    ProgramFactory,
    EnrollmentFactory,
    SessionFactory,
    SupportRequestFactory,
    AgreementFactory,
    NeedFactory,
    ConsentFactory,
    ReferralFactory,
    ReleaseFactory,
]


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_each_factory_builds_a_record_that_passes_the_models_validation(factory):
    record = factory()
    record.full_clean()
    assert type(record).objects.filter(pk=record.pk).exists()


def test_an_enrolled_inmate_lives_at_the_programs_facility():
    enrollment = EnrollmentFactory()
    assert enrollment.inmate.facility == enrollment.program.facility
    assert enrollment.enrolled_on == enrollment.program.start_date


def test_a_referral_goes_under_a_consent_of_the_same_inmate_and_partner():
    referral = ReferralFactory()
    assert referral.consent.inmate == referral.inmate
    assert referral.consent.partner == referral.partner


def test_a_program_and_an_agreement_take_their_partners():
    partners = PartnerFactory.create_batch(2)
    assert set(ProgramFactory(partners=partners).partners.all()) == set(partners)
    assert set(AgreementFactory(partners=partners).partners.all()) == set(partners)


def test_plans_share_the_assessment_in_use():
    first, second = NeedFactory(), NeedFactory()
    first.plan.full_clean()
    assert first.plan.assessment == second.plan.assessment
    assert AssessmentVersion.objects.filter(is_current=True).count() == 1
