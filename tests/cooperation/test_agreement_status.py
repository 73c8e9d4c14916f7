"""What an agreement's status and partnership health say before it is in force: a draft
is only a draft, an approved agreement that starts later is not yet in force, and silence
is only dormancy once the agreement has been in force for a while."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from sinergi.cooperation.health import agreement_health
from sinergi.cooperation.models import Agreement, Fulfilment
from tests.cooperation.test_agreement_forms import DAY, english, make_agreement, partner, today

pytestmark = pytest.mark.django_db


def status_of(start: int, end: int = 300, status: str = "active") -> str:
    agreement = Agreement(start_date=today() + start * DAY, end_date=today() + end * DAY)
    agreement.status = status
    return agreement.effective_status


def test_an_approved_agreement_that_starts_later_is_not_yet_in_force():
    assert status_of(start=1) == "not_yet"
    assert status_of(start=0) == "active"
    assert status_of(start=-10) == "active"
    assert status_of(start=10, end=60) == "not_yet"  # not "expiring" before it begins
    assert status_of(start=-100, end=-1) == "expired"
    assert status_of(start=30, status="draft") == "draft"
    future = Agreement(status="active", start_date=today() + DAY, end_date=today() + 300 * DAY)
    with translation.override("en"):
        assert future.get_effective_status_display() == "Not yet in force"


def test_the_list_calls_a_future_agreement_not_yet_in_force(client_for):
    make_agreement(0, title="PKS tahun depan", start_date=today() + 30 * DAY)
    make_agreement(0, title="PKS berjalan")
    page = english(client_for("petugas.selong")).get("/cooperation/agreements/").content.decode()
    future = page[page.index("PKS tahun depan") :]
    assert "Not yet in force" in future[: future.index("</tr>")]
    current = page[page.index("PKS berjalan") :]
    assert "Active" in current[: current.index("</tr>")]


def health_status(response) -> str:
    """The status line of the "Is it delivering?" box ("" when there is none)."""
    page = response.content.decode()
    box = page[page.index('class="facts health"') :]
    box = box[: box.index("</dl>")]
    if 'class="status"' not in box:
        return ""
    status = box[box.index('class="status"') :]
    return status[status.index(">") + 1 : status.index("</span>")]


def test_a_draft_shows_no_health_status(client_for):
    draft = make_agreement(1, status="draft", start_date=today() - 200 * DAY)
    response = english(client_for("petugas.selong")).get(draft.get_absolute_url())
    assert health_status(response) == ""
    assert "Dormant" not in response.content.decode()
    assert agreement_health(draft).status is None


def test_a_future_agreement_is_not_yet_in_force_on_its_page(client_for):
    future = make_agreement(1, start_date=today() + 30 * DAY, end_date=today() + 400 * DAY)
    response = english(client_for("petugas.selong")).get(future.get_absolute_url())
    assert health_status(response) == "Not yet in force"
    page = response.content.decode()
    assert "Dormant" not in page
    assert page.count("Not yet in force") == 2  # the agreement's status and its health


def deliver(agreement: Agreement, days_ago: int) -> None:
    Fulfilment.objects.create(
        partner=partner("disnaker-lotim"),
        commitment=agreement.commitments.first(),
        description="Instruktur mengajar",
        delivered_on=today() - days_ago * DAY,
        quantity=Decimal(2),
        unit="jam",
    )


# (days since the start, days since the last delivery or None, the status)
SILENCES: list[tuple[int, int | None, str]] = [
    (30, None, "active"),  # in force for a month: too early to call it quiet
    (60, None, "slowing"),
    (90, None, "slowing"),
    (91, None, "dormant"),
    (200, 10, "active"),
    (200, 60, "slowing"),
    (200, 120, "dormant"),
    (10, 100, "active"),  # delivered before it began: the clock starts at the start
]


@pytest.mark.parametrize(("started", "delivered", "status"), SILENCES)
def test_dormancy_counts_from_the_later_of_the_start_and_the_last_delivery(
    demo_world, started, delivered, status
):
    agreement = make_agreement(1, start_date=today() - started * DAY, end_date=today() + 300 * DAY)
    if delivered is not None:
        deliver(agreement, delivered)
    result = agreement_health(agreement)
    assert result.status == status
    # The days since the last delivery stay what they are.
    assert result.days_since_last_delivery == delivered


def test_the_health_of_an_agreement_is_judged_on_a_given_day(demo_world):
    agreement = make_agreement(1, start_date=datetime.date(2026, 1, 1))
    assert agreement_health(agreement, today=datetime.date(2025, 12, 31)).status == "not_yet"
    assert agreement_health(agreement, today=datetime.date(2026, 3, 1)).status == "slowing"
    assert agreement_health(agreement, today=datetime.date(2026, 4, 2)).status == "dormant"


def test_the_admin_site_offers_only_the_statuses_people_set(client_for):
    page = client_for("admin").get("/admin/cooperation/agreement/add/", language="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<option value="active">' in html and '<option value="terminated">' in html
    for computed in ("not_yet", "expiring", "expired"):
        assert f'value="{computed}"' not in html


def test_the_admin_site_still_offers_a_status_stored_before_the_rule(client_for):
    agreement = make_agreement(0)
    Agreement.objects.filter(pk=agreement.pk).update(status="expired")
    page = client_for("admin").get(
        f"/admin/cooperation/agreement/{agreement.pk}/change/", language="en"
    )
    html = page.content.decode()
    assert '<option value="expired" selected>' in html
    assert 'value="expiring"' not in html
