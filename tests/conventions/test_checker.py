"""The conventions checker itself: fed a small made-up project, it reports each break."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.conventions.checker import (
    DOMAIN_APPS,
    action_violations,
    all_violations,
    app_module_violations,
    layer_violations,
    permission_violations,
)


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def _project(root: Path, extra: dict[str, str] | None = None) -> Path:
    """A project that keeps every rule: each domain app with its three modules."""
    files = {"sinergi/__init__.py": "", "sinergi/core/__init__.py": ""}
    for app in DOMAIN_APPS:
        files[f"sinergi/{app}/__init__.py"] = ""
        for module in ("queries", "rules"):
            files[f"sinergi/{app}/{module}.py"] = ""
        files[f"sinergi/{app}/actions.py"] = ""
    files["sinergi/sentences/__init__.py"] = ""
    files["sinergi/programs/actions.py"] = """
        from django.db import transaction

        from sinergi.core import audit
        from sinergi.inmates.models import Inmate


        @transaction.atomic
        def enroll(*, inmate, program, by):
            inmate.save(update_fields=["status"])
            audit.record("program.enroll", by=by, target=inmate)


        def _helper(*, program):
            program.save()


        def close(*, program, by):
            with transaction.atomic():
                _helper(program=program)


        def eligibility(program, inmate):
            return program.pk == inmate.pk
    """
    files.update(extra or {})
    return _write(root, files)


def test_a_project_that_keeps_the_rules_has_no_violation(tmp_path):
    assert all_violations(_project(tmp_path)) == []


def test_a_lower_app_importing_a_higher_one_is_a_layer_violation(tmp_path):
    root = _project(
        tmp_path,
        {"sinergi/inmates/views.py": "from sinergi.programs.models import Program\n"},
    )
    (found,) = layer_violations(root)
    assert found.path == "sinergi/inmates/views.py"
    assert found.line == 1
    assert "inmates uses programs" in found.detail


def test_a_relative_or_lazy_import_of_a_higher_app_is_caught_too(tmp_path):
    root = _project(
        tmp_path,
        {
            "sinergi/orgs/home.py": """
                def cards():
                    from ..cooperation import queries
                    return queries
            """
        },
    )
    (found,) = layer_violations(root)
    assert "orgs uses cooperation" in found.detail


def test_a_string_model_reference_to_a_higher_app_is_a_layer_violation(tmp_path):
    root = _project(
        tmp_path,
        {
            "sinergi/inmates/models.py": """
                from django.apps import apps
                from django.db import models


                class Inmate(models.Model):
                    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE)
                    plans = models.ManyToManyField(to="reintegration.Plan")


                def programs():
                    return apps.get_model("programs", "Program").objects.all()
            """
        },
    )
    found = sorted(v.detail for v in layer_violations(root))
    assert len(found) == 3
    assert any('ForeignKey("programs.Program")' in d for d in found)
    assert any('ManyToManyField("reintegration.Plan")' in d for d in found)
    assert any("get_model('programs', 'Program')" in d for d in found)


def test_core_and_sentences_use_no_app(tmp_path):
    root = _project(
        tmp_path,
        {
            "sinergi/core/navigation.py": "from sinergi.orgs.models import Facility\n",
            "sinergi/sentences/engine.py": "from sinergi.core import bounds\n",
        },
    )
    found = {v.path: v.detail for v in layer_violations(root)}
    assert "core knows no app" in found["sinergi/core/navigation.py"]
    assert "uses nothing of the project" in found["sinergi/sentences/engine.py"]


def test_a_higher_app_may_use_a_lower_one_core_and_sentences(tmp_path):
    root = _project(
        tmp_path,
        {
            "sinergi/indicators/views.py": """
                from sinergi import sentences
                from sinergi.core.api import errors
                from sinergi.inmates.models import Inmate
                from sinergi.programs import queries
            """,
            "sinergi/programs/models.py": """
                from django.db import models


                class Program(models.Model):
                    facility = models.ForeignKey("orgs.Facility", on_delete=models.CASCADE)
                    user = models.ForeignKey("auth.User", on_delete=models.CASCADE)
            """,
        },
    )
    assert layer_violations(root) == []


def test_a_write_outside_a_transaction_is_an_action_violation(tmp_path):
    root = _project(
        tmp_path,
        {
            "sinergi/cooperation/actions.py": """
                from sinergi.core import audit


                def approve(*, agreement, by):
                    agreement.save()
                    audit.record("agreement.approve", by=by, target=agreement)
            """
        },
    )
    (found,) = action_violations(root)
    assert found.key == "cooperation: approve() writes outside transaction.atomic"
    assert "line 6, 7" in found.detail


def test_a_write_through_a_private_helper_outside_a_transaction_is_caught(tmp_path):
    root = _project(
        tmp_path,
        {
            "sinergi/cooperation/actions.py": """
                def _store(*, agreement):
                    agreement.objects.bulk_create([agreement])


                def approve(*, agreement, by):
                    _store(agreement=agreement)
            """
        },
    )
    (found,) = action_violations(root)
    assert found.key == "cooperation: approve() writes outside transaction.atomic"


def test_a_writing_action_with_positional_arguments_or_without_by_is_caught(tmp_path):
    root = _project(
        tmp_path,
        {
            "sinergi/cooperation/actions.py": """
                from django.db import transaction


                @transaction.atomic
                def approve(agreement, *, note):
                    agreement.save()
            """
        },
    )
    keys = {v.key for v in action_violations(root)}
    assert keys == {
        "cooperation: approve() takes positional arguments",
        "cooperation: approve() takes no keyword-only `by`",
    }


def test_a_module_of_an_actions_package_is_checked_like_actions_py(tmp_path):
    root = _project(
        tmp_path,
        {
            "sinergi/programs/actions/__init__.py": "",
            "sinergi/programs/actions/sessions.py": """
                def cancel(*, session, by):
                    session.delete()
            """,
        },
    )
    (found,) = action_violations(root)
    assert found.key == "programs: cancel() writes outside transaction.atomic"
    assert found.path == "sinergi/programs/actions/sessions.py"


def test_a_named_actions_module_is_checked_and_a_plain_module_is_not(tmp_path):
    """``litmas_actions.py`` holds actions (checked); ``litmas.py`` would not be."""
    writes = """
        from sinergi.core.roles import OFFICER_ROLES


        def submit(*, litmas, by):
            litmas.save()
            return OFFICER_ROLES
    """
    root = _project(
        tmp_path,
        {"sinergi/proposals/litmas_actions.py": writes, "sinergi/proposals/litmas.py": writes},
    )
    assert [(v.path, v.key) for v in action_violations(root)] == [
        (
            "sinergi/proposals/litmas_actions.py",
            "proposals: submit() writes outside transaction.atomic",
        )
    ]
    assert [v.key for v in permission_violations(root)] == [
        "sinergi/proposals/litmas_actions.py: OFFICER_ROLES"
    ]


def test_an_app_without_queries_actions_or_rules_is_reported(tmp_path):
    root = _project(tmp_path)
    (root / "sinergi/privacy/rules.py").unlink()
    (root / "sinergi/orgs/actions.py").unlink()
    # A package of that name counts as the module.
    (root / "sinergi/programs/queries.py").unlink()
    _write(root, {"sinergi/programs/queries/__init__.py": ""})
    assert {v.key for v in app_module_violations(root)} == {
        "sinergi/privacy/rules.py",
        "sinergi/orgs/actions.py",
    }


def test_an_inline_role_check_in_an_action_is_a_permission_violation(tmp_path):
    root = _project(
        tmp_path,
        {
            "sinergi/cooperation/actions.py": """
                from django.core.exceptions import PermissionDenied
                from django.db import transaction

                from sinergi.core.roles import OFFICER_ROLES
                from sinergi.core.scoping import scope_of


                @transaction.atomic
                def create_request(*, facility, by):
                    if not scope_of(by).facility_roles.get(facility.pk, frozenset()) & set(
                        OFFICER_ROLES
                    ):
                        raise PermissionDenied("no")
                    facility.save()
            """,
        },
    )
    found = permission_violations(root)
    assert {v.key for v in found} == {
        "sinergi/cooperation/actions.py: scope_of()",
        "sinergi/cooperation/actions.py: .facility_roles",
        "sinergi/cooperation/actions.py: OFFICER_ROLES",
    }
    assert {v.rule for v in found} == {"permission"}
    assert {v.line for v in found} == {11, 12}


def test_an_action_that_asks_require_perm_has_no_permission_violation(tmp_path):
    root = _project(
        tmp_path,
        {
            "sinergi/cooperation/actions.py": """
                from django.db import transaction

                from sinergi.core.permissions import require_perm


                @transaction.atomic
                def create_request(*, facility, by):
                    require_perm(by, "cooperation.add_request", facility, message="no")
                    facility.save()
            """,
        },
    )
    assert permission_violations(root) == []
    assert all_violations(root) == []
