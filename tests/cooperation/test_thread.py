"""A request's thread names each status change in the reader's language."""

from __future__ import annotations

import pytest
from django.utils import translation

from sinergi.accounts.models import User
from sinergi.cooperation.choices import RequestStatus

pytestmark = pytest.mark.django_db


def test_the_thread_names_a_status_in_the_readers_language(client_for, make_request):
    request = make_request(status=RequestStatus.SUBMITTED)
    request.events.create(
        author=User.objects.get(username="petugas.selong"),
        from_status="draft",
        to_status="submitted",
    )
    url = f"/cooperation/requests/{request.pk}/"
    english = client_for("petugas.selong").get(url, language="en")
    assert "status: Submitted" in english.content.decode()
    assert "status: submitted" not in english.content.decode()
    with translation.override("id"):
        label = str(RequestStatus.SUBMITTED.label)
    indonesian = client_for("petugas.selong").get(url, language="id")
    assert label in indonesian.content.decode()
    assert "status: submitted" not in indonesian.content.decode()
