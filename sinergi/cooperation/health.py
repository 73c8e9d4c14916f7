"""Partnership health: whether the cooperation delivers, as numbers computed in SQL.

- delivered share: commitments whose deliveries reach their target / all commitments;
- on-time rate: delivered commitments whose last delivery was on or before the due date;
- median days to answer: between a request's submission and the partner's first answer;
- days since the last delivery, and a status: active (delivered within
  ``SLOWING_AFTER_DAYS``), slowing (within ``DORMANT_AFTER_DAYS``) or dormant.

An agreement's silence counts from the later of its start date and its last delivery: it
is only dormant once it has been in force for ``DORMANT_AFTER_DAYS`` without a delivery.
Before its start date it is not yet in force; a draft has no status at all.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DateField,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from sinergi.cooperation.choices import AgreementStatus
from sinergi.cooperation.models import Agreement, Commitment, Fulfilment, SupportRequest

SLOWING_AFTER_DAYS = 45
DORMANT_AFTER_DAYS = 90


@dataclass
class Health:
    commitments: int
    delivered: int
    on_time: int
    median_days_to_answer: float | None
    last_delivery: datetime.date | None
    days_since_last_delivery: int | None
    status: str | None  # active, slowing, dormant, not_yet; None for a draft agreement

    @property
    def delivered_percent(self) -> int | None:
        return round(100 * self.delivered / self.commitments) if self.commitments else None

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.on_time / self.delivered) if self.delivered else None


def commitments_with_progress(commitments: QuerySet[Commitment]) -> QuerySet[Commitment]:
    """Annotates ``delivered_quantity`` and ``last_delivered_on`` from the fulfilments."""
    deliveries = Fulfilment.objects.filter(commitment=OuterRef("pk")).values("commitment")
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=12, decimal_places=2))
    return commitments.annotate(
        delivered_quantity=Coalesce(
            Subquery(deliveries.annotate(total=Sum("quantity")).values("total")),
            zero,
            output_field=DecimalField(max_digits=12, decimal_places=2),
        ),
        last_delivered_on=Subquery(
            deliveries.annotate(last=Max("delivered_on")).values("last"),
            output_field=DateField(),
        ),
    )


def _median_days_to_answer(requests: QuerySet[SupportRequest]) -> float | None:
    answered = requests.filter(submitted_at__isnull=False, answered_at__isnull=False).annotate(
        wait=ExpressionWrapper(F("answered_at") - F("submitted_at"), output_field=DurationField())
    )
    count = answered.count()
    if not count:
        return None
    ordered = answered.order_by("wait").values_list("wait", flat=True)
    middle = list(ordered[(count - 1) // 2 : count // 2 + 1])
    seconds = sum(d.total_seconds() for d in middle) / len(middle)
    return round(seconds / 86400, 1)


def _status(
    today: datetime.date, *, since: datetime.date | None, last: datetime.date | None
) -> str:
    """Active, slowing, dormant or not yet in force, by the days of silence: counted from
    the later of ``since`` (the start of an agreement) and the last delivery."""
    quiet_since = max((d for d in (since, last) if d is not None), default=None)
    quiet = (today - quiet_since).days if quiet_since else None
    if quiet is not None and quiet < 0:
        return "not_yet"
    if quiet is not None and quiet <= SLOWING_AFTER_DAYS:
        return "active"
    if quiet is not None and quiet <= DORMANT_AFTER_DAYS:
        return "slowing"
    return "dormant"


def _median_days(seconds: list[float]) -> float | None:
    """The median of sorted waits in seconds, in days to one decimal."""
    if not seconds:
        return None
    middle = seconds[(len(seconds) - 1) // 2 : len(seconds) // 2 + 1]
    return round(sum(middle) / len(middle) / 86400, 1)


def health(
    *,
    commitments: QuerySet[Commitment],
    requests: QuerySet[SupportRequest],
    fulfilments: QuerySet[Fulfilment],
    today: datetime.date | None = None,
    since: datetime.date | None = None,
) -> Health:
    """The figures of ``commitments``; the silence that makes the status counts from
    ``since`` (the start of an agreement) when the last delivery was earlier."""
    today = today or timezone.localdate()
    annotated = commitments_with_progress(commitments)
    counts = annotated.aggregate(
        total=Count("pk"),
        delivered=Count("pk", filter=Q(delivered_quantity__gte=F("target_quantity"))),
        on_time=Count(
            "pk",
            filter=Q(
                delivered_quantity__gte=F("target_quantity"), last_delivered_on__lte=F("due_date")
            ),
        ),
    )
    last = fulfilments.aggregate(last=Max("delivered_on"))["last"]
    days = (today - last).days if last else None
    status = _status(today, since=since, last=last)
    return Health(
        commitments=counts["total"],
        delivered=counts["delivered"],
        on_time=counts["on_time"],
        median_days_to_answer=_median_days_to_answer(requests),
        last_delivery=last,
        days_since_last_delivery=days,
        status=status,
    )


def partner_health(partner: Any, today: datetime.date | None = None) -> Health:
    return health(
        commitments=Commitment.objects.filter(partner=partner),
        requests=SupportRequest.objects.filter(partner=partner),
        fulfilments=Fulfilment.objects.filter(partner=partner),
        today=today,
    )


# An agreement no longer in force (or a draft, not approved: nothing is owed yet) is
# expected to be silent: it is judged neither active nor dormant.
NOT_IN_FORCE = (
    AgreementStatus.DRAFT,
    AgreementStatus.EXPIRED,
    AgreementStatus.TERMINATED,
    AgreementStatus.RENEWED,
)
# How deep agreements nest under an umbrella (a Kesepakatan Bersama, its PKS, an
# addendum of a PKS): the families are followed this many levels down.
MAX_DEPTH = 4


def agreement_families(agreements: Collection[Agreement]) -> dict[int, set[int]]:
    """Each agreement's id with the ids of the agreements under it, at any depth up to
    ``MAX_DEPTH`` (one query per level, whatever the number of agreements)."""
    families = {a.pk: {a.pk} for a in agreements}
    owner_of = {a.pk: {a.pk} for a in agreements}  # id -> the listed agreements above it
    level = set(owner_of)
    for _depth in range(MAX_DEPTH):
        if not level:
            break
        children = list(
            Agreement.objects.filter(parent_id__in=level).values_list("pk", "parent_id")
        )
        level = set()
        for child, parent in children:
            for owner in owner_of.get(parent, ()):  # a cycle stops at the depth limit
                if child not in families[owner]:
                    families[owner].add(child)
                    owner_of.setdefault(child, set()).add(owner)
                    level.add(child)
    return families


def agreements_health(
    agreements: Collection[Agreement], today: datetime.date | None = None
) -> dict[int, Health]:
    """The health of each agreement, by id, computed over the agreement *and the
    agreements under it* (an umbrella Kesepakatan Bersama delivers through its PKS): its
    figures count their commitments, requests and deliveries, and its silence counts from
    the later of its own start date and the family's last delivery. A fixed number of
    queries, whatever the number of agreements."""
    today = today or timezone.localdate()
    families = agreement_families(agreements)
    ids = set().union(*families.values()) if families else set()
    annotated = commitments_with_progress(Commitment.objects.filter(agreement_id__in=ids))
    per_agreement = {
        row["agreement_id"]: row
        for row in annotated.values("agreement_id").annotate(
            total=Count("pk"),
            delivered=Count("pk", filter=Q(delivered_quantity__gte=F("target_quantity"))),
            on_time=Count(
                "pk",
                filter=Q(
                    delivered_quantity__gte=F("target_quantity"),
                    last_delivered_on__lte=F("due_date"),
                ),
            ),
        )
    }
    last_by_agreement = dict(
        Fulfilment.objects.filter(commitment__agreement_id__in=ids)
        .values("commitment__agreement_id")
        .annotate(last=Max("delivered_on"))
        .values_list("commitment__agreement_id", "last")
    )
    waits: dict[int, list[float]] = {}
    answered = (
        SupportRequest.objects.filter(
            agreement_id__in=ids, submitted_at__isnull=False, answered_at__isnull=False
        )
        .annotate(
            wait=ExpressionWrapper(
                F("answered_at") - F("submitted_at"), output_field=DurationField()
            )
        )
        .values_list("agreement_id", "wait")
    )
    for agreement_id, wait in answered:
        waits.setdefault(agreement_id, []).append(wait.total_seconds())
    result = {}
    for agreement in agreements:
        family = families[agreement.pk]
        rows = [per_agreement[i] for i in family if i in per_agreement]
        lasts = [last_by_agreement[i] for i in family if last_by_agreement.get(i)]
        family_waits = sorted(w for i in family for w in waits.get(i, ()))
        last = max(lasts, default=None)
        figures = Health(
            commitments=sum(r["total"] for r in rows),
            delivered=sum(r["delivered"] for r in rows),
            on_time=sum(r["on_time"] for r in rows),
            median_days_to_answer=_median_days(family_waits),
            last_delivery=last,
            days_since_last_delivery=(today - last).days if last else None,
            status=_status(today, since=agreement.start_date, last=last),
        )
        if agreement.effective_status in NOT_IN_FORCE:
            figures.status = None
        result[agreement.pk] = figures
    return result


def agreement_health(agreement: Agreement, today: datetime.date | None = None) -> Health:
    """The health of one agreement and the agreements under it (``agreements_health``)."""
    return agreements_health([agreement], today)[agreement.pk]
