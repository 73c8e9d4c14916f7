"""Importing proposal statuses from an SDP export (sdp_import.py): the value tables, each
row outcome, scoping to the facility, preview then confirm, idempotence, never backwards."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from sinergi.core.errors import Conflict
from sinergi.core.models import AuditEvent
from sinergi.inmates import parsing
from sinergi.inmates.choices import Right
from sinergi.inmates.models import Sentence
from sinergi.orgs.models import Facility
from sinergi.proposals import sdp_import
from sinergi.proposals.choices import SentTo, Stage
from sinergi.proposals.models import Proposal, ProposalEvent, SdpImport
from tests.proposals.factories import eligible_person, make_proposal

pytestmark = pytest.mark.django_db

HEADER = "No. Registrasi;Nama;Jenis Usulan;No Usulan;Status Usulan;Tgl Usulan;No SK;Tgl SK;Alasan"


def csv_file(*rows: str, header: str = HEADER, name: str = "usulan-sdp.csv") -> SimpleUploadedFile:
    text = "\n".join([header, *rows]) + "\n"
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def xlsx_file(rows: list[list[object]], name: str = "usulan-sdp.xlsx") -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def row(person, status, *, right="PB", ref="", proposed="", sk="", sk_date="", reason=""):
    return ";".join(
        [person.registration_number, person.name, right, ref, status, proposed, sk, sk_date, reason]
    )


def run(facility, officer, upload):
    """The officer uploads and checks; the officer applies, or the facility's head when
    the file records a sending or a decision (the head's steps)."""
    batch = sdp_import.preview(facility=facility, upload=upload, filename=upload.name, by=officer)
    return sdp_import.confirm(batch=batch, by=_confirmer(batch, officer))


def _confirmer(batch, officer):
    from sinergi.accounts.models import User

    return User.objects.get(username="kalapas.selong") if batch.needs_head_count else officer


def outcomes(batch):
    return [(r.line, r.outcome) for r in batch.rows.order_by("line")]


def day(value: datetime.date) -> str:
    return value.strftime("%d-%m-%Y")


# --- the value tables -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "right"),
    [
        ("PB", Right.PB),
        ("pb", Right.PB),
        ("Pembebasan Bersyarat", Right.PB),
        ("PEMBEBASAN  BERSYARAT", Right.PB),
        ("P.B.", Right.PB),
        ("CB", Right.CB),
        ("Cuti Bersyarat", Right.CB),
        ("CMB", Right.CMB),
        ("Cuti Menjelang Bebas", Right.CMB),
        ("Asimilasi", Right.ASIMILASI),
        ("CMK", Right.CMK),
        ("Cuti Mengunjungi Keluarga", Right.CMK),
        ("Remisi", None),
        ("", None),
    ],
)
def test_the_rights_sdp_names_map_to_sinergi_rights(text, right):
    assert sdp_import.map_right(text) == right


@pytest.mark.parametrize(
    ("text", "stage", "sent_to"),
    [
        ("Draft", Stage.ELIGIBLE, ""),
        ("DRAFT", Stage.ELIGIBLE, ""),
        ("Sidang TPP", Stage.TPP, ""),
        ("sidang-tpp", Stage.TPP, ""),
        ("Diusulkan ke Kanwil", Stage.SENT, SentTo.KANWIL),
        ("Verifikasi Kanwil", Stage.SENT, SentTo.KANWIL),
        ("Dikirim ke Ditjen", Stage.SENT, SentTo.DITJENPAS),
        ("  dikirim  ke  DITJEN. ", Stage.SENT, SentTo.DITJENPAS),
        ("Disetujui", Stage.GRANTED, ""),
        ("SK Terbit", Stage.GRANTED, ""),
        ("Ditolak", Stage.REFUSED, ""),
    ],
)
def test_sdp_statuses_map_to_one_stage_each(text, stage, sent_to):
    assert sdp_import.map_status(text) == (stage, sent_to)


def test_an_unknown_status_maps_to_nothing():
    assert sdp_import.map_status("Menunggu") is None


def test_header_spellings_are_recognised():
    mapping = sdp_import.recognise(
        ["NO REG", "Nama Lengkap", "Hak Integrasi", "ID Usulan", "Status", "Tanggal SK", "Ket."]
    )
    assert mapping == {
        "registration_number": 0,
        "name": 1,
        "right": 2,
        "sdp_reference": 3,
        "status": 4,
        "sk_date": 5,
    }
    assert sdp_import.recognise(["Nomor Registrasi", "Jenis Usulan", "Status Usulan"]) == {
        "registration_number": 0,
        "right": 1,
        "status": 2,
    }


# --- each outcome ---------------------------------------------------------------------


def test_a_draft_in_sdp_starts_the_proposal_with_its_reference(selong, person, officer):
    batch = run(selong, officer, csv_file(row(person, "Draft", ref="PB-2026-001")))
    assert outcomes(batch) == [(2, "update")]
    proposal = Proposal.objects.get(inmate=person, right=Right.PB)
    assert (proposal.stage, proposal.sdp_reference, proposal.created_by) == (
        Stage.ELIGIBLE,
        "PB-2026-001",
        officer,
    )
    assert batch.rows.get().proposal == proposal
    assert batch.rows.get().started


def test_a_grant_in_sdp_is_recorded_with_its_sk_and_attributed(selong, person, officer, head):
    today = selong.today()
    proposal = make_proposal(
        person, sdp_reference="PB-7", stage_since=today - datetime.timedelta(days=30)
    )
    upload = csv_file(
        row(
            person,
            "SK Terbit",
            ref="PB-7",
            sk="PAS-77.PK.05",
            sk_date=day(today - datetime.timedelta(days=2)),
        )
    )
    batch = run(selong, officer, upload)
    assert outcomes(batch) == [(2, "update")]
    proposal.refresh_from_db()
    assert (proposal.stage, proposal.sk_number, proposal.sk_date) == (
        Stage.GRANTED,
        "PAS-77.PK.05",
        today - datetime.timedelta(days=2),
    )
    event = proposal.events.order_by("-id").first()
    # The decision is the head's: the head applied the officer's import.
    assert event.by == head
    assert "usulan-sdp.csv" in event.note and "2" in event.note
    move = AuditEvent.objects.filter(action="proposal.transition").latest("id")
    assert move.changes["source"] == "sdp" and move.actor == head


def test_sent_to_ditjen_records_where_with_the_sdp_reference(selong, person, officer):
    make_proposal(person, sdp_reference="PB-8", stage=Stage.TPP)
    batch = run(selong, officer, csv_file(row(person, "Dikirim ke Ditjen", ref="PB-8")))
    assert outcomes(batch) == [(2, "update")]
    proposal = Proposal.objects.get(sdp_reference="PB-8")
    assert (proposal.stage, proposal.sent_to, proposal.sent_reference) == (
        Stage.SENT,
        SentTo.DITJENPAS,
        "PB-8",
    )


def test_a_refusal_takes_the_reason_or_says_sdp_gave_none(selong, officer):
    one, two = eligible_person(selong), eligible_person(selong)
    make_proposal(one, stage=Stage.SENT)
    make_proposal(two, stage=Stage.SENT)
    batch = run(
        selong,
        officer,
        csv_file(row(one, "Ditolak", reason="Register F"), row(two, "Ditolak")),
    )
    assert outcomes(batch) == [(2, "update"), (3, "update")]
    assert Proposal.objects.get(inmate=one).refusal_reason == "Register F"
    assert "SDP" in Proposal.objects.get(inmate=two).refusal_reason


def test_the_open_proposal_is_found_without_a_reference_and_given_it(selong, person, officer):
    proposal = make_proposal(person, stage=Stage.DOCUMENTS)
    batch = run(selong, officer, csv_file(row(person, "Sidang TPP", ref="PB-9")))
    proposal.refresh_from_db()
    assert (proposal.stage, proposal.sdp_reference) == (Stage.TPP, "PB-9")
    assert batch.rows.get().message.count(";") == 1  # reference recorded; documents → TPP


def test_a_draft_equals_the_facility_preparation(selong, person, officer):
    make_proposal(person, stage=Stage.LITMAS, sdp_reference="PB-10")
    batch = run(selong, officer, csv_file(row(person, "Draft", ref="PB-10")))
    assert outcomes(batch) == [(2, "unchanged")]


def test_an_unknown_number_and_another_facilitys_person_are_not_found(selong, officer):
    lobar = Facility.objects.get(code="lobar")
    theirs = eligible_person(lobar)
    make_proposal(theirs, sdp_reference="PB-LOBAR")
    upload = csv_file(
        "BI 999/99;Tidak Ada;PB;;Draft;;;;",
        row(theirs, "Sidang TPP", ref="PB-LOBAR"),
    )
    batch = run(selong, officer, upload)
    assert outcomes(batch) == [(2, "not_found"), (3, "not_found")]
    assert Proposal.objects.get(sdp_reference="PB-LOBAR").stage == Stage.ELIGIBLE
    assert not Proposal.objects.filter(facility=selong).exists()


def test_never_backwards_and_never_reopened_are_conflicts(selong, officer):
    ahead, closed = eligible_person(selong), eligible_person(selong)
    make_proposal(ahead, stage=Stage.SENT, sdp_reference="PB-11")
    make_proposal(closed, stage=Stage.REFUSED, sdp_reference="PB-12")
    upload = csv_file(
        row(ahead, "Sidang TPP", ref="PB-11"),
        row(closed, "Disetujui", ref="PB-12", sk="SK-1", sk_date=day(selong.today())),
    )
    batch = run(selong, officer, upload)
    assert outcomes(batch) == [(2, "conflict"), (3, "conflict")]
    assert Proposal.objects.get(sdp_reference="PB-11").stage == Stage.SENT
    assert Proposal.objects.get(sdp_reference="PB-12").stage == Stage.REFUSED


def test_a_reference_of_another_persons_proposal_is_a_conflict(selong, officer):
    one, two = eligible_person(selong), eligible_person(selong)
    make_proposal(one, sdp_reference="PB-13")
    batch = run(selong, officer, csv_file(row(two, "Sidang TPP", ref="PB-13")))
    assert outcomes(batch) == [(2, "conflict")]
    assert one.name in batch.rows.get().message
    assert not Proposal.objects.filter(inmate=two).exists()


def test_unreadable_values_and_a_grant_without_sk_are_errors(selong, officer):
    one, two, three = (eligible_person(selong) for _ in range(3))
    upload = csv_file(
        row(one, "Menunggu"),
        row(two, "Disetujui", ref="PB-14"),
        row(three, "Draft", proposed="31-02-2026"),
    )
    batch = run(selong, officer, upload)
    assert outcomes(batch) == [(2, "error"), (3, "error"), (4, "error")]
    # The grant's proposal, started for the row, went with it.
    assert not Proposal.objects.filter(facility=selong).exists()
    assert batch.error_count == 3


def test_the_release_day_rule_is_kept(selong, person, officer):
    Sentence.objects.filter(inmate=person).update(
        release_date=None, expiry_after_remission=selong.today()
    )
    with translation.override("en"):
        batch = run(selong, officer, csv_file(row(person, "Draft", ref="PB-15")))
    assert outcomes(batch) == [(2, "conflict")]
    assert "release day" in batch.rows.get().message
    assert not Proposal.objects.filter(inmate=person).exists()


def test_a_person_not_eligible_is_an_error(selong, person, officer):
    # Three years: beyond CB's 1 year 6 months.
    batch = run(selong, officer, csv_file(row(person, "Draft", right="Cuti Bersyarat")))
    assert outcomes(batch) == [(2, "error")]


# --- preview, confirm, idempotence ----------------------------------------------------


def test_the_preview_writes_nothing_but_its_report(selong, person, officer):
    events = ProposalEvent.objects.count()
    upload = csv_file(row(person, "Sidang TPP", ref="PB-16"))
    batch = sdp_import.preview(facility=selong, upload=upload, filename=upload.name, by=officer)
    assert batch.is_preview
    assert outcomes(batch) == [(2, "update")]
    assert batch.rows.get().proposal is None  # the proposal it would start
    assert not Proposal.objects.filter(inmate=person).exists()
    assert ProposalEvent.objects.count() == events
    assert AuditEvent.objects.filter(action="proposal.sdp_import.preview").count() == 1
    assert not AuditEvent.objects.filter(action="proposal.create").exists()
    confirmed = sdp_import.confirm(batch=batch, by=officer)
    assert not confirmed.is_preview
    assert Proposal.objects.get(inmate=person).stage == Stage.TPP
    with pytest.raises(Conflict):
        sdp_import.confirm(batch=confirmed, by=officer)


def test_the_same_file_twice_changes_nothing_the_second_time(selong, officer):
    people = [eligible_person(selong) for _ in range(4)]
    today = selong.today()
    lines = [
        row(people[0], "Draft", ref="A-1"),
        row(people[1], "Sidang TPP"),
        row(people[2], "SK Terbit", ref="A-3", sk="SK-3", sk_date=day(today)),
        row(people[3], "Ditolak", reason="Tidak memenuhi syarat"),
    ]
    first = run(selong, officer, csv_file(*lines))
    assert [o for _, o in outcomes(first)] == ["update"] * 4
    events = ProposalEvent.objects.count()
    proposals = Proposal.objects.count()
    second = run(selong, officer, csv_file(*lines))
    assert [o for _, o in outcomes(second)] == ["unchanged"] * 4
    assert (ProposalEvent.objects.count(), Proposal.objects.count()) == (events, proposals)


def test_an_xlsx_export_with_other_headers_and_date_cells(selong, person, officer):
    make_proposal(
        person, sdp_reference="X-1", stage_since=selong.today() - datetime.timedelta(days=9)
    )
    sk_day = selong.today() - datetime.timedelta(days=1)
    upload = xlsx_file(
        [
            [
                "No Reg",
                "Nama Lengkap",
                "Hak Integrasi",
                "ID Usulan",
                "Status",
                "Nomor SK",
                "Tanggal SK",
            ],
            [
                person.registration_number,
                person.name,
                "Pembebasan Bersyarat",
                "X-1",
                "Disetujui",
                "SK-X",
                sk_day,
            ],
        ]
    )
    batch = run(selong, officer, upload)
    assert outcomes(batch) == [(2, "update")]
    assert Proposal.objects.get(sdp_reference="X-1").sk_date == sk_day


# --- the file -------------------------------------------------------------------------


def test_a_file_without_a_required_column_is_refused(selong, officer):
    upload = csv_file("BI 1/26;Budi", header="No Reg;Nama")
    with pytest.raises(parsing.ImportFileError) as refused:
        sdp_import.preview(facility=selong, upload=upload, filename=upload.name, by=officer)
    assert "Jenis Usulan" in refused.value.message and "Status" in refused.value.message
    assert not SdpImport.objects.exists()


def test_a_file_over_the_size_limit_is_refused(selong, officer, settings):
    settings.SINERGI_IMPORT_MAX_MB = 0
    with pytest.raises(parsing.ImportFileError):
        sdp_import.preview(
            facility=selong, upload=csv_file("x;y;PB;;Draft;;;;"), filename="a.csv", by=officer
        )


def test_an_old_excel_file_is_refused(selong, officer):
    upload = SimpleUploadedFile("usulan.xls", b"\xd0\xcf\x11\xe0")
    with pytest.raises(parsing.ImportFileError):
        sdp_import.preview(facility=selong, upload=upload, filename=upload.name, by=officer)


def test_the_problem_rows_make_an_error_csv(selong, officer):
    batch = run(selong, officer, csv_file("BI 999/99;Tidak Ada;PB;R-9;Draft;;;;"))
    text = sdp_import.problems_csv(batch)
    assert text.splitlines()[0] == "Baris,Nama,Nomor registrasi,Kolom,Nilai,Alasan,Peringatan"
    assert "R-9" in text.splitlines()[1] and "BI 999/99" in text.splitlines()[1]
    assert text.splitlines()[1].startswith("2,Tidak Ada,BI 999/99,")


@pytest.mark.parametrize(
    "username", ["wali.selong", "mitra.disnaker", "petugas.lobar", "kanwil.ntb"]
)
def test_only_the_facility_officers_import(selong, user, username):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        sdp_import.preview(
            facility=selong,
            upload=csv_file("x;y;PB;;Draft;;;;"),
            filename="a.csv",
            by=user(username),
        )


def test_a_head_may_confirm_an_officers_preview(selong, person, officer, head):
    upload = csv_file(row(person, "Draft"))
    batch = sdp_import.preview(facility=selong, upload=upload, filename=upload.name, by=officer)
    assert sdp_import.confirm(batch=batch, by=head).confirmed_by == head


def test_a_closed_proposal_without_reference_is_not_doubled_by_a_later_sdp_step(selong, officer):
    # The walkthrough's row: refused in Sinergi, no SDP number; SDP says approved.
    unknown, other = eligible_person(selong), eligible_person(selong)
    make_proposal(unknown, stage=Stage.REFUSED)
    make_proposal(other, stage=Stage.REFUSED, sdp_reference="PB-OLD")
    today = day(selong.today())
    upload = csv_file(
        row(unknown, "Disetujui", ref="PB-NEW-1", sk="SK-1", sk_date=today),
        row(other, "Disetujui", ref="PB-NEW-2", sk="SK-2", sk_date=today),
        row(unknown, "Draft", ref="PB-NEW-3"),
    )
    batch = run(selong, officer, upload)
    # Which proposal SDP means is unknown: reported. Another SDP number: a new proposal.
    assert outcomes(batch) == [(2, "conflict"), (3, "update"), (4, "update")]
    assert Proposal.objects.get(sdp_reference="PB-NEW-2").stage == Stage.GRANTED
    assert Proposal.objects.get(sdp_reference="PB-NEW-3").stage == Stage.ELIGIBLE
    assert not Proposal.objects.filter(sdp_reference="PB-NEW-1").exists()


def test_a_refused_date_names_the_exports_column(selong, person, officer):
    today = selong.today()
    make_proposal(person, stage=Stage.SENT, sdp_reference="PB-D1", stage_since=today)
    earlier = day(today - datetime.timedelta(days=5))
    with translation.override("en"):
        batch = run(
            selong,
            officer,
            csv_file(row(person, "SK Terbit", ref="PB-D1", sk="SK-D", sk_date=earlier)),
        )
    assert outcomes(batch) == [(2, "error")]
    assert batch.rows.get().message.startswith("Tgl SK: The date cannot be before")
