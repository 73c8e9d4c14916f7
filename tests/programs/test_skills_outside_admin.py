"""Skills set where the work is done, not only in the admin (issue 16): a program's
officers choose the skills its certificate attests on the program's page and through the
API; an employer names the skills an opening asks for through the API too, by id or by
name, an unknown one refused with its name (422) and nothing written."""

from __future__ import annotations

import datetime

import pytest

from sinergi.accounts.models import User
from sinergi.core.models import AuditEvent
from sinergi.orgs.models import Partner
from sinergi.programs.models import Program, Skill
from sinergi.reintegration.models import JobOpening
from tests.programs.conftest import new_program, selong_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def welding(demo_world) -> Skill:
    Skill.objects.create(name="Menjahit")
    return Skill.objects.create(name="Pengelasan")


@pytest.fixture
def draft(selong, officer) -> Program:
    today = selong_today()
    return new_program(
        selong,
        officer,
        start_date=today + datetime.timedelta(days=7),
        end_date=today + datetime.timedelta(days=60),
    )


def _edit_data(client, program: Program) -> dict:
    form = client.get(f"/programs/{program.pk}/edit/").context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif isinstance(value, list | tuple):
            value = [getattr(v, "pk", v) for v in value]
        data[name] = value
    return data


def test_an_officer_sets_the_skills_on_the_program_page(client_for, draft, welding):
    client = client_for("petugas.selong")
    page = client.get(f"/programs/{draft.pk}/edit/").content.decode()
    assert 'name="skills"' in page and "Pengelasan" in page
    data = {**_edit_data(client, draft), "skills": [welding.pk]}
    response = client.post(f"/programs/{draft.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    assert list(draft.skills.all()) == [welding]
    event = AuditEvent.objects.filter(action="program.update").latest("pk")
    assert event.changes["skills"] == [[], [welding.pk]]
    assert "Pengelasan" in client.get(f"/programs/{draft.pk}/").content.decode()


def test_the_api_creates_a_program_with_skills_by_name_or_id(client_for, welding):
    sewing = Skill.objects.get(name="Menjahit")
    response = client_for("petugas.selong").post(
        "/api/v1/programs",
        {
            "facility": "selong",
            "kind": "independence",
            "category": "vocational",
            "title": "Las dan jahit",
            "capacity": 10,
            "start_date": "2027-01-04",
            "end_date": "2027-03-26",
            "skills": ["  pengelasan ", sewing.pk],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    program = Program.objects.get(pk=response.json()["id"])
    assert set(program.skills.all()) == {welding, sewing}


def test_the_api_changes_a_programs_skills_and_names_an_unknown_one(client_for, draft, welding):
    client = client_for("petugas.selong")
    url = f"/api/v1/programs/{draft.pk}"
    refused = client.patch(
        url, {"skills": ["Pengelasan", "Memasak", 999999]}, content_type="application/json"
    )
    assert refused.status_code == 422
    message = " ".join(refused.json()["errors"]["skills"])
    assert "Memasak" in message and "999999" in message
    assert not draft.skills.exists()
    done = client.patch(url, {"skills": ["PENGELASAN"]}, content_type="application/json")
    assert done.status_code == 200, done.content
    assert list(draft.skills.all()) == [welding]
    # Left out, the skills stay as they are.
    client.patch(url, {"location": "Bengkel"}, content_type="application/json")
    assert list(draft.skills.all()) == [welding]


@pytest.mark.parametrize("ref", [2**70, -1, 0, ""])
def test_an_id_no_key_holds_is_an_unknown_skill_not_a_server_error(client_for, draft, ref):
    response = client_for("petugas.selong").patch(
        f"/api/v1/programs/{draft.pk}", {"skills": [ref]}, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert not draft.skills.exists()


def test_an_outsider_cannot_set_a_programs_skills(client_for, draft, welding):
    response = client_for("petugas.lobar").patch(
        f"/api/v1/programs/{draft.pk}", {"skills": [welding.pk]}, content_type="application/json"
    )
    assert response.status_code == 404
    assert not draft.skills.exists()


@pytest.fixture
def employer(demo_world):
    boss = User.objects.create(username="mitra.bengkel")
    boss.memberships.create(
        role="partner_user", partner=Partner.objects.get(code="bengkel-rinjani")
    )
    return boss


def _opening(**more) -> dict:
    closing = selong_today() + datetime.timedelta(days=30)
    return {"title": "Tukang las", "closing_date": closing.isoformat(), **more}


def test_the_api_posts_an_opening_with_its_skills(client_for, employer, welding):
    response = client_for("mitra.bengkel").post(
        "/api/v1/job-openings",
        _opening(skills=["pengelasan", welding.pk]),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["skills"] == ["Pengelasan"]
    assert list(JobOpening.objects.get().skills.all()) == [welding]
    listed = client_for("mitra.bengkel").get("/api/v1/job-openings").json()["items"]
    assert listed[0]["skills"] == ["Pengelasan"]


def test_the_api_refuses_an_opening_asking_an_unknown_skill(client_for, employer, welding):
    response = client_for("mitra.bengkel").post(
        "/api/v1/job-openings",
        _opening(skills=["Pengelasan", "Tukang batu"]),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "Tukang batu" in " ".join(response.json()["errors"]["skills"])
    assert not JobOpening.objects.exists()
