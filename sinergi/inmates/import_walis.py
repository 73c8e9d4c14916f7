"""The "Wali" column of an SDP import: each row may name the person's guardian officer
by the full name or the username of an active wali of the facility. A name that finds
nobody (or two walis) is a row error at its column; the importer then sets the wali of
each person whose wali changed, through ``actions.imported_wali`` (history, audit), and
tells each wali once per chunk."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils.translation import gettext as _

from sinergi.inmates import actions, parsing
from sinergi.inmates.models import ImportChange, Inmate
from sinergi.inmates.rules import guardians_of

# Two walis answering to the same name: the row must name one by username.
AMBIGUOUS = object()


def walis_of(batch: Any) -> dict[str, Any]:
    """The facility's walis by case-folded full name and username (one query, kept on
    the batch for the rest of the import)."""
    found: dict[str, Any] | None = getattr(batch, "_walis", None)
    if found is None:
        found = {}
        for user in guardians_of(batch.facility_id):
            name = " ".join(user.get_full_name().split())
            for key in {user.username.casefold(), name.casefold()}:
                found[key] = user if found.get(key, user) == user else AMBIGUOUS
        batch._walis = found
    return found


def wali_error(batch: Any, row: Any) -> parsing.RowError | None:
    """The row's problem with its wali, if it names one that is not a wali here."""
    if not row.wali or "wali" not in batch.mapping:
        return None
    user = walis_of(batch).get(row.wali.casefold())
    if user is not None and user is not AMBIGUOUS:
        return None
    message = (
        _("two walis of this facility have this name: give the username")
        if user is AMBIGUOUS
        else _("no active wali of this facility has this name or username")
    )
    column = batch.mapping["wali"]
    return parsing.RowError(
        line_number=row.line_number,
        column=batch.headers[column] if column < len(batch.headers) else "",
        field="wali",
        value=row.wali,
        message=message,
        name=row.name,
        registration_number=row.registration_number,
    )


def apply(batch: Any, chunk: list[Any], by: Any) -> None:
    """Set the wali each row names (rows already checked; an empty cell leaves it)."""
    if "wali" not in batch.mapping:
        return
    named = {row.registration_number: row.wali for row in chunk if row.wali}
    if not named:
        return
    from sinergi.inmates.importer import _snapshot

    walis = walis_of(batch)
    people = Inmate.objects.filter(
        facility_id=batch.facility_id, registration_number__in=list(named)
    ).select_related("facility", "sentence")
    # Each person whose wali changes is in the import's journal, with their values from
    # before it (a row that changed nothing else is not there yet), so that undoing the
    # import puts the wali back.
    journaled = set(
        ImportChange.objects.filter(batch=batch, inmate__in=people).values_list(
            "inmate_id", flat=True
        )
    )
    journal: list[ImportChange] = []
    changed: dict[Any, list[Inmate]] = defaultdict(list)
    for person in people:
        wali = walis[named[person.registration_number].casefold()]
        if person.wali_id == wali.pk:
            continue
        if person.pk not in journaled:
            journal.append(ImportChange(batch=batch, inmate=person, before=_snapshot(person)))
        actions.imported_wali(inmate=person, wali=wali, by=by)
        changed[wali].append(person)
    ImportChange.objects.bulk_create(journal)
    for wali, persons in changed.items():
        actions.tell_wali(persons, wali)
