from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sinergi.cooperation.choices import SETTABLE_STATUSES, AgreementStatus
from sinergi.cooperation.models import (
    ActionItem,
    Agreement,
    Asset,
    Commitment,
    Meeting,
    SupportRequest,
)
from sinergi.core.admin import AuditedAdmin


class CommitmentInline(admin.TabularInline):
    model = Commitment
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(AuditedAdmin):
    list_display = (
        "title",
        "kind",
        "number",
        "facility",
        "region",
        "start_date",
        "end_date",
        "status",
    )
    list_filter = ("kind", "status")
    search_fields = ("title", "number")
    filter_horizontal = ("partners",)
    inlines = [CommitmentInline]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        # Not yet in force, expiring and expired follow from the dates: never chosen (a
        # status stored before that rule stays offered, so the record can still be saved).
        statuses = list(SETTABLE_STATUSES)
        if obj is not None and obj.status not in statuses:
            statuses.append(AgreementStatus(obj.status))
        if "status" in form.base_fields:
            form.base_fields["status"].choices = [(s.value, s.label) for s in statuses]
        return form


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(AuditedAdmin):
    list_display = ("date", "title", "facility")
    list_filter = ("facility",)
    filter_horizontal = ("attendees", "partners")
    inlines = [ActionItemInline]


@admin.register(Asset)
class AssetAdmin(AuditedAdmin):
    list_display = ("item", "facility", "quantity", "unit", "condition", "location", "program")
    list_filter = ("facility", "condition")


@admin.register(SupportRequest)
class SupportRequestAdmin(AuditedAdmin):
    list_display = ("title", "facility", "partner", "status", "needed_by")
    list_filter = ("status", "kind")
    # The status moves only through the workflow (page or API), never here.
    readonly_fields = ("status", "submitted_at", "answered_at", "accepted_quantity", "answer_note")
