from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from sinergi.core import audit
from sinergi.core.audit_actions import AuditAction
from sinergi.core.models import AuditEvent


class AuditedAdmin(SimpleHistoryAdmin):
    """Admin edits keep their history (simple-history) and go into the audit trail."""

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            changed = {name: form.cleaned_data.get(name) for name in form.changed_data}
            changed.pop("password", None)
            audit.record(
                AuditAction.ADMIN_CHANGE if change else AuditAction.ADMIN_CREATE,
                by=request.user,
                target=obj,
                changes=changed,
            )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            audit.record(AuditAction.ADMIN_DELETE, by=request.user, target=obj)
            super().delete_model(request, obj)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "actor_username",
        "action",
        "target_type",
        "target_id",
        "facility_id",
    )
    list_filter = ("action",)
    search_fields = ("actor_username", "action", "target_type", "target_id")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
