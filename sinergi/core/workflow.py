"""The moves of a workflow as people see them.

A workflow is a status field and a table of allowed transitions. Each transition is a
:class:`Move`: the verb its button says (what the user does, never the status reached),
the sides that may make it, whether it is destructive (it ends or throws away work: shown
apart from the main moves and confirmed), and the fields it asks for. The API keeps the
statuses' codes; pages and human messages name a move by its verb.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class Move:
    """One transition of a workflow, as its button and its form show it."""

    to: str
    verb: Any  # a lazy translation: the button's text
    sides: frozenset[str]
    destructive: bool = False
    fields: tuple[str, ...] = ()  # the fields this move's form shows
    required: frozenset[str] = field(default_factory=frozenset)  # those it needs


Table = Mapping[tuple[str, str], Move]


def sides_table(table: Table) -> dict[tuple[str, str], frozenset[str]]:
    """``(from, to) -> sides``: who may make each move."""
    return {key: move.sides for key, move in table.items()}


def moves_from(table: Table, status: str, sides: Collection[str]) -> list[Move]:
    """The moves from ``status`` that one of ``sides`` may make, in the table's order."""
    mine = frozenset(sides)
    return [move for (src, _to), move in table.items() if src == status and move.sides & mine]


def awaited(
    table: Table, status: str, sides: Collection[str], names: Mapping[str, Any]
) -> list[str]:
    """What the other sides may do next from ``status``, each move's verb and who makes
    it (``names`` says each side's name): "“Send to the partner” (the head)". Nothing
    for a reader who acts for no side."""
    mine = frozenset(sides)
    if not mine:
        return []
    return [
        f"“{move.verb}” ({' / '.join(str(names[s]) for s in sorted(move.sides - mine))})"
        for (src, _to), move in table.items()
        if src == status and not move.sides & mine and not move.destructive
    ]


def verbs(moves: Iterable[Move]) -> str:
    """The moves named by their verbs, for a message ("nothing" when there is none)."""
    return ", ".join(f"“{move.verb}”" for move in moves) or _("nothing (not your turn)")


def verb_of(table: Table, to: str, status: str | None = None) -> str:
    """The verb of the move to ``to`` (from ``status`` when given), else ``to`` itself."""
    for (src, target), move in table.items():
        if target == to and status in (None, src):
            return str(move.verb)
    for (_src, target), move in table.items():
        if target == to:
            return str(move.verb)
    return to


class MoveForm(forms.Form):
    """The form of one move: only the fields that move asks for (``make_field(move,
    name)`` builds each, required when the move needs it), prefixed by its target so that
    several moves share a page, and, for a destructive move, a box to tick to confirm (no
    script needed)."""

    def __init__(
        self,
        move: Move,
        make_field: Callable[[Move, str], forms.Field],
        *args: Any,
        confirm: Any = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", move.to)
        super().__init__(*args, **kwargs)
        self.move = move
        self.verb = move.verb
        for name in move.fields:
            made = make_field(move, name)
            # The action says what is missing, in its own words; the browser is told
            # which fields the move needs (and marks them).
            made.required = False
            if name in move.required:
                made.widget.attrs["required"] = True
            self.fields[name] = made
        if move.destructive:
            self.fields["confirm"] = forms.BooleanField(
                label=confirm or gettext_lazy("I confirm this step; it cannot be undone."),
                required=True,
                error_messages={"required": gettext_lazy("Tick the box to confirm.")},
            )

    def values(self) -> dict[str, Any]:
        """The values given (parsed), without the confirmation."""
        return {k: v for k, v in self.cleaned_data.items() if k != "confirm"}

    def problems(self) -> list[str]:
        """Each error of the form, after its field's label."""
        return [
            f"{self.fields[name].label}: {message}" if name in self.fields else str(message)
            for name, found in self.errors.items()
            for message in found
        ]


def split(
    table: Table, status: str, sides: Collection[str], build: Callable[[Move], MoveForm]
) -> tuple[list[MoveForm], list[MoveForm]]:
    """The forms of the moves ``sides`` may make from ``status``: the main ones, and the
    destructive ones that the page shows apart."""
    found = [build(move) for move in moves_from(table, status, sides)]
    return (
        [f for f in found if not f.move.destructive],
        [f for f in found if f.move.destructive],
    )
