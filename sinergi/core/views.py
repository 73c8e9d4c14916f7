from __future__ import annotations

import datetime
import json
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import QuerySet
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sinergi.core import audit, exports
from sinergi.core.audit_actions import AuditAction
from sinergi.core.http import HtmxHttpRequest
from sinergi.core.models import AuditEvent
from sinergi.core.navigation import home_cards_for
from sinergi.core.pagination import paginate, querystring_without_page
from sinergi.core.permissions import has_perm
from sinergi.core.scoping import scope_of


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    memberships = getattr(request.user, "active_memberships", [])
    return render(
        request,
        "core/home.html",
        {"cards": home_cards_for(request, scope), "memberships": memberships},
    )


def _audit_queryset(
    request: HttpRequest,
) -> tuple[QuerySet[AuditEvent], dict[str, str], list[str]]:
    """Audit events the user may see, filtered by ``user``, ``action`` (one action of the
    vocabulary, or the start of one), ``record``, ``from`` and ``to``."""
    events = audit.with_facility_code(AuditEvent.objects.for_user(request.user))
    filters = {
        k: request.GET.get(k, "").strip() for k in ("user", "action", "record", "from", "to")
    }
    errors: list[str] = []
    if filters["user"]:
        events = events.filter(actor_username=filters["user"])
    if filters["action"] in AuditAction.values:
        events = events.filter(action=filters["action"])
    elif filters["action"]:  # a prefix, e.g. "auth." (links written before the list)
        events = events.filter(action__startswith=filters["action"])
    if filters["record"]:
        target_type, _sep, target_id = filters["record"].partition(":")
        events = events.filter(target_type__iexact=target_type)
        if target_id:
            events = events.filter(target_id=target_id)
    for key, lookup in (("from", "created_at__gte"), ("to", "created_at__lt")):
        if not filters[key]:
            continue
        day = parse_date(filters[key]) if len(filters[key]) == 10 else None
        if day is None:
            errors.append(_("%(value)s is not a date (YYYY-MM-DD).") % {"value": filters[key]})
            continue
        if key == "to":
            day += datetime.timedelta(days=1)
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        events = events.filter(**{lookup: start})
    return events, filters, errors


def _action_options() -> list[tuple[str, str]]:
    """The actions of the vocabulary as (value, label), by label in the active language."""
    return sorted(((a.value, str(a.label)) for a in AuditAction), key=lambda o: o[1].lower())


@login_required
def audit_list(request: HtmxHttpRequest) -> HttpResponse:
    if not has_perm(request.user, "core.view_audit"):
        raise PermissionDenied
    events, filters, errors = _audit_queryset(request)
    page = paginate(request, events)
    page.object_list = list(page.object_list)
    context = {
        "page": page,
        "filters": filters,
        "actions": _action_options(),
        "errors": errors,
        "querystring": querystring_without_page(request),
    }
    template = "core/audit_list.html#results" if request.htmx else "core/audit_list.html"
    return render(request, template, context)


_CSV_CHUNK = 2000


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
def audit_csv(request: HttpRequest) -> StreamingHttpResponse:
    if not has_perm(request.user, "core.view_audit"):
        raise PermissionDenied
    events, _filters, _errors = _audit_queryset(request)
    writer = exports.csv_writer(_Echo())
    header = [
        "time",
        "user",
        "action",
        "action_label",
        "record_type",
        "record_id",
        "record",
        "facility",
        "changes",
        "request_id",
        "ip_address",
    ]

    # In the caller's language, decided now: the rows are written after the view returns.
    labels = {a.value: str(a.label) for a in AuditAction}

    def rows() -> Iterator[str]:
        yield writer.writerow(header)
        for e in events.iterator(chunk_size=_CSV_CHUNK):
            yield writer.writerow(
                [
                    timezone.localtime(e.created_at).isoformat(),
                    e.actor_username,
                    e.action,
                    labels.get(e.action, e.action),
                    e.target_type,
                    e.target_id,
                    e.target_repr,
                    audit.facility_code(e),
                    # JSON, as stored: a spreadsheet or a script reads it back.
                    json.dumps(e.changes, ensure_ascii=False, sort_keys=True, default=str)
                    if e.changes
                    else "",
                    e.request_id,
                    e.ip_address or "",
                ]
            )

    stamp = timezone.localdate().isoformat()
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sinergi-audit-{stamp}.csv"'
    return response
