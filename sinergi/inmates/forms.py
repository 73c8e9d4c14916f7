from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sinergi.inmates.choices import (
    CrimeCategory,
    InmateStatus,
    SecurityLevel,
)
from sinergi.inmates.models import (
    ConsecutiveSentence,
    DetentionPeriod,
    DisciplinaryRecord,
    Inmate,
    MonthlyAssessment,
    Remission,
    Sentence,
)
from sinergi.inmates.parsing import FIELDS, normalise_registration_number
from sinergi.inmates.rules import (
    Problems,
    disciplinary_problems,
    import_mapping_problems,
    remission_problems,
    sentence_problems,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def show_problems(form: forms.BaseForm, problems: Problems) -> None:
    """The actions' rules (:mod:`sinergi.inmates.rules`) shown at the form's fields; the
    actions enforce them whatever calls them."""
    for field, messages in problems.items():
        if field in form.fields and field not in form.errors:
            for message in messages:
                form.add_error(field, message)


class InmateForm(forms.ModelForm[Inmate]):
    class Meta:
        model = Inmate
        fields = [
            "registration_number",
            "name",
            "aliases",
            "nik",
            "birth_date",
            "sex",
            "religion",
            "home_regency",
            "education",
            "register_class",
            "security_level",
            "admission_date",
            "chronic_illness",
        ]
        widgets = {"birth_date": DATE, "admission_date": DATE}

    def clean_registration_number(self) -> str:
        return normalise_registration_number(self.cleaned_data["registration_number"])


class SentenceForm(forms.ModelForm[Sentence]):
    class Meta:
        model = Sentence
        fields = [
            "verdict_number",
            "court",
            "verdict_date",
            "sentenced_as_child",
            "age_at_offence",
            "crime_category",
            "crime_text",
            "legal_articles",
            "term_kind",
            "term_years",
            "term_months",
            "term_days",
            "commuted_on",
            "detention_start",
            "remission_days",
            "fine_amount",
            "fine_substitute_days",
            "fine_paid",
            "restitution_amount",
            "restitution_substitute_days",
            "restitution_paid",
            "justice_collaborator",
            "deradicalisation_completed",
            "nkri_pledge_signed",
        ]
        widgets = {"verdict_date": DATE, "detention_start": DATE, "commuted_on": DATE}
        help_texts = {
            "verdict_date": _(
                "The day the verdict became final (inkracht): it chooses the rules in force."
            ),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        show_problems(self, sentence_problems(data, today=timezone.localdate()))
        return data


class RemissionForm(forms.ModelForm[Remission]):
    class Meta:
        model = Remission
        fields = ["kind", "year", "months", "days", "decree_number", "granted_on"]
        widgets = {"granted_on": DATE}
        labels = {
            "year": _("Remisi of the year"),
            "months": _("Length: months"),
            "days": _("Length: days"),
        }
        help_texts = {
            "year": _("The calendar year of the remisi, e.g. 2025 (not the count of years)."),
            "granted_on": _(
                "The date of the decree; it moves the 1/3, 1/2 and 2/3 dates from that day."
            ),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        show_problems(self, remission_problems(data, today=timezone.localdate()))
        return data


class DisciplinaryForm(forms.ModelForm[DisciplinaryRecord]):
    class Meta:
        model = DisciplinaryRecord
        fields = ["date", "violation", "sanction", "end_date"]
        widgets = {"date": DATE, "end_date": DATE}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        show_problems(self, disciplinary_problems(data, today=timezone.localdate()))
        return data


class DetentionPeriodForm(forms.ModelForm[DetentionPeriod]):
    class Meta:
        model = DetentionPeriod
        fields = ["start_date", "end_date", "kind", "note"]
        widgets = {"start_date": DATE, "end_date": DATE}
        labels = {"start_date": _("From"), "end_date": _("Until")}
        help_texts = {
            "start_date": _(
                "A detention that ended before the current detention start, for example "
                "before a release pending trial."
            ),
        }


class ConsecutiveSentenceForm(forms.ModelForm[ConsecutiveSentence]):
    class Meta:
        model = ConsecutiveSentence
        fields = ["verdict_number", "court", "years", "months", "days"]
        help_texts = {
            "years": _(
                "A further fixed term served after the current one: the two are counted as "
                "one term."
            ),
        }


class AssessmentForm(forms.ModelForm[MonthlyAssessment]):
    month = forms.DateField(
        label=_("Month"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )

    class Meta:
        model = MonthlyAssessment
        fields = ["month", "personality", "independence", "behaviour", "mental_condition", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=InmateStatus.choices)
    on = forms.DateField(label=_("On"), widget=DATE, initial=timezone.localdate)


class InmateFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or registration number"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *InmateStatus.choices]
    )
    crime_category = forms.ChoiceField(
        label=_("Crime category"),
        required=False,
        choices=[("", _("All")), *CrimeCategory.choices],
    )
    security_level = forms.ChoiceField(
        label=_("Security level"),
        required=False,
        choices=[("", _("All")), *SecurityLevel.choices],
    )
    released_before = forms.DateField(
        label=_("Release (after remisi) before"), required=False, widget=DATE
    )


class GuardianChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name())


class WaliForm(forms.Form):
    """Name the guardian officer (wali) who follows a person: one of the facility's."""

    wali = GuardianChoiceField(
        label=_("Wali (guardian officer)"),
        queryset=None,
        required=False,
        empty_label=_("Nobody"),
    )

    def __init__(self, *args: Any, guardians: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["wali"]
        assert isinstance(field, GuardianChoiceField)
        field.queryset = guardians


class BulkWaliForm(forms.Form):
    """Name one wali for the people ticked in the inmate list (``none``: take the wali
    away; nothing is chosen by default, so that a slip clears nobody's wali)."""

    NOBODY = "none"

    people: forms.ModelMultipleChoiceField[Inmate] = forms.ModelMultipleChoiceField(queryset=None)
    wali = forms.ChoiceField(label=_("Wali of the people ticked"))

    def __init__(self, *args: Any, people: Any, guardians: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.guardians = {str(g.pk): g for g in guardians}
        self.fields["people"].queryset = people  # type: ignore[attr-defined]
        self.fields["people"].error_messages["required"] = _("Tick the people first.")
        self.fields["wali"].choices = [  # type: ignore[attr-defined]
            ("", _("— choose —")),
            *((pk, g.get_full_name()) for pk, g in self.guardians.items()),
            (self.NOBODY, _("Nobody (take the wali away)")),
        ]

    def clean_wali(self) -> Any:
        value = self.cleaned_data["wali"]
        return None if value == self.NOBODY else self.guardians[value]


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("SDP export (CSV or XLSX)"),
        help_text=_("Comma- or semicolon-separated CSV, or an Excel workbook (first sheet)."),
    )
    dry_run = forms.BooleanField(
        label=_("Check only (write nothing)"),
        required=False,
    )
    full_export = forms.BooleanField(
        label=_("Full export of the facility"),
        required=False,
        help_text=_(
            "Tick when the file lists everyone in custody at the facility: the people in "
            "custody in Sinergi but missing from the file are then listed for review "
            "(released? transferred?). The import does not change them. A full export "
            "is checked first: nothing is written until you import the checked file."
        ),
    )
    encoding = forms.ChoiceField(
        label=_("Encoding of a CSV file"),
        choices=[
            ("", _('UTF-8 ("CSV UTF-8"), checked')),
            ("cp1252", _("Old Windows encoding (ANSI, Windows-1252)")),
        ],
        required=False,
        help_text=_(
            "A CSV file that is not UTF-8 is refused, so that no name is stored garbled. "
            "Choose the old Windows encoding only if the file was saved that way."
        ),
    )

    def clean_file(self) -> Any:
        from sinergi.inmates import importer, parsing

        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        try:
            importer.check_upload_size(upload.size)
        except parsing.ImportFileError as error:
            raise forms.ValidationError(error.message) from None
        return upload


class ColumnMappingForm(forms.Form):
    """One select per field: which column of the file holds it.

    Each starts at the column recognised by its header (``initial_mapping``), else at
    the column ``suggested`` by its values (marked so, for the user to check), else at
    "not in this file"."""

    def __init__(
        self,
        *args: Any,
        headers: list[str],
        initial_mapping: dict[str, int],
        suggested: Mapping[str, int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.headers = headers
        suggested = suggested or {}
        self.suggested = {k: v for k, v in suggested.items() if k not in initial_mapping}
        choices = [("", _("— not in this file —"))] + [
            (str(i), h or f"#{i + 1}") for i, h in enumerate(headers)
        ]
        for key, header, required in FIELDS:
            chosen = initial_mapping.get(key, self.suggested.get(key))
            self.fields[key] = forms.ChoiceField(
                label=header,
                choices=choices,
                required=required,
                initial=str(chosen) if chosen is not None else "",
                help_text=(
                    _("Suggested from the values in the column: check it.")
                    if key in self.suggested
                    else ""
                ),
            )

    def mapping(self) -> dict[str, int]:
        return {k: int(v) for k, v in self.cleaned_data.items() if v not in ("", None)}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = {k: int(v) for k, v in data.items() if v not in ("", None)}
        # The action's rule, shown at the field (a required field left empty is already
        # the field's own error).
        for key, messages in import_mapping_problems(chosen, self.headers).items():
            if key in chosen:
                for message in messages:
                    self.add_error(key, message)
        return data
