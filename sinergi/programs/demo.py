"""Demo programs at Lapas Selong: a dozen across both kinds, with past sessions,
attendance, completions and certificates. Deterministic and idempotent."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any, TextIO

from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.core.demo import in_demo_time_zone
from sinergi.inmates.choices import InmateStatus
from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Facility, Partner
from sinergi.programs import actions
from sinergi.programs.choices import (
    AttendanceStatus,
    CertificationScheme,
    CompetencyResult,
    EndReason,
    ProgramStatus,
)
from sinergi.programs.models import (
    Attendance,
    CompetencyAssessment,
    CompetencyUnit,
    Enrollment,
    Holiday,
    Program,
    ScheduleSlot,
    Skill,
)

# The skills each demo program certifies (the vocabulary job openings ask from), and the
# competency units (by code) that attest one.
SKILLS = {
    "Pelatihan Las Listrik (SMAW) 160 Jam": ["Pengelasan"],
    "Menjahit dan Konveksi": ["Menjahit"],
    "Pertanian Hortikultura di Kebun Lapas": ["Pertanian hortikultura"],
    "Tenun Ikat Sasak": ["Menenun"],
    "Beternak Kambing": ["Peternakan"],
}
UNIT_SKILLS = {
    "C.25.200.00.001.1": "K3 pengelasan",
    "C.25.200.00.010.1": "Pengelasan",
    "C.25.200.00.011.1": "Pengelasan",
}

WELDING_UNITS = [
    ("C.25.200.00.001.1", "Menerapkan keselamatan dan kesehatan kerja las"),
    ("C.25.200.00.010.1", "Mengelas pelat posisi bawah tangan dengan SMAW"),
    ("C.25.200.00.011.1", "Mengelas pelat posisi horizontal dengan SMAW"),
]

# title, kind, category, partner codes, capacity, hours, weeks from start to today
# (negative: starts later), length in weeks, weekdays, time, certification, state
PROGRAMS: list[dict[str, Any]] = [
    {
        "title": "Pelatihan Las Listrik (SMAW) 160 Jam",
        "kind": "independence",
        "category": "vocational",
        "partners": ["blk-lotim"],
        "capacity": 16,
        "hours": 160,
        "weeks_ago": 6,
        "weeks": 10,
        "days": [0, 1, 2, 3, 4],
        "time": (8, 12),
        "certification": "lsp",
        "state": ProgramStatus.RUNNING,
        "instructor": "instruktur.blk",
        "units": WELDING_UNITS,
        "pass_mark": 70,
        "location": "Bengkel kerja Giatja",
    },
    {
        "title": "Menjahit dan Konveksi",
        "kind": "independence",
        "category": "small_industry",
        "partners": ["tenun-sasak"],
        "capacity": 12,
        "hours": 96,
        "weeks_ago": 20,
        "weeks": 12,
        "days": [1, 3],
        "time": (9, 13),
        "certification": CertificationScheme.INTERNAL,
        "state": ProgramStatus.COMPLETED,
        "location": "Ruang keterampilan",
    },
    {
        "title": "Pertanian Hortikultura di Kebun Lapas",
        "kind": "independence",
        "category": "farming",
        "partners": ["distan-lotim"],
        "capacity": 20,
        "hours": 120,
        "weeks_ago": 8,
        "weeks": 16,
        "days": [0, 2, 4],
        "time": (7, 10),
        "certification": CertificationScheme.INTERNAL,
        "state": ProgramStatus.RUNNING,
        "location": "Kebun Lapas",
        "early_completion": True,  # one trainee leaves on parole before the end
    },
    {
        "title": "Tenun Ikat Sasak",
        "kind": "independence",
        "category": "small_industry",
        "partners": ["tenun-sasak"],
        "capacity": 10,
        "hours": 80,
        "weeks_ago": -2,
        "weeks": 10,
        "days": [2, 4],
        "time": (13, 16),
        "certification": CertificationScheme.INTERNAL,
        "state": ProgramStatus.APPROVED,
        "location": "Ruang keterampilan",
    },
    {
        "title": "Beternak Kambing",
        "kind": "independence",
        "category": "livestock",
        "partners": ["distan-lotim"],
        "capacity": 8,
        "hours": 40,
        "weeks_ago": -6,
        "weeks": 8,
        "days": [5],
        "time": (8, 11),
        "certification": CertificationScheme.INTERNAL,
        "state": ProgramStatus.SUBMITTED,
    },
    {
        "title": "Kewirausahaan dan Pemasaran Produk",
        "kind": "independence",
        "category": "services",
        "partners": ["diskop-lotim"],
        "capacity": 25,
        "hours": 24,
        "weeks_ago": -8,
        "weeks": 6,
        "days": [3],
        "time": (9, 13),
        "certification": CertificationScheme.INTERNAL,
        "state": ProgramStatus.DRAFT,
    },
    {
        "title": "Baca Tulis Al-Qur'an",
        "kind": "personality",
        "category": "religious",
        "partners": ["kemenag-lotim"],
        "capacity": 30,
        "hours": 48,
        "weeks_ago": 10,
        "weeks": 24,
        "days": [0, 3],
        "time": (14, 16),
        "certification": CertificationScheme.INTERNAL,
        "state": ProgramStatus.RUNNING,
        "location": "Masjid Lapas",
    },
    {
        "title": "Kesadaran Hukum",
        "kind": "personality",
        "category": "legal_awareness",
        "partners": ["lpbh-ntb"],
        "capacity": 40,
        "hours": 12,
        "weeks_ago": 14,
        "weeks": 6,
        "days": [2],
        "time": (9, 11),
        "certification": CertificationScheme.INTERNAL,
        "state": ProgramStatus.COMPLETED,
    },
    {
        "title": "Konseling Adiksi",
        "kind": "personality",
        "category": "counselling",
        "partners": ["yayasan-bina-lotim"],
        "capacity": 15,
        "hours": 24,
        "weeks_ago": 5,
        "weeks": 12,
        "days": [1],
        "time": (10, 12),
        "certification": CertificationScheme.INTERNAL,
        "state": ProgramStatus.RUNNING,
    },
    {
        "title": "Wawasan Kebangsaan",
        "kind": "personality",
        "category": "civic",
        "partners": [],
        "capacity": 50,
        "hours": 8,
        "weeks_ago": 18,
        "weeks": 4,
        "days": [0],
        "time": (8, 10),
        "certification": CertificationScheme.INTERNAL,
        "state": ProgramStatus.COMPLETED,
    },
    {
        "title": "Senam dan Kesehatan Jasmani",
        "kind": "personality",
        "category": "physical_health",
        "partners": [],
        "capacity": 60,
        "hours": 24,
        "weeks_ago": 3,
        "weeks": 12,
        "days": [5],
        "time": (7, 9),
        "certification": CertificationScheme.INTERNAL,
        "state": ProgramStatus.RUNNING,
        "location": "Lapangan",
    },
    {
        "title": "Persiapan Kembali ke Masyarakat",
        "kind": "personality",
        "category": "social_reintegration",
        "partners": ["dinsos-lotim"],
        "capacity": 20,
        "hours": 16,
        "weeks_ago": 2,
        "weeks": 8,
        "days": [4],
        "time": (13, 15),
        "certification": CertificationScheme.INTERNAL,
        "state": ProgramStatus.RUNNING,
    },
]

# Selong's own days without program sessions; the national holidays and collective
# leave days are every facility's already (orgs.NationalHoliday).
LOCAL_HOLIDAYS = [
    (datetime.date(2026, 4, 27), "Hari Bakti Pemasyarakatan (upacara)"),
    (datetime.date(2027, 4, 27), "Hari Bakti Pemasyarakatan (upacara)"),
]


@in_demo_time_zone
def seed(out: TextIO) -> None:
    facility = Facility.objects.get(code="selong")
    if Program.objects.filter(facility=facility).exists():
        out.write("  programs: already there\n")
        return
    rng = random.Random(2026)
    today = timezone.localdate()
    officer = User.objects.get(username="petugas.selong")
    head = User.objects.get(username="kalapas.selong")
    for day, name in LOCAL_HOLIDAYS:
        Holiday.objects.get_or_create(facility=facility, date=day, defaults={"name": name})
    inmates = list(
        Inmate.objects.filter(facility=facility, status=InmateStatus.IN_CUSTODY).select_related(
            "sentence"
        )
    )
    certificates = 0
    for spec in PROGRAMS:
        start = today - datetime.timedelta(weeks=spec["weeks_ago"])
        start -= datetime.timedelta(days=start.weekday())  # a Monday
        end = start + datetime.timedelta(weeks=spec["weeks"], days=-3)
        program = Program.objects.create(
            facility=facility,
            kind=spec["kind"],
            category=spec["category"],
            title=spec["title"],
            capacity=spec["capacity"],
            target_hours=spec["hours"],
            start_date=start,
            end_date=end,
            certification=spec["certification"],
            location=spec.get("location", ""),
            pass_mark=spec.get("pass_mark"),
            min_attendance_percent=75,
            created_by=officer,
            description=f"{spec['title']} bersama mitra." if spec["partners"] else "",
        )
        program.partners.set(Partner.objects.filter(code__in=spec["partners"]))
        if spec.get("instructor"):
            program.instructors.set(User.objects.filter(username=spec["instructor"]))
        program.skills.set(
            [Skill.objects.get_or_create(name=name)[0] for name in SKILLS.get(spec["title"], [])]
        )
        for unit_code, unit_title in spec.get("units", []):
            unit = CompetencyUnit.objects.create(program=program, code=unit_code, title=unit_title)
            if unit_code in UNIT_SKILLS:
                unit.skills.set([Skill.objects.get_or_create(name=UNIT_SKILLS[unit_code])[0]])
        for weekday in spec["days"]:
            ScheduleSlot.objects.create(
                program=program,
                weekday=weekday,
                start_time=datetime.time(spec["time"][0]),
                end_time=datetime.time(spec["time"][1]),
            )
        if spec["state"] == ProgramStatus.DRAFT:
            continue
        if spec["state"] == ProgramStatus.SUBMITTED:
            # Through the action, as the officer would: the head is told it awaits them.
            actions.transition(program=program, to=ProgramStatus.SUBMITTED, by=officer)
            continue
        program.status = ProgramStatus.SUBMITTED  # long since: nobody waits on it now
        program.save(update_fields=["status"])
        # Approved through the action, as the head would: the sessions are generated and
        # the instructors told of them.
        program = actions.transition(program=program, to=ProgramStatus.APPROVED, by=head)
        if spec["state"] == ProgramStatus.APPROVED:
            continue
        program.status = (
            spec["state"] if spec["state"] == ProgramStatus.RUNNING else ProgramStatus.COMPLETED
        )
        program.save(update_fields=["status"])
        chosen = rng.sample(inmates, min(len(inmates), spec["capacity"] - rng.randint(0, 2)))
        enrollments = Enrollment.objects.bulk_create(
            [
                Enrollment(program=program, inmate=i, enrolled_on=start, enrolled_by=officer)
                for i in chosen
            ]
        )
        enrollments = list(Enrollment.objects.filter(program=program))
        marks = []
        # Attendance only of the sessions already held: none of today's, none to come.
        for session in program.sessions.filter(date__lt=today):
            for enrollment in enrollments:
                present = rng.random() < 0.88
                marks.append(
                    Attendance(
                        session=session,
                        enrollment=enrollment,
                        status=AttendanceStatus.PRESENT
                        if present
                        else rng.choice(
                            [
                                AttendanceStatus.SICK,
                                AttendanceStatus.EXCUSED,
                                AttendanceStatus.CLASH,
                            ]
                        ),
                        hours=Decimal(str(session.hours)) if present else Decimal(0),
                        recorded_by=officer,
                    )
                )
        Attendance.objects.bulk_create(marks, batch_size=1000)
        units = list(program.units.all())
        for enrollment in enrollments:
            enrollment.pre_test = rng.randint(30, 60)
            if spec["state"] == ProgramStatus.COMPLETED or units:
                enrollment.post_test = rng.randint(55, 95)
            enrollment.save(update_fields=["pre_test", "post_test"])
            if spec["state"] == ProgramStatus.COMPLETED:
                # The program's end ends each enrolment; the certificates are dated on
                # its last day, as a facility hands them out at the closing.
                if actions.completion(enrollment, end).met:
                    actions.end_enrollment(
                        enrollment=enrollment, reason=EndReason.COMPLETED, by=officer, on=end
                    )
                    actions.issue_certificate(enrollment=enrollment, by=officer, on=end)
                    certificates += 1
                else:
                    actions.end_enrollment(
                        enrollment=enrollment,
                        reason=EndReason.NOT_COMPLETED,
                        by=officer,
                        note="tidak memenuhi kehadiran",
                        on=end,
                    )
        if units:
            CompetencyAssessment.objects.bulk_create(
                [
                    CompetencyAssessment(
                        enrollment=e,
                        unit=units[0],
                        result=CompetencyResult.COMPETENT,
                        assessed_by=officer,
                        assessed_on=today - datetime.timedelta(days=1),
                    )
                    for e in enrollments
                ]
            )
        if spec.get("early_completion"):
            certificates += _complete_one_early(enrollments, officer)
    out.write(f"  programs: {len(PROGRAMS)} new, {certificates} certificates\n")


def _complete_one_early(enrollments: list[Enrollment], officer: User) -> int:
    """One trainee leaves before the program's end on parole, having met the completion
    rule so far: completed early today (reason, hours attended), certificate today."""
    for enrollment in enrollments:
        status = actions.completion(enrollment)
        if status.met:
            actions.complete_early(
                enrollment=enrollment,
                reason="Bebas bersyarat sebelum program selesai",
                hours=status.hours,
                by=officer,
            )
            actions.issue_certificate(enrollment=enrollment, by=officer)
            return 1
    return 0
