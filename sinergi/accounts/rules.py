import rules

from sinergi.core.permissions import has_role, is_admin
from sinergi.core.roles import Role

rules.add_perm("accounts.manage_own_tokens", rules.is_authenticated & rules.is_active)
rules.add_perm("core.view_audit", is_admin | has_role(Role.HEAD))
rules.add_perm("accounts.manage_users", is_admin)
