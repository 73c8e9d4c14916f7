"""The README's production path for static files: ``collectstatic`` with DEBUG off, then
pages rendered from the manifest it wrote (as gunicorn serves them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils.functional import empty

from sinergi.orgs.models import Facility

ROOT = Path(django_settings.BASE_DIR)
EVERY_EXTENSION = ["js", "css", "map", "svg", "png", "txt", "md", "html", "json", "ico", ""]

# Runs with the settings a production server reads from its environment (DEBUG off,
# not under pytest); only STATIC_ROOT points to the test's folder.
COLLECT = """
import json, sys
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
settings.STATIC_ROOT = sys.argv[1]
# Compression (WhiteNoise's gzip and brotli copies) takes half a minute and does not
# change the names; the production smoke script (.ci/production-smoke) runs it.
settings.WHITENOISE_SKIP_COMPRESS_EXTENSIONS = sys.argv[2].split(",")
call_command("collectstatic", interactive=False, verbosity=0)
print(json.dumps({"storage": settings.STORAGES["staticfiles"], "debug": settings.DEBUG}))
"""


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    static_root = tmp_path_factory.mktemp("staticfiles")
    # Without SITE_URL: collecting static files needs no public address.
    env = {k: v for k, v in os.environ.items() if k not in {"PYTEST_VERSION", "SITE_URL"}}
    env.update(
        DEBUG="false",
        SECRET_KEY="a-long-random-production-like-secret-key-for-the-static-test",
        DJANGO_SETTINGS_MODULE="sinergi.settings",
    )
    done = subprocess.run(
        [sys.executable, "-c", COLLECT, str(static_root), ",".join(EVERY_EXTENSION)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"collectstatic failed:\n{done.stderr[-3000:]}"
    config = json.loads(done.stdout.strip().splitlines()[-1])
    assert config["debug"] is False
    return static_root, config["storage"]


@pytest.fixture
def production_storage(collected, settings):
    static_root, storage = collected
    settings.STATIC_ROOT = static_root
    settings.STORAGES = {**settings.STORAGES, "staticfiles": storage}
    # A fresh storage reads the manifest from disk, as a newly started server does.
    staticfiles_storage._wrapped = empty
    yield static_root
    staticfiles_storage._wrapped = empty


def test_collectstatic_with_debug_off_writes_a_manifest_of_every_vendored_file(collected):
    static_root, storage = collected
    assert "Manifest" in storage["BACKEND"]
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    vendored = [
        p.relative_to(ROOT / "static").as_posix()
        for p in (ROOT / "static").rglob("*")
        if p.is_file() and p.suffix in {".js", ".css"}
    ]
    assert vendored
    for name in vendored:
        assert name in manifest, name
        assert (static_root / manifest[name]).is_file()


def test_collected_chartjs_does_not_point_to_a_missing_source_map(collected):
    static_root, _ = collected
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    chart = (static_root / manifest["vendor/chartjs-4.6.1/chart.umd.min.js"]).read_text()
    assert "sourceMappingURL" not in chart
    assert "window.Chart" in chart


@pytest.fixture
def own_static_only(tmp_path, settings):
    source = tmp_path / "static"
    source.mkdir()
    settings.STATICFILES_DIRS = [source]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATIC_ROOT = tmp_path / "collected"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "sinergi.core.storage.ManifestStaticFilesStorage"},
    }
    staticfiles_storage._wrapped = empty
    yield source
    staticfiles_storage._wrapped = empty


def test_a_reference_to_a_missing_source_map_is_dropped_not_fatal(own_static_only):
    (own_static_only / "lib.min.js").write_text("var a=1;\n//# sourceMappingURL=lib.min.js.map\n")
    (own_static_only / "lib.css").write_text("a{color:red}\n/*# sourceMappingURL=lib.css.map */\n")
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((Path(django_settings.STATIC_ROOT) / "staticfiles.json").read_text())
    collected = Path(django_settings.STATIC_ROOT)
    script = (collected / manifest["paths"]["lib.min.js"]).read_text()
    sheet = (collected / manifest["paths"]["lib.css"]).read_text()
    assert "var a=1;" in script and "sourceMappingURL" not in script
    assert "a{color:red}" in sheet and "sourceMappingURL" not in sheet


def test_a_source_map_that_exists_is_still_rewritten_to_its_hashed_name(own_static_only):
    (own_static_only / "lib.min.js").write_text("var a=1;\n//# sourceMappingURL=lib.min.js.map\n")
    (own_static_only / "lib.min.js.map").write_text('{"version":3,"sources":[],"mappings":""}')
    call_command("collectstatic", interactive=False, verbosity=0)
    collected = Path(django_settings.STATIC_ROOT)
    paths = json.loads((collected / "staticfiles.json").read_text())["paths"]
    script = (collected / paths["lib.min.js"]).read_text()
    assert f"//# sourceMappingURL={paths['lib.min.js.map']}" in script


def test_any_other_missing_reference_still_stops_collectstatic(own_static_only):
    (own_static_only / "site.css").write_text("body{background:url(missing.png)}\n")
    with pytest.raises(ValueError, match=r"missing\.png"):
        call_command("collectstatic", interactive=False, verbosity=0)


@pytest.mark.django_db
def test_login_page_renders_with_hashed_static_names_from_the_manifest(client, production_storage):
    manifest = json.loads((production_storage / "staticfiles.json").read_text())["paths"]
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"/static/{manifest['css/sinergi.css']}" in html
    assert f"/static/{manifest['vendor/htmx-2.0.11/htmx.min.js']}" in html


@pytest.mark.django_db
def test_dashboard_renders_with_hashed_chartjs_from_the_manifest(client_for, production_storage):
    manifest = json.loads((production_storage / "staticfiles.json").read_text())["paths"]
    selong = Facility.objects.get(code="selong")
    response = client_for("kalapas.selong").get(reverse("indicators:facility", args=[selong.pk]))
    assert response.status_code == 200
    chart = manifest["vendor/chartjs-4.6.1/chart.umd.min.js"]
    assert f"/static/{chart}" in response.content.decode()
