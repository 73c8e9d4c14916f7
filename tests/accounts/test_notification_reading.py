"""A notification is shown in the reader's language, whichever language it was written
in for its recipient (the demo's users had chosen none: Indonesian)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy

from sinergi.accounts.models import Notification, User
from sinergi.accounts.notify import Text, notify
from sinergi.cooperation.choices import RequestStatus

pytestmark = pytest.mark.django_db


def _sent(user: User, **texts) -> Notification:
    (notification,) = notify([user], url="/", **texts)
    return Notification.objects.get(pk=notification.pk)


def test_a_notification_written_in_indonesian_reads_in_english_for_an_english_reader(user):
    recipient = user("kalapas.selong")
    assert recipient.reading_language == "id"
    notification = _sent(
        recipient,
        title=Text(
            gettext_lazy("Support request awaiting your approval: %(title)s"),
            title="Traktor tangan",
        ),
        body=Text(
            gettext_lazy("Drafted by %(who)s for %(partner)s: send it to the partner or not."),
            who="Petugas",
            partner=RequestStatus.SUBMITTED.label,
        ),
    )
    assert notification.title.startswith("Permintaan dukungan")  # written in Indonesian
    with translation.override("en"):
        assert notification.shown_title == (
            "Support request awaiting your approval: Traktor tangan"
        )
        label = str(RequestStatus.SUBMITTED.label)  # a label among the values, in English too
        assert notification.shown_body == (
            f"Drafted by Petugas for {label}: send it to the partner or not."
        )
    with translation.override("id"):
        assert notification.shown_title == notification.title
        assert notification.shown_body == notification.body


def test_a_date_among_the_values_is_written_the_readers_way(user):
    day = datetime.date(2026, 8, 17)
    notification = _sent(
        user("kalapas.selong"),
        title=Text(gettext_lazy("Support request awaiting your approval: %(title)s"), title=day),
    )
    with translation.override("en"):
        assert "17 August 2026" in notification.shown_title


def test_a_text_given_as_it_is_is_shown_as_it_is(user):
    notification = _sent(user("kalapas.selong"), title="Pesan langsung", body="Isi")
    with translation.override("en"):
        assert (notification.shown_title, notification.shown_body) == ("Pesan langsung", "Isi")


def test_the_notifications_page_shows_them_in_the_readers_language(client_for, user):
    _sent(
        user("kalapas.selong"),
        title=Text(
            gettext_lazy("Support request awaiting your approval: %(title)s"), title="Benih"
        ),
    )
    page = client_for("kalapas.selong").get("/me/notifications/", language="en")
    assert "Support request awaiting your approval: Benih" in page.content.decode()
