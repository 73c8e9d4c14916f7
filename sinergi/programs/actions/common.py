"""What the program actions share: the facility roles that may write."""

from __future__ import annotations

from sinergi.accounts.models import User
from sinergi.core import roles as core_roles
from sinergi.core.roles import Role
from sinergi.core.scoping import scope_of
from sinergi.programs.choices import (
    ProgramStatus,
)

S = ProgramStatus


OFFICER_ROLES = frozenset(core_roles.OFFICER_ROLES)


HEAD_ONLY = frozenset({Role.HEAD})


def _roles_in(user: User, facility_id: int) -> frozenset[str]:
    return scope_of(user).facility_roles.get(facility_id, frozenset())
