"""Who reads which dashboard and handles which monthly report.

The object of the facility permissions is a Facility, of the region permission a Region,
of the partner permission a Partner.
"""

from typing import Any

import rules

from sinergi.core.permissions import facility_role, is_admin, partner_role
from sinergi.core.roles import OFFICER_ROLES, REPORT_READER_ROLES, Role
from sinergi.core.scoping import scope_of


@rules.predicate
def views_region_of_facility(user: Any, facility: Any = None) -> bool:
    ids = scope_of(user).region_ids
    return bool(ids) if facility is None else facility.region_id in ids


@rules.predicate
def views_region(user: Any, region: Any = None) -> bool:
    ids = scope_of(user).region_ids
    return bool(ids) if region is None else region.pk in ids


FACILITY_READERS = facility_role(*REPORT_READER_ROLES, attr="pk")

rules.add_perm("indicators.view_facility", is_admin | FACILITY_READERS | views_region_of_facility)
rules.add_perm("indicators.view_region", is_admin | views_region)
rules.add_perm("indicators.view_partner", is_admin | partner_role(Role.PARTNER_USER, attr="pk"))
rules.add_perm("indicators.view_national", is_admin)
# Monthly reports: officers and the head generate them; only the head signs one off.
rules.add_perm("indicators.generate_report", facility_role(*OFFICER_ROLES, attr="pk"))
rules.add_perm("indicators.sign_off_report", facility_role(Role.HEAD, attr="pk"))
