"""Sinergi's own system checks, run by ``manage.py check --deploy`` (README's
installation steps and the production smoke fail on them)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def site_url_is_set(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Links in e-mails and certificates' QR codes made outside a request (a task) need
    the public address; a page falls back to the address it was served from, a task
    cannot. Only a deployment needs it, so it is not required to load the settings
    (collectstatic and migrate run without it)."""
    if settings.DEBUG or settings.SITE_URL:
        return []
    return [
        checks.Error(
            "SITE_URL is not set.",
            hint="Set SITE_URL to the public address, e.g. https://sinergi.example.go.id "
            "(see .env.example): e-mail links and certificates' QR codes need it.",
            id="sinergi.E001",
        )
    ]
