"""The README's proposals section says what the API does now (issue 14's walkthrough: it
said the Litmas file could only be uploaded on the page)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from sinergi.api.api import api


def _readme() -> str:
    return (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")


def test_the_readme_names_the_litmas_file_upload_of_the_api():
    text = _readme()
    assert "The API takes JSON only" not in text
    assert "POST .../{id}/document" in text
    paths = api.get_openapi_schema(path_prefix="/api/v1")["paths"]
    assert "post" in paths["/api/v1/litmas-requests/{litmas_id}/document"]


def test_the_readme_says_who_applies_an_sdp_import_with_decisions():
    text = " ".join(_readme().split())
    assert "applied only by the facility's head" in text
