from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sinergi.cooperation import actions
from sinergi.cooperation.choices import (
    SETTABLE_STATUSES,
    AgreementKind,
    AgreementStatus,
    AssetCondition,
)
from sinergi.cooperation.models import (
    Agreement,
    Commitment,
    Fulfilment,
    Meeting,
    MeetingAttachment,
    SupportRequest,
)
from sinergi.cooperation.numbers import trimmed
from sinergi.cooperation.queries import meeting_attendee_choices
from sinergi.core.permissions import has_perm
from sinergi.core.workflow import Move, MoveForm
from sinergi.orgs.models import Facility, Partner
from sinergi.programs.choices import ENDED_STATUSES, SessionStatus

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
        self.fields["partner"].queryset = Partner.objects.serving(  # type: ignore[attr-defined]
            facility, keep=Q(pk=self.instance.partner_id) if self.instance.partner_id else None
        )
        self.fields["program"].queryset = facility.programs.exclude(  # type: ignore[attr-defined]
            status__in=ENDED_STATUSES
        )
        self.fields["agreement"].queryset = facility.agreements.all()  # type: ignore[attr-defined]
        self.fields["commitment"].queryset = Commitment.objects.filter(  # type: ignore[attr-defined]
            agreement__facility=facility
        ).select_related("agreement")
        self.fields["commitment"].label_from_instance = (  # type: ignore[attr-defined]
            lambda c: f"{c.description} ({c.agreement})"
        )


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
                status=SessionStatus.SCHEDULED,
                date__lte=request_obj.facility.today(),
                fulfilments__isnull=True,
            ).order_by("-date")
            sessions.label_from_instance = lambda s: f"{s.date:%d-%m-%Y} {s.start_time:%H.%M}"  # type: ignore[attr-defined]
        else:
            del self.fields["sessions"]
        sessions.required = False


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))


def request_move_field(move: Move, name: str) -> forms.Field:
    """A field of a request's move (``actions.REQUEST_MOVES`` says which move asks for it)."""
    if name == "accepted_quantity":
        return forms.DecimalField(label=_("Quantity accepted"), min_value=0, max_digits=12)
    labels: dict[str, Any] = {
        actions.R.DECLINED: _("Reason for declining"),
        actions.R.PARTIALLY_ACCEPTED: _("What is accepted, and why not all"),
    }
    label = labels.get(move.to, _("Note (optional)"))
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 2}))


def request_move_form(move: Move, data: Any = None) -> MoveForm:
    return MoveForm(move, request_move_field, data)


def action_item_field(move: Move, name: str) -> forms.Field:
    """The reason asked when an action item is dropped."""
    return forms.CharField(label=_("Reason for dropping"), max_length=300)


class MeetingForm(forms.ModelForm[Meeting]):
    """A coordination meeting of ``facility``: the partners offered are those it can work
    with (its region's and the national ones)."""

    class Meta:
        model = Meeting
        fields = [
            "title",
            "date",
            "place",
            "attendees",
            "partners",
            "guest_facilities",
            "guests",
            "minutes",
            "decisions",
        ]
        labels = {"attendees": _("People who attended"), "partners": _("Partners who attended")}
        widgets = {
            "date": DATE,
            "attendees": forms.CheckboxSelectMultiple,
            "partners": forms.CheckboxSelectMultiple,
            "guest_facilities": forms.CheckboxSelectMultiple,
            "guests": forms.Textarea(attrs={"rows": 3}),
            "minutes": forms.Textarea(attrs={"rows": 4}),
            "decisions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, facility: Facility, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.facility = facility
        self.fields["partners"].queryset = Partner.objects.serving(facility)  # type: ignore[attr-defined]
        self.fields["attendees"].queryset = meeting_attendee_choices(facility)  # type: ignore[attr-defined]
        self.fields["attendees"].label_from_instance = lambda u: u.get_full_name() or u.username  # type: ignore[attr-defined]
        self.fields["guest_facilities"].queryset = Facility.objects.filter(  # type: ignore[attr-defined]
            region_id=facility.region_id
        ).exclude(pk=facility.pk)

    def m2m(self) -> dict[str, Any]:
        """The attendance the action sets (not saved by the form)."""
        return {
            name: list(self.cleaned_data[name])
            for name in ("partners", "attendees", "guest_facilities")
        }

    def values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in self.m2m()}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # The action's rules, shown at their fields before the rows are read.
        for field, message in actions.meeting_problems(
            facility=self.facility, date=data.get("date")
        ).items():
            self.add_error(field, message)
        return data


class ActionItemForm(forms.Form):
    """One action agreed at a meeting. ``partners``: the owners offered, loaded once for
    the whole formset."""

    title = forms.CharField(label=_("Action"), max_length=300, required=False)
    due_date = forms.DateField(label=_("Due date"), widget=DATE, required=False)

    def __init__(
        self,
        *args: Any,
        partners: Sequence[Partner],
        meeting_date: datetime.date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.meeting_date = meeting_date
        self.fields["owner_partner"] = PartnerChoiceField(
            partners,
            label=_("Owner (partner)"),
            required=False,
            empty_label=_("None: the facility owns it"),
        )
        self.order_fields(["title", "owner_partner", "due_date"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # The action's rules, at the row's fields (the owners offered serve the facility).
        for field, message in actions.action_item_problems(
            data, meeting_date=self.meeting_date
        ).items():
            self.add_error(field, message)
        return data


ActionItemFormSet = forms.formset_factory(ActionItemForm, extra=5, max_num=20)
MORE_ROWS = 5


def action_item_formset(rows: int) -> type[forms.BaseFormSet[ActionItemForm]]:
    """``rows`` empty action-item rows (the page's "more rows" adds five at a time: a
    meeting has any number of action items)."""
    rows = max(1, min(rows, 100))
    return forms.formset_factory(ActionItemForm, extra=rows, max_num=rows, absolute_max=rows)


class MeetingAttachmentForm(forms.ModelForm[MeetingAttachment]):
    class Meta:
        model = MeetingAttachment
        fields = ["title", "file"]
        help_texts = {"file": _("Signed minutes, attendance sheet or a photo (PDF, JPG or PNG).")}


@dataclass(frozen=True)
class StoredFile:
    name: str
    url: str

    def __str__(self) -> str:
        return self.name


class StoredDocumentInput(forms.ClearableFileInput):
    """The upload of a replacement, with the stored file's name linking to ``url``: uploads
    are not served from MEDIA_URL but through a view that checks who asks."""

    def __init__(self, *, url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url = url

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"]:
            context["widget"]["value"] = StoredFile(value.name.rsplit("/", 1)[-1], self.url)
        return context


class AgreementForm(forms.ModelForm[Agreement]):
    """An agreement a facility signed. ``facilities``: those the user may record it for
    (asked only when there are several)."""

    class Meta:
        model = Agreement
        fields = [
            "facility",
            "kind",
            "number",
            "title",
            "partners",
            "parent",
            "scope",
            "signed_on",
            "start_date",
            "end_date",
            "status",
            "document",
        ]
        widgets = {
            "signed_on": DATE,
            "start_date": DATE,
            "end_date": DATE,
            "partners": forms.CheckboxSelectMultiple,
            "scope": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"title": _("Title of the agreement")}
        error_messages = {"partners": {"required": _("Tick at least one partner.")}}

    def __init__(
        self, *args: Any, user: Any, facilities: Sequence[Facility] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if len(facilities) > 1 and not self.instance.pk:
            facility = self.fields["facility"]
            facility.queryset = Facility.objects.filter(  # type: ignore[attr-defined]
                pk__in=[f.pk for f in facilities]
            ).order_by("name")
            facility.required = True
        else:
            del self.fields["facility"]
        signer = self.instance.facility if self.instance.facility_id else facilities[0]
        self.fields["partners"].queryset = Partner.objects.serving(  # type: ignore[attr-defined]
            signer, keep=Q(agreements=self.instance) if self.instance.pk else None
        )
        frameworks = Agreement.objects.for_user(user).filter(kind=AgreementKind.MOU)
        if self.instance.pk:
            frameworks = frameworks.exclude(pk=self.instance.pk).exclude(parent=self.instance)
        self.fields["parent"].queryset = frameworks.order_by("-start_date", "title")  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["document"].widget = StoredDocumentInput(
                url=reverse("cooperation:agreement_document", args=[self.instance.pk])
            )
        statuses = list(SETTABLE_STATUSES)
        if self.instance.status not in statuses:
            statuses.append(AgreementStatus(self.instance.status))
        status = self.fields["status"]
        status.choices = [(s.value, s.label) for s in statuses]  # type: ignore[attr-defined]
        # A new agreement may be signed by any of ``facilities``: the head of one decides.
        signed = (
            [self.instance] if self.instance.pk else [Agreement(facility=f) for f in facilities]
        )
        if not any(has_perm(user, "cooperation.approve_agreement", a) for a in signed):
            # The head approves: an officer sees the status but keeps it as it is.
            status.disabled = True
            status.help_text = _("Set by the head of the facility, who approves the agreement.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        problems = actions.agreement_problems(
            start_date=data.get("start_date"),
            end_date=data.get("end_date"),
            signed_on=data.get("signed_on"),
            parent=data.get("parent"),
            under=list(self.instance.operational_agreements.all()) if self.instance.pk else [],
        )
        for field, message in problems.items():
            self.add_error(field, message)
        facility = data.get("facility") if "facility" in self.fields else self.instance.facility
        if "number" in data and facility is not None:
            taken = actions.number_problem(
                number=data["number"], facility_id=facility.pk, agreement_id=self.instance.pk
            )
            if taken:
                self.add_error("number", taken)
        return data


class PartnerChoiceField(forms.ModelChoiceField[Partner]):
    """A partner among ``partners`` loaded once for a whole formset: no query per row to
    show the options or to read the answer."""

    def __init__(self, partners: Sequence[Partner], **kwargs: Any) -> None:
        super().__init__(queryset=Partner.objects.none(), **kwargs)
        self.partners = {str(p.pk): p for p in partners}
        self.choices = [("", self.empty_label or ""), *((p.pk, p.name) for p in partners)]

    def to_python(self, value: Any) -> Partner | None:
        if value in self.empty_values:
            return None
        partner = self.partners.get(str(getattr(value, "pk", value)))
        if partner is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return partner


class CommitmentForm(forms.ModelForm[Commitment]):
    class Meta:
        model = Commitment
        fields = ["partner", "kind", "description", "target_quantity", "unit", "due_date"]
        widgets = {"due_date": DATE}
        labels = {"unit": _("Unit")}

    def __init__(self, *args: Any, partners: Sequence[Partner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target = self.initial.get("target_quantity")
        if isinstance(target, Decimal):  # 96, not 96.00, in the input
            self.initial["target_quantity"] = trimmed(target)
        field = self.fields["partner"]
        self.fields["partner"] = PartnerChoiceField(
            partners,
            label=field.label,
            help_text=field.help_text,
            required=False,
            empty_label=_("None: the facility promised it"),
        )


class BaseCommitmentFormSet(forms.BaseInlineFormSet[Commitment, Agreement, CommitmentForm]):
    """The commitments of the agreement in ``agreement_form``, checked against its partners
    and period."""

    def __init__(self, *args: Any, agreement_form: AgreementForm, **kwargs: Any) -> None:
        self.agreement_form = agreement_form
        super().__init__(*args, **kwargs)
        self.extra = 1 if self.instance.pk else 2

    @cached_property
    def partners(self) -> list[Partner]:
        return list(self.agreement_form.fields["partners"].queryset)  # type: ignore[attr-defined]

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "partners": self.partners}

    def add_fields(self, form: Any, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this commitment")

    def clean(self) -> None:
        super().clean()
        self.agreement_form.is_valid()
        agreement = self.agreement_form.cleaned_data
        partners = agreement.get("partners")
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            problems = actions.commitment_problems(
                form.cleaned_data,
                partner_ids={p.pk for p in partners or ()},
                start_date=agreement.get("start_date"),
                end_date=agreement.get("end_date"),
            )
            if partners is None:  # the agreement's partners are wrong already
                problems.pop("partner", None)
            for field, message in problems.items():
                form.add_error(field, message)


CommitmentFormSet = forms.inlineformset_factory(
    Agreement,
    Commitment,
    form=CommitmentForm,
    formset=BaseCommitmentFormSet,
    extra=2,
    max_num=50,
    validate_max=True,
    can_delete=True,
    can_delete_extra=False,
)
