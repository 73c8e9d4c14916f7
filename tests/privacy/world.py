"""One person with a record in every app, built as users build it (through the actions)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.core.roles import Role
from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Facility, Partner
from sinergi.programs import actions as program_actions
from sinergi.reintegration import actions as reintegration_actions
from tests.factories import MembershipFactory, UserFactory
from tests.inmates.factories import make_inmate
from tests.programs.conftest import new_program


@dataclass
class Person:
    inmate: Inmate
    program: Any
    session: Any
    enrollment: Any
    certificate: Any
    plan: Any
    consent: Any
    referral: Any
    opening: Any
    application: Any
    release: Any = None
    follow_up: Any = None


def build_person(*, name: str = "Baiq Rahmawati", release: bool = True) -> Person:
    """A Selong inmate enrolled (with attendance and a certificate), with a plan, consents,
    an accepted referral, a job application and, when ``release``, released to the Bapas
    with its follow-ups."""
    selong = Facility.objects.get(code="selong")
    officer = User.objects.get(username="petugas.selong")
    head = User.objects.get(username="kalapas.selong")
    inmate = make_inmate(
        facility=selong,
        name=name,
        detention_start=selong.today() - datetime.timedelta(days=700),
        term_years=2,
    )
    program = new_program(selong, officer, title="Las Listrik Privasi", capacity=5)
    program.instructors.set([User.objects.get(username="instruktur.blk")])
    program_actions.transition(program=program, to="submitted", by=officer)
    program_actions.transition(program=program, to="approved", by=head)
    program_actions.transition(program=program, to="running", by=officer)
    enrollment = program_actions.enroll(program=program, inmate=inmate, by=officer).enrollment
    enrollment.enrolled_on = program.start_date
    enrollment.save(update_fields=["enrolled_on"])
    past = list(program.sessions.filter(date__lt=timezone.localdate()).order_by("date"))
    for session in past:
        program_actions.record_attendance(
            session=session, marks={enrollment.pk: ("present", "")}, by=officer
        )
    program_actions.complete_early(
        enrollment=enrollment, reason="Bebas bersyarat", hours=Decimal(40), by=officer
    )
    certificate = program_actions.issue_certificate(enrollment=enrollment, by=officer)

    plan = reintegration_actions.start_plan(inmate=inmate, by=officer)
    disnaker = Partner.objects.get(code="disnaker-lotim")
    consent = reintegration_actions.record_consent(
        inmate=inmate,
        partner=disnaker,
        purpose="Pelatihan kerja",
        given_on=selong.today(),
        by=officer,
    )
    referral = reintegration_actions.refer(
        inmate=inmate, partner=disnaker, purpose="Pelatihan kerja", contact="Petugas", by=officer
    )
    reintegration_actions.transition_referral(
        referral=referral, to="accepted", by=User.objects.get(username="mitra.disnaker")
    )
    employer = Partner.objects.get(code="bengkel-rinjani")
    hrd = (
        User.objects.filter(username="hrd.rinjani").first()
        or MembershipFactory(
            user=UserFactory(username="hrd.rinjani"),
            role=Role.PARTNER_USER,
            partner=employer,
            facility=None,
        ).user
    )
    opening = reintegration_actions.post_job(
        partner=employer,
        values={"title": "Tukang las", "closing_date": selong.today() + datetime.timedelta(30)},
        by=hrd,
    )
    reintegration_actions.record_consent(
        inmate=inmate,
        partner=employer,
        purpose="Lamaran kerja",
        given_on=selong.today(),
        by=officer,
    )
    application = reintegration_actions.apply_for_job(opening=opening, inmate=inmate, by=officer)
    person = Person(
        inmate=inmate,
        program=program,
        session=past[0],
        enrollment=enrollment,
        certificate=certificate,
        plan=plan,
        consent=consent,
        referral=referral,
        opening=opening,
        application=application,
    )
    if release:
        person.release = reintegration_actions.record_release(
            inmate=inmate,
            by=officer,
            values={
                "released_on": selong.today() - datetime.timedelta(days=1),
                "kind": "pb",
                "sk_number": "PAS-12.PK.01.05.06",
                "sk_date": selong.today() - datetime.timedelta(days=2),
                "leaves_with": "Kakak, Jl. Pejanggik 12",
                "bapas": Facility.objects.get(code="bapas-mataram"),
                "probation_officer": User.objects.get(username="pk.bapas"),
            },
        )
        person.follow_up = person.release.follow_ups.order_by("due_on").first()
    inmate.refresh_from_db()
    return person
