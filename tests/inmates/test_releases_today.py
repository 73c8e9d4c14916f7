"""The home page's "Release due today" card leads each role that sees it to a page where
it acts or at least sees the people due today (issue 16): the facility's head and
program officers record the release from there, the wali opens each person's plan; the
list shows nobody outside the user's facilities and its queries do not grow."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from sinergi.inmates.models import Inmate, Sentence
from sinergi.orgs.models import Facility
from tests.client import Client
from tests.inmates.factories import make_inmate

pytestmark = pytest.mark.django_db

PAGE = "/inmates/releases-today/"


def _due_today(name: str, wali: Any = None) -> Inmate:
    selong = Facility.objects.get(code="selong")
    today = selong.today()
    inmate = make_inmate(
        facility=selong, name=name, detention_start=today - datetime.timedelta(days=400)
    )
    Sentence.objects.filter(inmate=inmate).update(expiry_after_remission=today, release_date=None)
    if wali is not None:
        Inmate.objects.filter(pk=inmate.pk).update(wali=wali)
    return inmate


def _card(client: Client) -> Any:
    with translation.override("en"):
        cards = client.get("/", language="en").context["cards"]
        (card,) = [c for c in cards if str(c.title) == "Release due today"]
    return card


@pytest.mark.parametrize(
    ("username", "records"),
    [("kalapas.selong", True), ("petugas.selong", True), ("wali.selong", False)],
)
def test_each_role_that_sees_the_card_opens_its_link_and_can_act(
    demo_world: None, client_for: Callable[[str], Client], username: str, records: bool
) -> None:
    from sinergi.accounts.models import User

    person = _due_today("Baiq Hari Ini", wali=User.objects.get(username="wali.selong"))
    client = client_for(username)
    card = _card(client)
    assert card.url == PAGE
    response = client.get(card.url, language="en")
    assert response.status_code == 200
    text = response.content.decode()
    assert person.name in text
    assert (f"/reintegration/inmates/{person.pk}/release/" in text) is records
    assert f"/reintegration/inmates/{person.pk}/" in text  # the plan, for every staff role


def test_another_facility_sees_nobody_of_selong(
    demo_world: None, client_for: Callable[[str], Client]
) -> None:
    person = _due_today("Baiq Hari Ini")
    for outsider in ("petugas.lobar", "mitra.dukcapil"):
        response = client_for(outsider).get(PAGE)
        assert response.status_code in (200, 404)
        assert person.name not in response.content.decode()


def test_the_page_queries_do_not_grow_with_its_rows(
    demo_world: None, client_for: Callable[[str], Client]
) -> None:
    client = client_for("petugas.selong")
    _due_today("Satu")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PAGE).status_code == 200
        return len(queries)

    few = count()
    for n in range(4):
        _due_today(f"Orang {n}")
    assert count() == few
