"""The indicator catalogue: what each figure means and how SQL computes it.

Every indicator is computed for a :class:`Query`: a period, an area (the whole country, a
region, a facility or a partner) and an optional grouping (by facility, region, partner,
or a breakdown such as program category). One indicator, one grouping: one SQL query
(two for a few), whatever the number of rows, so a dashboard runs a fixed number of
queries.

A figure is a :class:`Value`: the numerator and the denominator it came from, and the
value (a percentage, a count, a sum, an average or a median).
"""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override, pgettext_lazy

from sinergi.cooperation import contributions
from sinergi.cooperation.health import DORMANT_AFTER_DAYS, commitments_with_progress
from sinergi.cooperation.models import Agreement, Commitment, Fulfilment, SupportRequest
from sinergi.indicators.periods import Period
from sinergi.inmates.choices import Right
from sinergi.inmates.custody import in_custody_during
from sinergi.inmates.models import Inmate, MonthlyAssessment
from sinergi.inmates.queries import overdue_releases
from sinergi.orgs.models import Partner
from sinergi.programs.models import Attendance, Certificate, Enrollment
from sinergi.proposals.choices import Stage
from sinergi.proposals.models import Proposal, ProposalEvent
from sinergi.reintegration.models import (
    FollowUp,
    Need,
    NeedUpdate,
    Readmission,
    Referral,
    Release,
)

# The SPPN pass mark (DOMAIN.md: 65, uncertain: practice varies). A named parameter so
# that a facility's practice can be followed by changing one line.
SPPN_PASS_MARK = 65
# Releases that end custody without a return to society are left out of reintegration
# figures.
NOT_A_RETURN = ("transfer", "death")
WORKING = ("employed", "self_employed")

# Levels at which an indicator is shown.
FACILITY = "facility"
REGION = "region"
NATIONAL = "national"
PARTNER = "partner"
ALL_LEVELS = (FACILITY, REGION, NATIONAL)

# How the value follows from the numerator and the denominator.
RATIO = "ratio"  # value = 100 x numerator / denominator
COUNT = "count"  # value = numerator, a number of records
SUM = "sum"  # value = numerator, a sum (hours, rupiah); no denominator
AVERAGE = "average"  # value = numerator / denominator
MEDIAN = "median"  # value = the median; denominator = how many records

GROUPS = {
    "participation": _("Participation in programs"),
    "cooperation": _("Cooperation with partners"),
    "reintegration": _("Reintegration"),
    "proposals": _("Integration-right proposals"),
    "development": _("Development (SPPN)"),
}

UNITS = {
    "percent": "%",
    "count": _("records"),
    "people": _("people"),
    "hours": pgettext_lazy("unit of measure", "hours"),
    "rupiah": "Rp",
    "days": _("days"),
    "score": _("points"),
}


@dataclass(frozen=True)
class Query:
    period: Period
    area: str = NATIONAL  # national | region | facility | partner
    area_id: int | None = None
    by: str | None = None  # None | facility | region | partner | a breakdown name

    def with_by(self, by: str | None) -> Query:
        return Query(self.period, self.area, self.area_id, by)


@dataclass(frozen=True)
class Value:
    numerator: Decimal
    denominator: Decimal | None
    value: Decimal | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "numerator": _number(self.numerator),
            "denominator": _number(self.denominator),
            "value": _number(self.value),
        }


def _filled(text: Any, values: dict[str, Any]) -> Any:
    """``text % values``, translated when shown rather than when the module loads."""
    return lazy(lambda: str(text) % values, str)()


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _dec(value: Any) -> Decimal:
    if value is None:
        return Decimal(0)
    if isinstance(value, datetime.timedelta):
        return Decimal(str(value.total_seconds() / 86400))
    return Decimal(str(value))


def _round(value: Decimal, places: int = 1) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def make_value(kind: str, numerator: Any, denominator: Any = None) -> Value:
    num = _dec(numerator)
    if kind in (COUNT, SUM):
        return Value(num, None, num)
    den = _dec(denominator)
    if kind == RATIO:
        return Value(num, den, _round(100 * num / den) if den else None)
    if kind == AVERAGE:
        return Value(num, den, _round(num / den) if den else None)
    # MEDIAN: the numerator is the median itself.
    return Value(_round(num) if den else num, den, _round(num) if den else None)


@dataclass(frozen=True)
class Paths:
    """Where a queryset's rows meet the areas and groupings.

    ``facility`` names the facility (alternatives are tried in order), ``own_region``
    a region the row may belong to without a facility (a Kanwil agreement), ``partner``
    the partner, ``breakdowns`` the other groupings. ``partner_rows``, when given, is the
    condition for a partner's own figures (its dashboard) in place of ``partner``: the
    rows of the programs it delivers as ``cooperation.contributions`` defines them.
    """

    facility: tuple[str, ...]
    partner: str | None = None
    own_region: str | None = None
    breakdowns: Mapping[str, str] = field(default_factory=dict)
    partner_rows: Callable[[Partner], Q] | None = None


@dataclass(frozen=True)
class Indicator:
    id: str
    group: str
    name: Any
    definition: Any
    formula: Any
    records: Any
    unit: str
    kind: str
    levels: tuple[str, ...]
    compute: Callable[[Query], dict[Any, Value]]
    breakdowns: tuple[str, ...] = ()
    by_partner: bool = False
    # The rows behind the figure in the query's area: what the numerator counts (for a
    # sum, what it adds up; for an average or a median, the rows it is taken over), and
    # the field of each row that contributes to a sum, an average or a median.
    rows: Callable[[Query], QuerySet[Any]] | None = None
    contribution: str = ""

    def supports(self, by: str | None) -> bool:
        if by in (None, FACILITY, REGION):
            return True
        if by == PARTNER:
            return self.by_partner
        return by in self.breakdowns

    @property
    def traceable(self) -> bool:
        """Whether the rows behind the figure can be listed."""
        return self.rows is not None

    def shown_at(self, level: str) -> bool:
        return level in self.levels

    def describe(self) -> dict[str, Any]:
        """The catalogue entry in both languages, for the API and open data."""
        entry: dict[str, Any] = {
            "id": self.id,
            "group": self.group,
            "unit": self.unit,
            "kind": self.kind,
            "levels": list(self.levels),
            "breakdowns": list(self.breakdowns) + (["partner"] if self.by_partner else []),
        }
        for language in ("id", "en"):
            with override(language):
                entry[f"name_{language}"] = str(self.name)
                entry[f"definition_{language}"] = str(self.definition)
                entry[f"formula_{language}"] = str(self.formula)
                entry[f"records_{language}"] = str(self.records)
        return entry


# -- the SQL plumbing -----------------------------------------------------------------


def _facility_expr(paths: Paths) -> Any:
    if len(paths.facility) == 1:
        return F(paths.facility[0])
    return Coalesce(*[F(p) for p in paths.facility])


def _region_expr(paths: Paths) -> Any:
    parts = [F(f"{p}__region") for p in paths.facility]
    if paths.own_region:
        parts.append(F(paths.own_region))
    return parts[0] if len(parts) == 1 else Coalesce(*parts)


def _in_area(qs: QuerySet[Any], q: Query, paths: Paths) -> QuerySet[Any] | None:
    """``qs`` narrowed to the query's area; None when the area does not apply."""
    if q.area == FACILITY:
        cond = Q()
        for path in paths.facility:
            cond |= Q(**{path: q.area_id})
        return qs.filter(cond)
    if q.area == REGION:
        cond = Q()
        for path in paths.facility:
            cond |= Q(**{f"{path}__region": q.area_id})
        if paths.own_region:
            cond |= Q(**{paths.own_region: q.area_id})
        return qs.filter(cond)
    if q.area == PARTNER:
        if paths.partner_rows is not None:
            return qs.filter(paths.partner_rows(Partner(pk=q.area_id)))
        if not paths.partner:
            return None
        return qs.filter(**{paths.partner: q.area_id})
    return qs


def _key_expr(q: Query, paths: Paths) -> Any:
    if q.by == FACILITY:
        return _facility_expr(paths)
    if q.by == REGION:
        return _region_expr(paths)
    if q.by == PARTNER:
        if not paths.partner:
            raise ValueError("no partner path")
        return F(paths.partner)
    if q.by is not None and q.by in paths.breakdowns:
        return F(paths.breakdowns[q.by])
    raise ValueError(f"unknown grouping {q.by!r}")


def grouped(
    qs: QuerySet[Any], q: Query, paths: Paths, **aggregates: Any
) -> dict[Any, dict[str, Any]]:
    """One query: ``aggregates`` over ``qs`` in the query's area, per group."""
    narrowed = _in_area(qs, q, paths)
    if narrowed is None:
        return {}
    if q.by is None:
        return {None: narrowed.aggregate(**aggregates)}
    rows = (
        narrowed.annotate(_key=_key_expr(q, paths)).values("_key").annotate(**aggregates).order_by()
    )
    return {row.pop("_key"): row for row in rows if row["_key"] is not None}


def _values(
    rows: dict[Any, dict[str, Any]], kind: str, num: str = "num", den: str = "den"
) -> dict[Any, Value]:
    return {key: make_value(kind, row[num], row.get(den)) for key, row in rows.items()}


def _rows(
    base: Callable[[Query], QuerySet[Any]], paths: Paths, where: Q | None = None
) -> Callable[[Query], QuerySet[Any]]:
    """The rows of ``base`` in the query's area (that ``where`` keeps): the records
    behind a figure computed by :func:`grouped` over the same ``base`` and paths."""

    def rows(q: Query) -> QuerySet[Any]:
        chosen = base(q) if where is None else base(q).filter(where)
        narrowed = _in_area(chosen, q, paths)
        return chosen.none() if narrowed is None else narrowed

    return rows


def _simple(
    kind: str,
    base: Callable[[Query], QuerySet[Any]],
    paths: Paths,
    num: Any,
    den: Any = None,
) -> Callable[[Query], dict[Any, Value]]:
    def compute(q: Query) -> dict[Any, Value]:
        aggregates = {"num": num} if den is None else {"num": num, "den": den}
        return _values(grouped(base(q), q, paths, **aggregates), kind)

    return compute


# -- participation ---------------------------------------------------------------------

PROGRAM_BREAKDOWNS = {"kind": "program__kind", "category": "program__category"}


def _in_custody(period: Period) -> Q:
    """In custody on at least one day of the period, by the custody episodes (admission,
    transfers, release): the same people whenever their records were imported."""
    return in_custody_during(period.start, period.end)


def _enrolled_during(period: Period, prefix: str = "") -> Q:
    return Q(**{f"{prefix}enrolled_on__lte": period.end}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": period.start})
    )


INMATE_PATHS = Paths(facility=("facility",))


def _enrolled(period: Period) -> Q:
    """An inmate enrolled in a program during the period."""
    return Q(Exists(Enrollment.objects.filter(_enrolled_during(period), inmate=OuterRef("pk"))))


def enrolled_share_rows(q: Query) -> QuerySet[Any]:
    """The inmates in custody with an enrolment: the numerator's people."""
    return _rows(lambda q: Inmate.objects.filter(_in_custody(q.period)), INMATE_PATHS)(q).filter(
        _enrolled(q.period)
    )


def enrolled_share(q: Query) -> dict[Any, Value]:
    custody = Inmate.objects.filter(_in_custody(q.period))
    if q.by in PROGRAM_BREAKDOWNS:
        # The denominator is the whole population; the numerator per kind or category.
        total = grouped(custody, q.with_by(None), INMATE_PATHS, den=Count("pk"))[None]["den"]
        enrolments = Enrollment.objects.filter(
            _enrolled_during(q.period), inmate__in=custody.values("pk")
        )
        paths = Paths(facility=("inmate__facility",), breakdowns=PROGRAM_BREAKDOWNS)
        rows = grouped(enrolments, q, paths, num=Count("inmate", distinct=True))
        return {key: make_value(RATIO, row["num"], total) for key, row in rows.items()}
    return _values(
        grouped(
            custody,
            q,
            INMATE_PATHS,
            num=Count("pk", filter=_enrolled(q.period)),
            den=Count("pk"),
        ),
        RATIO,
    )


ATTENDANCE_PATHS = Paths(
    facility=("session__program__facility",),
    partner="session__program__partners",
    breakdowns={"kind": "session__program__kind", "category": "session__program__category"},
    # a partner's own figures: the attendance of the sessions it taught
    partner_rows=lambda partner: Q(session__in=contributions.taught_sessions(partner).values("pk")),
)


def _attendance(q: Query) -> QuerySet[Attendance]:
    return Attendance.objects.filter(
        q.period.within("session__date"), session__status="scheduled"
    ).exclude(status="cancelled")


PRESENT = Q(status="present")


def _present(q: Query) -> QuerySet[Attendance]:
    return _attendance(q).filter(PRESENT)


def _completed(q: Query) -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(q.period.within("ended_on"), end_reason="completed")


def _certified(q: Query) -> QuerySet[Certificate]:
    return Certificate.objects.filter(q.period.within("issued_on"), status="valid")


ENROLLMENT_PATHS = Paths(
    facility=("program__facility",),
    partner="program__partners",
    breakdowns=PROGRAM_BREAKDOWNS,
    # a partner's own figures: the enrolments of the programs it delivers or co-delivers
    partner_rows=lambda partner: Q(
        program__in=contributions.delivered_programs(partner).values("pk")
    ),
)

CERTIFICATE_PATHS = Paths(
    facility=("enrollment__program__facility",),
    partner="enrollment__program__partners",
    breakdowns={
        "kind": "enrollment__program__kind",
        "category": "enrollment__program__category",
        "scheme": "enrollment__program__certification",
    },
    partner_rows=lambda partner: Q(
        enrollment__program__in=contributions.delivered_programs(partner).values("pk")
    ),
)


# -- cooperation -----------------------------------------------------------------------

AGREEMENT_PATHS = Paths(facility=("facility",), partner="partners", own_region="region")


def _agreements(q: Query) -> QuerySet[Agreement]:
    return Agreement.objects.filter(
        status="active", start_date__lte=q.period.end, end_date__gte=q.period.start
    )


def active_agreements(q: Query) -> dict[Any, Value]:
    rows = grouped(_agreements(q), q, AGREEMENT_PATHS, num=Count("pk", distinct=True))
    return _values(rows, COUNT)


COMMITMENT_PATHS = Paths(
    facility=("agreement__facility",),
    partner="partner",
    own_region="agreement__region",
    breakdowns={"kind": "kind"},
)


def _commitments_due(q: Query) -> QuerySet[Commitment]:
    return commitments_with_progress(Commitment.objects.filter(q.period.within("due_date")))


ON_TIME = Q(delivered_quantity__gte=F("target_quantity")) & Q(last_delivered_on__lte=F("due_date"))


def commitments_on_time(q: Query) -> dict[Any, Value]:
    rows = grouped(
        _commitments_due(q),
        q,
        COMMITMENT_PATHS,
        num=Count("pk", filter=ON_TIME),
        den=Count("pk"),
    )
    return _values(rows, RATIO)


REQUEST_PATHS = Paths(
    facility=("facility",), partner="partner", breakdowns={"status": "status", "kind": "kind"}
)


def _submitted(q: Query) -> QuerySet[SupportRequest]:
    return SupportRequest.objects.filter(q.period.within("submitted_at", instants=True))


def _answered(q: Query) -> QuerySet[SupportRequest]:
    return SupportRequest.objects.filter(
        q.period.within("answered_at", instants=True), submitted_at__isnull=False
    )


def _answer_wait() -> ExpressionWrapper:
    return ExpressionWrapper(F("answered_at") - F("submitted_at"), output_field=DurationField())


def answered_rows(q: Query) -> QuerySet[Any]:
    """The answered requests the median is taken over, each with its wait (``_wait``)."""
    return _rows(_answered, REQUEST_PATHS)(q).annotate(_wait=_answer_wait())


def median_days_to_answer(q: Query) -> dict[Any, Value]:
    """The median in SQL: number the waits within each group, keep the middle one or two."""
    narrowed = _in_area(_answered(q), q, REQUEST_PATHS)
    if narrowed is None:
        return {}
    key = _key_expr(q, REQUEST_PATHS) if q.by else None
    partition = [key] if key is not None else []
    wait = _answer_wait()
    ranked = narrowed.annotate(
        _wait=wait,
        _key=key if key is not None else F("pk") * 0,
        _rank=Window(RowNumber(), partition_by=partition or None, order_by=[wait.asc()]),
        _n=Window(Count("pk"), partition_by=partition or None),
    )
    middle = ranked.filter(Q(_rank=(F("_n") + 1) / 2) | Q(_rank=(F("_n") + 2) / 2)).values_list(
        "_key", "_wait", "_n"
    )
    found: dict[Any, list[Decimal]] = {}
    counts: dict[Any, int] = {}
    for group, duration, n in middle:
        group = group if q.by else None
        found.setdefault(group, []).append(_dec(duration))
        counts[group] = n
    result = {
        group: make_value(MEDIAN, sum(waits) / len(waits), counts[group])
        for group, waits in found.items()
        if group is not None or q.by is None
    }
    if q.by is None and None not in result:
        result[None] = make_value(MEDIAN, 0, 0)
    return result


FULFILMENT_PATHS = Paths(
    facility=("request__facility", "commitment__agreement__facility"),
    partner="partner",
    own_region="commitment__agreement__region",
)


def _fulfilments(q: Query, request_kind: str, commitment_kind: str) -> QuerySet[Fulfilment]:
    return Fulfilment.objects.filter(q.period.within("delivered_on")).filter(
        Q(request__kind=request_kind) | Q(request__isnull=True, commitment__kind=commitment_kind)
    )


DORMANT_PATHS = Paths(facility=("agreement__facility",), own_region="agreement__region")


def _engaged(q: Query) -> QuerySet[Any]:
    """One row per (agreement in force, partner), so that the area filter narrows that same
    agreement (a second filter on Partner.agreements would join any other agreement)."""
    return Agreement.partners.through.objects.filter(
        agreement__status="active",
        agreement__start_date__lte=q.period.end,
        agreement__end_date__gte=q.period.start,
    )


def _quiet(q: Query) -> Q:
    """The partner delivered nothing in the DORMANT_AFTER_DAYS days up to the end."""
    quiet_since = q.period.end - datetime.timedelta(days=DORMANT_AFTER_DAYS)
    recent = Fulfilment.objects.filter(
        partner=OuterRef("partner"), delivered_on__gt=quiet_since, delivered_on__lte=q.period.end
    )
    return ~Q(Exists(recent))


def dormant_partner_rows(q: Query) -> QuerySet[Any]:
    """The dormant partners themselves (the numerator counts them once each)."""
    engaged = _rows(_engaged, DORMANT_PATHS, _quiet(q))(q)
    return Partner.objects.filter(pk__in=engaged.values("partner"))


def dormant_partners(q: Query) -> dict[Any, Value]:
    """Partners in an agreement in force in the period that delivered nothing for
    DORMANT_AFTER_DAYS days up to the end of the period."""
    rows = grouped(
        _engaged(q),
        q,
        DORMANT_PATHS,
        num=Count("partner", distinct=True, filter=_quiet(q)),
        den=Count("partner", distinct=True),
    )
    return {key: make_value(COUNT, row["num"]) for key, row in rows.items()}


# -- reintegration ---------------------------------------------------------------------

RELEASE_PATHS = Paths(facility=("inmate__facility",), breakdowns={"kind": "kind"})


def _releases(period: Period) -> QuerySet[Release]:
    return Release.objects.filter(period.within("released_on")).exclude(kind__in=NOT_A_RETURN)


def _with_plan() -> Q:
    return Q(Exists(Need.objects.filter(plan__inmate=OuterRef("inmate"))))


def _released(q: Query) -> QuerySet[Release]:
    return _releases(q.period)


def released_with_plan(q: Query) -> dict[Any, Value]:
    rows = grouped(
        _released(q),
        q,
        RELEASE_PATHS,
        num=Count("pk", filter=_with_plan()),
        den=Count("pk"),
    )
    return _values(rows, RATIO)


NEED_PATHS = Paths(
    facility=("plan__inmate__facility",), partner="partner", breakdowns={"pathway": "pathway"}
)


def _assessed_needs(q: Query) -> QuerySet[Need]:
    released = _releases(q.period).values("inmate")
    return Need.objects.filter(plan__inmate__in=released).exclude(
        status__in=("not_needed", "declined")
    )


def _met_in_time() -> Q:
    marked_met = NeedUpdate.objects.filter(
        need=OuterRef("pk"),
        status="met",
        at__date__lte=OuterRef("plan__inmate__release__released_on"),
    )
    return Q(status="met") & Q(Exists(marked_met))


def needs_met_rows(q: Query) -> QuerySet[Any]:
    return _rows(_assessed_needs, NEED_PATHS, _met_in_time())(q)


def needs_met_before_release(q: Query) -> dict[Any, Value]:
    rows = grouped(
        _assessed_needs(q), q, NEED_PATHS, num=Count("pk", filter=_met_in_time()), den=Count("pk")
    )
    return _values(rows, RATIO)


REFERRAL_PATHS = Paths(facility=("inmate__facility",), partner="partner")


def _referrals_sent(q: Query) -> QuerySet[Referral]:
    return Referral.objects.filter(q.period.within("created_at", instants=True)).exclude(
        status="cancelled"
    )


REFERRAL_COMPLETED = Q(status="completed")


FOLLOW_UP_PATHS = Paths(facility=("release__inmate__facility",))


IN_WORK = Q(work_status__in=WORKING)


def _follow_ups_done(month: int) -> Callable[[Query], QuerySet[FollowUp]]:
    def done(q: Query) -> QuerySet[FollowUp]:
        return FollowUp.objects.filter(
            q.period.within("due_on"), month=month, done_on__isnull=False, contact_made=True
        )

    return done


def _in_work(month: int) -> Callable[[Query], dict[Any, Value]]:
    def compute(q: Query) -> dict[Any, Value]:
        rows = grouped(
            _follow_ups_done(month)(q),
            q,
            FOLLOW_UP_PATHS,
            num=Count("pk", filter=IN_WORK),
            den=Count("pk"),
        )
        return _values(rows, RATIO)

    return compute


def reoffending_12m(q: Query) -> dict[Any, Value]:
    """Releases whose first twelve months ended in the period, and how many of them were
    admitted again, or reported a new offence, within those twelve months."""
    rows = grouped(
        _cohort(q), q, RELEASE_PATHS, num=Count("pk", filter=_reoffended()), den=Count("pk")
    )
    return _values(rows, RATIO)


def _cohort(q: Query) -> QuerySet[Release]:
    """The releases whose first twelve months ended in the period."""
    return Release.objects.filter(
        released_on__gte=_year_before(q.period.start),
        released_on__lt=_year_before(q.period.end + datetime.timedelta(days=1)),
    ).exclude(kind__in=NOT_A_RETURN)


def _reoffended() -> Q:
    within_a_year = ExpressionWrapper(
        F("new_inmate__admission_date") - OuterRef("released_on"), output_field=DurationField()
    )
    readmitted = Readmission.objects.annotate(_gap=within_a_year).filter(
        earlier_release=OuterRef("pk"), _gap__lte=datetime.timedelta(days=365)
    )
    offence = FollowUp.objects.filter(release=OuterRef("pk"), month__lte=12, new_offence=True)
    return Q(Exists(readmitted)) | Q(Exists(offence))


def _held_past_release(q: Query) -> QuerySet[Inmate]:
    """The people held past their release date on the period's last day (today for a
    period not over yet, each facility by its own date): inmates.queries.overdue_releases."""
    today = timezone.localdate()
    on = None if q.period.end >= today else q.period.end
    return overdue_releases(_area_facilities(q), on)


def _area_facilities(q: Query) -> Any:
    """The facilities of a facility's or a region's query (their ids), None for the
    country or a partner: the lists of people to release then read only their people."""
    from sinergi.orgs.models import Facility

    if q.area == FACILITY and q.area_id is not None:
        return [q.area_id]
    if q.area == REGION and q.area_id is not None:
        return Facility.objects.filter(region_id=q.area_id).values("pk")
    return None


def held_past_release(q: Query) -> dict[Any, Value]:
    return _values(grouped(_held_past_release(q), q, INMATE_PATHS, num=Count("pk")), COUNT)


def held_past_release_days(q: Query) -> dict[Any, Value]:
    return _values(grouped(_held_past_release(q), q, INMATE_PATHS, num=Sum("overdue")), SUM)


# -- integration-right proposals --------------------------------------------------------

PROPOSAL_PATHS = Paths(facility=("facility",))


def _released_on_right(q: Query) -> QuerySet[Proposal]:
    return Proposal.objects.filter(q.period.within("released_on"), stage=Stage.RELEASED).exclude(
        right=Right.CMK
    )


def released_on_right_rows(q: Query) -> QuerySet[Any]:
    """The proposals the median is taken over, each with its wait (``_wait``)."""
    wait = ExpressionWrapper(F("released_on") - F("eligible_on"), output_field=DurationField())
    return _rows(_released_on_right, PROPOSAL_PATHS)(q).annotate(_wait=wait)


def eligible_to_released_days(q: Query) -> dict[Any, Value]:
    """Of the proposals released in the period, the median of (released on - eligible
    on) in days. One query (the dates per group, no portable SQL median): the median is
    taken in Python. A CMK (a home leave, "leave taken") is no release and not counted."""
    narrowed = _in_area(_released_on_right(q), q, PROPOSAL_PATHS)
    if narrowed is None:
        return {}
    rows: Iterable[tuple[Any, datetime.date, datetime.date]]
    if q.by is None:
        rows = (
            (None, out, eligible)
            for out, eligible in narrowed.values_list("released_on", "eligible_on")
        )
    else:
        rows = narrowed.annotate(_key=_key_expr(q, PROPOSAL_PATHS)).values_list(
            "_key", "released_on", "eligible_on"
        )
    waits: dict[Any, list[int]] = {}
    for key, out, eligible in rows:
        if q.by is not None and key is None:
            continue
        waits.setdefault(key, []).append((out - eligible).days)
    result = {
        key: make_value(MEDIAN, statistics.median(days), len(days)) for key, days in waits.items()
    }
    if q.by is None and None not in result:
        result[None] = make_value(MEDIAN, 0, 0)
    return result


def _decided(period: Period) -> QuerySet[Proposal]:
    """Proposals decided in the period, annotated with ``_decided_on``: granted (an SK
    recorded, whatever happened after) on the SK's date, or refused on the day the
    refusal was recorded (its event)."""
    refused_on = ProposalEvent.objects.filter(
        proposal=OuterRef("pk"), to_stage=Stage.REFUSED
    ).order_by("-on", "-id")
    decided = Proposal.objects.filter(Q(sk_date__isnull=False) | Q(stage=Stage.REFUSED))
    return decided.annotate(
        _decided_on=Coalesce(F("sk_date"), Subquery(refused_on.values("on")[:1]))
    ).filter(period.within("_decided_on"))


DECIDED_IN_TIME = Q(_decided_on__lte=F("eligible_on"))


def _decided_in(q: Query) -> QuerySet[Proposal]:
    return _decided(q.period)


def decided_before_eligible(q: Query) -> dict[Any, Value]:
    rows = grouped(
        _decided(q.period),
        q,
        PROPOSAL_PATHS,
        num=Count("pk", filter=DECIDED_IN_TIME),
        den=Count("pk"),
    )
    return _values(rows, RATIO)


def _year_before(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February: the anniversaries from 1 March on
        return day.replace(year=day.year - 1, month=3, day=1)


# -- development -----------------------------------------------------------------------

ASSESSMENT_PATHS = Paths(facility=("inmate__facility",))


def _assessments(q: Query) -> QuerySet[MonthlyAssessment]:
    return MonthlyAssessment.objects.filter(q.period.within("month"))


PASSED = Q(total__gte=SPPN_PASS_MARK)


# -- the catalogue ---------------------------------------------------------------------

CATALOGUE: tuple[Indicator, ...] = (
    Indicator(
        id="participation.enrolled_share",
        group="participation",
        name=_("Inmates in a program"),
        definition=_(
            "Share of the inmates in custody during the period who were enrolled in at "
            "least one program during the period."
        ),
        formula=_(
            "inmates in custody with an enrolment overlapping the period ÷ inmates in "
            "custody on at least one day of the period x 100"
        ),
        records=_("Custody episodes (admission, transfers, release) and program enrolments."),
        unit="percent",
        kind=RATIO,
        rows=enrolled_share_rows,
        levels=ALL_LEVELS,
        compute=enrolled_share,
        breakdowns=("kind", "category"),
    ),
    Indicator(
        id="participation.attendance_rate",
        group="participation",
        name=_("Attendance rate"),
        definition=_(
            "Share of the attendance marks of sessions held in the period that are "
            "“present”. Marks of cancelled sessions are left out."
        ),
        formula=_("attendance marks “present” ÷ all attendance marks x 100"),
        records=_("Attendance of program sessions."),
        unit="percent",
        kind=RATIO,
        rows=_rows(_attendance, ATTENDANCE_PATHS, PRESENT),
        levels=(*ALL_LEVELS, PARTNER),
        compute=_simple(
            RATIO,
            _attendance,
            ATTENDANCE_PATHS,
            num=Count("pk", filter=PRESENT),
            den=Count("pk"),
        ),
        breakdowns=("kind", "category"),
    ),
    Indicator(
        id="participation.training_hours",
        group="participation",
        name=_("Training hours followed"),
        definition=_(
            "Hours of program sessions in the period credited to inmates who were present "
            "(one inmate present for two hours counts two hours)."
        ),
        formula=_("sum of the hours credited on attendance marks “present”"),
        records=_("Attendance of program sessions."),
        unit="hours",
        kind=SUM,
        rows=_rows(_present, ATTENDANCE_PATHS),
        contribution="hours",
        levels=(*ALL_LEVELS, PARTNER),
        compute=_simple(
            SUM,
            _present,
            ATTENDANCE_PATHS,
            num=Sum("hours"),
        ),
        breakdowns=("kind", "category"),
    ),
    Indicator(
        id="participation.completions",
        group="participation",
        name=_("Program completions"),
        definition=_("Enrolments that ended in the period because the inmate completed."),
        formula=_("enrolments with end reason “completed” and end date in the period"),
        records=_("Program enrolments."),
        unit="count",
        kind=COUNT,
        rows=_rows(_completed, ENROLLMENT_PATHS),
        levels=(*ALL_LEVELS, PARTNER),
        compute=_simple(
            COUNT,
            _completed,
            ENROLLMENT_PATHS,
            num=Count("pk", distinct=True),
        ),
        breakdowns=("kind", "category"),
    ),
    Indicator(
        id="participation.certificates",
        group="participation",
        name=_("Certificates issued"),
        definition=_("Certificates issued in the period that have not been revoked."),
        formula=_("valid certificates with issue date in the period"),
        records=_("Certificates."),
        unit="count",
        kind=COUNT,
        rows=_rows(_certified, CERTIFICATE_PATHS),
        levels=(*ALL_LEVELS, PARTNER),
        compute=_simple(
            COUNT,
            _certified,
            CERTIFICATE_PATHS,
            num=Count("pk", distinct=True),
        ),
        breakdowns=("kind", "category", "scheme"),
    ),
    Indicator(
        id="cooperation.active_agreements",
        group="cooperation",
        name=_("Agreements in force"),
        definition=_(
            "Active agreements (MoU or PKS) in force on at least one day of the period. At "
            "region level the regional office's own agreements count too."
        ),
        formula=_("active agreements with start date ≤ end of period and end date ≥ start"),
        records=_("Agreements."),
        unit="count",
        kind=COUNT,
        rows=_rows(_agreements, AGREEMENT_PATHS),
        levels=(*ALL_LEVELS, PARTNER),
        compute=active_agreements,
    ),
    Indicator(
        id="cooperation.commitments_on_time",
        group="cooperation",
        name=_("Commitments delivered on time"),
        definition=_(
            "Share of the commitments due in the period whose deliveries reached the "
            "target on or before the due date."
        ),
        formula=_(
            "commitments due in the period with deliveries ≥ target and the last delivery "
            "≤ due date ÷ commitments due in the period x 100"
        ),
        records=_("Commitments of agreements and the deliveries recorded against them."),
        unit="percent",
        kind=RATIO,
        rows=_rows(_commitments_due, COMMITMENT_PATHS, ON_TIME),
        levels=(*ALL_LEVELS, PARTNER),
        compute=commitments_on_time,
        breakdowns=("kind",),
        by_partner=True,
    ),
    Indicator(
        id="cooperation.requests",
        group="cooperation",
        name=_("Requests to partners"),
        definition=_(
            "Support requests submitted to partners in the period, by their status today."
        ),
        formula=_("requests with submission date in the period"),
        records=_("Support requests."),
        unit="count",
        kind=COUNT,
        rows=_rows(_submitted, REQUEST_PATHS),
        levels=(*ALL_LEVELS, PARTNER),
        compute=_simple(COUNT, _submitted, REQUEST_PATHS, num=Count("pk")),
        breakdowns=("status", "kind"),
        by_partner=True,
    ),
    Indicator(
        id="cooperation.median_days_to_answer",
        group="cooperation",
        name=_("Median days to a partner's answer"),
        definition=_(
            "Of the requests a partner answered in the period, the median time between "
            "submission and the partner's first answer (accept, accept in part, decline)."
        ),
        formula=_("median of (answered at - submitted at), in days"),
        records=_("Support requests."),
        unit="days",
        kind=MEDIAN,
        rows=answered_rows,
        contribution="_wait",
        levels=(*ALL_LEVELS, PARTNER),
        compute=median_days_to_answer,
        by_partner=True,
    ),
    Indicator(
        id="cooperation.instructor_hours",
        group="cooperation",
        name=_("Instructor hours contributed"),
        definition=_(
            "Hours of instruction partners delivered in the period, as recorded on "
            "deliveries of instructor requests or instructor commitments."
        ),
        formula=_("sum of the quantity (hours) of instructor deliveries in the period"),
        records=_("Deliveries (fulfilments) by partners."),
        unit="hours",
        kind=SUM,
        rows=_rows(lambda q: _fulfilments(q, "instructor", "instructors"), FULFILMENT_PATHS),
        contribution="quantity",
        levels=(*ALL_LEVELS, PARTNER),
        compute=_simple(
            SUM,
            lambda q: _fulfilments(q, "instructor", "instructors"),
            FULFILMENT_PATHS,
            num=Sum("quantity"),
        ),
        by_partner=True,
    ),
    Indicator(
        id="cooperation.equipment_value",
        group="cooperation",
        name=_("Equipment contributed (value)"),
        definition=_(
            "Estimated value in rupiah of the equipment and facilities partners delivered "
            "in the period."
        ),
        formula=_("sum of the estimated value of equipment deliveries in the period"),
        records=_("Deliveries (fulfilments) by partners."),
        unit="rupiah",
        kind=SUM,
        rows=_rows(lambda q: _fulfilments(q, "equipment", "equipment"), FULFILMENT_PATHS),
        contribution="value_rupiah",
        levels=(*ALL_LEVELS, PARTNER),
        compute=_simple(
            SUM,
            lambda q: _fulfilments(q, "equipment", "equipment"),
            FULFILMENT_PATHS,
            num=Sum("value_rupiah"),
        ),
        by_partner=True,
    ),
    Indicator(
        id="cooperation.dormant_partners",
        group="cooperation",
        name=_("Dormant partners"),
        definition=_filled(
            _(
                "Partners in an agreement in force in the period that delivered nothing in "
                "the %(days)s days up to the end of the period."
            ),
            {"days": DORMANT_AFTER_DAYS},
        ),
        formula=_filled(
            _("partners of agreements in force without a delivery in the last %(days)s days"),
            {"days": DORMANT_AFTER_DAYS},
        ),
        records=_("Agreements, their partners, and deliveries."),
        unit="count",
        kind=COUNT,
        rows=dormant_partner_rows,
        levels=ALL_LEVELS,
        compute=dormant_partners,
    ),
    Indicator(
        id="reintegration.released_with_plan",
        group="reintegration",
        name=_("Released with a reintegration plan"),
        definition=_(
            "Share of the people released in the period (transfers and deaths left out) "
            "who had a reintegration plan with at least one assessed need."
        ),
        formula=_("releases with a plan ÷ releases in the period x 100"),
        records=_("Releases and reintegration plans."),
        unit="percent",
        kind=RATIO,
        rows=lambda q: _rows(_released, RELEASE_PATHS, _with_plan())(q),
        levels=ALL_LEVELS,
        compute=released_with_plan,
        breakdowns=("kind",),
    ),
    Indicator(
        id="reintegration.needs_met_before_release",
        group="reintegration",
        name=_("Needs met before release"),
        definition=_(
            "Of the needs in the plans of people released in the period (needs marked not "
            "needed or declined left out), the share met by the day of release."
        ),
        formula=_("needs met on or before the release day ÷ needs assessed x 100"),
        records=_("Needs of reintegration plans, and releases."),
        unit="percent",
        kind=RATIO,
        rows=needs_met_rows,
        levels=(*ALL_LEVELS, PARTNER),
        compute=needs_met_before_release,
        breakdowns=("pathway",),
        by_partner=True,
    ),
    Indicator(
        id="reintegration.referrals_completed",
        group="reintegration",
        name=_("Referrals completed"),
        definition=_(
            "Of the referrals sent to partners in the period (cancelled ones left out), "
            "the share the partner has completed."
        ),
        formula=_("referrals completed ÷ referrals sent in the period x 100"),
        records=_("Referrals to partners."),
        unit="percent",
        kind=RATIO,
        rows=_rows(_referrals_sent, REFERRAL_PATHS, REFERRAL_COMPLETED),
        levels=(*ALL_LEVELS, PARTNER),
        compute=_simple(
            RATIO,
            _referrals_sent,
            REFERRAL_PATHS,
            num=Count("pk", filter=REFERRAL_COMPLETED),
            den=Count("pk"),
        ),
        by_partner=True,
    ),
    Indicator(
        id="reintegration.in_work_3m",
        group="reintegration",
        name=_("In work 3 months after release"),
        definition=_(
            "Of the 3-month follow-ups due in the period that reached the person, the share "
            "where the person was employed or self-employed."
        ),
        formula=_(
            "3-month follow-ups with work “employed” or “self-employed” ÷ 3-month "
            "follow-ups done with contact x 100"
        ),
        records=_("Follow-ups after release."),
        unit="percent",
        kind=RATIO,
        rows=_rows(_follow_ups_done(3), FOLLOW_UP_PATHS, IN_WORK),
        levels=ALL_LEVELS,
        compute=_in_work(3),
    ),
    Indicator(
        id="reintegration.in_work_6m",
        group="reintegration",
        name=_("In work 6 months after release"),
        definition=_(
            "Of the 6-month follow-ups due in the period that reached the person, the share "
            "where the person was employed or self-employed."
        ),
        formula=_(
            "6-month follow-ups with work “employed” or “self-employed” ÷ 6-month "
            "follow-ups done with contact x 100"
        ),
        records=_("Follow-ups after release."),
        unit="percent",
        kind=RATIO,
        rows=_rows(_follow_ups_done(6), FOLLOW_UP_PATHS, IN_WORK),
        levels=ALL_LEVELS,
        compute=_in_work(6),
    ),
    Indicator(
        id="reintegration.reoffending_12m",
        group="reintegration",
        name=_("Reoffending within 12 months"),
        definition=_(
            "Of the people whose first twelve months after release ended in the period, the "
            "share admitted again within those twelve months or reported at a follow-up to "
            "have committed a new offence."
        ),
        formula=_(
            "releases with a re-admission or new offence within 365 days ÷ releases "
            "whose 12 months ended in the period x 100"
        ),
        records=_("Releases, re-admissions and follow-ups."),
        unit="percent",
        kind=RATIO,
        rows=lambda q: _rows(_cohort, RELEASE_PATHS, _reoffended())(q),
        levels=ALL_LEVELS,
        compute=reoffending_12m,
    ),
    Indicator(
        id="reintegration.held_past_release",
        group="reintegration",
        name=_("Held past release date"),
        definition=_(
            "People recorded in custody on the last day of the period (today for a period "
            "not over yet, at each facility's own date) whose release date had passed: the "
            "release date after a substitute term, else the expiry after remisi, or the "
            "start of a granted integration right. The release day itself is not overdue."
        ),
        formula=_(
            "inmates in custody on the day with release date before that day (counted on "
            "the sentence dates recorded today)"
        ),
        records=_("Inmates, their status and status dates, and their sentences' dates."),
        unit="people",
        kind=COUNT,
        rows=_rows(_held_past_release, INMATE_PATHS),
        levels=(FACILITY, REGION),
        compute=held_past_release,
    ),
    Indicator(
        id="reintegration.held_past_release_days",
        group="reintegration",
        name=_("Days held past release date (person-days)"),
        definition=_(
            "For the people held past their release date on the last day of the period "
            "(today for a period not over yet), the days each had been held past it, "
            "added up: one person five days over and another two days over make seven."
        ),
        formula=_("sum over those people of (the day - release date), in days"),
        records=_("Inmates, their status and status dates, and their sentences' dates."),
        unit="days",
        kind=SUM,
        rows=_rows(_held_past_release, INMATE_PATHS),
        contribution="overdue",
        levels=(FACILITY, REGION),
        compute=held_past_release_days,
    ),
    Indicator(
        id="proposals.eligible_to_released_days",
        group="proposals",
        name=_("Eligible to released, median days"),
        definition=_(
            "Of the integration-right proposals (PB, CB, CMB, asimilasi; not CMK, a home "
            "leave) whose person was released on them in the period, the median number of "
            "days between the date the person became eligible for the right and the "
            "release: how long people wait, in all, from their right to their freedom."
        ),
        formula=_(
            "median of (released on - eligible on), in days, of the proposals released "
            "in the period"
        ),
        records=_("Integration-right proposals: eligibility date and release date."),
        unit="days",
        kind=MEDIAN,
        rows=released_on_right_rows,
        contribution="_wait",
        levels=ALL_LEVELS,
        compute=eligible_to_released_days,
    ),
    Indicator(
        id="proposals.decided_before_eligible",
        group="proposals",
        name=_("Share decided before the eligibility date"),
        definition=_(
            "Of the integration-right proposals decided in the period (granted, on the "
            "decree's (SK) date, or refused, on the day the refusal was recorded), the share "
            "decided on or before the date the person became eligible: the proposals "
            "prepared in time for the person to leave on their date."
        ),
        formula=_(
            "proposals decided on or before the eligibility date ÷ proposals decided in the "
            "period x 100"
        ),
        records=_(
            "Integration-right proposals: eligibility date, SK date, and the date of a refusal."
        ),
        unit="percent",
        kind=RATIO,
        rows=_rows(_decided_in, PROPOSAL_PATHS, DECIDED_IN_TIME),
        levels=ALL_LEVELS,
        compute=decided_before_eligible,
    ),
    Indicator(
        id="development.average_score",
        group="development",
        name=_("Average monthly development score"),
        definition=_("Average total of the monthly SPPN scores given for months in the period."),
        formula=_("sum of monthly totals ÷ number of monthly scores"),
        records=_("Monthly development scores (SPPN)."),
        unit="score",
        kind=AVERAGE,
        rows=_rows(_assessments, ASSESSMENT_PATHS),
        contribution="total",
        levels=ALL_LEVELS,
        compute=_simple(AVERAGE, _assessments, ASSESSMENT_PATHS, num=Sum("total"), den=Count("pk")),
    ),
    Indicator(
        id="development.above_pass_mark",
        group="development",
        name=_("Scores at or above the pass mark"),
        definition=_filled(
            _(
                "Share of the monthly SPPN scores for months in the period with a total of at "
                "least %(mark)s."
            ),
            {"mark": SPPN_PASS_MARK},
        ),
        formula=_("monthly scores ≥ pass mark ÷ monthly scores x 100"),
        records=_("Monthly development scores (SPPN)."),
        unit="percent",
        kind=RATIO,
        rows=_rows(_assessments, ASSESSMENT_PATHS, PASSED),
        levels=ALL_LEVELS,
        compute=_simple(
            RATIO,
            _assessments,
            ASSESSMENT_PATHS,
            num=Count("pk", filter=PASSED),
            den=Count("pk"),
        ),
    ),
)

BY_ID: dict[str, Indicator] = {indicator.id: indicator for indicator in CATALOGUE}


def get(indicator_id: str) -> Indicator:
    return BY_ID[indicator_id]


def for_level(level: str) -> list[Indicator]:
    return [indicator for indicator in CATALOGUE if indicator.shown_at(level)]


def compute_all(
    q: Query, indicators: Iterable[Indicator] | None = None
) -> dict[str, dict[Any, Value]]:
    """Every indicator for ``q``: one or two queries each."""
    chosen = list(indicators) if indicators is not None else list(CATALOGUE)
    return {i.id: i.compute(q) for i in chosen if i.supports(q.by)}
