"""The TPP minutes, the proposal letter and the Litmas request letter on the facility's
letterhead, signed with the NIP, dated in Indonesian long form (issue 17)."""

from __future__ import annotations

import pytest

from sinergi.proposals import documents
from sinergi.proposals.choices import SentTo
from tests.official_documents import HEAD, assert_official
from tests.proposals.test_tpp import _decided, meeting, proposal  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

CHAIR_NIP = "197501011998031001"


def test_the_minutes_are_signed_by_the_chair_with_the_nip(meeting, proposal, officer, head):  # noqa: F811
    head.nip = CHAIR_NIP
    head.save()
    meeting.refresh_from_db()
    _decided(meeting, proposal, officer)
    text = assert_official(
        documents.render_minutes(meeting),
        signatory=(head.get_full_name(), CHAIR_NIP),
        day=meeting.held_on,
        number="W.22.PAS.PAS.11-PK.01.05-117",
    )
    assert "Ketua TPP" in text


def test_the_proposal_letter_is_signed_by_the_facilitys_signatory(meeting, proposal, officer):  # noqa: F811
    _decided(meeting, proposal, officer)
    assert_official(
        documents.render_proposal_letter(meeting, SentTo.KANWIL),
        signatory=HEAD,
        day=meeting.facility.today(),
    )


def test_the_litmas_letter_is_signed_by_the_facilitys_signatory(proposal):  # noqa: F811
    litmas = proposal.litmas_requests.get()
    assert_official(documents.render_litmas_letter(litmas), signatory=HEAD, day=litmas.requested_on)
