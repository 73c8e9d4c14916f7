"""Each transition happens once: a second withdrawal of a consent or a second release of
the same person is a 409 (the page says so) and writes no second audit entry, also when
twenty arrive at the same moment."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.core.api import Conflict
from sinergi.core.models import AuditEvent
from sinergi.orgs.models import Facility, Partner
from sinergi.reintegration import actions
from sinergi.reintegration.models import Consent, FollowUp, Release
from tests.inmates.factories import make_inmate


def _person() -> object:
    return make_inmate(
        facility=Facility.objects.get(code="selong"),
        detention_start=datetime.date(2024, 6, 1),
        term_years=2,
    )


def _consent(person: object, officer: User) -> Consent:
    return actions.record_consent(
        inmate=person,
        partner=Partner.objects.get(code="disnaker-lotim"),
        purpose="Kerja",
        given_on=timezone.localdate(),
        by=officer,
    )


@pytest.mark.django_db
def test_a_second_withdrawal_is_a_conflict_and_writes_no_second_audit_entry(client_for, demo_world):
    officer = User.objects.get(username="petugas.selong")
    person = _person()
    consent = _consent(person, officer)
    stale = Consent.objects.get(pk=consent.pk)  # loaded before the first withdrawal
    actions.withdraw_consent(consent=consent, by=officer)
    with pytest.raises(Conflict):
        actions.withdraw_consent(consent=stale, by=officer)
    response = client_for("petugas.selong").post(
        f"/reintegration/consents/{consent.pk}/withdraw/", follow=True
    )
    shown = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert [tag for tag, _text in shown] == ["error"], shown
    assert AuditEvent.objects.filter(action="consent.withdraw").count() == 1


@pytest.mark.django_db
def test_a_second_release_is_a_conflict_in_the_api_and_writes_no_second_audit_entry(
    client_for, demo_world
):
    person = _person()
    client = client_for("petugas.selong")
    body = {"inmate_id": person.pk, "released_on": "2026-06-01", "kind": "expiry", "confirm": True}
    assert client.post("/api/v1/releases", body, content_type="application/json").status_code == 201
    again = client.post("/api/v1/releases", body, content_type="application/json")
    assert again.status_code == 409, again.content
    assert again.json()["code"] == "already_released"
    page = client.post(
        f"/reintegration/inmates/{person.pk}/release/",
        {"released_on": "2026-06-01", "kind": "expiry", "confirmed": "1"},
    )
    assert page.status_code == 200
    assert AuditEvent.objects.filter(action="release.create").count() == 1
    assert FollowUp.objects.count() == 4


def _at_once(count: int, work) -> list[BaseException]:
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            work()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_withdrawals_withdraw_once(demo_world):
    if connection.vendor != "postgresql":
        pytest.skip("row locks under concurrent transactions are tested on PostgreSQL")
    officer = User.objects.get(username="petugas.selong")
    consent = _consent(_person(), officer)
    errors = _at_once(
        20,
        lambda: actions.withdraw_consent(consent=Consent.objects.get(pk=consent.pk), by=officer),
    )
    assert len(errors) == 19 and all(isinstance(e, Conflict) for e in errors), errors
    assert AuditEvent.objects.filter(action="consent.withdraw").count() == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_releases_release_once(demo_world):
    if connection.vendor != "postgresql":
        pytest.skip("row locks under concurrent transactions are tested on PostgreSQL")
    officer = User.objects.get(username="petugas.selong")
    person = _person()
    errors = _at_once(
        20,
        lambda: actions.record_release(
            inmate=type(person).objects.get(pk=person.pk),
            by=officer,
            values={"released_on": datetime.date(2026, 6, 1), "kind": "expiry"},
        ),
    )
    assert len(errors) == 19 and all(isinstance(e, Conflict) for e in errors), errors
    assert Release.objects.filter(inmate=person).count() == 1
    assert AuditEvent.objects.filter(action="release.create").count() == 1
    assert FollowUp.objects.count() == 4
