from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sinergi.cooperation.choices import AssetCondition
from sinergi.cooperation.models import Commitment, Fulfilment, Meeting, SupportRequest
from sinergi.orgs.models import Partner

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SupportRequestForm(forms.ModelForm[SupportRequest]):
    class Meta:
        model = SupportRequest
        fields = [
            "partner",
            "kind",
            "title",
            "quantity",
            "unit",
            "needed_by",
            "program",
            "agreement",
            "commitment",
            "justification",
        ]
        widgets = {"needed_by": DATE, "justification": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, facility: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["program"].queryset = facility.programs.exclude(  # type: ignore[attr-defined]
            status__in=["completed", "cancelled"]
        )
        self.fields["agreement"].queryset = facility.agreements.all()  # type: ignore[attr-defined]
        self.fields["commitment"].queryset = Commitment.objects.filter(  # type: ignore[attr-defined]
            agreement__facility=facility
        ).select_related("agreement")
        self.fields["commitment"].label_from_instance = (  # type: ignore[attr-defined]
            lambda c: f"{c.description} ({c.agreement})"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        commitment, agreement = data.get("commitment"), data.get("agreement")
        if commitment is not None:
            if agreement is not None and commitment.agreement_id != agreement.pk:
                self.add_error("commitment", _("This commitment belongs to another agreement."))
            if data.get("partner") and commitment.partner_id not in (None, data["partner"].pk):
                self.add_error("commitment", _("This commitment was made by another partner."))
        return data


class FulfilmentForm(forms.ModelForm[Fulfilment]):
    asset_location = forms.CharField(
        label=_("Equipment: where it is kept"),
        required=False,
        max_length=150,
        help_text=_("Filled for equipment: the delivery enters the facility's asset list."),
    )
    asset_condition = forms.ChoiceField(
        label=_("Equipment: condition"), choices=AssetCondition.choices, required=False
    )

    class Meta:
        model = Fulfilment
        fields = [
            "description",
            "delivered_on",
            "quantity",
            "unit",
            "value_rupiah",
            "evidence",
            "sessions",
        ]
        widgets = {"delivered_on": DATE, "sessions": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, request_obj: SupportRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sessions = self.fields["sessions"]
        if request_obj.program_id:
            sessions.queryset = request_obj.program.sessions.filter(  # type: ignore[union-attr,attr-defined,misc]
                status="scheduled", date__lte=timezone.localdate(), fulfilments__isnull=True
            ).order_by("-date")
            sessions.label_from_instance = lambda s: f"{s.date:%d-%m-%Y} {s.start_time:%H.%M}"  # type: ignore[attr-defined]
        else:
            del self.fields["sessions"]
        sessions.required = False


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))


class TransitionForm(forms.Form):
    to = forms.CharField()
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    accepted_quantity = forms.DecimalField(
        label=_("Quantity accepted"), required=False, min_value=0
    )


class MeetingForm(forms.ModelForm[Meeting]):
    class Meta:
        model = Meeting
        fields = ["title", "date", "place", "partners", "minutes", "decisions"]
        widgets = {
            "date": DATE,
            "partners": forms.CheckboxSelectMultiple,
            "minutes": forms.Textarea(attrs={"rows": 4}),
            "decisions": forms.Textarea(attrs={"rows": 3}),
        }


class ActionItemForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=300, required=False)
    owner_partner = forms.ModelChoiceField(
        label=_("Owner (partner)"),
        queryset=Partner.objects.filter(is_active=True),
        required=False,
        help_text=_("Empty: the facility owns it."),
    )
    due_date = forms.DateField(label=_("Due date"), widget=DATE, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("title") and not data.get("due_date"):
            self.add_error("due_date", _("An action needs a due date."))
        return data


ActionItemFormSet = forms.formset_factory(ActionItemForm, extra=3, max_num=20)
