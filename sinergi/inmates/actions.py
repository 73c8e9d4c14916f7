"""Every write on inmates: atomic, attributed (``by=``), audited, history kept.

The sentence's key dates and the rights are derived data: each action that changes what
they depend on calls :func:`sinergi.inmates.calculation.recalculate`, which writes them
in bulk.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from sinergi.accounts.models import User
from sinergi.accounts.notify import Text, notify
from sinergi.core import audit
from sinergi.core.errors import Conflict
from sinergi.core.permissions import require_perm
from sinergi.inmates import custody, importer
from sinergi.inmates.calculation import recalculate
from sinergi.inmates.choices import ImportStatus, InmateStatus, TermKind
from sinergi.inmates.models import (
    ColumnMapping,
    ConsecutiveSentence,
    DetentionPeriod,
    DisciplinaryRecord,
    ImportBatch,
    Inmate,
    MonthlyAssessment,
    Remission,
    Sentence,
)
from sinergi.inmates.parsing import normalise_registration_number
from sinergi.inmates.rules import (
    Problems,
    consecutive_problems,
    detention_period_problems,
    disciplinary_problems,
    import_mapping_problems,
    remission_problems,
    sentence_facts_problems,
    sentence_problems,
    wali_problems,
)

# What the sentence rules read besides the values being changed.
TERM_FIELDS = ("term_kind", "term_years", "term_months", "term_days", "detention_start")


def _may_change(by: User, inmate: Inmate) -> None:
    require_perm(
        by,
        "inmates.change_inmate",
        inmate,
        message=_("Only the facility's program officers and head change its inmates' records."),
    )


def _refuse(*found: Problems) -> None:
    """Raise the problems found (``ValidationError`` by field: 422 in the API), if any."""
    problems: Problems = {}
    for each in found:
        for field, messages in each.items():
            problems.setdefault(field, []).extend(messages)
    if problems:
        raise ValidationError(problems)


def _registration_problems(
    facility_id: int, number: str, *, exclude: int | None = None
) -> Problems:
    """A registration number is given, and not yet registered at the facility."""
    if not number:
        return {"registration_number": [_("A registration number is required.")]}
    taken = Inmate.objects.filter(facility_id=facility_id, registration_number=number)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        return {
            "registration_number": [
                _("%(number)s is already registered at this facility.") % {"number": number}
            ]
        }
    return {}


def _apply(instance: Any, values: Mapping[str, Any]) -> dict[str, list[Any]]:
    changes = audit.diff(instance, values)
    for name, value in values.items():
        setattr(instance, name, value)
    return changes


@transaction.atomic
def create_inmate(
    *, facility: Any, inmate: Mapping[str, Any], sentence: Mapping[str, Any], by: User
) -> Inmate:
    """Register an inmate with their sentence at ``facility`` (one of the facilities where
    ``by`` is a program officer or the head). The registration number is normalised and
    must be new at the facility; the sentence keeps :func:`rules.sentence_problems`."""
    require_perm(
        by,
        "inmates.add_inmate",
        facility,
        message=_("Only the facility's program officers and head register its inmates."),
    )
    number = normalise_registration_number(inmate.get("registration_number", ""))
    inmate = {**inmate, "registration_number": number}
    _refuse(
        _registration_problems(facility.pk, number),
        sentence_problems(sentence, today=facility.today()),
    )
    record = Inmate(facility=facility, **inmate)
    record.full_clean()
    record.save()
    sentence_row = Sentence(inmate=record, **sentence)
    sentence_row.full_clean()
    sentence_row.save()
    recalculate([record.pk])
    admitted([record.pk], by=by)
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
    _may_change(by, inmate)
    if "registration_number" in values:
        number = normalise_registration_number(values["registration_number"])
        values = {**values, "registration_number": number}
        _refuse(_registration_problems(inmate.facility_id, number, exclude=inmate.pk))
    changes = _apply(inmate, values)
    if not changes:
        return inmate
    inmate.full_clean()
    inmate._change_reason = "edited"  # type: ignore[attr-defined]
    inmate.save(update_fields=[*changes, "updated_at"])
    if "admission_date" in changes:
        custody.admission_corrected(inmate, by=by)
    audit.record("inmate.update", by=by, target=inmate, changes=changes)
    return inmate


@transaction.atomic
def assign_wali(*, inmate: Inmate, wali: User | None, by: User) -> Inmate:
    """Name the guardian officer (wali) who follows ``inmate`` (None: nobody); the wali is
    an active guardian officer of the person's facility, and hears of it."""
    _may_change(by, inmate)
    if _set_wali(inmate, wali, by=by, reason="wali assigned") and wali is not None:
        tell_wali([inmate], wali)
    return inmate


@transaction.atomic
def assign_wali_to_many(*, inmates: Sequence[Inmate], wali: User | None, by: User) -> int:
    """Name one wali for several people at once (the inmate list's selection): each is
    checked as ``assign_wali`` checks one, nothing is changed if one is refused, and the
    wali is told once. Returns how many changed."""
    for inmate in inmates:
        _may_change(by, inmate)
    changed = [i for i in inmates if _set_wali(i, wali, by=by, reason="wali assigned")]
    if changed and wali is not None:
        tell_wali(changed, wali)
    return len(changed)


@transaction.atomic
def imported_wali(*, inmate: Inmate, wali: User, by: User | None) -> bool:
    """The wali an SDP import names for ``inmate`` (the import's own way in: who may
    import was checked when the import started; ``by`` is None for the command line).
    Whether it changed; the importer tells each wali once."""
    return _set_wali(inmate, wali, by=by, reason="import")


def _set_wali(inmate: Inmate, wali: User | None, *, by: User | None, reason: str) -> bool:
    """Set the wali (checked, history, audited); whether it changed."""
    _refuse(wali_problems(inmate.facility_id, wali))
    if inmate.wali_id == (wali.pk if wali else None):
        return False
    changes = {"wali": [inmate.wali_id, wali.pk if wali else None]}
    inmate.wali = wali
    inmate._change_reason = reason  # type: ignore[attr-defined]
    if by is not None:
        inmate._history_user = by  # type: ignore[attr-defined]
    inmate.save(update_fields=["wali", "updated_at"])
    audit.record("inmate.update", by=by, target=inmate, changes=changes)
    return True


def tell_wali(people: Sequence[Inmate], wali: User) -> None:
    """The wali newly named for ``people`` hears of it once (the bell, e-mail by
    preference), with a link to the person or, for several, to the scoring sheet."""
    if len(people) == 1:
        person = people[0]
        title = Text(gettext_lazy("You are now the wali of %(name)s"), name=person.name)
        url = person.get_absolute_url()
    else:
        title = Text(
            ngettext_lazy(
                "You are now the wali of %(n)s person",
                "You are now the wali of %(n)s people",
                "n",
            ),
            n=len(people),
        )
        url = reverse("inmates:score_sheet")
    notify(
        [wali],
        title=title,
        body=Text(
            gettext_lazy(
                "They are in your people on the home page and on your monthly scoring sheet."
            )
        ),
        url=url,
    )


@transaction.atomic
def update_sentence(*, sentence: Sentence, values: Mapping[str, Any], by: User) -> Sentence:
    _may_change(by, sentence.inmate)
    current = {
        name: getattr(sentence, name)
        for name in (*TERM_FIELDS, "verdict_date", "commuted_on", "age_at_offence")
    }
    merged = {**current, **values}
    _refuse(
        sentence_problems(merged, today=sentence.inmate.facility.today()),
        sentence_facts_problems(
            merged,
            detention_ends=list(
                DetentionPeriod.objects.filter(inmate_id=sentence.inmate_id).values_list(
                    "end_date", flat=True
                )
            ),
            consecutive_count=ConsecutiveSentence.objects.filter(
                inmate_id=sentence.inmate_id
            ).count(),
        ),
    )
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
    _may_change(by, inmate)
    recorded = list(inmate.remissions.values_list("kind", "year"))
    _refuse(remission_problems(values, today=inmate.facility.today(), recorded=recorded))
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
    _may_change(by, inmate)
    _refuse(disciplinary_problems(values, today=inmate.facility.today()))
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
    _may_change(by, record.inmate)
    current = {"date": record.date, "end_date": record.end_date, **values}
    _refuse(disciplinary_problems(current, today=record.inmate.facility.today()))
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


# --- detention before the current one, consecutive sentences ---------------------------


def _detention_problems(
    inmate: Inmate, values: Mapping[str, Any], *, exclude: int | None = None
) -> Problems:
    others = DetentionPeriod.objects.filter(inmate=inmate)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    start = Sentence.objects.filter(inmate=inmate).values_list("detention_start", flat=True).first()
    if start is None:
        return {
            "start_date": [
                _("Record the sentence first: an earlier detention ends before its start.")
            ]
        }
    return detention_period_problems(
        values,
        today=inmate.facility.today(),
        detention_start=start,
        others=list(others.order_by("start_date").values_list("start_date", "end_date")),
    )


@transaction.atomic
def add_detention_period(*, inmate: Inmate, values: Mapping[str, Any], by: User) -> DetentionPeriod:
    """Record a detention period that ended before the current detention start (rutan,
    house or city detention): it is credited to the term (in full, 1/3, 1/5)."""
    _may_change(by, inmate)
    _refuse(_detention_problems(inmate, values))
    period = DetentionPeriod(inmate=inmate, recorded_by=by, **values)
    period.full_clean()
    period._history_user = by  # type: ignore[attr-defined]
    period.save()
    recalculate([inmate.pk])
    audit.record(
        "detention_period.create",
        by=by,
        target=period,
        facility=inmate.facility_id,
        changes=dict(values),
    )
    return period


@transaction.atomic
def update_detention_period(
    *, period: DetentionPeriod, values: Mapping[str, Any], by: User
) -> DetentionPeriod:
    _may_change(by, period.inmate)
    current = {"start_date": period.start_date, "end_date": period.end_date, **values}
    _refuse(_detention_problems(period.inmate, current, exclude=period.pk))
    changes = _apply(period, values)
    if changes:
        period.full_clean()
        period._history_user = by  # type: ignore[attr-defined]
        period.save(update_fields=[*changes, "updated_at"])
        recalculate([period.inmate_id])
        audit.record(
            "detention_period.update",
            by=by,
            target=period,
            facility=period.inmate.facility_id,
            changes=changes,
        )
    return period


@transaction.atomic
def delete_detention_period(*, period: DetentionPeriod, by: User) -> None:
    _may_change(by, period.inmate)
    audit.record(
        "detention_period.delete",
        by=by,
        target=period,
        facility=period.inmate.facility_id,
        changes={
            "start_date": period.start_date,
            "end_date": period.end_date,
            "kind": period.kind,
        },
    )
    inmate_id = period.inmate_id
    period._history_user = by  # type: ignore[attr-defined]
    period.delete()
    recalculate([inmate_id])


def _term_kind_of(inmate: Inmate) -> str | None:
    return Sentence.objects.filter(inmate=inmate).values_list("term_kind", flat=True).first()


@transaction.atomic
def add_consecutive_sentence(
    *, inmate: Inmate, values: Mapping[str, Any], by: User
) -> ConsecutiveSentence:
    """Record a further fixed term served after the current one: the two are counted
    as one term."""
    _may_change(by, inmate)
    _refuse(consecutive_problems(values, term_kind=_term_kind_of(inmate)))
    record = ConsecutiveSentence(inmate=inmate, recorded_by=by, **values)
    record.full_clean()
    record._history_user = by  # type: ignore[attr-defined]
    record.save()
    recalculate([inmate.pk])
    audit.record(
        "consecutive_sentence.create",
        by=by,
        target=record,
        facility=inmate.facility_id,
        changes=dict(values),
    )
    return record


@transaction.atomic
def update_consecutive_sentence(
    *, record: ConsecutiveSentence, values: Mapping[str, Any], by: User
) -> ConsecutiveSentence:
    _may_change(by, record.inmate)
    current = {"years": record.years, "months": record.months, "days": record.days, **values}
    _refuse(consecutive_problems(current, term_kind=_term_kind_of(record.inmate)))
    changes = _apply(record, values)
    if changes:
        record.full_clean()
        record._history_user = by  # type: ignore[attr-defined]
        record.save(update_fields=[*changes, "updated_at"])
        recalculate([record.inmate_id])
        audit.record(
            "consecutive_sentence.update",
            by=by,
            target=record,
            facility=record.inmate.facility_id,
            changes=changes,
        )
    return record


@transaction.atomic
def delete_consecutive_sentence(*, record: ConsecutiveSentence, by: User) -> None:
    _may_change(by, record.inmate)
    audit.record(
        "consecutive_sentence.delete",
        by=by,
        target=record,
        facility=record.inmate.facility_id,
        changes={
            "verdict_number": record.verdict_number,
            "years": record.years,
            "months": record.months,
            "days": record.days,
        },
    )
    inmate_id = record.inmate_id
    record._history_user = by  # type: ignore[attr-defined]
    record.delete()
    recalculate([inmate_id])


@transaction.atomic
def record_assessment(
    *, inmate: Inmate, month: datetime.date, scores: Mapping[str, int], note: str, by: User
) -> MonthlyAssessment:
    """Record (or correct) the SPPN score of one month; the total is the mean of aspects."""
    require_perm(
        by,
        "inmates.score_inmate",
        inmate,
        message=_("Only the facility's staff score its inmates."),
    )
    month = month.replace(day=1)
    if month > inmate.facility.today().replace(day=1):
        raise ValidationError({"month": [_("A month that has not started cannot be scored.")]})
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


# Called with the ids of newly admitted inmates and the user who admitted them, as
# hook(inmate_ids=[...], by=user) (the reintegration app detects re-admissions after an
# earlier release).
ADMISSION_HOOKS: list[Callable[..., object]] = []


def on_admission(hook: Callable[..., object]) -> None:
    if hook not in ADMISSION_HOOKS:
        ADMISSION_HOOKS.append(hook)


def admitted(inmate_ids: list[int], *, by: User | None) -> None:
    """Newly admitted people (registered or imported): their custody episodes open, then
    the other apps' hooks run."""
    # On PostgreSQL the first episodes of most of them set-based, the others one by one.
    if others := custody.open_first_episodes(inmate_ids, by=by):
        custody.follow_status(Inmate.objects.filter(pk__in=others), by=by)
    for hook in ADMISSION_HOOKS:
        hook(inmate_ids=inmate_ids, by=by)


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
    _may_change(by, inmate)
    current = InmateStatus(inmate.status)
    if status not in InmateStatus.values:
        raise ValidationError({"status": [_("Choose one of the statuses.")]})
    target = InmateStatus(status)
    if target not in ALLOWED_STATUS_CHANGES[current]:
        raise Conflict(
            _("The status “%(from)s” cannot become “%(to)s”.")
            % {"from": current.label, "to": target.label},
            code="invalid_transition",
        )
    changes = _apply(inmate, {"status": target.value, "status_changed_on": on})
    inmate.save(update_fields=["status", "status_changed_on", "updated_at"])
    custody.follow_status([inmate], by=by)
    audit.record("inmate.status", by=by, target=inmate, changes=changes)
    for hook in STATUS_CHANGE_HOOKS:
        hook(inmate=inmate, status=target.value, by=by)
    return inmate


# --- imports ---------------------------------------------------------------------------
# The upload and the background run are the importer's (:mod:`.importer`); what a person
# does to an import from its page (choose its columns, import a checked file, try it
# again) is here.


def _may_import(by: User, batch: ImportBatch) -> None:
    require_perm(
        by,
        "inmates.import_inmates",
        batch.facility,
        message=_("Only the facility's program officers and head import its inmates."),
    )


@transaction.atomic
def set_import_mapping(*, batch: ImportBatch, mapping: Mapping[str, int], by: User) -> ImportBatch:
    """Apply a column mapping chosen by the user, remember it for the facility, and queue
    the import. A mapping without a required field, with a column the file lacks or one
    column for two fields is refused (``ValidationError`` by field)."""
    _may_import(by, batch)
    if batch.status != ImportStatus.MAPPING:
        raise Conflict(_("This import is not waiting for a column mapping."), code="not_mapping")
    problems = import_mapping_problems(mapping, batch.headers)
    if problems:
        raise ValidationError(problems)
    batch.mapping = {k: int(v) for k, v in mapping.items()}
    batch.status = ImportStatus.QUEUED
    batch.save(update_fields=["mapping", "status", "updated_at"])
    ColumnMapping.objects.update_or_create(
        facility=batch.facility,
        defaults={"mapping": {k: batch.headers[v] for k, v in batch.mapping.items()}},
    )
    audit.record(
        "import.mapping",
        by=by,
        target=batch,
        changes={
            "mapping": batch.mapping,
            "columns": {k: batch.headers[v] for k, v in batch.mapping.items()},
        },
    )
    importer.enqueue(batch)
    return batch


@transaction.atomic
def import_checked(*, batch: ImportBatch, by: User) -> ImportBatch:
    """Import a file whose check ("check only") found every row valid, without uploading
    it again: a new import of the same stored file, which checks the rows again."""
    _may_import(by, batch)
    if not (batch.dry_run and batch.status == ImportStatus.DONE):
        raise Conflict(
            _("Only a file whose check found every row valid can be imported from here."),
            code="not_checked",
        )
    if not Path(batch.stored_path).exists():
        raise Conflict(_("The checked file is no longer stored: upload it again."), code="gone")
    imported = ImportBatch.objects.create(
        facility=batch.facility,
        uploaded_by=by,
        filename=batch.filename,
        stored_path=batch.stored_path,
        headers=batch.headers,
        mapping=batch.mapping,
        encoding=batch.encoding,
        full_export=batch.full_export,
        status=ImportStatus.QUEUED,
    )
    audit.record(
        "import.upload",
        by=by,
        target=imported,
        facility=batch.facility,
        changes={
            "filename": imported.filename,
            "dry_run": False,
            "checked_by_import": batch.pk,
            "full_export": batch.full_export,
        },
    )
    importer.enqueue(imported)
    return imported


@transaction.atomic
def retry_import(*, batch: ImportBatch, by: User) -> ImportBatch:
    """Queue a failed or interrupted import again (the new run first undoes what the
    earlier one wrote); audited. Anything else is a 409."""
    _may_import(by, batch)
    importer.mark_interrupted(facilities=[batch.facility_id])
    previous = ImportBatch.objects.filter(pk=batch.pk).values_list("status", flat=True).first()
    queued = ImportBatch.objects.filter(
        pk=batch.pk, status__in=[ImportStatus.FAILED, ImportStatus.INTERRUPTED]
    ).update(status=ImportStatus.QUEUED, updated_at=timezone.now())
    if not queued:
        raise Conflict(
            _("Only an import that failed or was interrupted can be tried again."),
            code="not_retryable",
        )
    audit.record(
        "import.retry",
        by=by,
        target=batch,
        facility=batch.facility,
        changes={"status": [previous, ImportStatus.QUEUED]},
    )
    batch.refresh_from_db()
    importer.enqueue(batch)
    return batch
