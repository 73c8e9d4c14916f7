"""The pipeline's counts (issue 18): the number beside each filter's value is the number
of people the list shows when that value is chosen, the other filters kept; for every
value of every filter, alone and combined, on a world with every state, stage, wait and
release case. (The counts are computed in one pass over the people's rights, not with a
subquery per person and value: at national scale the old way took 50 s.)"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sinergi.inmates import actions, pipeline
from sinergi.inmates.choices import Right
from sinergi.inmates.models import Inmate, Sentence
from sinergi.proposals.choices import Stage
from tests.inmates.test_pipeline_proposals import _closed, _open
from tests.inmates.test_rights_pipeline import _days, _person, _today, only_ours

pytestmark = pytest.mark.django_db

__all__ = ["only_ours"]


def _release_on(person: Inmate, day) -> None:
    Sentence.objects.filter(inmate=person).update(expiry_after_remission=day, release_date=None)


@pytest.fixture
def world(only_ours, user):
    """People in every case the filters tell apart."""
    wali = user("wali.selong")
    officer = user("petugas.selong")
    a = _person(name="Ani", rights={"pb": ("eligible", _days(-100)), "cb": ("blocked", None)})
    actions.assign_wali(inmate=a, wali=wali, by=officer)
    b = _person(name="Budi", rights={"cb": ("eligible", _days(-5)), "pb": ("eligible", _days(40))})
    _open(b, "cb", Stage.TPP)
    c = _person(name="Cici", rights={"cmk": ("eligible", _days(10))})
    actions.assign_wali(inmate=c, wali=wali, by=officer)
    d = _person(name="Dedi", rights={"pb": ("eligible", _days(-60)), "cb": ("eligible", _days(-3))})
    _closed(d, "pb", Stage.REFUSED, 20, "Belum lengkap")
    _open(d, "cb", Stage.DOCUMENTS)
    e = _person(name="Eka", rights={"asimilasi": ("eligible", _days(-200))})
    _closed(e, "asimilasi", Stage.WITHDRAWN, 150, "Ditarik")
    f = _person(name="Fajar", rights={"pb": ("eligible", _days(-30))})
    _release_on(f, _today())
    g = _person(name="Gita", rights={"cb": ("blocked", _days(5))})
    _release_on(g, _days(-4))
    h = _person(name="Hadi", rights={"pb": ("eligible", _days(200)), "cb": ("blocked", _days(30))})
    actions.assign_wali(inmate=h, wali=wali, by=officer)
    i = _person(name="Indah", rights={"pb": ("eligible", _days(-10))})
    _closed(i, "pb", Stage.REFUSED, 40, "Ditolak")
    _open(i, "pb", Stage.SENT)
    _person(name="Joko", rights={"cb": ("eligible", _days(-95)), "cmb": ("eligible", _days(-35))})
    _person(name="Lina", rights={"asimilasi": ("eligible", _days(-250))})
    _person(name="Kiki", rights={"cmb": ("eligible", _days(-50)), "cmk": ("blocked", None)})
    return wali


def _list_count(user, filters: pipeline.Filters) -> int:
    return pipeline.pipeline(user, filters, _today()).count()


def _values(name: str, wali) -> list[str]:
    source = pipeline.stage_source()
    assert source is not None
    return {
        "right": list(Right.values),
        "state": list(pipeline.EligibilityState.values),
        "stage": [value for value, _label in source.stage_choices()],
        "waiting": list(pipeline.Waiting.values),
        "late": ["1"],
        "wali": [str(wali.pk), "none"],
    }[name]


def _facet(found: pipeline.Facets, name: str, value: str) -> int:
    if name == "late":
        return found.late or 0
    if name == "wali":
        return {key: n for key, _name, n in found.wali}.get(value, 0)
    return getattr(found, name).get(value, 0)


FILTERS = ["right", "state", "stage", "waiting", "late", "wali"]


# Two filters chosen at once, where the filters on rights meet: the same right must be in
# the state, at the stage and late when a right is chosen; any right each when none is.
PAIRS = [
    {"right": "pb", "state": "due"},
    {"right": "cb", "stage": "tpp"},
    {"right": "pb", "late": "1"},
    {"state": "due", "late": "1"},
    {"state": "release_today", "right": "pb"},
    {"stage": "not_proposed", "waiting": "91-180"},
    {"wali": "none", "state": "blocked"},
    {"stage": "refused", "late": "1"},
]


def _combinations(wali):
    """No filter, each filter's every value alone, and the pairs above: each count is then
    checked against the list with one filter more (every value of every filter)."""
    yield {}
    for name in FILTERS:
        for value in _values(name, wali):
            yield {name: value}
    yield from PAIRS


def test_every_count_is_the_number_the_list_shows_for_that_value(world, user):
    officer = user("petugas.selong")
    today = _today()
    wrong = []
    expected: dict[tuple, int] = {}
    for chosen in _combinations(world):
        found = pipeline.facets(officer, pipeline.Filters(**chosen), today)
        for name in FILTERS:
            for value in _values(name, world):
                wanted = {**chosen, name: value}
                key = tuple(sorted(wanted.items()))
                if key not in expected:
                    expected[key] = _list_count(officer, pipeline.Filters(**wanted))
                if _facet(found, name, value) != expected[key]:
                    wrong.append((chosen, name, value, _facet(found, name, value), expected[key]))
    assert wrong == []
    assert len(expected) > 300
    # Every case is in the world: each of these values finds somebody.
    for name, value in [
        *(("state", state) for state in pipeline.EligibilityState.values),
        *(("waiting", waiting) for waiting in pipeline.Waiting.values),
        *(("stage", stage) for stage in ("not_proposed", "tpp", "sent", "refused", "withdrawn")),
        *(("right", right) for right in ("pb", "cb", "cmb", "asimilasi")),
        ("late", "1"),
        ("wali", str(world.pk)),
        ("wali", "none"),
    ]:
        assert expected[((name, value),)] > 0, (name, value)


def test_the_counts_take_a_fixed_number_of_queries(world, user):
    filters = pipeline.Filters(state="due", stage="not_proposed", waiting="91-180")
    with CaptureQueriesContext(connection) as few:
        pipeline.facets(user("petugas.selong"), filters, _today())
    for n in range(12):
        _person(name=f"Orang {n}", rights={"pb": ("eligible", _days(-n * 20))})
    with CaptureQueriesContext(connection) as more:
        pipeline.facets(user("petugas.selong"), filters, _today())
    assert len(more) == len(few)


def test_the_counts_say_how_many_people_the_list_shows_without_a_filter(world, user):
    """With no filter but the search, the counts know the list's number of people (the
    page then counts them no more); with a filter on rights, waits or walis they do not
    say (None)."""
    officer = user("petugas.selong")
    today = _today()
    for chosen in ({}, {"q": "Ani"}, {"q": "nobody"}, {"sort": "name"}):
        found = pipeline.facets(officer, pipeline.Filters(**chosen), today)
        assert found.shown == _list_count(officer, pipeline.Filters(**chosen)), chosen
    assert pipeline.facets(officer, pipeline.Filters(), today).shown > 10
    for name in FILTERS:
        value = _values(name, world)[0]
        found = pipeline.facets(officer, pipeline.Filters(**{name: value}), today)
        assert found.shown is None, name


def _counts_of_people(queries) -> int:
    start = 'SELECT COUNT(*) AS "__count" FROM "inmates_inmate"'
    return sum(1 for query in queries if query["sql"].startswith(start))


def test_counts_for_later_know_the_lists_number_unless_a_wali_is_chosen(world, user):
    """When the page shows its rows before its counts, only the walis are counted; their
    sum is the list's number of people whatever the other filters (each person is in one
    wali's group, or in "none"), so the page counts them no more; with a wali chosen the
    walis' options are the list without it, and the counts do not say (None)."""
    officer = user("petugas.selong")
    today = _today()
    checked = 0
    for chosen in _combinations(world):
        found = pipeline.facets(officer, pipeline.Filters(**chosen), today, deferred=True)
        assert found.deferred and not found.known and found.right == {} and found.late is None
        if chosen.get("wali"):
            assert found.shown is None, chosen
            continue
        assert found.shown == _list_count(officer, pipeline.Filters(**chosen)), chosen
        checked += 1
    assert checked > 20


def test_the_page_without_a_filter_does_not_count_its_people_again(world, client_for):
    """With its counts (``?counts=1``) the page's paginator takes the number the counts
    found: the only count left is the one of the people in reach (whether the counts are
    computed at all). Without them the page counts the people in reach (whether counts will
    come) and takes its own number from the walis' (unless a wali is chosen), and the counts
    fetched after it (htmx) count nobody else."""
    client = client_for("petugas.selong")
    with CaptureQueriesContext(connection) as plain:
        response = client.get("/inmates/rights/?counts=1")
    assert response.status_code == 200
    shown = response.context["page"].paginator.count
    assert shown == _list_count(response.context["user"], pipeline.Filters()) > 10
    assert _counts_of_people(plain.captured_queries) == 1
    with CaptureQueriesContext(connection) as filtered:
        response = client.get("/inmates/rights/?counts=1&state=due")
    assert response.status_code == 200
    assert _counts_of_people(filtered.captured_queries) == 2
    with CaptureQueriesContext(connection) as rows_first:
        response = client.get("/inmates/rights/")
    assert response.context["page"].paginator.count == shown
    assert _counts_of_people(rows_first.captured_queries) == 1
    wali = response.context["counts"].wali[0][0]
    with CaptureQueriesContext(connection) as one_wali:
        response = client.get(f"/inmates/rights/?wali={wali}")
    assert response.context["page"].paginator.count == _list_count(
        response.context["user"], pipeline.Filters(wali=wali)
    )
    assert _counts_of_people(one_wali.captured_queries) == 2
    with CaptureQueriesContext(connection) as later:
        response = client.get("/inmates/rights/?counts=1", headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    # The filters alone, with their counts (no rows).
    assert body.lstrip().startswith('<form method="get" class="filters" id="pipeline-filters"')
    assert "data-counts-url" not in body and 'id="pipeline-late"' in body
    assert "<table" not in body and "<html" not in body
    assert _counts_of_people(later.captured_queries) == 1
