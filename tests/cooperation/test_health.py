"""Partnership health figures, checked against a fixture computed by hand."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from sinergi.cooperation.health import partner_health
from sinergi.cooperation.models import Agreement, Commitment, Fulfilment, SupportRequest
from sinergi.orgs.models import Facility, Partner

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 30)


def test_health_matches_the_hand_computed_figures(demo_world):
    selong = Facility.objects.get(code="selong")
    partner = Partner.objects.get(code="distan-lotim")
    agreement = Agreement.objects.create(
        kind="pks",
        title="PKS",
        facility=selong,
        status="active",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2027, 1, 1),
    )
    # Three commitments: A delivered on time (2+3 >= 5 by the due date), B delivered late,
    # C not delivered (4 of 10). Delivered: 2 of 3; on time: 1 of 2.
    a, b, c = (
        Commitment.objects.create(
            agreement=agreement,
            partner=partner,
            kind="equipment",
            description=n,
            target_quantity=Decimal(t),
            unit="unit",
            due_date=d,
        )
        for n, t, d in (
            ("A", 5, datetime.date(2026, 3, 31)),
            ("B", 1, datetime.date(2026, 2, 28)),
            ("C", 10, datetime.date(2026, 5, 31)),
        )
    )
    for commitment, qty, day in (
        (a, 2, datetime.date(2026, 2, 1)),
        (a, 3, datetime.date(2026, 3, 30)),
        (b, 1, datetime.date(2026, 3, 15)),
        (c, 4, datetime.date(2026, 5, 20)),
    ):
        Fulfilment.objects.create(
            partner=partner,
            commitment=commitment,
            description="x",
            delivered_on=day,
            quantity=Decimal(qty),
            unit="unit",
        )
    # Answers after 2, 4 and 10 days: the median is 4.
    start = timezone.make_aware(datetime.datetime(2026, 4, 1, 9))
    for days in (2, 10, 4):
        SupportRequest.objects.create(
            facility=selong,
            partner=partner,
            kind="equipment",
            title="t",
            quantity=1,
            unit="u",
            needed_by=TODAY,
            justification="j",
            status="accepted",
            submitted_at=start,
            answered_at=start + datetime.timedelta(days=days),
        )
    result = partner_health(partner, today=TODAY)
    assert (result.commitments, result.delivered, result.on_time) == (3, 2, 1)
    assert result.delivered_percent == 67 and result.on_time_percent == 50
    assert result.median_days_to_answer == 4.0
    assert result.last_delivery == datetime.date(2026, 5, 20)
    assert result.days_since_last_delivery == 41
    assert result.status == "active"
    assert partner_health(partner, today=datetime.date(2026, 8, 1)).status == "slowing"
    assert partner_health(partner, today=datetime.date(2026, 9, 1)).status == "dormant"


def test_a_partner_that_never_delivered_is_dormant(demo_world):
    result = partner_health(Partner.objects.get(code="lpbh-ntb"))
    assert result.status == "dormant" and result.last_delivery is None
    assert result.delivered_percent is None


@pytest.mark.parametrize(
    ("status", "end_in_days", "judged"),
    [
        ("active", 200, True),
        ("active", -1, False),  # expired
        ("terminated", 200, False),
        ("renewed", 200, False),
        ("draft", 200, False),
    ],
)
def test_only_an_agreement_in_force_is_judged_active_or_dormant(
    demo_world, status, end_in_days, judged
):
    from sinergi.cooperation.health import agreement_health

    today = timezone.localdate()
    agreement = Agreement.objects.create(
        kind="pks",
        title="PKS lama",
        facility=Facility.objects.get(code="selong"),
        status=status,
        start_date=today - datetime.timedelta(days=400),
        end_date=today + datetime.timedelta(days=end_in_days),
    )
    result = agreement_health(agreement)
    assert (result.status == "dormant") == judged
    assert (result.status is None) == (not judged)
