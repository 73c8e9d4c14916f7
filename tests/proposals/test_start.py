"""Starting a proposal: an eligible right of a person in custody, once while open, by
the facility's staff; the SDP reference recorded so nobody types it twice."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sinergi.accounts.models import User
from sinergi.core.errors import Conflict
from sinergi.core.models import AuditEvent
from sinergi.inmates.choices import InmateStatus, Right, RightStatus
from sinergi.inmates.models import InmateRight
from sinergi.proposals import actions
from sinergi.proposals.choices import Stage
from tests.proposals.factories import at_stage, other_bapas_pk

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", ["petugas.selong", "kalapas.selong", "wali.selong"])
def test_the_facility_staff_start_a_proposal_for_an_eligible_right(person, username):
    by = User.objects.get(username=username)
    proposal = actions.start_proposal(inmate=person, right=Right.PB, sdp_reference=" PB-1 ", by=by)
    right = InmateRight.objects.get(inmate=person, right=Right.PB)
    assert proposal.stage == Stage.ELIGIBLE
    assert proposal.eligible_on == right.eligible_from
    assert proposal.facility == person.facility
    assert proposal.sdp_reference == "PB-1"
    assert proposal.stage_since == person.facility.today()
    assert proposal.events.get().to_stage == Stage.ELIGIBLE
    event = AuditEvent.objects.get(action="proposal.create", target_id=str(proposal.pk))
    assert event.actor == by
    assert event.changes["sdp_reference"] == "PB-1"


@pytest.mark.parametrize(
    "username", ["petugas.lobar", "mitra.disnaker", "pk.bapas", "kanwil.ntb", "admin"]
)
def test_outsiders_cannot_start_a_proposal(person, username):
    with pytest.raises(PermissionDenied):
        actions.start_proposal(
            inmate=person, right=Right.PB, by=User.objects.get(username=username)
        )


def test_the_pk_of_another_bapas_cannot_start_a_proposal(person):
    with pytest.raises(PermissionDenied):
        actions.start_proposal(inmate=person, right=Right.PB, by=other_bapas_pk())


def test_a_right_the_engine_does_not_make_eligible_is_refused(person, officer):
    InmateRight.objects.filter(inmate=person, right=Right.PB).update(status=RightStatus.BLOCKED)
    with pytest.raises(ValidationError) as refused:
        actions.start_proposal(inmate=person, right=Right.PB, by=officer)
    assert "right" in refused.value.message_dict


def test_an_eligible_right_without_its_date_is_refused(person, officer):
    InmateRight.objects.filter(inmate=person, right=Right.PB).update(eligible_from=None)
    with pytest.raises(ValidationError):
        actions.start_proposal(inmate=person, right=Right.PB, by=officer)


def test_a_future_eligibility_may_be_prepared_ahead(person, officer):
    later = person.facility.today() + datetime.timedelta(days=60)
    InmateRight.objects.filter(inmate=person, right=Right.PB).update(eligible_from=later)
    proposal = actions.start_proposal(inmate=person, right=Right.PB, by=officer)
    assert proposal.eligible_on == later


def test_one_open_proposal_per_right_and_another_once_closed(person, officer):
    first = actions.start_proposal(inmate=person, right=Right.PB, by=officer)
    with pytest.raises(Conflict) as refused:
        actions.start_proposal(inmate=person, right=Right.PB, by=officer)
    assert refused.value.code == "proposal_already_open"
    at_stage(first, Stage.WITHDRAWN)
    assert actions.start_proposal(inmate=person, right=Right.PB, by=officer).pk != first.pk


def test_a_person_not_in_custody_is_not_proposed(person, officer):
    type(person).objects.filter(pk=person.pk).update(status=InmateStatus.RELEASED)
    with pytest.raises(Conflict):
        actions.start_proposal(inmate=person, right=Right.PB, by=officer)


def test_the_sdp_reference_is_recorded_later_and_audited(person, officer):
    proposal = actions.start_proposal(inmate=person, right=Right.PB, by=officer)
    actions.set_sdp_reference(proposal=proposal, sdp_reference="PB/2026/0042", by=officer)
    proposal.refresh_from_db()
    assert proposal.sdp_reference == "PB/2026/0042"
    assert AuditEvent.objects.filter(action="proposal.reference").exists()
    with pytest.raises(PermissionDenied):
        actions.set_sdp_reference(
            proposal=proposal, sdp_reference="X", by=User.objects.get(username="petugas.lobar")
        )
    with pytest.raises(ValidationError):
        actions.set_sdp_reference(proposal=proposal, sdp_reference="X" * 101, by=officer)


def test_documents_are_checked_by_content_and_kept_by_the_staff(person, officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.proposals.factories import pdf

    proposal = actions.start_proposal(inmate=person, right=Right.PB, by=officer)
    fake = SimpleUploadedFile("surat.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as refused:
        actions.add_document(proposal=proposal, kind="statement", file=fake, by=officer)
    assert "file" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        actions.add_document(proposal=proposal, kind="nonsense", file=pdf(), by=officer)
    assert "kind" in refused.value.message_dict
    for outsider in ("petugas.lobar", "mitra.disnaker", "pk.bapas"):
        with pytest.raises(PermissionDenied):
            actions.add_document(
                proposal=proposal,
                kind="statement",
                file=pdf(),
                by=User.objects.get(username=outsider),
            )
    document = actions.add_document(proposal=proposal, kind="statement", file=pdf(), by=officer)
    assert document.received_on == person.facility.today()
    assert "statement" not in actions.missing_documents(proposal)
    assert AuditEvent.objects.filter(action="proposal.document.add").exists()


# Walkthrough finding: POST /api/v1/proposals created a CB proposal for a man 4 days past
# his release date. On the release day and after, starting one is refused (409).
@pytest.mark.parametrize(("shift", "refused"), [(1, False), (0, True), (-4, True)])
def test_no_proposal_starts_once_the_release_day_has_come(person, shift, refused):
    from sinergi.inmates.models import Sentence

    officer = User.objects.get(username="petugas.selong")
    today = person.facility.today()
    Sentence.objects.filter(inmate=person).update(
        release_date=None, expiry_after_remission=today + datetime.timedelta(days=shift)
    )
    person.refresh_from_db()
    if refused:
        with pytest.raises(Conflict) as error:
            actions.start_proposal(inmate=person, right=Right.PB, by=officer)
        assert error.value.code == "release_day_reached"
    else:
        assert (
            actions.start_proposal(inmate=person, right=Right.PB, by=officer).stage
            == Stage.ELIGIBLE
        )


# The release day is the inmates app's one definition: a granted right whose SK date has
# passed is a release day too, so no other right is proposed for that person.
def test_no_proposal_starts_after_a_granted_right_let_the_person_out(person):
    from tests.proposals.factories import make_proposal

    officer = User.objects.get(username="petugas.selong")
    today = person.facility.today()
    InmateRight.objects.update_or_create(
        inmate=person,
        right=Right.CMK,
        defaults={"status": RightStatus.ELIGIBLE, "eligible_from": today},
    )
    at_stage(
        make_proposal(person),
        Stage.GRANTED,
        sk_number="SK-1",
        sk_date=today - datetime.timedelta(days=2),
    )
    with pytest.raises(Conflict) as error:
        actions.start_proposal(inmate=person, right=Right.CMK, by=officer)
    assert error.value.code == "release_day_reached"
