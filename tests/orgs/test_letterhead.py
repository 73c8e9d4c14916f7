"""A unit's letterhead and signatories (issue 17): edited by its head on a page (an
administrator too), checked in the action, audited, with history; an outsider is refused;
the deputy signs while the signatory is absent; a user's NIP has 18 digits."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from sinergi.accounts.models import User
from sinergi.core.models import AuditEvent
from sinergi.core.validators import validate_nip
from sinergi.orgs import actions
from sinergi.orgs.letterhead import document_context, letterhead_of, signature_for
from sinergi.orgs.models import DocumentKind, Facility, Region, Signatory

pytestmark = pytest.mark.django_db

URL = "/orgs/facilities/selong/letterhead/"


def _image(kind: str = "PNG", size: tuple[int, int] = (40, 40), name: str = "logo.png") -> Any:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 90, 70)).save(buffer, kind)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _form(**values: str) -> dict[str, str]:
    selong = Facility.objects.get(code="selong")
    data = {f: getattr(selong, f) for f in actions.LETTERHEAD_FIELDS}
    data.update(values)
    return data


@pytest.mark.parametrize(
    "nip",
    ["19780615200312100", "1978061520031210011", "19780615200312100x", "197813152003121001",
     "197806152003131001", "197806152003123001"],
)  # fmt: skip
def test_a_nip_has_18_digits_a_birth_date_a_month_and_a_sex_digit(nip):
    with pytest.raises(ValidationError):
        validate_nip(nip)


def test_a_valid_nip_passes():
    validate_nip("197806152003121001")
    validate_nip("")  # not every user is a civil servant


def test_the_head_changes_the_letterhead_on_the_page_audited_with_history(client_for):
    response = client_for("kalapas.selong").post(
        URL, _form(town="Selong Kota", phone="(0376) 22000", emblem=_image())
    )
    assert response.status_code == 302
    selong = Facility.objects.get(code="selong")
    assert (selong.town, selong.phone) == ("Selong Kota", "(0376) 22000")
    assert selong.emblem.name.startswith("letterheads/")
    event = AuditEvent.objects.get(action="letterhead.update")
    assert event.actor.username == "kalapas.selong"
    assert event.changes["town"] == ["Selong", "Selong Kota"]
    assert "emblem" in event.changes
    latest = selong.history.first()
    assert latest.town == "Selong Kota" and latest.history_user.username == "kalapas.selong"
    assert letterhead_of(selong).emblem.startswith("data:image/png;base64,")


def test_the_page_shows_the_letterhead_and_the_signatories(client_for):
    page = client_for("kalapas.selong").get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Lalu Ahmad Suhaimi" in html and "197806152003121001" in html
    assert "KANTOR WILAYAH NUSA TENGGARA BARAT" in html


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("logo.png", b"not an image at all, only text"),
        ("logo.png", None),  # a GIF named .png
        ("logo.png", "big"),
    ],
)
def test_an_emblem_is_checked_by_its_content(client_for, name, content):
    if content is None:
        upload = _image("GIF", name=name)
    elif content == "big":
        upload = _image("PNG", size=(2500, 10), name=name)
    else:
        upload = SimpleUploadedFile(name, content)
    response = client_for("kalapas.selong").post(URL, _form(emblem=upload))
    assert response.status_code == 422
    assert not Facility.objects.get(code="selong").emblem
    assert not AuditEvent.objects.filter(action="letterhead.update").exists()


def test_a_jpeg_emblem_is_accepted_by_the_action():
    head = User.objects.get(username="kalapas.selong")
    selong = Facility.objects.get(code="selong")
    actions.update_letterhead(
        org=selong, by=head, changes={}, emblem=_image("JPEG", name="logo.jpg")
    )
    assert letterhead_of(Facility.objects.get(code="selong")).emblem.startswith(
        "data:image/jpeg;base64,"
    )


@pytest.mark.parametrize(
    "username", ["petugas.lobar", "petugas.selong", "mitra.disnaker", "kanwil.ntb"]
)
def test_an_outsider_cannot_change_the_letterhead(client_for, username):
    client = client_for(username)
    assert client.get(URL).status_code in (403, 404)
    assert client.post(URL, _form(town="Elsewhere")).status_code in (403, 404)
    assert Facility.objects.get(code="selong").town == "Selong"
    with pytest.raises(PermissionDenied):
        actions.update_letterhead(
            org=Facility.objects.get(code="selong"),
            by=User.objects.get(username=username),
            changes={"town": "Elsewhere"},
        )


def test_a_unit_outside_the_users_scope_is_not_found(client_for):
    assert client_for("petugas.lobar").get(URL).status_code == 404


def test_only_an_administrator_changes_a_regional_office(client_for):
    url = "/orgs/regions/ntb/letterhead/"
    assert client_for("kanwil.ntb").get(url).status_code == 403
    response = client_for("admin").post(
        url,
        {
            "letterhead_ministry": "",
            "letterhead_lines": "Direktorat Jenderal Pemasyarakatan",
            "letterhead_name": "Kantor Wilayah NTB",
            "address": "Mataram",
            "phone": "",
            "email": "",
            "town": "Mataram",
        },
    )
    assert response.status_code == 302
    assert Region.objects.get(code="ntb").letterhead_name == "Kantor Wilayah NTB"


def test_the_head_names_a_signatory_with_a_deputy_who_signs_while_absent(client_for):
    client = client_for("kalapas.selong")
    response = client.post(
        "/orgs/facilities/selong/signatories/new/",
        {
            "document_kind": DocumentKind.CERTIFICATE,
            "name": "Muhammad Ridwan",
            "nip": "198101012006041001",
            "title": "Kepala Seksi Kegiatan Kerja",
            "deputy_kind": "Plh.",
            "deputy_name": "Baiq Laila",
            "deputy_nip": "198702022010122002",
        },
    )
    assert response.status_code == 302
    selong = Facility.objects.get(code="selong")
    signatory = Signatory.objects.get(facility=selong, document_kind=DocumentKind.CERTIFICATE)
    assert signature_for(selong, DocumentKind.CERTIFICATE).name == "Muhammad Ridwan"
    assert AuditEvent.objects.filter(action="signatory.create").count() == 1
    # Marked absent: the deputy signs, as Plh. of the signatory's title.
    client.post(
        f"/orgs/facilities/selong/signatories/{signatory.pk}/",
        {
            "document_kind": DocumentKind.CERTIFICATE,
            "name": "Muhammad Ridwan",
            "nip": "198101012006041001",
            "title": "Kepala Seksi Kegiatan Kerja",
            "absent": "on",
            "deputy_kind": "Plh.",
            "deputy_name": "Baiq Laila",
            "deputy_nip": "198702022010122002",
        },
    )
    signed = signature_for(selong, DocumentKind.CERTIFICATE)
    assert (signed.name, signed.nip, signed.title_line) == (
        "Baiq Laila",
        "198702022010122002",
        "Plh. Kepala Seksi Kegiatan Kerja",
    )
    assert signatory.history.count() == 2
    # A kind without its own signatory is signed by the one for any document.
    assert signature_for(selong, DocumentKind.HANDOVER).name == "Lalu Ahmad Suhaimi"
    client.post(f"/orgs/facilities/selong/signatories/{signatory.pk}/delete/")
    assert signature_for(selong, DocumentKind.CERTIFICATE).name == "Lalu Ahmad Suhaimi"
    assert AuditEvent.objects.filter(action="signatory.delete").count() == 1


def test_a_signatory_marked_absent_needs_a_deputy_and_a_valid_nip():
    head = User.objects.get(username="kalapas.selong")
    selong = Facility.objects.get(code="selong")
    with pytest.raises(ValidationError) as absent:
        actions.save_signatory(
            org=selong,
            by=head,
            data={"document_kind": "consent", "name": "A", "title": "B", "absent": True},
        )
    assert "deputy_name" in absent.value.message_dict
    with pytest.raises(ValidationError) as nip:
        actions.save_signatory(
            org=selong,
            by=head,
            data={"document_kind": "consent", "name": "A", "title": "B", "nip": "12345"},
        )
    assert "nip" in nip.value.message_dict
    with pytest.raises(ValidationError):  # one signatory per kind
        actions.save_signatory(
            org=selong,
            by=head,
            data={"document_kind": "attendance_sheet", "name": "A", "title": "B"},
        )


def test_an_outsider_cannot_name_a_signatory(client_for):
    response = client_for("petugas.lobar").post(
        "/orgs/facilities/selong/signatories/new/",
        {"document_kind": "consent", "name": "X", "title": "Y", "deputy_kind": "Plh."},
    )
    assert response.status_code == 404
    signatory = Signatory.objects.get(facility__code="selong", document_kind="any")
    assert (
        client_for("petugas.selong")
        .post(f"/orgs/facilities/selong/signatories/{signatory.pk}/delete/")
        .status_code
        == 403
    )
    assert Signatory.objects.filter(pk=signatory.pk).exists()


def test_the_place_line_names_the_town_not_the_regency():
    selong = Facility.objects.get(code="selong")
    context = document_context(selong, DocumentKind.CERTIFICATE, date=None)
    assert context["letterhead"].town == "Selong"
    assert selong.regency == "Kabupaten Lombok Timur"


def test_a_user_sets_their_nip_on_their_profile(client_for):
    client = client_for("kalapas.selong")
    assert client.get("/me/profile/").status_code == 200
    refused = client.post("/me/profile/", {"full_name": "Kepala Lapas Selong", "nip": "12345"})
    assert refused.status_code == 422
    assert User.objects.get(username="kalapas.selong").nip == ""
    saved = client.post(
        "/me/profile/", {"full_name": "Kepala Lapas Selong", "nip": "197806152003121001"}
    )
    assert saved.status_code == 302
    head = User.objects.get(username="kalapas.selong")
    assert head.nip == "197806152003121001"
    assert AuditEvent.objects.get(action="account.profile").changes["nip"] == [
        "",
        "197806152003121001",
    ]
    assert head.history.first().nip == "197806152003121001"


def test_the_letterhead_page_answers_in_as_many_queries_with_more_signatories(client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("kalapas.selong")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    before = queries()
    selong = Facility.objects.get(code="selong")
    for kind in ["certificate", "handover", "consent", "monthly_report", "tpp_minutes"]:
        Signatory.objects.create(
            facility=selong, document_kind=kind, name=f"Penanda {kind}", title="Kasi"
        )
    assert "Penanda handover" in client.get(URL).content.decode()
    assert queries() == before


def test_a_documents_letterhead_and_signature_take_one_query():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    selong = Facility.objects.select_related("region").get(code="selong")
    with CaptureQueriesContext(connection) as captured:
        document_context(selong, DocumentKind.HANDOVER, date=None)
    assert len(captured) == 1  # the signatories of the kind and of any document


def test_the_facility_page_leads_its_head_to_the_letterhead(client_for):
    assert URL in client_for("kalapas.selong").get("/orgs/facilities/selong/").content.decode()
    assert URL not in client_for("petugas.selong").get("/orgs/facilities/selong/").content.decode()
    admin_page = client_for("admin").get("/orgs/facilities/selong/").content.decode()
    assert "/orgs/regions/ntb/letterhead/" in admin_page
