import datetime
import re
from collections.abc import Callable, Sequence
from typing import Any, Literal, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError
from ninja.pagination import paginate
from pydantic import AliasChoices

from sinergi import sentences as engine
from sinergi.core import audit
from sinergi.core.api import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    PageNumber,
    api_user,
    errors,
)
from sinergi.core.permissions import has_perm
from sinergi.inmates import pipeline
from sinergi.inmates.calculation import calculation_for
from sinergi.inmates.choices import CrimeCategory, InmateStatus, Right, SecurityLevel
from sinergi.inmates.models import Inmate
from sinergi.inmates.queries import place_message, place_needed
from sinergi.inmates.sheet import say_full_line, say_text
from sinergi.sentences import inputs as sentence_inputs

router = Router(tags=["inmates"])


class TermIn(Schema):
    years: int = Field(0, ge=0, le=100)
    months: int = Field(0, ge=0, le=1200)
    days: int = Field(0, ge=0, le=36500)


class DisciplinaryIn(Schema):
    date: datetime.date
    end_date: datetime.date | None = None


class RemissionGrantIn(Schema):
    """A remisi received: its date, its length in days and its kind."""

    granted_on: datetime.date
    days: int = Field(ge=0, le=36500)
    kind: Literal["umum", "khusus", "dasawarsa", "tambahan", "humanitarian", "pmp"] = "umum"


class DetentionPeriodIn(Schema):
    """A detention period that ended before the detention start (both days included):
    rutan counts in full, house detention 1/3, city detention 1/5 (KUHAP Pasal 22)."""

    start_date: datetime.date
    end_date: datetime.date
    kind: Literal["rutan", "house", "city"] = "rutan"


MAX_ITEMS = 200
MAX_CONSECUTIVE = 20
S = TypeVar("S")
T = TypeVar("T")


class CalculationIn(Schema):
    detention_start: datetime.date
    term: TermIn | Literal["life", "death"]
    crime_category: CrimeCategory
    verdict_date: datetime.date | None = Field(
        None, description="The day the verdict became final: chooses the rule set."
    )
    remission_days: int = Field(
        0, ge=0, le=36500, description="Total remisi received (0: the sum of `remissions`)."
    )
    remissions: list[RemissionGrantIn] = Field([], max_length=MAX_ITEMS)
    last_remission_days: int | None = Field(
        None, ge=0, le=36500, description="The last remisi received (the length of CMB)."
    )
    disciplinary_records: list[DisciplinaryIn] = Field([], max_length=MAX_ITEMS)
    detention_periods: list[DetentionPeriodIn] = Field(
        [],
        max_length=MAX_ITEMS,
        validation_alias=AliasChoices("detention_periods", "earlier_detention"),
        description="Earlier detention (also accepted as `earlier_detention`).",
    )
    consecutive_terms: list[TermIn] = Field([], max_length=MAX_CONSECUTIVE)
    commuted_on: datetime.date | None = Field(
        None, description="A life or death sentence commuted to the fixed `term` on this day."
    )
    fine_paid: bool | None = None
    fine_substitute_days: int = Field(0, ge=0, le=36500)
    restitution_paid: bool | None = None
    restitution_substitute_days: int = Field(0, ge=0, le=36500)
    deradicalisation_completed: bool | None = None
    nkri_pledge_signed: bool | None = None
    justice_collaborator: bool | None = None
    sentenced_as_child: bool = False
    age_at_offence: int | None = Field(None, ge=0, le=150)
    birth_date: datetime.date | None = None
    chronic_illness: bool | None = None
    as_of: datetime.date | None = None


class RightOut(Schema):
    status: str
    eligible_from: datetime.date | None
    ends_on: datetime.date | None = Field(
        None, description="PB: end of the probation; CB: end of the leave; CMB: release day."
    )
    almost_eligible: bool
    reason: str | None = None
    missing_conditions: list[str] = []
    explanation: list[str]


class CalculationOut(Schema):
    expiry_date: datetime.date | None
    expiry_after_remission: datetime.date | None
    one_third_date: datetime.date | None
    half_date: datetime.date | None
    two_thirds_date: datetime.date | None
    rights: dict[str, RightOut]
    rule_set: str = Field(description="The rule set's code, e.g. `permenkumham-3-2018`.")
    rule_set_title: str = Field(
        "", description="The rule set's readable title, in the request's language."
    )
    conventions_version: str = ""
    term_start: datetime.date | None = None
    release_date: datetime.date | None = None
    pb_probation_end: datetime.date | None = None
    explanation: list[str]


def _invalid(field: str | tuple[str | int, ...], message: str) -> ValidationError:
    loc = (field,) if isinstance(field, str) else field
    return ValidationError([{"loc": ("body", "payload", *loc), "msg": message}])


# "earlier_detention[1].start_date" (the engine's name of an input) as the request's
# location: ("detention_periods", 1, "start_date").
_ENGINE_FIELD = re.compile(r"(?P<name>\w+)\[(?P<index>\d+)\](?:\.(?P<rest>[\w.]+))?")
_REQUEST_NAMES = {"earlier_detention": "detention_periods"}


def _location(field: str, order: dict[str, list[int]]) -> tuple[str | int, ...]:
    match = _ENGINE_FIELD.fullmatch(field)
    if match is None:
        return (_REQUEST_NAMES.get(field, field),)
    name = match["name"]
    index = int(match["index"])
    indices = order.get(name)
    if indices is not None and index < len(indices):
        index = indices[index]
    rest = tuple(match["rest"].split(".")) if match["rest"] else ()
    return (_REQUEST_NAMES.get(name, name), index, *rest)


def _term(term: TermIn, field: tuple[str | int, ...]) -> engine.Term:
    if not (term.years or term.months or term.days):
        raise _invalid(field, "A fixed term must be longer than zero.")
    return engine.Term.fixed(term.years, term.months, term.days)


def _items(name: str, items: Sequence[S], build: Callable[[S], T]) -> list[T]:
    """Each item built by the engine; its refusal at ``name.index.field``."""
    built = []
    for index, item in enumerate(items):
        try:
            built.append(build(item))
        except engine.SentenceInputError as exc:
            raise _invalid((name, index, *exc.field.split(".")), exc.message) from None
    return built


def calculation_out(result: engine.Calculation) -> dict[str, Any]:
    """The calculation as the API answers it: the codes as they are, the rule set's title
    and each sheet line (with its legal basis in brackets) in the request's language."""

    def right(item: engine.RightResult) -> dict[str, Any]:
        return {
            "status": item.status.value,
            "eligible_from": item.eligible_from,
            "ends_on": item.ends_on,
            "almost_eligible": item.almost_eligible,
            "reason": None if item.reason is None else say_full_line(item.reason),
            "missing_conditions": list(item.missing_conditions),
            "explanation": [say_full_line(line) for line in item.explanation],
        }

    return {
        "expiry_date": result.expiry_date,
        "expiry_after_remission": result.expiry_after_remission,
        "one_third_date": result.one_third_date,
        "half_date": result.half_date,
        "two_thirds_date": result.two_thirds_date,
        "rights": {key: right(value) for key, value in result.rights.items()},
        "rule_set": result.rule_set,
        "rule_set_title": say_text(result.rule_set_title),
        "conventions_version": result.conventions_version,
        "term_start": result.term_start,
        "release_date": result.release_date,
        "pb_probation_end": result.pb_probation_end,
        "explanation": [say_full_line(line) for line in result.explanation],
    }


@router.post(
    "/sentence-calculations",
    response={200: CalculationOut, **errors(400, 401, 422)},
    summary="Compute a sentence's dates",
)
def sentence_calculation(request: HttpRequest, payload: CalculationIn) -> dict[str, Any]:
    """The key dates and the integration rights of a sentence, with the calculation
    sheet, under the rule set named in the answer (chosen by the verdict date, else the
    detention start). The sheet's lines, the reasons and the rule set's title are in the
    request's language (`Accept-Language`); `status` and `rule_set` are codes. Nothing is
    stored."""
    if isinstance(payload.term, str):
        term = engine.Term.life() if payload.term == "life" else engine.Term.death()
    else:
        term = _term(payload.term, ("term",))
    consecutive = [
        _term(extra, ("consecutive_terms", index))
        for index, extra in enumerate(payload.consecutive_terms)
    ]
    records = _items(
        "disciplinary_records",
        payload.disciplinary_records,
        lambda r: engine.DisciplinaryPeriod(r.date, r.end_date),
    )
    grants = _items(
        "remissions",
        payload.remissions,
        lambda g: sentence_inputs.RemissionGrant(g.granted_on, g.days, g.kind),
    )
    periods = _items(
        "detention_periods",
        payload.detention_periods,
        lambda p: sentence_inputs.DetentionPeriod(
            p.start_date, p.end_date, sentence_inputs.DetentionKind(p.kind)
        ),
    )
    # The engine sorts the detention periods by their start: its index of a period is
    # mapped back to the request's.
    order = {
        "earlier_detention": sorted(
            range(len(periods)), key=lambda index: periods[index].start_date
        )
    }
    try:
        sentence = engine.SentenceInput(
            detention_start=payload.detention_start,
            term=term,
            crime_category=engine.CrimeCategory(payload.crime_category),
            remission_days=payload.remission_days,
            disciplinary_records=records,
            fine_paid=payload.fine_paid,
            restitution_paid=payload.restitution_paid,
            deradicalisation_completed=payload.deradicalisation_completed,
            nkri_pledge_signed=payload.nkri_pledge_signed,
            last_remission_days=payload.last_remission_days,
            verdict_date=payload.verdict_date,
            remissions=grants,
            earlier_detention=[periods[index] for index in order["earlier_detention"]],
            consecutive_terms=consecutive,
            commuted_on=payload.commuted_on,
            fine_substitute_days=payload.fine_substitute_days,
            restitution_substitute_days=payload.restitution_substitute_days,
            justice_collaborator=payload.justice_collaborator,
            sentenced_as_child=payload.sentenced_as_child,
            age_at_offence=payload.age_at_offence,
            birth_date=payload.birth_date,
            chronic_illness=payload.chronic_illness,
        )
        result = engine.calculate(sentence, as_of=payload.as_of or timezone.localdate())
    except engine.SentenceInputError as exc:
        raise _invalid(_location(exc.field, order), exc.message) from None
    except OverflowError:
        # A date beyond the calendar's end (a term of thousands of years).
        field = "consecutive_terms" if consecutive else "term"
        raise _invalid(field, "The resulting date is out of range.") from None
    return calculation_out(result)


class SentenceOut(Schema):
    verdict_number: str
    court: str
    crime_category: str
    crime_text: str
    legal_articles: str
    term_kind: str
    term_years: int
    term_months: int
    term_days: int
    detention_start: datetime.date
    verdict_date: datetime.date | None
    commuted_on: datetime.date | None
    sentenced_as_child: bool
    age_at_offence: int | None
    fine_paid: bool | None
    fine_substitute_days: int | None
    restitution_paid: bool | None
    restitution_substitute_days: int | None
    justice_collaborator: bool | None
    remission_days: int
    # Computed (stored at the last recalculation).
    term_start: datetime.date | None
    expiry_date: datetime.date | None
    expiry_after_remission: datetime.date | None
    release_date: datetime.date | None
    one_third_date: datetime.date | None
    half_date: datetime.date | None
    two_thirds_date: datetime.date | None
    pb_probation_end: datetime.date | None
    rule_set: str


class InmateOut(Schema):
    id: int
    facility: str
    registration_number: str
    name: str
    sex: str
    status: str
    security_level: str
    register_class: str
    crime_category: str | None
    expiry_after_remission: datetime.date | None
    wali_id: int | None = Field(None, description="The user id of the person's wali.")
    wali: str | None = Field(None, description="The full name of the person's wali.")

    @staticmethod
    def resolve_facility(obj: Inmate) -> str:
        return obj.facility.code

    @staticmethod
    def resolve_wali(obj: Inmate) -> str | None:
        return obj.wali.get_full_name() if obj.wali else None

    @staticmethod
    def resolve_crime_category(obj: Inmate) -> str | None:
        sentence = getattr(obj, "sentence", None)
        return sentence.crime_category if sentence else None

    @staticmethod
    def resolve_expiry_after_remission(obj: Inmate) -> datetime.date | None:
        sentence = getattr(obj, "sentence", None)
        return sentence.expiry_after_remission if sentence else None


class RemissionOut(Schema):
    kind: str
    year: int
    months: int
    days: int
    decree_number: str
    granted_on: datetime.date | None


class DisciplinaryOut(Schema):
    date: datetime.date
    violation: str
    sanction: str
    end_date: datetime.date | None


class DetentionPeriodOut(Schema):
    start_date: datetime.date
    end_date: datetime.date
    kind: str
    note: str


class ConsecutiveSentenceOut(Schema):
    verdict_number: str
    court: str
    years: int
    months: int
    days: int


class InmateDetailOut(InmateOut):
    nik: str
    birth_date: datetime.date | None
    religion: str
    home_regency: str
    education: str
    chronic_illness: bool | None
    sentence: SentenceOut | None = None
    remissions: list[RemissionOut]
    disciplinary_records: list[DisciplinaryOut]
    detention_periods: list[DetentionPeriodOut]
    consecutive_sentences: list[ConsecutiveSentenceOut]
    calculation: CalculationOut | None


@router.get(
    "/inmates", response={200: list[InmateOut], **errors(401, 422)}, summary="Inmates you can reach"
)
@paginate(PageNumber)
def list_inmates(
    request: HttpRequest,
    q: str = "",
    status: InmateStatus | None = None,
    crime_category: CrimeCategory | None = None,
    security_level: SecurityLevel | None = None,
    released_before: datetime.date | None = None,
) -> QuerySet[Inmate]:
    inmates = (
        Inmate.objects.for_user(api_user(request))
        .select_related("facility", "sentence", "wali")
        .search(q)
    )
    if status:
        inmates = inmates.filter(status=status)
    if crime_category:
        inmates = inmates.filter(sentence__crime_category=crime_category)
    if security_level:
        inmates = inmates.filter(security_level=security_level)
    if released_before:
        inmates = inmates.filter(sentence__expiry_after_remission__lt=released_before)
    audit.read_list(request, "inmate.list")
    return inmates.order_by(Lower("name"), "id")


@router.get(
    "/inmates/{inmate_id}",
    response={200: InmateDetailOut, **errors(401, 404, 422)},
    summary="One inmate",
)
def get_inmate(request: HttpRequest, inmate_id: int) -> Inmate:
    inmate = get_object_or_404(
        Inmate.objects.for_user(api_user(request))
        .select_related("facility", "sentence", "wali")
        .prefetch_related(
            "remissions", "disciplinary_records", "detention_periods", "consecutive_sentences"
        ),
        pk=inmate_id,
    )
    audit.read(request, "inmate.view", target=inmate)
    sentence = getattr(inmate, "sentence", None)
    calculation = calculation_out(calculation_for(inmate)) if sentence else None
    inmate.calculation = calculation  # type: ignore[attr-defined]
    return inmate


class WaliIn(Schema):
    wali_id: int | None = Field(
        description="The user id of an active wali (guardian officer) of the person's "
        "facility; null: nobody.",
    )


@router.put(
    "/inmates/{inmate_id}/wali",
    response={200: InmateOut, **errors(400, 401, 403, 404, 422)},
    summary="Name a person's wali (the facility's program officers and head)",
)
def set_wali(request: HttpRequest, inmate_id: int, payload: WaliIn) -> Inmate:
    from sinergi.accounts.models import User
    from sinergi.inmates import actions

    user = api_user(request)
    inmate = get_object_or_404(
        Inmate.objects.for_user(user).select_related("facility", "sentence"), pk=inmate_id
    )
    wali = None
    if payload.wali_id is not None:
        # An id that names nobody is refused by the action as any non-wali is (422 at wali).
        wali = User.objects.filter(pk=payload.wali_id).first() or User(pk=payload.wali_id)
    actions.assign_wali(inmate=inmate, wali=wali, by=user)
    return Inmate.objects.select_related("facility", "sentence", "wali").get(pk=inmate.pk)


# --- the integration-rights pipeline ------------------------------------------------------


class PipelineLastProposalOut(Schema):
    id: int
    stage: str = Field(description="`refused` or `withdrawn`.")
    on: datetime.date = Field(description="The day it was refused or withdrawn.")
    reason: str
    sk_number: str = Field(description="The decree's number when one was recorded, else empty.")
    sk_date: datetime.date | None
    document_id: int | None = Field(
        description="The decree or letter recorded with the refusal or withdrawal (else the"
        " proposal's latest SK), to read at /proposals/documents/{id}/; null when none."
    )


class PipelineRightOut(Schema):
    right: str = Field(description="`asimilasi`, `pb`, `cb`, `cmb` or `cmk`.")
    status: str = Field(description="`eligible` or `blocked`.")
    state: pipeline.EligibilityState
    eligible_from: datetime.date | None
    ends_on: datetime.date | None
    missing_conditions: list[str]
    stage: str | None = Field(
        None,
        description="The open proposal's stage (`not_proposed`: due, nobody proposed it"
        " yet);"
        " null without proposals.",
    )
    stage_since: datetime.date | None = None
    days_waiting: int | None = Field(
        None,
        description="Days since the stage began (or the right became due, or its last"
        " proposal was refused or withdrawn).",
    )
    not_proposed_in_time: bool = Field(
        False, description="The right could have been proposed earlier (see `not_proposed_since`)."
    )
    last_proposal: PipelineLastProposalOut | None = Field(
        None,
        description="The right's last proposal when it was refused or withdrawn and none is"
        " open since (then `stage` is `refused` or `withdrawn`).",
    )
    may_be_started: bool = Field(
        False,
        description="A proposal may be started for it: eligible with a date, none open, the"
        " release day not come.",
    )
    can_start: bool = Field(
        False,
        description="`may_be_started` and the caller may start it (POST /api/v1/proposals).",
    )
    not_proposed_since: datetime.date | None = Field(
        None,
        description="Eligible, the date passed and no proposal open: since when (the"
        " eligibility date, or the day the last proposal was closed when later).",
    )
    not_proposed_days: int | None = None


class PipelinePersonOut(Schema):
    id: int
    name: str
    registration_number: str
    facility: str
    wali_id: int | None
    wali: str | None
    earliest_right: datetime.date | None
    days_waiting: int | None = Field(description="The person's longest wait, in days.")
    could_have_been_proposed_earlier: bool | None = Field(
        description="A right's eligibility date passed and no proposal for it is open (none"
        " started, or the last refused or withdrawn), the release day not come (null without"
        " proposals)."
    )
    not_proposed_days: int | None = Field(
        None, description="The longest of the rights' `not_proposed_days`."
    )
    release_overdue_days: int | None = Field(
        None,
        description="Held on or after the release day (the release date after a substitute"
        " term, else the expiry after remisi, or a granted right's start): the days since it"
        " (0: it is today); null when it has not come. Such a person is to be released, not"
        " proposed: their rights' state is `release_today` on the day itself and"
        " `release_overdue` after it.",
    )
    rights: list[PipelineRightOut]


class PipelinePage(Schema):
    items: list[PipelinePersonOut]
    count: int = Field(description="How many people (not rights) match.")


def _last_proposal(closed: pipeline.ClosedInfo | None) -> dict[str, Any] | None:
    if closed is None:
        return None
    return {
        "id": closed.proposal_id,
        "stage": closed.stage,
        "on": closed.on,
        "reason": closed.reason,
        "sk_number": closed.sk_number,
        "sk_date": closed.sk_date,
        "document_id": closed.document_id,
    }


def _pipeline_person(row: pipeline.PersonRow) -> dict[str, Any]:
    person = row.inmate
    wali = person.wali
    return {
        "id": person.pk,
        "name": person.name,
        "registration_number": person.registration_number,
        "facility": person.facility.code,
        "wali_id": person.wali_id,
        "wali": wali.get_full_name() if wali else None,
        "earliest_right": row.earliest_right,
        "days_waiting": row.days_waiting,
        "could_have_been_proposed_earlier": row.late,
        "not_proposed_days": row.not_proposed_days,
        "release_overdue_days": row.release_overdue_days,
        "rights": [
            {
                "right": r.right,
                "status": r.status,
                "state": r.state,
                "eligible_from": r.eligible_from,
                "ends_on": r.ends_on,
                "missing_conditions": r.missing_conditions,
                "stage": r.stage,
                "stage_since": r.stage_since,
                "days_waiting": r.days_waiting,
                "not_proposed_in_time": r.not_proposed_in_time,
                "last_proposal": _last_proposal(r.closed),
                "may_be_started": r.may_be_started,
                "can_start": bool(r.start_url),
                "not_proposed_since": r.late_since,
                "not_proposed_days": r.late_days,
            }
            for r in row.rights
        ],
    }


@router.get(
    "/rights-pipeline",
    response={200: PipelinePage, **errors(401, 403, 422)},
    summary="The integration-rights pipeline: each person once, with their rights",
)
def rights_pipeline(
    request: HttpRequest,
    q: str = Query("", max_length=200, description="Name, alias or registration number."),
    right: Right | None = None,
    state: pipeline.EligibilityState | None = None,
    stage: str = Query("", max_length=20, description="A proposal stage (with proposals)."),
    waiting: pipeline.Waiting | None = None,
    wali: str = Query(
        "", pattern=r"^(none|[0-9]{1,18})?$", description="A wali's user id, or `none`."
    ),
    late: bool = Query(
        False,
        description="Only the people who could have been proposed earlier: a right's"
        " eligibility date passed and no proposal for it is open.",
    ),
    sort: pipeline.Sort = pipeline.Sort.DATE,
    facility: int | None = Query(None, ge=1, le=2**62, description="A facility's id."),
    region: int | None = Query(None, ge=1, le=2**62, description="A region's id."),
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
) -> dict[str, Any]:
    """The people in custody with an integration right that the caller reaches (facility
    staff their facility's, a regional viewer the region's), one item per person with all
    their rights; `count` counts people. The filters are the page's (`/inmates/rights/`).
    Beyond 50,000 people in custody in the caller's reach (the country), a `facility` or
    a `region` is required (422 otherwise), as on the page. Partners and probation
    officers are refused (403). The read is audited."""
    user = api_user(request)
    if not has_perm(user, "inmates.view_inmate"):
        raise PermissionDenied(_("Only facility staff and regional viewers read the pipeline."))
    source = pipeline.stage_source()
    stages = {v for v, _label in source.stage_choices()} if source else set()
    if stage and stage not in stages:
        raise ValidationError(
            [{"loc": ("query", "stage"), "msg": "Not a stage: " + ", ".join(sorted(stages))}]
        )
    filters = pipeline.Filters.from_query(
        {
            "q": q,
            "right": right or "",
            "state": state or "",
            "stage": stage,
            "waiting": waiting or "",
            "wali": wali,
            "late": "1" if late else "",
            "sort": sort,
            "facility": str(facility or ""),
            "region": str(region or ""),
        }
    )
    reach = place_needed(user, **filters.place())
    if reach is not None:
        raise ValidationError([{"loc": ("query", "facility"), "msg": place_message(reach)}])
    today = timezone.localdate()
    people = pipeline.pipeline(user, filters, today)
    count = people.count()
    shown = list(people[(page - 1) * page_size : page * page_size])
    audit.read_list(request, "inmate.rights.list", count=count)
    return {
        "items": [_pipeline_person(row) for row in pipeline.rows(shown, today, user)],
        "count": count,
    }
