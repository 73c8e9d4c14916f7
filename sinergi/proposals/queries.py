"""Who reaches which proposals, Litmas requests and TPP meetings (``for_user``).

A facility's staff (officers, head, wali) reach its proposals and meetings; a region's
viewers (Kanwil) read its facilities'; a Bapas's probation officers reach only the
proposals referred to their Bapas for a Litmas, and those requests; administrators all.
Anything else is a 404 to the views and the API.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from sinergi.core.lookups import count_per_row
from sinergi.core.roles import STAFF_ROLES, Role
from sinergi.core.scoping import scope_of
from sinergi.programs.days_off import days_off, days_off_of
from sinergi.proposals import clocks

if TYPE_CHECKING:
    from sinergi.proposals.models import (  # noqa: F401
        LitmasRequest,
        Proposal,
        ProposalDocument,
        ProposalEvent,
        TppDecision,
        TppMeeting,
    )


def _facility_filter(user: Any, prefix: str = "") -> Q | None:
    """The facility's staff and its region's viewers; None for an administrator."""
    scope = scope_of(user)
    if scope.is_admin:
        return None
    return Q(**{f"{prefix}facility_id__in": scope.facility_ids(*STAFF_ROLES)}) | Q(
        **{f"{prefix}facility__region_id__in": scope.region_ids}
    )


def _bapas_ids(user: Any) -> set[int]:
    return scope_of(user).facility_ids(Role.PROBATION_OFFICER)


class ProposalQuerySet(models.QuerySet["Proposal"]):
    def for_user(self, user: Any) -> ProposalQuerySet:
        within = _facility_filter(user)
        if within is None:
            return self.all()
        bapas = _bapas_ids(user)
        if bapas:
            from sinergi.proposals.models import LitmasRequest

            within |= Q(
                Exists(LitmasRequest.objects.filter(proposal=OuterRef("pk"), bapas_id__in=bapas))
            )
        return self.filter(within)

    def open(self) -> ProposalQuerySet:
        from sinergi.proposals.choices import OPEN_STAGES

        return self.filter(stage__in=OPEN_STAGES)


class LitmasRequestQuerySet(models.QuerySet["LitmasRequest"]):
    def for_user(self, user: Any) -> LitmasRequestQuerySet:
        within = _facility_filter(user, "proposal__")
        if within is None:
            return self.all()
        return self.filter(within | Q(bapas_id__in=_bapas_ids(user)))


class TppMeetingQuerySet(models.QuerySet["TppMeeting"]):
    def for_user(self, user: Any) -> TppMeetingQuerySet:
        within = _facility_filter(user)
        return self.all() if within is None else self.filter(within)

    def with_discussed(self) -> TppMeetingQuerySet:
        """Each meeting with ``discussed``, the number of proposals it recommended on: a
        subquery of each row, counted for a page's rows after its sort and limit (grouped
        over a join, the country's 3,700 meetings and 53,000 decisions were joined and
        grouped before the page's 50 were kept: 106 ms)."""
        from sinergi.proposals.models import TppDecision

        return self.annotate(discussed=count_per_row(TppDecision.objects.all(), "meeting"))


# --- the clocks of proposals (the pure arithmetic is clocks.py) -------------------------


def proposal_clocks(
    proposal: Proposal,
    *,
    today: datetime.date | None = None,
    holidays: Collection[datetime.date] | None = None,
) -> list[clocks.Clock]:
    """The facility's clock (eligible → sent) and the deciding office's (sent →
    decided), those that have started."""
    from sinergi.proposals.choices import Stage

    today = today or proposal.facility.today()
    if holidays is None:
        holidays = days_off(proposal.facility)
    closed_unsent = (
        proposal.stage_since
        if proposal.stage in (Stage.WITHDRAWN, Stage.REFUSED) and proposal.sent_on is None
        else None
    )
    decided_on = proposal.sk_date
    if decided_on is None and proposal.sent_on is not None and not proposal.is_open:
        decided_on = proposal.stage_since  # refused, or withdrawn while awaiting
    found = [
        clocks.facility_clock(
            eligible_on=proposal.eligible_on,
            sent_on=proposal.sent_on,
            closed_on=closed_unsent,
            today=today,
            holidays=holidays,
        ),
        clocks.decision_clock(
            sent_to=proposal.sent_to,
            sent_on=proposal.sent_on,
            decided_on=decided_on,
            today=today,
            holidays=holidays,
        ),
    ]
    return [c for c in found if c is not None]


def _earliest_start_within(today: datetime.date, limit: int, holidays: frozenset[Any]) -> Any:
    """The earliest start whose clock has not passed today (its deadline is today or
    later): a clock started before it has a deadline before today."""
    day = today
    while clocks.add_working_days(day - datetime.timedelta(days=1), limit, holidays) >= today:
        day -= datetime.timedelta(days=1)
    return day


def overdue_filter(facility_ids: Collection[int] | None = None) -> Q:
    """Proposals with a running clock past its deadline, as a filter (in SQL): at the
    facility stages and eligible so long ago that the 14th working day is before today,
    or sent and undecided past the Kanwil's 14 or the Directorate General's 30. Each
    facility's own day and days off (national and its own); facilities with the same
    cut-off dates are one condition."""
    from sinergi.orgs.models import Facility
    from sinergi.proposals.choices import SentTo, Stage

    facilities = Facility.objects.all()
    if facility_ids is not None:
        facilities = facilities.filter(pk__in=list(facility_ids))
    rows = list(facilities.values_list("pk", "time_zone"))
    holidays = days_off_of([pk for pk, _ in rows])
    groups: dict[tuple[Any, ...], list[int]] = {}
    for pk, zone in rows:
        today = timezone.localdate(timezone=zoneinfo.ZoneInfo(zone))
        recent = today - datetime.timedelta(days=120)  # beyond any limit's reach
        days = frozenset(d for d in holidays.get(pk, ()) if recent <= d <= today)
        key = tuple(
            _earliest_start_within(today, limit, days)
            for limit in (clocks.FACILITY_LIMIT, clocks.KANWIL_LIMIT, clocks.DITJENPAS_LIMIT)
        )
        groups.setdefault(key, []).append(pk)
    found = Q(pk__in=[])
    before_sent = [Stage.ELIGIBLE, Stage.DOCUMENTS, Stage.LITMAS, Stage.TPP]
    for (facility_cut, kanwil_cut, ditjenpas_cut), ids in groups.items():
        found |= Q(facility_id__in=ids) & (
            Q(stage__in=before_sent, eligible_on__lt=facility_cut)
            | Q(stage=Stage.SENT, sent_to=SentTo.KANWIL, sent_on__lt=kanwil_cut)
            | Q(stage=Stage.SENT, sent_to=SentTo.DITJENPAS, sent_on__lt=ditjenpas_cut)
        )
    return found
