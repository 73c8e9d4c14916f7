"""Who may run a Bapas's Litmas work (django-rules; asked through
``sinergi.core.permissions.has_perm`` / ``require_perm`` by the Litmas pages, the API and
:mod:`sinergi.proposals.litmas_actions`).

The head of a Bapas is a user with the head role (``Role.HEAD``) in that Bapas (a
facility of kind ``bapas``): the role is held in an organisation, so a Lapas head is
nobody's Bapas head. The head assigns each Litmas request to one of the Bapas's
probation officers (PK) and reads the load per officer; a PK of the Bapas may take an
unassigned request themselves (``proposals.submit_litmas``, in ``rules.py``).

Imported by the modules that ask these permissions (``litmas``, the Litmas views and
API), so they are registered before they are asked; a permission not registered is
refused, never granted.
"""

from __future__ import annotations

from typing import Any

import rules

from sinergi.core.permissions import facility_role, is_admin
from sinergi.core.roles import Role
from sinergi.core.scoping import scope_of


def bapas_headed_by(user: Any) -> set[int]:
    """The facilities where ``user`` is head: a Litmas request names a Bapas, so only a
    Bapas among them ever matches one."""
    return scope_of(user).facility_ids(Role.HEAD)


def bapas_worked_at(user: Any) -> set[int]:
    """The facilities where ``user`` is a probation officer or the head."""
    return scope_of(user).facility_ids(Role.PROBATION_OFFICER, Role.HEAD)


def _add(name: str, predicate: Any) -> None:
    if not rules.perm_exists(name):
        rules.add_perm(name, predicate)


# The object is the Litmas request: its Bapas's head (or an administrator) assigns it.
_add("proposals.assign_litmas", is_admin | facility_role(Role.HEAD, attr="bapas_id"))
# The object is the Bapas (a facility): its head (or an administrator) reads the load of
# its officers.
_add("proposals.view_litmas_load", is_admin | facility_role(Role.HEAD, attr="pk"))
