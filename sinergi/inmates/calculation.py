"""The sentence's key dates and the inmate's rights: derived data, computed by the rule
engine (:mod:`sinergi.sentences`) from the sentence, the remissions and the disciplinary
records. Nobody acts here and nothing is audited: the actions (:mod:`.actions`), the
import and the nightly command call :func:`recalculate` after they change what the
figures depend on.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone

from sinergi import sentences as engine
from sinergi.inmates.choices import HOLIDAY_OF_RELIGION, TermKind
from sinergi.inmates.models import (
    DisciplinaryRecord,
    Inmate,
    InmateRight,
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
        # Derived fields: no history row for a recalculation. A chunk is written whole or
        # not at all (chunk by chunk, so that a long recalculation never holds one lock).
        with transaction.atomic():
            Sentence.objects.bulk_update(sentences, SENTENCE_DATE_FIELDS, batch_size=500)
            InmateRight.objects.filter(inmate_id__in=chunk).delete()
            InmateRight.objects.bulk_create(rights, batch_size=1000)
        done += len(sentences)
    return done
