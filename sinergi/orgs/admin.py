from django.contrib import admin

from sinergi.core.admin import AuditedAdmin
from sinergi.orgs.models import Facility, Partner, PartnerContact, Region


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ("name", "code", "province", "time_zone")
    search_fields = ("name", "code", "province")


@admin.register(Facility)
class FacilityAdmin(AuditedAdmin):
    list_display = ("name", "code", "kind", "facility_class", "region", "time_zone", "is_active")
    list_filter = ("kind", "region", "time_zone", "is_active")
    search_fields = ("name", "code", "regency")
    list_select_related = ("region",)


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
