"""Writing the audit trail. Every action in ``actions.py`` calls :func:`record`."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Mapping
from typing import Any

from django.core.files import File
from django.db import models

from sinergi.core.middleware import current_request_context
from sinergi.core.models import AuditEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, File):  # an upload: its name, never its content
        return value.name
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


def record(
    action: str,
    *,
    by: Any,
    target: models.Model | None = None,
    facility: Any = None,
    changes: Mapping[str, Any] | None = None,
    username: str = "",
) -> AuditEvent:
    """Write one audit event.

    ``by`` is the user who acted; it is None only for anonymous events (a failed login),
    which name the ``username`` that was tried instead.
    """
    context = current_request_context()
    actor = by if getattr(by, "is_authenticated", False) else None
    facility_id = getattr(facility, "pk", facility)
    if facility_id is None and target is not None:
        facility_id = getattr(target, "facility_id", None)
    return AuditEvent.objects.create(
        actor=actor,
        actor_username=(getattr(by, "username", "") or username)[:150],
        action=action,
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        facility_id=facility_id,
        changes=_jsonable(dict(changes or {})),
        request_id=context.request_id,
        ip_address=context.ip_address,
    )


def diff(instance: models.Model, values: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the values that differ from ``instance``."""
    changed: dict[str, list[Any]] = {}
    for name, new in values.items():
        old = getattr(instance, name)
        if old != new:
            changed[name] = [_jsonable(old), _jsonable(new)]
    return changed
