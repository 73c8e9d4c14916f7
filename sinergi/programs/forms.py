from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sinergi.accounts.models import User
from sinergi.core.roles import Role
from sinergi.inmates.choices import SecurityLevel
from sinergi.orgs.models import Partner
from sinergi.programs import rules as program_rules
from sinergi.programs.choices import (
    AttendanceStatus,
    CompetencyResult,
    EndReason,
    ProgramCategory,
    ProgramKind,
    ProgramStatus,
    Weekday,
)
from sinergi.programs.models import Program, Session

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ProgramForm(forms.ModelForm[Program]):
    units_text = forms.CharField(
        label=_("Competency units"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One unit per line, the code first if there is one, e.g. "
            "C.25.200.00.010.1 Mengelas pelat posisi bawah tangan. Empty: none."
        ),
    )
    allowed_security_levels = forms.MultipleChoiceField(
        label=_("Security levels allowed"),
        choices=SecurityLevel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every level."),
    )

    class Meta:
        model = Program
        fields = [
            "kind",
            "category",
            "title",
            "description",
            "partners",
            "instructors",
            "skills",
            "location",
            "capacity",
            "target_hours",
            "start_date",
            "end_date",
            "allowed_security_levels",
            "sex",
            "min_months_left",
            "certification",
            "min_attendance_percent",
            "pass_mark",
        ]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
            "partners": forms.CheckboxSelectMultiple,
            "instructors": forms.CheckboxSelectMultiple,
            "skills": forms.CheckboxSelectMultiple,
        }
        labels = {"title": _("Program name")}
        help_texts = {
            "skills": _(
                "What a certificate of this program attests: people holding it match the job "
                "openings that ask for these skills. An administrator adds skills missing "
                "from the list."
            )
        }

    def __init__(self, *args: Any, facility: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = Partner.objects.serving(  # type: ignore[attr-defined]
            facility, keep=Q(programs=self.instance) if self.instance.pk else None
        )
        self.fields["instructors"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(
                memberships__role=Role.INSTRUCTOR, memberships__is_active=True, is_active=True
            )
            .distinct()
            .order_by("full_name", "username")
        )
        self.fields["instructors"].label_from_instance = lambda u: u.get_full_name()  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["units_text"].initial = "\n".join(
                f"{u.code} {u.title}".strip() for u in self.instance.units.all()
            )

    def clean_units_text(self) -> list[tuple[str, str]]:
        """``[(code, title)]``: a first word with a digit and a dot is taken as the code."""
        units = []
        for line in self.cleaned_data["units_text"].splitlines():
            line = " ".join(line.split())
            if not line:
                continue
            first, _sep, rest = line.partition(" ")
            if rest and any(c.isdigit() for c in first) and "." in first:
                units.append((first[:40], rest[:200]))
            else:
                units.append(("", line[:200]))
        return units

    def clean(self) -> dict[str, Any]:
        # The rules are the action's (``create_program``, ``update_program``): shown here
        # at their fields before the model's own checks run.
        data = super().clean() or {}
        for name, messages in program_rules.program_value_problems(data).items():
            for message in messages:
                self.add_error(name, message)
        return data


class SlotForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Day"),
        choices=[("", "—"), *Weekday.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    start_time = forms.TimeField(label=_("From"), widget=TIME, required=False)
    end_time = forms.TimeField(label=_("Until"), widget=TIME, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parts = [data.get("weekday") is not None, data.get("start_time"), data.get("end_time")]
        if any(parts) and not all(parts):
            raise forms.ValidationError(_("Give the day, the start and the end."))
        if all(parts):  # the rule is the action's (``create_program``)
            problems = program_rules.time_problems(data["start_time"], data["end_time"])
            if problems:
                raise forms.ValidationError(problems)
        return data


SlotFormSet = forms.formset_factory(SlotForm, extra=3, max_num=7)


class SessionForm(forms.ModelForm[Session]):
    class Meta:
        model = Session
        fields = ["date", "start_time", "end_time", "instructor", "topic"]
        widgets = {"date": DATE, "start_time": TIME, "end_time": TIME}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # The rule is the action's (``add_session``), shown at its field.
        for message in program_rules.time_problems(data.get("start_time"), data.get("end_time")):
            self.add_error("end_time", message)
        return data


class HolidayForm(forms.Form):
    """A day off of the facility; the action checks the rest (two years ahead at most,
    one holiday a day)."""

    date = forms.DateField(label=_("Date"), widget=DATE)
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_(
            "For example a regional holiday or a facility event. The day's scheduled "
            "sessions that have no attendance yet are cancelled."
        ),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=ProgramStatus.choices)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
    confirm = forms.BooleanField(required=False)


class EndEnrollmentForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=EndReason.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class EarlyCompletionForm(forms.Form):
    """Parses only: ``actions.complete_early`` holds the rules."""

    reason = forms.CharField(
        label=_("Reason for completing early"),
        max_length=300,
        help_text=_("For example: released on parole before the program's last day."),
    )
    hours = forms.DecimalField(
        label=_("Hours actually attended"), max_digits=6, decimal_places=2, min_value=0
    )


class CompetencyCertificationForm(forms.Form):
    """Parses only: ``actions.record_competency_certification`` holds the rules."""

    issuer = forms.CharField(
        label=_("Issuing LSP"), max_length=200, help_text=_("The LSP licensed by the BNSP.")
    )
    number = forms.CharField(label=_("Certificate number"), max_length=100)
    issued_on = forms.DateField(label=_("Issued on"), widget=DATE)


class ScoresForm(forms.Form):
    pre_test = forms.IntegerField(label=_("Pre-test"), min_value=0, max_value=100, required=False)
    post_test = forms.IntegerField(label=_("Post-test"), min_value=0, max_value=100, required=False)


class ProgramFilterForm(forms.Form):
    q = forms.CharField(label=_("Program name"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *ProgramKind.choices]
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All")), *ProgramCategory.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *ProgramStatus.choices]
    )


ATTENDANCE_CHOICES = AttendanceStatus.choices
COMPETENCY_CHOICES = CompetencyResult.choices
