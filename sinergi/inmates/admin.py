from typing import Any

from django import forms
from django.contrib import admin
from django.utils import timezone

from sinergi.core.admin import AuditedAdmin
from sinergi.inmates.calculation import SENTENCE_DATE_FIELDS, recalculate
from sinergi.inmates.forms import show_problems
from sinergi.inmates.models import (
    ConsecutiveSentence,
    CustodyEpisode,
    DetentionPeriod,
    DisciplinaryRecord,
    ImportBatch,
    Inmate,
    MonthlyAssessment,
    ReligiousHolidayDate,
    Remission,
    Sentence,
)
from sinergi.inmates.parsing import normalise_registration_number
from sinergi.inmates.rules import sentence_problems


class InmateAdminForm(forms.ModelForm[Inmate]):
    """The registration number as the actions store it (normalised: "B I 283 / 26" is
    "BI 283/26"), so that the unique number per facility holds whatever the spelling."""

    class Meta:
        model = Inmate
        # The admin shows every editable field; this is the one the form reads.
        fields = ["registration_number"]

    def clean_registration_number(self) -> str:
        return normalise_registration_number(self.cleaned_data["registration_number"])


class SentenceAdminForm(forms.ModelForm[Sentence]):
    """The actions' sentence rules (a fixed term within the calculation's bounds, no
    date in the future), shown at the fields as on the inmate's page."""

    class Meta:
        model = Sentence
        # The admin shows every editable field; these are the ones the rules read.
        fields = [
            "term_kind",
            "term_years",
            "term_months",
            "term_days",
            "detention_start",
            "verdict_date",
            "commuted_on",
            "age_at_offence",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        show_problems(self, sentence_problems(data, today=timezone.localdate()))
        return data


class SentenceInline(admin.StackedInline):
    model = Sentence
    form = SentenceAdminForm
    extra = 0
    # The engine computes these; the admin shows them and never takes them as input.
    readonly_fields = SENTENCE_DATE_FIELDS


@admin.register(Inmate)
class InmateAdmin(AuditedAdmin):
    form = InmateAdminForm
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


@admin.register(DetentionPeriod)
class DetentionPeriodAdmin(ViewOnlyAdmin):
    list_display = ("inmate", "start_date", "end_date", "kind", "recorded_by")
    list_filter = ("kind",)
    list_select_related = ("inmate", "recorded_by")
    raw_id_fields = ("inmate",)


@admin.register(ConsecutiveSentence)
class ConsecutiveSentenceAdmin(ViewOnlyAdmin):
    list_display = ("inmate", "verdict_number", "years", "months", "days", "recorded_by")
    list_select_related = ("inmate", "recorded_by")
    raw_id_fields = ("inmate",)


@admin.register(MonthlyAssessment)
class MonthlyAssessmentAdmin(ViewOnlyAdmin):
    list_display = ("inmate", "month", "total")
    list_select_related = ("inmate",)
    raw_id_fields = ("inmate",)


@admin.register(CustodyEpisode)
class CustodyEpisodeAdmin(ViewOnlyAdmin):
    """Kept by the actions that admit, import, release and transfer (custody.follow_status):
    read here, never edited."""

    list_display = ("inmate", "facility", "started_on", "started_how", "ended_on", "ended_how")
    list_filter = ("started_how", "ended_how", "facility")
    list_select_related = ("inmate", "facility")
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
        "full_export",
        "created_at",
    )
    list_filter = ("status", "full_export", "facility")
    list_select_related = ("facility",)
    readonly_fields = [f.name for f in ImportBatch._meta.fields]


@admin.register(ReligiousHolidayDate)
class ReligiousHolidayDateAdmin(AuditedAdmin):
    list_display = ("date", "holiday", "note")
    list_filter = ("holiday",)
