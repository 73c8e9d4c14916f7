"""How an audit event's changes read on the audit page: each field by its name in the
page's language, a choice by its label, and a change as "before → after"."""

from __future__ import annotations

import functools
from typing import Any

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.translation import gettext as _

from sinergi.core.audit import facility_code
from sinergi.core.audit_actions import AuditAction

register = template.Library()


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label) if label else None
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


@functools.cache
def _choices_by_name() -> dict[str, dict[str, Any]]:
    """``{field name: {code: label}}`` over every choice field of the apps: a change
    recorded under a name that is no field of the event's target (a proposal's
    recommendation, a document's kind) is still shown by its label."""
    found: dict[str, dict[str, Any]] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("sinergi."):
            continue
        for model in config.get_models():
            for field in model._meta.get_fields():
                if isinstance(field, models.Field) and field.choices:
                    labels = found.setdefault(field.name, {})
                    for key, label in field.flatchoices:
                        labels.setdefault(str(key), label)
    return found


@functools.cache
def _names() -> dict[str, Any]:
    """``{field name: verbose name}`` over the apps' fields, for a change recorded under
    a name that is no field of the event's target."""
    found: dict[str, Any] = {}
    for config in apps.get_app_configs():
        if config.name.startswith("sinergi."):
            for model in config.get_models():
                for field in model._meta.get_fields():
                    if isinstance(field, models.Field) and field.name not in found:
                        found[field.name] = field.verbose_name
    return found


def _value(field: models.Field[Any, Any] | None, value: Any, name: str = "") -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field is not None and field.choices:
        labels = {str(key): label for key, label in field.flatchoices}
        if str(value) in labels:
            return str(labels[str(value)])
    elif field is None and isinstance(value, str) and value in _choices_by_name().get(name, {}):
        return str(_choices_by_name()[name][value])
    if isinstance(value, list):
        return ", ".join(_value(field, v, name) for v in value)
    return str(localize(value))


@register.filter
def audit_changes(event: Any) -> list[tuple[str, str]]:
    """``[(field name, "before → after" or the value)]`` of ``event.changes``."""
    model = _model(event.target_type)
    rows = []
    for name, change in (event.changes or {}).items():
        field = _field(model, name)
        if field is not None:
            label = str(field.verbose_name)
        else:
            label = str(_names().get(name, name.replace("_", " ")))
        text: str
        if name in VERBATIM and field is None and isinstance(change, str) and change:
            # an address and its query string, as typed: machine text, shown as code
            text = format_html("<code>{}</code>", change)
        elif isinstance(change, list) and len(change) == 2 and not (field and field.many_to_many):
            text = f"{_value(field, change[0], name)} → {_value(field, change[1], name)}"
        else:
            text = _value(field, change, name)
        rows.append((label[:1].upper() + label[1:], text))
    return rows


# Changes recorded as the request's own text (a list read with its filters): shown as
# written, marked as code, not read as words or status codes of the page's language.
VERBATIM = frozenset({"path", "query"})


@register.filter
def audit_action_known(action: str) -> bool:
    """Whether ``action`` is one action of the vocabulary (not a prefix typed in a link)."""
    return action in AuditAction.values


@register.simple_tag
def audit_facility(event: Any) -> str:
    """The code of the facility ``event`` names ("—" for none; ``#id`` if it is gone)."""
    return facility_code(event) or "—"
