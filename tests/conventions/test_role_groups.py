"""Role groups are named once, in sinergi/core/roles.py (DESIGN.md: "role groups named
once in core/roles.py"): an app that writes "program officer or head" out by hand drifts
from the others the day the group changes."""

from __future__ import annotations

import re
from pathlib import Path

from sinergi.core.roles import OFFICER_ROLES, REPORT_READER_ROLES, STAFF_ROLES, Role

ROOT = Path(__file__).resolve().parents[2]
ROLES_MODULE = ROOT / "sinergi" / "core" / "roles.py"

# Two or more of the officers' roles side by side, in any order, as a collection or as
# the arguments of a call: the shape of a group written out by hand.
_OFFICER = r"Role\.(?:PROGRAM_OFFICER|HEAD)"
WRITTEN_OUT = re.compile(_OFFICER + r"\s*,\s*" + _OFFICER)


def groups_written_out(source: str) -> list[int]:
    """Line numbers where a role group is spelled out instead of named."""
    return [source.count("\n", 0, match.start()) + 1 for match in WRITTEN_OUT.finditer(source)]


def test_the_officers_group_is_named_once_not_written_out_in_an_app():
    found = []
    for path in sorted((ROOT / "sinergi").rglob("*.py")):
        if path == ROLES_MODULE or "migrations" in path.parts:
            continue
        for line in groups_written_out(path.read_text(encoding="utf-8")):
            found.append(f"{path.relative_to(ROOT)}:{line}")
    assert found == [], (
        "use OFFICER_ROLES, STAFF_ROLES or REPORT_READER_ROLES from sinergi.core.roles"
    )


def test_the_check_catches_a_group_written_out_in_either_order():
    assert groups_written_out("x = (Role.PROGRAM_OFFICER, Role.HEAD)\n") == [1]
    assert groups_written_out("\nf(Role.HEAD,\n  Role.PROGRAM_OFFICER, attr='pk')") == [2]
    assert groups_written_out("f(*OFFICER_ROLES, Role.GUARDIAN)") == []


def test_the_groups_nest_as_their_names_say():
    assert set(OFFICER_ROLES) == {Role.PROGRAM_OFFICER, Role.HEAD}
    assert set(STAFF_ROLES) == {*OFFICER_ROLES, Role.GUARDIAN}
    assert set(REPORT_READER_ROLES) == {*STAFF_ROLES, Role.PROBATION_OFFICER}
