"""The roles people hold in Sinergi (DESIGN.md, "Who uses it")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROGRAM_OFFICER = "program_officer", _("Program officer")
    HEAD = "head", _("Head of facility")
    GUARDIAN = "guardian", _("Guardian officer (wali)")
    INSTRUCTOR = "instructor", _("Instructor")
    PARTNER_USER = "partner_user", _("Partner user")
    PROBATION_OFFICER = "probation_officer", _("Probation officer (PK)")
    REGIONAL_VIEWER = "regional_viewer", _("Regional viewer (Kanwil)")
    ADMINISTRATOR = "administrator", _("Platform administrator")


# Which kind of organisation each role is held in.
FACILITY_ROLES = frozenset(
    {Role.PROGRAM_OFFICER, Role.HEAD, Role.GUARDIAN, Role.INSTRUCTOR, Role.PROBATION_OFFICER}
)
PARTNER_ROLES = frozenset({Role.PARTNER_USER, Role.INSTRUCTOR})
REGION_ROLES = frozenset({Role.REGIONAL_VIEWER})
PLATFORM_ROLES = frozenset({Role.ADMINISTRATOR})
# Roles whose holders must use a second factor when SINERGI_REQUIRE_MFA is on: every role
# that reads person-level data (DESIGN.md, "MFA for every role that reads person-level
# data, API tokens included"), decided role by role by what it can read:
# - program officer, head, guardian: the inmates of their facility, sentences, plans;
# - probation officer (PK): clients' follow-ups (income, housing, new offences);
# - regional viewer: drills down from a region's figures to named inmates and plans;
# - instructor: the rosters of the sessions they teach, which name inmates, and their
#   attendance and scores;
# - partner user: the persons referred to the partner under consent (needs that may be
#   health or addiction data) and, for an employer, job applicants;
# - administrator: everything.
# That is every role, so the set is all of them; a new role is in it unless it is taken
# out here with its reason.
MFA_ROLES = frozenset(Role)

# Role groups, named once: use these instead of writing the roles out in an app.
# "Program officer or head": the facility's officers (programs, requests, plans, imports).
OFFICER_ROLES: tuple[Role, ...] = (Role.PROGRAM_OFFICER, Role.HEAD)
# The facility's staff who read its inmates and programs: the officers and the wali.
STAFF_ROLES: tuple[Role, ...] = (*OFFICER_ROLES, Role.GUARDIAN)
# The facility roles that read its dashboards and monthly reports.
REPORT_READER_ROLES: tuple[Role, ...] = (*STAFF_ROLES, Role.PROBATION_OFFICER)
