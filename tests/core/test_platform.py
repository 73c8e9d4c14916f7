"""Health check, demo data, migrations, production settings, languages."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.utils import OperationalError
from django.test import override_settings

from sinergi.accounts.models import Membership, User
from sinergi.orgs.models import Facility, Partner

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_unreachable(client):
    with mock.patch("sinergi.core.views.connection.cursor", side_effect=OperationalError):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_seed_demo_is_idempotent(empty_database):
    call_command("seed_demo", stdout=io.StringIO())
    counts = (
        User.objects.count(),
        Membership.objects.count(),
        Facility.objects.count(),
        Partner.objects.count(),
    )
    call_command("seed_demo", stdout=io.StringIO())
    assert counts == (
        User.objects.count(),
        Membership.objects.count(),
        Facility.objects.count(),
        Partner.objects.count(),
    )
    assert set(Facility.objects.values_list("code", flat=True)) == {
        "selong",
        "lobar",
        "bapas-mataram",
    }
    assert Facility.objects.get(code="selong").time_zone == "Asia/Makassar"
    assert User.objects.get(username="kanwil.ntb").check_password("sinergi-demo")


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_the_demo_records_nothing_that_has_not_happened_yet():
    from sinergi.inmates.models import DisciplinaryRecord, Remission, Sentence
    from sinergi.orgs.models import Facility

    call_command("seed_demo", stdout=io.StringIO())
    today = Facility.objects.get(code="selong").today()  # the demo's facilities are on WITA
    assert Sentence.objects.exists()
    assert not Sentence.objects.filter(verdict_date__gt=today).exists()
    assert not Sentence.objects.filter(detention_start__gt=today).exists()
    assert not Remission.objects.filter(granted_on__gt=today).exists()
    assert not DisciplinaryRecord.objects.filter(date__gt=today).exists()


@pytest.mark.django_db
def test_seed_demo_refuses_without_debug_unless_forced(empty_database):
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not User.objects.exists()
    call_command("seed_demo", "--force", stdout=io.StringIO())
    assert User.objects.filter(username="admin").exists()


@pytest.mark.django_db
def test_every_model_change_has_a_migration():
    call_command("makemigrations", "--check", "--dry-run", stdout=io.StringIO())


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    dropped = {"PYTEST_VERSION", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped} | {
        "DEBUG": "false",
        "SECRET_KEY": "a-production-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "sinergi.example.go.id",
        "SITE_URL": "https://sinergi.example.go.id",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_settings_refuse_to_start_without_a_secret_key_in_production():
    env = {k: v for k, v in os.environ.items() if k not in {"PYTEST_VERSION", "SECRET_KEY"}}
    env["DEBUG"] = "false"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_the_deploy_check_requires_a_site_url_and_nothing_else_stops_without_it(tmp_path):
    """E-mail links and certificates' QR codes made outside a request need the public
    address: ``check --deploy`` (README, production smoke) fails without it. Other
    commands (collectstatic, migrate) do not need it and still run."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTEST_VERSION", "SITE_URL"}}
    env |= {
        "DEBUG": "false",
        "SECRET_KEY": "a-secret-for-this-test-only-" + "x" * 40,
        "ALLOWED_HOSTS": "sinergi.example.go.id",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
    }
    plain = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert plain.returncode == 0, plain.stderr
    deploy = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert deploy.returncode != 0
    assert "sinergi.E001" in deploy.stderr and "SITE_URL" in deploy.stderr


def test_make_run_gives_the_development_server_its_own_address():
    """``make run`` serves on PORT; the links its e-mails and QR codes carry name it."""
    makefile = (ROOT / "Makefile").read_text()
    assert "SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)}" in makefile


def test_compiled_translations_are_committed():
    for language in ("id", "en"):
        assert (ROOT / "locale" / language / "LC_MESSAGES" / "django.mo").exists()


def test_every_indonesian_message_is_translated_and_compiled():
    """Bahasa Indonesia is the default: no message may fall back to English, and the
    compiled catalogue holds what the source catalogue says."""
    import polib

    folder = ROOT / "locale" / "id" / "LC_MESSAGES"
    source = polib.pofile(str(folder / "django.po"))
    assert [e.msgid for e in source.untranslated_entries()] == []
    assert [e.msgid for e in source.fuzzy_entries()] == []
    compiled = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural
        for e in polib.mofile(str(folder / "django.mo"))
    }
    expected = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in source.translated_entries()
    }
    missing = {k for k in expected if k not in compiled}
    assert missing == set()


@pytest.mark.django_db
def test_pages_speak_indonesian_by_default_and_english_on_request(client):
    indonesian = client.get("/accounts/login/").content.decode()
    assert "Masuk" in indonesian
    client.cookies["sinergi_language"] = "en"
    english = client.get("/accounts/login/").content.decode()
    assert "Sign in to Sinergi" in english


@pytest.mark.django_db
def test_language_switcher_sets_the_language(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert "Sign in to Sinergi" in client.get("/accounts/login/").content.decode()
