"""Every write on programs: atomic, attributed (``by=``), audited.

One module a section: ``workflow`` (a program's catalogue entry and its status table),
``sessions``, ``holidays``, ``enrolment`` (and the waiting list), ``attendance`` (and
assessment), ``certificates`` (with the early completion and the LSP's competency
certification). The read-only helpers live in ``programs.queries``
(``roster``, ``completion``, ``active_count``, ``holiday_on``) and ``programs.rules``
(``eligibility_problems``, ``completed_on``, ``session_can_change``, the invariants);
they are named here too, so that ``actions.enroll(...)`` and ``actions.completion(...)``
keep working.
"""

from sinergi.programs.actions.attendance import (
    NOTE_LENGTH,
    record_attendance,
    record_competency,
    record_scores,
)
from sinergi.programs.actions.certificates import (
    complete_early,
    issue_certificate,
    record_competency_certification,
    revoke_certificate,
)
from sinergi.programs.actions.common import CHANGE_PROGRAM, S
from sinergi.programs.actions.enrolment import (
    EnrolResult,
    decide_waiting,
    end_enrollment,
    end_for_inmate,
    enroll,
    enroll_many,
    fill_free_places,
)
from sinergi.programs.actions.holidays import (
    HOLIDAY_DAYS_AHEAD,
    HolidayResult,
    add_holiday,
    remove_holiday,
)
from sinergi.programs.actions.sessions import (
    add_session,
    cancel_session,
    generate_sessions,
    restore_session,
)
from sinergi.programs.actions.workflow import (
    HEAD_ONLY,
    OFFICERS,
    TRANSITIONS,
    allowed_transitions,
    create_program,
    set_units,
    transition,
    update_program,
)
from sinergi.programs.queries import Completion, active_count, completion, holiday_on, roster
from sinergi.programs.rules import (
    ENROLLING,
    candidate_problems,
    completed_on,
    eligibility_problems,
    scheduled_hours,
    session_can_change,
)

__all__ = [
    "CHANGE_PROGRAM",
    "ENROLLING",
    "HEAD_ONLY",
    "HOLIDAY_DAYS_AHEAD",
    "NOTE_LENGTH",
    "OFFICERS",
    "TRANSITIONS",
    "Completion",
    "EnrolResult",
    "HolidayResult",
    "S",
    "active_count",
    "add_holiday",
    "add_session",
    "allowed_transitions",
    "cancel_session",
    "candidate_problems",
    "complete_early",
    "completed_on",
    "completion",
    "create_program",
    "decide_waiting",
    "eligibility_problems",
    "end_enrollment",
    "end_for_inmate",
    "enroll",
    "enroll_many",
    "fill_free_places",
    "generate_sessions",
    "holiday_on",
    "issue_certificate",
    "record_attendance",
    "record_competency",
    "record_competency_certification",
    "record_scores",
    "remove_holiday",
    "restore_session",
    "revoke_certificate",
    "roster",
    "scheduled_hours",
    "session_can_change",
    "set_units",
    "transition",
    "update_program",
]
