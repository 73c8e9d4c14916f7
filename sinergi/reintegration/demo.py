"""Demo reintegration at Selong: a dozen people near release with plans in every state,
consents, referrals to Dukcapil and Disnaker in every status, two job openings, past
releases with follow-ups, and one re-admission. Idempotent."""

from __future__ import annotations

import datetime
from typing import TextIO

from django.db.models import F
from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.core.demo import in_demo_time_zone
from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Facility, Partner
from sinergi.programs.models import Skill
from sinergi.reintegration import actions
from sinergi.reintegration.assessment import ensure_default_assessment
from sinergi.reintegration.models import FollowUp, JobOpening, NeedUpdate, ReintegrationPlan

REFERRAL_PATH = {
    "sent": [],
    "accepted": ["accepted"],
    "in_progress": ["accepted", "in_progress"],
    "completed": ["accepted", "completed"],
    "declined": ["declined"],
    "cancelled": ["cancelled"],
}


def _plan_met_before(inmate: Inmate, officer: User, on: datetime.date) -> None:
    """A plan whose identity, work and family needs were met on ``on``, before release.

    The actions stamp the updates with the present time; the demo dates them back so that
    the release figures ("needs met before release") have a history to count.
    """
    plan = actions.start_plan(inmate=inmate, by=officer)
    for need in plan.needs.filter(pathway__in=("identity", "work", "family")):
        actions.update_need(
            need=need,
            values={"status": "met", "responsible": "facility", "partner": None},
            note="Terpenuhi sebelum bebas",
            by=officer,
        )
    stamp = timezone.make_aware(datetime.datetime.combine(on, datetime.time(10)))
    NeedUpdate.objects.filter(need__plan=plan).update(at=stamp)


@in_demo_time_zone
def seed(out: TextIO) -> None:
    ensure_default_assessment()
    selong = Facility.objects.get(code="selong")
    if ReintegrationPlan.objects.filter(inmate__facility=selong).exists():
        out.write("  reintegration: already there\n")
        return
    today = timezone.localdate()
    officer = User.objects.get(username="petugas.selong")
    dukcapil_user = User.objects.get(username="mitra.dukcapil")
    disnaker_user = User.objects.get(username="mitra.disnaker")
    dukcapil = Partner.objects.get(code="dukcapil-lotim")
    disnaker = Partner.objects.get(code="disnaker-lotim")
    near = list(
        Inmate.objects.filter(
            facility=selong,
            status="in_custody",
            sentence__expiry_after_remission__range=(today, today + datetime.timedelta(days=180)),
        ).order_by(F("sentence__expiry_after_remission").asc())[:14]
    )
    statuses = list(REFERRAL_PATH)
    plans = 0
    for index, inmate in enumerate(near[:12]):
        if index % 4 == 3:
            continue  # some still have no plan: the worklist shows them
        plan = actions.start_plan(inmate=inmate, by=officer)
        plans += 1
        partner = dukcapil if index % 2 == 0 else disnaker
        partner_user = dukcapil_user if partner == dukcapil else disnaker_user
        served = plan.needs.get(pathway="identity" if partner == dukcapil else "work")
        # The need the referral serves stays open until the partner completes it (the
        # action then settles it by the outcome); the others take the first assessment.
        for need in plan.needs.exclude(pk=served.pk)[: 3 + index % 4]:
            status = ["in_progress", "met", "not_needed", "declined"][(need.pk + index) % 4]
            if index % 4 == 2:
                status = "met"
            actions.update_need(
                need=need,
                values={"status": status, "responsible": "facility", "partner": None},
                note="Asesmen awal",
                by=officer,
            )
        actions.update_need(
            need=served,
            values={"status": "in_progress", "responsible": "partner", "partner": partner},
            note="Dirujuk ke mitra",
            by=officer,
        )
        actions.record_consent(
            inmate=inmate,
            partner=partner,
            given_on=today,
            purpose="Perekaman e-KTP" if partner == dukcapil else "Penempatan kerja",
            by=officer,
        )
        referral = actions.refer(
            inmate=inmate,
            partner=partner,
            by=officer,
            need=served,
            purpose="Perekaman e-KTP di Lapas" if partner == dukcapil else "Penempatan kerja",
            contact="Petugas Pembinaan Lapas Selong, 0376-21000",
            # recording inside the facility: only while the person is in custody
            needs_custody=partner == dukcapil,
        )
        for step in REFERRAL_PATH[statuses[index % len(statuses)]]:
            by = officer if step == "cancelled" else partner_user
            actions.transition_referral(
                referral=referral,
                to=step,
                by=by,
                outcome="achieved" if step == "completed" else "",
                note="Di luar wilayah layanan kami" if step == "declined" else "",
            )
    for code, title, categories, skills in (
        (
            "bengkel-rinjani",
            "Tukang las bengkel",
            ["vocational"],
            ["Pengelasan", "K3 pengelasan"],
        ),
        ("tenun-sasak", "Penenun dan penjahit", ["small_industry"], ["Menenun", "Menjahit"]),
    ):
        opening = JobOpening.objects.create(
            partner=Partner.objects.get(code=code),
            title=title,
            sector="Industri kecil",
            place="Selong",
            vacancies=2,
            skill_categories=categories,
            closing_date=today + datetime.timedelta(days=60),
        )
        # the vocabulary the programs' demo certifies
        opening.skills.set(Skill.objects.filter(name__in=skills))
    # Past releases handed over to Bapas Mataram, with follow-ups done and due.
    bapas = Facility.objects.get(code="bapas-mataram")
    pk_user = User.objects.get(username="pk.bapas")
    released = 0
    taken = {i.pk for i in near[:12]}
    for months_ago in (14, 7, 4, 2):
        day = today - datetime.timedelta(days=30 * months_ago)
        # Someone already in custody well before that day (a release cannot come before
        # the detention start): the nearest to expiry first, as the worklist shows them.
        candidate: Inmate | None = next(
            (
                i
                for i in near[12:]
                if i.pk not in taken
                and i.sentence.detention_start <= day - datetime.timedelta(days=30)
            ),
            None,
        ) or (
            Inmate.objects.filter(
                facility=selong,
                status="in_custody",
                sentence__detention_start__lte=day - datetime.timedelta(days=30),
            )
            .exclude(pk__in=taken)
            .order_by("-id")
            .first()
        )
        if candidate is None:
            continue
        inmate = candidate
        taken.add(inmate.pk)
        if months_ago != 7:  # one was released without a plan: the figures show the gap
            _plan_met_before(inmate, officer, day - datetime.timedelta(days=20))
        release = actions.record_release(
            inmate=inmate,
            by=officer,
            values={
                # On parole (PB), with its decree: a release before the end of the
                # sentence is a right with its SK (a release "at expiry" is refused
                # before the sentence ends), supervised by the Bapas.
                "released_on": day,
                "kind": "pb",
                "sk_number": f"PAS-{inmate.pk}.PK.05.06-{day.year}",
                "sk_date": day - datetime.timedelta(days=7),
                "bapas": bapas,
                "probation_officer": pk_user,
                "leaves_with": "KTP, sertifikat pelatihan",
                "savings_rupiah": 350_000 + 50_000 * months_ago,
                "address": "Jl. Pejanggik No. 12, Selong, Lombok Timur",
                "phone": "0812-3700-1234",
                "guarantor": "Orang tua (ayah kandung)",
            },
        )
        released += 1
        for follow_up in FollowUp.objects.filter(release=release, due_on__lt=today):
            actions.record_follow_up(
                follow_up=follow_up,
                by=pk_user,
                values={
                    "contact_made": True,
                    "work_status": "employed",
                    "income_source": "Bengkel las",
                    "housing": "Bersama keluarga",
                },
            )
    # One of them came back: admitted again at Lombok Barat.
    first = Inmate.objects.filter(release__isnull=False, facility=selong).order_by("pk").first()
    if first is not None:
        again = Inmate.objects.create(
            facility=Facility.objects.get(code="lobar"),
            registration_number=f"BI 9{first.pk:03d}/26",
            name=first.name,
            birth_date=first.birth_date,
            nik=first.nik,
            sex=first.sex,
        )
        actions.detect_readmissions(
            inmate_ids=[again.pk], by=User.objects.filter(username="petugas.lobar").first()
        )
    out.write(f"  reintegration: {plans} plans, {released} releases\n")
