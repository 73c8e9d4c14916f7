"""Writing the audit trail. Every action in ``actions.py`` calls :func:`record`.

An event names one of the actions of :class:`~sinergi.core.audit_actions.AuditAction`
(the vocabulary, each action with its label); any other action is refused.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import models
from django.utils import translation

from sinergi.core.audit_actions import AuditAction
from sinergi.core.middleware import current_request_context
from sinergi.core.models import AuditEvent

__all__ = [
    "AuditAction",
    "complete_list_read",
    "diff",
    "facility_code",
    "read",
    "read_list",
    "record",
    "register_facility_code",
    "with_facility_code",
]

_KNOWN = frozenset(AuditAction.values)


def _known(action: str) -> str:
    """``action`` if the vocabulary lists it; otherwise a ValueError (a bug, not input)."""
    if action not in _KNOWN:
        raise ValueError(
            f"{action!r} is not an audit action: add it, with its label, to"
            " sinergi.core.audit_actions.AuditAction (and its Indonesian translation)."
        )
    return action


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
    _known(action)
    context = current_request_context()
    actor = by if getattr(by, "is_authenticated", False) else None
    facility_id = getattr(facility, "pk", facility)
    if facility_id is None and target is not None:
        facility_id = getattr(target, "facility_id", None)
    # The record's name as it reads now, kept as written: in the site's language whatever
    # the actor's (a name with a stage in it would otherwise mix the two on the page).
    with translation.override(settings.LANGUAGE_CODE):
        target_repr = str(target)[:200] if target is not None else ""
    return AuditEvent.objects.create(
        actor=actor,
        actor_username=(getattr(by, "username", "") or username)[:150],
        action=action,
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=target_repr,
        facility_id=facility_id,
        changes=_jsonable(dict(changes or {})),
        request_id=context.request_id,
        ip_address=context.ip_address,
    )


# The facilities events name ----------------------------------------------------------------
#
# An event names its facility by id (``AuditEvent.facility_id``): core knows no app. The
# orgs app registers, in its ``AppConfig.ready``, how to read a facility's code from the
# id: an expression of the event's row (a subquery), so that a list of events reads the
# codes in the same statement, whether or not its events name a facility (a lookup of the
# codes after the rows was left out when none did: a page's statements depended on them).

FacilityCode = Callable[[], Any]
_facility_code: list[FacilityCode] = []


def register_facility_code(expression: FacilityCode) -> None:
    """Set the function that gives the expression of the code of the facility an event's
    row names (``facility_id``; NULL when none, or when the facility is gone)."""
    _facility_code[:] = [expression]


def with_facility_code(events: Any) -> Any:
    """``events`` (AuditEvents) with ``facility_code``: the code of the facility each
    names (None for none or one that is gone; see :func:`facility_code`)."""
    expression = _facility_code[0]() if _facility_code else models.Value(None)
    return events.annotate(
        facility_code=models.ExpressionWrapper(expression, output_field=models.CharField())
    )


def facility_code(event: Any) -> str:
    """The code of the facility ``event`` (read :func:`with_facility_code`) names ("" for
    none; ``#id`` if it is gone)."""
    if event.facility_id is None:
        return ""
    code: str | None = event.facility_code
    return code if code is not None else f"#{event.facility_id}"


def diff(instance: models.Model, values: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the values that differ from ``instance``."""
    changed: dict[str, list[Any]] = {}
    for name, new in values.items():
        old = getattr(instance, name)
        if old != new:
            changed[name] = [_jsonable(old), _jsonable(new)]
    return changed


# Reads of person-level data ---------------------------------------------------------------
#
# Every page, PDF and API operation that shows person-level data writes ONE read event per
# request: ``read`` for one record (its target is the record shown), ``read_list`` for a list
# or search (its ``changes`` hold the query string and how many records matched). Read
# actions end in ``.view`` (one record) or ``.list`` (a list), so the trail can be filtered
# by them. A second call in the same request is ignored: one request, one read event.

READ_SUFFIXES = (".view", ".list")
_AUDITED = "_sinergi_read_audited"
_PENDING = "_sinergi_pending_list_read"


def _reader(request: Any) -> Any:
    """The user behind ``request``: the API's authenticated caller, else the session's."""
    return getattr(request, "auth", None) or getattr(request, "user", None)


def _query(request: Any) -> str:
    params = request.GET.copy()
    for secret in ("token", "access_token"):
        params.pop(secret, None)
    return params.urlencode()[:1000]


def read(
    request: Any,
    action: str,
    *,
    target: models.Model | None = None,
    facility: Any = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEvent | None:
    """Audit the read of one person-level record (a page, a PDF, an API detail)."""
    _known(action)
    if getattr(request, _AUDITED, False):
        return None
    setattr(request, _AUDITED, True)
    return record(
        action,
        by=_reader(request),
        target=target,
        facility=facility,
        changes={"path": request.path, **(details or {})},
    )


def read_list(
    request: Any,
    action: str,
    *,
    count: int | None = None,
    facility: Any = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEvent | None:
    """Audit a list or search of person-level records as one event with its query.

    ``count`` is how many records matched. An API list paginated by
    :class:`sinergi.core.api.PageNumber` passes no count: the event is written by the
    paginator once it has counted (no extra query).
    """
    _known(action)
    if getattr(request, _AUDITED, False):
        return None
    if count is None:
        setattr(request, _PENDING, (action, facility, dict(details or {})))
        return None
    setattr(request, _AUDITED, True)
    if facility is None:
        from sinergi.core.scoping import scope_of

        own = scope_of(_reader(request)).facility_ids()
        facility = next(iter(own)) if len(own) == 1 else None
    return record(
        action,
        by=_reader(request),
        facility=facility,
        changes={"path": request.path, "query": _query(request), "count": count, **(details or {})},
    )


def complete_list_read(request: Any, count: int) -> AuditEvent | None:
    """Write the list read that :func:`read_list` left pending, now that ``count`` is known."""
    pending = getattr(request, _PENDING, None)
    if pending is None:
        return None
    delattr(request, _PENDING)
    action, facility, details = pending
    return read_list(request, action, count=count, facility=facility, details=details)
