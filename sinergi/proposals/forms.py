"""The proposal page's forms: they present and parse; the rules are the actions'.

Each move is its own form (prefixed by its stage, so that every field has its own id on
the page) with the fields that move takes (``actions.facts_of``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from sinergi.orgs.models import Facility, FacilityKind
from sinergi.proposals import actions
from sinergi.proposals.choices import DocumentKind, SentTo, Stage
from sinergi.proposals.models import Proposal, ProposalDocument

DATE_ERROR = _("Give a date as YYYY-MM-DD.")
ISO_DATE = ["%Y-%m-%d"]


def _date(label: Any, *, required: bool = False, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=ISO_DATE,
        help_text=help_text,
        error_messages={"invalid": DATE_ERROR, "required": DATE_ERROR},
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def _text(label: Any, *, required: bool = False, long: bool = False) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": 2}) if long else forms.TextInput()
    return forms.CharField(label=label, required=required, widget=widget, strip=True)


# Withdrawing says one verb everywhere ("Tarik usulan"; the stage: "Ditarik").
WITHDRAW = _("Withdraw this proposal")

# What each move's button says (a verb), and the fields' labels.
VERBS: dict[str, Any] = {
    Stage.DOCUMENTS: _("Start gathering the documents"),
    Stage.LITMAS: _("Request the Litmas from the Bapas"),
    Stage.TPP: _("Put to the sidang TPP"),
    Stage.SENT: _("Send for decision"),
    Stage.GRANTED: _("Record the SK (granted)"),
    Stage.REFUSED: _("Record the refusal"),
    Stage.RELEASED: _("Record the release on the SK"),
    Stage.LEAVE_TAKEN: _("Record the home leave taken"),
    Stage.WITHDRAWN: WITHDRAW,
}


class DocumentChoiceField(forms.ModelChoiceField[ProposalDocument]):
    """The proposal's documents by kind and the day received, written the page's way."""

    def label_from_instance(self, obj: ProposalDocument) -> str:
        return f"{obj.get_kind_display()} ({date_format(obj.received_on, 'DATE_FORMAT')})"


def _field(name: str, proposal: Proposal, required: bool) -> forms.Field:
    if name == "bapas":
        return forms.ModelChoiceField(
            label=_("Bapas"),
            queryset=Facility.objects.filter(kind=FacilityKind.BAPAS, is_active=True),
            required=required,
            empty_label=_("Choose a Bapas"),
            error_messages={"invalid_choice": _("Choose an active Bapas.")},
        )
    if name == "sent_to":
        return forms.ChoiceField(
            label=_("Sent to"), choices=[("", "—"), *SentTo.choices], required=required
        )
    if name == "document":
        return DocumentChoiceField(
            label=_("Document of this move"),
            queryset=proposal.documents.all(),
            required=False,
            empty_label=_("Choose a document (optional)"),
            help_text=_("Optional: one of the proposal's documents, shown on the timeline."),
        )
    if name == "not_returned":
        return forms.BooleanField(
            label=_("The person did not come back from the leave"), required=False
        )
    dates = {
        "on": (_("Date"), _("Today if left empty.")),
        "due_on": (_("Litmas due on"), _("Twelve working days if left empty.")),
        "sent_on": (_("Sent on"), ""),
        "sk_date": (_("SK date"), ""),
        "released_on": (_("Released on"), _("The SK date if left empty.")),
        "left_on": (_("Left on leave on"), _("The leave lasts at most 2 x 24 hours.")),
        "returned_on": (_("Came back on"), _("Empty if the person did not come back.")),
    }
    if name in dates:
        label, help_text = dates[name]
        return _date(label, required=required, help_text=help_text)
    texts = {
        "sent_reference": (_("Letter reference"), False),
        "sk_number": (_("SK number"), False),
        "refusal_reason": (_("Reason for refusal"), True),
        "reason": (_("Reason for withdrawing"), True),
        "note": (_("Note"), True),
    }
    label, long = texts[name]
    return _text(label, required=required, long=long)


class MoveForm(forms.Form):
    """The fields of one move of ``proposal`` (to ``to_stage``)."""

    def __init__(self, proposal: Proposal, to_stage: str, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", to_stage)
        super().__init__(*args, **kwargs)
        self.to_stage = to_stage
        self.verb = VERBS.get(to_stage, to_stage)
        required = set(actions.REQUIRED_FACTS.get(to_stage, ()))
        for name in actions.facts_of(to_stage):
            if name == "on" and to_stage in actions.DATE_FACT:
                continue  # the move's own date field dates it
            self.fields[name] = _field(name, proposal, name in required)
        if "sent_to" in self.fields:
            self.fields["sent_to"].initial = actions.default_sent_to(proposal)
        if "sent_on" in self.fields:
            # Like every other step's date: today unless the officer says otherwise.
            self.fields["sent_on"].initial = proposal.facility.today()
        if to_stage == Stage.WITHDRAWN:
            self.fields["confirm"] = forms.BooleanField(
                label=_("I confirm: this proposal is withdrawn and can no longer move."),
                required=True,
                error_messages={"required": _("Tick the box to confirm.")},
            )

    def facts(self) -> dict[str, Any]:
        """The values given (parsed), without the empty ones."""
        data = getattr(self, "cleaned_data", {})
        return {
            name: value
            for name, value in data.items()
            if name != "confirm" and value not in (None, "") and name not in self.errors
        }

    def add_action_errors(self, errors: dict[str, list[str]]) -> None:
        for name, found in errors.items():
            for message in found:
                self.add_error(name if name in self.fields else None, message)


class StartForm(forms.Form):
    sdp_reference = forms.CharField(
        label=_("SDP proposal reference"),
        required=False,
        help_text=_("The proposal's number in SDP (PB online), if it is there already."),
    )


class ReferenceForm(forms.Form):
    sdp_reference = forms.CharField(label=_("SDP proposal reference"), required=False)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("File (PDF, JPEG or PNG, at most 10 MB)"))
    received_on = _date(_("Received on"), help_text=_("Today if left empty."))
    note = forms.CharField(label=_("Note"), required=False)
