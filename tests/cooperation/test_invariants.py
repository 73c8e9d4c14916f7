"""The rules the cooperation forms show are the actions' rules: the API (and any other
caller) is refused like the form, with a 422 (or a ValidationError) naming the field.

One test per rule that a form's restricted choices or ``clean`` enforce: partners serving
the facility, the facility's programs (not over), agreements and commitments, the
program's sessions for a delivery, framework agreements, settable statuses, dates."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from sinergi.accounts.models import User
from sinergi.cooperation import actions
from sinergi.cooperation.choices import AgreementKind, AgreementStatus, RequestStatus
from sinergi.cooperation.models import Agreement, Commitment, Meeting, SupportRequest
from sinergi.orgs.models import Facility, Partner
from sinergi.programs.choices import ProgramStatus, SessionStatus
from tests.cooperation.conftest import deliver_by_api
from tests.cooperation.factories import AgreementFactory
from tests.factories import PartnerFactory, RegionFactory
from tests.programs.factories import ProgramFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def _selong() -> Facility:
    return Facility.objects.get(code="selong")


def _disnaker() -> Partner:
    return Partner.objects.get(code="disnaker-lotim")


def _officer() -> User:
    return User.objects.get(username="petugas.selong")


def _far_partner() -> Partner:
    """An active partner of another region: it does not serve Selong."""
    return PartnerFactory(code="far-away", region=RegionFactory(code="elsewhere"))


def _post_request(client_for: Any, **fields: Any) -> Any:
    body = {
        "facility": "selong",
        "partner": "disnaker-lotim",
        "kind": "instructor",
        "title": "Instruktur las",
        "quantity": "40",
        "unit": "jam",
        "needed_by": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
        "justification": "Kelas las",
        **fields,
    }
    return client_for("petugas.selong").post(
        "/api/v1/support-requests",
        body,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def _refused_at(response: Any, field: str) -> str:
    assert response.status_code == 422, response.content
    assert not SupportRequest.objects.filter(title="Instruktur las").exists()
    return " ".join(response.json()["errors"][field])


# Support requests: what the request form offers ------------------------------------------


def test_the_api_refuses_a_partner_that_does_not_serve_the_facility(client_for):
    _far_partner()
    response = _post_request(client_for, partner="far-away")
    assert "does not serve this facility" in _refused_at(response, "partner")


def test_the_api_refuses_an_inactive_partner(client_for):
    Partner.objects.filter(code="disnaker-lotim").update(is_active=False)
    response = _post_request(client_for)
    assert "does not serve this facility" in _refused_at(response, "partner")


def test_the_api_refuses_a_program_of_another_facility(client_for):
    program = ProgramFactory(facility=Facility.objects.get(code="lobar"))
    response = _post_request(client_for, program_id=program.pk)
    assert _refused_at(response, "program") == "This program is not one of this facility's."


@pytest.mark.parametrize("status", [ProgramStatus.COMPLETED, ProgramStatus.CANCELLED])
def test_the_api_refuses_a_program_that_is_over(client_for, status):
    program = ProgramFactory(facility=_selong(), status=status)
    response = _post_request(client_for, program_id=program.pk)
    assert "This program is over" in _refused_at(response, "program")


def test_the_api_refuses_a_program_that_does_not_exist(client_for):
    response = _post_request(client_for, program_id=987654)
    assert response.status_code == 422
    assert "program" in response.json()["errors"]


def test_the_api_refuses_an_agreement_of_another_facility(client_for):
    other = AgreementFactory(facility=Facility.objects.get(code="lobar"), partners=[_disnaker()])
    response = _post_request(client_for, agreement_id=other.pk)
    assert _refused_at(response, "agreement") == "This agreement is not one of this facility's."


def test_the_api_refuses_an_agreement_the_partner_is_not_a_party_to(client_for):
    # Selong's agreement with Dinas Pertanian backs no request to Disnaker.
    pertanian = PartnerFactory(code="pertanian-lotim", region=_selong().region)
    agreement = AgreementFactory(facility=_selong(), partners=[pertanian])
    response = _post_request(client_for, agreement_id=agreement.pk)
    assert _refused_at(response, "agreement") == (
        "The partner asked is not a party to this agreement."
    )


def test_the_api_refuses_a_request_needed_by_a_day_already_past(client_for):
    yesterday = _selong().today() - datetime.timedelta(days=1)
    response = _post_request(client_for, needed_by=yesterday.isoformat())
    assert "past" in _refused_at(response, "needed_by")


def test_a_request_needed_today_is_accepted(client_for):
    response = _post_request(client_for, needed_by=_selong().today().isoformat())
    assert response.status_code == 201, response.content


def test_a_request_for_nothing_is_refused_by_the_action():
    with pytest.raises(ValidationError) as refused:
        actions.create_request(
            facility=_selong(),
            values={
                "partner": _disnaker(),
                "kind": "instructor",
                "title": "Instruktur las",
                "quantity": Decimal(0),
                "unit": "jam",
                "needed_by": _selong().today() + datetime.timedelta(days=30),
                "justification": "Kelas las",
            },
            by=_officer(),
        )
    assert set(refused.value.message_dict) == {"quantity"}


def test_a_delivery_dated_after_today_is_refused(make_request):
    request = make_request(status=RequestStatus.ACCEPTED, kind="equipment")
    tomorrow = _selong().today() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        actions.record_fulfilment(
            request=request,
            values={
                "description": "Mesin las",
                "delivered_on": tomorrow,
                "quantity": Decimal(1),
                "unit": "unit",
            },
            by=User.objects.get(username="mitra.disnaker"),
        )
    assert set(refused.value.message_dict) == {"delivered_on"}
    assert not request.fulfilments.exists()


def _commitment(agreement: Agreement, partner: Partner | None) -> Commitment:
    return Commitment.objects.create(
        agreement=agreement,
        partner=partner,
        kind="instructors",
        description="Jam instruktur",
        target_quantity=Decimal(10),
        unit="jam",
        due_date=agreement.end_date,
    )


def test_the_api_refuses_a_commitment_under_another_facilitys_agreement(client_for):
    other = AgreementFactory(facility=Facility.objects.get(code="lobar"), partners=[_disnaker()])
    response = _post_request(client_for, commitment_id=_commitment(other, _disnaker()).pk)
    assert "another facility's agreement" in _refused_at(response, "commitment")


def test_the_api_refuses_a_commitment_of_another_agreement(client_for):
    first = AgreementFactory(facility=_selong(), partners=[_disnaker()])
    second = AgreementFactory(facility=_selong(), partners=[_disnaker()])
    response = _post_request(
        client_for, agreement_id=first.pk, commitment_id=_commitment(second, _disnaker()).pk
    )
    assert _refused_at(response, "commitment") == "This commitment belongs to another agreement."


def test_the_api_refuses_a_commitment_made_by_another_partner(client_for):
    dukcapil = Partner.objects.get(code="dukcapil-lotim")
    agreement = AgreementFactory(facility=_selong(), partners=[_disnaker(), dukcapil])
    response = _post_request(
        client_for, agreement_id=agreement.pk, commitment_id=_commitment(agreement, dukcapil).pk
    )
    assert _refused_at(response, "commitment") == "This commitment was made by another partner."


def test_the_api_accepts_the_facilitys_links(client_for):
    agreement = AgreementFactory(facility=_selong(), partners=[_disnaker()])
    program = ProgramFactory(facility=_selong())
    response = _post_request(
        client_for,
        program_id=program.pk,
        agreement_id=agreement.pk,
        commitment_id=_commitment(agreement, None).pk,
    )
    assert response.status_code == 201, response.content


def test_the_request_page_shows_the_actions_refusal_at_the_field(client_for):
    """The page offers only the facility's agreements and commitments; a commitment of
    another of its agreements is refused by the action, at the commitment field."""
    first = AgreementFactory(facility=_selong(), partners=[_disnaker()])
    second = AgreementFactory(facility=_selong(), partners=[_disnaker()])
    response = client_for("petugas.selong").post(
        "/cooperation/requests/new/",
        {
            "partner": _disnaker().pk,
            "kind": "instructor",
            "title": "Instruktur las",
            "quantity": "40",
            "unit": "jam",
            "needed_by": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
            "justification": "Kelas las",
            "agreement": first.pk,
            "commitment": _commitment(second, _disnaker()).pk,
        },
        language="en",
    )
    assert response.status_code == 200
    assert response.context["form"].errors["commitment"] == [
        "This commitment belongs to another agreement."
    ]
    assert not SupportRequest.objects.filter(title="Instruktur las").exists()


# Deliveries: the sessions the delivery form offers -----------------------------------------


def _accepted_request(program: Any = None) -> SupportRequest:
    return SupportRequest.objects.create(
        facility=_selong(),
        partner=_disnaker(),
        kind="instructor",
        title="Instruktur las",
        quantity=Decimal(40),
        unit="jam",
        needed_by=timezone.localdate() + datetime.timedelta(days=30),
        justification="Kelas las",
        status=RequestStatus.ACCEPTED,
        program=program,
    )


def _deliver(client_for: Any, request: SupportRequest, sessions: list[Any]) -> Any:
    return deliver_by_api(client_for("mitra.disnaker"), request, [s.pk for s in sessions])


def _past(program: Any, **fields: Any) -> Any:
    return SessionFactory(
        program=program, date=timezone.localdate() - datetime.timedelta(days=2), **fields
    )


def test_the_api_refuses_a_session_of_another_program(client_for):
    program = ProgramFactory(facility=_selong())
    other = ProgramFactory(facility=_selong())
    request = _accepted_request(program)
    response = _deliver(client_for, request, [_past(other)])
    assert response.status_code == 422, response.content
    assert "is of another program" in " ".join(response.json()["errors"]["sessions"])
    assert not request.fulfilments.exists()


def test_the_api_refuses_a_cancelled_session(client_for):
    program = ProgramFactory(facility=_selong())
    request = _accepted_request(program)
    response = _deliver(client_for, request, [_past(program, status=SessionStatus.CANCELLED)])
    assert response.status_code == 422, response.content
    assert "was cancelled" in " ".join(response.json()["errors"]["sessions"])


def test_the_api_refuses_a_session_not_held_yet(client_for):
    program = ProgramFactory(facility=_selong())
    request = _accepted_request(program)
    later = SessionFactory(program=program, date=timezone.localdate() + datetime.timedelta(days=3))
    response = _deliver(client_for, request, [later])
    assert response.status_code == 422, response.content
    assert "has not taken place yet" in " ".join(response.json()["errors"]["sessions"])


def test_the_api_refuses_sessions_for_a_request_without_a_program(client_for):
    program = ProgramFactory(facility=_selong())
    request = _accepted_request()
    response = _deliver(client_for, request, [_past(program)])
    assert response.status_code == 422, response.content
    assert "for no program" in " ".join(response.json()["errors"]["sessions"])


def test_the_api_counts_a_held_session_of_the_program(client_for):
    program = ProgramFactory(facility=_selong())
    request = _accepted_request(program)
    response = _deliver(client_for, request, [_past(program)])
    assert response.status_code == 201, response.content


# Meetings: what the meeting form offers and checks ----------------------------------------


def _meeting(**changes: Any) -> dict[str, Any]:
    today = timezone.localdate()
    arguments: dict[str, Any] = {
        "facility": _selong(),
        "values": {"title": "Rakor", "date": today},
        "partners": [_disnaker()],
        "actions_": [{"title": "Kirim jadwal", "due_date": today, "owner_partner": None}],
        "by": _officer(),
    }
    arguments.update(changes)
    return arguments


def _meeting_refused(field: str, **changes: Any) -> str:
    with pytest.raises(ValidationError) as refused:
        actions.record_meeting(**_meeting(**changes))
    assert not Meeting.objects.filter(title="Rakor").exists()
    return " ".join(refused.value.message_dict[field])


def test_a_meeting_with_a_partner_that_does_not_serve_the_facility_is_refused(demo_world):
    message = _meeting_refused("partners", partners=[_far_partner()])
    assert "does not serve this facility" in message


def test_a_meeting_in_the_future_is_refused(demo_world):
    later = timezone.localdate() + datetime.timedelta(days=2)
    message = _meeting_refused("date", values={"title": "Rakor", "date": later})
    assert message == "This date is in the future; enter a date up to today."


def test_an_action_item_due_before_the_meeting_is_refused(demo_world):
    early = timezone.localdate() - datetime.timedelta(days=1)
    rows = [{"title": "Kirim jadwal", "due_date": early, "owner_partner": None}]
    assert "cannot be before the meeting" in _meeting_refused("actions", actions_=rows)


def test_an_action_item_without_a_due_date_is_refused(demo_world):
    rows = [{"title": "Kirim jadwal", "due_date": None, "owner_partner": None}]
    assert "An action needs a due date." in _meeting_refused("actions", actions_=rows)


def test_an_action_item_without_a_title_is_refused(demo_world):
    rows = [{"title": "", "due_date": timezone.localdate(), "owner_partner": _disnaker()}]
    assert "Write what is to be done" in _meeting_refused("actions", actions_=rows)


def test_an_action_item_owned_by_a_partner_that_does_not_serve_the_facility_is_refused(
    demo_world,
):
    rows = [{"title": "Kirim", "due_date": timezone.localdate(), "owner_partner": _far_partner()}]
    assert "does not serve this facility" in _meeting_refused("actions", actions_=rows)


def test_a_meeting_within_the_rules_is_recorded(demo_world):
    meeting = actions.record_meeting(**_meeting())
    assert meeting.actions.count() == 1


# Agreements: what the agreement form offers -------------------------------------------------


def _save(**changes: Any) -> Agreement:
    arguments: dict[str, Any] = {
        "facility": _selong(),
        "values": {
            "kind": AgreementKind.PKS,
            "title": "PKS Las",
            "start_date": datetime.date(2026, 1, 1),
            "end_date": datetime.date(2026, 12, 31),
        },
        "partners": [_disnaker()],
        "commitments": [],
        "by": _officer(),
    }
    arguments.update(changes)
    return actions.save_agreement(**arguments)


def _agreement_refused(field: str, **changes: Any) -> str:
    with pytest.raises(ValidationError) as refused:
        _save(**changes)
    return " ".join(refused.value.message_dict[field])


def _values(**fields: Any) -> dict[str, Any]:
    return {
        "kind": AgreementKind.PKS,
        "title": "PKS Las",
        "start_date": datetime.date(2026, 1, 1),
        "end_date": datetime.date(2026, 12, 31),
        **fields,
    }


def test_an_agreement_with_a_partner_that_does_not_serve_the_facility_is_refused(demo_world):
    message = _agreement_refused("partners", partners=[_far_partner()])
    assert "does not serve this facility" in message
    assert not Agreement.objects.filter(title="PKS Las").exists()


def test_a_partner_already_on_an_agreement_stays_allowed(demo_world):
    far = _far_partner()
    agreement = AgreementFactory(facility=_selong(), partners=[far])
    saved = _save(facility=None, agreement=agreement, values={"title": "Diubah"}, partners=[far])
    assert saved.title == "Diubah"


def test_a_framework_agreement_that_is_not_an_mou_is_refused(demo_world):
    pks = AgreementFactory(facility=_selong(), partners=[_disnaker()], kind=AgreementKind.PKS)
    message = _agreement_refused("parent", values=_values(parent=pks))
    assert message == "A framework agreement is an MoU: choose an MoU."


def test_a_framework_agreement_the_user_does_not_see_is_refused(demo_world):
    hidden = AgreementFactory(
        facility=Facility.objects.get(code="lobar"),
        partners=[_disnaker()],
        kind=AgreementKind.MOU,
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2028, 12, 31),
    )
    message = _agreement_refused("parent", values=_values(parent=hidden))
    assert message == "Choose a framework agreement that you can see."


def test_an_agreement_is_not_its_own_framework_nor_under_one_under_it(demo_world):
    mou = AgreementFactory(
        facility=_selong(),
        partners=[_disnaker()],
        kind=AgreementKind.MOU,
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2028, 12, 31),
    )
    under = AgreementFactory(
        facility=_selong(), partners=[_disnaker()], kind=AgreementKind.MOU, parent=mou
    )
    changes = {"facility": None, "agreement": mou, "partners": [_disnaker()]}
    assert "its own framework" in _agreement_refused("parent", values={"parent": mou}, **changes)
    assert "is under this agreement" in _agreement_refused(
        "parent", values={"parent": under}, **changes
    )


@pytest.mark.parametrize(
    "status", [AgreementStatus.EXPIRED, AgreementStatus.EXPIRING, AgreementStatus.NOT_YET]
)
def test_a_status_that_follows_from_the_dates_is_not_set(demo_world, status):
    head = User.objects.get(username="kalapas.selong")
    message = _agreement_refused("status", values=_values(status=status), by=head)
    assert "follow from the dates" in message


def test_the_head_sets_a_status_people_set(demo_world):
    head = User.objects.get(username="kalapas.selong")
    saved = _save(values=_values(status=AgreementStatus.TERMINATED), by=head)
    assert saved.status == AgreementStatus.TERMINATED
