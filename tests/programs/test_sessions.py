"""A program's sessions: a session's page (cancelled or not)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation

from sinergi.programs import actions

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


# --- a session's page ---------------------------------------------------------------


def test_a_scheduled_session_page_offers_the_attendance_sheet(client_for, running):
    session = running.sessions.filter(date__lt=timezone.localdate()).first()
    text = client_for("petugas.selong").get(f"/programs/sessions/{session.pk}/", **EN)
    html = text.content.decode()
    assert "<h1>Attendance</h1>" in html
    assert f"/programs/sessions/{session.pk}/sheet.pdf" in html


def test_a_cancelled_session_page_says_so_without_the_attendance_sheet(
    client_for, running, selong, officer
):
    day = timezone.localdate() + datetime.timedelta(days=4)
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
