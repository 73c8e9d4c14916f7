import datetime
from collections.abc import Collection, Mapping
from typing import Any

import rules
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sinergi.core.permissions import facility_role, is_admin
from sinergi.core.roles import OFFICER_ROLES, STAFF_ROLES
from sinergi.core.scoping import scope_of
from sinergi.inmates import parsing
from sinergi.inmates.choices import TermKind


@rules.predicate
def region_viewer_of_facility(user: Any, obj: Any = None) -> bool:
    ids = scope_of(user).region_ids
    if obj is None:
        return bool(ids)
    return obj.facility.region_id in ids


STAFF = facility_role(*STAFF_ROLES)
OFFICERS = facility_role(*OFFICER_ROLES)

rules.add_perm("inmates.view_inmate", is_admin | STAFF | region_viewer_of_facility)
rules.add_perm("inmates.change_inmate", OFFICERS)
rules.add_perm("inmates.score_inmate", STAFF)
# The object is the facility the inmate is registered at, or the file imported into.
rules.add_perm("inmates.add_inmate", facility_role(*OFFICER_ROLES, attr="pk"))
rules.add_perm("inmates.import_inmates", facility_role(*OFFICER_ROLES, attr="pk"))
# A recalculation report: whoever reads inmates reads its changes to the inmates they
# reach (the object is a report's facility row or change, which names the facility).
rules.add_perm("inmates.view_recalculation", is_admin | STAFF | region_viewer_of_facility)


# --- the invariants of inmates' records ------------------------------------------------
# The actions enforce them (the page, the API, the admin and a script give the same
# answer); the forms call them only to show the message at the field. Each returns the
# problems by field, none when the values are fine.

Problems = dict[str, list[str]]

IMPORT_FIELD_KEYS = frozenset(spec.key for spec in parsing.FIELDS)


def import_mapping_problems(mapping: Mapping[str, Any], headers: list[str]) -> Problems:
    """A column mapping (field key -> column index): each required field has a column,
    each column is one of the file's and holds one field."""
    problems: Problems = {}
    used: set[int] = set()
    for key, value in mapping.items():
        if key not in IMPORT_FIELD_KEYS:
            problems.setdefault(key, []).append(_("This is not a field of the import."))
            continue
        try:
            index = int(value)
        except (TypeError, ValueError):
            index = -1
        if not 0 <= index < len(headers):
            problems.setdefault(key, []).append(_("The file has no such column."))
        elif index in used:
            problems.setdefault(key, []).append(_("This column is already used for another field."))
        else:
            used.add(index)
    for key in parsing.missing_required(mapping):
        problems.setdefault(key, []).append(_("This field is required."))
    return problems


# A fixed term's parts, as the sentence-calculation API bounds them: beyond them the
# dates cannot be computed (a year past 9999).
TERM_LIMITS = {"term_years": 100, "term_months": 1_200, "term_days": 36_500}


def _add(problems: Problems, field: str, message: str) -> None:
    problems.setdefault(field, []).append(message)


def future_date_problems(values: Mapping[str, Any], today: datetime.date, *fields: str) -> Problems:
    """Each of ``fields`` whose date lies after ``today`` (the facility's day)."""
    problems: Problems = {}
    for name in fields:
        value = values.get(name)
        if isinstance(value, datetime.date) and value > today:
            _add(problems, name, _("This date is in the future; enter a date up to today."))
    return problems


# The oldest age at the offence a sentence may record.
MAX_AGE = 120


def sentence_problems(values: Mapping[str, Any], *, today: datetime.date) -> Problems:
    """A fixed term has years, months or days, each within ``TERM_LIMITS``; the
    detention start, the verdict and a commutation are not in the future; a commutation
    is to a fixed term and not before the detention start; the age at the offence is
    0 to ``MAX_AGE``."""
    problems = future_date_problems(values, today, "detention_start", "verdict_date", "commuted_on")
    fixed = values.get("term_kind", TermKind.FIXED) == TermKind.FIXED
    if fixed:
        if not any(values.get(name) for name in TERM_LIMITS):
            _add(problems, "term_years", _("A fixed term needs years, months or days."))
        for name, limit in TERM_LIMITS.items():
            value = values.get(name)
            if isinstance(value, int) and value > limit:
                _add(problems, name, _("At most %(limit)s.") % {"limit": limit})
    commuted_on, start = values.get("commuted_on"), values.get("detention_start")
    if isinstance(commuted_on, datetime.date):
        if not fixed:
            _add(
                problems,
                "commuted_on",
                _(
                    "A commuted sentence is recorded as the fixed term it was commuted to: "
                    "choose a fixed term and enter its years, months or days."
                ),
            )
        if isinstance(start, datetime.date) and commuted_on < start:
            _add(
                problems,
                "commuted_on",
                _("The commutation cannot be before the detention start."),
            )
    age = values.get("age_at_offence")
    if isinstance(age, int) and not 0 <= age <= MAX_AGE:
        _add(problems, "age_at_offence", _("Enter an age from 0 to %(max)s.") % {"max": MAX_AGE})
    return problems


def sentence_facts_problems(
    values: Mapping[str, Any],
    *,
    detention_ends: list[datetime.date],
    consecutive_count: int,
) -> Problems:
    """A sentence keeps the facts recorded with it: its detention start stays after
    every earlier detention period (``detention_ends``), and a term with consecutive
    sentences after it stays fixed."""
    problems: Problems = {}
    start = values.get("detention_start")
    latest = max(detention_ends, default=None)
    if isinstance(start, datetime.date) and latest is not None and start <= latest:
        _add(
            problems,
            "detention_start",
            _(
                "An earlier detention period ends on %(date)s: the detention start must be "
                "after it (correct or delete that period first)."
            )
            % {"date": _day(latest)},
        )
    if consecutive_count and values.get("term_kind", TermKind.FIXED) != TermKind.FIXED:
        _add(
            problems,
            "term_kind",
            _(
                "Consecutive sentences are recorded after this one: only a fixed term can be "
                "served one after another (delete them first)."
            ),
        )
    return problems


def detention_period_problems(
    values: Mapping[str, Any],
    *,
    today: datetime.date,
    detention_start: datetime.date | None,
    others: list[tuple[datetime.date, datetime.date]],
) -> Problems:
    """An earlier detention period is not in the future, does not end before it starts,
    ends before the current detention start, and overlaps none of the ``others``
    recorded (start, end)."""
    problems = future_date_problems(values, today, "start_date", "end_date")
    start, end = values.get("start_date"), values.get("end_date")
    if isinstance(start, datetime.date) and isinstance(end, datetime.date) and end < start:
        _add(problems, "end_date", _("The end cannot be before the start."))
    if isinstance(end, datetime.date) and detention_start is not None and end >= detention_start:
        _add(
            problems,
            "end_date",
            _("An earlier detention period must end before the current detention start (%(date)s).")
            % {"date": _day(detention_start)},
        )
    if isinstance(start, datetime.date) and isinstance(end, datetime.date) and start <= end:
        for other_start, other_end in others:
            if start <= other_end and other_start <= end:
                _add(
                    problems,
                    "start_date",
                    _("This period overlaps the one recorded from %(start)s to %(end)s.")
                    % {"start": _day(other_start), "end": _day(other_end)},
                )
                break
    return problems


# A consecutive sentence's parts, bounded as the main term's.
CONSECUTIVE_LIMITS = {"years": 100, "months": 1_200, "days": 36_500}


def consecutive_problems(values: Mapping[str, Any], *, term_kind: str | None) -> Problems:
    """A consecutive sentence is a fixed term longer than zero (each part within
    ``CONSECUTIVE_LIMITS``) after a fixed term."""
    problems: Problems = {}
    if not any(values.get(name) for name in CONSECUTIVE_LIMITS):
        _add(problems, "years", _("A consecutive sentence needs years, months or days."))
    for name, limit in CONSECUTIVE_LIMITS.items():
        value = values.get(name)
        if isinstance(value, int) and not 0 <= value <= limit:
            _add(problems, name, _("From 0 to %(limit)s.") % {"limit": limit})
    if term_kind is None:
        _add(
            problems,
            "years",
            _("Record the sentence first: a consecutive sentence follows it."),
        )
    elif term_kind != TermKind.FIXED:
        _add(
            problems,
            "years",
            _(
                "Only a fixed term can be followed by consecutive sentences; a life or death "
                "sentence has no end to follow."
            ),
        )
    return problems


# Remisi exists since independence; the year is a calendar year, not a count.
FIRST_REMISSION_YEAR = 1945


def remission_problems(
    values: Mapping[str, Any],
    *,
    today: datetime.date,
    recorded: Collection[tuple[str, int]] = (),
) -> Problems:
    """A remisi has months or days, was not granted in the future, its year is a calendar
    year from 1945 to this year and the year of its grant date, and the person has no
    other remisi of the same kind in that year (``recorded``: (kind, year) pairs)."""
    problems = future_date_problems(values, today, "granted_on")
    if not values.get("months") and not values.get("days"):
        _add(problems, "months", _("A remisi needs months or days."))
    year, granted = values.get("year"), values.get("granted_on")
    if isinstance(year, int):
        if not FIRST_REMISSION_YEAR <= year <= today.year:
            _add(
                problems,
                "year",
                _("The year of a remisi is a calendar year from %(first)d to %(last)d.")
                % {"first": FIRST_REMISSION_YEAR, "last": today.year},
            )
        elif isinstance(granted, datetime.date) and granted.year != year:
            _add(
                problems,
                "granted_on",
                _("The remisi of %(year)d cannot be granted in %(granted)d.")
                % {"year": year, "granted": granted.year},
            )
        elif (values.get("kind"), year) in set(recorded):
            _add(
                problems,
                "year",
                _("A remisi of this kind is already recorded for %(year)d.") % {"year": year},
            )
    return problems


def disciplinary_problems(values: Mapping[str, Any], *, today: datetime.date) -> Problems:
    """A Register F entry is not dated in the future and does not end before it starts."""
    problems = future_date_problems(values, today, "date")
    start, end = values.get("date"), values.get("end_date")
    if start and end and end < start:
        _add(problems, "end_date", _("The end cannot be before the date of the entry."))
    return problems


def guardians_of(facility_id: int) -> Any:
    """The users who may be a wali at the facility: its active guardian officers."""
    return guardians_of_facilities([facility_id])


def guardians_of_facilities(facility_ids: Any) -> Any:
    """The active guardian officers of any of ``facility_ids``, by name."""
    from sinergi.accounts.models import User
    from sinergi.core.roles import Role

    return (
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__role=Role.GUARDIAN,
            memberships__facility_id__in=facility_ids,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def wali_problems(facility_id: int, wali: Any) -> Problems:
    """A wali, if one is named, is an active guardian officer of the person's facility."""
    if wali is None or guardians_of(facility_id).filter(pk=wali.pk).exists():
        return {}
    return {"wali": [_("The wali must be a guardian officer (wali) of this facility.")]}


def _day(value: datetime.date) -> str:
    """A date in a message, written the page's way (5 Desember 2026)."""
    return date_format(value, "DATE_FORMAT")
