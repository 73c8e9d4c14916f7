"""How an audit event's changes read on the audit page: each field by its name in the
page's language, a choice by its label, and a change as "before → after"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.formats import localize
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


def _value(field: models.Field[Any, Any] | None, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field is not None and field.choices:
        labels = {str(key): label for key, label in field.flatchoices}
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(value, list):
        return ", ".join(_value(field, v) for v in value)
    return str(localize(value))


@register.filter
def audit_changes(event: Any) -> list[tuple[str, str]]:
    """``[(field name, "before → after" or the value)]`` of ``event.changes``."""
    model = _model(event.target_type)
    rows = []
    for name, change in (event.changes or {}).items():
        field = _field(model, name)
        label = str(field.verbose_name) if field is not None else name.replace("_", " ")
        if isinstance(change, list) and len(change) == 2 and not (field and field.many_to_many):
            text = f"{_value(field, change[0])} → {_value(field, change[1])}"
        else:
            text = _value(field, change)
        rows.append((label[:1].upper() + label[1:], text))
    return rows


@register.filter
def audit_action_known(action: str) -> bool:
    """Whether ``action`` is one action of the vocabulary (not a prefix typed in a link)."""
    return action in AuditAction.values


@register.simple_tag
def audit_facility(event: Any, codes: Mapping[int, str]) -> str:
    """The code of the facility ``event`` names ("—" for none; ``#id`` if it is gone)."""
    return facility_code(event.facility_id, codes) or "—"
