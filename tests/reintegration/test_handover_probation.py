"""The hand-over to Bapas names the end of a parolee's probation (masa percobaan): the
remaining sentence plus 1 year (issue 13)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.template.loader import render_to_string

from sinergi.accounts.models import User
from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Facility
from sinergi.reintegration import actions

pytestmark = pytest.mark.django_db


def _release(person: Inmate, officer: User, kind: str) -> None:
    actions.start_plan(inmate=person, by=officer)
    actions.record_release(
        inmate=person,
        by=officer,
        values={
            # A release at the end of the sentence is on its last day (1 June 2026).
            "released_on": datetime.date(2025, 11, 1)
            if kind != "expiry"
            else datetime.date(2026, 6, 1),
            "kind": kind,
            "sk_number": "PAS-2.PK.01.05.06" if kind != "expiry" else "",
            "sk_date": datetime.date(2025, 10, 28) if kind != "expiry" else None,
            "bapas": Facility.objects.get(code="bapas-mataram"),
            "probation_officer": User.objects.get(username="pk.bapas"),
        },
    )


@pytest.fixture
def handover_html(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The HTML the hand-over PDF is made from (WeasyPrint left out)."""
    pages: list[str] = []

    def render(template: str, context: Any, request: Any = None) -> bytes:
        html = render_to_string(template, dict(context), request=request)
        pages.append(html)
        return html.encode()

    monkeypatch.setattr("sinergi.core.pdf.render_pdf", render)
    return pages


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_hand_over_of_a_parolee_shows_the_end_of_the_probation(
    client_for: Any, officer: User, person: Inmate, handover_html: list[str], language: str
) -> None:
    # 2 years from 1 June 2024: expiry 1 June 2026, no remisi; PB from the 2/3 date (1
    # February 2026 in calendar fractions: 730 x 2/3 = 486.67, 487 days) is before it.
    # Probation: the remaining sentence to 1 June 2026 + 1 year = 1 June 2027.
    _release(person, officer, "pb")
    client = client_for("petugas.selong")
    pdf = client.get(f"/reintegration/inmates/{person.pk}/handover.pdf", language=language)
    assert pdf.status_code == 200
    (html,) = handover_html
    if language == "id":
        assert "Akhir masa percobaan PB</th><td><strong>1 Juni 2027</strong>" in html
        assert "(sisa masa pidana ditambah 1 tahun)" in html
    else:
        assert (
            "End of the PB probation (masa percobaan)</th><td><strong>1 June 2027</strong>" in html
        )
    page = client.get(f"/reintegration/inmates/{person.pk}/", language=language).content.decode()
    assert ("1 Juni 2027" if language == "id" else "1 June 2027") in page
    assert 'class="pb-probation-end"' in page


def test_a_release_at_the_end_of_the_sentence_has_no_probation(
    client_for: Any, officer: User, person: Inmate, handover_html: list[str]
) -> None:
    _release(person, officer, "expiry")
    client_for("petugas.selong").get(f"/reintegration/inmates/{person.pk}/handover.pdf")
    (html,) = handover_html
    assert "pb-probation-end" not in html
    assert "2027" not in html


def test_the_real_pdf_is_still_a_pdf(client_for: Any, officer: User, person: Inmate) -> None:
    _release(person, officer, "pb")
    response = client_for("petugas.selong").get(f"/reintegration/inmates/{person.pk}/handover.pdf")
    assert response.content.startswith(b"%PDF")


def test_the_stored_probation_end_is_shown(
    client_for: Any, officer: User, person: Inmate, handover_html: list[str]
) -> None:
    """The date stored at the last recalculation is the one handed over (computed only
    when none was stored)."""
    _release(person, officer, "pb")
    assert person.sentence.pb_probation_end == datetime.date(2027, 6, 1)
    type(person.sentence).objects.filter(pk=person.sentence.pk).update(
        pb_probation_end=datetime.date(2027, 5, 31)
    )
    client_for("petugas.selong").get(f"/reintegration/inmates/{person.pk}/handover.pdf")
    (html,) = handover_html
    assert "31 Juni 2027" not in html and "31 Mei 2027" in html
