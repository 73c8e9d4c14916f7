from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from sinergi.core.http import HtmxHttpRequest
from sinergi.core.pagination import paginate, querystring_without_page
from sinergi.orgs.models import Facility, FacilityKind, Partner, PartnerKind


def get_facility_for_user(request: HtmxHttpRequest, code: str) -> Facility:
    """The facility with ``code`` if the user may see it; 404 otherwise."""
    return get_object_or_404(
        Facility.objects.for_user(request.user).select_related("region"), code=code
    )


def get_partner_for_user(request: HtmxHttpRequest, code: str) -> Partner:
    return get_object_or_404(
        Partner.objects.for_user(request.user).select_related("parent", "region"), code=code
    )


@login_required
def facility_list(request: HtmxHttpRequest) -> HttpResponse:
    facilities = Facility.objects.for_user(request.user)
    if not facilities.exists():
        # Partner users and others without a facility have no facility pages at all.
        raise Http404
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    if q:
        facilities = facilities.filter(Q(name__icontains=q) | Q(code__icontains=q))
    if kind in FacilityKind.values:
        facilities = facilities.filter(kind=kind)
    facilities = facilities.select_related("region").order_by("region__name", "name")
    context = {
        "page": paginate(request, facilities),
        "q": q,
        "kind": kind,
        "kinds": FacilityKind.choices,
        "querystring": querystring_without_page(request),
    }
    return render(request, "orgs/facility_list.html", context)


@login_required
def facility_detail(request: HtmxHttpRequest, code: str) -> HttpResponse:
    facility = get_facility_for_user(request, code)
    return render(request, "orgs/facility_detail.html", {"facility": facility})


@login_required
def partner_list(request: HtmxHttpRequest) -> HttpResponse:
    partners = Partner.objects.for_user(request.user)
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    if q:
        partners = partners.filter(
            Q(name__icontains=q) | Q(code__icontains=q) | Q(regency__icontains=q)
        )
    if kind in PartnerKind.values:
        partners = partners.filter(kind=kind)
    partners = partners.select_related("parent").annotate(contact_count=Count("contacts"))
    context = {
        "page": paginate(request, partners.order_by("name")),
        "q": q,
        "kind": kind,
        "kinds": PartnerKind.choices,
        "querystring": querystring_without_page(request),
    }
    template = "orgs/partner_list.html#results" if request.htmx else "orgs/partner_list.html"
    return render(request, template, context)


@login_required
def partner_detail(request: HtmxHttpRequest, code: str) -> HttpResponse:
    partner = get_partner_for_user(request, code)
    return render(
        request,
        "orgs/partner_detail.html",
        {"partner": partner, "contacts": partner.contacts.all(), "units": partner.units.all()},
    )
