"""Tests of minutes start first, each at the start of one xdist worker's share of the
collection (tests/conftest.py ``_long_tests_first``), so that none ends the run alone."""

from types import SimpleNamespace

from tests.conftest import _long_tests_first


def _items(count: int, long: set[int]) -> list[SimpleNamespace]:
    return [
        SimpleNamespace(name=f"t{n}", keywords={"long": True} if n in long else {})
        for n in range(count)
    ]


def _config(workers: int | None) -> SimpleNamespace:
    return SimpleNamespace(workerinput={"workercount": workers}) if workers else SimpleNamespace()


def test_each_long_test_opens_a_workers_share_and_nothing_is_lost():
    items = _items(100, {97, 40, 3})
    before = [item.name for item in items]
    _long_tests_first(_config(4), items)
    names = [item.name for item in items]
    assert sorted(names) == sorted(before)
    assert [names[0], names[25], names[50]] == ["t3", "t40", "t97"]
    # the others keep their order
    assert [n for n in names if n not in {"t3", "t40", "t97"}] == [
        n for n in before if n not in {"t3", "t40", "t97"}
    ]


def test_more_long_tests_than_workers_take_the_next_places_of_the_shares():
    items = _items(40, {5, 6, 7, 30, 31})
    _long_tests_first(_config(2), items)
    names = [item.name for item in items]
    assert [names[0], names[20], names[1], names[21], names[2]] == ["t5", "t6", "t7", "t30", "t31"]


def test_without_workers_the_long_tests_come_first():
    items = _items(10, {8, 9})
    _long_tests_first(_config(None), items)
    assert [item.name for item in items][:2] == ["t8", "t9"]
    assert len(items) == 10
