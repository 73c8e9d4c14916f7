"""Demo integration-right proposals at Selong (issue 14): a person at every stage, made
through the actions (so each has its timeline, history and audit), dated back from the
demo's today.

* eligible (started three days ago); documents (four of the seven of the checklist);
* Litmas asked of Bapas Mataram and assigned to ``pk.bapas``: one asked three working
  days ago (due in nine), one asked sixteen working days ago (overdue by four, or three
  on a day off), their due dates set by the action (twelve working days with the
  Bapas's days off); one more asked and not yet taken by a PK;
* at the sidang TPP (the Litmas submitted, postponed at the last meeting);
* sent to the Kanwil; granted (SK dated today: the release is due today); released on
  its SK; refused by the Kanwil with a reason;
* one sidang TPP meeting, held three weeks ago, with its decisions (its minutes PDF is
  made on request);
* one person held past their release date (the sentence recorded four days too long).

Deterministic (people chosen by their eligibility date and id) and idempotent: nothing is
done when Selong already has proposals.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterator
from typing import Any, TextIO

from django.core.files.base import ContentFile
from django.db import transaction

from sinergi.accounts.models import User
from sinergi.core.demo import in_demo_time_zone
from sinergi.inmates import actions as inmate_actions
from sinergi.inmates.choices import InmateStatus, Right, RightStatus
from sinergi.inmates.models import Inmate, InmateRight, Sentence
from sinergi.inmates.queries import release_due
from sinergi.orgs.models import Facility
from sinergi.programs.days_off import days_off
from sinergi.proposals import actions, clocks
from sinergi.proposals import litmas_actions as litmas
from sinergi.proposals import tpp_actions as tpp
from sinergi.proposals.choices import CHECKLIST, Recommendation, SentTo, Stage
from sinergi.proposals.models import LitmasRequest, Proposal, ProposalDocument

DAY = datetime.timedelta(days=1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
KANWIL_REFERENCE = "W.22-PK.01.05.06-{n}"
# The stages of the people, in the order they are chosen (earliest eligible first).
PEOPLE = (
    "released",
    "refused",
    "granted",
    "sent",
    "tpp",
    "litmas_overdue",
    "litmas",
    "litmas_unassigned",
    "documents",
    "eligible",
)
LITMAS_RECOMMENDATION = (
    "Klien berkelakuan baik, keluarga dan pemerintah desa bersedia menjamin; disarankan "
    "untuk diberikan pembebasan bersyarat."
)


def _pdf(name: str) -> ContentFile:
    return ContentFile(PDF, name=name)


def litmas_asked_on(
    today: datetime.date, off: Collection[datetime.date]
) -> dict[str, datetime.date]:
    """The days the demo's open Litmas were asked, counted back in working days (with the
    Bapas's days off ``off``) from the demo's today, so that on whatever day the demo is
    loaded, a weekend or a holiday too, the due date the action sets (twelve working days
    after) has passed for the overdue one and not for the others."""
    late = clocks.add_working_days(today, -(actions.LITMAS_WORKING_DAYS + 4), off)
    recent = clocks.add_working_days(today, -3, off)
    return {"litmas_overdue": late, "litmas": recent, "litmas_unassigned": recent}


def _candidates(selong: Facility) -> Iterator[Inmate]:
    """Selong's people in custody eligible for PB, earliest first, each once."""
    seen: set[int] = set()
    rights = (
        InmateRight.objects.filter(
            inmate__facility=selong,
            inmate__status=InmateStatus.IN_CUSTODY,
            right=Right.PB,
            status=RightStatus.ELIGIBLE,
            eligible_from__isnull=False,
        )
        .select_related("inmate", "inmate__facility")
        .order_by("eligible_from", "inmate_id")
    )
    for right in rights:
        if right.inmate_id not in seen:
            seen.add(right.inmate_id)
            yield right.inmate


def _move(proposal: Proposal, to: str, by: User, **facts: Any) -> Proposal:
    return actions.transition(proposal=proposal, to_stage=to, by=by, facts=facts)


def _gather(proposal: Proposal, by: User, on: datetime.date, kinds: tuple[str, ...]) -> None:
    for kind in kinds:
        actions.add_document(
            proposal=proposal, kind=kind, file=_pdf(f"{kind}.pdf"), by=by, received_on=on
        )


def _submit_litmas(request: LitmasRequest, pk: User, on: datetime.date) -> None:
    """The PK uploads and submits the Litmas (the action dates it today; the demo dates
    it back to ``on``, like the other seeders date their history)."""
    litmas.assign_officer(litmas=request, officer=pk, by=pk)
    submitted = litmas.submit_litmas(
        litmas=request,
        recommendation=LITMAS_RECOMMENDATION,
        by=pk,
        upload=_pdf("litmas.pdf"),
    )
    LitmasRequest.objects.filter(pk=submitted.pk).update(submitted_on=on)
    if submitted.document_id is not None:
        ProposalDocument.objects.filter(pk=submitted.document_id).update(received_on=on)


def _held_past_release(selong: Facility, officer: User, today: datetime.date) -> Inmate | None:
    """One person in custody whose release date passed four days ago: the sentence
    recorded (through the action, so recalculated and audited) with a detention start
    that much earlier: the first of Selong's people without a proposal due in 30 to 200 days."""
    target = today - 4 * DAY
    inmate = (
        Inmate.objects.annotate(_due=release_due())
        .filter(
            facility=selong,
            status=InmateStatus.IN_CUSTODY,
            proposals__isnull=True,
            _due__gt=today + 30 * DAY,
            _due__lt=today + 200 * DAY,
        )
        .order_by("_due", "pk")
        .first()
    )
    if inmate is None:
        return None
    sentence = Sentence.objects.select_related("inmate", "inmate__facility").get(inmate=inmate)
    for _attempt in range(3):
        due = Inmate.objects.filter(pk=inmate.pk).values_list(release_due(), flat=True).get()
        if due is None or due == target:
            break
        sentence.refresh_from_db()
        values = {"detention_start": sentence.detention_start - (due - target)}
        if sentence.verdict_date is not None and sentence.verdict_date < values["detention_start"]:
            values["verdict_date"] = values["detention_start"]
        inmate_actions.update_sentence(sentence=sentence, values=values, by=officer)
    return inmate


@in_demo_time_zone
@transaction.atomic
def seed(out: TextIO) -> None:
    selong = Facility.objects.get(code="selong")
    if Proposal.objects.filter(facility=selong).exists():
        out.write("  proposals: already there\n")
        return
    bapas = Facility.objects.get(code="bapas-mataram")
    officer = User.objects.get(username="petugas.selong")
    head = User.objects.get(username="kalapas.selong")
    pk = User.objects.get(username="pk.bapas")
    today = selong.today()
    people = dict(zip(PEOPLE, _candidates(selong), strict=False))
    proposals: dict[str, Proposal] = {}

    # Started two months ago and gathered: those that go as far as the sidang TPP.
    far = ("released", "refused", "granted", "sent", "tpp")
    asked_on = litmas_asked_on(today, days_off(bapas))
    for stage, inmate in people.items():
        started = today - (60 * DAY if stage in far else 30 * DAY)
        if stage == "litmas_overdue":
            started = today - 50 * DAY  # its Litmas asked sixteen working days ago
        elif stage == "eligible":
            started = today - 3 * DAY
        elif stage == "documents":
            started = today - 12 * DAY
        proposals[stage] = actions.start_proposal(
            inmate=inmate, right=Right.PB, by=officer, on=started
        )
    for stage, proposal in proposals.items():
        if stage == "eligible":
            continue
        gathered = proposal.stage_since + 2 * DAY
        _move(proposal, Stage.DOCUMENTS, officer, on=gathered)
        kinds = CHECKLIST[:4] if stage == "documents" else CHECKLIST
        _gather(proposal, officer, gathered + 3 * DAY, kinds)
        if stage == "documents":
            continue
        asked = asked_on.get(stage, gathered + 5 * DAY)
        # No due date given: the action's, twelve working days of the Bapas.
        _move(proposal, Stage.LITMAS, officer, bapas=bapas, on=asked)
        request = proposal.litmas_requests.get()
        if stage == "litmas_unassigned":
            continue
        if stage in ("litmas", "litmas_overdue"):
            litmas.assign_officer(litmas=request, officer=pk, by=pk)
            continue
        _submit_litmas(request, pk, asked + 12 * DAY)
        _move(proposal, Stage.TPP, officer, on=asked + 13 * DAY)

    held_on = today - 21 * DAY
    meeting = tpp.record_meeting(
        facility=selong,
        values={
            "held_on": held_on,
            "place": "Aula Lapas Selong",
            "chair": head,
            "members": "\n".join(
                (
                    "Kepala Lapas Selong (ketua)",
                    "Kepala Seksi Binadik (sekretaris)",
                    "Kepala KPLP",
                    "Wali Pemasyarakatan",
                    "Pembimbing Kemasyarakatan Bapas Mataram",
                )
            ),
            "minutes_number": f"W.22.PAS.PAS.5-PK.01.05.06-{held_on:%m%y}",
            "notes": "Sidang TPP usulan pembebasan bersyarat.",
        },
        by=officer,
    )
    for stage in far:
        if stage not in proposals:
            continue
        if stage == "tpp":
            tpp.record_decision(
                meeting=meeting,
                proposal=proposals[stage],
                recommendation=Recommendation.POSTPONED,
                note="Menunggu surat jaminan yang diperbarui.",
                by=officer,
            )
            continue
        tpp.record_decision(
            meeting=meeting,
            proposal=proposals[stage],
            recommendation=Recommendation.RECOMMENDED,
            by=officer,
        )
        _move(
            proposals[stage],
            Stage.SENT,
            head,
            sent_to=SentTo.KANWIL,
            sent_reference=KANWIL_REFERENCE.format(n=401 + PEOPLE.index(stage)),
            sent_on=held_on + 2 * DAY,
        )
    sk = "PAS-{n}.PK.01.05.06 Tahun " + str(today.year)
    if "released" in proposals:
        released = proposals["released"]
        _move(
            released,
            Stage.GRANTED,
            head,
            sk_number=sk.format(n=101 + PEOPLE.index("released")),
            sk_date=today - 10 * DAY,
        )
        _move(released, Stage.RELEASED, officer, released_on=today - 10 * DAY)
    if "granted" in proposals:
        granted = proposals["granted"]
        _move(
            granted,
            Stage.GRANTED,
            head,
            sk_number=sk.format(n=101 + PEOPLE.index("granted")),
            sk_date=today,
        )
    if "refused" in proposals:
        _move(
            proposals["refused"],
            Stage.REFUSED,
            head,
            refusal_reason=(
                "Kanwil: surat jaminan keluarga tidak dilegalisasi oleh kepala desa; dapat "
                "diusulkan kembali."
            ),
            on=today - 8 * DAY,
        )
    held = _held_past_release(selong, officer, today)
    out.write(
        f"  proposals: {len(proposals)} at Selong, 1 sidang TPP, "
        f"{LitmasRequest.objects.filter(bapas=bapas).count()} Litmas requests for "
        f"{bapas.code}, held past release date: {held.name if held else '-'}\n"
    )
