from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sinergi.core.admin import AuditedAdmin
from sinergi.indicators.models import (
    MonthlyReport,
    ReportEdition,
    Revision,
    StoredFigure,
    StoredSet,
)
from sinergi.proposals.admin import ReadOnly, ReadOnlyPlainAdmin


@admin.register(MonthlyReport)
class MonthlyReportAdmin(AuditedAdmin):
    """Reports are made by the generation task and signed off in the application; the
    administration only shows them (and may delete a broken one)."""

    list_display = ("facility", "month", "status", "generated_at", "signed_off_by")
    list_filter = ("status",)
    search_fields = ("facility__name", "facility__code")
    list_select_related = ("facility", "signed_off_by")
    date_hierarchy = "month"
    readonly_fields = (
        "facility",
        "month",
        "status",
        "pdf",
        "xlsx",
        "generated_at",
        "requested_by",
        "error",
        "signed_off_by",
        "signed_off_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReportEdition)
class ReportEditionAdmin(AuditedAdmin):
    """A signed edition is what the head signed: shown, never changed or deleted."""

    list_display = ("report", "number", "signed_off_by", "signed_off_at")
    search_fields = ("report__facility__name", "report__facility__code")
    list_select_related = ("report__facility", "signed_off_by")
    readonly_fields = ("report", "number", "pdf", "signed_off_by", "signed_off_at")
    exclude = ("data",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Revision)
class RevisionAdmin(AuditedAdmin):
    """Revisions are found by comparing live figures with signed ones: shown only."""

    list_display = ("facility", "month", "number", "indicator", "detected_at", "resolved_by")
    list_filter = ("indicator",)
    search_fields = ("facility__name", "facility__code", "indicator")
    list_select_related = ("facility", "resolved_by")
    date_hierarchy = "month"
    readonly_fields = (
        "facility",
        "month",
        "number",
        "indicator",
        "was",
        "now",
        "reasons",
        "data_version",
        "detected_at",
        "edition",
        "resolved_by",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StoredFigureInline(ReadOnly, admin.TabularInline):
    model = StoredFigure
    fields = ("indicator", "by", "key", "numerator", "denominator", "value")
    readonly_fields = fields
    extra = 0


@admin.register(StoredSet)
class StoredSetAdmin(ReadOnlyPlainAdmin):
    """Stored figures are derived from the records (stored.py), never edited by people:
    the administration only shows them."""

    list_display = ("period", "area", "area_id", "computed_at", "data_version")
    list_filter = ("area", "period_kind")
    search_fields = ("period",)
    readonly_fields = ("period", "period_kind", "area", "area_id", "computed_at", "data_version")
    inlines = (StoredFigureInline,)
