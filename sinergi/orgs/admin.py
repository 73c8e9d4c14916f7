from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from sinergi.core.admin import AuditedAdmin
from sinergi.orgs import actions
from sinergi.orgs.models import (
    Facility,
    NationalHoliday,
    Partner,
    PartnerContact,
    Region,
    Signatory,
)


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ("name", "code", "province", "time_zone")
    search_fields = ("name", "code", "province")


@admin.register(NationalHoliday)
class NationalHolidayAdmin(AuditedAdmin):
    # Loaded from the SKB 3 Menteri (migration, load_national_holidays); corrected here.
    list_display = ("date", "name", "kind", "source")
    list_filter = ("kind",)
    date_hierarchy = "date"


@admin.register(Facility)
class FacilityAdmin(AuditedAdmin):
    list_display = ("name", "code", "kind", "facility_class", "region", "time_zone", "is_active")
    list_filter = ("kind", "region", "time_zone", "is_active")
    search_fields = ("name", "code", "regency")
    list_select_related = ("region",)


@admin.register(Signatory)
class SignatoryAdmin(AuditedAdmin):
    # The heads edit theirs on the letterhead page (orgs:facility_letterhead).
    list_display = ("document_kind", "name", "nip", "title", "facility", "region", "absent")
    list_filter = ("document_kind", "absent")
    search_fields = ("name", "nip", "title", "facility__name", "region__name")
    list_select_related = ("facility", "region")


class PartnerContactInline(admin.TabularInline):
    model = PartnerContact
    extra = 0


@admin.register(Partner)
class PartnerAdmin(AuditedAdmin):
    list_display = ("name", "code", "kind", "regency", "parent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code", "regency")
    list_select_related = ("parent",)
    inlines = [PartnerContactInline]
    actions = ["deactivate", "reactivate"]
    # Through the actions above (audited as such), not as a plain field edit.
    readonly_fields = ("is_active",)
    # A website typed without its scheme is taken as https (Django 6's default; Django 5
    # warns on every form it builds until it is said).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def _each(
        self, request: HttpRequest, partners: QuerySet[Partner], change: Callable[..., Partner]
    ) -> int:
        done = 0
        try:
            for partner in partners:
                before = partner.is_active
                done += change(partner=partner, by=request.user).is_active != before
        except PermissionDenied as exc:
            self.message_user(request, str(exc), messages.ERROR)
        return done

    @admin.action(description=_("Deactivate the selected partners"))
    def deactivate(self, request: HttpRequest, partners: QuerySet[Partner]) -> None:
        done = self._each(request, partners, actions.deactivate_partner)
        self.message_user(
            request,
            ngettext("%(n)d partner deactivated.", "%(n)d partners deactivated.", done)
            % {"n": done},
        )

    @admin.action(description=_("Reactivate the selected partners"))
    def reactivate(self, request: HttpRequest, partners: QuerySet[Partner]) -> None:
        done = self._each(request, partners, actions.reactivate_partner)
        self.message_user(
            request,
            ngettext("%(n)d partner reactivated.", "%(n)d partners reactivated.", done)
            % {"n": done},
        )
