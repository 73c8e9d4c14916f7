"""The rule set is one documented, frozen place for every parameter."""

from __future__ import annotations

import ast
import dataclasses
import sys
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

import sinergi.sentences
from sinergi.sentences import (
    DEFAULT_RULE_SET,
    RULE_SET,
    CrimeCategory,
    Term,
    calculate,
    rules,
)

from .helpers import sentence

PACKAGE_DIR = Path(sinergi.sentences.__file__).parent


def test_the_default_rule_set_is_named_after_the_regulation() -> None:
    assert DEFAULT_RULE_SET is RULE_SET
    assert DEFAULT_RULE_SET.name == "permenkumham-3-2018-amended-7-2022"


def test_fractions_are_exact() -> None:
    assert DEFAULT_RULE_SET.one_third == Fraction(1, 3)
    assert DEFAULT_RULE_SET.half == Fraction(1, 2)
    assert DEFAULT_RULE_SET.two_thirds == Fraction(2, 3)


def test_the_rule_set_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_RULE_SET.half = Fraction(1, 4)  # type: ignore[misc]


def test_crime_category_values_are_the_documented_strings() -> None:
    assert [c.value for c in CrimeCategory] == [
        "general",
        "narcotics",
        "terrorism",
        "corruption",
        "state_security",
        "human_rights",
        "transnational",
    ]
    assert isinstance(CrimeCategory.GENERAL, str)


def test_a_corrected_rule_set_carries_its_own_name_into_the_result() -> None:
    corrected = dataclasses.replace(DEFAULT_RULE_SET, name="selong-2025", cb_max_leave_months=4)
    result = calculate(sentence(date(2021, 1, 1), Term.fixed(1)), date(2021, 1, 1), corrected)
    assert result.rule_set == "selong-2025"
    assert result.to_dict()["rule_set"] == "selong-2025"


@pytest.mark.parametrize(
    "parameter",
    ["cb_max_leave_months", "remisi_khusus", "cmk_family_guarantee_required"],
)
def test_every_uncertain_parameter_is_documented_in_the_rules_module(parameter: str) -> None:
    doc = rules.__doc__ or ""
    assert parameter in doc
    assert "Uncertain parameters" in doc


def test_the_engine_imports_only_the_standard_library() -> None:
    allowed = set(sys.stdlib_module_names) | {"__future__"}
    for path in PACKAGE_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in allowed, f"{path.name} imports {name}"
