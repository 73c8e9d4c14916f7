"""A Content-Security-Policy without inline script, and a Permissions-Policy, on every
response; and templates that need nothing the policy forbids."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from sinergi.core.middleware import content_security_policy, permissions_policy
from sinergi.orgs.models import Facility
from tests.inmates.factories import make_inmate

TEMPLATES = Path(django_settings.BASE_DIR) / "templates"


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def assert_both_headers(response) -> None:
    csp = directives(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


def test_the_policy_allows_no_inline_script_no_eval_and_no_other_origin():
    csp = content_security_policy()
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "http" not in csp
    assert "*" not in csp


@pytest.mark.django_db
def test_an_html_page_and_the_public_pages_carry_both_headers(client):
    for url in ("/accounts/login/", "/publik/", "/verify/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_both_headers(response)


@pytest.mark.django_db
def test_a_redirect_and_a_404_carry_both_headers(client):
    redirect = client.get("/")
    assert redirect.status_code == 302
    assert_both_headers(redirect)
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert_both_headers(missing)


def test_api_json_and_its_errors_carry_both_headers(client_for):
    response = client_for("petugas.selong").get("/api/v1/me")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert_both_headers(response)
    unauthenticated = Client().get("/api/v1/me")
    assert unauthenticated.status_code == 401
    assert_both_headers(unauthenticated)


def test_a_signed_in_dashboard_carries_both_headers(client_for):
    selong = Facility.objects.get(code="selong")
    response = client_for("kalapas.selong").get(f"/indicators/facility/{selong.pk}/")
    assert response.status_code == 200
    assert_both_headers(response)


def test_a_pdf_carries_both_headers(client_for):
    inmate = make_inmate(facility=Facility.objects.get(code="selong"))
    response = client_for("petugas.selong").get(f"/programs/inmates/{inmate.pk}/record.pdf")
    assert response.status_code == 200
    assert response.getvalue().startswith(b"%PDF")
    assert_both_headers(response)


def test_a_static_file_carries_both_headers(settings):
    # WhiteNoise answers static files before the views; the headers are set above it.
    settings.WHITENOISE_USE_FINDERS = True
    response = Client().get("/static/js/sinergi.js")
    assert response.status_code == 200
    assert_both_headers(response)


def test_admin_and_api_docs_carry_both_headers(client_for):
    admin = client_for("admin")
    assert_both_headers(admin.get("/admin/"))
    docs = admin.get("/api/v1/docs")
    assert docs.status_code == 200
    assert_both_headers(docs)


def test_the_policies_follow_the_settings(client, settings):
    settings.SECURE_CSP = {"default-src": ["'none'"], "img-src": ["'self'", "data:"]}
    settings.PERMISSIONS_POLICY = {"camera": [], "fullscreen": ["self"]}
    assert content_security_policy() == "default-src 'none'; img-src 'self' data:"
    assert permissions_policy() == "camera=(), fullscreen=(self)"


def test_an_empty_setting_sends_no_header(db, client, settings):
    settings.SECURE_CSP = {}
    settings.PERMISSIONS_POLICY = {}
    response = client.get("/accounts/login/")
    assert "Content-Security-Policy" not in response
    assert "Permissions-Policy" not in response


# --- the templates need nothing the policy forbids --------------------------------------

# PDF templates are rendered by WeasyPrint on the server, never served to a browser.
BROWSER_TEMPLATES = sorted(
    p for p in TEMPLATES.rglob("*.html") if "pdf" not in p.relative_to(TEMPLATES).as_posix()
)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"""<[^>]*\son[a-z]+\s*=""", re.IGNORECASE | re.DOTALL)
EVALUATED_VALUE = re.compile(r"""hx-[a-z-]+\s*=\s*["']\s*(js|javascript):""", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"""<[^>]*\sstyle\s*=""", re.IGNORECASE | re.DOTALL)


def test_the_templates_are_found():
    assert len(BROWSER_TEMPLATES) > 40
    assert TEMPLATES / "base.html" in BROWSER_TEMPLATES


@pytest.mark.parametrize("path", BROWSER_TEMPLATES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_has_inline_script_event_handler_or_inline_style(path):
    text = path.read_text()
    for attributes in SCRIPT_TAG.findall(text):
        assert "src=" in attributes or 'type="application/json"' in attributes, attributes
    assert not EVENT_HANDLER.search(text), EVENT_HANDLER.search(text)
    assert "javascript:" not in text.lower()
    assert "hx-on" not in text
    assert "hx-vars" not in text
    assert not EVALUATED_VALUE.search(text), EVALUATED_VALUE.search(text)
    assert "<style" not in text.lower()
    assert not STYLE_ATTRIBUTE.search(text), STYLE_ATTRIBUTE.search(text)


def test_htmx_is_told_not_to_inject_its_indicator_style_nor_to_evaluate_code():
    base = (TEMPLATES / "base.html").read_text()
    meta = re.search(r"""<meta name="htmx-config" content='([^']*)'>""", base)
    assert meta is not None
    assert '"includeIndicatorStyles":false' in meta.group(1)
    assert '"allowEval":false' in meta.group(1)
    assert base.index('name="htmx-config"') < base.index("htmx.min.js")
