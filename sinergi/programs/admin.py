from django.contrib import admin

from sinergi.core.admin import AuditedAdmin
from sinergi.programs.models import Certificate, CompetencyUnit, Holiday, Program, ScheduleSlot


class SlotInline(admin.TabularInline):
    model = ScheduleSlot
    extra = 0


class UnitInline(admin.TabularInline):
    model = CompetencyUnit
    extra = 0


@admin.register(Program)
class ProgramAdmin(AuditedAdmin):
    list_display = ("title", "facility", "kind", "category", "status", "start_date", "capacity")
    list_filter = ("facility", "kind", "status")
    search_fields = ("title",)
    list_select_related = ("facility",)
    inlines = [SlotInline, UnitInline]
    # The status moves only through the workflow on the program page.
    readonly_fields = ("status", "approved_by", "approved_at", "cancel_reason")


@admin.register(Holiday)
class HolidayAdmin(AuditedAdmin):
    list_display = ("date", "name", "facility")
    list_filter = ("facility",)


@admin.register(Certificate)
class CertificateAdmin(AuditedAdmin):
    list_display = ("code", "holder_name", "issued_on", "status")
    search_fields = ("code", "holder_name")
    readonly_fields = ("code", "enrollment", "hours", "issued_on", "issued_by")
