"""The world the route x role matrix runs in: the full demo, plus the few records of the
second facility (Lombok Barat) and of a facility instructor that the demo leaves out.

`build()` runs inside the matrix module's transaction and returns, for every kind of
path parameter, labelled values: whose record it is ("selong", "lobar", a partner's).
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from sinergi.accounts.actions import create_api_token
from sinergi.accounts.models import Membership, User
from sinergi.cooperation.models import (
    ActionItem,
    Agreement,
    Fulfilment,
    Meeting,
    MeetingAttachment,
    SupportRequest,
)
from sinergi.core.demo import seeders
from sinergi.core.roles import Role
from sinergi.indicators.models import MonthlyReport, ReportEdition
from sinergi.inmates.models import (
    ConsecutiveSentence,
    DetentionPeriod,
    DisciplinaryRecord,
    ImportBatch,
    Inmate,
    SentenceRecalculation,
    SentenceRecalculationFacility,
)
from sinergi.orgs.models import Facility, Partner, Region, Signatory
from sinergi.programs import actions as program_actions
from sinergi.programs.models import (
    Certificate,
    Enrollment,
    Holiday,
    Program,
    Session,
    WaitingListEntry,
)
from sinergi.reintegration import actions as reintegration_actions
from sinergi.reintegration.models import (
    Consent,
    FollowUp,
    JobOpening,
    Need,
    Referral,
)

# The demo users, one per role, and a facility instructor the demo lacks; None: anonymous.
FACILITY_INSTRUCTOR = "instruktur.selong"
EMPLOYER = "mitra.bengkel"  # a partner user of a business that posts job openings
ROLES: list[str | None] = [
    "admin",
    "kalapas.selong",
    "petugas.selong",
    "wali.selong",
    FACILITY_INSTRUCTOR,
    "instruktur.blk",
    "mitra.disnaker",
    "mitra.dukcapil",
    EMPLOYER,
    "pk.bapas",
    "petugas.lobar",
    "kanwil.ntb",
    None,
]


MISSING = "missing"


def _proposals_world(
    world: Any, referred: Any, selong: Any, lobar_inmate: Any, bapas: Any, officer: Any
) -> None:
    from sinergi.proposals.models import LitmasRequest, Proposal, ProposalDocument

    today = selong.today()
    other = _one(
        Inmate.objects.filter(facility=selong, status="in_custody")
        .exclude(pk=referred.pk)
        .order_by("pk"),
        "another Selong inmate in custody",
    )
    made = {}
    for label, inmate, stage in (
        ("selong", referred, "eligible"),
        ("selong-litmas", other, "litmas"),
        ("lobar", lobar_inmate, "eligible"),
    ):
        made[label] = Proposal.objects.create(
            inmate=inmate,
            facility=inmate.facility,
            right="pb",
            stage=stage,
            stage_since=today,
            eligible_on=today,
            created_by=officer,
        )
        world.add("proposal", label, pk=made[label].pk)
    LitmasRequest.objects.create(
        proposal=made["selong-litmas"],
        bapas=bapas,
        requested_on=today,
        due_on=today + datetime.timedelta(days=14),
        requested_by=officer,
    )
    document = ProposalDocument(
        proposal=made["selong"], kind="statement", received_on=today, uploaded_by=officer
    )
    document.file.save("pernyataan.pdf", ContentFile(b"%PDF-1.4 pernyataan"), save=True)
    world.add("proposal_document", "selong", pk=document.pk)
    world.add("proposal_start", "selong", inmate_pk=referred.pk, right="cmk")
    world.add("proposal_start", "lobar", inmate_pk=lobar_inmate.pk, right="cmk")


def _litmas_tpp_world(world: Any, referred: Any, selong: Any, lobar: Any, officer: Any) -> None:
    """The Litmas of Selong's "litmas" proposal (with its file kept), a sidang TPP of each
    facility, and the referred person's CB at "tpp" recommended at Selong's meeting."""
    from sinergi.proposals.models import (
        LitmasRequest,
        Proposal,
        ProposalDocument,
        TppDecision,
        TppMeeting,
    )

    today = selong.today()
    litmas = LitmasRequest.objects.get(proposal_id=world.objects["proposal"]["selong-litmas"]["pk"])
    document = ProposalDocument(
        proposal=litmas.proposal, kind="litmas", received_on=today, uploaded_by=None
    )
    document.file.save("litmas.pdf", ContentFile(b"%PDF-1.4 litmas"), save=True)
    LitmasRequest.objects.filter(pk=litmas.pk).update(document=document)
    world.add("litmas", "selong", pk=litmas.pk)
    at_tpp = Proposal.objects.create(
        inmate=referred,
        facility=selong,
        right="cb",
        stage="tpp",
        stage_since=today,
        eligible_on=today,
        created_by=officer,
    )
    world.add("tpp_proposal", "selong", pk=at_tpp.pk)
    yesterday = today - datetime.timedelta(days=1)
    for label, facility in (("selong", selong), ("lobar", lobar)):
        meeting = TppMeeting.objects.create(
            facility=facility, held_on=yesterday, place="Aula", created_by=officer
        )
        world.add("tpp_meeting", label, pk=meeting.pk)
        world.add("tpp_letter", label, pk=meeting.pk, sent_to="kanwil")
        if label == "selong":
            decision = TppDecision.objects.create(
                meeting=meeting, proposal=at_tpp, recommendation="recommended"
            )
            world.add("tpp_decision", label, pk=meeting.pk, decision_pk=decision.pk)


@dataclass
class World:
    # kind of path parameter -> label -> the URL keyword arguments
    objects: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    # program pk -> its participants' names and registration numbers (never for partners)
    participant_names: dict[int, list[str]] = field(default_factory=dict)
    registration_numbers: dict[int, list[str]] = field(default_factory=dict)
    # a person whose consent to the employer was withdrawn after applying for its job
    withdrawn_applicant: str = ""

    def add(self, kind: str, label: str, **kwargs: Any) -> None:
        self.objects.setdefault(kind, {})[label] = kwargs


def _one(queryset: Any, what: str) -> Any:
    found = queryset.first()
    if found is None:
        raise LookupError(f"the demo world lacks {what}")
    return found


def _lobar_world(lobar: Facility, officer: User) -> dict[str, Any]:
    """A running Lobar program with an enrolment, a session, a plan, a request, an import."""
    today = timezone.localdate()
    program = program_actions.create_program(
        facility=lobar,
        values={
            "kind": "independence",
            "category": "vocational",
            "title": "Pertukangan Kayu Lombok Barat",
            "capacity": 10,
            "target_hours": 40,
            "start_date": today - datetime.timedelta(days=14),
            "end_date": today + datetime.timedelta(days=30),
        },
        slots=[
            {"weekday": d, "start_time": datetime.time(8), "end_time": datetime.time(10)}
            for d in range(7)
        ],
        by=officer,
    )
    program.status = "approved"
    program.save(update_fields=["status"])
    program_actions.generate_sessions(program=program, by=officer)
    program.status = "running"
    program.save(update_fields=["status"])
    inmate = _one(
        Inmate.objects.filter(facility=lobar, status="in_custody", sentence__isnull=False).order_by(
            "pk"
        ),
        "a Lobar inmate",
    )
    Enrollment.objects.create(
        program=program, inmate=inmate, enrolled_on=program.start_date, enrolled_by=officer
    )
    reintegration_actions.start_plan(inmate=inmate, by=officer)
    request = SupportRequest.objects.create(
        facility=lobar,
        partner=Partner.objects.get(code="dukcapil-lotim"),
        kind="other",
        title="Perekaman e-KTP Lombok Barat",
        quantity=1,
        unit="kegiatan",
        status="submitted",
        created_by=officer,
        needed_by=today + datetime.timedelta(days=30),
        justification="Matrix test",
        submitted_at=timezone.now(),
    )
    batch = ImportBatch.objects.create(facility=lobar, filename="sdp-lobar.csv", status="invalid")
    Holiday.objects.create(facility=lobar, date=today + datetime.timedelta(days=200), name="Uji")
    return {"program": program, "inmate": inmate, "request": request, "batch": batch}


def build() -> World:
    out = io.StringIO()
    for _name, seed in seeders():
        seed(out)
    world = World()
    selong = Facility.objects.get(code="selong")
    lobar = Facility.objects.get(code="lobar")
    bapas = Facility.objects.get(code="bapas-mataram")
    officer = User.objects.get(username="petugas.selong")
    lobar_officer = User.objects.get(username="petugas.lobar")

    # A facility instructor, teaching one Selong program (the sewing class).
    teacher = User.objects.create(username=FACILITY_INSTRUCTOR, full_name="Instruktur Lapas")
    Membership.objects.create(user=teacher, role=Role.INSTRUCTOR, facility=selong)
    sewing = _one(
        Program.objects.filter(facility=selong, status="running")
        .exclude(instructors__username="instruktur.blk")
        .order_by("pk"),
        "a running Selong program without the BLK instructor",
    )
    sewing.instructors.add(teacher)
    Session.objects.filter(program=sewing).update(instructor=teacher)  # they take them over

    lobar_objects = _lobar_world(lobar, lobar_officer)

    # --- organisations
    for label, code in (("selong", "selong"), ("lobar", "lobar"), ("bapas", "bapas-mataram")):
        world.add("facility_code", label, code=code)
        world.add("facility_pk", label, pk=Facility.objects.get(code=code).pk)
    for label, code in (
        ("disnaker", "disnaker-lotim"),
        ("dukcapil", "dukcapil-lotim"),
        ("blk", "blk-lotim"),
    ):
        world.add("partner_code", label, code=code)
        world.add("partner_records", label, code=code, records="people")
        world.add("partner_pk", label, pk=Partner.objects.get(code=code).pk)
    world.add("region_pk", "ntb", pk=Region.objects.get(code="ntb").pk)
    world.add("region_code", "ntb", code="ntb")
    # the signatories of the demo's letterheads (a facility's and the regional office's)
    for label, code in (("selong", "selong"), ("lobar", "lobar"), ("bapas", "bapas-mataram")):
        signatory = _one(
            Signatory.objects.filter(facility__code=code).order_by("pk"), f"{code}'s signatory"
        )
        world.add("signatory", label, code=code, pk=signatory.pk)
    signatory = _one(Signatory.objects.filter(region__code="ntb").order_by("pk"), "NTB's signatory")
    world.add("region_signatory", "ntb", code="ntb", pk=signatory.pk)

    # --- inmates: a Selong person referred to Dukcapil, a released one, Lobar's
    referral = _one(
        Referral.objects.filter(
            inmate__facility=selong, partner__code="dukcapil-lotim", status="in_progress"
        ).order_by("pk"),
        "a Dukcapil referral in progress",
    )
    referred = referral.inmate
    released = _one(
        Inmate.objects.filter(
            facility=selong, release__isnull=False, release__bapas=bapas
        ).order_by("-pk"),
        "a Selong inmate released to Bapas Mataram",
    )
    readmitted = _one(
        Inmate.objects.filter(facility=lobar, sentence__isnull=True), "a readmitted inmate"
    )
    world.add("inmate", "selong-referred-dukcapil", pk=referred.pk)
    world.add("inmate", "selong-released", pk=released.pk)
    world.add("inmate", "lobar", pk=lobar_objects["inmate"].pk)
    world.add("inmate", "lobar-readmitted-no-sentence", pk=readmitted.pk)
    world.add("inmate_pk", "selong-referred-dukcapil", inmate_pk=referred.pk)
    world.add("inmate_pk", "selong-released", inmate_pk=released.pk)
    world.add("inmate_pk", "lobar", inmate_pk=lobar_objects["inmate"].pk)

    record = _one(
        DisciplinaryRecord.objects.filter(inmate__facility=selong).order_by("pk"),
        "a Register F record",
    )
    world.add("disciplinary", "selong", pk=record.inmate_id, record_pk=record.pk)

    # Detention before the current one and a consecutive sentence, of a Selong person.
    person = _one(
        Inmate.objects.filter(facility=selong, sentence__term_kind="fixed")
        .select_related("sentence")
        .order_by("pk"),
        "a Selong inmate with a fixed term",
    )
    end = person.sentence.detention_start - datetime.timedelta(days=10)
    period = DetentionPeriod.objects.create(
        inmate=person, start_date=end - datetime.timedelta(days=20), end_date=end
    )
    world.add("detention", "selong", pk=person.pk, period_pk=period.pk)
    consecutive = ConsecutiveSentence.objects.create(inmate=person, months=3)
    world.add("consecutive", "selong", pk=person.pk, record_pk=consecutive.pk)

    batch = ImportBatch.objects.create(facility=selong, filename="sdp-selong.csv", status="invalid")
    world.add("import", "selong", pk=batch.pk)
    world.add("import", "lobar", pk=lobar_objects["batch"].pk)
    # An SDP proposal-status import of each facility, previewed (sdp_import)
    from sinergi.proposals.models import SdpImport

    for label, facility in (("selong", selong), ("lobar", lobar)):
        sdp = SdpImport.objects.create(facility=facility, filename=f"usulan-{label}.csv")
        world.add("sdp_import", label, pk=sdp.pk)
    # A recalculation report of each facility (recalculate_sentences --facility …)
    for label, facility in (("selong", selong), ("lobar", lobar)):
        run = SentenceRecalculation.objects.create(
            run_by_username="system", limited_to=facility, applied=True
        )
        SentenceRecalculationFacility.objects.create(recalculation=run, facility=facility)
        world.add("recalculation", label, pk=run.pk)
    world.add("holiday", "selong", pk=_one(Holiday.objects.filter(facility=selong), "holiday").pk)
    world.add("holiday", "lobar", pk=_one(Holiday.objects.filter(facility=lobar), "holiday").pk)

    # --- programs
    welding = _one(
        Program.objects.filter(
            facility=selong, status="running", instructors__username="instruktur.blk"
        ).order_by("pk"),
        "a running program taught by the BLK instructor",
    )
    completed = _one(
        Program.objects.filter(
            facility=selong, status="completed", enrollments__certificate__isnull=False
        )
        .distinct()
        .order_by("pk"),
        "a completed program with certificates",
    )
    lobar_program = lobar_objects["program"]
    # Disnaker delivers two Selong programs: its user is "a partner of the program".
    disnaker = Partner.objects.get(code="disnaker-lotim")
    welding.partners.add(disnaker)
    completed.partners.add(disnaker)
    for label, program in (
        ("selong-blk", welding),
        ("selong-facility-instructor", sewing),
        ("selong-completed", completed),
        ("lobar", lobar_program),
    ):
        world.add("program", label, pk=program.pk)
        enrolled = Enrollment.objects.filter(program=program)
        world.participant_names[program.pk] = list(enrolled.values_list("inmate__name", flat=True))
        world.registration_numbers[program.pk] = list(
            enrolled.values_list("inmate__registration_number", flat=True)
        )
    today = timezone.localdate()
    for label, program in (
        ("selong-blk", welding),
        ("selong-facility-instructor", sewing),
        ("lobar", lobar_program),
    ):
        session = _one(
            Session.objects.filter(program=program, date__lte=today).order_by("-date"),
            f"a past session of {program}",
        )
        world.add("session", label, pk=session.pk)
        enrollment = _one(Enrollment.objects.filter(program=program).order_by("pk"), "enrolment")
        world.add("enrollment", label, pk=enrollment.pk)
    waiting_inmate = _one(
        Inmate.objects.filter(facility=selong, status="in_custody")
        .exclude(enrollments__program=welding)
        .order_by("pk"),
        "an inmate outside the welding class",
    )
    entry = WaitingListEntry.objects.create(
        program=welding, inmate=waiting_inmate, requested_by=officer
    )
    world.add("waiting", "selong-blk", pk=entry.pk)
    certificate = _one(
        Certificate.objects.filter(enrollment__program=completed).order_by("pk"), "a certificate"
    )
    world.add("certificate", "selong", pk=certificate.pk)
    world.add("certificate_code", "selong", code=certificate.code)

    # --- cooperation
    request = _one(
        SupportRequest.objects.filter(facility=selong, partner__code="disnaker-lotim")
        .exclude(status="draft")
        .order_by("pk"),
        "a Selong request to Disnaker",
    )
    world.add("request", "selong-disnaker", pk=request.pk)
    world.add("request", "lobar-dukcapil", pk=lobar_objects["request"].pk)
    delivery = _one(
        Fulfilment.objects.filter(partner__code="disnaker-lotim").order_by("pk"),
        "a Disnaker delivery",
    )
    world.add("delivery", "selong-disnaker", pk=delivery.pk)
    # Files behind the download routes (in the module's media folder)
    delivery.evidence.save("bukti.pdf", ContentFile(b"%PDF-1.4 bukti"), save=True)
    agreement = _one(
        Agreement.objects.filter(facility=selong, partners__code="disnaker-lotim").order_by("pk"),
        "a Selong agreement with Disnaker",
    )
    world.add("agreement", "selong-disnaker", pk=agreement.pk)
    agreement.document.save("pks.pdf", ContentFile(b"%PDF-1.4 pks"), save=True)
    meeting = _one(Meeting.objects.filter(facility=selong).order_by("pk"), "a meeting")
    world.add("meeting", "selong", pk=meeting.pk)
    document = MeetingAttachment.objects.create(
        meeting=meeting, title="Notulen", file=ContentFile(b"%PDF-1.4 notulen", name="notulen.pdf")
    )
    world.add("meeting_document", "selong", pk=document.pk)
    item = _one(ActionItem.objects.filter(meeting=meeting).order_by("pk"), "an action item")
    world.add("action", "selong", pk=item.pk)

    # --- reintegration
    need = _one(Need.objects.filter(plan__inmate=referred).order_by("pk"), "a need")
    world.add("need", "selong", pk=need.pk)
    consent = _one(
        Consent.objects.filter(inmate=referred, partner__code="dukcapil-lotim"), "a consent"
    )
    world.add("consent", "selong-dukcapil", pk=consent.pk)
    consent.signed_form.save("persetujuan.pdf", ContentFile(b"%PDF-1.4 ttd"), save=True)
    follow_up = _one(
        FollowUp.objects.filter(release__inmate=released).order_by("pk"), "a follow-up"
    )
    world.add("follow_up", "selong-bapas", pk=follow_up.pk)
    world.add("referral", "selong-dukcapil", pk=referral.pk)

    # --- proposals: the referred person's PB at "eligible" (with a document), another
    # Selong person's at "litmas" (asked of Bapas Mataram: its PK reads it), Lobar's
    _proposals_world(world, referred, selong, lobar_objects["inmate"], bapas, officer)
    _litmas_tpp_world(world, referred, selong, lobar_objects["inmate"].facility, officer)

    # Item 5: Disnaker holds an accepted referral of the released person.
    consent_to_disnaker = Consent.objects.create(
        inmate=released, partner=disnaker, purpose="Penempatan kerja", given_on=today
    )
    Referral.objects.create(
        inmate=released,
        partner=disnaker,
        consent=consent_to_disnaker,
        purpose="Penempatan kerja",
        contact="Petugas Pembinaan Lapas Selong",
        needs_custody=False,
        status="accepted",
        created_by=officer,
    )

    # Item 6: the workshop's user, an application, then the consent withdrawn.
    bengkel = Partner.objects.get(code="bengkel-rinjani")
    boss = User.objects.create(username=EMPLOYER, full_name="Pemilik Bengkel")
    Membership.objects.create(user=boss, role=Role.PARTNER_USER, partner=bengkel)
    job = JobOpening.objects.create(
        partner=bengkel,
        title="Pembantu bengkel",
        closing_date=today + datetime.timedelta(days=30),
        posted_by=boss,
    )
    applicant = _one(
        reintegration_actions.job_matches(
            job, Inmate.objects.filter(facility=selong).exclude(pk=referred.pk)
        ).order_by("pk"),
        "a Selong inmate matching the job opening",
    )
    job_consent = reintegration_actions.record_consent(
        inmate=applicant, partner=bengkel, purpose="Lamaran kerja", given_on=today, by=officer
    )
    reintegration_actions.apply_for_job(opening=job, inmate=applicant, by=officer)
    reintegration_actions.withdraw_consent(consent=job_consent, by=officer)
    world.withdrawn_applicant = applicant.name
    world.add("job", "bengkel", pk=job.pk)

    # --- indicators and accounts
    report = _one(MonthlyReport.objects.filter(facility=selong), "a monthly report")
    world.add("report", "selong", pk=report.pk)
    edition = _one(ReportEdition.objects.filter(report__facility=selong), "a signed monthly report")
    world.add("report_edition", "selong", pk=edition.report_id, number=edition.number)
    token, _raw = create_api_token(user=officer, name="matrix", by=officer)
    world.add("token", "petugas.selong", pk=token.pk)

    # A record that does not exist: whoever may not see a record gets what they get here.
    for kind, labelled in world.objects.items():
        sample = next(iter(labelled.values()))
        world.add(
            kind,
            MISSING,
            **{
                key: 987654321 if isinstance(value, int) else "tidak-ada"
                for key, value in sample.items()
            },
        )
    return world
