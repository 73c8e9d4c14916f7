import rules

from sinergi.core.permissions import facility_role, is_admin, partner_role, region_viewer
from sinergi.core.roles import Role

rules.add_perm(
    "orgs.view_facility",
    is_admin | facility_role(attr="pk") | region_viewer(),
)
rules.add_perm("orgs.change_facility", is_admin | facility_role(Role.HEAD, attr="pk"))
# A regional office's letterhead and signatories: the platform's administrators.
rules.add_perm("orgs.change_region", is_admin)
rules.add_perm(
    "orgs.view_partner",
    is_admin
    | facility_role()
    | region_viewer()
    | partner_role(Role.PARTNER_USER, Role.INSTRUCTOR, attr="pk"),
)
rules.add_perm("orgs.change_partner", is_admin | partner_role(Role.PARTNER_USER, attr="pk"))
# Whether facilities are offered a partner at all: the platform's administrators decide.
rules.add_perm("orgs.deactivate_partner", is_admin)
