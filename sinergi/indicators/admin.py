from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sinergi.core.admin import AuditedAdmin
from sinergi.indicators.models import MonthlyReport


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
