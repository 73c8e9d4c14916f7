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
# Roles whose holders must use a second factor when SINERGI_REQUIRE_MFA is on.
MFA_ROLES = frozenset(
    {
        Role.PROGRAM_OFFICER,
        Role.HEAD,
        Role.GUARDIAN,
        Role.PROBATION_OFFICER,
        Role.ADMINISTRATOR,
    }
)
