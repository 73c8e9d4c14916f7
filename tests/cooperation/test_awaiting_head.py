"""A step that awaits the head's approval tells the head (issue 16): a support request
drafted by an officer (the head sends it to the partner), a draft agreement (the head
approves it), and a proposal after its sidang TPP (the head sends it for decision,
tests/proposals/test_awaiting_head.py). The head is told once, not the one who acted,
and nobody of another facility."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from sinergi.accounts.models import Notification, User
from sinergi.cooperation import actions
from sinergi.orgs.models import Facility, Partner

pytestmark = pytest.mark.django_db


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _request_values() -> dict[str, object]:
    return {
        "partner": Partner.objects.get(code="disnaker-lotim"),
        "kind": "instructor",
        "title": "Instruktur las",
        "quantity": Decimal(40),
        "unit": "jam",
        "needed_by": timezone.localdate() + datetime.timedelta(days=30),
        "justification": "Kelas las",
    }


def _awaiting(username: str) -> list[Notification]:
    return list(
        Notification.objects.filter(user__username=username, key__endswith=":awaiting-head")
    )


def test_a_drafted_request_tells_the_head(demo_world: None) -> None:
    request = actions.create_request(
        facility=Facility.objects.get(code="selong"),
        values=_request_values(),
        by=_user("petugas.selong"),
    )
    (note,) = _awaiting("kalapas.selong")
    assert "Instruktur las" in note.title
    assert note.url == request.get_absolute_url()
    assert not _awaiting("petugas.selong")
    assert not _awaiting("petugas.lobar") and not _awaiting("mitra.disnaker")


def test_a_request_the_head_drafts_tells_nobody_else_of_it(demo_world: None) -> None:
    actions.create_request(
        facility=Facility.objects.get(code="selong"),
        values=_request_values(),
        by=_user("kalapas.selong"),
    )
    assert not _awaiting("kalapas.selong")


def test_a_draft_agreement_tells_the_head(demo_world: None) -> None:
    from sinergi.cooperation.models import Agreement

    selong = Facility.objects.get(code="selong")
    before = set(Agreement.objects.values_list("pk", flat=True))
    from tests.cooperation.test_agreement_forms import draft_values

    actions.save_agreement(
        facility=selong,
        values=draft_values(title="Pelatihan las bersama"),
        partners=[Partner.objects.get(code="disnaker-lotim")],
        commitments=[],
        by=_user("petugas.selong"),
    )
    (created,) = Agreement.objects.exclude(pk__in=before)
    (note,) = _awaiting("kalapas.selong")
    assert "Pelatihan las bersama" in note.title
    assert note.url == created.get_absolute_url()
