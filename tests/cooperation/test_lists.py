"""Who reaches the cooperation pages, and the lists' query counts."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sinergi.cooperation.models import ActionItem, Agreement, Commitment, Meeting
from sinergi.orgs.models import Facility, Partner

pytestmark = pytest.mark.django_db


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def _agreement(n: int) -> None:
    selong = Facility.objects.get(code="selong")
    agreement = Agreement.objects.create(
        kind="pks",
        title=f"PKS {n}",
        facility=selong,
        status="active",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2027, 1, 1),
    )
    agreement.partners.set([Partner.objects.get(code="disnaker-lotim")])
    Commitment.objects.create(
        agreement=agreement,
        partner=Partner.objects.get(code="disnaker-lotim"),
        kind="instructors",
        description="x",
        target_quantity=Decimal(5),
        unit="jam",
        due_date=datetime.date(2026, 6, 1),
    )
    meeting = Meeting.objects.create(
        facility=selong, title=f"Rakor {n}", date=datetime.date(2026, 2, 1)
    )
    meeting.partners.set([Partner.objects.get(code="disnaker-lotim")])
    ActionItem.objects.create(
        meeting=meeting, title="a", due_date=datetime.date(2026, 3, 1), owner_facility=selong
    )


@pytest.mark.parametrize(
    "url",
    [
        "/cooperation/requests/",
        "/cooperation/agreements/",
        "/cooperation/meetings/",
        "/api/v1/support-requests?page_size=200",
        "/api/v1/agreements?page_size=200",
        "/api/v1/meetings?page_size=200",
    ],
)
@pytest.mark.parametrize("username", ["petugas.selong", "mitra.disnaker"])
def test_cooperation_lists_run_a_fixed_number_of_queries(client_for, make_request, url, username):
    client = client_for(username)
    make_request("submitted")
    _agreement(0)
    few = _count(client, url)
    for n in range(1, 8):
        make_request("submitted")
        _agreement(n)
    assert _count(client, url) == few


def test_partner_sees_only_its_agreements_and_meetings(client_for, demo_world):
    _agreement(1)
    other = client_for("mitra.dukcapil")
    agreement = Agreement.objects.get()
    assert other.get(f"/cooperation/agreements/{agreement.pk}/").status_code == 404
    assert other.get(f"/cooperation/meetings/{Meeting.objects.get().pk}/").status_code == 404
    assert (
        client_for("mitra.disnaker").get(f"/cooperation/agreements/{agreement.pk}/").status_code
        == 200
    )
    assert (
        client_for("petugas.lobar").get(f"/cooperation/agreements/{agreement.pk}/").status_code
        == 404
    )


def test_contribution_page_is_the_partners_own(client_for, demo_world):
    assert (
        client_for("mitra.disnaker")
        .get("/cooperation/partners/disnaker-lotim/contribution/")
        .status_code
        == 200
    )
    assert (
        client_for("mitra.dukcapil")
        .get("/cooperation/partners/disnaker-lotim/contribution/")
        .status_code
        == 404
    )


def test_only_officers_draft_requests(client_for, demo_world):
    assert client_for("mitra.disnaker").get("/cooperation/requests/new/").status_code == 403
    assert client_for("wali.selong").get("/cooperation/requests/new/").status_code == 403
    assert client_for("petugas.selong").get("/cooperation/requests/new/").status_code == 200


def test_officer_records_a_meeting_with_action_items(client_for, demo_world):
    from sinergi.accounts.models import Notification

    response = client_for("petugas.selong").post(
        "/cooperation/meetings/new/",
        {
            "title": "Rakor triwulan",
            "date": "2026-11-20",
            "place": "Aula Lapas",
            "partners": [Partner.objects.get(code="dukcapil-lotim").pk],
            "minutes": "",
            "decisions": "Perekaman e-KTP",
            "action-TOTAL_FORMS": "2",
            "action-INITIAL_FORMS": "0",
            "action-0-title": "Jadwalkan perekaman e-KTP",
            "action-0-owner_partner": Partner.objects.get(code="dukcapil-lotim").pk,
            "action-0-due_date": "2026-12-15",
            "action-1-title": "",
        },
    )
    assert response.status_code == 302
    item = ActionItem.objects.get()
    assert item.owner_partner.code == "dukcapil-lotim"
    assert Notification.objects.filter(user__username="mitra.dukcapil").exists()
    assert client_for("mitra.disnaker").get("/cooperation/meetings/new/").status_code == 403


def test_a_meeting_offers_only_the_partners_the_facility_works_with(client_for, demo_world):
    from sinergi.orgs.models import Region

    bali = Region.objects.create(code="bali", name="Kanwil Bali", province="Bali")
    far = Partner.objects.create(
        code="disnaker-badung",
        name="Dinas Tenaga Kerja Badung",
        kind="local_government",
        region=bali,
    )
    client = client_for("petugas.selong")
    page = client.get("/cooperation/meetings/new/").content.decode()
    assert "Dinas Kependudukan" in page and far.name not in page
    response = client.post(
        "/cooperation/meetings/new/",
        {
            "title": "Rakor triwulan",
            "date": "2026-11-20",
            "partners": [far.pk],
            "action-TOTAL_FORMS": "1",
            "action-INITIAL_FORMS": "0",
            "action-0-title": "Kirim instruktur",
            "action-0-owner_partner": far.pk,
            "action-0-due_date": "2026-12-15",
        },
    )
    assert response.status_code == 200
    assert "partners" in response.context["form"].errors
    assert "owner_partner" in response.context["items"].forms[0].errors
    assert not ActionItem.objects.exists()


def test_the_meeting_form_loads_the_partners_once_for_all_action_rows(client_for, demo_world):
    client = client_for("petugas.selong")

    def queries(rows: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            client.post(
                "/cooperation/meetings/new/",
                {"title": "", "action-TOTAL_FORMS": str(rows), "action-INITIAL_FORMS": "0"},
            )
        return len(ctx)

    assert queries(1) == queries(10)


def test_partner_owning_an_action_item_sees_its_meeting_everywhere(client_for, demo_world):
    selong = Facility.objects.get(code="selong")
    meeting = Meeting.objects.create(facility=selong, title="Rakor", date=datetime.date(2026, 2, 1))
    ActionItem.objects.create(
        meeting=meeting,
        title="e-KTP",
        due_date=datetime.date(2026, 3, 1),
        owner_partner=Partner.objects.get(code="dukcapil-lotim"),
    )
    client = client_for("mitra.dukcapil")
    assert client.get(f"/cooperation/meetings/{meeting.pk}/").status_code == 200
    assert client.get("/api/v1/meetings").json()["count"] == 1
    assert (
        client_for("mitra.disnaker").get(f"/cooperation/meetings/{meeting.pk}/").status_code == 404
    )


def test_a_partner_is_offered_to_close_only_its_own_action_items(client_for, demo_world):
    selong = Facility.objects.get(code="selong")
    meeting = Meeting.objects.create(facility=selong, title="Rakor", date=datetime.date(2026, 2, 1))
    meeting.partners.add(Partner.objects.get(code="dukcapil-lotim"))
    own = ActionItem.objects.create(
        meeting=meeting,
        title="e-KTP",
        due_date=datetime.date(2026, 3, 1),
        owner_partner=Partner.objects.get(code="dukcapil-lotim"),
    )
    facilitys = ActionItem.objects.create(
        meeting=meeting,
        title="Surat undangan",
        due_date=datetime.date(2026, 3, 1),
        owner_facility=selong,
    )
    partner = client_for("mitra.dukcapil")
    page = partner.get(f"/cooperation/meetings/{meeting.pk}/").content.decode()
    assert f"/cooperation/actions/{own.pk}/close/" in page
    assert f"/cooperation/actions/{facilitys.pk}/close/" not in page
    refused = partner.post(f"/cooperation/actions/{facilitys.pk}/close/", {"status": "done"})
    assert refused.status_code == 404
    facilitys.refresh_from_db()
    assert facilitys.status == "open"
    officer_page = client_for("petugas.selong").get(f"/cooperation/meetings/{meeting.pk}/")
    html = officer_page.content.decode()
    assert f"/cooperation/actions/{own.pk}/close/" in html
    assert f"/cooperation/actions/{facilitys.pk}/close/" in html
    # The guardian officer reads the meeting but closes nothing.
    guardian = client_for("wali.selong").get(f"/cooperation/meetings/{meeting.pk}/")
    assert guardian.status_code == 200 and "/close/" not in guardian.content.decode()


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("/cooperation/meetings/new/", "Judul"),
        ("/cooperation/requests/new/", "Uraian permintaan"),
        ("/programs/new/", "Nama program"),
    ],
)
def test_a_title_is_called_what_it_is_in_indonesian(client_for, demo_world, path, label):
    html = client_for("petugas.selong").get(path).content.decode()
    assert f'<label for="id_title">{label}:</label>' in html


def _meeting(**fields: str) -> dict[str, str]:
    data = {
        "title": "Rakor triwulan",
        "date": "2026-11-20",
        "action-TOTAL_FORMS": "2",
        "action-INITIAL_FORMS": "0",
    }
    data.update(fields)
    return data


@pytest.mark.parametrize(
    ("fields", "where", "message"),
    [
        (  # an owner and a date without the action: not dropped in silence
            {"action-1-owner_partner": "dukcapil", "action-1-due_date": "2026-12-15"},
            "Action item 2 · Action",
            "Write what is to be done, or empty this row.",
        ),
        (
            {"action-0-title": "Kirim surat", "action-0-due_date": "2025-01-01"},
            "Action item 1 · Due date",
            "The due date cannot be before the meeting (20 November 2026).",
        ),
        (
            {"date": "2099-01-01"},
            "Date",
            "This date is in the future; enter a date up to today.",
        ),
    ],
    ids=["action without text", "due before the meeting", "meeting in the future"],
)
def test_a_meeting_with_a_doubtful_row_is_not_saved_and_the_summary_says_why(
    client_for, demo_world, fields, where, message
):
    if fields.get("action-1-owner_partner") == "dukcapil":
        fields["action-1-owner_partner"] = str(Partner.objects.get(code="dukcapil-lotim").pk)
    response = client_for("petugas.selong").post(
        "/cooperation/meetings/new/", _meeting(**fields), language="en"
    )
    assert response.status_code == 200
    summary = [(p.where, p.message) for p in response.context["error_summary"]]
    assert summary == [(where, message)]
    html = response.content.decode()
    assert 'id="error-summary"' in html and "Fix 1 problem before saving" in html
    assert not Meeting.objects.exists() and not ActionItem.objects.exists()


@pytest.mark.parametrize(
    ("username", "may_record"),
    [
        ("petugas.selong", True),
        ("kalapas.selong", True),
        ("wali.selong", False),
        ("pk.bapas", False),
        ("kanwil.ntb", False),
        ("mitra.disnaker", False),
    ],
)
def test_the_meetings_list_offers_to_record_one_only_to_who_may(
    demo_world, client_for, username, may_record
):
    # A guardian and a PK have a facility but may not record its meetings: the button led
    # them to a refusal (403).
    client = client_for(username)
    page = client.get("/cooperation/meetings/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ('href="/cooperation/meetings/new/"' in page) is may_record
    allowed = client.get("/cooperation/meetings/new/").status_code == 200
    assert allowed is may_record
