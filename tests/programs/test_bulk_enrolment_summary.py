"""Enrolling several people tells the outcome in one message (places, waiting list, or
why nobody was enrolled with each reason once); the schedule-versus-target notice is for
the approver only, before approval (issue 16)."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.contrib.messages import get_messages

from sinergi.programs import actions
from tests.inmates.factories import make_inmate
from tests.programs.conftest import new_program

pytestmark = pytest.mark.django_db


def _english(client):
    """The client as a user who chose English (the language switch's cookie)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _people(facility, n, prefix="Calon", sex="M"):
    return [
        make_inmate(
            facility=facility,
            name=f"{prefix} {i:02d}",
            sex=sex,
            detention_start=datetime.date(2025, 6, 1),
            term_years=4,
        )
        for i in range(n)
    ]


def test_one_message_sums_up_places_and_waiting_list(client_for, running, selong):
    people = _people(selong, 3)  # capacity 2
    response = _english(client_for("petugas.selong")).post(
        f"/programs/{running.pk}/enrol-many/",
        {"inmates": [p.pk for p in people]},
        follow=True,
    )
    shown = [str(m) for m in get_messages(response.wsgi_request)] or [
        str(m) for m in response.context["messages"]
    ]
    assert len(shown) == 1, shown
    assert "2 people enrolled." in shown[0]
    assert "1 person on the waiting list (Calon 02)" in shown[0]


def test_all_placed_is_one_success_message(client_for, running, selong):
    people = _people(selong, 2)
    response = _english(client_for("petugas.selong")).post(
        f"/programs/{running.pk}/enrol-many/",
        {"inmates": [p.pk for p in people]},
        follow=True,
    )
    shown = list(response.context["messages"])
    assert [str(m) for m in shown] == ["2 people enrolled."]
    assert shown[0].level_tag == "success"


def test_the_refusal_counts_those_stopped_and_gives_each_reason_once(client_for, running, selong):
    running.sex = "F"
    running.capacity = 10
    running.save(update_fields=["sex", "capacity"])
    women = _people(selong, 1, prefix="Wanita", sex="F")
    men = _people(selong, 2, prefix="Pria", sex="M")
    response = _english(client_for("petugas.selong")).post(
        f"/programs/{running.pk}/enrol-many/",
        {"inmates": [p.pk for p in women + men]},
    )
    assert response.status_code == 409
    refused = response.context["refused"]
    assert refused.startswith("Nobody was enrolled: 2 of the 3 chosen may not join.")
    assert "Pria 00, Pria 01." in refused
    assert not running.enrollments.exists()


def _mismatched(selong, officer):
    today = datetime.date.today()
    return new_program(
        selong,
        officer,
        target_hours=100,
        start_date=today + datetime.timedelta(days=7),
        end_date=today + datetime.timedelta(days=7 + 27),  # four weeks, 28 h a week: 112
    )


def test_the_schedule_notice_is_no_longer_shown_once_approved(client_for, selong, officer, head):
    program = _mismatched(selong, officer)
    page = client_for("petugas.selong").get(f"/programs/{program.pk}/").content.decode()
    assert 'class="schedule-mismatch' in page  # a draft: the officer may still fix it
    actions.transition(program=program, to="submitted", by=officer)
    actions.transition(program=program, to="approved", by=head)
    page = client_for("kalapas.selong").get(f"/programs/{program.pk}/").content.decode()
    assert 'class="schedule-mismatch' not in page
