from typing import Any

import rules

from sinergi.core.permissions import has_role, is_admin
from sinergi.core.roles import Role


@rules.predicate
def is_self(user: Any, obj: Any = None) -> bool:
    return obj is not None and obj.pk == user.pk


@rules.predicate
def manages_users_in_admin(user: Any) -> bool:
    """A staff member the Django admin lets change users (e.g. set a password)."""
    return bool(user.is_staff and user.has_perm("accounts.change_user"))


rules.add_perm("accounts.manage_own_tokens", rules.is_authenticated & rules.is_active)
# The object is the user whose tokens are created or revoked.
rules.add_perm("accounts.manage_tokens_of", is_self | is_admin | manages_users_in_admin)
# The object is the user whose preferences (e-mail notifications, language) change.
rules.add_perm("accounts.change_preferences_of", is_self)
rules.add_perm("core.view_audit", is_admin | has_role(Role.HEAD))
rules.add_perm("accounts.manage_users", is_admin)
