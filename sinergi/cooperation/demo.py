"""Demo cooperation at Lapas Selong: the Aug 2025 coordination meeting with Pemkab
Lombok Timur and its three proposals, a Kesepakatan Bersama with PKS for Disnaker
(instructors for the welding course) and Dinas Pertanian (a tractor, delivered, and farm
inputs), requests in every status, and one dormant partner. Idempotent."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, TextIO

from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.cooperation import actions
from sinergi.cooperation.choices import (
    ActionStatus,
    AgreementKind,
    AgreementStatus,
    CommitmentKind,
    RequestKind,
    RequestStatus,
)
from sinergi.cooperation.models import (
    ActionItem,
    Agreement,
    Asset,
    Commitment,
    Fulfilment,
    Meeting,
    RequestEvent,
    SupportRequest,
)
from sinergi.core.demo import in_demo_time_zone
from sinergi.orgs.models import Facility, Partner
from sinergi.programs.choices import AttendanceStatus
from sinergi.programs.models import Attendance, Program


@in_demo_time_zone
def seed(out: TextIO) -> None:
    selong = Facility.objects.get(code="selong")
    if Meeting.objects.filter(facility=selong).exists():
        out.write("  cooperation: already there\n")
        return
    today = timezone.localdate()
    now = timezone.now()
    p = {x.code: x for x in Partner.objects.all()}
    officer = User.objects.get(username="petugas.selong")
    head = User.objects.get(username="kalapas.selong")
    disnaker_user = User.objects.get(username="mitra.disnaker")

    meeting = Meeting.objects.create(
        facility=selong,
        date=datetime.date(2025, 8, 12),
        title="Rapat koordinasi pembinaan WBP Lapas Selong dengan Pemkab Lombok Timur",
        place="Kantor Bupati Lombok Timur",
        minutes="Lapas Selong memaparkan kebutuhan pembinaan: instruktur pelatihan, sarana "
        "kegiatan kerja, dan dukungan reintegrasi sosial. Kepala Lapas meminta kerja "
        "sama yang berkelanjutan dan nyata, bukan seremonial.",
        decisions="Pemkab menyiapkan Kesepakatan Bersama dan PKS per OPD terkait.",
    )
    meeting.attendees.set([head, officer])
    meeting.partners.set(
        [p["disnaker-lotim"], p["distan-lotim"], p["dinsos-lotim"], p["dukcapil-lotim"]]
    )
    ActionItem.objects.bulk_create(
        [
            ActionItem(
                meeting=meeting,
                title="Menyediakan instruktur pelatihan las dari BLK",
                owner_partner=p["disnaker-lotim"],
                due_date=datetime.date(2025, 10, 31),
                status=ActionStatus.DONE,
                closed_on=datetime.date(2025, 10, 20),
            ),
            ActionItem(
                meeting=meeting,
                title="Bantuan sarana dan alat untuk kebun Lapas",
                owner_partner=p["distan-lotim"],
                due_date=datetime.date(2025, 12, 31),
                status=ActionStatus.DONE,
                closed_on=datetime.date(2025, 11, 5),
            ),
            ActionItem(
                meeting=meeting,
                title="Dukungan reintegrasi sosial: perekaman e-KTP dan pendampingan",
                owner_partner=p["dukcapil-lotim"],
                due_date=today + datetime.timedelta(days=20),
            ),
            ActionItem(
                meeting=meeting,
                title="Menyusun daftar WBP yang akan bebas 6 bulan ke depan",
                owner_facility=selong,
                owner_user=officer,
                due_date=today + datetime.timedelta(days=10),
            ),
        ]
    )

    kb = Agreement.objects.create(
        kind=AgreementKind.MOU,
        number="180/01/KB/HK/2025",
        facility=selong,
        status=AgreementStatus.ACTIVE,
        title="Kesepakatan Bersama Pemkab Lombok Timur dan Lapas Kelas IIB Selong tentang "
        "pembinaan dan reintegrasi WBP",
        scope="Pelatihan keterampilan, sarana kegiatan kerja, layanan administrasi "
        "kependudukan, dan reintegrasi sosial.",
        signed_on=datetime.date(2025, 9, 15),
        start_date=datetime.date(2025, 9, 15),
        end_date=datetime.date(2028, 9, 14),
    )
    kb.partners.set(
        [
            p["disnaker-lotim"],
            p["distan-lotim"],
            p["dinsos-lotim"],
            p["dukcapil-lotim"],
            p["diskop-lotim"],
        ]
    )
    pks_disnaker = Agreement.objects.create(
        kind=AgreementKind.PKS,
        number="560/45/PKS/DISNAKER/2025",
        facility=selong,
        parent=kb,
        status=AgreementStatus.ACTIVE,
        title="PKS pelatihan kerja bagi WBP (Disnaker dan BLK)",
        signed_on=datetime.date(2025, 10, 1),
        start_date=datetime.date(2025, 10, 1),
        end_date=today + datetime.timedelta(days=60),
    )
    pks_disnaker.partners.set([p["disnaker-lotim"]])
    pks_distan = Agreement.objects.create(
        kind=AgreementKind.PKS,
        number="520/12/PKS/DISTAN/2025",
        facility=selong,
        parent=kb,
        status=AgreementStatus.ACTIVE,
        title="PKS sarana pertanian di kebun Lapas (Dinas Pertanian)",
        signed_on=datetime.date(2025, 10, 10),
        start_date=datetime.date(2025, 10, 10),
        end_date=datetime.date(2027, 10, 9),
    )
    pks_distan.partners.set([p["distan-lotim"]])
    instructors = Commitment.objects.create(
        agreement=pks_disnaker,
        partner=p["disnaker-lotim"],
        kind=CommitmentKind.INSTRUCTORS,
        description="Instruktur las untuk pelatihan 160 jam",
        target_quantity=Decimal(160),
        unit="jam",
        due_date=today + datetime.timedelta(days=30),
    )
    tractor = Commitment.objects.create(
        agreement=pks_distan,
        partner=p["distan-lotim"],
        kind=CommitmentKind.EQUIPMENT,
        description="Traktor tangan untuk kebun Lapas",
        target_quantity=Decimal(1),
        unit="unit",
        due_date=datetime.date(2025, 12, 31),
    )
    inputs = Commitment.objects.create(
        agreement=pks_distan,
        partner=p["distan-lotim"],
        kind=CommitmentKind.EQUIPMENT,
        description="Benih dan pupuk",
        target_quantity=Decimal(500),
        unit="kg",
        due_date=today + datetime.timedelta(days=45),
    )

    welding = Program.objects.filter(facility=selong, title__startswith="Pelatihan Las").first()
    farming = Program.objects.filter(facility=selong, title__startswith="Pertanian").first()

    def ask(
        partner: str,
        kind: str,
        title: str,
        qty: int,
        unit: str,
        status: str,
        days_ago: int,
        **extra: object,
    ) -> SupportRequest:
        created = now - datetime.timedelta(days=days_ago)
        request = SupportRequest.objects.create(
            facility=selong,
            partner=p[partner],
            kind=kind,
            title=title,
            quantity=Decimal(qty),
            unit=unit,
            # One waiting for the partner is sent through the action below.
            status=RequestStatus.DRAFT if status == RequestStatus.SUBMITTED else status,
            created_by=officer,
            needed_by=today + datetime.timedelta(days=30 - days_ago // 2),
            justification="Sesuai hasil rapat koordinasi Agustus 2025.",
            submitted_at=None
            if status in (RequestStatus.DRAFT, RequestStatus.SUBMITTED)
            else created + datetime.timedelta(days=1),
            answered_at=None
            if status in (RequestStatus.DRAFT, RequestStatus.SUBMITTED)
            else created + datetime.timedelta(days=4 + days_ago % 5),
            **extra,
        )
        if status == RequestStatus.SUBMITTED:
            # Sent by the head through the action, as in real use: the partner is told.
            # Then dated as the demo tells it (sent the day after it was drafted).
            request = actions.transition_request(request=request, to=status, by=head)
            sent = created + datetime.timedelta(days=1)
            SupportRequest.objects.filter(pk=request.pk).update(submitted_at=sent)
            request.events.filter(to_status=status).update(created_at=sent)
            request.submitted_at = sent
        elif status != RequestStatus.DRAFT:
            RequestEvent.objects.create(
                request=request,
                author=head,
                from_status=RequestStatus.DRAFT,
                to_status=RequestStatus.SUBMITTED,
                created_at=created + datetime.timedelta(days=1),
            )
        return request

    ask(
        "diskop-lotim",
        RequestKind.FUNDING,
        "Modal usaha bagi WBP yang akan bebas",
        10,
        "paket",
        RequestStatus.DRAFT,
        2,
    )
    ask(
        "dukcapil-lotim",
        RequestKind.REINTEGRATION,
        "Perekaman e-KTP di dalam Lapas",
        40,
        "orang",
        RequestStatus.SUBMITTED,
        20,
    )
    ask(
        "dinsos-lotim",
        RequestKind.REINTEGRATION,
        "Pendampingan keluarga WBP menjelang bebas",
        15,
        "keluarga",
        RequestStatus.ACKNOWLEDGED,
        9,
    )
    ask(
        "diskop-lotim",
        RequestKind.TRAINING_PLACES,
        "Pelatihan kewirausahaan",
        25,
        "tempat",
        RequestStatus.DECLINED,
        60,
        answer_note="Anggaran tahun ini sudah terpakai.",
    )
    seeds = ask(
        "distan-lotim",
        RequestKind.EQUIPMENT,
        "Benih dan pupuk untuk musim tanam",
        500,
        "kg",
        RequestStatus.PARTIALLY_ACCEPTED,
        45,
        program=farming,
        agreement=pks_distan,
        commitment=inputs,
        accepted_quantity=Decimal(300),
        answer_note="300 kg tersedia bulan ini.",
    )
    teaching = ask(
        "disnaker-lotim",
        RequestKind.INSTRUCTOR,
        "Instruktur las untuk kelas SMAW",
        160,
        "jam",
        RequestStatus.IN_DELIVERY,
        45,
        program=welding,
        agreement=pks_disnaker,
        commitment=instructors,
        accepted_quantity=Decimal(160),
    )
    tractor_request = ask(
        "distan-lotim",
        RequestKind.EQUIPMENT,
        "Traktor tangan untuk kebun Lapas",
        1,
        "unit",
        RequestStatus.FULFILLED,
        100,
        program=farming,
        agreement=pks_distan,
        commitment=tractor,
        accepted_quantity=Decimal(1),
    )
    ask(
        "kemenag-lotim",
        RequestKind.INSTRUCTOR,
        "Penyuluh agama untuk baca tulis Al-Qur'an",
        48,
        "jam",
        RequestStatus.CLOSED,
        200,
    )

    if welding is not None:
        taught = list(
            welding.sessions.filter(
                date__lt=today,
                pk__in=Attendance.objects.filter(status=AttendanceStatus.PRESENT).values(
                    "session_id"
                ),
            ).order_by("date")
        )
        # The instructors' hours are reported month by month, on the last session taught.
        by_month: dict[tuple[int, int], list[Any]] = {}
        for session in taught:
            by_month.setdefault((session.date.year, session.date.month), []).append(session)
        for sessions in by_month.values():
            hours = Decimal(str(sum(s.hours for s in sessions)))
            delivery = Fulfilment.objects.create(
                partner=p["disnaker-lotim"],
                request=teaching,
                commitment=instructors,
                description="Instruktur BLK mengajar kelas las",
                delivered_on=sessions[-1].date,
                quantity=hours,
                unit="jam",
                value_rupiah=Decimal(150000) * hours,
                recorded_by=disnaker_user,
            )
            delivery.sessions.set(sessions)
    tractor_delivery = Fulfilment.objects.create(
        partner=p["distan-lotim"],
        request=tractor_request,
        commitment=tractor,
        description="Traktor tangan 8,5 PK diserahkan ke kebun Lapas",
        delivered_on=datetime.date(2025, 11, 5),
        quantity=Decimal(1),
        unit="unit",
        value_rupiah=Decimal(25_000_000),
        recorded_by=officer,
    )
    Asset.objects.create(
        facility=selong,
        item="Traktor tangan 8,5 PK",
        quantity=Decimal(1),
        unit="unit",
        location="Kebun Lapas",
        program=farming,
        fulfilment=tractor_delivery,
    )
    # The accepted part of the seed request, delivered ten days after it was asked for.
    seeds_day = today - datetime.timedelta(days=35)
    Fulfilment.objects.create(
        partner=p["distan-lotim"],
        request=seeds,
        commitment=inputs,
        description="Benih jagung dan pupuk organik untuk kebun Lapas",
        delivered_on=seeds_day,
        quantity=Decimal(300),
        unit="kg",
        value_rupiah=Decimal(4_500_000),
        recorded_by=officer,
    )
    # Kemenag delivered long ago and nothing since: a dormant partner.
    Fulfilment.objects.create(
        partner=p["kemenag-lotim"],
        description="Penyuluh agama (semester lalu)",
        delivered_on=today - datetime.timedelta(days=150),
        quantity=Decimal(24),
        unit="jam",
        recorded_by=officer,
    )
    out.write("  cooperation: 1 meeting, 3 agreements, 8 requests\n")
