from typing import Any

from django.contrib import admin

from sinergi.core.admin import AuditedAdmin
from sinergi.inmates.calculation import recalculate
from sinergi.inmates.models import (
    DisciplinaryRecord,
    ImportBatch,
    Inmate,
    MonthlyAssessment,
    ReligiousHolidayDate,
    Remission,
    Sentence,
)


class SentenceInline(admin.StackedInline):
    model = Sentence
    extra = 0
    readonly_fields = (
        "expiry_date",
        "expiry_after_remission",
        "one_third_date",
        "half_date",
        "two_thirds_date",
        "rule_set",
        "calculated_on",
    )


@admin.register(Inmate)
class InmateAdmin(AuditedAdmin):
    list_display = ("name", "registration_number", "facility", "status", "security_level")
    list_filter = ("facility", "status", "security_level")
    search_fields = ("name", "registration_number", "nik")
    list_select_related = ("facility",)
    inlines = [SentenceInline]

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        recalculate([form.instance.pk])


class ViewOnlyAdmin(AuditedAdmin):
    """Remisi, Register F and scores change the computed dates: they are recorded on the
    inmate's page (through the actions), not here."""

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Remission)
class RemissionAdmin(ViewOnlyAdmin):
    list_display = ("inmate", "kind", "year", "months", "days", "decree_number")
    list_select_related = ("inmate",)
    raw_id_fields = ("inmate",)


@admin.register(DisciplinaryRecord)
class DisciplinaryRecordAdmin(ViewOnlyAdmin):
    list_display = ("inmate", "date", "violation", "end_date")
    list_select_related = ("inmate",)
    raw_id_fields = ("inmate",)


@admin.register(MonthlyAssessment)
class MonthlyAssessmentAdmin(ViewOnlyAdmin):
    list_display = ("inmate", "month", "total")
    list_select_related = ("inmate",)
    raw_id_fields = ("inmate",)


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = (
        "filename",
        "facility",
        "status",
        "total_rows",
        "created_count",
        "updated_count",
        "created_at",
    )
    list_filter = ("status", "facility")
    list_select_related = ("facility",)
    readonly_fields = [f.name for f in ImportBatch._meta.fields]


@admin.register(ReligiousHolidayDate)
class ReligiousHolidayDateAdmin(AuditedAdmin):
    list_display = ("date", "holiday", "note")
    list_filter = ("holiday",)
