"""Small counts never reach the public: primary suppression (1 to 4 shown as "<5") and
complementary suppression, so that no hidden count can be recovered by subtraction."""

from __future__ import annotations

from decimal import Decimal

from sinergi.indicators.catalogue import AVERAGE, COUNT, RATIO, SUM, make_value
from sinergi.indicators.suppression import LESS_THAN_FIVE, PROTECTING, suppress

NATION = ("national", None)
NORTH, SOUTH = ("region", 1), ("region", 2)
A, B, C, D = ("facility", 1), ("facility", 2), ("facility", 3), ("facility", 4)
TREE = {NATION: [NORTH, SOUTH], NORTH: [A, B], SOUTH: [C, D]}


def counts(**cells: int) -> dict:
    names = {"nation": NATION, "north": NORTH, "south": SOUTH, "a": A, "b": B, "c": C, "d": D}
    return {names[k]: make_value(COUNT, v) for k, v in cells.items()}


def shown(published) -> dict:
    return {cell: (p.numerator, p.flag) for cell, p in published.items()}


def test_counts_from_one_to_four_are_hidden_as_less_than_five():
    result = suppress(COUNT, counts(nation=40, north=20, south=20, a=10, b=10, c=16, d=4), TREE)
    assert result[D].numerator is None and result[D].flag == LESS_THAN_FIVE
    assert result[D].value is None


def test_a_sibling_is_hidden_so_the_small_count_cannot_be_subtracted_from_the_total():
    # South = 20 = C (16) + D (4): with D hidden, C must go too, or 20 - 16 reveals D.
    result = suppress(COUNT, counts(nation=40, north=20, south=20, a=10, b=10, c=16, d=4), TREE)
    assert result[C].flag == PROTECTING and result[C].numerator is None
    assert result[SOUTH].numerator == Decimal(20)
    # The regions are not touched: nothing in the north is small.
    assert result[A].numerator == 10 and result[NORTH].numerator == 20


def test_the_parent_is_hidden_when_no_sibling_can_protect_the_small_count():
    # South = 3 + 0: the only other child is zero, and the region itself is small.
    result = suppress(COUNT, counts(nation=23, north=20, south=3, a=10, b=10, c=3, d=0), TREE)
    assert result[C].flag == LESS_THAN_FIVE
    assert result[SOUTH].flag == LESS_THAN_FIVE
    # The country total would give the south away (23 - 20): the north is hidden too,
    # and then one facility of the north so that the north cannot be added up.
    assert result[NORTH].numerator is None
    hidden_north = [cell for cell in (A, B) if result[cell].numerator is None]
    assert len(hidden_north) >= 1
    assert_nothing_recoverable(result)


def test_a_hidden_region_with_all_its_facilities_shown_gets_one_hidden():
    result = suppress(COUNT, counts(nation=12, north=9, south=3, a=5, b=4, c=3, d=0), TREE)
    assert_nothing_recoverable(result)


def test_a_percentage_hides_its_numerator_and_complement_together():
    # 200 inmates, 197 enrolled: the 3 who were not would follow from 200 - 197.
    values = {NATION: make_value(RATIO, 197, 200), NORTH: make_value(RATIO, 197, 200)}
    values[A] = make_value(RATIO, 197, 200)
    result = suppress(RATIO, values, {NATION: [NORTH], NORTH: [A]})
    for cell in (NATION, NORTH, A):
        assert result[cell].numerator is None and result[cell].value is None
        assert result[cell].denominator == Decimal(200)
        assert result[cell].flag == LESS_THAN_FIVE


def test_an_average_of_fewer_than_five_scores_is_hidden():
    values = {NATION: make_value(AVERAGE, 240, 3), A: make_value(AVERAGE, 240, 3)}
    result = suppress(AVERAGE, values, {NATION: [A]})
    assert result[A].value is None and result[A].denominator is None
    assert result[A].numerator is None


def test_sums_of_hours_are_published_as_they_are():
    values = {NATION: make_value(SUM, 3), A: make_value(SUM, 3)}
    result = suppress(SUM, values, {NATION: [A]})
    assert result[A].value == Decimal(3) and result[A].flag == ""


def assert_nothing_recoverable(result) -> None:
    """No published figure is 1 to 4, and no hidden child is the only hidden one of a
    published parent (which subtraction would reveal)."""
    for cell, figure in result.items():
        for number in (figure.numerator, figure.denominator, figure.value):
            assert number is None or not (1 <= number <= 4), (cell, figure)
    for parent, children in TREE.items():
        hidden = [c for c in children if result[c].numerator is None]
        if result[parent].numerator is not None:
            assert len(hidden) != 1, (parent, hidden)
        elif any(result[c].numerator for c in children):
            assert hidden, parent


def test_a_place_with_no_record_is_published_as_a_computed_zero_is():
    # A facility with no record of the indicator: before, a count showed no value ("-")
    # and a sum a denominator of 0, where a facility whose records add up to zero shows
    # 0 and no denominator; a percentage with nothing to divide stays without a value.
    tree = {"country": ["a", "b"]}
    for kind in (COUNT, SUM, RATIO, AVERAGE):
        zero = make_value(kind, 0, 0)
        published = suppress(kind, {"a": zero}, tree)
        for cell in ("a", "b", "country"):
            found = published[cell]
            assert (found.numerator, found.denominator, found.value) == (
                zero.numerator,
                zero.denominator,
                zero.value,
            ), (kind, cell)
    count = suppress(COUNT, {}, tree)["b"]
    assert (count.numerator, count.denominator, count.value) == (0, None, 0)
