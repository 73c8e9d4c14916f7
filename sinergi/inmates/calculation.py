"""The sentence's key dates and the inmate's rights: derived data, computed by the rule
engine (:mod:`sinergi.sentences`) from the sentence and the facts recorded with it (the
remisi, the Register F entries, the detention before the current one, the consecutive
sentences, the person's age and health, whether their facility is an LPKA). Nobody acts
here and nothing is audited: the actions (:mod:`.actions`), the import and the nightly
command call :func:`recalculate` after they change what the figures depend on.

What the engine reads about an inmate besides the sentence row is a :class:`Facts`:
:func:`load_facts` loads it for many inmates in a few bulk queries (used by
:func:`recalculate` and by the recalculation report), :func:`facts_of` for one inmate
from its related rows (prefetched by the inmate page).
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, NamedTuple

from django.db import transaction
from django.utils import timezone

from sinergi import sentences as engine
from sinergi.inmates import recalculation_write
from sinergi.inmates.choices import HOLIDAY_OF_RELIGION, RemissionKind, TermKind
from sinergi.inmates.models import (
    ConsecutiveSentence,
    DetentionPeriod,
    DisciplinaryRecord,
    Inmate,
    InmateRight,
    ReligiousHolidayDate,
    Remission,
    Sentence,
)
from sinergi.inmates.rules import FIRST_REMISSION_YEAR
from sinergi.orgs.models import FacilityKind

SENTENCE_DATE_FIELDS = list(recalculation_write.SENTENCE_FIELDS)

# Under this age at the offence the children's rules apply.
ADULT_AGE = 18


@dataclass(frozen=True)
class Facts:
    """What the engine reads about one inmate besides the sentence row.

    ``remissions`` are in the order they were granted (the last one sets the length of
    CMB); ``in_lpka`` is true when the inmate is held in an LPKA (the children's rules
    apply to every Anak Binaan there).
    """

    records: Sequence[DisciplinaryRecord] = ()
    remissions: Sequence[Remission] = ()
    detention: Sequence[DetentionPeriod] = ()
    consecutive: Sequence[ConsecutiveSentence] = ()
    birth_date: datetime.date | None = None
    chronic_illness: bool | None = None
    in_lpka: bool = False

    @property
    def last_remission_days(self) -> int | None:
        return self.remissions[-1].total_days if self.remissions else None


def _granted_order(remission: Remission) -> tuple[int, datetime.date, int]:
    return (remission.year, remission.granted_on or datetime.date.min, remission.pk or 0)


def facts_of(inmate: Inmate) -> Facts:
    """The facts of one inmate, from its related rows (``.all()``: a prefetch is used)."""
    return Facts(
        records=list(inmate.disciplinary_records.all()),
        remissions=sorted(inmate.remissions.all(), key=_granted_order),
        detention=list(inmate.detention_periods.all()),
        consecutive=list(inmate.consecutive_sentences.all()),
        birth_date=inmate.birth_date,
        chronic_illness=inmate.chronic_illness,
        in_lpka=inmate.facility.kind == FacilityKind.LPKA,
    )


def load_facts(inmate_ids: Sequence[int]) -> dict[int, Facts]:
    """The facts of these inmates, in five queries whatever their number (an inmate
    that does not exist is left out)."""
    ids = list(inmate_ids)
    records: dict[int, list[DisciplinaryRecord]] = {}
    for record in DisciplinaryRecord.objects.filter(inmate_id__in=ids):
        records.setdefault(record.inmate_id, []).append(record)
    remissions: dict[int, list[Remission]] = {}
    for remission in Remission.objects.filter(inmate_id__in=ids):
        remissions.setdefault(remission.inmate_id, []).append(remission)
    detention: dict[int, list[DetentionPeriod]] = {}
    for period in DetentionPeriod.objects.filter(inmate_id__in=ids):
        detention.setdefault(period.inmate_id, []).append(period)
    consecutive: dict[int, list[ConsecutiveSentence]] = {}
    for extra in ConsecutiveSentence.objects.filter(inmate_id__in=ids).order_by("id"):
        consecutive.setdefault(extra.inmate_id, []).append(extra)
    people = Inmate.objects.filter(pk__in=ids).values_list(
        "pk", "birth_date", "chronic_illness", "facility__kind"
    )
    return {
        pk: Facts(
            records=records.get(pk, []),
            remissions=sorted(remissions.get(pk, []), key=_granted_order),
            detention=detention.get(pk, []),
            consecutive=consecutive.get(pk, []),
            birth_date=birth_date,
            chronic_illness=chronic_illness,
            in_lpka=kind == FacilityKind.LPKA,
        )
        for pk, birth_date, chronic_illness, kind in people
    }


def term_of(sentence: Sentence | SimpleNamespace) -> engine.Term:
    if sentence.term_kind == TermKind.LIFE:
        return engine.Term.life()
    if sentence.term_kind == TermKind.DEATH:
        return engine.Term.death()
    return engine.Term.fixed(sentence.term_years, sentence.term_months, sentence.term_days)


def remission_grants(remissions: Iterable[Remission]) -> list[engine.RemissionGrant]:
    """The remisi the engine can date, as grants.

    ``Remission.year`` is a calendar year (the form, the demo and the decree numbers
    such as "PAS-... Tahun 2025" use it so): a remisi umum recorded without its date was
    given on 17 August of that year, and is dated so. A remisi khusus (its holiday moves
    every year) or any other kind recorded without a date is left out of the list: it
    stays in the sentence's total and the engine counts it, like the total from SDP, from
    the detention start.
    """
    grants = []
    for remission in remissions:
        granted_on = remission.granted_on
        if (
            granted_on is None
            and remission.kind == RemissionKind.UMUM
            and FIRST_REMISSION_YEAR <= remission.year <= datetime.MAXYEAR
        ):
            # A year outside the calendar (0, recorded before the form checked it) stays
            # undated rather than failing the whole recalculation.
            granted_on = datetime.date(remission.year, 8, 17)
        if granted_on is None:
            continue
        grants.append(engine.RemissionGrant(granted_on, remission.total_days, remission.kind))
    return grants


def is_child(sentence: Sentence | SimpleNamespace, facts: Facts) -> bool:
    """The children's rules apply: sentenced as a child, held in an LPKA, or under 18
    at the offence."""
    return (
        sentence.sentenced_as_child
        or facts.in_lpka
        or (sentence.age_at_offence is not None and sentence.age_at_offence < ADULT_AGE)
    )


def sentence_input(
    sentence: Sentence | SimpleNamespace, facts: Facts | None = None
) -> engine.SentenceInput:
    """The engine's input for ``sentence`` with the inmate's ``facts`` (none: only the
    sentence row, as for a new inmate of an import)."""
    facts = facts or Facts()
    term = term_of(sentence)
    grants = remission_grants(facts.remissions)
    # The actions keep the recorded facts consistent with the sentence; a sentence changed
    # since (an SDP import moving the detention start, a term corrected to life) must not
    # make the whole recalculation fail, so the facts that no longer fit are left out:
    # detention periods that do not end before the detention start, consecutive terms
    # after a life or death sentence, a commutation of a term that is not fixed or dated
    # before the detention start. The import refuses none of these; the inmate's page
    # lists the periods and terms recorded.
    detention = [
        engine.DetentionPeriod(p.start_date, p.end_date, engine.DetentionKind(p.kind))
        for p in facts.detention
        if p.end_date < sentence.detention_start
    ]
    consecutive = (
        [engine.Term.fixed(c.years, c.months, c.days) for c in facts.consecutive]
        if term.is_fixed
        else []
    )
    commuted_on = sentence.commuted_on
    if commuted_on is not None and (not term.is_fixed or commuted_on < sentence.detention_start):
        commuted_on = None
    return engine.SentenceInput(
        detention_start=sentence.detention_start,
        term=term,
        crime_category=engine.CrimeCategory(sentence.crime_category),
        # The total is never less than the remisi dated (an SDP total imported after
        # remisi were recorded here may be lower): the rest is the undated part.
        remission_days=max(sentence.remission_days, sum(g.days for g in grants)),
        disciplinary_records=[
            engine.DisciplinaryPeriod(r.date, r.end_date, r.violation) for r in facts.records
        ],
        fine_paid=sentence.fine_paid,
        restitution_paid=sentence.restitution_paid,
        deradicalisation_completed=sentence.deradicalisation_completed,
        nkri_pledge_signed=sentence.nkri_pledge_signed,
        last_remission_days=facts.last_remission_days,
        verdict_date=sentence.verdict_date,
        remissions=grants,
        earlier_detention=_without_overlaps(detention),
        consecutive_terms=consecutive,
        commuted_on=commuted_on,
        fine_substitute_days=sentence.fine_substitute_days or 0,
        restitution_substitute_days=sentence.restitution_substitute_days or 0,
        justice_collaborator=sentence.justice_collaborator,
        sentenced_as_child=is_child(sentence, facts),
        age_at_offence=sentence.age_at_offence,
        birth_date=facts.birth_date,
        chronic_illness=facts.chronic_illness,
    )


def _without_overlaps(periods: list[engine.DetentionPeriod]) -> list[engine.DetentionPeriod]:
    """The periods in order, an overlapping one left out (the actions refuse overlaps;
    this only keeps a calculation of older data from failing)."""
    kept: list[engine.DetentionPeriod] = []
    for period in sorted(periods, key=lambda p: p.start_date):
        if not kept or period.start_date > kept[-1].end_date:
            kept.append(period)
    return kept


def calculation_for(inmate: Inmate, today: datetime.date | None = None) -> engine.Calculation:
    """The engine's full result (with the calculation sheet) for one inmate."""
    return engine.calculate(
        sentence_input(inmate.sentence, facts_of(inmate)), as_of=today or timezone.localdate()
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
    return engine.next_remissions(
        sentence_input(sentence, facts_of(inmate)),
        today,
        holiday=engine.ReligiousHoliday(holiday) if holiday else None,
        holiday_date=holiday_date,
        # A justice collaborator's remisi tambahan (Pasal 35A, 7/2022); the engine says
        # when the rule set in force on the remisi day has none.
        tambahan=engine.RemissionExtra.JUSTICE_COLLABORATOR
        if sentence.justice_collaborator
        else None,
    )


class ComputedRight(NamedTuple):
    """The engine's values of one right of one inmate (a row of ``InmateRight`` before
    it is one: the bulk paths make model instances only of the rows they write)."""

    inmate_id: int
    right: str
    status: str
    eligible_from: datetime.date | None
    ends_on: datetime.date | None
    reason: str
    missing_conditions: list[str]

    def row(self, pk: int | None = None) -> InmateRight:
        return InmateRight(id=pk, **self._asdict())


def compute_onto(
    sentence: Sentence | SimpleNamespace, facts: Facts | None, today: datetime.date
) -> list[ComputedRight]:
    """Set the computed dates on ``sentence`` (not saved) and return its rights' values."""
    result = engine.calculate(sentence_input(sentence, facts), as_of=today)
    sentence.expiry_date = result.expiry_date
    sentence.expiry_after_remission = result.expiry_after_remission
    sentence.one_third_date = result.one_third_date
    sentence.half_date = result.half_date
    sentence.two_thirds_date = result.two_thirds_date
    sentence.term_start = result.term_start
    sentence.release_date = result.release_date
    sentence.pb_probation_end = result.pb_probation_end
    sentence.rule_set = result.rule_set
    sentence.calculated_on = today
    return [
        ComputedRight(
            sentence.inmate_id,
            key,
            right.status.value,
            right.eligible_from,
            right.ends_on,
            str(right.reason or "")[:300],
            list(right.missing_conditions),
        )
        for key, right in result.rights.items()
    ]


# A new person's computed sentence: the values of SENTENCE_DATE_FIELDS (in order) and the
# rights (their ``inmate_id`` None: the person may have no id yet).
NewComputed = tuple[tuple[Any, ...], list[ComputedRight]]


def compute_new(
    people: Sequence[tuple[Mapping[str, Any], datetime.date | None]],
    in_lpka: bool,
    today: datetime.date,
) -> list[NewComputed]:
    """The computed dates and rights of new people's sentences from the sentence row's
    values and the birth date alone, as an import has them for a new inmate (no remisi,
    Register F or detention rows yet). Reads nothing from the database: an import runs it
    in a worker process beside its writing."""
    found: list[NewComputed] = []
    # Each sentence an attribute bag of the row's values over the model's defaults: what
    # the engine reads of a Sentence, without making one (a model instance costs more than
    # a third of the calculation).
    defaults = {f.attname: f.get_default() for f in Sentence._meta.concrete_fields}
    for values, birth_date in people:
        sentence = SimpleNamespace(**{**defaults, **values})
        rights = compute_onto(sentence, Facts(birth_date=birth_date, in_lpka=in_lpka), today)
        found.append((tuple(getattr(sentence, name) for name in SENTENCE_DATE_FIELDS), rights))
    return found


def apply_calculation(
    sentence: Sentence, facts: Facts | None, today: datetime.date
) -> list[InmateRight]:
    """Set the computed dates on ``sentence`` (not saved) and return its rights rows."""
    return [right.row() for right in compute_onto(sentence, facts, today)]


def recalculate(inmate_ids: Iterable[int], *, today: datetime.date | None = None) -> int:
    """Recompute the key dates and rights of these inmates, in bulk. Returns the count.

    Only what changed is written (:mod:`.recalculation_write`: COPY and ``UPDATE … FROM`` on
    PostgreSQL), chunk by chunk, each chunk whole or not at all (so that a long
    recalculation never holds one lock)."""
    today = today or timezone.localdate()
    ids = list(inmate_ids)
    if not ids:
        return 0
    done = 0
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        sentences = list(Sentence.objects.filter(inmate_id__in=chunk))
        facts = load_facts(chunk)
        stored = recalculation_write.stored_rights(chunk)
        pairs: list[tuple[Sentence, Sentence]] = []
        rights: list[ComputedRight] = []
        for sentence in sentences:
            computed = copy.copy(sentence)
            rights += compute_onto(computed, facts.get(sentence.inmate_id), today)
            pairs.append((sentence, computed))
        # Derived fields: no history row for a recalculation.
        with transaction.atomic():
            recalculation_write.write(recalculation_write.plan(pairs, rights, stored, chunk))
        done += len(sentences)
    return done
