from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sinergi.core.lookups import count_per_row, read_once, union_of_ids
from sinergi.core.roles import OFFICER_ROLES, STAFF_ROLES, Role
from sinergi.core.scoping import scope_of
from sinergi.inmates.queries import in_place
from sinergi.reintegration.choices import ReferralStatus

if TYPE_CHECKING:
    from sinergi.reintegration.models import JobApplication, JobOpening, Referral  # noqa: F401

STAFF = STAFF_ROLES
# The roles of a Bapas that take over the people handed to it: its probation officers
# (PK) and its head.
BAPAS_ROLES = (Role.PROBATION_OFFICER, Role.HEAD)
# The release worklist's horizon: half a year unless asked, at most two years.
DEFAULT_HORIZON_DAYS = 183
MAX_HORIZON_DAYS = 730


class ReferralQuerySet(models.QuerySet["Referral"]):
    def for_user(self, user: Any) -> ReferralQuerySet:
        """Facility staff see their facility's referrals; a partner user sees the
        referrals to their organisation while the consent stands, and nothing else."""
        from sinergi.inmates.models import Inmate

        scope = scope_of(user)
        if scope.is_admin:
            return self.all()
        referrals = self.model.objects
        # A UNION of the two ways, each through its index (the facility's people first,
        # then their referrals by person), not an OR across two joins: for the largest
        # facility PostgreSQL read every referral in the country to join them (55 ms).
        return self.filter(
            pk__any_of=union_of_ids(
                referrals.filter(
                    inmate_id__any_of=Inmate.objects.filter(
                        facility_id__in=scope.facility_ids(*STAFF)
                    ).values("pk")
                ),
                referrals.filter(
                    partner_id__in=scope.partner_ids(Role.PARTNER_USER),
                    consent__withdrawn_on__isnull=True,
                ),
            )
        )


class JobOpeningQuerySet(models.QuerySet["JobOpening"]):
    def for_user(self, user: Any) -> JobOpeningQuerySet:
        """Facility staff (who put people forward) and administrators see the openings
        still open (closing today or later); a partner's users see their own
        organisation's openings, closed ones too; anyone else sees none (as an opening's
        own page)."""
        scope = scope_of(user)
        if scope.is_admin or scope.facility_ids():
            return self.filter(closing_date__gte=timezone.localdate())
        return self.filter(partner_id__in=scope.partner_ids(Role.PARTNER_USER))


class JobApplicationQuerySet(models.QuerySet["JobApplication"]):
    def consented(self) -> JobApplicationQuerySet:
        """Applications whose person's consent to the employer still stands: all an
        employer sees. A withdrawal hides the application at once, as it does a
        referral."""
        from sinergi.reintegration.models import Consent

        return self.filter(
            Exists(
                Consent.objects.filter(
                    inmate=OuterRef("inmate"),
                    partner=OuterRef("opening__partner"),
                    withdrawn_on__isnull=True,
                )
            )
        )


# --- what a user reaches (views and API) -----------------------------------------------


def inmates_for(user: Any) -> Any:
    """The inmates whose reintegration records ``user`` reaches: those they may view
    (the facility's staff, the region's viewers, administrators)."""
    from sinergi.inmates.models import Inmate

    return Inmate.objects.for_user(user)


def handed_over_to(user: Any) -> Any:
    """The people released and handed over to a Bapas where ``user`` is a probation
    officer or the head: what the hand-over needs of them (the plan, the release, the
    hand-over document, the follow-ups) is theirs to read. Another Bapas, a partner, or
    the Bapas's users for a person not handed to it reach none of it."""
    from sinergi.inmates.models import Inmate

    return Inmate.objects.filter(release__bapas_id__in=scope_of(user).facility_ids(*BAPAS_ROLES))


def plans_for(user: Any) -> Any:
    """The people whose plan ``user`` reads: those whose reintegration records they reach
    (:func:`inmates_for`) and those handed over to their Bapas (:func:`handed_over_to`)."""
    return (inmates_for(user) | handed_over_to(user)).distinct()


def receives_handover(user: Any, inmate: Any) -> bool:
    """Whether ``user`` reads ``inmate`` only as the Bapas the person was handed over to
    (not as the facility's staff, the region's viewer or an administrator): the page then
    shows what the hand-over needs and nothing more."""
    if inmates_for(user).filter(pk=inmate.pk).exists():
        return False
    return handed_over_to(user).filter(pk=inmate.pk).exists()


def handover_page(user: Any, inmate_pk: int) -> str | None:
    """For the person's page at the facility (out of a Bapas's reach): the page of the
    hand-over when the person was handed over to ``user``'s Bapas, else None."""
    from django.urls import reverse

    if not handed_over_to(user).filter(pk=inmate_pk).exists():
        return None
    return reverse("reintegration:plan", kwargs={"inmate_pk": inmate_pk})


def needs_for(user: Any) -> Any:
    """The needs of the plans of the inmates ``user`` reaches."""
    from sinergi.reintegration.models import Need

    return Need.objects.filter(plan__inmate__in=inmates_for(user))


def consents_for(user: Any) -> Any:
    """The consents of the inmates ``user`` reaches."""
    from sinergi.reintegration.models import Consent

    return Consent.objects.filter(inmate__in=inmates_for(user))


def follow_ups_for(user: Any) -> Any:
    """Follow-ups belong to the Bapas the person was handed over to (its probation
    officers record them, its head reads them); the releasing facility's officers and
    heads read them. A partner never reaches them: it records the outcome of its own
    referral. Being named probation
    officer gives nothing without the Bapas's role."""
    from sinergi.inmates.models import Inmate
    from sinergi.reintegration.models import FollowUp, Release

    scope = scope_of(user)
    if scope.is_admin:
        return FollowUp.objects.all()
    if not scope.facility_ids(*OFFICER_ROLES):
        # The Bapas's way only: a join on the release, which lets PostgreSQL walk the
        # follow-ups by due day and stop at a page (a Bapas's 100,000: 104 -> 45 ms for
        # the API's first page), instead of reading and sorting every one of them.
        return FollowUp.objects.filter(release__bapas_id__in=scope.facility_ids(*BAPAS_ROLES))
    return FollowUp.objects.filter(
        release_id__any_of=union_of_ids(
            Release.objects.filter(bapas_id__in=scope.facility_ids(*BAPAS_ROLES)),
            # The facility's people first, then their releases by the person's index (a
            # join let PostgreSQL scan every release of the country).
            Release.objects.filter(
                inmate_id__any_of=Inmate.objects.filter(
                    facility_id__in=scope.facility_ids(*OFFICER_ROLES)
                ).values("pk")
            ),
        )
    )


def releases_for(user: Any) -> Any:
    """The releases ``user`` reaches: those of the inmates they reach, and those handed
    over to a Bapas where they are a probation officer or the head."""
    from sinergi.reintegration.models import Release

    scope = scope_of(user)
    if scope.is_admin:
        return Release.objects.all()
    people = inmates_for(user).values("pk")
    handed = scope.facility_ids(*BAPAS_ROLES)
    if not handed:
        # One way only: its rows, not their ids looked up again by id (which doubled the
        # reads of a region's 27,000 releases). A region's viewer reaches one region in
        # thirty: a plain subquery lets PostgreSQL walk the releases latest first and stop
        # at a page (126 -> 96 ms for a region's list); for a facility's staff, one
        # facility in hundreds, the same walk read thousands of releases, so their ids are
        # looked up first (``any_of``).
        if scope.region_ids and not scope.facility_ids():
            return Release.objects.filter(inmate_id__in=people)
        return Release.objects.filter(inmate_id__any_of=people)
    of_people = Release.objects.filter(inmate_id__any_of=people)
    # The two ways' ids as a subquery PostgreSQL hashes while it walks the releases latest
    # first and stops at a page: a Bapas's 25,000 releases, looked up by id and sorted,
    # took 96-160 ms for the API's first page; 44 ms so (a facility's head, both ways, as
    # before).
    return Release.objects.filter(
        pk__in=union_of_ids(of_people, Release.objects.filter(bapas_id__in=handed))
    )


class WorklistSort(models.TextChoices):
    """The release worklist's orders (``?sort=``)."""

    RELEASE = "release", _("Release date (nearest first)")
    NAME = "name", _("Name")
    NEEDS = "needs", _("Open needs (most first)")


# A referral still under way: sent, accepted or in progress (not yet completed, declined
# or cancelled).
OPEN_REFERRAL_STATUSES = (
    ReferralStatus.SENT,
    ReferralStatus.ACCEPTED,
    ReferralStatus.IN_PROGRESS,
)


# The release worklist's default order: the nearer release first (none known last), then
# by name; the id makes it a total order.
RELEASE_ORDER = (F("sentence__expiry_after_remission").asc(nulls_last=True), "name", "id")


def within_horizon(
    user: Any,
    today: datetime.date,
    horizon_days: int,
    *,
    facility: int | None = None,
    region: int | None = None,
) -> Any:
    """The ids of the people in custody ``user`` reaches (of that facility, that region)
    whose release, or an integration right, falls within the horizon: the release
    worklist's people before its filters. Read once (:func:`~sinergi.core.lookups.read_once`)
    however many lists are built from them: the page, its count and its wali options."""
    from sinergi.inmates.choices import InmateStatus

    until = today + datetime.timedelta(days=horizon_days)
    in_custody = in_place(
        inmates_for(user).filter(status=InmateStatus.IN_CUSTODY), facility=facility, region=region
    )
    # "Released within the horizon, or a right within it", tested on each person of the
    # place (each of their sentence and rights looked up by index): a Kanwil's 11,000
    # people in 37 ms, where a UNION of the two lookups read them twice (57 ms).
    # Read in the list's default order (the nearer release first): its pages are taken
    # from them (known_page) and not sorted again, which fetched a Kanwil's 8,400 people
    # and their sentences a second time (30 ms).
    return read_once(
        in_custody.filter(
            Q(sentence__expiry_after_remission__lte=until)
            # (an eligible right within the horizon: the earliest is, which the database
            # keeps on the person)
            | Q(earliest_right__lte=until)
        )
        .order_by(*RELEASE_ORDER)
        .values("pk"),
        in_order=True,
    )


def worklist_queryset(
    user: Any,
    today: datetime.date,
    horizon_days: int,
    *,
    right: str = "",
    plan: str = "",
    q: str = "",
    wali: str = "",
    pathway: str = "",
    sort: str = "",
    facility: int | None = None,
    region: int | None = None,
    within: Any = None,
) -> Any:
    """Inmates in custody whose release, or earliest integration right, falls within the
    horizon, with their plan's state, each person once; sorted by the nearer release
    date unless ``sort`` (a ``WorklistSort``) says otherwise. ``facility`` and ``region``
    (ids) keep the people of that facility, of that region's facilities. ``within``: the
    people of :func:`within_horizon` for the same user, day, horizon and place, when
    the caller builds several lists from them (read once; computed here otherwise).

    ``right`` (a ``Right``) keeps those eligible for that right within the horizon;
    ``plan`` (a ``PlanStatus``) those whose plan is in that state; ``q`` those whose name
    or registration number contains it; ``wali`` (a user id, or ``"none"``) those that
    wali follows (or those without one); ``pathway`` (a ``Pathway``) those with a need
    still open on that pathway. An empty value (or one outside its list) filters
    nothing."""
    from sinergi.accounts.models import User, full_name_expression
    from sinergi.inmates.choices import Right, RightStatus
    from sinergi.inmates.models import Inmate, InmateRight
    from sinergi.reintegration.choices import OPEN_NEED_STATUSES, Pathway, PlanStatus
    from sinergi.reintegration.models import Need, ReintegrationPlan

    until = today + datetime.timedelta(days=horizon_days)
    open_needs = Need.objects.filter(plan__inmate=OuterRef("pk"), status__in=OPEN_NEED_STATUSES)
    if within is None:
        within = within_horizon(user, today, horizon_days, facility=facility, region=region)
    # Each figure of a row is a subquery of that row, not a join grouped over everyone:
    # PostgreSQL computes them for the page's rows only (after the sort and the limit),
    # and the paginator's count leaves them out. Only the sentence is joined (the sort
    # reads it): the facility and the plan are read for the page's rows after (joined,
    # PostgreSQL joined them for every person before sorting: a Kanwil's 8,000, 58 -> 37
    # ms). The wali's name (``wali_name``) is a subquery of the row too: a prefetch of the
    # walis asks nothing when no row on the page has one, a count that depended on the data.
    rows = (
        Inmate.objects.filter(pk__any_of=within)
        .select_related("sentence")
        .prefetch_related("facility")
        .annotate(
            wali_name=Subquery(
                User.objects.filter(pk=OuterRef("wali_id")).values(name=full_name_expression())[:1]
            ),
            has_plan=Exists(ReintegrationPlan.objects.filter(inmate=OuterRef("pk"))),
            open_needs=count_per_row(
                Need.objects.filter(status__in=OPEN_NEED_STATUSES), "plan__inmate"
            ),
            needs_open=Exists(open_needs),
        )
    )
    if right in Right.values:
        # Exists, not a join on the rights: a join would repeat the person.
        rows = rows.filter(
            Exists(
                InmateRight.objects.filter(
                    inmate=OuterRef("pk"),
                    right=right,
                    status=RightStatus.ELIGIBLE,
                    eligible_from__lte=until,
                )
            )
        )
    if plan == PlanStatus.NONE:
        rows = rows.filter(has_plan=False)
    elif plan == PlanStatus.OPEN:
        rows = rows.filter(needs_open=True)
    elif plan == PlanStatus.READY:
        rows = rows.filter(has_plan=True, needs_open=False)
    if q.strip():
        rows = rows.search(q)
    if wali == "none":
        rows = rows.filter(wali__isnull=True)
    elif wali.isdigit() and len(wali) < 19:
        rows = rows.filter(wali_id=int(wali))
    if pathway in Pathway.values:
        rows = rows.filter(Exists(open_needs.filter(pathway=pathway)))
    if sort == WorklistSort.NAME:
        return rows.order_by("name", "id")
    if sort == WorklistSort.NEEDS:
        return rows.order_by("-open_needs", *RELEASE_ORDER)
    return rows.order_by(*RELEASE_ORDER)


def wali_name_of(person: Any) -> str | None:
    """The name of the wali of a row of :func:`worklist_queryset` (None without one)."""
    name: str | None = person.wali_name
    return name


def with_summaries(rows: Any) -> Any:
    """The worklist's ``rows`` with what each row summarises, in two queries per page
    whatever the number of people: ``reintegration_plan.open_need_list`` (the needs
    still open, by pathway) and ``open_referral_list`` (the referrals under way, with
    their partner). Read them through :func:`open_needs_of` and
    :func:`open_referrals_of`."""
    from django.db.models import Prefetch

    from sinergi.reintegration.choices import OPEN_NEED_STATUSES
    from sinergi.reintegration.models import Need, Referral

    return rows.prefetch_related(
        "reintegration_plan",
        Prefetch(
            "reintegration_plan__needs",
            queryset=Need.objects.filter(status__in=OPEN_NEED_STATUSES).order_by("pathway"),
            to_attr="open_need_list",
        ),
        Prefetch(
            "referrals",
            queryset=Referral.objects.filter(status__in=OPEN_REFERRAL_STATUSES)
            .select_related("partner")
            .order_by("created_at", "pk"),
            to_attr="open_referral_list",
        ),
    )


def open_needs_of(inmate: Any) -> list[Any]:
    """The needs still open of a row of :func:`with_summaries` (none without a plan)."""
    plan = getattr(inmate, "reintegration_plan", None) if inmate.has_plan else None
    return list(getattr(plan, "open_need_list", [])) if plan is not None else []


def open_referrals_of(inmate: Any) -> list[Any]:
    """The referrals under way of a row of :func:`with_summaries`."""
    return list(getattr(inmate, "open_referral_list", []))


def received_handovers(user: Any) -> Any:
    """The releases handed over to a Bapas where ``user`` is a probation officer or the
    head (not the facility's releases: what the Bapas received)."""
    from sinergi.reintegration.models import Release

    return Release.objects.filter(bapas_id__in=scope_of(user).facility_ids(*BAPAS_ROLES))


def handover_list(user: Any) -> Any:
    """The hand-overs ``user``'s Bapas received, those awaiting acknowledgement first,
    then the newest release first."""
    return (
        received_handovers(user)
        .select_related("inmate__facility", "bapas", "probation_officer", "acknowledged_by")
        .order_by(F("acknowledged_at").asc(nulls_first=True), "-released_on", "-pk")
    )


def follow_up_list(user: Any, *, include_done: bool = False) -> Any:
    """The follow-ups ``user`` reaches (:func:`follow_ups_for`), those to do first by due
    date; the done ones only with ``include_done``. The person of each row is read for the
    page's rows only (prefetched): joined in the page's query, PostgreSQL joined every
    follow-up of a Bapas (36,000 at national scale) to its release and person before
    sorting them for 50."""
    rows = (
        follow_ups_for(user).prefetch_related("release__inmate").order_by("done_on", "due_on", "id")
    )
    return rows if include_done else rows.filter(done_on__isnull=True)


def openings_reached(user: Any) -> Any:
    """The job openings whose page ``user`` reaches: every one for facility staff (who
    put people forward) and administrators, their own organisation's for a partner's
    users, none for anyone else. (The job list shows fewer: :class:`JobOpeningQuerySet`.)"""
    from sinergi.reintegration.models import JobOpening

    scope = scope_of(user)
    if scope.is_admin or scope.facility_ids():
        return JobOpening.objects.all()
    return JobOpening.objects.filter(partner_id__in=scope.partner_ids(Role.PARTNER_USER))


def employers_of(user: Any) -> Any:
    """The businesses whose job openings ``user`` posts (as one of their users)."""
    from sinergi.orgs.models import Partner, PartnerKind

    return Partner.objects.filter(
        pk__in=scope_of(user).partner_ids(Role.PARTNER_USER), kind=PartnerKind.BUSINESS
    ).order_by("pk")


def reaches_referrals(user: Any) -> bool:
    """Whether ``user`` holds any role (the referral list's page; each referral is then
    scoped by ``Referral.objects.for_user``)."""
    scope = scope_of(user)
    return scope.is_admin or bool(scope.roles)


def puts_people_forward(user: Any) -> bool:
    """Whether ``user`` works at a facility (and so is offered people to put forward for
    a job, among the inmates they reach)."""
    return bool(scope_of(user).facility_ids())


def active_bapas() -> Any:
    """The Bapas a person may be handed over to: the active ones (the release form's
    list; :func:`sinergi.reintegration.actions.release_errors` refuses any other)."""
    from sinergi.orgs.models import Facility, FacilityKind

    return Facility.objects.filter(kind=FacilityKind.BAPAS, is_active=True).order_by("name")


def applications_seen(user: Any, opening: Any, *, is_employer: bool) -> Any:
    """An opening's applications ``user`` may see: the employer those whose consent
    still stands (a withdrawal hides them at once), the facility its own people's."""
    from sinergi.reintegration.models import JobApplication

    rows = JobApplication.objects.filter(opening=opening)
    if scope_of(user).is_admin:
        return rows
    if is_employer:
        return rows.consented()
    return rows.filter(inmate__in=inmates_for(user))


def applications_counted(user: Any) -> Any:
    """The applications to an opening (``OuterRef("pk")``) that ``user``'s job list
    counts: an employer only those whose consent still stands, the facility those of
    its own people, an administrator all."""
    from sinergi.reintegration.models import JobApplication

    scope = scope_of(user)
    visible = JobApplication.objects.filter(opening=OuterRef("pk"))
    if scope.is_admin:
        return visible
    if scope.facility_ids():
        return visible.filter(inmate__in=inmates_for(user))
    return visible.consented()
