"""A user's preferences (e-mail notifications, language) change through accounts'
actions: audited, with history, only by the user themselves."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from sinergi.accounts.actions import set_email_notifications, set_language
from sinergi.accounts.models import User
from sinergi.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_switching_e_mail_notifications_off_on_the_page_is_audited_with_history(client_for):
    client = client_for("petugas.selong")
    before = User.objects.get(username="petugas.selong").history.count()
    response = client.post("/me/notifications/", {})
    assert response.status_code == 302
    officer = User.objects.get(username="petugas.selong")
    assert officer.email_notifications is False
    assert officer.history.count() == before + 1
    event = AuditEvent.objects.get(action="account.email_notifications")
    assert event.changes == {"email_notifications": [True, False]}
    client.post("/me/notifications/", {})  # unchanged: nothing more written
    assert AuditEvent.objects.filter(action="account.email_notifications").count() == 1


def test_choosing_a_language_is_audited_once_per_change(client_for):
    client = client_for("petugas.selong")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert User.objects.get(username="petugas.selong").language == "en"
    event = AuditEvent.objects.get(action="account.language")
    assert event.changes == {"language": ["", "en"]}


def test_the_language_action_refuses_a_language_of_no_one(user):
    officer = user("petugas.selong")
    with pytest.raises(ValidationError) as refused:
        set_language(user=officer, language="xx", by=officer)
    assert "language" in refused.value.message_dict
    officer.refresh_from_db()
    assert officer.language == ""


@pytest.mark.parametrize("other", ["admin", "kalapas.selong"])
def test_nobody_else_changes_a_users_preferences(user, other):
    officer = user("petugas.selong")
    with pytest.raises(PermissionDenied, match="their own preferences"):
        set_email_notifications(user=officer, enabled=False, by=user(other))
    with pytest.raises(PermissionDenied):
        set_language(user=officer, language="en", by=user(other))
    officer.refresh_from_db()
    assert officer.email_notifications is True and officer.language == ""
