"""What a user may reach, as plain data that every app's ``for_user`` reads.

The accounts app computes a :class:`Scope` from a user's memberships (one query, cached on
the user object); the other apps only read it, so ``core`` imports no app.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Scope:
    is_admin: bool = False
    facility_roles: Mapping[int, frozenset[str]] = field(default_factory=dict)
    partner_roles: Mapping[int, frozenset[str]] = field(default_factory=dict)
    region_ids: frozenset[int] = frozenset()

    def facility_ids(self, *roles: str) -> set[int]:
        """Facilities where the user holds any of ``roles`` (any role when none given)."""
        return _ids_with(self.facility_roles, roles)

    def partner_ids(self, *roles: str) -> set[int]:
        return _ids_with(self.partner_roles, roles)

    @property
    def roles(self) -> frozenset[str]:
        found: set[str] = set()
        for held in (*self.facility_roles.values(), *self.partner_roles.values()):
            found |= held
        if self.region_ids:
            found.add("regional_viewer")
        if self.is_admin:
            found.add("administrator")
        return frozenset(found)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


EMPTY_SCOPE = Scope()


def _ids_with(table: Mapping[int, frozenset[str]], roles: Iterable[str]) -> set[int]:
    wanted = set(roles)
    return {pk for pk, held in table.items() if not wanted or held & wanted}


def scope_of(user: Any) -> Scope:
    """The scope of ``user``; anonymous and inactive users reach nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return EMPTY_SCOPE
    scope = getattr(user, "scope", None)
    return scope if isinstance(scope, Scope) else EMPTY_SCOPE
