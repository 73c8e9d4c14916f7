"""Notifications: in-app with an unread count, e-mail by preference, reminders once."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from sinergi.accounts.models import Notification, User
from sinergi.cooperation import actions
from sinergi.cooperation.models import ActionItem, Agreement, Meeting
from sinergi.orgs.models import Facility, Partner

pytestmark = pytest.mark.django_db


def test_submitting_notifies_the_partner_and_answering_the_facility(
    make_request,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    request = make_request("draft")
    with django_capture_on_commit_callbacks(execute=True):
        actions.transition_request(
            request=request, to="submitted", by=User.objects.get(username="kalapas.selong")
        )
    partner_note = Notification.objects.get(user__username="mitra.disnaker")
    assert request.title in partner_note.title
    assert any("mitra.disnaker@example.org" in m.to for m in mailoutbox)
    officer = User.objects.get(username="petugas.selong")
    officer.email_notifications = False
    officer.save()
    with django_capture_on_commit_callbacks(execute=True):
        actions.transition_request(
            request=request, to="accepted", by=User.objects.get(username="mitra.disnaker")
        )
    assert Notification.objects.filter(user=officer).exists()
    assert not any(officer.email in m.to for m in mailoutbox)


def test_the_bell_shows_the_unread_count_and_the_page_marks_read(client_for, make_request):
    user = User.objects.get(username="mitra.disnaker")
    Notification.objects.create(user=user, title="Ada permintaan baru", url="/")
    client = client_for("mitra.disnaker")
    assert client.get("/").context["unread_notifications"] == 1
    page = client.get("/me/notifications/")
    assert "Ada permintaan baru" in page.content.decode()
    assert client.get("/").context["unread_notifications"] == 0


def test_reminders_are_sent_once(demo_world):
    selong = Facility.objects.get(code="selong")
    today = timezone.localdate()
    meeting = Meeting.objects.create(facility=selong, title="Rakor", date=today)
    ActionItem.objects.create(
        meeting=meeting,
        title="Kirim data",
        due_date=today,
        owner_partner=Partner.objects.get(code="dukcapil-lotim"),
    )
    agreement = Agreement.objects.create(
        kind="pks",
        title="PKS",
        facility=selong,
        status="active",
        start_date=today,
        end_date=today + datetime.timedelta(days=20),
    )
    agreement.partners.set([Partner.objects.get(code="disnaker-lotim")])
    call_command("send_reminders", stdout=io.StringIO())
    first = Notification.objects.count()
    assert Notification.objects.filter(user__username="mitra.dukcapil").exists()
    # 90- and 30-day reminders of the agreement, each once, to the facility and partner.
    assert Notification.objects.filter(user__username="mitra.disnaker").count() == 2
    call_command("send_reminders", stdout=io.StringIO())
    assert Notification.objects.count() == first
