"""The release worklist's and the follow-up list's filters (the query string): a value
that does not parse is ignored (the filter's default) or said, never a 500, and each list
stays within the user's scope whatever the filters."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from sinergi.accounts.models import User
from sinergi.orgs.models import Facility
from sinergi.reintegration import actions
from sinergi.reintegration.forms import FollowUpFilterForm, WorklistFilterForm
from sinergi.reintegration.queries import (
    DEFAULT_HORIZON_DAYS,
    MAX_HORIZON_DAYS,
    follow_up_list,
    worklist_queryset,
)
from tests.inmates.factories import make_inmate

pytestmark = pytest.mark.django_db


@pytest.fixture
def near(demo_world):
    """A Selong inmate released within the default horizon, with no plan."""
    return make_inmate(
        facility=Facility.objects.get(code="selong"),
        name="Dekat Bebas",
        detention_start=timezone.localdate() - datetime.timedelta(days=700),
        term_years=2,
    )


@pytest.mark.parametrize(
    ("query", "days", "right", "plan", "adjusted"),
    [
        ({}, DEFAULT_HORIZON_DAYS, "", "", False),
        ({"days": "90", "right": "pb", "plan": "open"}, 90, "pb", "open", False),
        ({"days": "abc"}, DEFAULT_HORIZON_DAYS, "", "", True),
        ({"days": "1.5"}, DEFAULT_HORIZON_DAYS, "", "", True),
        ({"days": "0"}, 1, "", "", True),
        ({"days": str(10**30)}, MAX_HORIZON_DAYS, "", "", True),
        ({"right": "'; DROP TABLE"}, DEFAULT_HORIZON_DAYS, "", "", False),
        ({"plan": "everything"}, DEFAULT_HORIZON_DAYS, "", "", False),
    ],
)
def test_the_worklist_filter_form_gives_each_value_that_does_not_parse_its_default(
    query, days, right, plan, adjusted
):
    chosen = WorklistFilterForm(query).filters()
    assert (chosen.days, chosen.right, chosen.plan, chosen.adjusted) == (
        days,
        right,
        plan,
        adjusted,
    )


@pytest.mark.parametrize(
    "query",
    [
        "right=nonsense",
        "plan=nonsense",
        "days=%E2%88%9E",
        "days=99999999999999999999999999",
        "right=pb&right=cb&plan=none&plan=ready",
        "days=&right=&plan=",
    ],
)
def test_a_worklist_filter_that_does_not_parse_still_shows_the_list(client_for, near, query):
    response = client_for("petugas.selong").get(f"/reintegration/?{query}")
    assert response.status_code == 200
    assert response.context["right"] in ("", "pb", "cb")
    assert response.context["plan"] in ("", "none", "ready")


def test_an_unknown_right_or_plan_filters_nothing(client_for, near):
    client = client_for("petugas.selong")
    unfiltered = client.get("/reintegration/").context["page"].paginator.count
    assert unfiltered >= 1
    for query in ("right=nonsense", "plan=nonsense"):
        assert client.get(f"/reintegration/?{query}").context["page"].paginator.count == (
            unfiltered
        )


def test_the_plan_filter_separates_people_with_and_without_a_plan(near):
    officer = User.objects.get(username="petugas.selong")
    today = timezone.localdate()

    def names(plan: str) -> set[str]:
        return {i.name for i in worklist_queryset(officer, today, 183, plan=plan)}

    assert near.name in names("none")
    assert near.name not in names("open")
    actions.start_plan(inmate=near, by=officer)  # every need not started: open
    assert near.name in names("open")
    assert near.name not in names("none") | names("ready")
    for need in near.reintegration_plan.needs.all():
        actions.update_need(need=need, values={"status": "not_needed"}, note="", by=officer)
    assert near.name in names("ready")
    assert near.name not in names("open")


@pytest.mark.parametrize("username", ["petugas.lobar", "mitra.dukcapil", "pk.bapas"])
def test_no_filter_shows_a_person_of_another_facility(client_for, near, username):
    client = client_for(username)
    for query in ("", "?right=pb", "?plan=none", "?days=730"):
        response = client.get(f"/reintegration/{query}")
        if response.status_code == 404:  # no reintegration role at all
            continue
        assert response.status_code == 200
        assert near.pk not in {i.pk for i in response.context["page"].object_list}


@pytest.fixture
def follow_ups(near):
    release = actions.record_release(
        inmate=near,
        by=User.objects.get(username="petugas.selong"),
        values={
            "released_on": timezone.localdate(),
            "kind": "pb",
            "sk_number": "PAS-1.PK.05.06",
            "sk_date": timezone.localdate(),
            "bapas": Facility.objects.get(code="bapas-mataram"),
            "probation_officer": User.objects.get(username="pk.bapas"),
        },
    )
    return list(release.follow_ups.order_by("month"))


@pytest.mark.parametrize(
    ("query", "include_done"),
    [({}, False), ({"show": "all"}, True), ({"show": "ALL"}, False), ({"show": "x" * 500}, False)],
)
def test_the_follow_up_filter_lists_the_done_ones_only_when_asked(query, include_done):
    assert FollowUpFilterForm(query).include_done() is include_done


def test_the_follow_up_list_hides_the_done_ones_unless_asked(client_for, follow_ups):
    first = follow_ups[0]
    actions.record_follow_up(
        follow_up=first,
        values={"contact_made": True, "done_on": timezone.localdate()},
        by=User.objects.get(username="pk.bapas"),
    )
    client = client_for("pk.bapas")
    to_do = {f.pk for f in client.get("/reintegration/follow-ups/").context["page"].object_list}
    assert first.pk not in to_do and len(to_do) == 3
    every = client.get("/reintegration/follow-ups/?show=all").context["page"].object_list
    assert first.pk in {f.pk for f in every}
    odd = client.get("/reintegration/follow-ups/?show=nonsense")
    assert odd.status_code == 200
    assert {f.pk for f in odd.context["page"].object_list} == to_do


@pytest.mark.parametrize("username", ["petugas.lobar", "mitra.dukcapil", "mitra.disnaker"])
def test_the_follow_up_list_shows_outsiders_nothing_even_with_every_one_asked(follow_ups, username):
    outsider = User.objects.get(username=username)
    assert not follow_up_list(outsider, include_done=True).exists()
