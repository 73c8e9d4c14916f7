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
    quiet_since = max((d for d in (since, last) if d is not None), default=None)
    quiet = (today - quiet_since).days if quiet_since else None
    if quiet is not None and quiet < 0:
        status = "not_yet"
    elif quiet is not None and quiet <= SLOWING_AFTER_DAYS:
        status = "active"
    elif quiet is not None and quiet <= DORMANT_AFTER_DAYS:
        status = "slowing"
    else:
        status = "dormant"
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


def agreement_health(agreement: Agreement, today: datetime.date | None = None) -> Health:
    result = health(
        commitments=Commitment.objects.filter(agreement=agreement),
        requests=SupportRequest.objects.filter(agreement=agreement),
        fulfilments=Fulfilment.objects.filter(commitment__agreement=agreement),
        today=today,
        since=agreement.start_date,
    )
    # A draft is not approved (nothing is owed yet); an agreement no longer in force is
    # expected to be silent: neither is judged active or dormant.
    not_in_force = (
        AgreementStatus.DRAFT,
        AgreementStatus.EXPIRED,
        AgreementStatus.TERMINATED,
        AgreementStatus.RENEWED,
    )
    if agreement.effective_status in not_in_force:
        result.status = None
    return result
