"""An officer opens the monthly scoring sheet (SPPN) of any wali of their facility
(issue 16): chosen from the walis of the facility, only that facility's people, saved
through the same action as the wali's; another facility's officer, a wali asking for
another wali's sheet, and a partner are refused (404)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sinergi.core.models import AuditEvent
from sinergi.core.roles import Role
from sinergi.inmates import actions
from sinergi.inmates.models import Inmate, MonthlyAssessment
from sinergi.orgs.models import Facility
from tests.factories import MembershipFactory
from tests.inmates.factories import make_inmate

pytestmark = pytest.mark.django_db

URL = "/inmates/scores/"
ASPECTS = ("personality", "independence", "behaviour", "mental_condition")


@pytest.fixture
def only_ours(demo_world):
    Inmate.objects.all().delete()


def _followed(user, name: str, wali: str = "wali.selong", facility: str = "selong") -> Inmate:
    person = make_inmate(facility=Facility.objects.get(code=facility), name=name)
    actions.assign_wali(inmate=person, wali=user(wali), by=user("petugas.selong"))
    return person


def _row(person: Inmate, value: int) -> dict[str, object]:
    return {**{f"p{person.pk}-{n}": value for n in ASPECTS}, f"p{person.pk}-note": ""}


def _names(response) -> list[str]:
    return [row.inmate.name for row in response.context["rows"]]


def test_the_officer_chooses_among_the_walis_of_their_facility(client_for, user, only_ours):
    MembershipFactory(
        role=Role.GUARDIAN, facility=Facility.objects.get(code="lobar"), user__username="wali.lobar"
    )
    response = client_for("petugas.selong").get(URL)
    assert response.status_code == 200
    assert response.context["rows"] is None
    walis = [w.username for w in response.context["walis"]]
    assert "wali.selong" in walis and "wali.lobar" not in walis
    page = response.content.decode()
    assert f'value="{user("wali.selong").pk}"' in page
    assert "Pilih seorang wali" in page  # Indonesian, the default


def test_the_officer_scores_a_walis_people_in_one_request(client_for, user, only_ours):
    wali = user("wali.selong")
    ani, budi = _followed(user, "Ani"), _followed(user, "Budi")
    client = client_for("petugas.selong")
    url = f"{URL}?wali={wali.pk}"
    response = client.get(url)
    assert response.status_code == 200
    assert _names(response) == ["Ani", "Budi"]
    assert response.context["wali"] == wali
    saved = client.post(url, {**_row(ani, 70), **_row(budi, 80)})
    assert saved.status_code == 302
    assert f"wali={wali.pk}" in saved["Location"]
    scores = MonthlyAssessment.objects.filter(inmate__in=[ani, budi])
    assert scores.count() == 2
    assert {s.scored_by.username for s in scores} == {"petugas.selong"}
    listed = AuditEvent.objects.filter(action="inmate.scores.list").latest("pk")
    assert listed.changes["wali"] == wali.pk  # the read names whose sheet it was


def test_only_the_officers_facility_is_on_the_sheet(client_for, user, only_ours):
    """A wali of two facilities: the officer of one sees and scores that one's people."""
    wali = user("wali.selong")
    MembershipFactory(role=Role.GUARDIAN, facility=Facility.objects.get(code="lobar"), user=wali)
    ours = _followed(user, "Ani")
    theirs = make_inmate(facility=Facility.objects.get(code="lobar"), name="Eko")
    Inmate.objects.filter(pk=theirs.pk).update(wali=wali)
    client = client_for("petugas.selong")
    url = f"{URL}?wali={wali.pk}"
    assert _names(client.get(url)) == ["Ani"]
    client.post(url, {**_row(ours, 70), **_row(theirs, 10)})
    assert MonthlyAssessment.objects.filter(inmate=ours).exists()
    assert not MonthlyAssessment.objects.filter(inmate=theirs).exists()


@pytest.mark.parametrize("username", ["petugas.lobar", "mitra.disnaker", "pk.bapas"])
def test_an_officer_of_another_facility_or_an_outsider_is_refused(
    client_for, user, only_ours, username
):
    wali = user("wali.selong")
    ani = _followed(user, "Ani")
    client = client_for(username)
    url = f"{URL}?wali={wali.pk}"
    assert client.get(url).status_code == 404
    assert client.post(url, _row(ani, 70)).status_code == 404
    assert not MonthlyAssessment.objects.exists()


def test_a_wali_cannot_open_another_walis_sheet(client_for, user, only_ours):
    other = MembershipFactory(
        role=Role.GUARDIAN, facility=Facility.objects.get(code="selong"), user__username="wali.dua"
    ).user
    _followed(user, "Eko", wali="wali.dua")
    client = client_for("wali.selong")
    assert client.get(f"{URL}?wali={other.pk}").status_code == 404
    assert client.get(f"{URL}?wali=x").status_code == 404


def test_the_officers_sheet_runs_a_fixed_number_of_queries(client_for, user, only_ours):
    wali = user("wali.selong")
    client = client_for("petugas.selong")
    url = f"{URL}?wali={wali.pk}"
    _followed(user, "Orang 0")
    client.get(url)  # warm caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(1, 5):
        _followed(user, f"Orang {i}")
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url).context["rows"]) == 5
    assert len(many) == len(few), "\n".join(q["sql"] for q in many)


def test_the_officers_home_card_leads_to_the_sheets(client_for, user, only_ours):
    _followed(user, "Ani")
    cards = client_for("petugas.selong").get("/").context["cards"]
    card = next(c for c in cards if "/inmates/scores/" in (c.url or ""))
    assert card.count == 1  # Ani, not scored this month
