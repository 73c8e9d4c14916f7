"""The program documents on the facility's letterhead, signed by its signatory with the
NIP, dated in Indonesian long form (issue 17): read from the PDF's text."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from sinergi.programs import actions
from tests.official_documents import ATTENDANCE_SIGNATORY, HEAD, assert_official
from tests.programs.test_attendance_and_certificates import (
    _complete,
    _from_start,
    _last_day_today,
    _past_session,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainee(running, inmates, officer):
    running.capacity = 20
    running.save()
    return _from_start(
        actions.enroll(program=running, inmate=inmates[0], by=officer).enrollment, running
    )


def test_the_certificate_is_on_the_letterhead_with_its_number_and_the_town(
    client_for, running, trainee, officer
):
    _complete(running, trainee, officer)
    _last_day_today(running)
    certificate = actions.issue_certificate(enrollment=trainee, by=officer)
    response = client_for("petugas.selong").get(f"/programs/certificates/{certificate.pk}.pdf")
    text = assert_official(response.content, day=certificate.issued_on, number=certificate.code)
    # The place line names the town, not the regency (Kabupaten Lombok Timur).
    assert "Kabupaten Lombok Timur," not in text
    # The letterhead and the signature fit on the certificate's one page.
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1


def test_the_attendance_sheet_is_signed_by_its_own_signatory(client_for, running, trainee):
    session = _past_session(running)
    response = client_for("petugas.selong").get(f"/programs/sessions/{session.pk}/sheet.pdf")
    assert_official(response.content, signatory=ATTENDANCE_SIGNATORY, day=session.date)


def test_the_development_record_is_on_the_letterhead(client_for, trainee):
    response = client_for("wali.selong").get(f"/programs/inmates/{trainee.inmate_id}/record.pdf")
    assert_official(response.content, signatory=HEAD, day=trainee.inmate.facility.today())
