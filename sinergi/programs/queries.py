from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q

from sinergi.core.roles import Role
from sinergi.core.scoping import scope_of

if TYPE_CHECKING:
    from sinergi.programs.models import Program, Session  # noqa: F401

STAFF = (Role.PROGRAM_OFFICER, Role.HEAD, Role.GUARDIAN)


class ProgramQuerySet(models.QuerySet["Program"]):
    def for_user(self, user: Any) -> ProgramQuerySet:
        """Facility staff: their facility's programs; regional viewers: their region's;
        instructors and partner users: the programs they teach or their organisation
        delivers; administrators: all."""
        scope = scope_of(user)
        if scope.is_admin:
            return self.all()
        if not scope.roles:
            return self.none()
        return self.filter(
            Q(facility_id__in=scope.facility_ids(*STAFF))
            | Q(facility__region_id__in=scope.region_ids)
            | Q(instructors=user)
            | Q(partners__in=scope.partner_ids(Role.PARTNER_USER, Role.INSTRUCTOR))
        ).distinct()


class SessionQuerySet(models.QuerySet["Session"]):
    def for_user(self, user: Any) -> SessionQuerySet:
        from sinergi.programs.models import Program

        return self.filter(program__in=Program.objects.for_user(user).values("pk"))
