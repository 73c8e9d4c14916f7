"""Recording an agreement and its commitments without the admin: who may, what is refused,
and that nothing is half-saved."""

from __future__ import annotations

import datetime
import html
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone, translation

from sinergi.accounts.models import Membership, User
from sinergi.cooperation import actions
from sinergi.cooperation.models import Agreement, Commitment, Fulfilment
from sinergi.core.models import AuditEvent
from sinergi.core.roles import Role
from sinergi.orgs.models import Facility, Partner, Region

pytestmark = pytest.mark.django_db
NEW = "/cooperation/agreements/new/"
DAY = datetime.timedelta(days=1)


def today() -> datetime.date:
    return timezone.localdate()


def partner(code: str) -> Partner:
    return Partner.objects.get(code=code)


def english(client: Client) -> Client:
    """Messages are compared in English, whatever the catalogue says in Indonesian."""
    client.cookies["sinergi_language"] = "en"
    return client


def row(**overrides: Any) -> dict[str, Any]:
    """One commitment of the formset, as the browser posts it."""
    values: dict[str, Any] = {
        "id": "",
        "partner": partner("disnaker-lotim").pk,
        "kind": "instructors",
        "description": "Instruktur menjahit untuk pelatihan 160 jam",
        "target_quantity": "160",
        "unit": "jam",
        "due_date": (today() + 60 * DAY).isoformat(),
    }
    values.update(overrides)
    return values


def form_data(rows: list[dict[str, Any]], *, initial: int = 0, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "pks",
        "number": "560/77/PKS/DISNAKER/2026",
        "title": "PKS pelatihan menjahit bagi WBP",
        "partners": [partner("disnaker-lotim").pk, partner("blk-lotim").pk],
        "parent": "",
        "scope": "Pelatihan menjahit dan uji kompetensi BNSP.",
        "signed_on": (today() - 5 * DAY).isoformat(),
        "start_date": (today() - 5 * DAY).isoformat(),
        "end_date": (today() + 365 * DAY).isoformat(),
        "status": "active",
        "commitment-TOTAL_FORMS": str(len(rows)),
        "commitment-INITIAL_FORMS": str(initial),
    }
    data.update(fields)
    for index, values in enumerate(rows):
        for key, value in values.items():
            data[f"commitment-{index}-{key}"] = value
    return data


def draft_values(**fields: Any) -> dict[str, Any]:
    """The values of a draft PKS as the form gives them to ``actions.save_agreement``."""
    return {
        "kind": "pks",
        "title": "PKS",
        "status": "draft",
        "start_date": today(),
        "end_date": today() + 100 * DAY,
        **fields,
    }


def make_agreement(commitments: int = 1, **fields: Any) -> Agreement:
    """An active PKS of Selong with Disnaker and the BLK, and ``commitments`` commitments."""
    values: dict[str, Any] = {
        "kind": "pks",
        "title": "PKS pelatihan kerja",
        "facility": Facility.objects.get(code="selong"),
        "status": "active",
        "start_date": today() - 30 * DAY,
        "end_date": today() + 335 * DAY,
    }
    values.update(fields)
    agreement = Agreement.objects.create(**values)
    agreement.partners.set([partner("disnaker-lotim"), partner("blk-lotim")])
    for n in range(commitments):
        Commitment.objects.create(
            agreement=agreement,
            partner=partner("disnaker-lotim"),
            kind="instructors",
            description=f"Instruktur {n}",
            target_quantity=Decimal(10),
            unit="jam",
            due_date=today() + (n + 1) * DAY,
        )
    return agreement


def existing_rows(agreement: Agreement) -> list[dict[str, Any]]:
    return [
        row(
            id=c.pk,
            partner=c.partner_id or "",
            kind=c.kind,
            description=c.description,
            target_quantity=str(c.target_quantity),
            unit=c.unit,
            due_date=c.due_date.isoformat(),
        )
        for c in agreement.commitments.order_by("pk")
    ]


def edit_data(agreement: Agreement, rows: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    """The edit form of ``agreement`` as posted: its own period unless ``fields`` say
    otherwise, and ``rows`` (its existing commitments first)."""
    period = {
        "start_date": agreement.start_date.isoformat(),
        "end_date": agreement.end_date.isoformat(),
    }
    return form_data(rows, initial=agreement.commitments.count(), **{**period, **fields})


def edit_url(agreement: Agreement) -> str:
    return f"/cooperation/agreements/{agreement.pk}/edit/"


def errors(response: Any) -> list[str]:
    """Every error message the form page shows, in plain text."""
    found: list[str] = []
    form, formset = response.context["form"], response.context["commitment_forms"]
    for messages in form.errors.values():
        found += list(messages)
    for child in formset.forms:
        for messages in child.errors.values():
            found += list(messages)
    found += list(formset.non_form_errors())
    page = html.unescape(response.content.decode())
    for message in found:
        assert message in page, message
    return found


def test_an_officer_creates_an_agreement_with_two_commitments(client_for, user):
    officer = user("petugas.selong")
    page = client_for("petugas.selong").get(NEW)
    assert page.status_code == 200
    response = client_for("petugas.selong").post(
        NEW,
        form_data(
            [
                row(),
                row(
                    partner=partner("blk-lotim").pk,
                    kind="training_places",
                    description="Tempat uji kompetensi di BLK",
                    target_quantity="20",
                    unit="orang",
                ),
            ]
        ),
    )
    agreement = Agreement.objects.get()
    assert response.status_code == 302 and response["Location"] == agreement.get_absolute_url()
    assert agreement.facility is not None and agreement.facility.code == "selong"
    assert agreement.region_id is None
    assert sorted(p.code for p in agreement.partners.all()) == ["blk-lotim", "disnaker-lotim"]
    commitments = list(agreement.commitments.order_by("pk"))
    assert [(c.partner.code if c.partner else None, c.target_quantity) for c in commitments] == [
        ("disnaker-lotim", Decimal(160)),
        ("blk-lotim", Decimal(20)),
    ]
    event = AuditEvent.objects.get(action="agreement.create")
    assert event.target_id == str(agreement.pk) and event.actor == officer
    assert event.facility_id == agreement.facility_id
    assert event.changes["commitments"]["added"] == 2
    assert agreement.history.get().history_user == officer
    for commitment in commitments:
        assert commitment.history.get().history_user == officer
    detail = client_for("petugas.selong").get(agreement.get_absolute_url()).content.decode()
    assert "Instruktur menjahit untuk pelatihan 160 jam" in detail
    assert "Tempat uji kompetensi di BLK" in detail


def test_the_head_may_record_an_agreement_too(client_for):
    client = client_for("kalapas.selong")
    assert client.get(NEW).status_code == 200
    assert client.post(NEW, form_data([row()])).status_code == 302
    assert Agreement.objects.get().commitments.count() == 1


def test_a_commitment_the_facility_promised_has_no_partner(client_for):
    response = client_for("petugas.selong").post(
        NEW, form_data([row(partner="", kind="other", description="Ruang kelas menjahit")])
    )
    assert response.status_code == 302
    assert Commitment.objects.get().partner is None


def test_edit_changes_a_commitment_and_adds_one(client_for, user):
    agreement = make_agreement(1)
    url = edit_url(agreement)
    client = client_for("petugas.selong")
    assert client.get(url).status_code == 200
    rows = existing_rows(agreement)
    rows[0]["target_quantity"] = "24"
    rows.append(row(partner=partner("blk-lotim").pk, description="Alat jahit", kind="equipment"))
    response = client.post(url, edit_data(agreement, rows, title="PKS pelatihan kerja (perubahan)"))
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.title == "PKS pelatihan kerja (perubahan)"
    changed, added = agreement.commitments.order_by("pk")
    assert changed.target_quantity == Decimal(24) and changed.description == "Instruktur 0"
    assert added.description == "Alat jahit" and added.partner == partner("blk-lotim")
    event = AuditEvent.objects.get(action="agreement.update")
    assert event.changes["title"] == ["PKS pelatihan kerja", "PKS pelatihan kerja (perubahan)"]
    assert event.changes["commitments"]["added"] == 1
    assert event.changes["commitments"]["changed"] == {
        str(changed.pk): {"target_quantity": ["10.00", "24"]}
    }
    assert changed.history.first().history_user == user("petugas.selong")
    assert agreement.history.first().history_user == user("petugas.selong")


def test_edit_removes_a_commitment_without_deliveries(client_for):
    agreement = make_agreement(2)
    rows = existing_rows(agreement)
    rows[1]["DELETE"] = "on"
    response = client_for("kalapas.selong").post(edit_url(agreement), edit_data(agreement, rows))
    assert response.status_code == 302
    assert [c.description for c in agreement.commitments.all()] == ["Instruktur 0"]
    assert AuditEvent.objects.get(action="agreement.update").changes["commitments"]["removed"]


def test_removing_a_commitment_with_deliveries_is_refused(client_for):
    agreement = make_agreement(2)
    delivered = agreement.commitments.order_by("pk")[1]
    Fulfilment.objects.create(
        partner=partner("disnaker-lotim"),
        commitment=delivered,
        description="Instruktur mengajar",
        delivered_on=today(),
        quantity=Decimal(4),
        unit="jam",
    )
    rows = existing_rows(agreement)
    rows[0]["target_quantity"] = "99"
    rows[1]["DELETE"] = "on"
    response = english(client_for("petugas.selong")).post(
        edit_url(agreement), edit_data(agreement, rows)
    )
    assert response.status_code == 200
    assert "“Instruktur 1” cannot be removed: deliveries are recorded against it." in errors(
        response
    )
    # A problem of the whole form is in the summary too, in full.
    box = html.unescape(summary(response))
    assert "Fix 1 problem before saving" in box
    assert "“Instruktur 1” cannot be removed: deliveries are recorded against it." in box
    assert agreement.commitments.count() == 2
    assert agreement.commitments.order_by("pk")[0].target_quantity == Decimal(10)
    assert not AuditEvent.objects.filter(action="agreement.update").exists()


# (what is wrong, dates of the agreement and other values of its second commitment in days
# from today, the message). The defaults: signed and started 5 days ago, ends in 365 days,
# the commitment due in 60 days. In the message, {start} and {end} stand for the agreement's
# dates and {dukcapil} for the name of that partner.
RULES: list[tuple[str, dict[str, int], dict[str, Any], str]] = [
    ("end before start", {"end_date": -10}, {}, "The end date must be after the start date."),
    ("end on the start date", {"end_date": -5}, {}, "The end date must be after the start date."),
    (
        "signed in the future",
        {"signed_on": 2},
        {},
        "This date is in the future; enter a date up to today.",
    ),
    (
        "signed after it ended",
        {"start_date": -100, "end_date": -50, "signed_on": -10},
        {"due_date": -60},
        "The signing date cannot be after the end date.",
    ),
    (
        "a partner outside the agreement",
        {},
        {"partner": "dukcapil-lotim"},
        "Tick {dukcapil} under Partners, or choose another partner for this commitment.",
    ),
    (
        "due after the end",
        {},
        {"due_date": 400},
        "The due date must fall within the agreement's period, {start} to {end}.",
    ),
    (
        "due before the start",
        {},
        {"due_date": -6},
        "The due date must fall within the agreement's period, {start} to {end}.",
    ),
    ("a zero target", {}, {"target_quantity": "0"}, "The target must be more than zero."),
    ("a negative target", {}, {"target_quantity": "-3"}, "The target must be more than zero."),
]


def long_date(day: datetime.date) -> str:
    """A date as the English pages write it: "5 March 2026"."""
    with translation.override("en"):
        return formats.date_format(day, "DATE_FORMAT")


@pytest.mark.parametrize(
    ("dates", "commitment", "message"), [r[1:] for r in RULES], ids=[r[0] for r in RULES]
)
def test_each_rule_refuses_with_its_message_and_saves_nothing(
    client_for, dates, commitment, message
):
    fields = {name: (today() + days * DAY).isoformat() for name, days in dates.items()}
    second = dict(commitment)
    if "partner" in second:
        second["partner"] = partner(second["partner"]).pk
    if "due_date" in second:
        second["due_date"] = (today() + second["due_date"] * DAY).isoformat()
    first = row() if "due_date" not in second else row(due_date=second["due_date"])
    response = english(client_for("petugas.selong")).post(
        NEW, form_data([first, row(description="Kedua", **second)], **fields)
    )
    assert response.status_code == 200
    expected = message.format(
        start=long_date(today() + dates.get("start_date", -5) * DAY),
        end=long_date(today() + dates.get("end_date", 365) * DAY),
        dukcapil=partner("dukcapil-lotim").name,
    )
    assert expected in errors(response)
    assert not Agreement.objects.exists() and not Commitment.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="agreement.").exists()


def test_a_rule_broken_on_edit_changes_nothing(client_for):
    agreement = make_agreement(1)
    rows = existing_rows(agreement)
    rows[0]["partner"] = partner("dukcapil-lotim").pk
    response = english(client_for("petugas.selong")).post(
        edit_url(agreement), edit_data(agreement, rows, title="Tidak tersimpan")
    )
    assert (
        f"Tick {partner('dukcapil-lotim').name} under Partners, or choose another partner "
        "for this commitment." in errors(response)
    )
    agreement.refresh_from_db()
    assert agreement.title == "PKS pelatihan kerja"
    assert agreement.commitments.get().partner == partner("disnaker-lotim")


def test_an_agreement_without_partners_is_refused_with_what_to_do(client_for, user):
    response = english(client_for("petugas.selong")).post(
        NEW, form_data([row(partner="")], partners=[])
    )
    assert response.context["form"].errors["partners"] == ["Tick at least one partner."]
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        actions.save_agreement(
            facility=Facility.objects.get(code="selong"),
            values=draft_values(),
            partners=[],
            commitments=[],
            by=user("petugas.selong"),
        )
    assert refused.value.message_dict["partners"] == ["Tick at least one partner."]
    assert not Agreement.objects.exists()


def test_the_action_refuses_what_the_form_would_and_writes_nothing(user):
    officer = user("petugas.selong")
    values = {
        "kind": "pks",
        "title": "PKS",
        "status": "draft",
        "start_date": today(),
        "end_date": today() + 100 * DAY,
    }
    commitment = {
        "partner": partner("dukcapil-lotim"),
        "kind": "other",
        "description": "x",
        "target_quantity": Decimal(1),
        "unit": "unit",
        "due_date": today() + 10 * DAY,
    }
    with pytest.raises(ValidationError):
        actions.save_agreement(
            facility=Facility.objects.get(code="selong"),
            values=values,
            partners=[partner("disnaker-lotim")],
            commitments=[commitment],
            by=officer,
        )
    assert not Agreement.objects.exists()
    created = actions.save_agreement(
        facility=Facility.objects.get(code="selong"),
        values=values,
        partners=[partner("disnaker-lotim"), partner("dukcapil-lotim")],
        commitments=[commitment],
        by=officer,
    )
    # Outside a web request the history still names who made the change.
    assert created.history.get().history_user == officer
    assert created.commitments.get().history.get().history_user == officer


def test_only_a_pdf_is_accepted_as_the_signed_document(client_for):
    client = english(client_for("petugas.selong"))
    not_pdf = SimpleUploadedFile("pks.pdf", b"hello", content_type="application/pdf")
    response = client.post(NEW, {**form_data([row()]), "document": not_pdf})
    assert response.status_code == 200
    assert "The file's content is not a PDF." in errors(response)
    assert not Agreement.objects.exists()
    pdf = SimpleUploadedFile("pks.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    assert client.post(NEW, {**form_data([row()]), "document": pdf}).status_code == 302
    agreement = Agreement.objects.get()
    assert agreement.document.name.endswith(".pdf")


def test_the_signed_document_is_shown_to_those_who_see_the_agreement(client_for):
    agreement = make_agreement(1)
    pdf = SimpleUploadedFile("pks-disnaker.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    agreement.document.save("pks-disnaker.pdf", pdf)
    url = f"/cooperation/agreements/{agreement.pk}/document/"
    officer = client_for("petugas.selong")
    assert url in officer.get(agreement.get_absolute_url()).content.decode()
    response = officer.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert client_for("mitra.disnaker").get(url).status_code == 200
    assert client_for("petugas.lobar").get(url).status_code == 404
    # The edit page links the stored file through that page, and saving without a new
    # upload keeps it.
    edit = edit_url(agreement)
    assert f'href="{url}"' in officer.get(edit).content.decode()
    stored = agreement.document.name
    data = edit_data(agreement, existing_rows(agreement))
    assert officer.post(edit, data).status_code == 302
    agreement.refresh_from_db()
    assert agreement.document.name == stored
    assert officer.post(edit, {**data, "document-clear": "on"}).status_code == 302
    agreement.refresh_from_db()
    assert not agreement.document
    assert officer.get(url).status_code == 404


def test_the_parent_is_a_framework_agreement_the_user_can_see(client_for):
    mou = make_agreement(0, kind="mou", title="Kesepakatan Bersama")
    pks = make_agreement(0, title="PKS lain")
    lobar_mou = make_agreement(
        0, kind="mou", title="KB Lombok Barat", facility=Facility.objects.get(code="lobar")
    )
    client = english(client_for("petugas.selong"))
    for refused in (pks, lobar_mou):
        response = client.post(NEW, form_data([row()], parent=refused.pk))
        assert response.status_code == 200 and errors(response)
    within = form_data([row()], parent=mou.pk, end_date=mou.end_date.isoformat())
    assert client.post(NEW, within).status_code == 302
    assert Agreement.objects.get(title="PKS pelatihan menjahit bagi WBP").parent == mou


def test_a_drafter_for_several_facilities_chooses_among_those_only(client_for, user):
    officer = user("petugas.selong")
    Membership.objects.create(
        user=officer, role=Role.PROGRAM_OFFICER, facility=Facility.objects.get(code="lobar")
    )
    client = english(client_for("petugas.selong"))
    page = client.get(NEW)
    choices = {str(f) for f in page.context["form"].fields["facility"].queryset}
    assert choices == {"Lapas Kelas IIB Selong", "Lapas Kelas IIA Lombok Barat"}
    bapas = Facility.objects.get(code="bapas-mataram")
    response = client.post(NEW, form_data([row()], facility=bapas.pk))
    assert response.status_code == 200 and errors(response)
    lobar = Facility.objects.get(code="lobar")
    assert client.post(NEW, form_data([row()], facility=lobar.pk)).status_code == 302
    assert Agreement.objects.get().facility == lobar


def test_one_facility_drafter_is_not_asked_for_the_facility(client_for):
    page = client_for("petugas.selong").get(NEW)
    assert "facility" not in page.context["form"].fields


@pytest.mark.parametrize("username", ["mitra.disnaker", "wali.selong", "kanwil.ntb"])
def test_who_sees_an_agreement_but_may_not_edit_it_is_refused(client_for, username):
    agreement = make_agreement(1)
    client = client_for(username)
    url = edit_url(agreement)
    assert client.get(agreement.get_absolute_url()).status_code == 200
    assert client.get(url).status_code == 403
    rows = existing_rows(agreement)
    assert client.post(url, edit_data(agreement, rows, title="Diubah")).status_code == 403
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, form_data([row()])).status_code == 403
    agreement.refresh_from_db()
    assert agreement.title == "PKS pelatihan kerja" and Agreement.objects.count() == 1
    assert "/edit/" not in client.get(agreement.get_absolute_url()).content.decode()
    assert NEW not in client.get("/cooperation/agreements/").content.decode()


def test_another_facilitys_officer_does_not_find_the_edit_page(client_for):
    agreement = make_agreement(1)
    client = client_for("petugas.lobar")
    url = edit_url(agreement)
    assert client.get(url).status_code == 404
    assert client.post(url, edit_data(agreement, existing_rows(agreement))).status_code == 404
    agreement.refresh_from_db()
    assert agreement.title == "PKS pelatihan kerja"


def test_a_regional_agreement_stays_with_the_administrators(client_for):
    agreement = make_agreement(0, facility=None, region=Region.objects.get(code="ntb"))
    url = edit_url(agreement)
    officer = client_for("petugas.selong")
    assert officer.get(agreement.get_absolute_url()).status_code == 200
    assert officer.get(url).status_code == 403
    assert "/edit/" not in officer.get(agreement.get_absolute_url()).content.decode()


def test_anonymous_users_are_sent_to_sign_in(demo_world):
    agreement = make_agreement(1)
    for url in (NEW, edit_url(agreement)):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        response = Client().post(url, form_data([row()]))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Agreement.objects.count() == 1


@pytest.mark.parametrize("username", ["petugas.selong", "kalapas.selong"])
def test_officers_find_the_links_to_the_forms(client_for, username):
    agreement = make_agreement(1)
    client = client_for(username)
    assert NEW in client.get("/cooperation/agreements/").content.decode()
    detail = client.get(agreement.get_absolute_url()).content.decode()
    assert edit_url(agreement) in detail


def test_the_edit_page_runs_a_fixed_number_of_queries(client_for):
    client = client_for("petugas.selong")
    counts = []
    for size in (2, 10):
        agreement = make_agreement(size, title=f"PKS {size}")
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(edit_url(agreement))
        assert response.status_code == 200
        assert len(response.context["commitment_forms"].initial_forms) == size
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts


def test_an_officer_records_a_draft_whatever_status_is_posted(client_for):
    client = english(client_for("petugas.selong"))
    page = client.get(NEW).content.decode()
    assert 'name="status"' in page and "disabled" in page.split('name="status"')[1][:200]
    assert client.post(NEW, form_data([row()], status="active")).status_code == 302
    agreement = Agreement.objects.get()
    assert agreement.status == "draft"


def test_the_head_approves_an_officers_draft_and_the_officer_cannot_undo_it(client_for):
    officer = english(client_for("petugas.selong"))
    officer.post(NEW, form_data([row()]))
    agreement = Agreement.objects.get()
    commitment = agreement.commitments.get()
    edit = f"/cooperation/agreements/{agreement.pk}/edit/"
    existing = row(id=commitment.pk)
    head = english(client_for("kalapas.selong"))
    response = head.post(edit, form_data([existing], initial=1, status="active"))
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == "active"
    assert agreement.history.first().history_user.username == "kalapas.selong"
    # the officer still corrects the text, but the status stays the head's decision
    response = officer.post(
        edit, form_data([existing], initial=1, status="draft", title="PKS menjahit (revisi)")
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.status, agreement.title) == ("active", "PKS menjahit (revisi)")


def test_the_action_refuses_a_status_change_by_an_officer(user):
    officer, head = user("petugas.selong"), user("kalapas.selong")
    selong = Facility.objects.get(code="selong")
    values = {
        "kind": "pks",
        "title": "PKS",
        "status": "draft",
        "start_date": today(),
        "end_date": today() + 100 * DAY,
    }
    draft = actions.save_agreement(
        facility=selong,
        values=values,
        partners=[partner("disnaker-lotim")],
        commitments=[],
        by=officer,
    )
    with pytest.raises(ValidationError) as refused:
        actions.save_agreement(
            agreement=draft,
            values={**values, "status": "active"},
            partners=[partner("disnaker-lotim")],
            commitments=[],
            by=officer,
        )
    assert "status" in refused.value.message_dict
    draft.refresh_from_db()
    assert draft.status == "draft"
    approved = actions.save_agreement(
        agreement=draft,
        values={**values, "status": "active"},
        partners=[partner("disnaker-lotim")],
        commitments=[],
        by=head,
    )
    assert approved.status == "active"
    event = AuditEvent.objects.filter(action="agreement.update").latest("pk")
    assert event.changes["status"] == ["draft", "active"]


def test_the_head_finds_the_drafts_to_approve_on_the_home_page(client_for):
    officer = english(client_for("petugas.selong"))
    officer.post(NEW, form_data([row()]))
    head = english(client_for("kalapas.selong"))
    home = head.get("/").content.decode()
    assert "Agreements to approve" in home and "PKS pelatihan menjahit bagi WBP" in home
    assert "Agreements to approve" not in officer.get("/").content.decode()
    agreement = Agreement.objects.get()
    agreement.status = "active"
    agreement.save()
    assert "Agreements to approve" not in head.get("/").content.decode()


# The error summary: on a phone the form runs for two or three screens, so the problems
# are listed first, each linking to its field.


def summary(response: Any) -> str:
    """The error summary of the form page (empty when there is none)."""
    page = response.content.decode()
    if 'id="error-summary"' not in page:
        return ""
    start = page.rindex("<div", 0, page.index('id="error-summary"'))
    return page[start : page.index("</div>", start)]


def test_the_error_summary_lists_every_problem_before_the_form_with_links(client_for):
    response = english(client_for("petugas.selong")).post(
        NEW,
        form_data(
            [row(), row(description="Kedua", due_date=(today() + 400 * DAY).isoformat())],
            signed_on=(today() + 2 * DAY).isoformat(),
        ),
    )
    assert response.status_code == 200
    box = summary(response)
    assert 'role="alert"' in box and 'tabindex="-1"' in box and "autofocus" in box
    assert "Fix 2 problems before saving" in box
    assert 'href="#id_signed_on"' in box
    assert "This date is in the future; enter a date up to today." in html.unescape(box)
    assert 'href="#id_commitment-1-due_date"' in box
    assert "Commitment 2" in box
    page = response.content.decode()
    # The summary comes first, and every link leads to a field of the page.
    assert page.index('id="error-summary"') < page.index('class="stack form"')
    for anchor in ("id_signed_on", "id_commitment-1-due_date"):
        assert f'id="{anchor}"' in page


def test_no_partner_ticked_is_linked_from_the_summary_to_the_first_checkbox(client_for):
    response = english(client_for("petugas.selong")).post(
        NEW, form_data([row(partner="")], partners=[])
    )
    box = summary(response)
    assert "Tick at least one partner." in box and 'href="#id_partners_0"' in box
    assert 'id="id_partners_0"' in response.content.decode()


def test_the_pages_without_errors_show_no_summary(client_for):
    client = client_for("petugas.selong")
    assert summary(client.get(NEW)) == ""
    assert summary(client.get(edit_url(make_agreement(1)))) == ""


# One number, one agreement: the number is how the parties cite it.


def test_the_same_number_twice_in_a_facility_is_refused(client_for):
    make_agreement(0, number="560/77/PKS/DISNAKER/2026", title="PKS pertama")
    client = english(client_for("petugas.selong"))
    response = client.post(NEW, form_data([row()], number=" 560/77/pks/disnaker/2026 "))
    assert response.status_code == 200
    assert response.context["form"].errors["number"] == [
        "Another agreement of this facility already has the number 560/77/PKS/DISNAKER/2026 "
        "(“PKS pertama”)."
    ]
    assert 'href="#id_number"' in summary(response)
    assert Agreement.objects.count() == 1


def test_a_number_may_repeat_in_another_facility_and_blank_numbers_repeat(client_for):
    make_agreement(
        0, number="560/77/PKS/DISNAKER/2026", facility=Facility.objects.get(code="lobar")
    )
    make_agreement(0, number="")
    client = client_for("petugas.selong")
    assert client.post(NEW, form_data([row()])).status_code == 302
    assert client.post(NEW, form_data([row()], number="", title="Tanpa nomor")).status_code == 302
    assert client.post(NEW, form_data([row()], number="", title="Tanpa nomor 2")).status_code == 302
    assert Agreement.objects.filter(number="").count() == 3


def test_an_agreement_keeps_its_own_number_when_edited(client_for):
    agreement = make_agreement(1, number="560/77/PKS/DISNAKER/2026")
    data = edit_data(agreement, existing_rows(agreement), title="PKS (perubahan)")
    assert client_for("petugas.selong").post(edit_url(agreement), data).status_code == 302
    agreement.refresh_from_db()
    assert agreement.title == "PKS (perubahan)"


def test_the_action_refuses_a_number_taken_in_the_facility(user):
    make_agreement(0, number="560/77/PKS/DISNAKER/2026")
    with pytest.raises(ValidationError) as refused:
        actions.save_agreement(
            facility=Facility.objects.get(code="selong"),
            values=draft_values(number="560/77/PKS/DISNAKER/2026"),
            partners=[partner("disnaker-lotim")],
            commitments=[],
            by=user("petugas.selong"),
        )
    assert "number" in refused.value.message_dict
    assert Agreement.objects.count() == 1


# An operational agreement (PKS) under a framework agreement lies within its period.


def framework() -> Agreement:
    return make_agreement(
        0,
        kind="mou",
        title="Kesepakatan Bersama",
        start_date=today() - 100 * DAY,
        end_date=today() + 300 * DAY,
    )


@pytest.mark.parametrize(
    ("field", "days"),
    [("start_date", -101), ("end_date", 301)],
    ids=["starts before", "ends after"],
)
def test_an_agreement_outside_its_framework_period_is_refused(client_for, field, days):
    mou = framework()
    response = english(client_for("petugas.selong")).post(
        NEW, form_data([row()], parent=mou.pk, **{field: (today() + days * DAY).isoformat()})
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [
        "This agreement must lie within the period of its framework agreement "
        f"“Kesepakatan Bersama”, {long_date(mou.start_date)} to {long_date(mou.end_date)}."
    ]
    assert Agreement.objects.count() == 1


def test_an_agreement_within_its_framework_period_is_saved(client_for):
    mou = framework()
    data = form_data(
        [row()],
        parent=mou.pk,
        start_date=mou.start_date.isoformat(),
        end_date=mou.end_date.isoformat(),
        signed_on=mou.start_date.isoformat(),
    )
    assert client_for("petugas.selong").post(NEW, data).status_code == 302
    assert Agreement.objects.get(parent=mou).end_date == mou.end_date


def test_the_action_refuses_an_agreement_outside_its_framework(user):
    mou = framework()
    with pytest.raises(ValidationError) as refused:
        actions.save_agreement(
            facility=Facility.objects.get(code="selong"),
            values=draft_values(parent=mou, end_date=today() + 400 * DAY),
            partners=[partner("disnaker-lotim")],
            commitments=[],
            by=user("petugas.selong"),
        )
    assert list(refused.value.message_dict) == ["end_date"]


@pytest.mark.parametrize(
    ("field", "days", "message"),
    [
        (
            "start_date",
            -40,
            "“PKS pelatihan las”, under this agreement, starts on {start}: start by then.",
        ),
        (
            "end_date",
            200,
            "“PKS pelatihan las”, under this agreement, runs until {end}: end no earlier.",
        ),
    ],
    ids=["starts later", "ends sooner"],
)
def test_a_framework_agreement_cannot_shrink_away_from_the_agreements_under_it(
    client_for, user, field, days, message
):
    mou = framework()
    pks = make_agreement(
        0,
        title="PKS pelatihan las",
        number="560/12/PKS/2026",
        parent=mou,
        start_date=today() - 50 * DAY,
        end_date=today() + 250 * DAY,
    )
    expected = message.format(start=long_date(pks.start_date), end=long_date(pks.end_date))
    dates = {
        "start_date": mou.start_date.isoformat(),
        "end_date": mou.end_date.isoformat(),
        field: (today() + days * DAY).isoformat(),
    }
    values = form_data(
        [],
        kind="mou",
        number=mou.number,
        title=mou.title,
        signed_on=mou.start_date.isoformat(),
        **dates,
    )
    response = english(client_for("kalapas.selong")).post(edit_url(mou), values)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [expected]
    mou.refresh_from_db()
    assert (mou.start_date, mou.end_date) == (today() - 100 * DAY, today() + 300 * DAY)
    with pytest.raises(ValidationError) as refused:
        actions.save_agreement(
            agreement=mou,
            facility=mou.facility,
            values={field: today() + days * DAY},
            partners=list(mou.partners.all()),
            commitments=[],
            by=user("kalapas.selong"),
        )
    assert list(refused.value.message_dict) == [field]


# Targets are shown as people write them: 96, not 96.00; 2,5 in Indonesian.


def targets_agreement() -> Agreement:
    agreement = make_agreement(0)
    for description, target in (("Peserta pelatihan", "96.00"), ("Ton pupuk", "2.50")):
        Commitment.objects.create(
            agreement=agreement,
            partner=partner("disnaker-lotim"),
            kind="other",
            description=description,
            target_quantity=Decimal(target),
            unit="unit",
            due_date=today() + 10 * DAY,
        )
    return agreement


def test_targets_are_shown_without_trailing_zeros_in_both_languages(client_for):
    agreement = targets_agreement()
    indonesian = client_for("petugas.selong").get(agreement.get_absolute_url()).content.decode()
    assert "0 / 96 unit" in indonesian and "0 / 2,5 unit" in indonesian
    assert "96,00" not in indonesian and "2,50" not in indonesian
    english_page = english(client_for("petugas.selong")).get(agreement.get_absolute_url())
    text = english_page.content.decode()
    assert "0 / 96 unit" in text and "0 / 2.5 unit" in text and "96.00" not in text
    # The progress bar reads machine numbers, whatever the language.
    assert 'max="2.5"' in indonesian and 'max="96"' in indonesian


def test_the_edit_form_starts_from_the_targets_without_trailing_zeros(client_for):
    agreement = targets_agreement()
    page = client_for("petugas.selong").get(edit_url(agreement)).content.decode()
    assert 'name="commitment-0-target_quantity" value="96"' in page
    assert 'name="commitment-1-target_quantity" value="2.5"' in page


@pytest.mark.django_db(transaction=True)
def test_two_people_recording_the_same_number_at_once_make_one_agreement(demo_world):
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row locks under concurrent transactions are tested on PostgreSQL")
    selong = Facility.objects.get(code="selong")
    people = [User.objects.get(username=u) for u in ("petugas.selong", "kalapas.selong")] * 3
    barrier = threading.Barrier(len(people))
    refused: list[BaseException] = []

    def record(by):
        try:
            barrier.wait()
            actions.save_agreement(
                facility=selong,
                values=draft_values(number="560/5/PKS/2026"),
                partners=[partner("disnaker-lotim")],
                commitments=[],
                by=by,
            )
        except ValidationError as exc:
            refused.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=record, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Agreement.objects.filter(number="560/5/PKS/2026").count() == 1
    assert len(refused) == len(people) - 1


def test_a_framework_agreement_and_the_agreements_under_it_link_to_each_other(client_for):
    mou = framework()
    pks = make_agreement(0, title="PKS pelatihan las", number="560/12/PKS/2026", parent=mou)
    officer = english(client_for("petugas.selong"))
    mou_page = officer.get(mou.get_absolute_url()).content.decode()
    assert "Agreements under it" in mou_page
    assert f'<a href="{pks.get_absolute_url()}">PKS pelatihan las</a>' in mou_page
    pks_page = officer.get(pks.get_absolute_url()).content.decode()
    assert f'<a href="{mou.get_absolute_url()}">Kesepakatan Bersama</a>' in pks_page
    # A partner of the PKS who is not a party to the MoU reads its title, without a link.
    mou.partners.set([partner("dukcapil-lotim")])
    partner_page = english(client_for("mitra.disnaker")).get(pks.get_absolute_url())
    html = partner_page.content.decode()
    assert "Kesepakatan Bersama" in html and mou.get_absolute_url() not in html


def test_an_officer_reads_that_a_draft_waits_for_the_head(client_for):
    agreement = make_agreement(0, status="draft")
    officer = english(client_for("petugas.selong")).get(agreement.get_absolute_url())
    assert "until then its commitments count for nothing" in officer.content.decode()
    head = english(client_for("kalapas.selong")).get(agreement.get_absolute_url())
    assert "until then its commitments count for nothing" not in head.content.decode()
