"""Every reintegration action refuses, by itself, whoever its rule (rules.py) does not
allow: the page and the API ask the same rule, but an action called from anywhere else
(a command, another app, a test) refuses too, and writes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.core.models import AuditEvent
from sinergi.orgs.models import Partner
from sinergi.reintegration import actions
from sinergi.reintegration.models import JobApplication, JobOpening

pytestmark = pytest.mark.django_db

OUTSIDERS = ["petugas.lobar", "wali.selong", "kanwil.ntb", "mitra.dukcapil", "pk.bapas"]


@pytest.fixture
def consented(officer, person):
    return actions.record_consent(
        inmate=person,
        partner=Partner.objects.get(code="dukcapil-lotim"),
        purpose="e-KTP",
        given_on=timezone.localdate(),
        by=officer,
    )


def _calls(person, consent, officer):
    plan = actions.start_plan(inmate=person, by=officer)
    need = plan.needs.first()
    dukcapil = consent.partner
    today = timezone.localdate()
    return {
        "start_plan": lambda by: actions.start_plan(inmate=person, by=by),
        "update_need": lambda by: actions.update_need(
            need=need, values={"status": "met"}, note="", by=by
        ),
        "record_consent": lambda by: actions.record_consent(
            inmate=person, partner=dukcapil, purpose="x", given_on=today, by=by
        ),
        "withdraw_consent": lambda by: actions.withdraw_consent(consent=consent, by=by),
        "refer": lambda by: actions.refer(
            inmate=person, partner=dukcapil, purpose="x", contact="x", by=by
        ),
        "record_release": lambda by: actions.record_release(
            inmate=person, values={"released_on": today, "kind": "expiry"}, by=by
        ),
        "attach_signed_form": lambda by: actions.attach_signed_form(
            consent=consent,
            upload=SimpleUploadedFile("f.pdf", b"%PDF-1.4\n", content_type="application/pdf"),
            by=by,
        ),
    }


@pytest.mark.parametrize("username", OUTSIDERS)
def test_an_outsider_is_refused_by_every_action_on_a_persons_plan(
    officer, person, consented, username
):
    outsider = User.objects.get(username=username)
    calls = _calls(person, consented, officer)
    events = AuditEvent.objects.count()
    for name, call in calls.items():
        with pytest.raises(PermissionDenied):
            call(outsider)
        assert AuditEvent.objects.count() == events, name


def test_only_a_businesss_own_users_post_its_openings(demo_world):
    business = Partner.objects.filter(kind="business").first()
    values = {"title": "Tukang las", "closing_date": timezone.localdate()}
    for username in ("petugas.selong", "mitra.dukcapil", "admin"):
        with pytest.raises(PermissionDenied):
            actions.post_job(
                partner=business, values=values, by=User.objects.get(username=username)
            )
    assert not JobOpening.objects.exists()


@pytest.mark.parametrize("username", ["petugas.lobar", "mitra.dukcapil", "wali.selong"])
def test_an_application_is_moved_only_by_the_facility_or_the_employer(officer, person, username):
    opening = JobOpening.objects.create(
        partner=Partner.objects.filter(kind="business").first(),
        title="Tukang las",
        closing_date=timezone.localdate(),
        vacancies=1,
    )
    application = JobApplication.objects.create(opening=opening, inmate=person, created_by=officer)
    with pytest.raises(PermissionDenied):
        actions.update_application(
            application=application, status="hired", note="", by=User.objects.get(username=username)
        )
    application.refresh_from_db()
    assert application.status == "applied"
    actions.update_application(application=application, status="interview", note="", by=officer)
    application.refresh_from_db()
    assert application.status == "interview"
