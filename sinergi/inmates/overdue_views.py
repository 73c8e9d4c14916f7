"""The list of the people held past their release date."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from sinergi.accounts.http import AuthenticatedHttpRequest
from sinergi.core import audit
from sinergi.core.pagination import paginate, querystring_without_page
from sinergi.core.permissions import has_perm
from sinergi.inmates.queries import (
    days_overdue,
    facilities_reached,
    overdue_releases,
    releases_due_today,
)

# How many people due today the page names under the list.
DUE_TODAY_SHOWN = 100


@login_required
def overdue_release_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everyone held past their release date in the facilities the user reaches (a
    Kanwil viewer: the region's), most overdue first, with what to do about each; then
    the people whose release day is today."""
    if not has_perm(request.user, "inmates.view_inmate"):
        raise Http404
    rows = (
        overdue_releases(facilities_reached(request.user))
        .for_user(request.user)
        .select_related("facility", "sentence")
        .order_by("release_due", "name", "pk")
    )
    page = paginate(request, rows)
    for inmate in page.object_list:
        inmate.days_overdue = days_overdue(inmate)
        inmate.can_release = has_perm(request.user, "reintegration.change_plan", inmate)
        inmate.can_correct = has_perm(request.user, "inmates.change_inmate", inmate)
    audit.read_list(request, "inmate.overdue.list", count=page.paginator.count)
    due_today = (
        releases_due_today(facilities_reached(request.user))
        .for_user(request.user)
        .select_related("facility")
        .order_by("name", "pk")[:DUE_TODAY_SHOWN]
    )
    context = {
        "page": page,
        "due_today": due_today,
        "querystring": querystring_without_page(request),
    }
    return render(request, "inmates/overdue_releases.html", context)


@login_required
def releases_today(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The people whose release day is today in the facilities the user reaches (the
    home page's "Release due today" card leads here): each with what the user may do,
    recording the release (officers, head) or opening the person's plan (and wali)."""
    if not has_perm(request.user, "inmates.view_inmate"):
        raise Http404
    rows = (
        releases_due_today(facilities_reached(request.user))
        .for_user(request.user)
        .select_related("facility", "sentence")
        .order_by("name", "pk")
    )
    page = paginate(request, rows)
    for inmate in page.object_list:
        inmate.can_release = has_perm(request.user, "reintegration.change_plan", inmate)
        inmate.can_see_plan = has_perm(request.user, "reintegration.view_plan", inmate)
    audit.read_list(request, "inmate.releases_today.list", count=page.paginator.count)
    return render(
        request,
        "inmates/releases_today.html",
        {"page": page, "querystring": querystring_without_page(request)},
    )
