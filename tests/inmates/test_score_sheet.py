"""The wali's monthly scoring sheet (SPPN) and the wali's home card."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from sinergi.core.models import AuditEvent
from sinergi.core.roles import Role
from sinergi.inmates import actions
from sinergi.inmates.models import Inmate, MonthlyAssessment
from sinergi.inmates.score_sheet import ASPECTS
from sinergi.orgs.models import Facility
from tests.factories import MembershipFactory
from tests.inmates.factories import make_inmate

pytestmark = pytest.mark.django_db

URL = "/inmates/scores/"


def _month() -> datetime.date:
    return timezone.localdate().replace(day=1)


def _last_month() -> datetime.date:
    return (_month() - datetime.timedelta(days=1)).replace(day=1)


@pytest.fixture
def only_ours(demo_world):
    Inmate.objects.all().delete()


def _followed(user, name: str, wali: str = "wali.selong") -> Inmate:
    person = make_inmate(facility=Facility.objects.get(code="selong"), name=name)
    actions.assign_wali(inmate=person, wali=user(wali), by=user("petugas.selong"))
    return person


def _score(person: Inmate, month: datetime.date, value: int, by) -> MonthlyAssessment:
    return actions.record_assessment(
        inmate=person,
        month=month,
        scores=dict.fromkeys(ASPECTS, value),
        note="",
        by=by,
    )


def _row(person: Inmate, values: tuple[int | str, ...], note: str = "") -> dict[str, object]:
    names = ("personality", "independence", "behaviour", "mental_condition")
    return {
        **{f"p{person.pk}-{n}": v for n, v in zip(names, values, strict=True)},
        f"p{person.pk}-note": note,
    }


def _names(response) -> list[str]:
    return [row.inmate.name for row in response.context["rows"]]


def test_the_sheet_lists_the_walis_people_not_yet_scored_first_with_last_months_score(
    client_for, user, only_ours
):
    wali = user("wali.selong")
    ani = _followed(user, "Ani")
    budi = _followed(user, "Budi")
    _followed(user, "Citra")
    _score(ani, _month(), 70, wali)
    _score(budi, _last_month(), 62, wali)
    make_inmate(facility=Facility.objects.get(code="selong"), name="Dedi (nobody's)")
    response = client_for("wali.selong").get(URL)
    assert response.status_code == 200
    assert _names(response) == ["Budi", "Citra", "Ani"]
    text = response.content.decode()
    assert "62,00" in text  # last month's score beside Budi (Indonesian decimals)
    assert "Dedi" not in text
    assert f'for="id_p{budi.pk}-personality"' in text  # a label for every input
    event = AuditEvent.objects.filter(action="inmate.scores.list").latest("pk")
    assert event.changes["count"] == 3 and event.actor == wali


def test_one_post_saves_every_row_entered_through_the_action(client_for, user, only_ours):
    ani, budi, citra = (_followed(user, n) for n in ("Ani", "Budi", "Citra"))
    data = {**_row(ani, (70, 80, 90, 60), "rajin"), **_row(budi, (50, 50, 50, 50))}
    data.update(_row(citra, ("", "", "", "")))
    response = client_for("wali.selong").post(URL, data)
    assert response.status_code == 302
    saved = {a.inmate.name: a for a in MonthlyAssessment.objects.filter(month=_month())}
    assert set(saved) == {"Ani", "Budi"}  # Citra left blank: not scored
    assert saved["Ani"].total == 75 and saved["Ani"].note == "rajin"
    assert saved["Ani"].scored_by == user("wali.selong")
    assert AuditEvent.objects.filter(action="assessment.record").count() == 2


def test_a_refused_row_saves_nothing_and_keeps_every_rows_input(client_for, user, only_ours):
    ani, budi = _followed(user, "Ani"), _followed(user, "Budi")
    data = {**_row(ani, (70, 80, 90, 60)), **_row(budi, (50, "", 50, 101))}
    response = client_for("wali.selong").post(URL, data)
    assert response.status_code == 200
    assert not MonthlyAssessment.objects.exists()
    text = response.content.decode()
    assert 'value="70"' in text and 'value="90"' in text  # Ani's row as it was sent
    rows = {row.inmate.name: row for row in response.context["rows"]}
    assert rows["Budi"].form.errors and not rows["Ani"].form.errors
    assert "Nothing was saved" in text or "Tidak ada yang disimpan" in text


def test_a_row_refused_by_the_action_rolls_back_the_rows_saved_before_it(
    client_for, user, only_ours, monkeypatch
):
    from django.core.exceptions import ValidationError

    ani, budi = _followed(user, "Ani"), _followed(user, "Budi")
    record = actions.record_assessment

    def refuse_budi(*, inmate, **kwargs):
        if inmate.pk == budi.pk:
            raise ValidationError({"month": ["refused"]})
        return record(inmate=inmate, **kwargs)

    monkeypatch.setattr(actions, "record_assessment", refuse_budi)
    data = {**_row(ani, (70, 80, 90, 60)), **_row(budi, (50, 50, 50, 50))}
    response = client_for("wali.selong").post(URL, data)
    assert response.status_code == 200
    assert not MonthlyAssessment.objects.exists()
    rows = {row.inmate.name: row for row in response.context["rows"]}
    assert "refused" in rows["Budi"].form.non_field_errors()


def test_a_score_already_recorded_is_shown_and_corrected(client_for, user, only_ours):
    ani = _followed(user, "Ani")
    _score(ani, _month(), 60, user("wali.selong"))
    client = client_for("wali.selong")
    assert 'value="60"' in client.get(URL).content.decode()
    client.post(URL, _row(ani, (80, 80, 80, 80)))
    assert MonthlyAssessment.objects.get(inmate=ani, month=_month()).total == 80
    # Sent again unchanged: nothing recorded again.
    before = AuditEvent.objects.filter(action="assessment.record").count()
    client.post(URL, _row(ani, (80, 80, 80, 80)))
    assert AuditEvent.objects.filter(action="assessment.record").count() == before


def test_last_month_can_be_scored_and_a_month_not_started_cannot(client_for, user, only_ours):
    ani = _followed(user, "Ani")
    client = client_for("wali.selong")
    url = f"{URL}?month={_last_month():%Y-%m}"
    assert client.post(url, _row(ani, (70, 70, 70, 70))).status_code == 302
    assert MonthlyAssessment.objects.get(inmate=ani).month == _last_month()
    future = (_month() + datetime.timedelta(days=40)).replace(day=1)
    assert client.get(f"{URL}?month={future:%Y-%m}").status_code == 404
    assert client.get(f"{URL}?month=nonsense").status_code == 404


def test_another_walis_people_are_neither_shown_nor_saved(client_for, user, only_ours):
    other = MembershipFactory(
        role=Role.GUARDIAN, facility=Facility.objects.get(code="selong"), user__username="wali.dua"
    ).user
    theirs = _followed(user, "Eko", wali="wali.dua")
    mine = _followed(user, "Ani")
    client = client_for("wali.selong")
    assert _names(client.get(URL)) == ["Ani"]
    client.post(URL, {**_row(mine, (70, 70, 70, 70)), **_row(theirs, (10, 10, 10, 10))})
    assert not MonthlyAssessment.objects.filter(inmate=theirs).exists()
    assert MonthlyAssessment.objects.filter(inmate=mine).exists()
    assert _names(client_for(other.username).get(URL)) == ["Eko"]


def test_a_released_person_leaves_the_sheet(client_for, user, only_ours):
    ani, budi = _followed(user, "Ani"), _followed(user, "Budi")
    Inmate.objects.filter(pk=budi.pk).update(status="released")
    assert _names(client_for("wali.selong").get(URL)) == [ani.name]


# An officer opens the sheets of the facility's walis (test_score_sheet_officer.py).
@pytest.mark.parametrize("username", ["mitra.disnaker", "pk.bapas", "admin"])
def test_only_guardian_officers_have_a_sheet(client_for, only_ours, username):
    assert client_for(username).get(URL).status_code == 404


def test_anonymous_is_sent_to_log_in(client, only_ours):
    assert client.get(URL).status_code == 302


def _count(client, method: str = "get", url: str = URL, data=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data) if data is not None else client.get(url)
        assert response.status_code == 200
    return len(ctx)


def test_the_sheet_and_the_home_card_run_a_fixed_number_of_queries(client_for, user, only_ours):
    wali = user("wali.selong")
    people = [_followed(user, f"Orang {i}") for i in range(2)]
    _score(people[0], _last_month(), 60, wali)
    _score(people[1], _month(), 60, wali)
    client = client_for("wali.selong")
    few_sheet, few_home = _count(client), _count(client, url="/")
    for i in range(8):
        person = _followed(user, f"Orang lagi {i}")
        _score(person, _last_month(), 60, wali)
        if i % 2:
            _score(person, _month(), 60, wali)
    assert _count(client) == few_sheet
    assert _count(client, url="/") == few_home


def test_the_walis_home_card_counts_their_people_and_those_not_scored(client_for, user, only_ours):
    ani, budi = _followed(user, "Ani"), _followed(user, "Budi")
    _score(ani, _month(), 70, user("wali.selong"))
    response = client_for("wali.selong").get("/")
    with translation.override("en"):
        card = next(c for c in response.context["cards"] if str(c.title) == "My people (wali)")
    assert card.count == 1
    assert card.url == URL
    assert card.items == [("Budi", budi.get_absolute_url())]
    assert "2" in str(card.body)


def test_the_sheet_speaks_indonesian_and_english(client_for, user, only_ours):
    _followed(user, "Ani")
    client = client_for("wali.selong")
    english = client.get(URL, language="en").content.decode()
    assert "Monthly scoring sheet (SPPN)" in english and "Not scored yet" in english
    indonesian = client.get(URL, language="id").content.decode()
    assert "Lembar penilaian bulanan (SPPN)" in indonesian and "Belum dinilai" in indonesian


def test_the_month_is_the_facilitys_when_the_servers_day_differs(
    client_for, user, only_ours, monkeypatch
):
    """Late on the last evening of a month in WIB it is already the next month in WITA
    (Selong): the sheet is the facility's month, the one the action lets them score."""
    import zoneinfo

    ani = _followed(user, "Ani")
    selong = Facility.objects.get(code="selong")
    assert selong.time_zone == "Asia/Makassar"
    # 23:30 WIB on 30 November = 00:30 WITA on 1 December.
    instant = datetime.datetime(2026, 11, 30, 23, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Jakarta"))
    monkeypatch.setattr(timezone, "now", lambda: instant)
    client = client_for("wali.selong")
    response = client.get(URL)
    assert response.context["month"] == datetime.date(2026, 12, 1)
    assert client.post(URL, _row(ani, (70, 70, 70, 70))).status_code == 302
    assert MonthlyAssessment.objects.get(inmate=ani).month == datetime.date(2026, 12, 1)
