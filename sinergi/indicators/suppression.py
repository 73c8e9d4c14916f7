"""Statistical disclosure control for the public figures.

Rules (DESIGN.md, "Public pages show aggregates only; counts from 1 to 4 are shown as
<5"):

1. *Primary suppression*: a count from 1 to 4 is not published (shown as "<5").
2. *Complementary suppression*: a published total must not let a suppressed count be
   recovered by subtraction. Figures form a hierarchy (country → regions → facilities)
   whose children add up to their parent. Whenever exactly one child of a published
   parent is hidden, the smallest non-zero published sibling is hidden too (or, when
   there is none, the parent); a hidden parent whose children are all published has
   its smallest non-zero child hidden.
3. Within a percentage, the numerator and its complement (denominator - numerator) are
   hidden together, and a hidden denominator hides both: otherwise one would follow from
   the other two.

The counts of each figure are its *components*: the numerator of a count; numerator,
denominator and complement of a percentage; the number of records behind an average or a
median. Sums (hours, rupiah) are not counts of people and are published as they are.
Percentages, averages and medians are only published when none of their components is
hidden.

The rules run until nothing changes. Figures are published per calendar month only, so
that no published figure is the sum of other published periods.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from sinergi.indicators.catalogue import AVERAGE, COUNT, MEDIAN, RATIO, Value, make_value

SMALL = range(1, 5)
LESS_THAN_FIVE = "<5"
PROTECTING = "x"  # hidden so that a "<5" cannot be recovered

Key = Any  # a cell of the table: any hashable


def components(kind: str, value: Value) -> dict[str, Decimal]:
    if kind == COUNT:
        return {"num": value.numerator}
    if kind == RATIO:
        den = value.denominator or Decimal(0)
        return {"num": value.numerator, "den": den, "rest": den - value.numerator}
    if kind in (AVERAGE, MEDIAN):
        return {"den": value.denominator or Decimal(0)}
    return {}


@dataclass(frozen=True)
class Published:
    """A figure as the public sees it: hidden parts are None, with a flag."""

    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None
    flag: str = ""  # "", "<5" (a small count is hidden) or "x" (hidden to protect one)
    denominator_hidden: bool = False

    @property
    def hidden(self) -> bool:
        return bool(self.flag)

    def as_dict(self) -> dict[str, Any]:
        def number(x: Decimal | None) -> int | float | None:
            if x is None:
                return None
            return int(x) if x == x.to_integral_value() else float(x)

        return {
            "numerator": number(self.numerator),
            "denominator": number(self.denominator),
            "value": number(self.value),
            "flag": self.flag,
        }


def suppress(
    kind: str,
    values: Mapping[Key, Value],
    tree: Mapping[Key, Sequence[Key]],
) -> dict[Key, Published]:
    """Apply the rules to one indicator's figures.

    ``values`` holds every cell (a missing cell counts as zero); ``tree`` maps each
    parent cell to the cells that add up to it.
    """
    cells: set[Key] = set(values) | set(tree)
    for children in tree.values():
        cells |= set(children)
    comp: dict[Key, dict[str, Decimal]] = {}
    for cell in cells:
        value = values.get(cell)
        comp[cell] = components(kind, value) if value is not None else {}
    names = sorted({name for parts in comp.values() for name in parts})

    def amount(cell: Key, name: str) -> Decimal:
        return comp[cell].get(name, Decimal(0))

    hidden: set[tuple[Key, str]] = {
        (cell, name) for cell in cells for name in comp[cell] if comp[cell][name] in SMALL
    }
    primary = set(hidden)

    changed = True
    while changed:
        changed = False

        def hide(cell: Key, name: str) -> None:
            nonlocal changed
            if (cell, name) not in hidden:
                hidden.add((cell, name))
                changed = True

        if kind == RATIO:
            for cell in cells:
                if any((cell, name) in hidden for name in ("num", "den", "rest")):
                    hide(cell, "num")
                    hide(cell, "rest")
        for parent, children in tree.items():
            for name in names:
                shown = [c for c in children if (c, name) not in hidden]
                nonzero = sorted(
                    (c for c in shown if amount(c, name) > 0), key=lambda c: amount(c, name)
                )
                hidden_children = len(children) - len(shown)
                if (parent, name) not in hidden and hidden_children == 1:
                    if nonzero:
                        hide(nonzero[0], name)
                    elif amount(parent, name) > 0:
                        hide(parent, name)
                elif (parent, name) in hidden and hidden_children == 0 and nonzero:
                    hide(nonzero[0], name)

    result: dict[Key, Published] = {}
    for cell in cells:
        # A place with no record: the zero a computation over no record gives.
        value = values.get(cell) or make_value(kind, 0, 0)
        gone = {name for name in comp[cell] if (cell, name) in hidden}
        if not gone:
            result[cell] = Published(value.numerator, value.denominator, value.value)
            continue
        flag = LESS_THAN_FIVE if any((cell, n) in primary for n in gone) else PROTECTING
        result[cell] = Published(
            numerator=None,
            denominator=None if "den" in gone else value.denominator,
            value=None,
            flag=flag,
            denominator_hidden="den" in gone,
        )
    return result


def suppression_note() -> str:
    return _(
        "Counts from 1 to 4 are shown as “<5”. A figure marked “x” is hidden because it "
        "would let a hidden count be worked out by subtraction. Percentages, averages and "
        "medians are hidden when a count behind them is hidden. Figures are published per "
        "calendar month, once the month is over."
    )
