"""A program's sessions: the program page, the list of all of them, a session's page
(cancelled or not), and the accessibility of the programs pages' sections."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from sinergi.programs import actions
from sinergi.programs.models import Holiday, Session
from tests.inmates.factories import make_inmate
from tests.programs.conftest import PROGRAM_SCOPE, new_program, selong_today

pytestmark = pytest.mark.django_db

EN = {"language": "en"}
DASH = "\N{EN DASH}"  # between the start and end times


def _sessions_url(program) -> str:
    return f"/programs/{program.pk}/sessions/"


# --- the program page ---------------------------------------------------------------


def test_the_program_page_links_the_list_of_all_its_sessions(client_for, running):
    total = running.sessions.count()
    assert total > 20  # more than the page shows
    text = client_for("petugas.selong").get(f"/programs/{running.pk}/", **EN).content.decode()
    assert f'<a href="{_sessions_url(running)}">All sessions ({total})</a>' in text


def test_the_program_page_shows_the_end_time_of_past_sessions(client_for, running):
    yesterday = running.sessions.get(date=selong_today() - datetime.timedelta(days=1))
    text = client_for("petugas.selong").get(f"/programs/{running.pk}/", **EN).content.decode()
    assert f'href="/programs/sessions/{yesterday.pk}/"' in text
    recent = text[text.index("Recent") :]
    assert f"08.00{DASH}12.00" in recent


# --- the list of all sessions ---------------------------------------------------------


def test_the_list_shows_every_session_with_its_status_and_reason(client_for, running, officer):
    later = running.sessions.filter(date__gt=selong_today() + datetime.timedelta(days=21))
    far = later.first()
    actions.cancel_session(session=far, reason="Instruktur pelatihan di Mataram", by=officer)
    client = client_for("kalapas.selong")
    page = client.get(_sessions_url(running), **EN)
    assert page.status_code == 200
    pages = page.context["page"].paginator.num_pages
    assert page.context["page"].paginator.count == running.sessions.count()
    text = "".join(
        client.get(_sessions_url(running), {"page": n}, **EN).content.decode()
        for n in range(1, pages + 1)
    )
    for session in running.sessions.all():
        assert f'href="/programs/sessions/{session.pk}/"' in text
    row = re.search(rf'href="/programs/sessions/{far.pk}/".*?</tr>', text, re.S)
    assert row is not None
    assert "Cancelled" in row.group(0)
    assert "Instruktur pelatihan di Mataram" in row.group(0)
    assert f"08.00{DASH}12.00" in row.group(0)
    assert "Instruktur BLK" in row.group(0)  # the instructor's name


@pytest.mark.parametrize(("username", "status"), PROGRAM_SCOPE)
def test_the_list_is_for_those_who_see_the_program(client_for, running, username, status):
    assert client_for(username).get(_sessions_url(running)).status_code == status


def test_the_list_sends_an_anonymous_visitor_to_sign_in(client, running):
    response = client.get(_sessions_url(running))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_list_runs_a_fixed_number_of_queries(client_for, selong, officer, instructor):
    program = new_program(selong, officer, title="Menjahit")
    program.instructors.set([instructor])
    client = client_for("petugas.selong")
    today = selong_today()

    def add(days):
        for n in days:
            Session.objects.create(
                program=program,
                date=today + datetime.timedelta(days=n),
                start_time=datetime.time(8),
                end_time=datetime.time(10),
                instructor=instructor,
                status="cancelled" if n % 3 == 0 else "scheduled",
                cancel_reason="Hujan" if n % 3 == 0 else "",
            )

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_sessions_url(program)).status_code == 200
        return len(ctx)

    add(range(2))
    few = count()
    add(range(2, 40))
    assert count() == few


# --- a session's page ---------------------------------------------------------------


def test_a_scheduled_session_page_offers_the_attendance_sheet(client_for, running):
    session = running.sessions.filter(date__lt=selong_today()).first()
    text = client_for("petugas.selong").get(f"/programs/sessions/{session.pk}/", **EN)
    html = text.content.decode()
    assert "<h1>Attendance</h1>" in html
    assert f"/programs/sessions/{session.pk}/sheet.pdf" in html


def test_a_cancelled_session_page_says_so_without_the_attendance_sheet(
    client_for, running, selong, officer
):
    day = selong_today() + datetime.timedelta(days=4)
    with translation.override("en"):  # the reason is written in the language of the moment
        actions.add_holiday(facility=selong, date=day, name="Nyepi", by=officer)
    session = running.sessions.get(date=day)
    html = (
        client_for("petugas.selong").get(f"/programs/sessions/{session.pk}/", **EN).content.decode()
    )
    assert "<h1>Cancelled session</h1>" in html
    assert "<h1>Attendance</h1>" not in html
    assert "sheet.pdf" not in html and "Attendance sheet to print" not in html
    assert "<p>Reason: Holiday: Nyepi</p>" in html
    assert "cancelled: Holiday" not in html


# --- accessibility --------------------------------------------------------------------


class _Labels(HTMLParser):
    """Every aria-labelledby of a page with the id of its element, and every id."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.references: list[tuple[str | None, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(values["id"] or "")
        for target in (values.get("aria-labelledby") or "").split():
            self.references.append((values.get("id"), target))


def _label_problems(html: str) -> list[str]:
    parser = _Labels()
    parser.feed(html)
    problems = [f"{own} labels itself" for own, target in parser.references if own == target]
    problems += [f"{t} is not on the page" for _own, t in parser.references if t not in parser.ids]
    problems += [f"{i} is used twice" for i in set(parser.ids) if parser.ids.count(i) > 1]
    return problems


def test_every_section_of_the_programs_pages_is_labelled_by_a_heading(
    client_for, running, inmates, selong, officer
):
    enrollment = actions.enroll(program=running, inmate=inmates[0], by=officer).enrollment
    day = selong_today() + datetime.timedelta(days=4)
    actions.add_holiday(facility=selong, date=day, name="Nyepi", by=officer)
    Holiday.objects.create(facility=selong, date=day + datetime.timedelta(days=1), name="Libur")
    cancelled = running.sessions.get(date=day)
    held = running.sessions.filter(date__lt=selong_today()).first()
    client = client_for("petugas.selong")
    pages = [
        f"/programs/{running.pk}/",
        _sessions_url(running),
        f"/programs/sessions/{held.pk}/",
        f"/programs/sessions/{cancelled.pk}/",
        f"/programs/enrollments/{enrollment.pk}/",
        f"/programs/holidays/?day={day.isoformat()}",
        "/programs/",
        enrollment.inmate.get_absolute_url(),  # with its development record section
    ]
    for url in pages:
        response = client.get(url, **EN)
        assert response.status_code == 200, url
        assert _label_problems(response.content.decode()) == [], url
    program_page = client.get(f"/programs/{running.pk}/", **EN).content.decode()
    assert '<section aria-labelledby="enrolment-title" id="enrolment">' in program_page


def test_the_list_says_which_past_sessions_were_held_and_which_lack_attendance(
    client_for, running, officer
):
    from sinergi.programs.models import Enrollment

    inmate = make_inmate(
        facility=running.facility, detention_start=datetime.date(2025, 6, 1), term_years=4
    )
    enrolment = actions.enroll(program=running, inmate=inmate, by=officer).enrollment
    Enrollment.objects.filter(pk=enrolment.pk).update(enrolled_on=running.start_date)
    past = list(running.sessions.filter(date__lt=selong_today() - datetime.timedelta(days=1)))
    held, forgotten = past[0], past[1]
    actions.record_attendance(session=held, marks={enrolment.pk: ("present", "")}, by=officer)
    page = client_for("petugas.selong").get(_sessions_url(running), **EN)
    rows = {s.pk: s for s in page.context["page"].object_list}
    html = page.content.decode()
    assert (rows[held.pk].marked, rows[held.pk].present) == (1, 1)
    assert "Held · 1 present" in html
    assert rows[forgotten.pk].marked == 0 and "Attendance not taken" in html


def test_an_ended_program_is_listed_with_how_many_were_enrolled(client_for, running, head, officer):
    for _ in range(2):
        inmate = make_inmate(
            facility=running.facility, detention_start=datetime.date(2025, 6, 1), term_years=4
        )
        actions.enroll(program=running, inmate=inmate, by=officer)
    html = client_for("petugas.selong").get("/programs/", **EN).content.decode()
    assert "2 / 2" in html  # running: places taken of the capacity
    actions.transition(program=running, to="cancelled", by=head, reason="Dana tidak tersedia")
    html = client_for("petugas.selong").get("/programs/", **EN).content.decode()
    assert "2 were enrolled" in html and "0 / 2" not in html
