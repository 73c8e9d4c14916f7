"""Helpers the pages of every app share."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _


def refuse(request: HttpRequest, exc: Exception) -> None:
    """Tell the user, as an error message on the next page, why an action refused: a
    conflict's or a permission's text, or each message of a validation error."""
    if isinstance(exc, ValidationError):
        for text in exc.messages:
            messages.error(request, text)
        return
    messages.error(request, str(getattr(exc, "detail", "")) or str(exc) or _("Not allowed."))
