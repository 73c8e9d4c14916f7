"""The personal data statement (the export's summary.pdf) on the facility's letterhead,
signed by its signatory with the NIP, dated in Indonesian long form (issue 17)."""

from __future__ import annotations

import pytest

from tests.official_documents import HEAD, assert_official
from tests.privacy.test_export import _open, _url
from tests.privacy.world import build_person

pytestmark = pytest.mark.django_db


def test_the_summary_pdf_is_on_the_letterhead(client_for, demo_world):
    person = build_person()
    response = client_for("kalapas.selong").post(_url(person))
    _data, pdf = _open(response.content)
    assert_official(pdf, signatory=HEAD, day=person.inmate.facility.today())
