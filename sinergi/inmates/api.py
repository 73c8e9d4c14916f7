import datetime
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import ValidationError
from ninja.pagination import paginate

from sinergi import sentences as engine
from sinergi.core import audit
from sinergi.core.api import PageNumber, api_user, errors
from sinergi.inmates.calculation import calculation_for
from sinergi.inmates.choices import CrimeCategory, InmateStatus, SecurityLevel
from sinergi.inmates.models import Inmate

router = Router(tags=["inmates"])


class TermIn(Schema):
    years: int = Field(0, ge=0, le=100)
    months: int = Field(0, ge=0, le=1200)
    days: int = Field(0, ge=0, le=36500)


class DisciplinaryIn(Schema):
    date: datetime.date
    end_date: datetime.date | None = None


class CalculationIn(Schema):
    detention_start: datetime.date
    term: TermIn | Literal["life", "death"]
    crime_category: CrimeCategory
    remission_days: int = Field(0, ge=0, le=36500)
    disciplinary_records: list[DisciplinaryIn] = []
    fine_paid: bool | None = None
    restitution_paid: bool | None = None
    deradicalisation_completed: bool | None = None
    nkri_pledge_signed: bool | None = None
    as_of: datetime.date | None = None


class RightOut(Schema):
    status: str
    eligible_from: datetime.date | None
    almost_eligible: bool
    explanation: list[str]


class CalculationOut(Schema):
    expiry_date: datetime.date | None
    expiry_after_remission: datetime.date | None
    one_third_date: datetime.date | None
    half_date: datetime.date | None
    two_thirds_date: datetime.date | None
    rights: dict[str, RightOut]
    rule_set: str
    explanation: list[str]


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError([{"loc": ("body", "payload", field), "msg": message}])


@router.post(
    "/sentence-calculations",
    response={200: CalculationOut, **errors(400, 401, 422)},
    summary="Compute a sentence's dates",
)
def sentence_calculation(request: HttpRequest, payload: CalculationIn) -> dict[str, Any]:
    """The key dates and the integration rights of a sentence, with the calculation
    sheet, under the rule set named in the answer. Nothing is stored."""
    if isinstance(payload.term, str):
        term = engine.Term.life() if payload.term == "life" else engine.Term.death()
    else:
        if not (payload.term.years or payload.term.months or payload.term.days):
            raise _invalid("term", "A fixed term must be longer than zero.")
        term = engine.Term.fixed(payload.term.years, payload.term.months, payload.term.days)
    try:
        sentence = engine.SentenceInput(
            detention_start=payload.detention_start,
            term=term,
            crime_category=engine.CrimeCategory(payload.crime_category),
            remission_days=payload.remission_days,
            disciplinary_records=[
                engine.DisciplinaryPeriod(r.date, r.end_date) for r in payload.disciplinary_records
            ],
            fine_paid=payload.fine_paid,
            restitution_paid=payload.restitution_paid,
            deradicalisation_completed=payload.deradicalisation_completed,
            nkri_pledge_signed=payload.nkri_pledge_signed,
        )
        result = engine.calculate(sentence, as_of=payload.as_of or timezone.localdate())
    except engine.SentenceInputError as exc:
        raise _invalid(exc.field, str(exc)) from None
    return result.to_dict()


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
    remission_days: int
    expiry_date: datetime.date | None
    expiry_after_remission: datetime.date | None
    one_third_date: datetime.date | None
    half_date: datetime.date | None
    two_thirds_date: datetime.date | None


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

    @staticmethod
    def resolve_facility(obj: Inmate) -> str:
        return obj.facility.code

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


class InmateDetailOut(InmateOut):
    nik: str
    birth_date: datetime.date | None
    religion: str
    home_regency: str
    education: str
    sentence: SentenceOut | None = None
    remissions: list[RemissionOut]
    disciplinary_records: list[DisciplinaryOut]
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
        Inmate.objects.for_user(api_user(request)).select_related("facility", "sentence").search(q)
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
    return inmates.order_by("name", "id")


@router.get(
    "/inmates/{inmate_id}",
    response={200: InmateDetailOut, **errors(401, 404, 422)},
    summary="One inmate",
)
def get_inmate(request: HttpRequest, inmate_id: int) -> Inmate:
    inmate = get_object_or_404(
        Inmate.objects.for_user(api_user(request))
        .select_related("facility", "sentence")
        .prefetch_related("remissions", "disciplinary_records"),
        pk=inmate_id,
    )
    audit.read(request, "inmate.view", target=inmate)
    sentence = getattr(inmate, "sentence", None)
    calculation = calculation_for(inmate).to_dict() if sentence else None
    inmate.calculation = calculation  # type: ignore[attr-defined]
    return inmate
