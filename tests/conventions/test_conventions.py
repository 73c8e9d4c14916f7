"""DESIGN.md's house rules, checked on the source tree (no database: `make lint` runs these).

A failure here names the file, the line and the rule it breaks; DESIGN.md ("Architecture",
"Conventions") says why the rule exists.
"""

from __future__ import annotations

from pathlib import Path

from tests.conventions.checker import (
    Violation,
    action_violations,
    app_module_violations,
    layer_violations,
)

ROOT = Path(__file__).resolve().parents[2]

# Known violations tolerated for now, each with its reason. An entry is a Violation.key;
# delete it when the code is fixed.
#
# reintegration/ and programs/actions.py are being restructured under issue 12 (the
# reintegration app brought up to the app template; programs/actions.py split into a
# package): their known violations are listed until that work lands. Keys name the app
# and the function, not the file, so they survive the split.
BEING_RESTRUCTURED_UNDER_ISSUE_12 = frozenset(
    {
    }
)

# Known violations outside the two apps above, not fixed yet (each needs more than a
# convention fix): these entries must disappear when fixed, and the test below fails
# when one is stale, so the list can only shrink.
NOT_YET_FIXED = frozenset(
    {
    }
)

TOLERATED = BEING_RESTRUCTURED_UNDER_ISSUE_12 | NOT_YET_FIXED


def _report(found: list[Violation]) -> str:
    return "\n".join(str(v) for v in found)


def test_no_app_uses_an_app_that_comes_after_it_and_core_and_sentences_use_none():
    found = [v for v in layer_violations(ROOT) if v.key not in TOLERATED]
    assert not found, "Data flows one way (DESIGN.md, Architecture):\n" + _report(found)


def test_every_public_action_that_writes_is_atomic_keyword_only_and_takes_by():
    found = [v for v in action_violations(ROOT) if v.key not in TOLERATED]
    assert not found, (
        "Writes go through actions inside transaction.atomic, keyword-only, with a"
        " required by= (DESIGN.md, Conventions):\n" + _report(found)
    )


def test_every_app_has_queries_actions_and_rules():
    found = [v for v in app_module_violations(ROOT) if v.key not in TOLERATED]
    assert not found, "Inside an app (DESIGN.md, Architecture):\n" + _report(found)


def test_the_list_of_violations_not_yet_fixed_holds_only_violations_still_there():
    present = {
        v.key
        for v in (
            *layer_violations(ROOT),
            *action_violations(ROOT),
            *app_module_violations(ROOT),
        )
    }
    stale = sorted(NOT_YET_FIXED - present)
    assert not stale, "Fixed: delete these entries from NOT_YET_FIXED:\n" + "\n".join(stale)
