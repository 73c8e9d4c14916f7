"""Every write on inmates: atomic, attributed (``by=``), audited, history kept.

The sentence's key dates and the rights are derived data: each action that changes what
they depend on calls :func:`recalculate`, which writes them in bulk.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from sinergi import sentences as engine
from sinergi.accounts.models import User
from sinergi.core import audit
from sinergi.core.errors import Conflict
from sinergi.inmates.choices import HOLIDAY_OF_RELIGION, InmateStatus, TermKind
from sinergi.inmates.models import (
    DisciplinaryRecord,
    Inmate,
    InmateRight,
    MonthlyAssessment,
    ReligiousHolidayDate,
    Remission,
    Sentence,
)

SENTENCE_DATE_FIELDS = [
    "expiry_date",
    "expiry_after_remission",
    "one_third_date",
    "half_date",
    "two_thirds_date",
    "rule_set",
    "calculated_on",
]


def term_of(sentence: Sentence) -> engine.Term:
    if sentence.term_kind == TermKind.LIFE:
        return engine.Term.life()
    if sentence.term_kind == TermKind.DEATH:
        return engine.Term.death()
    return engine.Term.fixed(sentence.term_years, sentence.term_months, sentence.term_days)


def sentence_input(
    sentence: Sentence, records: Sequence[DisciplinaryRecord], last_remission_days: int | None
) -> engine.SentenceInput:
    return engine.SentenceInput(
        detention_start=sentence.detention_start,
        term=term_of(sentence),
        crime_category=engine.CrimeCategory(sentence.crime_category),
        remission_days=sentence.remission_days,
        disciplinary_records=[
            engine.DisciplinaryPeriod(r.date, r.end_date, r.violation) for r in records
        ],
        fine_paid=sentence.fine_paid,
        restitution_paid=sentence.restitution_paid,
        deradicalisation_completed=sentence.deradicalisation_completed,
        nkri_pledge_signed=sentence.nkri_pledge_signed,
        last_remission_days=last_remission_days,
    )


def calculation_for(inmate: Inmate, today: datetime.date | None = None) -> engine.Calculation:
    """The engine's full result (with the calculation sheet) for one inmate."""
    sentence = inmate.sentence
    records = list(inmate.disciplinary_records.all())
    last = inmate.remissions.order_by("-year", "-granted_on", "-id").first()
    return engine.calculate(
        sentence_input(sentence, records, last.total_days if last else None),
        as_of=today or timezone.localdate(),
    )


def next_remissions_for(
    inmate: Inmate, today: datetime.date | None = None
) -> engine.NextRemissions | None:
    """Remisi umum due on the next 17 August and remisi khusus on the inmate's next
    religious holiday (from the recorded holiday dates); None without a sentence."""
    sentence = getattr(inmate, "sentence", None)
    if sentence is None:
        return None
    today = today or timezone.localdate()
    holiday = HOLIDAY_OF_RELIGION.get(inmate.religion)
    holiday_date = None
    if holiday is not None:
        holiday_date = (
            ReligiousHolidayDate.objects.filter(holiday=holiday, date__gte=today)
            .order_by("date")
            .values_list("date", flat=True)
            .first()
        )
    records = list(inmate.disciplinary_records.all())
    return engine.next_remissions(
        sentence_input(sentence, records, None),
        today,
        holiday=engine.ReligiousHoliday(holiday) if holiday else None,
        holiday_date=holiday_date,
    )


def apply_calculation(
    sentence: Sentence,
    records: Sequence[DisciplinaryRecord],
    last_remission_days: int | None,
    today: datetime.date,
) -> list[InmateRight]:
    """Set the computed dates on ``sentence`` (not saved) and return its rights rows."""
    result = engine.calculate(sentence_input(sentence, records, last_remission_days), as_of=today)
    sentence.expiry_date = result.expiry_date
    sentence.expiry_after_remission = result.expiry_after_remission
    sentence.one_third_date = result.one_third_date
    sentence.half_date = result.half_date
    sentence.two_thirds_date = result.two_thirds_date
    sentence.rule_set = result.rule_set
    sentence.calculated_on = today
    return [
        InmateRight(
            inmate_id=sentence.inmate_id,
            right=key,
            status=right.status.value,
            eligible_from=right.eligible_from,
            reason=str(right.reason or "")[:300],
            missing_conditions=list(right.missing_conditions),
        )
        for key, right in result.rights.items()
    ]


def recalculate(inmate_ids: Iterable[int], *, today: datetime.date | None = None) -> int:
    """Recompute the key dates and rights of these inmates, in bulk. Returns the count."""
    today = today or timezone.localdate()
    ids = list(inmate_ids)
    if not ids:
        return 0
    done = 0
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        sentences = list(Sentence.objects.filter(inmate_id__in=chunk))
        records: dict[int, list[DisciplinaryRecord]] = {}
        for record in DisciplinaryRecord.objects.filter(inmate_id__in=chunk):
            records.setdefault(record.inmate_id, []).append(record)
        last_remission: dict[int, int] = {}
        for remission in Remission.objects.filter(inmate_id__in=chunk).order_by(
            "inmate_id", "year", "granted_on", "id"
        ):
            last_remission[remission.inmate_id] = remission.total_days
        rights: list[InmateRight] = []
        for sentence in sentences:
            rights += apply_calculation(
                sentence,
                records.get(sentence.inmate_id, []),
                last_remission.get(sentence.inmate_id),
                today,
            )
        # Derived fields: no history row for a recalculation.
        Sentence.objects.bulk_update(sentences, SENTENCE_DATE_FIELDS, batch_size=500)
        InmateRight.objects.filter(inmate_id__in=chunk).delete()
        InmateRight.objects.bulk_create(rights, batch_size=1000)
        done += len(sentences)
    return done


def _apply(instance: Any, values: Mapping[str, Any]) -> dict[str, list[Any]]:
    changes = audit.diff(instance, values)
    for name, value in values.items():
        setattr(instance, name, value)
    return changes


@transaction.atomic
def create_inmate(
    *, facility: Any, inmate: Mapping[str, Any], sentence: Mapping[str, Any], by: User
) -> Inmate:
    if Inmate.objects.filter(
        facility=facility, registration_number=inmate["registration_number"]
    ).exists():
        raise Conflict(
            f"{inmate['registration_number']} is already registered at {facility}.",
            code="duplicate_registration",
        )
    record = Inmate(facility=facility, **inmate)
    record.full_clean()
    record.save()
    sentence_row = Sentence(inmate=record, **sentence)
    sentence_row.full_clean()
    sentence_row.save()
    recalculate([record.pk])
    admitted([record.pk])
    audit.record(
        "inmate.create",
        by=by,
        target=record,
        facility=facility,
        changes={"inmate": dict(inmate), "sentence": dict(sentence)},
    )
    return record


@transaction.atomic
def update_inmate(*, inmate: Inmate, values: Mapping[str, Any], by: User) -> Inmate:
    changes = _apply(inmate, values)
    if not changes:
        return inmate
    inmate.full_clean()
    inmate._change_reason = "edited"  # type: ignore[attr-defined]
    inmate.save(update_fields=[*changes, "updated_at"])
    audit.record("inmate.update", by=by, target=inmate, changes=changes)
    return inmate


@transaction.atomic
def update_sentence(*, sentence: Sentence, values: Mapping[str, Any], by: User) -> Sentence:
    changes = _apply(sentence, values)
    if not changes:
        return sentence
    sentence.full_clean()
    sentence.save(update_fields=[*changes, "updated_at"])
    recalculate([sentence.inmate_id])
    audit.record(
        "sentence.update",
        by=by,
        target=sentence,
        facility=sentence.inmate.facility_id,
        changes=changes,
    )
    return sentence


@transaction.atomic
def add_remission(*, inmate: Inmate, values: Mapping[str, Any], by: User) -> Remission:
    if inmate.sentence.term_kind != TermKind.FIXED:
        raise Conflict("Life and death sentences receive no remisi.", code="no_remission")
    remission = Remission(inmate=inmate, recorded_by=by, **values)
    remission.full_clean()
    remission.save()
    sentence = Sentence.objects.select_for_update().get(pk=inmate.sentence.pk)
    sentence.remission_days += remission.total_days
    sentence.save(update_fields=["remission_days", "updated_at"])
    recalculate([inmate.pk])
    audit.record(
        "remission.create",
        by=by,
        target=remission,
        facility=inmate.facility_id,
        changes={**values, "total_days": remission.total_days},
    )
    return remission


@transaction.atomic
def record_disciplinary(
    *, inmate: Inmate, values: Mapping[str, Any], by: User
) -> DisciplinaryRecord:
    record = DisciplinaryRecord(inmate=inmate, recorded_by=by, **values)
    record.full_clean()
    record.save()
    recalculate([inmate.pk])
    audit.record(
        "register_f.create",
        by=by,
        target=record,
        facility=inmate.facility_id,
        changes=dict(values),
    )
    return record


@transaction.atomic
def update_disciplinary(
    *, record: DisciplinaryRecord, values: Mapping[str, Any], by: User
) -> DisciplinaryRecord:
    changes = _apply(record, values)
    if changes:
        record.full_clean()
        record.save(update_fields=[*changes, "updated_at"])
        recalculate([record.inmate_id])
        audit.record(
            "register_f.update",
            by=by,
            target=record,
            facility=record.inmate.facility_id,
            changes=changes,
        )
    return record


@transaction.atomic
def record_assessment(
    *, inmate: Inmate, month: datetime.date, scores: Mapping[str, int], note: str, by: User
) -> MonthlyAssessment:
    """Record (or correct) the SPPN score of one month; the total is the mean of aspects."""
    month = month.replace(day=1)
    if month > timezone.localdate().replace(day=1):
        raise Conflict("A month that has not started cannot be scored.", code="future_month")
    values = {
        k: int(scores[k]) for k in ("personality", "independence", "behaviour", "mental_condition")
    }
    total = round(sum(values.values()) / 4, 2)
    existing = MonthlyAssessment.objects.filter(inmate=inmate, month=month).first()
    if existing is None:
        assessment = MonthlyAssessment(
            inmate=inmate, month=month, note=note, scored_by=by, total=total, **values
        )
        assessment.full_clean()
        assessment.save()
        changes: dict[str, Any] = {**values, "month": month}
    else:
        assessment = existing
        changes = _apply(assessment, {**values, "note": note, "total": total, "scored_by": by})
        assessment.full_clean()
        assessment.save()
    audit.record(
        "assessment.record",
        by=by,
        target=assessment,
        facility=inmate.facility_id,
        changes=changes,
    )
    return assessment


# Called after an inmate's status changes, as hook(inmate=, status=, by=). Higher apps
# (programs: ending enrolments on release or transfer) register here in their ready().
STATUS_CHANGE_HOOKS: list[Callable[..., None]] = []


def on_status_change(hook: Callable[..., None]) -> None:
    if hook not in STATUS_CHANGE_HOOKS:
        STATUS_CHANGE_HOOKS.append(hook)


# Called with the ids of newly admitted inmates, as hook(inmate_ids=[...]) (the
# reintegration app detects re-admissions after an earlier release).
ADMISSION_HOOKS: list[Callable[..., object]] = []


def on_admission(hook: Callable[..., object]) -> None:
    if hook not in ADMISSION_HOOKS:
        ADMISSION_HOOKS.append(hook)


def admitted(inmate_ids: list[int]) -> None:
    for hook in ADMISSION_HOOKS:
        hook(inmate_ids=inmate_ids)


ALLOWED_STATUS_CHANGES = {
    InmateStatus.IN_CUSTODY: {
        InmateStatus.TRANSFERRED,
        InmateStatus.RELEASED,
        InmateStatus.DECEASED,
    },
    InmateStatus.TRANSFERRED: {InmateStatus.IN_CUSTODY},
    InmateStatus.RELEASED: {InmateStatus.IN_CUSTODY},
    InmateStatus.DECEASED: set(),
}


@transaction.atomic
def change_status(*, inmate: Inmate, status: str, on: datetime.date, by: User) -> Inmate:
    current = InmateStatus(inmate.status)
    target = InmateStatus(status)
    if target not in ALLOWED_STATUS_CHANGES[current]:
        raise Conflict(
            f"An inmate who is {current.label} cannot become {target.label}.",
            code="invalid_transition",
        )
    changes = _apply(inmate, {"status": target.value, "status_changed_on": on})
    inmate.save(update_fields=["status", "status_changed_on", "updated_at"])
    audit.record("inmate.status", by=by, target=inmate, changes=changes)
    for hook in STATUS_CHANGE_HOOKS:
        hook(inmate=inmate, status=target.value, by=by)
    return inmate


def bulk_update_inmates(objs: list[Inmate], fields: list[str], by: User | None) -> None:
    """Update many inmates with one history row each (used by the import)."""
    bulk_update_with_history(
        objs, Inmate, fields, batch_size=500, default_user=by, default_change_reason="import"
    )
