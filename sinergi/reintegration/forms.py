"""The reintegration pages' forms: parsing and presentation only.

Each form turns the posted text into typed values (a date that does not parse is a
field error, never today; a number that is not a whole number is a field error). Every
rule about the values (a partner serving the facility, a probation officer of the chosen
Bapas, dates within bounds, texts that fit) is the action's, so the page, the API and the
admin give the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sinergi.accounts.models import User
from sinergi.core.workflow import Move, MoveForm
from sinergi.inmates.choices import CrimeCategory, Right
from sinergi.orgs.models import Facility, Partner
from sinergi.programs.choices import ProgramCategory
from sinergi.programs.models import Skill
from sinergi.reintegration.choices import (
    LawfulBasis,
    NeedStatus,
    Outcome,
    Pathway,
    PlanStatus,
    ReferralStatus,
    Responsible,
)
from sinergi.reintegration.models import Need
from sinergi.reintegration.queries import (
    DEFAULT_HORIZON_DAYS,
    MAX_HORIZON_DAYS,
    WorklistSort,
    active_bapas,
)

DATE_ERROR = _("Give a date as YYYY-MM-DD.")
WHOLE_NUMBER_ERROR = _("Give a whole number.")
ISO_DATE = ["%Y-%m-%d"]


def date_field(*, required: bool = False) -> forms.DateField:
    """A date written as YYYY-MM-DD; anything else is a field error."""
    return forms.DateField(
        required=required,
        input_formats=ISO_DATE,
        error_messages={"invalid": DATE_ERROR, "required": DATE_ERROR},
    )


def text_field() -> forms.CharField:
    """A free text; its length is the action's rule."""
    return forms.CharField(required=False)


def partner_field(*, required: bool) -> forms.ModelChoiceField[Partner]:
    """A partner by id. Which partners may be named (active, serving the facility) is
    the action's rule; the page offers only those."""
    message = _("Choose the partner.")
    return forms.ModelChoiceField(
        queryset=Partner.objects.all(),
        required=required,
        error_messages={"required": message, "invalid_choice": message},
    )


class NeedForm(forms.Form):
    status = forms.ChoiceField(choices=NeedStatus.choices)
    responsible = forms.ChoiceField(choices=Responsible.choices)
    partner = partner_field(required=False)
    note = text_field()

    CHOICE_ERROR = _("Choose a status and who is responsible.")

    def choices_missing(self) -> bool:
        """Whether the status or who is responsible was not chosen from the list."""
        return "status" in self.errors or "responsible" in self.errors


class ConsentForm(forms.Form):
    partner = partner_field(required=True)
    given_on = date_field()
    purpose = text_field()
    basis = text_field()
    basis_reference = text_field()
    guardian_name = text_field()

    def clean_basis(self) -> str:
        # Left out, the basis is the person's consent; given, the action checks it.
        basis: str = self.cleaned_data.get("basis", "")
        return basis if "basis" in self.data else LawfulBasis.CONSENT


class ReferralForm(forms.Form):
    partner = partner_field(required=True)
    need = forms.ModelChoiceField(
        queryset=Need.objects.select_related("plan"),
        required=False,
        error_messages={"invalid_choice": _("Choose a need of this person's plan.")},
    )
    purpose = text_field()
    contact = text_field()


def referral_move_field(move: Move, name: str) -> forms.Field:
    """A field of a referral's move (``actions.REFERRAL_MOVES`` says which move asks for it)."""
    if name == "outcome":
        return forms.ChoiceField(label=_("Outcome"), choices=[("", "—"), *Outcome.choices])
    label = (
        _("Reason for declining") if move.to == ReferralStatus.DECLINED else _("Note (optional)")
    )
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 2}))


def referral_move_form(move: Move, data: Any = None) -> MoveForm:
    return MoveForm(move, referral_move_field, data)


class ReleaseForm(forms.Form):
    """The release and hand-over. Bound to the query string (``?bapas=``) before it is
    posted, to offer the chosen Bapas's probation officers."""

    released_on = date_field(required=True)
    kind = text_field()
    sk_number = text_field()
    sk_date = date_field()
    address = text_field()
    phone = text_field()
    guarantor = text_field()
    leaves_with = text_field()
    confirmed = forms.BooleanField(required=False)
    savings_rupiah = forms.IntegerField(
        required=False, error_messages={"invalid": WHOLE_NUMBER_ERROR}
    )
    bapas = forms.ModelChoiceField(
        queryset=active_bapas(),
        required=False,
        error_messages={"invalid_choice": _("Hand over to a Bapas.")},
    )
    probation_officer = forms.ModelChoiceField(queryset=User.objects.all(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bapas = self.chosen_bapas()
        message = (
            _("Choose a probation officer of %(bapas)s.") % {"bapas": str(bapas).replace("%", "%%")}
            if bapas is not None
            else _("Choose the Bapas of the probation officer.")
        )
        self.fields["probation_officer"].error_messages["invalid_choice"] = message

    def chosen_bapas(self) -> Facility | None:
        """The active Bapas named in the data, if any (before or without validation)."""
        value = str(self.data.get("bapas", ""))
        if not value.isdigit():
            return None
        found: Facility | None = active_bapas().filter(pk=value).first()
        return found


class FollowUpForm(forms.Form):
    contact_made = forms.BooleanField(required=False)
    work_status = text_field()
    income_source = text_field()
    housing = text_field()
    family = text_field()
    referrals_used = text_field()
    new_offence = forms.BooleanField(required=False)
    note = text_field()
    done_on = date_field()


class JobOpeningForm(forms.Form):
    title = text_field()
    sector = text_field()
    place = text_field()
    vacancies = forms.IntegerField(required=False, error_messages={"invalid": WHOLE_NUMBER_ERROR})
    skills_wanted = text_field()
    skill_categories = forms.MultipleChoiceField(
        choices=ProgramCategory.choices,
        required=False,
        error_messages={"invalid_choice": _("Choose categories of the list.")},
    )
    skills = forms.ModelMultipleChoiceField(
        queryset=Skill.objects.all(),
        required=False,
        error_messages={"invalid_choice": _("Choose skills of the list.")},
    )
    excluded_crime_categories = forms.MultipleChoiceField(
        choices=CrimeCategory.choices,
        required=False,
        error_messages={"invalid_choice": _("Choose categories of the list.")},
    )
    closing_date = date_field()

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "sector": data["sector"],
            "place": data["place"],
            "vacancies": 1 if data["vacancies"] is None else data["vacancies"],
            "skills_wanted": data["skills_wanted"],
            "skill_categories": data["skill_categories"],
            "skills": list(data["skills"]),
            "excluded_crime_categories": data["excluded_crime_categories"],
            "closing_date": data["closing_date"],
        }


class JobPostForm(forms.Form):
    """On an opening's page: put a person forward (``inmate``) or move an application
    (``application``, ``status``, ``note``)."""

    inmate = forms.IntegerField(required=False, min_value=1)
    application = forms.IntegerField(required=False, min_value=1)
    status = text_field()
    note = text_field()


# --- list filters (the query string) ---------------------------------------------------
#
# A filter that does not parse is never a 500: a value outside its list is ignored (the
# filter's default), a number of days is brought within its bounds and the page says so.


@dataclass(frozen=True)
class WorklistFilters:
    days: int  # from 1 to MAX_HORIZON_DAYS
    right: str  # "" (release or any right) or a Right
    plan: str  # "" (all) or a PlanStatus
    adjusted: bool  # the days asked were not a whole number from 1 to MAX_HORIZON_DAYS
    q: str = ""  # a name or registration number (part of)
    wali: str = ""  # "" (any), "none" (no wali) or a user id
    pathway: str = ""  # "" (any) or a Pathway with a need still open
    sort: str = WorklistSort.RELEASE
    facility: int | None = None  # a facility's id (beyond the reader's reach: nobody)
    region: int | None = None  # a region's id

    def query(self) -> dict[str, Any]:
        """The keyword arguments of :func:`worklist_queryset` after the horizon."""
        return {
            "right": self.right,
            "plan": self.plan,
            "q": self.q,
            "wali": self.wali,
            "pathway": self.pathway,
            "sort": self.sort,
            "facility": self.facility,
            "region": self.region,
        }


class WorklistFilterForm(forms.Form):
    """The release worklist's filters:
    ``?days=&right=&plan=&q=&wali=&pathway=&sort=&facility=&region=``."""

    days = forms.IntegerField(required=False)
    right = forms.ChoiceField(choices=[("", ""), *Right.choices], required=False)
    plan = forms.ChoiceField(choices=[("", ""), *PlanStatus.choices], required=False)
    q = forms.CharField(required=False, max_length=200)
    wali = forms.RegexField(regex=r"^(none|[0-9]{1,18})$", required=False)
    pathway = forms.ChoiceField(choices=[("", ""), *Pathway.choices], required=False)
    sort = forms.ChoiceField(choices=WorklistSort.choices, required=False)
    facility = forms.IntegerField(required=False, min_value=1, max_value=2**62)
    region = forms.IntegerField(required=False, min_value=1, max_value=2**62)

    def filters(self) -> WorklistFilters:
        """The filters to apply: each value that does not parse is its default."""
        self.is_valid()
        data = self.cleaned_data
        asked = str(self.data.get("days", "")).strip()
        days = data.get("days")
        horizon = DEFAULT_HORIZON_DAYS if days is None else max(1, min(days, MAX_HORIZON_DAYS))
        return WorklistFilters(
            days=horizon,
            right=data.get("right") or "",
            plan=data.get("plan") or "",
            adjusted=bool(asked) and (days is None or days != horizon),
            q=(data.get("q") or "").replace("\x00", "").strip(),
            wali=data.get("wali") or "",
            pathway=data.get("pathway") or "",
            sort=data.get("sort") or WorklistSort.RELEASE,
            facility=data.get("facility"),
            region=data.get("region"),
        )


class FollowUpFilterForm(forms.Form):
    """The follow-up list's filter: ``?show=all`` lists the done ones too; any other
    value lists those to do."""

    show = forms.ChoiceField(choices=[("", ""), ("all", "all")], required=False)

    def include_done(self) -> bool:
        self.is_valid()
        return self.cleaned_data.get("show") == "all"
