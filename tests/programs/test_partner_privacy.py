"""What a partner who delivers a program, and an instructor, may see of its participants.

A partner organisation (its users and its instructors) sees aggregate figures of the
program; an instructor sees, on the roster of a session they teach, what taking attendance
needs: a partner's instructor the first names or the initials (as the facility chooses),
an instructor on the facility's staff the full names. Registration numbers are for the
facility's officers only; certificates reach partners only through the public
verification page."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from sinergi.core import pdf as core_pdf
from sinergi.orgs.models import Partner, RosterNames
from sinergi.programs import actions
from sinergi.programs.models import Session
from sinergi.programs.rules import roster_labels
from tests.factories import MembershipFactory, UserFactory
from tests.inmates.factories import make_inmate
from tests.programs.conftest import selong_today

pytestmark = pytest.mark.django_db

NAMES = ["Baiq Sri Wahyuni", "Lalu Ahmad Fauzi", "Muhammad Rizki"]
INITIALS = ["B. S. W.", "L. A. F.", "M. R."]
FIRST_NAMES = ["Baiq", "Lalu", "Muhammad"]
PARTNERS = ["mitra.disnaker", "instruktur.blk"]


def _past_session(program) -> Session:
    return program.sessions.filter(date__lt=selong_today()).order_by("date").first()


@pytest.fixture
def delivered(running, selong, officer):
    """The running Selong program delivered by the Disnaker (its partner user) and taught
    by the BLK's instructor, with three people enrolled from the first day; the first has
    completed it and holds a certificate."""
    running.partners.add(Partner.objects.get(code="disnaker-lotim"))
    running.capacity = 20
    running.save()
    people = [
        make_inmate(
            facility=selong,
            name=name,
            registration_number=f"AIII {n + 71}/25",
            detention_start=datetime.date(2025, 6, 1),
            term_years=4,
        )
        for n, name in enumerate(NAMES)
    ]
    enrollments = []
    for person in people:
        enrollment = actions.enroll(program=running, inmate=person, by=officer).enrollment
        enrollment.enrolled_on = running.start_date
        enrollment.save(update_fields=["enrolled_on"])
        enrollments.append(enrollment)
    for session in running.sessions.filter(date__lt=selong_today()):
        actions.record_attendance(
            session=session,
            marks={enrollments[0].pk: ("present", ""), enrollments[1].pk: ("sick", "")},
            by=officer,
        )
    actions.complete_early(
        enrollment=enrollments[0], reason="Bebas bersyarat", hours=Decimal(40), by=officer
    )
    certificate = actions.issue_certificate(enrollment=enrollments[0], by=officer)
    return {"people": people, "enrollments": enrollments, "certificate": certificate}


def _private_bits(delivered: dict[str, Any]) -> list[str]:
    people = delivered["people"]
    return [
        *(p.name for p in people),
        *(p.registration_number for p in people),
        delivered["certificate"].code,
    ]


@pytest.mark.parametrize("username", PARTNERS)
def test_a_partner_sees_no_participant_on_the_program_page(
    client_for, running, delivered, username
):
    response = client_for(username).get(f"/programs/{running.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    for private in _private_bits(delivered):
        assert private not in page
    assert f"/programs/enrollments/{delivered['enrollments'][1].pk}/" not in page
    # the aggregate figures instead
    figures = response.context["figures"]
    assert figures["enrolled"] == 2
    assert figures["completed"] == 1
    assert figures["certificates"] == 1
    assert figures["attendance_percent"] == 50


@pytest.mark.parametrize("username", ["petugas.selong", "kalapas.selong"])
def test_facility_officers_keep_the_participant_list(client_for, running, delivered, username):
    page = client_for(username).get(f"/programs/{running.pk}/").content.decode()
    people = delivered["people"]
    for person in people:
        assert person.name in page
    for person in people[1:]:  # the enrolled (the first has completed)
        assert person.registration_number in page
    assert delivered["certificate"].code in page


@pytest.mark.parametrize("username", PARTNERS)
def test_a_partner_gets_404_on_every_page_of_a_participant(
    client_for, running, delivered, username
):
    client = client_for(username)
    enrollment = delivered["enrollments"][0]
    certificate = delivered["certificate"]
    urls = [
        f"/programs/certificates/{certificate.pk}.pdf",
        f"/programs/enrollments/{enrollment.pk}/",
        f"/programs/{running.pk}/candidates/?q=Baiq",
        f"/programs/inmates/{enrollment.inmate_id}/record.pdf",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    posts = [
        (f"/programs/enrollments/{enrollment.pk}/", {"pre_test": "10"}),
        (f"/programs/enrollments/{delivered['enrollments'][1].pk}/certificate/", {}),
        (f"/programs/certificates/{certificate.pk}/revoke/", {"reason": "x"}),
        (f"/programs/enrollments/{delivered['enrollments'][2].pk}/end/", {"reason": "other"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url


@pytest.mark.parametrize("username", PARTNERS)
def test_a_partner_verifies_a_certificate_only_on_the_public_page(client_for, delivered, username):
    code = delivered["certificate"].code
    page = client_for(username).get(f"/verify/{code}/").content.decode()
    assert delivered["people"][0].name not in page
    assert client_for(username).get(f"/verify/{code}/").context["certificate"] is not None


@pytest.mark.parametrize("username", PARTNERS)
def test_the_api_gives_a_partner_no_participant_list(client_for, running, delivered, username):
    client = client_for(username)
    assert client.get(f"/api/v1/programs/{running.pk}/enrollments").status_code == 403
    body = client.get(f"/api/v1/programs/{running.pk}/sessions?page_size=200").content.decode()
    for private in _private_bits(delivered):
        assert private not in body


def test_a_partner_instructor_sees_initials_on_their_session_by_default(
    client_for, running, delivered, selong
):
    assert selong.instructor_roster_names == RosterNames.INITIALS
    session = _past_session(running)
    page = client_for("instruktur.blk").get(f"/programs/sessions/{session.pk}/").content.decode()
    for initials in INITIALS:
        assert initials in page
    for private in _private_bits(delivered):
        assert private not in page
    assert "Baiq" not in page


def test_a_partner_instructor_sees_first_names_when_the_facility_chooses(
    client_for, running, delivered, selong
):
    selong.instructor_roster_names = RosterNames.FIRST_NAME
    selong.save()
    session = _past_session(running)
    page = client_for("instruktur.blk").get(f"/programs/sessions/{session.pk}/").content.decode()
    for first in FIRST_NAMES:
        assert first in page
    for private in _private_bits(delivered):
        assert private not in page


def _sheet_html(client, session, monkeypatch) -> tuple[int, str]:
    """The attendance sheet's HTML as rendered for the PDF."""
    rendered: list[str] = []
    real = core_pdf.render_to_string

    def keep(*args: Any, **kwargs: Any) -> str:
        html = real(*args, **kwargs)
        rendered.append(html)
        return html

    monkeypatch.setattr(core_pdf, "render_to_string", keep)
    response = client.get(f"/programs/sessions/{session.pk}/sheet.pdf")
    return response.status_code, "".join(rendered)


def test_a_partner_instructors_attendance_sheet_follows_the_same_rule(
    client_for, running, delivered, monkeypatch
):
    status, html = _sheet_html(client_for("instruktur.blk"), _past_session(running), monkeypatch)
    assert status == 200
    for initials in INITIALS:
        assert initials in html
    for private in _private_bits(delivered):
        assert private not in html


def test_the_officers_attendance_sheet_has_names_and_registration_numbers(
    client_for, running, delivered, monkeypatch
):
    status, html = _sheet_html(client_for("petugas.selong"), _past_session(running), monkeypatch)
    assert status == 200
    for person in delivered["people"]:
        assert person.name in html and person.registration_number in html


def test_a_partner_instructor_sees_nothing_of_a_session_they_do_not_teach(
    client_for, running, delivered, selong, monkeypatch
):
    other = UserFactory()
    MembershipFactory(user=other, role="instructor", facility=selong)
    running.instructors.add(other)
    session = _past_session(running)
    session.instructor = other
    session.save(update_fields=["instructor"])
    client = client_for("instruktur.blk")
    response = client.get(f"/programs/sessions/{session.pk}/")
    assert response.status_code in (403, 404)
    assert "Baiq" not in response.content.decode() and "B. S. W." not in response.content.decode()
    status, html = _sheet_html(client, session, monkeypatch)
    assert status in (403, 404) and not html
    assert client.get(f"/api/v1/sessions/{session.pk}/attendance").status_code in (403, 404)
    # and the program page does not link to it
    page = client.get(f"/programs/{running.pk}/").content.decode()
    assert f"/programs/sessions/{session.pk}/" not in page


def test_a_facility_instructor_sees_full_names_without_registration_numbers(
    client, running, delivered, selong, monkeypatch
):
    teacher = UserFactory()
    MembershipFactory(user=teacher, role="instructor", facility=selong)
    running.instructors.add(teacher)
    session = _past_session(running)
    session.instructor = teacher
    session.save(update_fields=["instructor"])
    client.force_login(teacher)
    page = client.get(f"/programs/sessions/{session.pk}/").content.decode()
    _, html = _sheet_html(client, session, monkeypatch)
    for text in (page, html):
        for person in delivered["people"]:
            assert person.name in text
            assert person.registration_number not in text


def test_no_page_an_instructor_opens_shows_a_registration_number(client_for, running, delivered):
    client = client_for("instruktur.blk")
    session = _past_session(running)
    urls = [
        "/",
        "/programs/",
        "/programs/sessions/mine/",
        f"/programs/{running.pk}/",
        f"/programs/{running.pk}/sessions/",
        f"/programs/sessions/{session.pk}/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        for person in delivered["people"]:
            assert person.registration_number not in page, url


def test_the_officer_still_sees_registration_numbers_on_the_roster(client_for, running, delivered):
    session = _past_session(running)
    page = client_for("petugas.selong").get(f"/programs/sessions/{session.pk}/").content.decode()
    for person in delivered["people"]:
        assert person.name in page and person.registration_number in page


def test_roster_labels_follow_the_rule_and_tell_namesakes_apart():
    names = ["Ahmad Rizal", "Ahmad Rosyidi", "Siti Aminah", "  ", "I Made Wirawan"]
    assert roster_labels(names, RosterNames.INITIALS) == [
        "A. R. (1)",
        "A. R. (2)",
        "S. A.",
        "—",
        "I. M. W.",
    ]
    assert roster_labels(names, RosterNames.FIRST_NAME) == [
        "Ahmad (1)",
        "Ahmad (2)",
        "Siti",
        "—",
        "I",
    ]
    assert roster_labels(names, "full") == [
        "Ahmad Rizal",
        "Ahmad Rosyidi",
        "Siti Aminah",
        "—",
        "I Made Wirawan",
    ]


def test_the_administrator_sets_the_roster_names_of_a_facility(client_for, selong):
    client = client_for("admin")
    page = client.get(f"/admin/orgs/facility/{selong.pk}/change/").content.decode()
    assert 'name="instructor_roster_names"' in page
