""".env.example is the production configuration the README tells people to copy: it must
load the same way in systemd (EnvironmentFile=) and in a shell (`set -a; . ./.env`),
name every variable the settings read, and pass `check --deploy` without a warning."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
ENV_EXAMPLE = ROOT / ".env.example"
# A line systemd and a POSIX shell read alike: NAME=, then a bare word without spaces,
# quotes, comment signs or shell metacharacters, or a double-quoted string without them.
PLAIN = re.compile(r'^[A-Z][A-Z0-9_]*=(?:[^\s"\'#$`\\;&|<>()]*|"[^"$`\\]*")$')


def assignments() -> dict[str, str]:
    found = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            found[name] = value.strip('"')
    return found


def test_every_line_is_a_comment_or_a_plain_assignment():
    for number, line in enumerate(ENV_EXAMPLE.read_text().splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        assert PLAIN.match(line), f".env.example line {number} is not NAME=value: {line!r}"


def test_every_variable_the_settings_read_is_listed():
    read = set()
    for path in (ROOT / "sinergi").rglob("*.py"):
        text = path.read_text()
        read |= set(re.findall(r"""env_[a-z]+\(\s*["']([A-Z][A-Z0-9_]*)["']""", text))
    assert read, "no env_* call found"
    missing = sorted(read - set(assignments()))
    assert not missing, f"read by the settings but not in .env.example: {missing}"


def test_a_shell_loads_it_as_written():
    loaded = subprocess.run(
        ["bash", "-c", f"set -aeu; . {ENV_EXAMPLE}; env -0"],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": os.environ["PATH"]},
    ).stdout
    environment = dict(item.split("=", 1) for item in loaded.split("\0") if "=" in item)
    for name, value in assignments().items():
        assert environment.get(name) == value, name


def test_its_production_settings_pass_check_deploy_without_warnings():
    # The check runs as in production: without pytest's marker, and without the flag the
    # browser tests set for Playwright in this process (check --deploy refuses it).
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTEST_VERSION", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env["SMOKE_SECRET_KEY"] = secrets.token_urlsafe(50)
    done = subprocess.run(
        [
            "bash",
            "-c",
            f"set -a; . {ENV_EXAMPLE}; SECRET_KEY=$SMOKE_SECRET_KEY; set +a;"
            f" exec {sys.executable} manage.py check --deploy --fail-level WARNING",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_behind_the_proxy_the_sign_in_limits_read_the_clients_address():
    """With PROXY_COUNT=1 (nginx in front, as .env.example says), allauth's sign-in rate
    limits read the client from X-Forwarded-For as axes does; before, every sign-in
    counted against the proxy's one address and 30 a minute locked out the whole site."""
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"}
    env.update(DEBUG="true", PROXY_COUNT="1")
    code = (
        "import django; django.setup();"
        "from allauth import app_settings as a; from django.conf import settings as s;"
        "print(a.TRUSTED_PROXY_COUNT, s.AXES_IPWARE_PROXY_COUNT)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "sinergi.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "1"]
