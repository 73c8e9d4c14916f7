from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sinergi.core.http import HtmxHttpRequest
from sinergi.core.pagination import paginate, querystring_without_page
from sinergi.core.permissions import has_perm
from sinergi.core.view_helpers import refuse, show_on_form
from sinergi.orgs import actions
from sinergi.orgs.forms import LetterheadForm, SignatoryForm
from sinergi.orgs.letterhead import letterhead_of
from sinergi.orgs.models import Facility, FacilityKind, Partner, PartnerKind, Region, Signatory


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
    return render(
        request,
        "orgs/facility_detail.html",
        {
            "facility": facility,
            "can_edit_letterhead": has_perm(request.user, "orgs.change_facility", facility),
        },
    )


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
    units = list(partner.units.all())
    # The organisation it belongs to and its units, linked only where the reader may open
    # them (a partner user reads its own organisation only).
    related = [u.pk for u in units] + ([partner.parent_id] if partner.parent_id else [])
    openable = set(
        Partner.objects.for_user(request.user).filter(pk__in=related).values_list("pk", flat=True)
    )
    return render(
        request,
        "orgs/partner_detail.html",
        {
            "partner": partner,
            "contacts": partner.contacts.all(),
            "units": [(u, u.pk in openable) for u in units],
            "parent_openable": partner.parent_id in openable,
        },
    )


# --- letterhead and signatories ------------------------------------------------------------


def _org_to_edit(request: HtmxHttpRequest, kind: str, code: str) -> Facility | Region:
    """The facility or regional office ``code`` if the user may change its letterhead:
    404 outside the user's scope, 403 for one they see but may not change."""
    org: Facility | Region
    if kind == "region":
        org = get_object_or_404(Region.objects.for_user(request.user), code=code)
        perm = "orgs.change_region"
    else:
        org = get_facility_for_user(request, code)
        perm = "orgs.change_facility"
    if not has_perm(request.user, perm, org):
        raise PermissionDenied
    return org


def _letterhead_url(kind: str, org: Facility | Region) -> str:
    return reverse(f"orgs:{kind}_letterhead", args=[org.code])


@login_required
def letterhead_edit(request: HtmxHttpRequest, code: str, kind: str = "facility") -> HttpResponse:
    """The unit's kop surat, its signatories per kind of document, and a preview."""
    org = _org_to_edit(request, kind, code)
    form = LetterheadForm(request.POST or None, request.FILES or None, org=org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_letterhead(
                org=org,
                by=request.user,
                changes={f: data[f] for f in actions.LETTERHEAD_FIELDS},
                emblem=data.get("emblem"),
                remove_emblem=bool(data.get("remove_emblem")),
            )
        except ValidationError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Letterhead saved."))
            return redirect(_letterhead_url(kind, org))
    signatory_form = SignatoryForm(instance=Signatory())
    return _letterhead_page(request, kind, org, form, signatory_form)


def _letterhead_page(
    request: HtmxHttpRequest,
    kind: str,
    org: Facility | Region,
    form: LetterheadForm,
    signatory_form: SignatoryForm,
    editing: Signatory | None = None,
) -> HttpResponse:
    status = 422 if form.errors or signatory_form.errors else 200
    return render(
        request,
        "orgs/letterhead.html",
        {
            "org": org,
            "kind": kind,
            "form": form,
            "signatory_form": signatory_form,
            "editing": editing,
            "signatories": org.signatories.all(),
            "letterhead": letterhead_of(org),
        },
        status=status,
    )


@login_required
def signatory_edit(
    request: HtmxHttpRequest, code: str, pk: int | None = None, kind: str = "facility"
) -> HttpResponse:
    """Name a signatory (``pk`` None) or change one, with their Plh./Plt. deputy."""
    org = _org_to_edit(request, kind, code)
    signatory = get_object_or_404(org.signatories, pk=pk) if pk is not None else None
    form_instance = Signatory(
        facility=org if isinstance(org, Facility) else None,
        region=org if isinstance(org, Region) else None,
    )
    if signatory is not None:
        form_instance = Signatory.objects.get(pk=signatory.pk)  # the form writes on its own
    form = SignatoryForm(request.POST or None, instance=form_instance)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_signatory(
                org=org, by=request.user, data=form.cleaned_data, signatory=signatory
            )
        except ValidationError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Signatory saved."))
            return redirect(_letterhead_url(kind, org))
    return _letterhead_page(
        request, kind, org, LetterheadForm(org=org), form, editing=signatory or None
    )


@login_required
@require_POST
def signatory_delete(
    request: HtmxHttpRequest, code: str, pk: int, kind: str = "facility"
) -> HttpResponse:
    org = _org_to_edit(request, kind, code)
    signatory = get_object_or_404(org.signatories, pk=pk)
    try:
        actions.delete_signatory(signatory=signatory, by=request.user)
    except (PermissionDenied, ValidationError) as exc:
        refuse(request, exc)
    else:
        messages.success(request, _("Signatory removed."))
    return redirect(_letterhead_url(kind, org))
