from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence, Set
from typing import TYPE_CHECKING, Any

import rules
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.core.permissions import facility_role, has_perm, is_admin
from sinergi.core.roles import OFFICER_ROLES, STAFF_ROLES, Role
from sinergi.core.scoping import scope_of
from sinergi.inmates.choices import InmateStatus
from sinergi.programs.choices import PERSONALITY_CATEGORIES, ProgramKind, ProgramStatus

if TYPE_CHECKING:
    from sinergi.inmates.models import Inmate
    from sinergi.programs.models import Enrollment, Program, Session


@rules.predicate
def region_viewer_of_program(user: Any, obj: Any = None) -> bool:
    ids = scope_of(user).region_ids
    return bool(ids) if obj is None else obj.facility.region_id in ids


@rules.predicate
def teaches_program(user: Any, obj: Any = None) -> bool:
    if obj is None:
        return scope_of(user).has_role(Role.INSTRUCTOR)
    return any(i.pk == user.pk for i in obj.instructors.all())


@rules.predicate
def delivers_program(user: Any, obj: Any = None) -> bool:
    ids = scope_of(user).partner_ids(Role.PARTNER_USER, Role.INSTRUCTOR)
    if obj is None:
        return bool(ids)
    return any(p.pk in ids for p in obj.partners.all())


@rules.predicate
def runs_session(user: Any, session: Any = None) -> bool:
    return session is not None and session.instructor_id == user.pk


@rules.predicate
def officer_of_session_facility(user: Any, session: Any = None) -> bool:
    if session is None:
        return False
    ids = scope_of(user).facility_ids(*OFFICER_ROLES)
    return session.program.facility_id in ids


OFFICERS = facility_role(*OFFICER_ROLES)
STAFF = facility_role(*STAFF_ROLES)

rules.add_perm(
    "programs.view_program",
    is_admin | STAFF | region_viewer_of_program | teaches_program | delivers_program,
)
# Who sees who takes part in a program (names, registration numbers, enrolments,
# certificates): the facility's staff, its region's viewers and administrators. A partner
# that delivers the program and an instructor see aggregate figures, and an instructor
# the roster of their own sessions as ``roster_naming`` says.
rules.add_perm("programs.view_participants", is_admin | STAFF | region_viewer_of_program)
rules.add_perm("programs.change_program", OFFICERS)
rules.add_perm("programs.approve_program", facility_role(Role.HEAD))
# The object is the facility where the program is created.
rules.add_perm("programs.add_program", facility_role(*OFFICER_ROLES, attr="pk"))
# The object is the facility whose holidays change (its sessions of the day with them).
rules.add_perm("programs.change_holidays", facility_role(*OFFICER_ROLES, attr="pk"))
rules.add_perm("programs.take_attendance", runs_session | officer_of_session_facility)
rules.add_perm("programs.view_roster", runs_session | officer_of_session_facility | is_admin)


# How a roster names the people on it (``roster_naming``, ``roster_labels``).
FULL = "full"  # full name and registration number: the facility's officers
FULL_NAME = "full_name"  # full name only: an instructor on the facility's staff


def roster_naming(user: Any, session: Any) -> str:
    """How the roster and attendance sheet of ``session`` name inmates for ``user``:
    ``FULL`` for those who see the program's participants (and may open the roster:
    the facility's officers and head, administrators); ``FULL_NAME`` for an instructor on
    the facility's staff; otherwise (a partner's instructor) the facility's choice,
    ``RosterNames.INITIALS`` or ``RosterNames.FIRST_NAME``. Registration numbers only
    with ``FULL``: they encode the register class."""
    program = session.program
    if has_perm(user, "programs.view_participants", program):
        return FULL
    if program.facility_id in scope_of(user).facility_ids():
        return FULL_NAME
    return str(program.facility.instructor_roster_names)


def _label(name: str, naming: str) -> str:
    words = name.split()
    if not words:
        return "—"
    if naming == "initials":
        return " ".join(f"{w[0].upper()}." for w in words)
    if naming == "first_name":
        return words[0]
    return " ".join(words)


def roster_labels(names: Sequence[str], naming: str) -> list[str]:
    """The label of each name on a roster under ``naming`` (``roster_naming``): initials
    ("B. S. W."), the first name, or the full name. Namesakes on the same roster are
    numbered in roster order ("A. R. (1)", "A. R. (2)") so that the instructor can tell
    them apart."""
    labels = [_label(name, naming) for name in names]
    counts = Counter(labels)
    seen: Counter[str] = Counter()
    result = []
    for label in labels:
        if counts[label] > 1 and label != "—":
            seen[label] += 1
            label = f"{label} ({seen[label]})"
        result.append(label)
    return result


# --- the invariants of a program and its sessions -------------------------------------
# The actions enforce them (the page, the API and the admin give the same answer); the
# forms call them only to show the message at the field. Each returns problems by field.

Problems = dict[str, list[str]]


def _add(problems: Problems, field: str, messages: Iterable[str]) -> None:
    messages = list(messages)
    if messages:
        problems.setdefault(field, []).extend(messages)


def program_value_problems(values: Mapping[str, Any]) -> Problems:
    """The end date is not before the start date; the category belongs to the kind; the
    security levels allowed are known levels."""
    from sinergi.inmates.choices import SecurityLevel

    problems: Problems = {}
    levels = values.get("allowed_security_levels") or []
    if not isinstance(levels, list | tuple) or any(
        level not in SecurityLevel.values for level in levels
    ):
        _add(
            problems,
            "allowed_security_levels",
            [
                _("Security levels are among %(levels)s.")
                % {"levels": ", ".join(SecurityLevel.values)}
            ],
        )
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end < start:
        _add(problems, "end_date", [_("The end date is before the start date.")])
    kind, category = values.get("kind"), values.get("category")
    if kind and category:
        personality = category in PERSONALITY_CATEGORIES
        if personality != (kind == ProgramKind.PERSONALITY):
            _add(problems, "category", [_("This category belongs to the other kind.")])
    return problems


def partner_problems(facility: Any, partners: Iterable[Any], *, program: Any = None) -> list[str]:
    """Only partners that serve ``facility`` (active, of its region or national) may
    deliver its program; those already linked to ``program`` stay allowed."""
    from sinergi.orgs.models import Partner

    partners = list(partners)
    if not partners:
        return []
    keep = Q(programs=program) if program is not None and program.pk else None
    serving = set(
        Partner.objects.serving(facility, keep=keep)
        .filter(pk__in=[p.pk for p in partners])
        .values_list("pk", flat=True)
    )
    return [
        _(
            "%(partner)s does not serve this facility: choose an active partner of its "
            "region or a national one."
        )
        % {"partner": p.name}
        for p in partners
        if p.pk not in serving
    ]


def instructor_problems(instructors: Iterable[Any]) -> list[str]:
    """A program's instructors are active users with an active instructor membership."""
    from sinergi.accounts.models import User

    instructors = list(instructors)
    if not instructors:
        return []
    active = set(
        User.objects.filter(
            pk__in=[u.pk for u in instructors],
            is_active=True,
            memberships__role=Role.INSTRUCTOR,
            memberships__is_active=True,
        ).values_list("pk", flat=True)
    )
    return [
        _("%(name)s is not an active instructor.") % {"name": u.get_full_name() or u.username}
        for u in instructors
        if u.pk not in active
    ]


def time_problems(start: datetime.time | None, end: datetime.time | None) -> list[str]:
    """A session or a weekly slot ends after it starts."""
    if start and end and end <= start:
        return [_("The session ends before it starts.")]
    return []


def slot_problems(slots: Iterable[Mapping[str, Any]]) -> list[str]:
    """Each weekly slot has a day of the week, a start and an end, and ends after it
    starts."""
    from sinergi.programs.choices import Weekday

    problems = []
    for slot in slots:
        start, end = slot.get("start_time"), slot.get("end_time")
        if slot.get("weekday") not in Weekday.values or not start or not end:
            problems.append(_("Give the day, the start and the end."))
        else:
            problems.extend(time_problems(start, end))
    return problems


UNIT_CODE_LENGTH, UNIT_TITLE_LENGTH = 40, 200  # CompetencyUnit's columns


def unit_problems(units: Iterable[tuple[str, str]]) -> list[str]:
    """Each competency unit has a name, both name and code within their columns."""
    if all(
        title.strip() and len(title) <= UNIT_TITLE_LENGTH and len(code) <= UNIT_CODE_LENGTH
        for code, title in units
    ):
        return []
    return [
        _(
            "Each competency unit has a name of at most %(title)d characters and a code "
            "of at most %(code)d."
        )
        % {"title": UNIT_TITLE_LENGTH, "code": UNIT_CODE_LENGTH}
    ]


def text_problems(field: str, value: str, limit: int) -> Problems:
    """A reason or a note fits its column: ``{field: [message]}`` when it is too long."""
    if len(value) <= limit:
        return {}
    return {field: [_("At most %(n)d characters.") % {"n": limit}]}


def session_problems(program: Any, values: Mapping[str, Any]) -> Problems:
    """A one-off session ends after it starts and is run by one of the program's
    instructors (or nobody yet)."""
    problems: Problems = {}
    _add(problems, "end_time", time_problems(values.get("start_time"), values.get("end_time")))
    instructor = values.get("instructor")
    if instructor is not None and not program.instructors.filter(pk=instructor.pk).exists():
        _add(
            problems,
            "instructor",
            [_("The session's instructor is one of the program's instructors.")],
        )
    return problems


# --- enrolment and sessions ------------------------------------------------------------

ENROLLING = frozenset({ProgramStatus.APPROVED, ProgramStatus.RUNNING})


def _months_between(start: datetime.date, end: datetime.date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def eligibility_problems(
    program: Program, inmate: Inmate, today: datetime.date | None = None
) -> list[str]:
    """Why ``inmate`` may not join ``program`` (empty when they may)."""
    today = today or timezone.localdate()
    problems = []
    if program.status not in ENROLLING:
        problems.append(_("The program is not approved or running."))
    if inmate.facility_id != program.facility_id:
        problems.append(_("The inmate is in another facility."))
    if inmate.status != InmateStatus.IN_CUSTODY:
        problems.append(_("The inmate is not in custody."))
    if program.sex and inmate.sex and inmate.sex != program.sex:
        problems.append(_("The program is for %(sex)s only.") % {"sex": program.get_sex_display()})
    levels = program.allowed_security_levels
    if levels and inmate.security_level not in levels:
        problems.append(
            _("Security level %(level)s is not allowed in this program.")
            % {"level": inmate.get_security_level_display() or _("unknown")}
        )
    if program.min_months_left:
        sentence = getattr(inmate, "sentence", None)
        release = sentence.expiry_after_remission if sentence else None
        if release is not None:
            start = max(today, program.start_date)
            left = _months_between(start, release)
            if left < program.min_months_left:
                problems.append(
                    _("Only %(left)s months of sentence left; the program needs %(need)s.")
                    % {"left": max(left, 0), "need": program.min_months_left}
                )
    return problems


def candidate_problems(
    program: Program,
    inmate: Inmate,
    *,
    enrolled: Set[int],
    waiting: Set[int],
    today: datetime.date | None = None,
) -> list[str]:
    """Why ``inmate`` may not be enrolled in ``program`` now: the entry rules
    (``eligibility_problems``), or a place or a waiting-list entry already held
    (``enrolled`` and ``waiting``: the inmates' ids that hold one). The candidates page
    and the bulk enrolment both ask this one function."""
    if inmate.pk in enrolled:
        return [_("Already enrolled.")]
    if inmate.pk in waiting:
        return [_("Already on the waiting list.")]
    return eligibility_problems(program, inmate, today)


def scheduled_hours(program: Program, slots: Iterable[Any] | None = None) -> float:
    """The hours the weekly schedule gives between the program's first and last day:
    each slot's length times the number of its weekday in that span (``slots``: the
    program's, unless given, e.g. already fetched)."""
    slots = list(program.slots.all() if slots is None else slots)
    days = (program.end_date - program.start_date).days + 1
    if days <= 0 or not slots:
        return 0.0
    weeks, rest = divmod(days, 7)
    first = program.start_date.weekday()
    extra = {(first + i) % 7 for i in range(rest)}
    total = 0.0
    for slot in slots:
        start = datetime.datetime.combine(program.start_date, slot.start_time)
        end = datetime.datetime.combine(program.start_date, slot.end_time)
        count = weeks + (1 if slot.weekday in extra else 0)
        total += count * (end - start).total_seconds() / 3600
    return round(total, 1)


def completed_on(enrollment: Enrollment, day: datetime.date) -> datetime.date:
    """The day an enrolment marked completed on ``day`` ends: no later than its program's
    end date (a certificate issued weeks after the program ended must not keep the
    trainee counted in it) and never before the enrolment began."""
    return max(enrollment.enrolled_on, min(day, enrollment.program.end_date))


def session_can_change(session: Session) -> bool:
    """Whether a session may still be cancelled or restored: not once its program has
    been completed or cancelled (its record then stays as the program left it)."""
    return not session.program.has_ended
