"""Jobs matched by skills (issue 16): a skill of the vocabulary attested by a valid
certificate of a program that certifies it, or by a competency unit passed, meets an
opening asking for it, whatever the program's category; the match says which certificate
or unit meets which skill, for an opening and for a person."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Facility, Partner
from sinergi.programs.choices import CertificateStatus, CompetencyResult
from sinergi.programs.models import (
    Certificate,
    CompetencyAssessment,
    CompetencyUnit,
    Skill,
)
from sinergi.reintegration import actions, skills
from sinergi.reintegration.models import JobOpening
from tests.inmates.factories import make_inmate
from tests.programs.factories import EnrollmentFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def _near_release(name: str) -> Inmate:
    """A Selong inmate whose sentence ends within the release worklist's horizon."""
    today = timezone.localdate()
    return make_inmate(
        facility=Facility.objects.get(code="selong"),
        name=name,
        detention_start=today - datetime.timedelta(days=330),
        term_years=1,
    )


def _certify(inmate: Inmate, program) -> Certificate:
    enrolment = EnrollmentFactory(program=program, inmate=inmate)
    return Certificate.objects.create(
        enrollment=enrolment,
        issued_on=timezone.localdate(),
        hours=40,
        head_name="Kalapas",
        holder_name=inmate.name,
    )


@pytest.fixture
def world(demo_world):
    selong = Facility.objects.get(code="selong")
    welding = Skill.objects.create(name="Pengelasan")
    sewing = Skill.objects.create(name="Menjahit")
    # A welding course filed under 'small industry', not 'vocational'.
    las = ProgramFactory(facility=selong, title="Las Listrik", category="small_industry")
    las.skills.set([welding])
    farm = ProgramFactory(facility=selong, title="Pertanian", category="agriculture")
    unit = CompetencyUnit.objects.create(program=farm, code="LAS.01", title="Las alat tani")
    unit.skills.set([welding])
    certified = _near_release("Ahmad Las")
    _certify(certified, las)
    passed = _near_release("Baiq Unit")
    CompetencyAssessment.objects.create(
        enrollment=EnrollmentFactory(program=farm, inmate=passed),
        unit=unit,
        result=CompetencyResult.COMPETENT,
        assessed_on=timezone.localdate(),
    )
    not_yet = _near_release("Candra Belum")
    CompetencyAssessment.objects.create(
        enrollment=EnrollmentFactory(program=farm, inmate=not_yet),
        unit=unit,
        result=CompetencyResult.NOT_YET,
        assessed_on=timezone.localdate(),
    )
    revoked = _near_release("Dedi Dicabut")
    cert = _certify(revoked, las)
    cert.status = CertificateStatus.REVOKED
    cert.save()
    opening = JobOpening.objects.create(
        partner=Partner.objects.get(code="bengkel-rinjani"),
        title="Tukang las bengkel",
        sector="Bengkel",
        place="Selong",
        closing_date=timezone.localdate() + datetime.timedelta(days=30),
    )
    opening.skills.set([welding])
    sewing_job = JobOpening.objects.create(
        partner=Partner.objects.get(code="bengkel-rinjani"),
        title="Penjahit",
        sector="Konveksi",
        place="Selong",
        closing_date=timezone.localdate() + datetime.timedelta(days=30),
    )
    sewing_job.skills.set([sewing])
    return {
        "opening": opening,
        "sewing_job": sewing_job,
        "certified": certified,
        "passed": passed,
        "not_yet": not_yet,
        "revoked": revoked,
    }


def test_a_skill_name_is_one_skill_whatever_its_case(demo_world):
    Skill.objects.create(name="Pengelasan")
    with pytest.raises(IntegrityError):
        Skill.objects.create(name="pengelasan")


def test_a_welding_certificate_or_a_passed_welding_unit_meets_a_welding_job(world):
    found = actions.job_matches(world["opening"], Inmate.objects.all())
    assert set(found) == {world["certified"], world["passed"]}
    assert not actions.job_matches(world["sewing_job"], Inmate.objects.all()).exists()


def test_a_job_asking_for_a_category_still_matches_it(world):
    world["sewing_job"].skill_categories = ["small_industry"]
    world["sewing_job"].save()
    found = actions.job_matches(world["sewing_job"], Inmate.objects.all())
    assert set(found) == {world["certified"]}


def test_the_match_says_which_certificate_or_unit_meets_which_skill(world):
    welding = world["opening"].skills.get()
    certificate = Certificate.objects.get(enrollment__inmate=world["certified"])
    found = skills.evidence([world["certified"].pk, world["passed"].pk], {welding.pk})
    with translation.override("en"):
        assert [str(e) for e in found[world["certified"].pk]] == [
            f"certificate {certificate.code} (Las Listrik) meets “Pengelasan”"
        ]
        assert [str(e) for e in found[world["passed"].pk]] == [
            "competency unit LAS.01 Las alat tani (Pertanian) meets “Pengelasan”"
        ]


def test_the_openings_of_a_person_are_those_whose_skills_they_hold(world):
    openings = JobOpening.objects.all()
    assert list(skills.openings_for(world["passed"], openings)) == [world["opening"]]
    assert not skills.openings_for(world["not_yet"], openings).exists()


def test_the_opening_page_explains_each_match_in_a_bounded_number_of_queries(world, client_for):
    client = client_for("petugas.selong")
    url = world["opening"].get_absolute_url()
    with CaptureQueriesContext(connection) as few:
        page = client.get(url, language="en").content.decode()
    assert "Ahmad Las" in page and "Baiq Unit" in page
    assert "Candra Belum" not in page and "Dedi Dicabut" not in page
    assert "LAS.01 Las alat tani" in page
    farm = CompetencyUnit.objects.get(code="LAS.01")
    for n in range(3):
        person = _near_release(f"Tambahan {n}")
        CompetencyAssessment.objects.create(
            enrollment=EnrollmentFactory(program=farm.program, inmate=person),
            unit=farm,
            result=CompetencyResult.COMPETENT,
            assessed_on=timezone.localdate(),
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert "Tambahan 2" in page
    assert len(many) == len(few)


def test_a_persons_matching_jobs_page_explains_each_and_stays_bounded(world, client_for):
    client = client_for("petugas.selong")
    url = reverse("reintegration:person_jobs", args=[world["certified"].pk])
    with CaptureQueriesContext(connection) as few:
        page = client.get(url, language="en").content.decode()
    assert "Tukang las bengkel" in page and "Penjahit" not in page
    assert "(Las Listrik) meets “Pengelasan”" in page
    for n in range(3):
        extra = JobOpening.objects.create(
            partner=Partner.objects.get(code="bengkel-rinjani"),
            title=f"Las tambahan {n}",
            sector="Bengkel",
            place="Selong",
            closing_date=timezone.localdate() + datetime.timedelta(days=30),
        )
        extra.skills.set(world["opening"].skills.all())
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert "Las tambahan 2" in page
    assert len(many) == len(few)


@pytest.mark.parametrize(
    ("username", "status"),
    [("kalapas.selong", 200), ("petugas.lobar", 404), ("mitra.disnaker", 404), ("pk.bapas", 404)],
)
def test_a_persons_matching_jobs_page_is_refused_to_outsiders(world, client_for, username, status):
    url = reverse("reintegration:person_jobs", args=[world["certified"].pk])
    assert client_for(username).get(url).status_code == status


def test_an_employer_posts_an_opening_with_skills_of_the_vocabulary(world, client_for):
    from sinergi.accounts.models import User

    boss = User.objects.create(username="mitra.bengkel")
    boss.memberships.create(
        role="partner_user", partner=Partner.objects.get(code="bengkel-rinjani")
    )
    client = client_for("mitra.bengkel")
    form = client.get(reverse("reintegration:jobs")).content.decode()
    welding = Skill.objects.get(name="Pengelasan")
    assert f'name="skills" value="{welding.pk}"' in form
    response = client.post(
        reverse("reintegration:jobs"),
        {
            "title": "Juru las pagar",
            "sector": "Bengkel",
            "place": "Selong",
            "vacancies": "1",
            "skills": [welding.pk],
            "closing_date": (timezone.localdate() + datetime.timedelta(days=20)).isoformat(),
        },
    )
    assert response.status_code == 302
    opening = JobOpening.objects.get(title="Juru las pagar")
    assert list(opening.skills.all()) == [welding]
    assert set(actions.job_matches(opening, Inmate.objects.all())) == {
        world["certified"],
        world["passed"],
    }


def test_the_demo_programs_certify_skills_and_their_units_attest_them(demo_world):
    from io import StringIO

    from sinergi.inmates import demo as inmates_demo
    from sinergi.programs import demo as programs_demo
    from sinergi.programs.models import Program

    out = StringIO()
    inmates_demo.seed(out)
    programs_demo.seed(out)
    welding = Program.objects.get(title="Pelatihan Las Listrik (SMAW) 160 Jam")
    assert [s.name for s in welding.skills.all()] == ["Pengelasan"]
    safety = welding.units.get(code="C.25.200.00.001.1")
    assert [s.name for s in safety.skills.all()] == ["K3 pengelasan"]
    # the trainees found competent in it hold the skill
    holders = Inmate.objects.filter(skills.skill_match({safety.skills.get().pk}))
    assert holders.exists()


def test_an_opening_excluding_the_persons_offence_category_is_not_listed_for_them(world):
    crime = world["certified"].sentence.crime_category
    world["opening"].excluded_crime_categories = [crime]
    world["opening"].save()
    assert not skills.openings_for(world["certified"], JobOpening.objects.all()).exists()
    assert world["certified"] not in actions.job_matches(world["opening"], Inmate.objects.all())
