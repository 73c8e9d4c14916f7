"""Home cards that list the first few rows and say how many there are in all read both in
one statement (``lookups.first_rows_and_count``): the home page asks as many queries
whether a card has no row, a few or more than it shows (the benchmark compares the counts
at two scales; a Kanwil's and a partner's home asked one more when the card was full)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.cooperation.models import ActionItem, Meeting
from sinergi.core.lookups import first_rows_and_count
from sinergi.indicators.home import signed_reports_card
from sinergi.indicators.models import MonthlyReport, ReportEdition
from sinergi.orgs.models import Facility, Partner

pytestmark = pytest.mark.django_db


def _queries(action) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        result = action()
    return len(captured.captured_queries), result


def test_the_first_rows_and_the_count_in_one_statement(demo_world):
    facilities = Facility.objects.order_by("code")
    every = list(facilities.values_list("code", flat=True))
    assert len(every) > 2
    for size in (1, 2, len(every), len(every) + 5):
        asked, (rows, found) = _queries(lambda size=size: first_rows_and_count(facilities, size))
        assert asked == 1
        assert [f.code for f in rows] == every[:size]
        assert found == len(every)
    asked, (rows, found) = _queries(lambda: first_rows_and_count(facilities.none(), 3))
    assert (rows, found) == ([], 0) and asked <= 1
    asked, (rows, found) = _queries(
        lambda: first_rows_and_count(facilities.filter(code="no-such-code"), 3)
    )
    assert (rows, found, asked) == ([], 0, 1)


def _home(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return len(captured.captured_queries)


def test_the_partners_home_asks_as_many_queries_with_no_full_or_many_action_items(client_for):
    disnaker = Partner.objects.get(code="disnaker-lotim")
    ActionItem.objects.filter(owner_partner=disnaker).delete()
    client = client_for("mitra.disnaker")
    _home(client)  # warm: the session, the caches
    none = _home(client)
    meeting = Meeting.objects.create(
        facility=Facility.objects.get(code="selong"), title="Rakor", date=datetime.date(2026, 2, 1)
    )

    def own(count: int) -> None:
        for n in range(count):
            ActionItem.objects.create(
                meeting=meeting,
                title=f"Tindak lanjut {n}",
                due_date=datetime.date(2026, 3, 1),
                owner_partner=disnaker,
            )

    own(3)
    few = _home(client)
    own(7)
    many = _home(client)
    assert none == few == many
    cards = client.get("/", language="en").context["cards"]
    (card,) = [c for c in cards if c.title == "Open action items"]
    assert card.count == 10 and len(card.items) == 8


def test_the_kanwils_card_of_signed_reports_is_one_statement_however_many(demo_world):
    selong = Facility.objects.get(code="selong")
    region = {selong.region_id}
    signer = User.objects.get(username="kalapas.selong")
    asked, card = _queries(lambda: signed_reports_card(region))
    assert asked == 1 and card.count == 0
    for n in range(10):
        report = MonthlyReport.objects.create(facility=selong, month=datetime.date(2024, n + 1, 1))
        ReportEdition.objects.create(
            report=report, number=1, signed_off_by=signer, signed_off_at=timezone.now()
        )
        asked, card = _queries(lambda: signed_reports_card(region))
        assert asked == 1
        assert card.count == n + 1
        assert len(card.items) == min(n + 1, 8)
