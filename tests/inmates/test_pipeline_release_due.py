"""The pipeline offers no right to someone whose release day has come: held on or after
it (the release date after a substitute term, else the expiry after remisi, at the
facility's own date) they are shown in red as to be released ("Release due today", or
"Held past release date: N days — record the release"), counted under the
``release_today`` state (the release day itself, not overdue: the same definition as the
home page's "release due today" and the overdue list) or the ``release_overdue`` one
(past it), and not as due; the XLSX and the API say the same."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from sinergi.inmates.models import Inmate, InmateRight, Sentence
from sinergi.orgs.models import Facility
from tests.inmates.factories import make_inmate
from tests.xlsx import table

pytestmark = pytest.mark.django_db

URL = "/inmates/rights/"
EXPORT = "/inmates/rights/export.xlsx"
API = "/api/v1/rights-pipeline"
DAY = datetime.timedelta(days=1)


@pytest.fixture
def only_ours(demo_world):
    Inmate.objects.all().delete()


def _today() -> datetime.date:
    return Facility.objects.get(code="selong").today()


def _person(name: str, release: datetime.date | None, substitute: bool = False) -> Inmate:
    """A Selong person with PB due 40 days ago, whose release day is ``release``."""
    inmate = make_inmate(facility=Facility.objects.get(code="selong"), name=name)
    InmateRight.objects.filter(inmate=inmate).delete()
    InmateRight.objects.create(
        inmate=inmate, right="pb", status="eligible", eligible_from=_today() - 40 * DAY
    )
    if substitute:
        # The expiry after remisi is far off; the release date after the substitute term decides.
        Sentence.objects.filter(inmate=inmate).update(
            expiry_after_remission=_today() + 400 * DAY, release_date=release
        )
    else:
        Sentence.objects.filter(inmate=inmate).update(
            expiry_after_remission=release, release_date=None
        )
    return inmate


def _rows(client) -> dict[str, object]:
    with translation.override("en"):
        response = client.get(URL, language="en")
    return {row.inmate.name: row for row in response.context["rows"]}


def test_the_day_before_the_day_of_and_the_day_after(client_for, only_ours):
    today = _today()
    _person("Besok Bebas", today + DAY)
    _person("Hari Ini Bebas", today)
    _person("Kemarin Bebas", today - DAY)
    _person("Subsider Lewat", today - 3 * DAY, substitute=True)
    client = client_for("petugas.selong")
    with translation.override("en"):
        response = client.get(URL + "?counts=1", language="en")
    rows = {row.inmate.name: row for row in response.context["rows"]}
    page = response.content.decode()
    assert rows["Besok Bebas"].release_overdue_days is None
    assert [r.state for r in rows["Besok Bebas"].rights] == ["due"]
    assert rows["Hari Ini Bebas"].release_overdue_days == 0
    assert rows["Kemarin Bebas"].release_overdue_days == 1
    assert rows["Subsider Lewat"].release_overdue_days == 3
    assert [r.state for r in rows["Hari Ini Bebas"].rights] == ["release_today"]
    assert rows["Hari Ini Bebas"].rights[0].state_label == "Release due today"
    for name in ("Kemarin Bebas", "Subsider Lewat"):
        assert [r.state for r in rows[name].rights] == ["release_overdue"], name
    for name in ("Hari Ini Bebas", "Kemarin Bebas", "Subsider Lewat"):
        assert not rows[name].late, name
        assert all(not r.not_proposed_in_time for r in rows[name].rights), name
    assert "Release due today" in page
    assert "Held past release date: 1 day — record the release" in page
    assert "Held past release date: 3 days — record the release" in page
    counts = response.context["counts"]
    assert counts.state["due"] == 1
    assert counts.state["release_today"] == 1
    assert counts.state["release_overdue"] == 2


def test_the_overdue_release_filter_value_lists_them_and_due_does_not(client_for, only_ours):
    today = _today()
    _person("Besok Bebas", today + DAY)
    _person("Hari Ini Bebas", today)
    _person("Kemarin Bebas", today - DAY)
    client = client_for("petugas.selong")
    due = client.get(URL + "?state=due").context["rows"]
    assert [r.inmate.name for r in due] == ["Besok Bebas"]
    overdue = client.get(URL + "?state=release_overdue").context["rows"]
    assert [r.inmate.name for r in overdue] == ["Kemarin Bebas"]
    today_only = client.get(URL + "?state=release_today").context["rows"]
    assert [r.inmate.name for r in today_only] == ["Hari Ini Bebas"]


def test_the_api_says_the_same(client_for, only_ours):
    today = _today()
    _person("Besok Bebas", today + DAY)
    _person("Hari Ini Bebas", today)
    _person("Kemarin Bebas", today - DAY)
    client = client_for("petugas.selong")
    body = client.get(API).json()
    found = {p["name"]: p for p in body["items"]}
    assert found["Besok Bebas"]["release_overdue_days"] is None
    assert found["Hari Ini Bebas"]["release_overdue_days"] == 0
    assert found["Kemarin Bebas"]["release_overdue_days"] == 1
    assert found["Kemarin Bebas"]["rights"][0]["state"] == "release_overdue"
    assert found["Hari Ini Bebas"]["rights"][0]["state"] == "release_today"
    assert found["Besok Bebas"]["rights"][0]["state"] == "due"
    due = client.get(API + "?state=due").json()
    assert [p["name"] for p in due["items"]] == ["Besok Bebas"]
    overdue = client.get(API + "?state=release_overdue").json()
    assert [p["name"] for p in overdue["items"]] == ["Kemarin Bebas"]
    assert client.get(API + "?state=release_today").json()["count"] == 1


def test_the_xlsx_says_the_same(client_for, only_ours):
    today = _today()
    _person("Besok Bebas", today + DAY)
    _person("Kemarin Bebas", today - 2 * DAY)
    with translation.override("en"):
        response = client_for("petugas.selong").get(EXPORT, language="en")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [list(row) for row in table(sheet)]
    header = values[0]
    column = header.index("Days held past release date")
    by_name = {row[0]: row for row in values[1:]}
    assert by_name["Kemarin Bebas"][column] == 2
    assert by_name["Besok Bebas"][column] in (None, "")
    pb = header.index("Pembebasan bersyarat (PB): status")
    assert by_name["Kemarin Bebas"][pb] == "Overdue release"
    assert by_name["Besok Bebas"][pb] == "Due now"


def test_the_home_card_does_not_count_them_as_to_propose(client_for, only_ours):
    today = _today()
    _person("Besok Bebas", today + DAY)
    _person("Hari Ini Bebas", today)
    _person("Kemarin Bebas", today - DAY)
    with translation.override("en"):
        page = client_for("petugas.selong").get("/", language="en").content.decode()
    assert "1 can be proposed now" in page


def test_the_overdue_list_names_the_release_day_as_the_home_page_and_pipeline_do(
    client_for, only_ours
):
    """One wording for the release day: "Release due today" (Bebas hari ini) on the home
    page, the pipeline and the overdue list alike."""
    _person("Hari Ini Bebas", _today())
    client = client_for("petugas.selong")
    with translation.override("id"):
        page = client.get("/inmates/overdue-releases/", language="id").content
    assert "Bebas hari ini" in page.decode()
    assert "Dibebaskan hari ini" not in page.decode()
    with translation.override("en"):
        page = client.get("/inmates/overdue-releases/", language="en").content
    assert "Release due today" in page.decode()
    assert "To release today" not in page.decode()
