"""Helpers the pages of every app share."""

from __future__ import annotations

from django import forms
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


def show_on_form(form: forms.BaseForm, exc: ValidationError) -> None:
    """An action's ``ValidationError`` on the form that sent it: each message at the field
    it names if the form has that field, else above the form."""
    if not hasattr(exc, "error_dict"):
        for text in exc.messages:
            form.add_error(None, text)
        return
    for name, texts in exc.message_dict.items():
        for text in texts:
            form.add_error(name if name in form.fields else None, text)
