"""The hand-over to Bapas and the consent form on the facility's letterhead, signed by
its signatory with the NIP, dated in Indonesian long form (issue 17)."""

from __future__ import annotations

from typing import Any

import pytest

from sinergi.accounts.models import User
from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Partner
from sinergi.reintegration import actions
from sinergi.reintegration.models import Release
from tests.official_documents import HEAD, assert_official
from tests.reintegration.test_handover_probation import _release

pytestmark = pytest.mark.django_db


def test_the_hand_over_is_on_the_letterhead_and_names_the_pks_nip(
    client_for: Any, officer: User, person: Inmate
) -> None:
    pk = User.objects.get(username="pk.bapas")
    pk.nip = "198803082012122001"
    pk.save()
    _release(person, officer, "pb")
    response = client_for("petugas.selong").get(f"/reintegration/inmates/{person.pk}/handover.pdf")
    released_on = Release.objects.get(inmate=person).released_on
    text = assert_official(response.content, signatory=HEAD, day=released_on)
    assert "NIP 198803082012122001" in text  # the probation officer who receives


def test_the_consent_form_is_on_the_letterhead_acknowledged_by_the_signatory(
    client_for: Any, officer: User, person: Inmate
) -> None:
    actions.start_plan(inmate=person, by=officer)
    consent = actions.record_consent(
        inmate=person,
        partner=Partner.objects.get(code="dukcapil-lotim"),
        purpose="e-KTP",
        given_on=person.facility.today(),
        by=officer,
    )
    response = client_for("petugas.selong").get(f"/reintegration/consents/{consent.pk}/form.pdf")
    text = assert_official(response.content, signatory=HEAD, day=consent.given_on)
    assert "Mengetahui" in text
