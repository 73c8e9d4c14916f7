"""Every read of person-level data (pages, PDFs, API) writes exactly one read event;
a list or search is one event holding its query and how many records matched."""

from __future__ import annotations

import pytest
from django.db.models import Q

from sinergi.core.models import AuditEvent
from tests.privacy.world import Person, build_person

pytestmark = pytest.mark.django_db

# (name, user, url template, list?) — the url is formatted with the person's records.
READ_PATHS = [
    ("inmate search", "petugas.selong", "/inmates/?q=Rahmawati", True),
    ("inmate detail", "petugas.selong", "/inmates/{inmate}/", False),
    ("identity form", "petugas.selong", "/inmates/{inmate}/edit/", False),
    ("sentence sheet", "petugas.selong", "/inmates/{inmate}/sentence/", False),
    ("register F form", "petugas.selong", "/inmates/{inmate}/register-f/new/", False),
    ("monthly score form", "wali.selong", "/inmates/{inmate}/assessments/new/", False),
    ("status form", "petugas.selong", "/inmates/{inmate}/status/", False),
    ("rights worklist", "petugas.selong", "/inmates/rights/?window=3650", True),
    ("development record PDF", "petugas.selong", "/programs/inmates/{inmate}/record.pdf", False),
    ("program participants", "petugas.selong", "/programs/{program}/", True),
    ("enrolment candidates", "petugas.selong", "/programs/{program}/candidates/?q=Rah", True),
    ("enrolment", "petugas.selong", "/programs/enrollments/{enrollment}/", False),
    ("certificate PDF", "petugas.selong", "/programs/certificates/{certificate}.pdf", False),
    ("attendance roster", "petugas.selong", "/programs/sessions/{session}/", True),
    ("attendance sheet PDF", "petugas.selong", "/programs/sessions/{session}/sheet.pdf", True),
    ("reintegration worklist", "petugas.selong", "/reintegration/?days=730", True),
    ("plan, needs and consents", "petugas.selong", "/reintegration/inmates/{inmate}/", False),
    ("consent form PDF", "petugas.selong", "/reintegration/consents/{consent}/form.pdf", False),
    ("referral list", "mitra.disnaker", "/reintegration/referrals/", True),
    ("referral", "mitra.disnaker", "/reintegration/referrals/{referral}/", False),
    ("hand-over PDF", "petugas.selong", "/reintegration/inmates/{inmate}/handover.pdf", False),
    ("follow-up list", "pk.bapas", "/reintegration/follow-ups/?show=all", True),
    ("follow-up", "pk.bapas", "/reintegration/follow-ups/{follow_up}/", False),
    ("job applications", "petugas.selong", "/reintegration/jobs/{opening}/", True),
    ("API inmate search", "petugas.selong", "/api/v1/inmates?q=Rahmawati", True),
    ("API inmate", "petugas.selong", "/api/v1/inmates/{inmate}", False),
    ("API enrolments", "petugas.selong", "/api/v1/programs/{program}/enrollments", True),
    ("API attendance", "petugas.selong", "/api/v1/sessions/{session}/attendance", True),
    ("API worklist", "petugas.selong", "/api/v1/reintegration/worklist?days=730", True),
    ("API plan", "petugas.selong", "/api/v1/inmates/{inmate}/plan", False),
    ("API consents", "petugas.selong", "/api/v1/inmates/{inmate}/consents", True),
    ("API referrals", "mitra.disnaker", "/api/v1/referrals", True),
    ("API referral", "mitra.disnaker", "/api/v1/referrals/{referral}", False),
    ("API releases", "pk.bapas", "/api/v1/releases", True),
    ("API follow-ups", "pk.bapas", "/api/v1/follow-ups", True),
]

READS = Q(action__endswith=".view") | Q(action__endswith=".list")


@pytest.fixture
def person(demo_world) -> Person:
    return build_person()


def _url(template: str, person: Person) -> str:
    return template.format(
        inmate=person.inmate.pk,
        program=person.program.pk,
        enrollment=person.enrollment.pk,
        certificate=person.certificate.pk,
        session=person.session.pk,
        consent=person.consent.pk,
        referral=person.referral.pk,
        follow_up=person.follow_up.pk,
        opening=person.opening.pk,
    )


@pytest.mark.parametrize(
    ("username", "template", "is_list"),
    [pytest.param(u, t, lst, id=name) for name, u, t, lst in READ_PATHS],
)
def test_every_read_of_person_level_data_is_one_audit_event(
    client_for, person, username, template, is_list
):
    url = _url(template, person)
    client = client_for(username)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    response = client.get(url)
    assert response.status_code == 200, url
    events = list(AuditEvent.objects.filter(READS).exclude(pk__in=before))
    assert len(events) == 1, [e.action for e in events]
    event = events[0]
    assert event.actor_username == username
    assert event.changes["path"] == url.split("?")[0]
    if is_list:
        assert event.action.endswith(".list")
        assert isinstance(event.changes["count"], int)
        assert event.changes["query"] == (url.split("?", 1)[1] if "?" in url else "")
    else:
        assert event.action.endswith(".view")
        assert event.target_id


def test_a_list_read_names_the_search_and_how_many_matched(client_for, person):
    client_for("petugas.selong").get("/inmates/", {"q": "Rahmawati", "status": "released"})
    event = AuditEvent.objects.get(action="inmate.list")
    assert event.changes["query"] == "q=Rahmawati&status=released"
    assert event.changes["count"] == 1
    assert event.facility_id == person.inmate.facility_id


def test_an_api_list_read_is_written_once_the_page_is_counted(client_for, person):
    response = client_for("pk.bapas").get("/api/v1/follow-ups", {"page_size": 2})
    assert response.json()["count"] == 4
    event = AuditEvent.objects.get(action="followup.list")
    assert event.changes["count"] == 4
    assert event.changes["query"] == "page_size=2"


def test_an_outsider_is_refused_and_nothing_is_read(client_for, person):
    response = client_for("petugas.lobar").get(f"/inmates/{person.inmate.pk}/")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(READS, actor_username="petugas.lobar").exists()
