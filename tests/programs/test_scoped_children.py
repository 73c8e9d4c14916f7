"""An enrolment, a waiting-list entry and a certificate are reached through one scoped
query (the programs whose participants the user sees): a 404 for whoever does not see
them, a 403 for whoever sees them but does not change the program."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from sinergi.accounts.models import User
from sinergi.programs import actions
from sinergi.programs.models import Certificate, Enrollment, WaitingListEntry
from tests.programs.conftest import selong_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def children(running, officer, inmates):
    enrollment = actions.enroll(program=running, inmate=inmates[0], by=officer).enrollment
    actions.enroll(program=running, inmate=inmates[1], by=officer)
    waiting = actions.enroll(program=running, inmate=inmates[2], by=officer).waiting
    session = running.sessions.get(date=selong_today())
    actions.record_attendance(session=session, marks={enrollment.pk: ("present", "")}, by=officer)
    actions.complete_early(
        enrollment=enrollment, reason="Bebas bersyarat", hours=Decimal(4), by=officer
    )
    certificate = actions.issue_certificate(enrollment=enrollment, by=officer)
    return enrollment, waiting, certificate


@pytest.mark.parametrize(
    ("username", "sees"),
    [
        ("petugas.selong", True),
        ("wali.selong", True),
        ("kanwil.ntb", True),
        ("instruktur.blk", False),  # teaches the program: figures and rosters only
        ("mitra.disnaker", False),
        ("petugas.lobar", False),
    ],
)
def test_the_scoped_queries_are_the_programs_whose_participants_the_user_sees(
    children, username, sees
):
    user = User.objects.get(username=username)
    enrollment, waiting, certificate = children
    assert Enrollment.objects.for_user(user).filter(pk=enrollment.pk).exists() is sees
    assert WaitingListEntry.objects.for_user(user).filter(pk=waiting.pk).exists() is sees
    assert Certificate.objects.for_user(user).filter(pk=certificate.pk).exists() is sees


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("petugas.lobar", 404),
        ("mitra.disnaker", 404),
        ("instruktur.blk", 404),
        ("wali.selong", 403),
    ],
)
def test_the_pages_of_a_programs_participants(client_for, children, username, status):
    enrollment, waiting, certificate = children
    client = client_for(username)
    response = client.get(reverse("programs:enrollment", args=[enrollment.pk]))
    assert response.status_code == status
    response = client.get(reverse("programs:certificate_pdf", args=[certificate.pk]))
    assert response.status_code == (404 if status == 404 else 200)
    response = client.post(
        reverse("programs:waiting_decide", args=[waiting.pk]), {"status": "declined"}
    )
    assert response.status_code == status
    response = client.post(
        reverse("programs:certificate_revoke", args=[certificate.pk]), {"reason": "x"}
    )
    assert response.status_code == status
    waiting.refresh_from_db()
    certificate.refresh_from_db()
    assert (waiting.status, certificate.status) == ("pending", "valid")
