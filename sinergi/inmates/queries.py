from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeAlias

from django.db import models
from django.db.models import (
    Case,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from sinergi.core.roles import STAFF_ROLES
from sinergi.core.scoping import scope_of
from sinergi.inmates.choices import InmateStatus

if TYPE_CHECKING:
    from sinergi.inmates.models import (  # noqa: F401
        Inmate,
        InmateRight,
        SentenceRecalculation,
        SentenceRecalculationChange,
        SentenceRecalculationFacility,
    )

# Roles that work with the inmates of their own facility.
INMATE_ROLES = STAFF_ROLES


def facilities_of(user: Any, prefix: str = "") -> Q | None:
    """The facilities whose inmates ``user`` reaches, as a filter on ``{prefix}facility``:
    facility staff their facility's, regional viewers their region's; None for an
    administrator (every facility)."""
    scope = scope_of(user)
    if scope.is_admin:
        return None
    return Q(**{f"{prefix}facility_id__in": scope.facility_ids(*INMATE_ROLES)}) | Q(
        **{f"{prefix}facility__region_id__in": scope.region_ids}
    )


class InmateQuerySet(models.QuerySet["Inmate"]):
    def for_user(self, user: Any) -> InmateQuerySet:
        """Facility staff reach their facility's inmates; regional viewers their region's;
        administrators all. Partner users reach none here (referrals share what they need)."""
        within = facilities_of(user)
        return self.all() if within is None else self.filter(within)

    def search(self, text: str) -> InmateQuerySet:
        text = text.strip()
        if not text:
            return self
        from sinergi.inmates.parsing import normalise_registration_number

        return self.filter(
            Q(name__icontains=text)
            | Q(aliases__icontains=text)
            | Q(registration_number__icontains=normalise_registration_number(text))
            | Q(registration_number__icontains=text)
        )


class InmateRightQuerySet(models.QuerySet["InmateRight"]):
    """The rights' queryset (the people with a right due within a window are found by
    their ``Inmate.earliest_right``, which the database keeps)."""


class SentenceRecalculationQuerySet(models.QuerySet["SentenceRecalculation"]):
    def for_user(self, user: Any) -> SentenceRecalculationQuerySet:
        """The runs that recalculated a facility the user reaches (every run for an
        administrator)."""
        within = facilities_of(user, "facilities__")
        if within is None:
            return self.all()
        return self.filter(within).distinct()


class SentenceRecalculationFacilityQuerySet(models.QuerySet["SentenceRecalculationFacility"]):
    def for_user(self, user: Any) -> SentenceRecalculationFacilityQuerySet:
        within = facilities_of(user)
        return self.all() if within is None else self.filter(within)


class SentenceRecalculationChangeQuerySet(models.QuerySet["SentenceRecalculationChange"]):
    def for_user(self, user: Any) -> SentenceRecalculationChangeQuerySet:
        """The changes to inmates of the facilities the user reaches."""
        within = facilities_of(user)
        return self.all() if within is None else self.filter(within)


# -- people held past their release date -----------------------------------------------

# Which facilities: their ids, a queryset of facilities, or None for every facility.
Facilities: TypeAlias = Iterable[int] | models.QuerySet[Any] | None


def facility_today() -> Case:
    """Each row's facility's own date today, in SQL (one branch per Indonesian time zone,
    so that a list over facilities of several zones is still one query)."""
    from sinergi.orgs.models import TimeZoneName

    now = timezone.now()
    return Case(
        *[
            When(
                facility__time_zone=zone,
                then=Value(now.astimezone(zoneinfo.ZoneInfo(zone)).date()),
            )
            for zone in TimeZoneName.values
        ],
        default=Value(timezone.localdate()),
        output_field=DateField(),
    )


def release_due(prefix: str = "sentence__") -> Coalesce:
    """The day a person must be released: the release date after a substitute term when
    the engine stored one, else the expiry after remisi (over sentences: ``prefix=""``;
    indexed there as ``inmates_sentence_release_due``)."""
    return Coalesce(
        F(f"{prefix}release_date"),
        F(f"{prefix}expiry_after_remission"),
        output_field=DateField(),
    )


def released_by(day: datetime.date, facilities: Facilities = None, *, held: bool = True) -> Any:
    """The ids of the inmates (of ``facilities``, None: of every facility; ``held``: in
    custody now) whose release day (:func:`with_release_due`) is ``day`` or earlier, as
    one subquery to filter with ``pk__any_of``: those whose sentence lets them out by
    then (an index range on the sentences, or the facility's people) and those a granted
    right let out by then. The lists of people to release read these few, not everyone
    held (each person's granted day is a subquery)."""
    from sinergi.inmates.models import Inmate, Sentence

    people = Inmate.objects.all()
    if held:
        people = people.filter(status=InmateStatus.IN_CUSTODY)
    if facilities is not None:
        people = people.filter(facility__in=facilities)
    due = Sentence.objects.annotate(due=release_due(prefix="")).filter(due__lte=day).order_by()
    by_sentence: Any
    if not held:
        by_sentence = due.filter(inmate__in=people).values("inmate_id")
    elif facilities is None:
        # ``held`` is the person's status, kept on the sentence by the database: the
        # partial index of the held gives the few in the country whose day has come,
        # where reading the sentences whose day has passed read the released too (0.3 s).
        by_sentence = due.filter(held=True).values("inmate_id")
    else:
        # The country's first (``any_of``), then those of ``facilities``: with the
        # facilities joined in, PostgreSQL, which cannot tell that the held are rarely
        # due, read every person of a region instead.
        by_sentence = (
            Inmate.objects.filter(
                pk__any_of=due.filter(held=True).values("inmate_id"), facility__in=facilities
            )
            .order_by()
            .values("pk")
        )
    by_right = [
        found(day).filter(inmate__in=people).order_by() for found in _GRANTED_SOURCES.values()
    ]
    return by_sentence.union(*by_right) if by_right else by_sentence


def facilities_reached(user: Any) -> Facilities:
    """The facilities whose inmates ``user`` reaches (:func:`facilities_of`), as a
    subquery of their ids; None for an administrator (every facility)."""
    from sinergi.orgs.models import Facility

    scope = scope_of(user)
    if scope.is_admin:
        return None
    return Facility.objects.filter(
        Q(pk__in=scope.facility_ids(*INMATE_ROLES)) | Q(region_id__in=scope.region_ids)
    ).values("pk")


def latest_today() -> datetime.date:
    """Today in the Indonesian time zone furthest ahead: no facility's today is later."""
    from sinergi.orgs.models import TimeZoneName

    now = timezone.now()
    days = [now.astimezone(zoneinfo.ZoneInfo(zone)).date() for zone in TimeZoneName.values]
    return max([*days, timezone.localdate()])


# Where granted integration rights come from, registered by the app that records the
# decrees (the proposals app, which comes after this one), each as two functions:
# - the source answers an expression over inmates (``OuterRef("pk")`` is the inmate): the
#   day a granted right let the person out, NULL when none;
# - its people, given a day, answer the ids of the inmates (a ``values`` queryset) a
#   granted right let out on or before it: the same people, read through an index, so
#   that a list of people to release reads the few it may hold, not everyone held.
GrantedSource = Callable[[], Any]
GrantedPeople = Callable[[datetime.date], Any]
_GRANTED_SOURCES: dict[GrantedSource, GrantedPeople] = {}


def register_granted_release_source(source: GrantedSource, people: GrantedPeople) -> None:
    """Let ``source`` say who a granted right let out, and from which day (e.g. the SK
    date of a granted proposal not yet released, NULL when there is none), and ``people``
    who it let out on or before a given day."""
    _GRANTED_SOURCES[source] = people


def unregister_granted_release_source(source: GrantedSource) -> None:
    _GRANTED_SOURCES.pop(source, None)


def with_release_due(people: Any, on: datetime.date | None = None) -> Any:
    """``people`` (inmates) annotated with ``facility_today`` (``on``, else each
    facility's own today), ``granted_on`` (the day a granted right let them out, NULL when
    none or when no app records grants) and ``release_due``: the earlier of the sentence's
    release date and ``granted_on``. The one definition of the day a person must be
    released, for the overdue list, the alarm and the rights pipeline."""
    sources = [source() for source in _GRANTED_SOURCES]
    granted: Any = Value(None, output_field=DateField())
    if sources:
        granted = sources[0] if len(sources) == 1 else Coalesce(*sources)
    return people.annotate(
        facility_today=Value(on, output_field=DateField()) if on else facility_today(),
        sentence_due=release_due(),
        granted_on=ExpressionWrapper(granted, output_field=DateField()),
    ).annotate(
        release_due=Earlier(F("granted_on"), F("sentence_due")) if sources else F("sentence_due")
    )


class Earlier(Func):
    """The earlier of two dates, either of which may be NULL (then the other).

    On PostgreSQL ``LEAST(a, b)``, which ignores NULLs and names each date once: the day a
    granted right let a person out is a subquery per person, and written as a CASE it was
    run four times per person (a facility's home page took 2 s at national scale).
    Elsewhere ``COALESCE(MIN(a, b), a, b)`` (SQLite's MIN is NULL when either is)."""

    function = "LEAST"
    output_field = DateField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        first, second = self.get_source_expressions()
        smaller = Func(first, second, function="MIN", output_field=DateField())
        return compiler.compile(Coalesce(smaller, first, second, output_field=DateField()))


def _may_have_come() -> Q:
    """On people of :func:`with_release_due`: a cheap first test that their release day
    may have come, tried before the exact one (whose granted day is a subquery per
    person): their sentence's day has come, or a granted right may let them out."""
    may = Q(sentence_due__lte=F("facility_today"))
    for people in _GRANTED_SOURCES.values():
        may |= Q(pk__in=people(datetime.date.max))
    return may


def release_reached() -> Q:
    """On people of :func:`with_release_due`: held on or after their release day (due
    today, or overdue): nobody may propose a right for them, they must be released."""
    return _may_have_come() & Q(release_due__isnull=False, release_due__lte=F("facility_today"))


def release_today() -> Q:
    """On people of :func:`with_release_due`: their release day is today (to release
    today, not overdue yet)."""
    return _may_have_come() & Q(release_due=F("facility_today"))


def release_overdue() -> Q:
    """On people of :func:`with_release_due`: held past their release day (the release
    day itself is not overdue: the person must be released that day)."""
    return _may_have_come() & Q(release_due__lt=F("facility_today"))


def release_overdue_days(inmate: Any) -> int | None:
    """For an inmate of :func:`with_release_due`: the days since their release day (0:
    it is today), None when it has not come (or no date is known)."""
    due = getattr(inmate, "release_due", None)
    today = getattr(inmate, "facility_today", None)
    if not isinstance(due, datetime.date) or not isinstance(today, datetime.date):
        return None
    return (today - due).days if due <= today else None


def _held(facilities: Facilities, on: datetime.date | None) -> InmateQuerySet:
    """Inmates held on ``on`` (each facility's own today when None) whose release day
    has come by then, annotated as :func:`with_release_due` says. A past ``on`` also
    finds the people released or transferred since, who were still held that day."""
    from sinergi.inmates.models import Inmate

    past = on is not None and on < timezone.localdate()
    # A day past the latest today: the clock read for each facility's today (below) may
    # be read after a midnight that this one was not (the first step may find more
    # people, never fewer; the exact test comes after it).
    bound = on or latest_today() + datetime.timedelta(days=1)
    candidates = released_by(bound, facilities, held=not past)
    found = Inmate.objects.filter(pk__any_of=candidates)
    if facilities is not None:
        found = found.filter(facility__in=facilities)
    found = with_release_due(found, on)
    if on is not None and past:
        from sinergi.inmates.custody import held_on

        return found.filter(held_on(on))
    return found.filter(status=InmateStatus.IN_CUSTODY)


def granted_but_not_released(facilities: Facilities, on: datetime.date | None) -> Any:
    """People held on ``on`` (each facility's own today when None) although a granted
    integration right (the decree, SK, of a proposal) let them out before that day. The
    proposals app fills this in by registering the SK date of its granted proposals not
    yet released (:func:`register_granted_release_source`); with nothing registered it
    finds nobody. They are among :func:`overdue_releases`, overdue from that day."""
    from sinergi.inmates.models import Inmate

    if not _GRANTED_SOURCES:
        return Inmate.objects.none()
    return _held(facilities, on).filter(Q(granted_on__lt=F("facility_today")))


def held_release_candidates() -> Q:
    """On people in custody now: those whose release day may have come (today, in the
    time zone furthest ahead, or before), read through the held's index (:func:`released_by`):
    a first test before :func:`release_reached`, which computes each person's day."""
    return Q(pk__any_of=released_by(latest_today() + datetime.timedelta(days=1)))


def release_day_reached(facilities: Facilities = None) -> Any:
    """The people held whose release day has come (today, each facility's own, or before):
    the overdue and those to release today, whom nobody proposes a right for."""
    return _held(facilities, None).filter(release_reached())


def overdue_releases(facilities: Facilities = None, on: datetime.date | None = None) -> Any:
    """Everyone held past their release date: held on ``on`` (each facility's own today
    when None) and ``release_due`` before it (the release day itself is not overdue: the
    person must be released that day). ``release_due`` is the release date after a
    substitute term, else the expiry after remisi, or the day a granted right let the
    person out when earlier (:func:`granted_but_not_released`). Annotated with
    ``facility_today``, ``release_due`` and ``overdue`` (a duration; ``.days`` is the days
    overdue). The one query behind the home page, the list, the reminder, the indicator
    and the import."""
    return (
        _held(facilities, on)
        .filter(release_overdue())
        .annotate(
            overdue=ExpressionWrapper(
                F("facility_today") - F("release_due"), output_field=DurationField()
            )
        )
    )


def releases_due_today(facilities: Facilities = None, on: datetime.date | None = None) -> Any:
    """The people held whose release day is ``on`` (each facility's own today when None):
    not overdue yet, but to release today."""
    return _held(facilities, on).filter(release_today())


def days_overdue(inmate: Any) -> int:
    """The days an inmate of :func:`overdue_releases` is overdue."""
    overdue = getattr(inmate, "overdue", None)
    return max(overdue.days, 0) if isinstance(overdue, datetime.timedelta) else 0


# -- lists read one place at a time ------------------------------------------------------

# Beyond this many people in custody in the reader's reach (the country: 270,000), the
# lists of people (the release worklist, the rights pipeline) are read for one region or
# one facility at a time: the whole country's took seconds to sort and count, for a list
# nobody reads from top to bottom.
PLACE_MAX_PEOPLE = 50_000


def place_needed(user: Any, *, facility: int | None, region: int | None) -> int | None:
    """How many people in custody ``user`` reaches when that is more than
    :data:`PLACE_MAX_PEOPLE` and neither a facility nor a region is chosen (the list then
    asks for one); None when the list can be read as it is (a facility's reader is
    never asked)."""
    from sinergi.inmates.models import Inmate

    if facility is not None or region is not None:
        return None
    scope = scope_of(user)
    if not (scope.is_admin or scope.region_ids):
        return None
    reach = Inmate.objects.for_user(user).filter(status=InmateStatus.IN_CUSTODY).count()
    return reach if reach > PLACE_MAX_PEOPLE else None


def place_message(reach: int) -> str:
    """What a list says when :func:`place_needed` asks for a region or a facility."""
    from django.utils.formats import number_format
    from django.utils.translation import ngettext

    return ngettext(
        "%(n)s person in custody is within your reach: choose a region or a facility "
        "to read this list.",
        "%(n)s people in custody are within your reach: choose a region or a facility "
        "to read this list.",
        reach,
    ) % {"n": number_format(reach, force_grouping=True)}


def places_of(user: Any, region: int | None) -> tuple[list[Any], list[Any]]:
    """The regions and the facilities holding people (those of ``region`` when given)
    whose people ``user`` reaches, for a list's place filters: none for a reader of one
    facility, no regions for a reader of one region."""
    from sinergi.orgs.models import Facility, FacilityKind, Region

    scope = scope_of(user)
    if not (scope.is_admin or scope.region_ids):
        return [], []
    regions = (
        Region.objects.all() if scope.is_admin else Region.objects.filter(pk__in=scope.region_ids)
    )
    facilities = Facility.objects.exclude(kind=FacilityKind.BAPAS)
    reached = facilities_reached(user)
    if reached is not None:
        facilities = facilities.filter(pk__in=reached)
    if region is not None:
        facilities = facilities.filter(region_id=region)
    shown_regions = list(regions.order_by("name").only("pk", "name"))
    return (
        shown_regions if len(shown_regions) > 1 else [],
        list(facilities.order_by("name").only("pk", "name", "region_id")),
    )


def in_place(people: Any, *, facility: int | None, region: int | None) -> Any:
    """``people`` (inmates) of ``facility``, of ``region``'s facilities (ids; None: any)."""
    if facility is not None:
        people = people.filter(facility_id=facility)
    if region is not None:
        people = people.filter(facility__region_id=region)
    return people
