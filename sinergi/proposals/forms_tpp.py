"""The forms of the sidang TPP pages. They present and parse; the rules are
:mod:`sinergi.proposals.tpp_actions`'s (``meeting_errors``, ``decision_errors``), whose
``ValidationError`` the view shows at the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sinergi.proposals import tpp_actions as tpp
from sinergi.proposals.choices import Recommendation
from sinergi.proposals.models import MAX_REFERENCE


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Date of the meeting"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=tpp.MAX_PLACE, required=False)
    chair: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Chair"),
        queryset=None,
        required=False,
        empty_label=_("Choose the chair"),
        help_text=_("One of the facility's staff, usually the head of the facility's guidance."),
    )
    members = forms.CharField(
        label=_("Members"),
        max_length=tpp.MAX_MEMBERS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One member a line: name and position."),
    )
    minutes_number = forms.CharField(
        label=_("Minutes number"), max_length=MAX_REFERENCE, required=False
    )
    notes = forms.CharField(
        label=_("Notes"),
        max_length=tpp.MAX_NOTES,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, facility: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chair: Any = self.fields["chair"]
        chair.queryset = tpp.chairs_for(facility)
        chair.label_from_instance = lambda user: user.get_full_name()


class DecisionForm(forms.Form):
    recommendation = forms.ChoiceField(
        label=_("Recommendation"), choices=Recommendation.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=tpp.MAX_DECISION_NOTE,
        required=False,
        help_text=_("Required when the board does not recommend the proposal."),
    )
