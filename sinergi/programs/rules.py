from typing import Any

import rules

from sinergi.core.permissions import facility_role, is_admin
from sinergi.core.roles import Role
from sinergi.core.scoping import scope_of


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
    ids = scope_of(user).facility_ids(Role.PROGRAM_OFFICER, Role.HEAD)
    return session.program.facility_id in ids


OFFICERS = facility_role(Role.PROGRAM_OFFICER, Role.HEAD)
STAFF = facility_role(Role.PROGRAM_OFFICER, Role.HEAD, Role.GUARDIAN)

rules.add_perm(
    "programs.view_program",
    is_admin | STAFF | region_viewer_of_program | teaches_program | delivers_program,
)
rules.add_perm("programs.change_program", OFFICERS)
rules.add_perm("programs.approve_program", facility_role(Role.HEAD))
# The object is the facility where the program is created.
rules.add_perm("programs.add_program", facility_role(Role.PROGRAM_OFFICER, Role.HEAD, attr="pk"))
rules.add_perm("programs.take_attendance", runs_session | officer_of_session_facility)
rules.add_perm("programs.view_roster", runs_session | officer_of_session_facility | is_admin)
