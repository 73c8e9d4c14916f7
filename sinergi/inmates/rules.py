from typing import Any

import rules

from sinergi.core.permissions import facility_role, is_admin
from sinergi.core.roles import OFFICER_ROLES, STAFF_ROLES
from sinergi.core.scoping import scope_of


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
# The object is the facility the file is imported into.
rules.add_perm("inmates.import_inmates", facility_role(*OFFICER_ROLES, attr="pk"))
