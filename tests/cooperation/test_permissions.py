"""Every permission boundary of the cooperation actions, asked of the action itself: an
outsider is refused with the action's message (``require_perm`` and the predicates in
``cooperation/rules.py``), whatever page or API call leads there."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from sinergi.accounts.models import User
from sinergi.cooperation import actions
from sinergi.cooperation.choices import ActionStatus, RequestStatus
from sinergi.cooperation.models import ActionItem, Meeting
from sinergi.core.permissions import has_perm
from sinergi.orgs.models import Facility, Partner
from tests.cooperation.factories import AgreementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """The messages are matched as written in the code (the default language is id)."""
    with translation.override("en"):
        yield


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _selong() -> Facility:
    return Facility.objects.get(code="selong")


def _request_values() -> dict[str, object]:
    return {
        "partner": Partner.objects.get(code="disnaker-lotim"),
        "kind": "instructor",
        "title": "Instruktur las",
        "quantity": Decimal(40),
        "unit": "jam",
        "needed_by": timezone.localdate() + datetime.timedelta(days=30),
        "justification": "Kelas las",
    }


@pytest.mark.parametrize("username", ["petugas.lobar", "wali.selong", "mitra.disnaker"])
def test_an_outsider_does_not_draft_a_request(demo_world, username):
    with pytest.raises(PermissionDenied, match="Only program officers and heads draft"):
        actions.create_request(facility=_selong(), values=_request_values(), by=_user(username))


def test_the_facilitys_officer_drafts_a_request(demo_world):
    created = actions.create_request(
        facility=_selong(), values=_request_values(), by=_user("petugas.selong")
    )
    assert created.status == RequestStatus.DRAFT


@pytest.mark.parametrize("username", ["petugas.lobar", "wali.selong", "mitra.dukcapil"])
def test_an_outsider_does_not_comment_on_a_request(make_request, username):
    request = make_request(RequestStatus.SUBMITTED)
    with pytest.raises(PermissionDenied, match="Only the facility and the partner comment"):
        actions.comment(request=request, text="Halo", by=_user(username))
    assert not request.events.exists()


@pytest.mark.parametrize("username", ["petugas.selong", "mitra.disnaker"])
def test_both_sides_comment_on_a_request(make_request, username):
    request = make_request(RequestStatus.SUBMITTED)
    actions.comment(request=request, text="Halo", by=_user(username))
    assert request.events.get().text == "Halo"


@pytest.mark.parametrize("username", ["petugas.lobar", "wali.selong", "mitra.dukcapil"])
def test_an_outsider_does_not_record_a_delivery(make_request, username):
    request = make_request(RequestStatus.ACCEPTED, kind="equipment")
    with pytest.raises(PermissionDenied, match="Only the partner or the facility records"):
        actions.record_fulfilment(
            request=request,
            values={
                "description": "Mesin las",
                "delivered_on": timezone.localdate(),
                "quantity": Decimal(1),
                "unit": "unit",
            },
            by=_user(username),
        )
    assert not request.fulfilments.exists()


@pytest.mark.parametrize("username", ["petugas.lobar", "wali.selong", "mitra.disnaker"])
def test_an_outsider_does_not_record_a_meeting(demo_world, username):
    with pytest.raises(PermissionDenied, match="Only program officers and heads record meetings"):
        actions.record_meeting(
            facility=_selong(),
            values={"title": "Rapat", "date": timezone.localdate()},
            partners=[],
            actions_=[],
            by=_user(username),
        )
    assert not Meeting.objects.filter(title="Rapat").exists()


@pytest.mark.parametrize("username", ["petugas.lobar", "wali.selong", "mitra.disnaker"])
def test_an_outsider_does_not_record_an_agreement(demo_world, username):
    with pytest.raises(PermissionDenied, match="Only program officers and heads record"):
        actions.save_agreement(
            facility=_selong(),
            values={
                "kind": "pks",
                "title": "PKS",
                "start_date": datetime.date(2026, 1, 1),
                "end_date": datetime.date(2026, 12, 31),
            },
            partners=[Partner.objects.get(code="disnaker-lotim")],
            commitments=[],
            by=_user(username),
        )


@pytest.mark.parametrize("username", ["petugas.lobar", "wali.selong", "mitra.disnaker"])
def test_an_outsider_does_not_change_an_agreement(demo_world, username):
    agreement = AgreementFactory(
        facility=_selong(), partners=[Partner.objects.get(code="disnaker-lotim")]
    )
    with pytest.raises(PermissionDenied, match="Only program officers and heads change"):
        actions.save_agreement(
            agreement=agreement,
            values={"title": "Diubah"},
            partners=[Partner.objects.get(code="disnaker-lotim")],
            commitments=[],
            by=_user(username),
        )
    agreement.refresh_from_db()
    assert agreement.title != "Diubah"


@pytest.mark.parametrize("username", ["petugas.selong", "petugas.lobar", "mitra.disnaker"])
def test_only_the_head_approves_an_agreement(demo_world, username):
    agreement = AgreementFactory(
        facility=_selong(), partners=[Partner.objects.get(code="disnaker-lotim")]
    )
    with pytest.raises(PermissionDenied, match="Only the head of the facility approves"):
        actions.approve_agreement(agreement=agreement, by=_user(username))
    agreement.refresh_from_db()
    assert agreement.status == "draft"


def _action_item(owner_partner: Partner | None = None) -> ActionItem:
    meeting = Meeting.objects.create(
        facility=_selong(), title="Rapat koordinasi", date=timezone.localdate()
    )
    return ActionItem.objects.create(
        meeting=meeting,
        title="Kirim jadwal",
        due_date=timezone.localdate() + datetime.timedelta(days=7),
        owner_partner=owner_partner,
        owner_facility=None if owner_partner else _selong(),
    )


@pytest.mark.parametrize("username", ["petugas.lobar", "wali.selong", "mitra.dukcapil"])
def test_an_outsider_does_not_close_an_action_item(demo_world, username):
    item = _action_item(Partner.objects.get(code="disnaker-lotim"))
    with pytest.raises(PermissionDenied, match="Only the owner of an action item"):
        actions.close_action_item(item=item, status=ActionStatus.DONE, by=_user(username))
    item.refresh_from_db()
    assert item.status == ActionStatus.OPEN


@pytest.mark.parametrize("username", ["mitra.disnaker", "petugas.selong", "admin"])
def test_the_owner_closes_an_action_item(demo_world, username):
    item = _action_item(Partner.objects.get(code="disnaker-lotim"))
    actions.close_action_item(item=item, status=ActionStatus.DONE, by=_user(username))
    item.refresh_from_db()
    assert item.status == ActionStatus.DONE


def test_the_sides_of_a_request_are_the_rules_permissions(make_request):
    """The views, the API and the workflow table read the same predicates."""
    request = make_request(RequestStatus.SUBMITTED)
    head, officer, partner = (
        _user("kalapas.selong"),
        _user("petugas.selong"),
        _user("mitra.disnaker"),
    )
    assert actions.sides(head, request) == {actions.HEAD, actions.OFFICER}
    assert actions.sides(officer, request) == {actions.OFFICER}
    assert actions.sides(partner, request) == {actions.PARTNER}
    assert has_perm(partner, "cooperation.act_as_partner", request)
    assert not has_perm(_user("mitra.dukcapil"), "cooperation.act_as_partner", request)
    assert not has_perm(officer, "cooperation.act_as_head", request)
