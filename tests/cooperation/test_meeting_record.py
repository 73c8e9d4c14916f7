"""A meeting's record after the meeting (issue 16): corrected with its history, who attended
(people, partners, other facilities, guests), its documents (checked by content, opened
only by those who see the meeting, each opening audited), and any number of action items."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.cooperation import actions
from sinergi.cooperation.models import Meeting, MeetingAttachment
from sinergi.core.models import AuditEvent
from sinergi.orgs.models import Facility, Partner
from tests.factories import FacilityFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%minutes\n"


def _pdf(name: str = "notulen.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _update(meeting: Meeting, by: str = "petugas.selong", **changes) -> Meeting:
    arguments = {
        "meeting": meeting,
        "values": {"title": meeting.title, "date": meeting.date, "place": "Aula"},
        "partners": list(meeting.partners.all()),
        "attendees": list(meeting.attendees.all()),
        "guest_facilities": [],
        "by": User.objects.get(username=by),
    }
    arguments.update(changes)
    return actions.update_meeting(**arguments)


def test_a_meeting_corrected_after_recording_keeps_its_history_and_is_audited(meeting):
    _update(meeting, values={"title": "Rakor pelatihan las", "date": meeting.date})
    meeting.refresh_from_db()
    assert meeting.title == "Rakor pelatihan las"
    titles = list(meeting.history.order_by("history_date").values_list("title", flat=True))
    assert titles == ["Rakor pelatihan", "Rakor pelatihan las"]
    assert meeting.history.latest().history_user.username == "petugas.selong"
    event = AuditEvent.objects.get(action="meeting.update")
    assert event.changes["title"] == ["Rakor pelatihan", "Rakor pelatihan las"]


def test_a_meeting_lists_people_partners_other_facilities_and_guests(meeting, client_for):
    pk_bapas = User.objects.get(username="pk.bapas")
    mitra = User.objects.get(username="mitra.disnaker")
    bapas = Facility.objects.get(code="bapas-mataram")
    _update(
        meeting,
        attendees=[User.objects.get(username="petugas.selong"), pk_bapas, mitra],
        guest_facilities=[bapas],
        values={"title": meeting.title, "date": meeting.date, "guests": "H. Saleh, Kepala Desa"},
    )
    page = client_for("kalapas.selong").get(meeting.get_absolute_url()).content.decode()
    for shown in [
        pk_bapas.get_full_name(),
        mitra.get_full_name(),
        bapas.name,
        "H. Saleh, Kepala Desa",
    ]:
        assert shown in page
    assert "Dinas Tenaga Kerja" in page or Partner.objects.get(code="disnaker-lotim").name in page


def test_naming_an_attendee_or_facility_from_outside_the_region_is_refused(meeting):
    stranger_facility = FacilityFactory()
    stranger = User.objects.create_user(username="orang.lain", password="x" * 12)
    with pytest.raises(ValidationError) as refused:
        _update(meeting, attendees=[stranger], guest_facilities=[stranger_facility])
    assert "attendees" in refused.value.message_dict
    assert "guest_facilities" in refused.value.message_dict
    assert not meeting.guest_facilities.exists()


def test_only_the_meetings_facility_officers_change_it(meeting):
    for outsider in ["mitra.disnaker", "petugas.lobar", "kanwil.ntb"]:
        with pytest.raises(PermissionDenied):
            _update(meeting, by=outsider)


def test_any_number_of_action_items_can_be_added_after_the_meeting(meeting):
    today = timezone.localdate()
    rows = [{"title": f"Tugas {n}", "due_date": today, "owner_partner": None} for n in range(25)]
    _update(meeting, actions_=rows)
    _update(meeting, actions_=rows[:3])
    assert meeting.actions.count() == 28


def test_the_edit_page_adds_action_items_and_more_rows_on_request(meeting, client_for):
    client = client_for("petugas.selong")
    url = reverse("cooperation:meeting_edit", args=[meeting.pk])
    page = client.get(url + "?rows=10").content.decode()
    assert 'name="action-9-title"' in page
    assert "?rows=15" in page
    today = timezone.localdate().isoformat()
    data = {
        "title": "Rakor pelatihan",
        "date": today,
        "place": "Aula",
        "partners": [Partner.objects.get(code="disnaker-lotim").pk],
        "attendees": [User.objects.get(username="petugas.selong").pk],
        "action-TOTAL_FORMS": "2",
        "action-INITIAL_FORMS": "0",
        "action-0-title": "Kirim jadwal",
        "action-0-due_date": today,
        "action-1-title": "",
    }
    response = client.post(url + "?rows=2", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert list(meeting.actions.values_list("title", flat=True)) == ["Kirim jadwal"]
    assert Meeting.objects.get(pk=meeting.pk).place == "Aula"


@pytest.mark.parametrize(
    ("username", "status"),
    [("mitra.disnaker", 403), ("kanwil.ntb", 403), ("petugas.lobar", 404), ("mitra.dukcapil", 404)],
)
def test_the_edit_page_refuses_those_who_may_not_change_the_meeting(
    meeting, client_for, username, status
):
    url = reverse("cooperation:meeting_edit", args=[meeting.pk])
    assert client_for(username).get(url).status_code == status


def test_a_document_is_attached_checked_by_its_content(meeting, client_for):
    client = client_for("petugas.selong")
    url = reverse("cooperation:meeting_attach", args=[meeting.pk])
    fake = client.post(url, {"title": "Notulen", "file": _pdf(content=b"MZ not a pdf")})
    assert fake.status_code == 400
    assert not MeetingAttachment.objects.exists()
    wrong_type = client.post(url, {"title": "Skrip", "file": _pdf(name="x.exe")})
    assert wrong_type.status_code == 400
    response = client.post(url, {"title": "Notulen bertanda tangan", "file": _pdf()})
    assert response.status_code == 302
    attachment = MeetingAttachment.objects.get()
    assert attachment.uploaded_by.username == "petugas.selong"
    assert AuditEvent.objects.filter(action="meeting.attach").count() == 1


def test_a_partner_may_not_attach_a_document(meeting, client_for):
    url = reverse("cooperation:meeting_attach", args=[meeting.pk])
    response = client_for("mitra.disnaker").post(url, {"title": "x", "file": _pdf()})
    assert response.status_code == 403
    assert not MeetingAttachment.objects.exists()


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("petugas.selong", 200),
        ("kanwil.ntb", 200),
        ("mitra.disnaker", 200),  # its partner attended
        ("mitra.dukcapil", 404),  # a partner not in the meeting
        ("petugas.lobar", 404),  # another facility
        ("pk.bapas", 404),
    ],
)
def test_a_document_opens_only_for_those_who_see_the_meeting_and_is_audited(
    meeting, client_for, username, status
):
    attachment = actions.attach_to_meeting(
        meeting=meeting,
        upload=_pdf(),
        title="Notulen",
        by=User.objects.get(username="petugas.selong"),
    )
    response = client_for(username).get(
        reverse("cooperation:meeting_attachment", args=[attachment.pk])
    )
    assert response.status_code == status
    opened = AuditEvent.objects.filter(action="meeting.attachment.view")
    assert opened.count() == (1 if status == 200 else 0)
    if status == 200:
        assert b"".join(response.streaming_content) == PDF


def test_the_meeting_page_queries_do_not_grow_with_attendees_documents_and_items(
    meeting, client_for
):
    client = client_for("petugas.selong")
    officer = User.objects.get(username="petugas.selong")
    with CaptureQueriesContext(connection) as few:
        client.get(meeting.get_absolute_url())
    today = timezone.localdate()
    _update(
        meeting,
        attendees=[
            officer,
            User.objects.get(username="kalapas.selong"),
            User.objects.get(username="pk.bapas"),
        ],
        guest_facilities=[
            Facility.objects.get(code="bapas-mataram"),
            Facility.objects.get(code="lobar"),
        ],
        actions_=[{"title": f"T{n}", "due_date": today, "owner_partner": None} for n in range(4)],
    )
    for n in range(3):
        actions.attach_to_meeting(
            meeting=meeting, upload=_pdf(f"f{n}.pdf"), title=f"D{n}", by=officer
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get(meeting.get_absolute_url()).content.decode()
    assert "D2" in page and "T3" in page
    assert len(many) == len(few)


def test_the_api_shows_who_attended_and_documents_in_a_bounded_number_of_queries(
    meeting, client_for
):
    client = client_for("petugas.selong")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/meetings?page_size=200")
    officer = User.objects.get(username="petugas.selong")
    actions.attach_to_meeting(meeting=meeting, upload=_pdf(), title="Notulen", by=officer)
    _update(meeting, attendees=[officer, User.objects.get(username="pk.bapas")])
    with CaptureQueriesContext(connection) as many:
        body = client.get("/api/v1/meetings?page_size=200").json()
    assert len(many) == len(few)
    row = next(m for m in body["items"] if m["id"] == meeting.pk)
    assert set(row["attendees"]) == {"petugas.selong", "pk.bapas"}
    assert row["partners"] == ["disnaker-lotim"]
    assert row["attachments"][0]["title"] == "Notulen"


def test_the_api_corrects_a_meeting_and_adds_action_items(meeting, client_for):
    today = timezone.localdate().isoformat()
    response = client_for("petugas.selong").patch(
        f"/api/v1/meetings/{meeting.pk}",
        {
            "place": "Aula Lapas",
            "guest_facilities": ["bapas-mataram"],
            "guests": "H. Saleh (Kepala Desa)",
            "new_actions": [
                {
                    "title": "Kirim daftar peserta",
                    "due_date": today,
                    "owner_partner": "disnaker-lotim",
                }
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["place"] == "Aula Lapas"
    assert body["guest_facilities"] == ["bapas-mataram"]
    assert [a["title"] for a in body["actions"]] == ["Kirim daftar peserta"]
    assert AuditEvent.objects.filter(action="meeting.update", target_id=str(meeting.pk)).exists()


@pytest.mark.parametrize(
    ("username", "status"),
    [("mitra.disnaker", 403), ("petugas.lobar", 404), ("mitra.dukcapil", 404)],
)
def test_the_api_refuses_to_change_a_meeting_to_outsiders(meeting, client_for, username, status):
    response = client_for(username).patch(
        f"/api/v1/meetings/{meeting.pk}", {"place": "X"}, content_type="application/json"
    )
    assert response.status_code == status
    assert Meeting.objects.get(pk=meeting.pk).place == ""


def test_the_api_names_an_unknown_partner_code(meeting, client_for):
    response = client_for("petugas.selong").patch(
        f"/api/v1/meetings/{meeting.pk}",
        {"partners": ["tidak-ada"]},
        content_type="application/json",
    )
    assert response.status_code == 422  # the project's answer to a broken rule
    assert "tidak-ada" in response.content.decode()
