"""The integration-rights pipeline: each person in custody once, with all their rights.

The worklist used to show one row per person and right; a person with PB, CB and CMB due
was three rows and counted three times. Here a row is a person (an :class:`Inmate`), the
rights are listed inside it, and every count is a count of people.

Filters (each a plain value, as the page's query string, the XLSX export and the API
give them; a value outside its list filters nothing):

- ``right``: the person has this right (eligible or blocked);
- ``state``: the person has a right in this eligibility state (:class:`EligibilityState`:
  due now, within 90 days, later, blocked; or, for a person whose release day has come,
  release due today or overdue release); with ``right``, the same right is in it;
- ``stage``: the person has a right at this proposal stage (only when a stage source is
  registered, see below);
- ``waiting``: the person's longest wait is in this range of days (:class:`Waiting`);
- ``wali``: the person's guardian officer (a user id, or ``none`` for nobody);
- ``late``: ``1`` for the people who could have been proposed earlier: a right's
  eligibility date has passed and no proposal for it is open (since the later of that
  date and the day its last proposal was refused or withdrawn), their release day not
  come;
- ``q``: name, alias or registration number;
- ``sort``: ``date`` (earliest right date, the default), ``name``, ``waiting`` (longest
  first).

A right's wait runs from its eligibility date while nobody has proposed it, from the
start of its proposal's current stage once somebody has, and from the day its last
proposal was refused or withdrawn (when later than the eligibility date) until a new one
is started. Proposals live in an app above
this one: it registers a :class:`StageSource` (:func:`register_stage_source`) that this
module asks for the stages, the wait and the filter by stage, so that ``inmates`` imports
no higher app. Without one the page shows the eligibility states instead of stages.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import connection, models
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext_lazy as _

from sinergi.accounts.models import full_name_expression
from sinergi.core.lookups import batches_in_order, read_once
from sinergi.inmates.choices import InmateStatus, Right, RightStatus
from sinergi.inmates.models import Inmate, InmateRight
from sinergi.inmates.queries import (
    held_release_candidates,
    in_place,
    release_overdue,
    release_overdue_days,
    release_reached,
    release_today,
    with_release_due,
)

# "Within 90 days": the horizon of the eligibility state SOON.
SOON_DAYS = 90
# The rights a pipeline row shows: those the person has (not the ones that do not apply).
SHOWN_STATUSES = (RightStatus.ELIGIBLE, RightStatus.BLOCKED)


class EligibilityState(models.TextChoices):
    DUE = "due", _("Due now")
    SOON = "soon", _("Within 90 days")
    LATER = "later", _("Later")
    BLOCKED = "blocked", _("Blocked")
    # Not a right's state but the person's: held on their release day (to release today)
    # or after it (overdue), so nothing is to be proposed; they are to be released
    # (counted here, not as due). The same definitions as the home page and the overdue
    # list (inmates.queries.release_today, release_overdue).
    RELEASE_TODAY = "release_today", _("Release due today")
    RELEASE_OVERDUE = "release_overdue", _("Overdue release")


# The person's states when their release day has come, with the condition of each.
RELEASE_STATES = {
    EligibilityState.RELEASE_TODAY: release_today,
    EligibilityState.RELEASE_OVERDUE: release_overdue,
}


# The states that say a right may be proposed (now or later): not for a person whose
# release day has come.
PROPOSABLE_STATES = (EligibilityState.DUE, EligibilityState.SOON, EligibilityState.LATER)


class Waiting(models.TextChoices):
    """Ranges of the longest wait of a person, in days."""

    UP_TO_30 = "0-30", _("Up to 30 days")
    UP_TO_90 = "31-90", _("31 to 90 days")
    UP_TO_180 = "91-180", _("91 to 180 days")
    MORE = "181+", _("More than 180 days")


# Each range's bounds in days (inclusive; None: open).
WAITING_DAYS: dict[str, tuple[int, int | None]] = {
    Waiting.UP_TO_30: (0, 30),
    Waiting.UP_TO_90: (31, 90),
    Waiting.UP_TO_180: (91, 180),
    Waiting.MORE: (181, None),
}


class Sort(models.TextChoices):
    DATE = "date", _("Earliest right date")
    NAME = "name", _("Name")
    WAITING = "waiting", _("Days waiting (longest first)")


@dataclass(frozen=True)
class ClosedInfo:
    """A right's last proposal when it was refused or withdrawn (and none is open): a new
    one may be started. ``document_url`` is the decree or letter recorded with it."""

    proposal_id: int
    stage: str
    label: str
    on: datetime.date
    reason: str
    url: str
    sk_number: str = ""
    sk_date: datetime.date | None = None
    document_id: int | None = None
    document_url: str = ""
    document_label: str = ""


@dataclass(frozen=True)
class StageInfo:
    """A right's open proposal: its stage, readable, the day the stage began, its page."""

    stage: str
    label: str
    since: datetime.date | None
    url: str = ""


class StageSource(Protocol):
    """What the proposals app tells the pipeline (registered in its ``ready()``)."""

    def stage_choices(self) -> Sequence[tuple[str, Any]]:
        """The stages a right may be at: :data:`NOT_PROPOSED` (due, and nobody proposed it
        yet) first, then the open proposals' stages."""
        ...

    def open_stages(self, inmate_ids: Sequence[int]) -> dict[tuple[int, str], StageInfo]:
        """The open proposal of each (inmate id, right) among ``inmate_ids`` (one query)."""
        ...

    def open_proposals(self) -> QuerySet[Any]:
        """Every open proposal, to be filtered on ``inmate`` and ``right`` (a subquery)."""
        ...

    def any_proposals(self) -> QuerySet[Any]:
        """Every proposal ever started (open or closed), likewise."""
        ...

    def closed_shown(self) -> Sequence[str]:
        """The closed stages a right's last proposal is shown at (refused, withdrawn):
        after them a new proposal may be started."""
        ...

    def closed_stages(self, inmate_ids: Sequence[int]) -> dict[tuple[int, str], ClosedInfo]:
        """The last proposal of each (inmate id, right) among ``inmate_ids`` when it is at
        one of :meth:`closed_shown` (one query)."""
        ...

    def may_start(self, user: Any, inmate: Inmate) -> bool:
        """Whether ``user`` may start a proposal for ``inmate`` (the role rule; no query
        once the user's scope is known)."""
        ...

    def start_url(self, inmate_id: int, right: str) -> str:
        """The page that starts a proposal for ``right`` of the person."""
        ...


_STAGE_SOURCES: list[StageSource] = []


def register_stage_source(source: StageSource) -> None:
    """Let the proposals app feed the pipeline its stages (call in ``AppConfig.ready``)."""
    if source not in _STAGE_SOURCES:
        _STAGE_SOURCES.append(source)


def stage_source() -> StageSource | None:
    return _STAGE_SOURCES[-1] if _STAGE_SOURCES else None


# Not yet proposed: where a due right is until somebody starts a proposal for it.
NOT_PROPOSED = "not_proposed"


@dataclass
class Filters:
    right: str = ""
    state: str = ""
    stage: str = ""
    waiting: str = ""
    wali: str = ""
    late: str = ""
    q: str = ""
    sort: str = Sort.DATE
    facility: str = ""  # a facility's id (beyond the reader's reach: nobody)
    region: str = ""  # a region's id

    @classmethod
    def from_query(cls, query: Any) -> Filters:
        """The filters of a query string (a ``QueryDict`` or a mapping); values outside
        their lists are dropped (they filter nothing)."""

        def value(name: str) -> str:
            raw = query.get(name, "") if query is not None else ""
            return str(raw or "").strip()[:200]

        source = stage_source()
        stages = {v for v, _label in source.stage_choices()} if source else set()
        wali = value("wali")
        if wali != "none" and not (wali.isdigit() and len(wali) < 19):
            wali = ""

        def an_id(name: str) -> str:
            found = value(name)
            # as the API's bounds (1 to 2**62)
            return found if found.isdigit() and 0 < int(found) <= 2**62 else ""

        sort = value("sort")
        return cls(
            right=value("right") if value("right") in Right.values else "",
            state=value("state") if value("state") in EligibilityState.values else "",
            stage=value("stage") if value("stage") in stages else "",
            waiting=value("waiting") if value("waiting") in Waiting.values else "",
            wali=wali,
            late="1" if value("late").lower() in ("1", "true", "on", "yes") else "",
            q=value("q").replace("\x00", ""),
            sort=sort if sort in Sort.values else Sort.DATE,
            facility=an_id("facility"),
            region=an_id("region"),
        )

    def place(self) -> dict[str, int | None]:
        """The facility and region chosen, as ids (None: any)."""
        return {
            "facility": int(self.facility) if self.facility else None,
            "region": int(self.region) if self.region else None,
        }

    def narrows(self) -> bool:
        """Whether a filter beyond the search and the place is chosen (on rights, waits or
        walis): the people listed are then fewer than those the search finds."""
        return any(getattr(self, dim) for dim in ("right", *ON_RIGHTS, "waiting", "wali"))

    def without(self, name: str) -> Filters:
        values = {**self.__dict__, name: ""}
        return Filters(**values)


def _rights(*conditions: Q, **lookups: Any) -> QuerySet[InmateRight]:
    """The rights of the outer inmate (a subquery)."""
    return InmateRight.objects.filter(
        *conditions, inmate=OuterRef("pk"), status__in=SHOWN_STATUSES, **lookups
    )


def state_condition(state: str, today: datetime.date) -> Q:
    """The rights in an eligibility state, as a filter on :class:`InmateRight`."""
    soon = today + datetime.timedelta(days=SOON_DAYS)
    eligible = Q(status=RightStatus.ELIGIBLE)
    conditions: dict[str, Q] = {
        EligibilityState.DUE: eligible & Q(eligible_from__lte=today),
        EligibilityState.SOON: eligible & Q(eligible_from__gt=today, eligible_from__lte=soon),
        EligibilityState.LATER: eligible & Q(eligible_from__gt=soon),
        EligibilityState.BLOCKED: Q(status=RightStatus.BLOCKED),
    }
    return conditions.get(state, Q())


def _with_proposals(
    rights: QuerySet[InmateRight], proposed: list[int] | None = None
) -> QuerySet[InmateRight]:
    """``rights`` annotated, with proposals, with ``open_since`` (the start of the open
    proposal's stage, NULL when none is open), ``last_stage`` (the stage of the right's
    last proposal) and ``closed_on`` (the day the last proposal was refused or withdrawn,
    NULL otherwise: an open proposal is always the last one). ``proposed``: when given,
    the ids of every person among ``rights``' people with a proposal (the others' are
    known to have none, and their subqueries are not run)."""
    source = stage_source()
    if source is None:
        return rights.annotate(
            open_since=Value(None, output_field=models.DateField()),
            last_stage=Value(None, output_field=models.CharField()),
            closed_on=Value(None, output_field=models.DateField()),
        )
    same = {"inmate": OuterRef("inmate"), "right": OuterRef("right")}
    last = source.any_proposals().filter(**same).order_by("-created_at", "-id")
    opened = source.open_proposals().filter(**same).order_by()
    return rights.annotate(
        open_since=_if_proposed(opened.values("stage_since")[:1], models.DateField(), proposed),
        last_stage=_if_proposed(last.values("stage")[:1], models.CharField(), proposed),
        last_since=_if_proposed(last.values("stage_since")[:1], models.DateField(), proposed),
    ).annotate(
        closed_on=Case(
            When(last_stage__in=list(source.closed_shown()), then=F("last_since")),
            default=None,
            output_field=models.DateField(),
        )
    )


def _if_proposed(
    value: QuerySet[Any], field: models.Field[Any, Any], proposed: list[int] | None
) -> Any:
    """``value`` (a subquery on the outer right's proposals), run only for the people of
    ``proposed`` (ids, a constant PostgreSQL hashes once) when given; NULL for the others.
    Few people have a proposal: for the 14,000 rights of a facility of 4,000 the counts
    ran tens of thousands of subqueries that found nothing."""
    if proposed is None:
        return Subquery(value, output_field=field)
    return Case(
        When(inmate_id__in_array=proposed, then=Subquery(value, output_field=field)),
        default=None,
        output_field=field,
    )


def _unproposed_since() -> Any:
    """On :func:`_with_proposals`'s rights with no open proposal: since when the right waits
    for one (its eligibility date, or the day its last proposal was closed when later)."""
    return Greatest(F("eligible_from"), Coalesce(F("closed_on"), F("eligible_from")))


def _waiting_since(today: datetime.date) -> Any:
    """The day the person's longest wait began (a subquery): the earliest, over their due
    rights, of the start of the open proposal's current stage, or where none is open of
    :func:`_unproposed_since`."""
    due = _with_proposals(
        InmateRight.objects.filter(
            inmate=OuterRef("pk"), status=RightStatus.ELIGIBLE, eligible_from__lte=today
        )
    ).annotate(since=Coalesce(F("open_since"), _unproposed_since()))
    first = due.order_by().values("inmate").annotate(first=Min("since")).values("first")[:1]
    return Subquery(first, output_field=models.DateField())


def _late_row(today: datetime.date) -> Q:
    """On rights annotated by :func:`_with_proposals` and ``unproposed_since``: the right
    could have been proposed earlier: eligible, the date passed, no open proposal, and none
    closed since."""
    return Q(
        status=RightStatus.ELIGIBLE,
        eligible_from__isnull=False,
        open_since__isnull=True,
        unproposed_since__lt=today,
    )


def _not_proposed_row(today: datetime.date) -> Q:
    """On rights annotated by :func:`_with_proposals`: due, no proposal open and none closed
    (the stage :data:`NOT_PROPOSED`, for a person whose release day has not come)."""
    return state_condition(EligibilityState.DUE, today) & Q(
        open_since__isnull=True, closed_on__isnull=True
    )


def _late_rights(today: datetime.date, **lookups: Any) -> QuerySet[InmateRight] | None:
    """The outer person's rights that could have been proposed earlier (:func:`_late_row`;
    None without proposals)."""
    if stage_source() is None:
        return None
    return (
        _with_proposals(_rights(**lookups))
        .annotate(unproposed_since=_unproposed_since())
        .filter(_late_row(today))
    )


def late_condition(today: datetime.date, **lookups: Any) -> Any:
    """People who could have been proposed earlier (a filter on :func:`base`'s people):
    a right of :func:`_late_rights`, their release day not come. None without proposals."""
    rights = _late_rights(today, **lookups)
    if rights is None:
        return None
    return Exists(rights) & ~release_reached()


def _stage_condition(stage: str, today: datetime.date, **lookups: Any) -> Any:
    """People with a right at ``stage`` (with proposals): an open proposal's stage; the
    stage its last proposal was closed at (refused, withdrawn; none open since); or
    :data:`NOT_PROPOSED`: due, no proposal open and none closed (not for a person to
    release)."""
    source = stage_source()
    assert source is not None
    rights = _with_proposals(_rights(**lookups))
    if stage == NOT_PROPOSED:
        return Exists(rights.filter(_not_proposed_row(today))) & ~release_reached()
    opened = source.open_proposals().filter(
        inmate=OuterRef("inmate"), right=OuterRef("right"), stage=stage
    )
    if stage in source.closed_shown():
        return Exists(rights.filter(Q(last_stage=stage)))
    return Exists(rights.filter(Exists(opened)))


def in_the_pipeline() -> Q:
    """A person with a right they have (eligible or blocked). A stored earliest right (the
    earliest eligibility date of their eligible rights, kept by the database) says so
    without reading their rights: the rights are read only for the others (in custody at
    national scale, 0.5 %; a Kanwil's count of walis 25 -> 8 ms)."""
    return Q(earliest_right__isnull=False) | Q(Exists(_rights()))


def base(user: Any, today: datetime.date, *, dated: bool = True) -> QuerySet[Inmate]:
    """The people of the pipeline ``user`` reaches: in custody, with at least one right
    they have (eligible or blocked), annotated with their release day
    (:func:`~sinergi.inmates.queries.with_release_due`) and, when ``dated``, with
    ``waiting_since`` (a column, a sort and the filter on days waiting; the earliest
    eligibility date, the default sort, is the person's ``earliest_right``, which the
    database keeps). The counts beside the filters read the people without it unless the
    filter on days waiting is set: building its subqueries again for each count took half
    of a small facility's page."""
    people = (
        Inmate.objects.for_user(user)
        .filter(status=InmateStatus.IN_CUSTODY)
        .filter(in_the_pipeline())
    )
    if dated:
        people = people.annotate(waiting_since=_waiting_since(today))
    return with_release_due(people)


def _state_filter(state: str, today: datetime.date, **lookups: Any) -> Any:
    """People with a right in ``state`` (a filter on :func:`base`'s people): a person whose
    release day has come is in RELEASE_TODAY or RELEASE_OVERDUE only, never due, soon or
    later."""
    if state in RELEASE_STATES:
        condition: Any = RELEASE_STATES[EligibilityState(state)]()
        return condition & Exists(_rights(**lookups)) if lookups else condition
    condition = Exists(_rights(state_condition(state, today), **lookups))
    if state in PROPOSABLE_STATES:
        condition = condition & ~release_reached()
    return condition


def apply(people: QuerySet[Inmate], filters: Filters, today: datetime.date) -> QuerySet[Inmate]:
    """``people`` filtered as ``filters`` says (sorting aside)."""
    people = in_place(people, **filters.place())
    people = people.search(filters.q) if filters.q else people  # type: ignore[attr-defined]
    if filters.state:
        lookups = {"right": filters.right} if filters.right else {}
        people = people.filter(_state_filter(filters.state, today, **lookups))
    elif filters.right:
        people = people.filter(Exists(_rights(right=filters.right)))
    if filters.stage and stage_source() is not None:
        lookups = {"right": filters.right} if filters.right else {}
        people = people.filter(_stage_condition(filters.stage, today, **lookups))
    if filters.late:
        lookups = {"right": filters.right} if filters.right else {}
        late = late_condition(today, **lookups)
        if late is not None:
            people = people.filter(late)
    if filters.waiting in WAITING_DAYS:
        low, high = WAITING_DAYS[filters.waiting]
        # ``waiting_since`` is an annotation of :func:`base` (a Q: the plugin knows no such field).
        people = people.filter(Q(waiting_since__lte=today - datetime.timedelta(days=low)))
        if high is not None:
            people = people.filter(Q(waiting_since__gte=today - datetime.timedelta(days=high)))
    if filters.wali == "none":
        people = people.filter(wali__isnull=True)
    elif filters.wali:
        people = people.filter(wali_id=int(filters.wali))
    return people


def ordered(people: QuerySet[Inmate], sort: str) -> QuerySet[Inmate]:
    if sort == Sort.NAME:
        return people.order_by("name", "id")
    if sort == Sort.WAITING:
        return people.order_by(F("waiting_since").asc(nulls_last=True), "name", "id")
    return people.order_by(F("earliest_right").asc(nulls_last=True), "name", "id")


def pipeline(user: Any, filters: Filters, today: datetime.date) -> QuerySet[Inmate]:
    """The people ``user`` reaches, filtered and sorted, ready to paginate; each row's
    rights are prefetched (one query per page)."""
    people = apply(base(user, today), filters, today)
    shown = InmateRight.objects.filter(status__in=SHOWN_STATUSES).order_by(
        F("eligible_from").asc(nulls_last=True), "right"
    )
    return (
        ordered(people, filters.sort)
        .select_related("facility", "wali")
        .prefetch_related(models.Prefetch("rights", queryset=shown, to_attr="shown_rights"))
    )


# --- rows -------------------------------------------------------------------------------


@dataclass
class RightRow:
    right: str
    label: str
    status: str
    status_label: str
    state: str
    state_label: str
    eligible_from: datetime.date | None
    ends_on: datetime.date | None
    missing_conditions: list[str]
    stage: str | None = None
    stage_label: str | None = None
    stage_since: datetime.date | None = None
    stage_url: str = ""
    days_waiting: int | None = None
    # The last proposal when it was refused or withdrawn and none is open since.
    closed: ClosedInfo | None = None
    # A proposal may be started (start_proposal's rule: eligible with a date, none open,
    # the release day not come); ``start_url`` only for a reader who may start one.
    may_be_started: bool = False
    start_url: str = ""
    # Could have been proposed earlier: since when no proposal is open (the eligibility
    # date, or the day the last one was closed when later) and for how many days.
    late_since: datetime.date | None = None
    late_days: int | None = None

    @property
    def not_proposed_in_time(self) -> bool:
        return self.late_since is not None


@dataclass
class PersonRow:
    inmate: Inmate
    rights: list[RightRow] = field(default_factory=list)
    earliest_right: datetime.date | None = None
    days_waiting: int | None = None
    # None without proposals (unknown); else whether a right could have been proposed
    # earlier, and the longest such wait in days.
    late: bool | None = None
    not_proposed_days: int | None = None
    # Days since the release day when it has come (0: today); None otherwise. Such a
    # person is to be released, not proposed: no right is "due" and none "late".
    release_overdue_days: int | None = None


def _state(right: InmateRight, today: datetime.date) -> str:
    if right.status == RightStatus.BLOCKED:
        return EligibilityState.BLOCKED
    if right.eligible_from is None or right.eligible_from > today + datetime.timedelta(
        days=SOON_DAYS
    ):
        return EligibilityState.LATER
    return EligibilityState.DUE if right.eligible_from <= today else EligibilityState.SOON


def _proposal_state(
    item: RightRow,
    right: InmateRight,
    info: StageInfo | None,
    closed: ClosedInfo | None,
    not_proposed_label: str,
    release: bool,
    today: datetime.date,
) -> None:
    """``item``'s stage, wait, closed proposal, whether one may be started and whether it
    could have been proposed earlier (with proposals)."""
    due = item.state == EligibilityState.DUE
    if info is not None:
        item.stage, item.stage_label = info.stage, info.label
        item.stage_since, item.stage_url = info.since, info.url
        if info.since is not None:
            item.days_waiting = max((today - info.since).days, 0)
        return
    since = right.eligible_from
    if closed is not None:
        item.closed = closed
        item.stage, item.stage_label = closed.stage, closed.label
        item.stage_since, item.stage_url = closed.on, closed.url
        if since is not None:
            since = max(since, closed.on)
    elif due:
        item.stage, item.stage_label = NOT_PROPOSED, not_proposed_label
        item.stage_since = right.eligible_from
    if due and since is not None:
        item.days_waiting = max((today - since).days, 0)
    eligible = right.status == RightStatus.ELIGIBLE and right.eligible_from is not None
    item.may_be_started = eligible and not release
    if item.may_be_started and since is not None and since < today:
        item.late_since, item.late_days = since, (today - since).days


def rows(people: Sequence[Inmate], today: datetime.date, user: Any = None) -> list[PersonRow]:
    """A :class:`PersonRow` per person (the rights prefetched by :func:`pipeline`; with
    proposals, the open and the closed ones of the page's people in one query each).
    ``user``: the reader, whose "start a proposal" links are given."""
    source = stage_source()
    ids = [p.pk for p in people]
    stages = source.open_stages(ids) if source else {}
    closed = source.closed_stages(ids) if source else {}
    not_proposed = str(dict(source.stage_choices()).get(NOT_PROPOSED, "")) if source else ""
    # Each label translated once for the page, not once a right (Django's get_FOO_display
    # hashes every choice's lazy label on each call: a page of fifty people made 800 calls).
    right_labels, status_labels, state_labels = (
        {value: str(label) for value, label in choices.choices}
        for choices in (Right, RightStatus, EligibilityState)
    )
    found = []
    for person in people:
        row = PersonRow(
            inmate=person,
            earliest_right=getattr(person, "earliest_right", None),
            release_overdue_days=release_overdue_days(person),
        )
        release = row.release_overdue_days is not None
        may_start = bool(source and user is not None and source.may_start(user, person))
        for right in getattr(person, "shown_rights", []):
            state = _state(right, today)
            if release and state in PROPOSABLE_STATES:
                state = (
                    EligibilityState.RELEASE_TODAY
                    if row.release_overdue_days == 0
                    else EligibilityState.RELEASE_OVERDUE
                )
            item = RightRow(
                right=right.right,
                label=right_labels.get(right.right, right.right),
                status=right.status,
                status_label=status_labels.get(right.status, right.status),
                state=state,
                state_label=state_labels[state],
                eligible_from=right.eligible_from,
                ends_on=right.ends_on,
                missing_conditions=list(right.missing_conditions or []),
            )
            if source is not None:
                key = (person.pk, right.right)
                _proposal_state(
                    item, right, stages.get(key), closed.get(key), not_proposed, release, today
                )
                if item.may_be_started and may_start:
                    item.start_url = source.start_url(person.pk, right.right)
            elif state == EligibilityState.DUE and right.eligible_from is not None:
                item.stage_since = right.eligible_from
                item.days_waiting = max((today - right.eligible_from).days, 0)
            row.rights.append(item)
        since = getattr(person, "waiting_since", None)
        row.days_waiting = max((today - since).days, 0) if since else None
        if source is not None:
            late = [item.late_days for item in row.rights if item.late_days is not None]
            row.late = bool(late)
            row.not_proposed_days = max(late) if late else None
        found.append(row)
    return found


def iter_rows(
    people: QuerySet[Inmate], today: datetime.date, chunk: int = 1000, user: Any = None
) -> Iterator[PersonRow]:
    """Every row of ``people`` (the export) in its order, ``chunk`` people at a time
    (:func:`~sinergi.core.lookups.batches_in_order`)."""
    for batch in batches_in_order(people, chunk):
        yield from rows(batch, today, user)


# --- counts -----------------------------------------------------------------------------


# The filters on a person's rights: with a right chosen they hold of that same right (one
# row per person and right), with none each of any right.
ON_RIGHTS = ("state", "stage", "late")


def _in_reach(user: Any, filters: Filters, today: datetime.date) -> QuerySet[Inmate]:
    """The people the counts are over: ``user``'s, in the chosen place, no other filter."""
    # (``waiting_since`` only for the filter on it: every count's filters are among
    # ``filters``)
    return in_place(base(user, today, dated=filters.waiting in WAITING_DAYS), **filters.place())


class _Counter:
    """The facets in one statement: every shown right of the people ``user`` reaches
    (those ``q`` finds) becomes a row whose state, stage, "late", wait and person flags are
    computed once (a materialised CTE); the rows are grouped by person (whether any of
    their rights meets each value's condition) and each value's count is the sum over
    the people. (A subquery per person and value, the old way, took 50 s for the country
    and 1 s for a facility of 4,000 at national scale.)

    A value's count is the number of people the list shows with that value chosen, the
    other filters kept (tests/inmates/test_pipeline_facets.py): filters on rights apply to
    the same right when a right is chosen (or counted), to any right each otherwise
    (:func:`apply`)."""

    def __init__(self, user: Any, filters: Filters, today: datetime.date) -> None:
        self.filters, self.today = filters, today
        self.source = stage_source()
        self.people = _in_reach(user, filters, today)
        self.root = apply(self.people, Filters(q=filters.q), today)
        # The people of ``root``, read once for the statements that need them.
        self.counted = read_once(self.root.order_by().values("pk"))
        self.flags: dict[str, QuerySet[Inmate]] = {}
        self.columns: list[str] = []
        self.params: list[Any] = []
        # The ranges of days waiting: (waiting since on or before, and on or after).
        self.waits: list[tuple[datetime.date, datetime.date | None]] = []
        self.waiting_column: int | None = None

    # -- the people each count is over ------------------------------------------------

    def _flag(self, name: str, kept: Filters) -> str:
        """A condition on the rows: the person is among those ``kept`` finds (no condition
        when ``kept`` filters nothing more than ``q``)."""
        if not kept.narrows():
            return "1 = 1"
        self.flags[name] = apply(self.people, kept, self.today)
        return f"f_{name} = 1"

    def walis(self) -> list[tuple[str, str, int]]:
        """The wali filter's options: the people the list shows with any wali (the other
        filters kept), by wali."""
        kept = self.filters.without("wali")
        if kept.narrows():  # (``kept`` has no wali)
            return wali_counts(apply(self.people, kept, self.today))
        return wali_counts(Inmate.objects.filter(pk__any_of=self.counted))  # ``root``

    def _person_level(self) -> Filters:
        return Filters(q=self.filters.q, waiting=self.filters.waiting, wali=self.filters.wali)

    # -- conditions on a row ---------------------------------------------------------

    def _condition(self, dim: str, value: str) -> tuple[str, list[Any]]:
        reached = "(rr_today = 0 AND rr_overdue = 0)"
        if dim == "right":
            return "r = %s", [value]
        if dim == "late":
            return f"lt = 1 AND {reached}", []
        if dim == "stage":
            if value == NOT_PROPOSED:
                return f"stg = %s AND {reached}", [value]
            return "stg = %s", [value]
        if value == EligibilityState.RELEASE_TODAY:
            return "rr_today = 1", []
        if value == EligibilityState.RELEASE_OVERDUE:
            return "rr_overdue = 1", []
        if value == EligibilityState.BLOCKED:
            return "st = %s", [value]
        return f"st = %s AND {reached}", [value]

    def count(self, dim: str, value: str) -> None:
        """Add a column: the people the list shows with ``dim`` set to ``value``."""
        chosen = self.filters
        parts: list[str] = []
        params: list[Any] = []
        if dim == "right" or chosen.right:
            parts.append(self._flag("person", self._person_level()))
            if dim != "right":
                parts.append("r = %s")
                params.append(chosen.right)
            for other in ON_RIGHTS:
                if other != dim and getattr(chosen, other):
                    sql, more = self._condition(other, getattr(chosen, other))
                    parts.append(sql)
                    params.extend(more)
        else:
            parts.append(self._flag(dim, chosen.without(dim)))
        sql, more = self._condition(dim, value)
        parts.append(sql)
        params.extend(more)
        self.columns.append(f"MAX(CASE WHEN {' AND '.join(parts)} THEN 1 ELSE 0 END)")
        self.params.extend(params)

    def waiting(self, ranges: dict[str, tuple[int, int | None]]) -> None:
        """Add a column per range: the people (of the list without ``waiting``) whose
        longest wait (:func:`_waiting_since`, the earliest of their due rights' waits) is
        in it."""
        flag = self._flag("waiting", self.filters.without("waiting"))
        self.waiting_column = len(self.columns)
        self.columns.append(f"MIN(CASE WHEN {flag} THEN since END)")
        for low, high in ranges.values():
            self.waits.append(
                (
                    self.today - datetime.timedelta(days=low),
                    None if high is None else self.today - datetime.timedelta(days=high),
                )
            )

    # -- the statement ---------------------------------------------------------------

    def _rows(self) -> QuerySet[Any]:
        """The rows: each shown right of the people of ``root``, with what the conditions
        read, computed once."""
        today = self.today
        # The people with a proposal (one query), so that the others' rights skip the
        # proposal subqueries.
        proposed = (
            list(
                self.source.any_proposals()
                .filter(inmate__any_of=self.counted)
                .order_by()
                .values_list("inmate_id", flat=True)
                .distinct()
            )
            if self.source is not None
            else None
        )
        rights = _with_proposals(
            InmateRight.objects.filter(
                status__in=SHOWN_STATUSES, inmate__any_of=self.counted
            ).order_by(),
            proposed,
        ).annotate(unproposed_since=_unproposed_since())
        states = [
            When(state_condition(state, today), then=Value(str(state)))
            for state in (
                EligibilityState.BLOCKED,
                EligibilityState.DUE,
                EligibilityState.SOON,
                EligibilityState.LATER,
            )
        ]
        # The people whose release day has come, read once (the two flags each ran the
        # test over every person in reach): 0 days past it, to release today; more, overdue.
        reached: dict[str, list[int]] = {"rr_today": [], "rr_overdue": []}
        for person in (
            self.root.filter(held_release_candidates(), release_reached())
            .order_by()
            .values_list("pk", "release_due", "facility_today", named=True)  # type: ignore[misc]
        ):
            days = release_overdue_days(person)
            reached["rr_today" if days == 0 else "rr_overdue"].append(person.pk)
        columns: dict[str, Any] = {
            "person": F("inmate_id"),
            "r": F("right"),
            "st": Case(*states, default=Value(""), output_field=models.CharField()),
            "since": Case(
                When(
                    state_condition(EligibilityState.DUE, today),
                    then=Coalesce(F("open_since"), _unproposed_since()),
                ),
                default=None,
                output_field=models.DateField(),
            ),
            **{name: _flag_when(Q(inmate_id__in_array=ids)) for name, ids in reached.items()},
            **{
                f"f_{name}": _flag_of(people.order_by().values("pk"))
                for name, people in self.flags.items()
            },
        }
        if self.source is not None:
            opened = (
                self.source.open_proposals()
                .filter(inmate=OuterRef("inmate"), right=OuterRef("right"))
                .order_by()
            )
            rights = rights.annotate(
                open_stage=_if_proposed(opened.values("stage")[:1], models.CharField(), proposed)
            )
            columns["stg"] = Case(
                When(open_stage__isnull=False, then=F("open_stage")),
                When(last_stage__in=list(self.source.closed_shown()), then=F("last_stage")),
                When(_not_proposed_row(today), then=Value(NOT_PROPOSED)),
                default=Value(""),
                output_field=models.CharField(),
            )
            columns["lt"] = _flag_when(_late_row(today))
        return rights.values(**columns)

    def run(self) -> list[int]:
        """The counts, in the order the columns were added (a range of ``waiting`` one
        each), then the number of people of ``root``: rows grouped by person (each
        condition met by any of their rights), then summed."""
        inner, inner_params = self._rows().query.sql_with_params()
        per_person = ", ".join(f"{column} AS c{i}" for i, column in enumerate(self.columns))
        waiting = self.waiting_column
        totals: list[str] = [f"SUM(c{i})" for i in range(len(self.columns)) if i != waiting]
        params: list[Any] = []
        for since, until in self.waits:
            condition = f"c{waiting} <= %s"
            params.append(since)
            if until is not None:
                condition += f" AND c{waiting} >= %s"
                params.append(until)
            totals.append(f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)")
        # The last total: how many people ``root`` finds (each has a shown right, a row).
        totals.append("COUNT(*)")
        # (The fragments are this code's; every value is a parameter.)
        sql = (
            f"WITH d AS MATERIALIZED ({inner}), "  # noqa: S608
            f"p AS (SELECT {per_person} FROM d GROUP BY person) "
            f"SELECT {', '.join(totals)} FROM p"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*inner_params, *self.params, *params])
            row = cursor.fetchone()
        return [int(n or 0) for n in row]


def _flag_of(people: QuerySet[Any]) -> Case:
    """1 when the row's person is among ``people`` (their ids), else 0."""
    return _flag_when(Q(inmate__in=people))


def _flag_when(condition: Q) -> Case:
    return Case(
        When(condition, then=Value(1)), default=Value(0), output_field=models.IntegerField()
    )


@dataclass
class Facets:
    """How many people each filter's value would show, the other filters kept."""

    right: dict[str, int] = field(default_factory=dict)
    state: dict[str, int] = field(default_factory=dict)
    stage: dict[str, int] = field(default_factory=dict)
    waiting: dict[str, int] = field(default_factory=dict)
    # People who could have been proposed earlier (None without proposals).
    late: int | None = None
    # (wali id or "none", name, count), by name.
    wali: list[tuple[str, str, int]] = field(default_factory=list)
    # The people the user reaches when the counts were not computed (more than
    # COUNTS_MAX_PEOPLE); None when they were.
    not_counted: int | None = None
    # The number of people the list shows with the filters as they are, when the counts
    # know it: no filter but the search and the place (the list's usual view), or, when
    # only the walis are counted, no wali chosen. The page then needs no count of its own
    # (one statement less: 12 ms for a facility of 4,000, 30 ms for a region's 11,000).
    # None otherwise.
    shown: int | None = None
    # The counts come after the page (``facets(deferred=True)``: only the walis, the wali
    # filter's options): the page shows its rows without waiting for them.
    deferred: bool = False

    @property
    def known(self) -> bool:
        """Whether the counts beside the filters (but the walis') are known."""
        return self.not_counted is None and not self.deferred


# The counts beside the filters are computed for at most this many people in custody in
# the user's reach: for the whole country (270,000) they took 15 s, half a minute under load.
COUNTS_MAX_PEOPLE = 50_000


def facets(user: Any, filters: Filters, today: datetime.date, *, deferred: bool = False) -> Facets:
    """The count of people behind each value of each filter, in six queries whatever the
    number of people: how many are in reach; the ids of the people counted (read once; on
    SQLite they stay a subquery, five queries); those of them with a proposal; those whose
    release day has come; the counts over their rights; and the walis.
    Beyond :data:`COUNTS_MAX_PEOPLE` people in custody in the user's reach only the walis
    are counted (the wali filter's options) and ``not_counted`` says how many they are.
    ``deferred``: the counts are for later (:attr:`Facets.deferred`, the page shows its
    rows first); only the walis are counted, as beyond the limit."""
    in_custody = Inmate.objects.for_user(user).filter(status=InmateStatus.IN_CUSTODY)
    reach = in_place(in_custody, **filters.place()).count()
    if reach > COUNTS_MAX_PEOPLE or deferred:
        # (not from ``counted``: the ids of more than COUNTS_MAX_PEOPLE people)
        walis = wali_counts(apply(_in_reach(user, filters, today), filters.without("wali"), today))
        # Without a wali chosen the walis' people are the list's: their sum is its count
        # (every person is in one group, those without a wali too).
        shown = None if filters.wali else sum(n for _wali, _name, n in walis)
        if reach > COUNTS_MAX_PEOPLE:
            return Facets(wali=walis, not_counted=reach, shown=shown)
        return Facets(wali=walis, deferred=True, shown=shown)
    counter = _Counter(user, filters, today)
    keys: list[tuple[str, str]] = []
    values: dict[str, list[str]] = {
        "right": list(Right.values),
        "state": list(EligibilityState.values),
    }
    if counter.source is not None:
        values["stage"] = [value for value, _label in counter.source.stage_choices()]
        values["late"] = ["1"]
    for dim, choices in values.items():
        for value in choices:
            counter.count(dim, value)
            keys.append((dim, value))
    counter.waiting(WAITING_DAYS)
    keys.extend(("waiting", value) for value in WAITING_DAYS)
    found = Facets()
    *counts, people = counter.run()
    if not filters.narrows():
        found.shown = people
    for (dim, value), n in zip(keys, counts, strict=True):
        if dim == "late":
            found.late = n
        else:
            getattr(found, dim)[value] = n
    found.wali = counter.walis()
    return found


def wali_counts(people: QuerySet[Inmate]) -> list[tuple[str, str, int]]:
    """(wali id or ``"none"``, name, number of ``people``) for each wali of ``people``,
    by name, those without a wali last: a wali filter's options (one query; also the
    release worklist's). ``people`` is grouped as it is (its joins are to one row each: a
    person's facility and sentence; its annotations are left out of the grouping), not
    looked up again by id: a Kanwil's 8,000 people were read twice."""
    by_wali = (
        people.order_by()
        .values("wali_id", wali_name=full_name_expression("wali__"))
        .annotate(n=Count("pk"))
    )
    walis = []
    for item in by_wali:
        if item["wali_id"] is None:
            walis.append(("none", "", item["n"]))
        else:
            walis.append((str(item["wali_id"]), item["wali_name"], item["n"]))
    return sorted(walis, key=lambda w: (w[0] == "none", w[1].lower()))
