"""The days off of a facility: the national holidays and collective leave days (the
same for every facility, orgs.NationalHoliday) and the facility's own holidays (its
"Holidays" page). Every count of working days (the service standard's clocks, the Litmas
due dates) reads them here."""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable
from typing import Any

from sinergi.orgs.national_holidays import national_holidays


def days_off_of(facility_ids: Iterable[int]) -> dict[int, frozenset[datetime.date]]:
    """Each facility's days off, national and its own, in (at most) two queries; every
    facility asked for has an entry."""
    from sinergi.programs.models import Holiday

    ids = list(facility_ids)
    national = national_holidays()
    own: dict[int, set[datetime.date]] = {pk: set() for pk in ids}
    for facility_id, day in Holiday.objects.filter(facility_id__in=ids).values_list(
        "facility_id", "date"
    ):
        own[facility_id].add(day)
    return {pk: national | frozenset(days) for pk, days in own.items()}


def days_off(facility: Any) -> frozenset[datetime.date]:
    """The days off of ``facility``: its own holidays from a
    ``prefetch_related("facility__holidays")`` when there is one (a list's rows), else
    one query; the national ones once per request."""
    cache = getattr(facility, "_prefetched_objects_cache", {})
    if "holidays" in cache:
        return national_holidays() | frozenset(h.date for h in cache["holidays"])
    return days_off_of([facility.pk])[facility.pk]


def days_off_between(
    facility_id: int, start: datetime.date, end: datetime.date
) -> Collection[datetime.date]:
    """The days off of one facility from ``start`` to ``end`` (inclusive)."""
    from sinergi.programs.models import Holiday

    own = Holiday.objects.filter(facility_id=facility_id, date__range=(start, end))
    return national_holidays(start, end) | frozenset(own.values_list("date", flat=True))
