"""The revisions pages: every change to a signed (published) figure.

Staff read the revisions of the facilities whose reports they read (a facility, a
Kanwil's region, the country for administrators), with the reasons named; the public
page lists the revisions of public figures without names, small numbers withheld as the
public pages do. Both pages run a fixed number of queries, whatever the rows shown."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sinergi.accounts.http import AuthenticatedHttpRequest
from sinergi.core.pagination import paginate, querystring_without_page
from sinergi.indicators import catalogue, revisions
from sinergi.indicators.models import Revision
from sinergi.indicators.public_data import withheld
from sinergi.indicators.queries import reads_any_report, viewable_facilities


def scoped_revisions(user: Any) -> QuerySet[Revision]:
    """The revisions ``user`` may read: those of the facilities whose reports they read."""
    return revisions.in_scope(Revision.objects.all(), user)


def _row(revision: Revision, *, public: bool) -> dict[str, Any]:
    indicator = catalogue.BY_ID.get(revision.indicator)
    reasons = revisions.stored_reasons(revision)
    if public and withheld(revision.was, revision.now):
        text = _("revised; the figures are withheld (small numbers)")
    else:
        text = revisions.describe(revision)
    return {
        "revision": revision,
        "name": indicator.name if indicator else revision.indicator,
        "text": text,
        "reasons": reasons,
    }


@login_required
def revision_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not reads_any_report(request.user):
        raise Http404
    found = scoped_revisions(request.user).select_related("facility", "edition", "resolved_by")
    chosen = request.GET.get("facility", "")
    if chosen.isdigit():
        found = found.filter(facility_id=int(chosen))
    page = paginate(request, found.order_by("-detected_at", "-pk"))
    return render(
        request,
        "indicators/revisions.html",
        {
            "page": page,
            "rows": [_row(r, public=False) for r in page.object_list],
            "facilities": viewable_facilities(request.user).order_by("name"),
            "chosen": chosen,
            "querystring": querystring_without_page(request),
            "public": False,
        },
    )


@require_GET
def public_revision_list(request: HttpRequest) -> HttpResponse:
    found = (
        Revision.objects.filter(revisions.public_filter())
        .select_related("facility", "edition", "resolved_by")
        .order_by("-detected_at", "-pk")
    )
    page = paginate(request, found)
    return render(
        request,
        "indicators/revisions_public.html",
        {
            "page": page,
            "rows": [_row(r, public=True) for r in page.object_list],
            "querystring": querystring_without_page(request),
            "public": True,
        },
    )
