"""Demo inmates: ~120 at Selong and ~40 at Lombok Barat, with varied sentences, crime
categories, remisi and a few Register F entries, so that every worklist has rows.

Deterministic (a fixed random seed) and idempotent: inmates that exist are left alone.
"""

from __future__ import annotations

import datetime
import random
from typing import TYPE_CHECKING, TextIO

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from sinergi.core.demo import in_demo_time_zone
from sinergi.inmates import actions
from sinergi.inmates.calculation import recalculate
from sinergi.inmates.choices import (
    CrimeCategory,
    Education,
    InmateStatus,
    RegisterClass,
    Religion,
    RemissionKind,
    SecurityLevel,
    Sex,
    TermKind,
)
from sinergi.inmates.models import (
    DisciplinaryRecord,
    Inmate,
    MonthlyAssessment,
    ReligiousHolidayDate,
    Remission,
    Sentence,
)
from sinergi.orgs.models import Facility

if TYPE_CHECKING:
    from sinergi.accounts.models import User

FIRST_MALE = [
    "Lalu",
    "Muhammad",
    "Ahmad",
    "Baiq",
    "Zainul",
    "Hendra",
    "Sahnan",
    "Ruslan",
    "Junaidi",
    "Saparudin",
    "Khairul",
    "Rizal",
    "Amaq",
    "Wayan",
    "Made",
    "Ketut",
    "Rudi",
    "Agus",
    "Hamdan",
    "Fathurrahman",
]
FIRST_FEMALE = ["Baiq", "Siti", "Nurul", "Rahmawati", "Inaq", "Ni Luh", "Sri", "Hajar"]
LAST = [
    "Hidayat",
    "Saputra",
    "Maulana",
    "Hakim",
    "Wirawan",
    "Apriadi",
    "Pratama",
    "Fauzi",
    "Syahrial",
    "Suhardi",
    "Rahman",
    "Ismail",
    "Sukardi",
    "Yusuf",
    "Kurniawan",
    "Arifin",
]
REGENCIES = [
    "Kabupaten Lombok Timur",
    "Kabupaten Lombok Tengah",
    "Kabupaten Lombok Barat",
    "Kota Mataram",
    "Kabupaten Sumbawa",
    "Kabupaten Bima",
]
CRIMES = [
    (CrimeCategory.GENERAL, "Pencurian", "Pasal 362 KUHP", 40),
    (CrimeCategory.GENERAL, "Penganiayaan", "Pasal 351 KUHP", 12),
    (CrimeCategory.GENERAL, "Penipuan", "Pasal 378 KUHP", 8),
    (CrimeCategory.GENERAL, "Perlindungan Anak", "UU 35/2014 Pasal 81", 6),
    (CrimeCategory.NARCOTICS, "Narkotika", "UU 35/2009 Pasal 112", 22),
    (CrimeCategory.NARCOTICS, "Narkotika", "UU 35/2009 Pasal 114", 6),
    (CrimeCategory.CORRUPTION, "Tipikor", "UU 31/1999 Pasal 3", 3),
    (CrimeCategory.TERRORISM, "Terorisme", "UU 5/2018 Pasal 15", 1),
    (CrimeCategory.TRANSNATIONAL, "TPPO", "UU 21/2007 Pasal 2", 2),
]
REGISTER_PREFIX: dict[str, str] = {
    RegisterClass.B_I: "BI",
    RegisterClass.B_IIA: "BIIA",
    RegisterClass.B_IIB: "BIIB",
}


def _term(rng: random.Random, category: str) -> tuple[str, int, int, int]:
    roll = rng.random()
    if category == CrimeCategory.NARCOTICS and roll < 0.5:
        return TermKind.FIXED, rng.choice([5, 6, 7, 8, 10]), rng.choice([0, 6]), 0
    if category in (CrimeCategory.CORRUPTION, CrimeCategory.TERRORISM):
        return TermKind.FIXED, rng.choice([4, 5, 6]), 0, 0
    if roll < 0.02:
        return TermKind.LIFE, 0, 0, 0
    if roll < 0.15:
        return TermKind.FIXED, 0, rng.choice([8, 10, 12, 14]), 0
    return TermKind.FIXED, rng.choice([1, 1, 2, 2, 3, 4]), rng.choice([0, 0, 3, 6]), 0


def _register(years: int, months: int, kind: str) -> str:
    if kind != TermKind.FIXED or (years >= 1 and (years, months) != (1, 0)):
        return RegisterClass.B_I
    if years == 1 or months > 3:
        return RegisterClass.B_IIA
    return RegisterClass.B_IIB


# The demo's guardian officer (wali) of Selong, named by the program officer for one
# Selong inmate in WALI_EVERY (24 of 120: a wali follows a caseload of about twenty
# people); the pipeline's wali filter has someone to find, and "no wali assigned" the rest.
DEMO_WALI = {"selong": ("wali.selong", "petugas.selong")}
WALI_EVERY = 5


def _demo_wali(facility: Facility) -> tuple[User, User] | None:
    """The facility's demo wali and the officer who names them, when the users' demo
    made them a guardian officer and a program officer there."""
    from sinergi.accounts.models import User
    from sinergi.inmates.rules import wali_problems

    wali_name, officer_name = DEMO_WALI.get(facility.code, ("", ""))
    wali = User.objects.filter(username=wali_name).first() if wali_name else None
    officer = User.objects.filter(username=officer_name).first() if officer_name else None
    if wali is None or officer is None or wali_problems(facility.pk, wali):
        return None
    return wali, officer


def _seed_facility(facility: Facility, count: int, rng: random.Random, today: datetime.date) -> int:
    if Inmate.objects.filter(facility=facility).exists():
        return 0
    inmates: list[Inmate] = []
    details: list[tuple[Inmate, dict[str, object]]] = []
    weights = [c[3] for c in CRIMES]
    for n in range(count):
        female = rng.random() < 0.08
        name = f"{rng.choice(FIRST_FEMALE if female else FIRST_MALE)} {rng.choice(LAST)}"
        category, crime_text, articles, _w = rng.choices(CRIMES, weights=weights)[0]
        kind, years, months, days = _term(rng, category)
        total_months = years * 12 + months
        # Somewhere between 1 month and almost the whole term served.
        served = (
            rng.randint(1, max(2, int(total_months * 0.85)))
            if kind == TermKind.FIXED
            else rng.randint(12, 120)
        )
        start = today - datetime.timedelta(days=served * 30 + rng.randint(0, 29))
        register = _register(years, months, kind)
        year = start.year % 100
        number = f"{REGISTER_PREFIX.get(register, 'BI')} {100 + n}/{year:02d}"
        birth = datetime.date(rng.randint(1965, 2004), rng.randint(1, 12), rng.randint(1, 28))
        inmate = Inmate(
            facility=facility,
            registration_number=number,
            name=name,
            birth_date=birth,
            sex=Sex.FEMALE if female else Sex.MALE,
            religion=rng.choices(
                [
                    Religion.ISLAM,
                    Religion.HINDU,
                    Religion.PROTESTANT,
                    Religion.CATHOLIC,
                    Religion.BUDDHIST,
                ],
                weights=[88, 6, 3, 2, 1],
            )[0],
            home_regency=rng.choice(REGENCIES),
            education=rng.choice(
                [
                    Education.PRIMARY,
                    Education.JUNIOR,
                    Education.SENIOR,
                    Education.SENIOR,
                    Education.NONE,
                    Education.BACHELOR,
                ]
            ),
            register_class=register,
            security_level=rng.choices(
                [SecurityLevel.MEDIUM, SecurityLevel.MINIMUM, SecurityLevel.MAXIMUM],
                weights=[70, 20, 10],
            )[0],
            status=InmateStatus.IN_CUSTODY,
            admission_date=start,
        )
        inmates.append(inmate)
        remission_days = 0
        if kind == TermKind.FIXED and served > 12:
            # Never so much remisi that the person should already be free.
            remaining = (total_months - served) * 30
            remission_days = min(rng.choice([0, 30, 45, 60, 90, 105, 150]), max(remaining - 45, 0))
        details.append(
            (
                inmate,
                {
                    "crime_category": category,
                    "crime_text": crime_text,
                    "legal_articles": articles,
                    "term_kind": kind,
                    "term_years": years,
                    "term_months": months,
                    "term_days": days,
                    "detention_start": start,
                    "remission_days": remission_days,
                    "verdict_number": (
                        f"{rng.randint(10, 999)}/Pid.{'B' if category == 'general' else 'Sus'}"
                        f"/{start.year}/PN Sel"
                    ),
                    "court": "Pengadilan Negeri Selong"
                    if facility.code == "selong"
                    else "Pengadilan Negeri Mataram",
                    # A verdict some months after detention, never after today.
                    "verdict_date": max(
                        start, min(start + datetime.timedelta(days=rng.randint(60, 150)), today)
                    ),
                    "fine_paid": True
                    if category == CrimeCategory.CORRUPTION and rng.random() < 0.5
                    else None,
                },
            )
        )
    bulk_create_with_history(inmates, Inmate, default_change_reason="demo data")
    saved = {i.registration_number: i for i in Inmate.objects.filter(facility=facility)}
    sentences = []
    remissions = []
    records = []
    scores = []
    month = today.replace(day=1)
    # The last remisi umum (17 August) that has already been granted.
    umum_year = today.year if (today.month, today.day) >= (8, 17) else today.year - 1
    for inmate, values in details:
        saved_inmate = saved[inmate.registration_number]
        sentences.append(Sentence(inmate=saved_inmate, **values))
        granted = int(str(values["remission_days"]))
        if granted:
            remissions.append(
                Remission(
                    inmate=saved_inmate,
                    kind=RemissionKind.UMUM,
                    year=umum_year,
                    months=granted // 30,
                    days=granted % 30,
                    decree_number=f"PAS-{rng.randint(100, 999)}.PK.01.01.02 Tahun {umum_year}",
                    granted_on=datetime.date(umum_year, 8, 17),
                )
            )
        if rng.random() < 0.06:
            day = today - datetime.timedelta(days=rng.randint(20, 300))
            records.append(
                DisciplinaryRecord(
                    inmate=saved_inmate,
                    date=day,
                    violation=rng.choice(
                        [
                            "Membawa telepon genggam",
                            "Berkelahi dengan sesama WBP",
                            "Tidak mengikuti apel",
                        ]
                    ),
                    sanction="Tutupan sunyi 6 hari dan pencatatan Register F",
                    # One entry in ten is still open (no end date): it blocks the rights.
                    end_date=None
                    if rng.random() < 0.1
                    else day + datetime.timedelta(days=rng.choice([6, 12, 30])),
                )
            )
        for back in (1, 2):
            scored_month = (month - datetime.timedelta(days=28 * back)).replace(day=1)
            values4 = [rng.randint(55, 95) for _ in range(4)]
            scores.append(
                MonthlyAssessment(
                    inmate=saved_inmate,
                    month=scored_month,
                    personality=values4[0],
                    independence=values4[1],
                    behaviour=values4[2],
                    mental_condition=values4[3],
                    total=round(sum(values4) / 4, 2),
                )
            )
    bulk_create_with_history(sentences, Sentence, default_change_reason="demo data")
    Remission.objects.bulk_create(remissions)
    DisciplinaryRecord.objects.bulk_create(records)
    MonthlyAssessment.objects.bulk_create(scores, ignore_conflicts=True)
    recalculate([i.pk for i in saved.values()], today=today)
    walis = _demo_wali(facility)
    if walis is not None:
        # By their place in the demo, not by chance: the same people on every run, named
        # through the action (history, audit, and the wali's notification).
        wali, officer = walis
        followed = [saved[i.registration_number] for i in inmates[::WALI_EVERY]]
        actions.assign_wali_to_many(inmates=followed, wali=wali, by=officer)
    return len(inmates)


# Holiday dates for the demo, to be checked against the SKB calendar of each year.
HOLIDAYS = [
    ("imlek", datetime.date(2026, 2, 17)),
    ("nyepi", datetime.date(2026, 3, 19)),
    ("idul_fitri", datetime.date(2026, 3, 20)),
    ("waisak", datetime.date(2026, 5, 31)),
    ("natal", datetime.date(2026, 12, 25)),
    ("imlek", datetime.date(2027, 2, 6)),
    ("nyepi", datetime.date(2027, 3, 8)),
    ("idul_fitri", datetime.date(2027, 3, 10)),
    ("waisak", datetime.date(2027, 5, 20)),
    ("natal", datetime.date(2027, 12, 25)),
]


@in_demo_time_zone
def seed(out: TextIO) -> None:
    for holiday, day in HOLIDAYS:
        ReligiousHolidayDate.objects.get_or_create(
            holiday=holiday, date=day, defaults={"note": "demo: periksa kalender SKB"}
        )
    rng = random.Random(2025)
    today = timezone.localdate()
    created = 0
    for code, count in (("selong", 120), ("lobar", 40)):
        created += _seed_facility(Facility.objects.get(code=code), count, rng, today)
    out.write(f"  inmates: {created} new\n")


@in_demo_time_zone
def seed_custody(out: TextIO) -> None:
    """The custody episodes of the demo's people written in bulk (by this seeder and the
    others before it), from their admission, status and status date, as the migration
    built them for the records kept before episodes."""
    from sinergi.inmates.custody import build_missing

    built = build_missing()
    out.write(f"  custody: {built} people's episodes built\n")
