"""Reintegration records in the admin site: to look up, with their history, never to
write. Every write goes through the actions (the plan's page, the referral's page, the
release form, the API), which check who may and what holds: a consent to a partner
serving the facility, a probation officer of the chosen Bapas, dates in bounds. An edit
here would skip them, so the admin answers as they do by offering none."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from sinergi.core.admin import AuditedAdmin
from sinergi.reintegration.models import (
    AssessmentQuestion,
    AssessmentVersion,
    Consent,
    FollowUp,
    JobApplication,
    JobOpening,
    Need,
    NeedUpdate,
    Readmission,
    Referral,
    ReintegrationPlan,
    Release,
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
    """Read-only, for records that keep no history of their own (append-only or
    written by the system)."""


class AssessmentQuestionInline(ReadOnly, admin.TabularInline):
    model = AssessmentQuestion
    extra = 0
    fields = ("order", "pathway", "text")


@admin.register(AssessmentVersion)
class AssessmentVersionAdmin(ReadOnlyPlainAdmin):
    list_display = ("version", "name", "is_current", "created_at")
    list_filter = ("is_current",)
    inlines = [AssessmentQuestionInline]


class NeedInline(ReadOnly, admin.TabularInline):
    model = Need
    extra = 0
    fields = ("pathway", "status", "responsible", "partner")
    show_change_link = True


@admin.register(ReintegrationPlan)
class ReintegrationPlanAdmin(ReadOnlyAdmin):
    list_display = ("inmate", "facility", "assessment", "created_by", "created_at")
    list_filter = ("inmate__facility",)
    search_fields = ("inmate__name", "inmate__registration_number")
    list_select_related = ("inmate__facility", "assessment", "created_by")
    inlines = [NeedInline]

    @admin.display(description=_("Facility"), ordering="inmate__facility")
    def facility(self, obj: ReintegrationPlan) -> Any:
        return obj.inmate.facility


class NeedUpdateInline(ReadOnly, admin.TabularInline):
    model = NeedUpdate
    extra = 0
    fields = ("at", "status", "note", "by")
    readonly_fields = ("at",)


@admin.register(Need)
class NeedAdmin(ReadOnlyPlainAdmin):
    list_display = ("plan", "pathway", "status", "responsible", "partner", "updated_at")
    list_filter = ("pathway", "status", "responsible")
    search_fields = ("plan__inmate__name", "plan__inmate__registration_number")
    list_select_related = ("plan__inmate", "partner")
    inlines = [NeedUpdateInline]


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ("inmate", "partner", "basis", "given_on", "withdrawn_on", "witnessed_by")
    list_filter = ("basis", "inmate__facility", "withdrawn_on")
    search_fields = ("inmate__name", "inmate__registration_number", "partner__name", "purpose")
    list_select_related = ("inmate", "partner", "witnessed_by")
    date_hierarchy = "given_on"


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ("inmate", "partner", "status", "outcome", "needs_custody", "created_at")
    list_filter = ("status", "outcome", "needs_custody", "inmate__facility")
    search_fields = ("inmate__name", "inmate__registration_number", "partner__name", "purpose")
    list_select_related = ("inmate", "partner")


class FollowUpInline(ReadOnly, admin.TabularInline):
    model = FollowUp
    extra = 0
    fields = ("month", "due_on", "done_on", "done_by", "work_status", "new_offence")
    show_change_link = True


@admin.register(Release)
class ReleaseAdmin(ReadOnlyAdmin):
    list_display = (
        "inmate",
        "kind",
        "released_on",
        "sk_number",
        "sk_date",
        "bapas",
        "probation_officer",
    )
    list_filter = ("kind", "bapas", "inmate__facility")
    search_fields = ("inmate__name", "inmate__registration_number", "sk_number")
    list_select_related = ("inmate", "bapas", "probation_officer")
    date_hierarchy = "released_on"
    inlines = [FollowUpInline]


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ("release", "month", "due_on", "done_on", "done_by", "work_status")
    list_filter = ("month", "work_status", "contact_made", "new_offence", "release__bapas")
    search_fields = ("release__inmate__name", "release__inmate__registration_number")
    list_select_related = ("release__inmate", "done_by")


@admin.register(Readmission)
class ReadmissionAdmin(ReadOnlyPlainAdmin):
    list_display = ("new_inmate", "earlier_release", "matched_by", "detected_at")
    list_filter = ("matched_by",)
    search_fields = ("new_inmate__name", "new_inmate__registration_number")
    list_select_related = ("new_inmate", "earlier_release__inmate")


class JobApplicationInline(ReadOnly, admin.TabularInline):
    model = JobApplication
    extra = 0
    fields = ("inmate", "status", "note", "created_by")


@admin.register(JobOpening)
class JobOpeningAdmin(ReadOnlyAdmin):
    list_display = ("title", "partner", "place", "vacancies", "closing_date")
    list_filter = ("partner",)
    search_fields = ("title", "sector", "place", "partner__name")
    list_select_related = ("partner",)
    date_hierarchy = "closing_date"
    inlines = [JobApplicationInline]


@admin.register(JobApplication)
class JobApplicationAdmin(ReadOnlyAdmin):
    list_display = ("opening", "inmate", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("inmate__name", "opening__title")
    list_select_related = ("opening", "inmate")
