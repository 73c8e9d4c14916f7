"""Who may export a person's data (django-rules, asked through
``sinergi.core.permissions.has_perm`` by the page, the command and the action).

Sinergi has no separate "data officer" role: the head of the person's facility (Kalapas)
acts as its data officer, so no new membership role is needed. The object is the inmate.
"""

from typing import Any

import rules

from sinergi.core.permissions import facility_role, has_perm, is_admin
from sinergi.core.roles import Role

# Administrators and the head (data officer) of the person's facility.
rules.add_perm("privacy.export_person", is_admin | facility_role(Role.HEAD))

# Anyone with a role at the person's facility: refused an export, they are told so (403);
# anyone else is not told that the person exists (404).
of_persons_facility = facility_role()


def may_export(user: Any, inmate: Any) -> bool:
    """Whether ``user`` may export everything held about ``inmate``."""
    return has_perm(user, "privacy.export_person", inmate)


def told_of_refusal(user: Any, inmate: Any) -> bool:
    """Whether a refused export is said as such to ``user`` (403) rather than hidden (404)."""
    return bool(of_persons_facility.test(user, inmate))
