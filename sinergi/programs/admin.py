from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from sinergi.core.admin import AuditedAdmin
from sinergi.programs import rules as program_rules
from sinergi.programs.models import (
    Certificate,
    CompetencyUnit,
    Holiday,
    Program,
    ScheduleSlot,
    Skill,
)


class ProgramAdminForm(forms.ModelForm[Program]):
    """The admin gives the answer of the actions (``create_program``,
    ``update_program``): the same invariants, at the same fields."""

    class Meta:
        model = Program
        # The admin shows every editable field; these are the ones the rules read.
        fields = [
            "facility",
            "kind",
            "category",
            "partners",
            "instructors",
            "start_date",
            "end_date",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        problems = program_rules.program_value_problems(data)
        facility = data.get("facility")
        if facility is not None:
            partners = program_rules.partner_problems(
                facility, data.get("partners") or [], program=self.instance
            )
            if partners:
                problems["partners"] = partners
        instructors = program_rules.instructor_problems(data.get("instructors") or [])
        if instructors:
            problems["instructors"] = instructors
        for name, messages in problems.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
        return data


class SlotInline(admin.TabularInline):
    model = ScheduleSlot
    extra = 0


class UnitInline(admin.TabularInline):
    model = CompetencyUnit
    extra = 0


@admin.register(Program)
class ProgramAdmin(AuditedAdmin):
    form = ProgramAdminForm
    list_display = ("title", "facility", "kind", "category", "status", "start_date", "capacity")
    list_filter = ("facility", "kind", "status")
    search_fields = ("title",)
    list_select_related = ("facility",)
    inlines = [SlotInline, UnitInline]
    filter_horizontal = ("skills",)
    # The status moves only through the workflow on the program page.
    readonly_fields = ("status", "approved_by", "approved_at", "cancel_reason")


@admin.register(Skill)
class SkillAdmin(AuditedAdmin):
    """The shared vocabulary of skills: programs and competency units attest them, job
    openings ask for them."""

    list_display = ("name",)
    search_fields = ("name",)


@admin.register(Holiday)
class HolidayAdmin(AuditedAdmin):
    list_display = ("date", "name", "facility")
    list_filter = ("facility",)


@admin.register(Certificate)
class CertificateAdmin(AuditedAdmin):
    list_display = ("code", "holder_name", "issued_on", "status")
    search_fields = ("code", "holder_name")
    readonly_fields = (
        "code",
        "enrollment",
        "hours",
        "program_hours",
        "issued_on",
        "issued_by",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Issued only by ``actions.issue_certificate`` (the enrolment's page or the API),
        # which holds the rule: completed at the program's end or early, explicitly.
        return False
