"""Proposals in the admin site: to look up, with their history, never to write. Every
write goes through the actions (the stage machine checks who may and what holds), which
an edit here would skip, so the admin offers none."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sinergi.core.admin import AuditedAdmin
from sinergi.proposals.models import (
    LitmasRequest,
    Proposal,
    ProposalDocument,
    ProposalEvent,
    TppDecision,
    TppMeeting,
)


class ReadOnly:
    """No add, change or delete: the records are written through the actions only."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnly, AuditedAdmin):
    """Read-only, with the record's history (simple-history)."""


class ReadOnlyPlainAdmin(ReadOnly, admin.ModelAdmin):
    """Read-only, for the append-only events."""


class ProposalEventInline(ReadOnly, admin.TabularInline):
    model = ProposalEvent
    extra = 0
    fields = ("at", "on", "from_stage", "to_stage", "by", "note", "document")


class ProposalDocumentInline(ReadOnly, admin.TabularInline):
    model = ProposalDocument
    extra = 0
    fields = ("kind", "received_on", "file", "uploaded_by")


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ("inmate", "right", "stage", "stage_since", "facility", "eligible_on")
    list_filter = ("right", "stage", "facility")
    search_fields = ("inmate__name", "inmate__registration_number", "sdp_reference", "sk_number")
    list_select_related = ("inmate", "facility")
    date_hierarchy = "eligible_on"
    inlines = [ProposalDocumentInline, ProposalEventInline]


@admin.register(ProposalDocument)
class ProposalDocumentAdmin(ReadOnlyAdmin):
    list_display = ("proposal", "kind", "received_on", "uploaded_by")
    list_filter = ("kind",)
    search_fields = ("proposal__inmate__name", "proposal__inmate__registration_number")
    list_select_related = ("proposal__inmate", "uploaded_by")


@admin.register(ProposalEvent)
class ProposalEventAdmin(ReadOnlyPlainAdmin):
    list_display = ("proposal", "from_stage", "to_stage", "on", "by", "at")
    list_filter = ("to_stage",)
    search_fields = ("proposal__inmate__name", "proposal__inmate__registration_number")
    list_select_related = ("proposal__inmate", "by")


@admin.register(LitmasRequest)
class LitmasRequestAdmin(ReadOnlyAdmin):
    list_display = ("proposal", "bapas", "officer", "status", "requested_on", "due_on")
    list_filter = ("status", "bapas")
    search_fields = ("proposal__inmate__name", "proposal__inmate__registration_number")
    list_select_related = ("proposal__inmate", "bapas", "officer")


class TppDecisionInline(ReadOnly, admin.TabularInline):
    model = TppDecision
    extra = 0
    fields = ("proposal", "recommendation", "note")


@admin.register(TppMeeting)
class TppMeetingAdmin(ReadOnlyAdmin):
    list_display = ("facility", "held_on", "minutes_number", "chair")
    list_filter = ("facility",)
    list_select_related = ("facility", "chair")
    date_hierarchy = "held_on"
    inlines = [TppDecisionInline]


@admin.register(TppDecision)
class TppDecisionAdmin(ReadOnlyAdmin):
    list_display = ("meeting", "proposal", "recommendation")
    list_filter = ("recommendation",)
    list_select_related = ("meeting__facility", "proposal__inmate")
