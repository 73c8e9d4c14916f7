"""Support requests: every transition for every side, scoping, deliveries, uploads."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.cooperation import actions
from sinergi.cooperation.actions import REQUEST_TRANSITIONS, RequestConflict
from sinergi.cooperation.models import Asset, Fulfilment
from sinergi.orgs.models import Facility

pytestmark = pytest.mark.django_db

ROLE_SIDES = {
    "petugas.selong": {"facility_officer"},
    "kalapas.selong": {"facility_officer", "facility_head"},
    "mitra.disnaker": {"partner"},
    "mitra.dukcapil": set(),  # another partner
    "wali.selong": set(),
    "petugas.lobar": set(),
}


@pytest.mark.parametrize("username", sorted(ROLE_SIDES))
@pytest.mark.parametrize(("source", "target"), sorted(REQUEST_TRANSITIONS))
def test_every_transition_for_every_role(make_request, username, source, target):
    request = make_request(status=source)
    user = User.objects.get(username=username)
    allowed = bool(REQUEST_TRANSITIONS[(source, target)] & ROLE_SIDES[username])
    note = "catatan"
    if allowed:
        actions.transition_request(
            request=request, to=target, by=user, note=note, accepted_quantity=Decimal(10)
        )
        request.refresh_from_db()
        assert request.status == target
    else:
        with pytest.raises(RequestConflict):
            actions.transition_request(request=request, to=target, by=user, note=note)
        request.refresh_from_db()
        assert request.status == source


@pytest.mark.parametrize("target", ["draft", "fulfilled", "in_delivery", "acknowledged"])
def test_moves_outside_the_workflow_name_the_allowed_ones(make_request, target):
    request = make_request(status="submitted")
    with pytest.raises(RequestConflict) as exc:
        actions.transition_request(
            request=request, to=target, by=User.objects.get(username="kalapas.selong")
        )
    assert exc.value.allowed == ["closed"]


def test_declining_needs_a_reason(make_request):
    request = make_request(status="submitted")
    with pytest.raises(RequestConflict):
        actions.transition_request(
            request=request, to="declined", by=User.objects.get(username="mitra.disnaker")
        )


def test_partner_sees_only_its_requests_and_no_drafts(client_for, make_request):
    draft = make_request("draft")
    sent = make_request("submitted")
    client = client_for("mitra.disnaker")
    assert client.get(f"/cooperation/requests/{sent.pk}/").status_code == 200
    assert client.get(f"/cooperation/requests/{draft.pk}/").status_code == 404
    other = client_for("mitra.dukcapil")
    assert other.get(f"/cooperation/requests/{sent.pk}/").status_code == 404
    assert other.get(f"/api/v1/support-requests/{sent.pk}").status_code == 404
    assert client_for("petugas.lobar").get(f"/cooperation/requests/{sent.pk}/").status_code == 404


def test_instructor_delivery_counts_hours_from_attendance(make_request, demo_world):
    from sinergi.programs import actions as program_actions
    from tests.inmates.factories import make_inmate
    from tests.programs.conftest import new_program

    selong = Facility.objects.get(code="selong")
    officer = User.objects.get(username="petugas.selong")
    head = User.objects.get(username="kalapas.selong")
    program = new_program(selong, officer)
    program_actions.transition(program=program, to="submitted", by=officer)
    program_actions.transition(program=program, to="approved", by=head)
    enrollment = program_actions.enroll(
        program=program,
        inmate=make_inmate(
            facility=selong, detention_start=datetime.date(2025, 6, 1), term_years=4
        ),
        by=officer,
    ).enrollment
    enrollment.enrolled_on = program.start_date
    enrollment.save()
    past = list(program.sessions.filter(date__lt=timezone.localdate()).order_by("date")[:3])
    for session in past[:2]:  # the third session had nobody present
        program_actions.record_attendance(
            session=session, marks={enrollment.pk: ("present", "")}, by=officer
        )
    request = make_request("accepted")
    request.program = program
    request.save()
    fulfilment = actions.record_fulfilment(
        request=request,
        sessions=past,
        values={
            "description": "Mengajar",
            "delivered_on": timezone.localdate(),
            "quantity": Decimal(99),
            "unit": "x",
        },
        by=User.objects.get(username="mitra.disnaker"),
    )
    assert fulfilment.quantity == Decimal(8)  # two sessions of four hours
    request.refresh_from_db()
    assert request.status == "in_delivery"


def test_equipment_delivery_enters_the_asset_list(make_request):
    request = make_request("accepted", kind="equipment")
    actions.record_fulfilment(
        request=request,
        values={
            "description": "Mesin las",
            "delivered_on": timezone.localdate(),
            "quantity": Decimal(2),
            "unit": "unit",
            "value_rupiah": Decimal(9_000_000),
        },
        asset={"item": "Mesin las", "quantity": Decimal(2), "unit": "unit", "location": "Bengkel"},
        by=User.objects.get(username="mitra.disnaker"),
    )
    assert Asset.objects.get().location == "Bengkel"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bukti.exe", b"MZ..."),
        ("bukti.pdf", b"not a pdf"),
        ("besar.pdf", b"%PDF-1.4" + b"0" * (10 * 1024 * 1024 + 1)),
    ],
)
def test_a_rejected_upload_stores_nothing(client_for, make_request, tmp_path, name, content):
    request = make_request("accepted", kind="equipment")
    with override_settings(MEDIA_ROOT=tmp_path):
        response = client_for("mitra.disnaker").post(
            f"/cooperation/requests/{request.pk}/deliveries/new/",
            {
                "description": "Alat",
                "delivered_on": timezone.localdate().isoformat(),
                "quantity": "1",
                "unit": "unit",
                "value_rupiah": "0",
                "evidence": SimpleUploadedFile(name, content),
            },
        )
        assert response.status_code == 200
        assert response.context["form"].errors["evidence"]
        assert not Fulfilment.objects.exists()
        assert not list(tmp_path.rglob("*.*"))


def test_a_valid_pdf_is_stored_and_served_to_the_parties_only(client_for, make_request, tmp_path):
    request = make_request("accepted", kind="equipment")
    with override_settings(MEDIA_ROOT=tmp_path):
        response = client_for("mitra.disnaker").post(
            f"/cooperation/requests/{request.pk}/deliveries/new/",
            {
                "description": "Alat",
                "delivered_on": timezone.localdate().isoformat(),
                "quantity": "1",
                "unit": "unit",
                "value_rupiah": "0",
                "evidence": SimpleUploadedFile("bukti.pdf", b"%PDF-1.4 ok"),
            },
        )
        assert response.status_code == 302
        fulfilment = Fulfilment.objects.get()
        url = f"/cooperation/deliveries/{fulfilment.pk}/evidence/"
        assert client_for("petugas.selong").get(url).status_code == 200
        assert client_for("mitra.dukcapil").get(url).status_code == 404


def test_api_request_flow_and_409_with_allowed_statuses(client_for, demo_world):
    officer, head, partner = (
        client_for(u) for u in ("petugas.selong", "kalapas.selong", "mitra.disnaker")
    )
    created = officer.post(
        "/api/v1/support-requests",
        {
            "facility": "selong",
            "partner": "disnaker-lotim",
            "kind": "instructor",
            "title": "Instruktur las",
            "quantity": "40",
            "unit": "jam",
            "needed_by": "2027-01-31",
            "justification": "Kelas las",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    url = f"/api/v1/support-requests/{pk}/transitions"
    refused = officer.post(url, {"to": "submitted"}, content_type="application/json")
    assert refused.status_code == 409
    assert refused.json()["allowed"] == ["closed"]
    assert partner.get(f"/api/v1/support-requests/{pk}").status_code == 404  # still a draft
    assert head.post(url, {"to": "submitted"}, content_type="application/json").status_code == 200
    assert (
        partner.post(url, {"to": "accepted"}, content_type="application/json").json()["status"]
        == "accepted"
    )
    delivery = partner.post(
        f"/api/v1/support-requests/{pk}/fulfilments",
        {
            "description": "Instruktur hadir",
            "delivered_on": "2026-11-20",
            "quantity": "8",
            "unit": "jam",
        },
        content_type="application/json",
    )
    assert delivery.status_code == 201
    listing = client_for("mitra.dukcapil").get("/api/v1/support-requests").json()
    assert listing["count"] == 0


def test_api_lists_agreements_and_meetings(client_for, demo_world):
    from io import StringIO

    from sinergi.cooperation import demo as cooperation_demo
    from sinergi.inmates import demo as inmates_demo
    from sinergi.programs import demo as programs_demo

    out = StringIO()
    inmates_demo.seed(out)
    programs_demo.seed(out)
    cooperation_demo.seed(out)
    agreements = client_for("mitra.disnaker").get("/api/v1/agreements").json()
    assert agreements["count"] == 2  # the KB and Disnaker's PKS, not Distan's
    progress = [c for a in agreements["items"] for c in a["commitments"]]
    assert progress and float(progress[0]["delivered_quantity"]) > 0
    meetings = client_for("petugas.selong").get("/api/v1/meetings").json()
    assert len(meetings["items"][0]["actions"]) == 4


def test_a_session_is_counted_in_one_delivery_only(make_request, demo_world):
    from io import StringIO

    from sinergi.core.errors import Conflict
    from sinergi.inmates import demo as inmates_demo
    from sinergi.programs import demo as programs_demo
    from sinergi.programs.models import Session

    out = StringIO()
    inmates_demo.seed(out)
    programs_demo.seed(out)
    welding = Session.objects.filter(
        program__title__startswith="Pelatihan Las", date__lt=timezone.localdate()
    ).order_by("date")
    first, second = list(welding[:2])
    request = make_request("accepted")
    request.program = first.program
    request.save()
    partner = User.objects.get(username="mitra.disnaker")
    values = {
        "description": "Mengajar",
        "delivered_on": timezone.localdate(),
        "quantity": Decimal(1),
        "unit": "x",
    }
    actions.record_fulfilment(request=request, values=values, sessions=[first], by=partner)
    with pytest.raises(Conflict):
        actions.record_fulfilment(
            request=request, values=values, sessions=[first, second], by=partner
        )


def test_quantities_read_the_local_way_without_trailing_zeros(client_for, make_request):
    from decimal import Decimal

    support = make_request("submitted", kind="equipment")
    support.quantity = Decimal("2.50")
    support.unit = "ton"
    support.save()
    client = client_for("petugas.selong")
    detail = client.get(support.get_absolute_url()).content.decode()
    assert "2,5 ton" in detail and "2,50" not in detail
    listing = client.get("/cooperation/requests/").content.decode()
    assert "2,5 ton" in listing
