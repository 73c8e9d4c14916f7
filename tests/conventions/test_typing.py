"""Strict typing is part of the house rules (DESIGN.md): `make typecheck` runs mypy over
sinergi/ with the options of pyproject.toml. These tests prove that those options refuse
an untyped function, so a new module cannot slip in without annotations."""

from __future__ import annotations

import textwrap
import tomllib
from pathlib import Path
from typing import Any

from mypy import api as mypy_api

ROOT = Path(__file__).resolve().parents[2]


def _project_options() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return dict(tomllib.load(handle)["tool"]["mypy"])


def _check(tmp_path: Path, source: str) -> tuple[str, int]:
    """mypy with the project's options (without the Django plugin, which needs the
    settings and is not what is being proved) over one module."""
    options = _project_options()
    options.pop("plugins", None)
    options.pop("exclude", None)
    lines = ["[mypy]"]
    for key, value in options.items():
        text = str(value).lower() if isinstance(value, bool) else str(value)
        lines.append(f"{key} = {text}")
    config = tmp_path / "mypy.ini"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    module = tmp_path / "module.py"
    module.write_text(textwrap.dedent(source), encoding="utf-8")
    out, _err, status = mypy_api.run(
        ["--config-file", str(config), "--no-incremental", "--cache-dir=/dev/null", str(module)]
    )
    return out, status


def test_the_project_asks_mypy_for_typed_definitions():
    options = _project_options()
    assert options.get("disallow_untyped_defs") is True
    assert options.get("check_untyped_defs") is True


def test_an_untyped_function_fails_the_typecheck(tmp_path):
    out, status = _check(
        tmp_path,
        """
        def roster(program):
            return program
        """,
    )
    assert status == 1, out
    assert "no-untyped-def" in out


def test_a_typed_function_passes_the_typecheck(tmp_path):
    out, status = _check(
        tmp_path,
        """
        def roster(program: int) -> int:
            return program
        """,
    )
    assert status == 0, out
