"""Naming a person's wali: one at a time (the inmate page) or many (the inmate list)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sinergi.accounts.models import Notification
from sinergi.core.models import AuditEvent
from sinergi.inmates import actions
from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Facility
from tests.inmates.factories import make_inmate

pytestmark = pytest.mark.django_db


@pytest.fixture
def only_ours(demo_world):
    Inmate.objects.all().delete()


def _people(n: int, facility: str = "selong") -> list[Inmate]:
    return [
        make_inmate(facility=Facility.objects.get(code=facility), name=f"Orang {i}")
        for i in range(n)
    ]


def _told(username: str) -> list[Notification]:
    return list(Notification.objects.filter(user__username=username).order_by("pk"))


def test_the_wali_named_is_told_with_a_link_to_the_person(user, only_ours):
    (person,) = _people(1)
    before = len(_told("wali.selong"))
    actions.assign_wali(inmate=person, wali=user("wali.selong"), by=user("petugas.selong"))
    told = _told("wali.selong")[before:]
    assert [n.url for n in told] == [person.get_absolute_url()]
    assert person.name in told[0].title
    # Named again: nothing changes, nobody is told twice.
    actions.assign_wali(inmate=person, wali=user("wali.selong"), by=user("petugas.selong"))
    assert len(_told("wali.selong")) == before + 1


def test_many_people_get_one_wali_in_one_step_and_the_wali_is_told_once(user, only_ours):
    people = _people(4)
    before = len(_told("wali.selong"))
    changed = actions.assign_wali_to_many(
        inmates=people, wali=user("wali.selong"), by=user("petugas.selong")
    )
    assert changed == 4
    assert Inmate.objects.filter(wali__username="wali.selong").count() == 4
    told = _told("wali.selong")[before:]
    assert len(told) == 1 and "4" in told[0].title and told[0].url == "/inmates/scores/"
    assert (
        AuditEvent.objects.filter(action="inmate.update", changes__wali__isnull=False).count() == 4
    )
    assert all(p.history.filter(history_change_reason="wali assigned").exists() for p in people)


def test_taking_the_wali_away_from_many_tells_nobody(user, only_ours):
    people = _people(2)
    officer = user("petugas.selong")
    actions.assign_wali_to_many(inmates=people, wali=user("wali.selong"), by=officer)
    before = Notification.objects.count()
    assert actions.assign_wali_to_many(inmates=people, wali=None, by=officer) == 2
    assert not Inmate.objects.filter(wali__isnull=False).exists()
    assert Notification.objects.count() == before


def test_one_person_of_another_facility_refuses_the_whole_step(user, only_ours):
    ours, theirs = _people(1)[0], _people(1, facility="lobar")[0]
    with pytest.raises(PermissionDenied):
        actions.assign_wali_to_many(
            inmates=[ours, theirs], wali=user("wali.selong"), by=user("petugas.selong")
        )
    assert not Inmate.objects.filter(wali__isnull=False).exists()


def test_the_wali_must_be_of_the_peoples_facility(user, only_ours):
    people = _people(2)
    with pytest.raises(ValidationError):
        actions.assign_wali_to_many(
            inmates=people, wali=user("petugas.selong"), by=user("petugas.selong")
        )
    assert not Inmate.objects.filter(wali__isnull=False).exists()


@pytest.mark.parametrize("username", ["wali.selong", "mitra.disnaker", "petugas.lobar"])
def test_only_the_facilitys_officers_name_walis(user, only_ours, username):
    people = _people(2)
    with pytest.raises(PermissionDenied):
        actions.assign_wali_to_many(inmates=people, wali=user("wali.selong"), by=user(username))


# --- the inmate list: tick people, name their wali ----------------------------------------

LIST = "/inmates/"
BULK = "/inmates/wali/"


def test_an_officer_ticks_people_in_the_list_and_names_their_wali(client_for, user, only_ours):
    people = _people(3)
    client = client_for("petugas.selong")
    page = client.get(LIST).content.decode()
    assert f'id="tick-{people[0].pk}"' in page and 'name="wali"' in page
    response = client.post(
        BULK,
        {"people": [p.pk for p in people[:2]], "wali": user("wali.selong").pk, "next": LIST},
    )
    assert response.status_code == 302 and response.url == LIST
    assert sorted(
        Inmate.objects.filter(wali__username="wali.selong").values_list("pk", flat=True)
    ) == sorted(p.pk for p in people[:2])
    assert "Wali Pemasyarakatan Selong" in client.get(LIST).content.decode()  # the list shows it


def test_nothing_chosen_changes_nobody_and_nobody_takes_the_wali_away(client_for, user, only_ours):
    people = _people(2)
    actions.assign_wali_to_many(inmates=people, wali=user("wali.selong"), by=user("petugas.selong"))
    client = client_for("petugas.selong")
    client.post(BULK, {"people": [p.pk for p in people], "wali": ""})
    assert Inmate.objects.filter(wali__isnull=False).count() == 2
    client.post(BULK, {"people": [p.pk for p in people], "wali": "none"})
    assert not Inmate.objects.filter(wali__isnull=False).exists()


def test_a_person_of_another_facility_cannot_be_slipped_in(client_for, user, only_ours):
    ours, theirs = _people(1)[0], _people(1, facility="lobar")[0]
    client_for("petugas.selong").post(
        BULK, {"people": [ours.pk, theirs.pk], "wali": user("wali.selong").pk}
    )
    assert not Inmate.objects.filter(wali__isnull=False).exists()


@pytest.mark.parametrize("username", ["wali.selong", "mitra.disnaker", "pk.bapas"])
def test_who_is_no_officer_has_no_ticks_and_is_refused(client_for, user, only_ours, username):
    people = _people(2)
    client = client_for(username)
    assert 'name="people"' not in client.get(LIST).content.decode()
    response = client.post(BULK, {"people": [p.pk for p in people], "wali": user("wali.selong").pk})
    assert response.status_code == 403
    assert not Inmate.objects.filter(wali__isnull=False).exists()


def test_the_list_with_ticks_and_walis_runs_a_fixed_number_of_queries(client_for, user, only_ours):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("petugas.selong")
    actions.assign_wali_to_many(
        inmates=_people(2), wali=user("wali.selong"), by=user("petugas.selong")
    )

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST).status_code == 200
        return len(ctx)

    few = count()
    actions.assign_wali_to_many(
        inmates=_people(9), wali=user("wali.selong"), by=user("petugas.selong")
    )
    assert count() == few


# --- the API ---------------------------------------------------------------------------------


def _put(client, person: Inmate, wali_id):
    return client.put(
        f"/api/v1/inmates/{person.pk}/wali",
        data={"wali_id": wali_id},
        content_type="application/json",
    )


def test_the_api_names_the_wali_and_shows_it_in_the_person(client_for, user, only_ours):
    (person,) = _people(1)
    client = client_for("petugas.selong")
    wali = user("wali.selong")
    response = _put(client, person, wali.pk)
    assert response.status_code == 200
    assert response.json()["wali_id"] == wali.pk
    assert response.json()["wali"] == "Wali Pemasyarakatan Selong"
    assert client.get(f"/api/v1/inmates/{person.pk}").json()["wali_id"] == wali.pk
    listed = client.get("/api/v1/inmates").json()["items"]
    assert [(i["id"], i["wali"]) for i in listed] == [(person.pk, "Wali Pemasyarakatan Selong")]
    assert _put(client, person, None).json()["wali_id"] is None


def test_the_api_refuses_a_non_wali_at_its_field(client_for, user, only_ours):
    (person,) = _people(1)
    client = client_for("petugas.selong")
    for wali_id in (user("petugas.selong").pk, 987654):
        response = _put(client, person, wali_id)
        assert response.status_code == 422 and "wali" in response.json()["errors"]
    assert Inmate.objects.get(pk=person.pk).wali_id is None


@pytest.mark.parametrize(
    ("username", "status"), [("wali.selong", 403), ("petugas.lobar", 404), ("mitra.disnaker", 404)]
)
def test_the_api_refuses_who_may_not_name_a_wali(client_for, user, only_ours, username, status):
    (person,) = _people(1)
    assert _put(client_for(username), person, user("wali.selong").pk).status_code == status
    assert Inmate.objects.get(pk=person.pk).wali_id is None
