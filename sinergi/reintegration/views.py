from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from sinergi.accounts.http import AuthenticatedHttpRequest
from sinergi.core import audit
from sinergi.core.api import Conflict
from sinergi.core.export_limits import refuse_if_too_many
from sinergi.core.pagination import paginate, querystring_without_page
from sinergi.core.permissions import has_perm
from sinergi.core.roles import STAFF_ROLES
from sinergi.core.scoping import scope_of
from sinergi.core.workflow import awaited, moves_from, split
from sinergi.inmates.calculation import calculation_for
from sinergi.inmates.choices import CrimeCategory, Right
from sinergi.inmates.models import Inmate
from sinergi.inmates.pipeline import wali_counts
from sinergi.inmates.queries import place_message, place_needed, places_of
from sinergi.orgs.models import Partner
from sinergi.reintegration import actions, forms
from sinergi.reintegration import skills as job_skills
from sinergi.reintegration import worklist_export as worklist_export_file
from sinergi.reintegration.choices import (
    LawfulBasis,
    NeedStatus,
    Pathway,
    PlanStatus,
    ReleaseKind,
    Responsible,
)
from sinergi.reintegration.models import Consent, Referral, ReintegrationPlan
from sinergi.reintegration.queries import (
    DEFAULT_HORIZON_DAYS,
    MAX_HORIZON_DAYS,
    WorklistSort,
    active_bapas,
    applications_counted,
    applications_seen,
    consents_for,
    employers_of,
    follow_up_list,
    follow_ups_for,
    handover_list,
    inmates_for,
    needs_for,
    openings_reached,
    plans_for,
    puts_people_forward,
    reaches_referrals,
    receives_handover,
    releases_for,
    with_summaries,
    within_horizon,
    worklist_queryset,
)


def _refused(request: HttpRequest, exc: Exception) -> None:
    """Tell the user why an action was refused (a workflow conflict, a permission, or
    field errors, each named with its field)."""
    if isinstance(exc, ValidationError):
        for text in _error_lines(exc):
            messages.error(request, text)
        return
    messages.error(request, str(getattr(exc, "detail", "")) or str(exc) or _("Not allowed."))


FIELD_LABELS = {
    "partner": _lazy("Partner"),
    "given_on": _lazy("Given on"),
    "purpose": _lazy("Purpose"),
    "basis": _lazy("Lawful basis"),
    "basis_reference": _lazy("Reference of the legal basis"),
    "guardian_name": _lazy("Parent or guardian"),
    "contact": _lazy("Facility contact"),
    "need": _lazy("Need"),
    "released_on": _lazy("Release date"),
    "kind": _lazy("Kind"),
    "sk_number": _lazy("SK number"),
    "sk_date": _lazy("SK date"),
    "address": _lazy("Address after release"),
    "phone": _lazy("Contact (telephone)"),
    "guarantor": _lazy("Guarantor (penjamin)"),
    "savings_rupiah": _lazy("Savings from premi (Rp)"),
    "leaves_with": _lazy("Leaves with"),
    "bapas": _lazy("Bapas"),
    "probation_officer": _lazy("Probation officer (PK)"),
    "done_on": _lazy("Done on"),
    "closing_date": _lazy("Closing date"),
    "vacancies": _lazy("Vacancies"),
    "status": _lazy("Status"),
    "note": _lazy("Note"),
}


def _error_lines(exc: ValidationError) -> list[str]:
    if not hasattr(exc, "error_dict"):
        return [str(m) for m in exc.messages]
    return [
        f"{FIELD_LABELS.get(field, field)}: {message}"
        for field, found in exc.message_dict.items()
        for message in found
    ]


def _form_errors(form: Any) -> dict[str, list[str]]:
    """A form's field errors as texts, by field."""
    return {field: [str(m) for m in found] for field, found in form.errors.items()}


def _form_error_lines(form: Any) -> list[str]:
    return [
        f"{FIELD_LABELS.get(field, field)}: {message}"
        for field, found in _form_errors(form).items()
        for message in found
    ]


def _plan_url(inmate_pk: int, anchor: str) -> str:
    return f"{reverse('reintegration:plan', kwargs={'inmate_pk': inmate_pk})}#{anchor}"


def _worklist_rows(request: AuthenticatedHttpRequest) -> tuple[Any, Any, datetime.date, Any]:
    """The worklist's filters (the query string), its people, each once, the day, and the
    people within the horizon before the filters (:func:`within_horizon`, read once for
    every list built from them)."""
    if not has_perm(request.user, "reintegration.view_plan"):
        raise Http404
    today = timezone.localdate()
    # A filter that does not parse is its default; days out of bounds are said, not
    # corrected in silence (a number of days from 1 to 730).
    chosen = forms.WorklistFilterForm(request.GET).filters()
    within = within_horizon(
        request.user, today, chosen.days, facility=chosen.facility, region=chosen.region
    )
    rows = worklist_queryset(request.user, today, chosen.days, **chosen.query(), within=within)
    return chosen, rows, today, within


@login_required
def worklist(request: AuthenticatedHttpRequest) -> HttpResponse:
    chosen, rows, today, within = _worklist_rows(request)
    # The whole country is read one region or one facility at a time (place_needed).
    reach = place_needed(request.user, facility=chosen.facility, region=chosen.region)
    if reach is not None:
        rows = rows.none()
    page = paginate(request, with_summaries(rows))
    audit.read_list(request, "reintegration.worklist.list", count=page.paginator.count)
    without_wali = worklist_queryset(
        request.user,
        today,
        chosen.days,
        **{**chosen.query(), "wali": "", "sort": ""},
        within=within,
    )
    regions, facilities = places_of(request.user, chosen.region)
    querystring = querystring_without_page(request)
    return render(
        request,
        "reintegration/worklist.html",
        {
            "page": page,
            "days": chosen.days,
            "adjusted": chosen.adjusted,
            "max_days": MAX_HORIZON_DAYS,
            "until": today + datetime.timedelta(days=chosen.days),
            "plan": chosen.plan,
            "plans": PlanStatus.choices,
            "today": today,
            "right": chosen.right,
            "rights": Right.choices,
            "filters": chosen,
            "pathways": Pathway.choices,
            "sorts": WorklistSort.choices,
            "walis": [] if reach is not None else wali_counts(without_wali),
            "regions": regions,
            "facilities": facilities,
            "place_needed": None if reach is None else place_message(reach),
            "show_facility": len({i.facility_id for i in page.object_list}) > 1,
            "querystring": querystring,
            "export_query": querystring.rstrip("&"),
        },
    )


@login_required
def worklist_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The worklist as the page filters it, every row, as an XLSX file."""
    chosen, rows, today, _within = _worklist_rows(request)
    back = reverse("reintegration:worklist") + "?" + querystring_without_page(request)
    reach = place_needed(request.user, facility=chosen.facility, region=chosen.region)
    if reach is not None:
        messages.error(request, place_message(reach))
        return redirect(back)
    count = rows.count()
    if refused := refuse_if_too_many(request, count, back):
        return refused
    content = worklist_export_file.build(rows, user=request.user, today=today, days=chosen.days)
    audit.read_list(request, "reintegration.worklist.list", count=count, details={"format": "xlsx"})
    response = HttpResponse(content, content_type=worklist_export_file.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="persiapan-bebas-{today.isoformat()}.xlsx"'
    )
    return response


def _inmate(request: AuthenticatedHttpRequest, pk: int) -> Inmate:
    """An inmate whose reintegration records the user reaches, or 404."""
    found: Inmate = get_object_or_404(
        inmates_for(request.user).select_related("facility", "sentence"), pk=pk
    )
    return found


def _handed_or_inmate(request: AuthenticatedHttpRequest, pk: int) -> Inmate:
    """An inmate whose reintegration records the user reaches, or one released and
    handed over to the user's Bapas (read only: the plan page and the hand-over
    document); 404 otherwise."""
    found: Inmate = get_object_or_404(
        plans_for(request.user).select_related("facility", "sentence"), pk=pk
    )
    return found


def _pb_probation_end_of(inmate: Inmate, kind: str) -> datetime.date | None:
    """The end of the PB probation of ``inmate`` were they released as ``kind``."""
    if kind != ReleaseKind.PB or getattr(inmate, "sentence", None) is None:
        return None
    stored: datetime.date | None = inmate.sentence.pb_probation_end
    return stored or calculation_for(inmate).pb_probation_end


def _pb_probation_end(inmate: Inmate) -> datetime.date | None:
    """For a person released on parole (PB): the end of the probation (masa percobaan),
    the remaining sentence plus 1 year, as stored at the last recalculation (computed by
    the sentence engine when it was never stored); None for any other release, or when
    the engine gives no PB date (life, death, PB not applicable)."""
    release = getattr(inmate, "release", None)
    return None if release is None else _pb_probation_end_of(inmate, release.kind)


@login_required
def plan(request: AuthenticatedHttpRequest, inmate_pk: int) -> HttpResponse:
    if request.method == "POST":
        inmate = _inmate(request, inmate_pk)
        try:
            actions.start_plan(inmate=inmate, by=request.user)
        except (Conflict, PermissionDenied) as exc:
            _refused(request, exc)
        return redirect("reintegration:plan", inmate_pk=inmate.pk)
    inmate = _handed_or_inmate(request, inmate_pk)
    # The Bapas the person was handed over to reads what the hand-over needs: the
    # release, the plan's needs and referrals, the follow-ups (not the consents given
    # to partners, nor the person's record at the facility).
    handover_only = receives_handover(request.user, inmate)
    audit.read(
        request,
        "reintegration.plan.view",
        target=inmate,
        details={"as": "bapas"} if handover_only else None,
    )
    current = ReintegrationPlan.objects.filter(inmate=inmate).select_related("assessment").first()
    may_change = has_perm(request.user, "reintegration.change_plan", inmate)
    # The person's wali assesses the needs and records consent, as the officers do.
    may_assess = has_perm(request.user, "reintegration.assess_needs", inmate)
    may_consent = has_perm(request.user, "reintegration.record_consent", inmate)
    released = actions.is_released(inmate)
    needs = []
    if current:
        needs = list(
            current.needs.select_related("partner").prefetch_related(
                "updates__by", "updates__referral__partner"
            )
        )
    return render(
        request,
        "reintegration/plan.html",
        {
            "inmate": inmate,
            "plan": current,
            "needs": needs,
            "questions": current.assessment.questions.all() if current else [],
            "consents": []
            if handover_only
            else Consent.objects.filter(inmate=inmate).select_related("partner", "witnessed_by"),
            "referrals": Referral.objects.filter(inmate=inmate).select_related("partner"),
            # Their pages open to the facility's staff (Referral.objects.for_user): a
            # Kanwil or a Bapas reads the plan, not the referrals (404).
            "referrals_open": _opens_referrals_of(request.user, inmate),
            "partners": Partner.objects.serving(inmate.facility),
            "need_statuses": NeedStatus.choices,
            "responsibles": Responsible.choices,
            "bases": LawfulBasis.choices,
            "pathways": dict(Pathway.choices),
            # After the release the plan is the record of what was prepared: read only
            # (the actions refuse any change); a consent may still be withdrawn.
            "can_change": may_change and not released,
            "can_assess": may_assess and not released,
            "can_consent": may_consent and not released,
            "can_withdraw": may_consent,
            "handover_only": handover_only,
            "follow_ups": follow_ups_for(request.user)
            .filter(release__inmate=inmate)
            .select_related("done_by")
            .order_by("due_on", "id"),
            "today": timezone.localdate(),
            "pb_probation_end": _pb_probation_end(inmate),
            "can_acknowledge": released
            and actions.may_acknowledge_handover(request.user, inmate.release),
        },
    )


@login_required
@require_POST
def need_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    need = get_object_or_404(
        needs_for(request.user).select_related("plan__inmate__facility"), pk=pk
    )
    form = forms.NeedForm(request.POST)
    if not form.is_valid():
        if form.choices_missing():
            messages.error(request, str(forms.NeedForm.CHOICE_ERROR))
        else:
            for text in _form_error_lines(form):
                messages.error(request, text)
    else:
        data = form.cleaned_data
        try:
            actions.update_need(
                need=need,
                values={
                    "status": data["status"],
                    "responsible": data["responsible"],
                    "partner": data["partner"],
                },
                note=data["note"],
                by=request.user,
            )
        except (Conflict, PermissionDenied, ValidationError) as exc:
            _refused(request, exc)
    return redirect(_plan_url(need.plan.inmate_id, f"need-{need.pk}"))


@login_required
@require_POST
def consent_create(request: AuthenticatedHttpRequest, inmate_pk: int) -> HttpResponse:
    inmate = _inmate(request, inmate_pk)
    form = forms.ConsentForm(request.POST)
    if not form.is_valid():
        if "partner" in form.errors:
            messages.error(request, str(form.errors["partner"][0]))
        else:
            messages.error(request, _form_error_lines(form)[0])
    else:
        data = form.cleaned_data
        try:
            actions.record_consent(
                inmate=inmate,
                partner=data["partner"],
                purpose=data["purpose"],
                basis=data["basis"],
                basis_reference=data["basis_reference"],
                guardian_name=data["guardian_name"],
                given_on=data["given_on"] or inmate.facility.today(),
                by=request.user,
            )
        except (Conflict, PermissionDenied, ValidationError) as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Consent recorded."))
    return redirect(_plan_url(inmate.pk, "consents"))


@login_required
@require_POST
def consent_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    consent = get_object_or_404(consents_for(request.user).select_related("inmate"), pk=pk)
    try:
        actions.withdraw_consent(consent=consent, by=request.user)
    except (Conflict, PermissionDenied) as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Consent withdrawn; the partner no longer sees the data."))
    return redirect(_plan_url(consent.inmate_id, "consents"))


@login_required
@require_POST
def referral_create(request: AuthenticatedHttpRequest, inmate_pk: int) -> HttpResponse:
    inmate = _inmate(request, inmate_pk)
    form = forms.ReferralForm(request.POST)
    if not form.is_valid():
        if "partner" in form.errors:
            messages.error(request, str(form.errors["partner"][0]))
        else:
            for text in _form_error_lines(form):
                messages.error(request, text)
        return redirect(_plan_url(inmate.pk, "referrals"))
    data = form.cleaned_data
    try:
        actions.refer(
            inmate=inmate,
            partner=data["partner"],
            need=data["need"],
            purpose=data["purpose"],
            contact=data["contact"] or request.user.get_full_name(),
            by=request.user,
        )
    except (Conflict, PermissionDenied, ValidationError) as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Referral sent."))
    return redirect(_plan_url(inmate.pk, "referrals"))


@login_required
def referral_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not reaches_referrals(request.user):
        raise Http404
    referrals = Referral.objects.for_user(request.user).select_related("partner", "inmate", "need")
    page = paginate(request, referrals.order_by("-created_at", "-id"))
    audit.read_list(
        request,
        "referral.list",
        count=page.paginator.count,
        details={"referrals": [r.pk for r in page.object_list]},
    )
    return render(
        request,
        "reintegration/referral_list.html",
        {
            "page": page,
            "querystring": querystring_without_page(request),
        },
    )


def _opens_referrals_of(user: Any, inmate: Inmate) -> bool:
    """Whether ``user`` reaches the referral pages of ``inmate`` (the rule of
    ``Referral.objects.for_user`` for facility staff and administrators)."""
    scope = scope_of(user)
    return scope.is_admin or inmate.facility_id in scope.facility_ids(*STAFF_ROLES)


@login_required
def referral_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = get_object_or_404(
        Referral.objects.for_user(request.user).select_related(
            "partner", "inmate", "need", "consent"
        ),
        pk=pk,
    )
    user = request.user
    sides = actions.referral_sides(user, referral)
    audit.read(request, "referral.view", target=referral, facility=referral.inmate.facility_id)
    return render(
        request,
        "reintegration/referral_detail.html",
        {
            "referral": referral,
            "shared": actions.referral_fields(referral),  # the read is audited above
            "is_facility": actions.FACILITY in sides,
            **dict(
                zip(
                    ("moves", "destructive_moves"),
                    split(actions.REFERRAL_MOVES, referral.status, sides, forms.referral_move_form),
                    strict=True,
                )
            ),
            "awaited": awaited(actions.REFERRAL_MOVES, referral.status, sides, actions.SIDE_NAMES),
        },
    )


@login_required
@require_POST
def referral_transition(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = get_object_or_404(Referral.objects.for_user(request.user), pk=pk)
    to = request.POST.get("to", "")
    sides = actions.referral_sides(request.user, referral)
    move = next(
        (m for m in moves_from(actions.REFERRAL_MOVES, referral.status, sides) if m.to == to), None
    )
    form = forms.referral_move_form(move, request.POST) if move else None
    if form is not None and not form.is_valid():
        for text in form.problems():
            messages.error(request, text)
        return redirect(referral)
    values = form.values() if form is not None else {}
    try:
        actions.transition_referral(
            referral=referral,
            to=to,
            outcome=values.get("outcome") or "",
            note=values.get("note") or "",
            by=request.user,
        )
    except (Conflict, PermissionDenied, ValidationError) as exc:
        _refused(request, exc)
    else:
        referral.refresh_from_db(fields=["status"])
        messages.success(
            request,
            _("The referral is now “%(status)s”.") % {"status": referral.get_status_display()},
        )
    return redirect(referral)


@login_required
def release(request: AuthenticatedHttpRequest, inmate_pk: int) -> HttpResponse:
    inmate = _inmate(request, inmate_pk)
    if not has_perm(request.user, "reintegration.change_plan", inmate):
        raise PermissionDenied
    form = forms.ReleaseForm(request.POST if request.method == "POST" else request.GET)
    bapas = form.chosen_bapas()
    # Only the chosen Bapas's probation officers are offered (choosing a Bapas reloads
    # the list); the action refuses anyone else.
    officers = actions.probation_officers(bapas)
    errors: list[str] = []
    field_errors: dict[str, list[str]] = {}
    # Without JavaScript, "show its probation officers" posts the form back (a GET would
    # put the CSRF token in the address) and the page is shown again with that Bapas's
    # officers, nothing recorded.
    # "Go back and change" from the review shows the form again as it was posted.
    choosing_bapas = request.method == "POST" and (
        "show_officers" in request.POST or "edit" in request.POST
    )
    if request.method == "POST" and not choosing_bapas:
        form.is_valid()
        field_errors = _form_errors(form)
        data = form.cleaned_data
        values = {
            "released_on": data.get("released_on"),
            "kind": data.get("kind", ""),
            "sk_number": data.get("sk_number", ""),
            "sk_date": data.get("sk_date"),
            "address": data.get("address", ""),
            "phone": data.get("phone", ""),
            "guarantor": data.get("guarantor", ""),
            "leaves_with": data.get("leaves_with", ""),
            "savings_rupiah": data.get("savings_rupiah") or 0,
            "bapas": bapas,
            "probation_officer": data.get("probation_officer"),
        }
        for field, found in actions.release_errors(inmate=inmate, values=values).items():
            field_errors.setdefault(field, found)
        # A valid release is first shown for review (what is still open, the consents
        # that stand, the legal basis) and recorded only when confirmed from there.
        reviewing = not field_errors and not data.get("confirmed")
        if reviewing:
            audit.read(request, "release.form.view", target=inmate)
            return render(
                request,
                "reintegration/release_review.html",
                {
                    "inmate": inmate,
                    "values": values,
                    "kind_label": ReleaseKind(values["kind"]).label,
                    "posted": request.POST,
                    "pb_probation_end": _pb_probation_end_of(inmate, values["kind"]),
                    **actions.release_review(inmate),
                },
            )
        if not field_errors:
            try:
                actions.record_release(inmate=inmate, by=request.user, values=values)
            except ValidationError as exc:
                field_errors = exc.message_dict
            except (Conflict, PermissionDenied) as exc:
                errors.append(str(getattr(exc, "detail", exc)))
            else:
                messages.success(request, _("Release recorded and handed over."))
                return redirect("reintegration:plan", inmate_pk=inmate.pk)
        errors.extend(
            f"{FIELD_LABELS.get(field, field)}: {message}"
            for field, found in field_errors.items()
            for message in found
        )
    audit.read(request, "release.form.view", target=inmate)
    return render(
        request,
        "reintegration/release_form.html",
        {
            "inmate": inmate,
            "kinds": ReleaseKind.choices,
            "bapas_list": active_bapas(),
            "bapas": bapas,
            "officers": officers,
            "errors": errors,
            "field_errors": field_errors,
            "posted": request.POST if request.method == "POST" else {},
            "today": inmate.facility.today(),
            "max_savings": actions.MAX_SAVINGS_RUPIAH,
        },
    )


@login_required
def handover_pdf(request: AuthenticatedHttpRequest, inmate_pk: int) -> HttpResponse:
    from django.contrib.humanize.templatetags.humanize import intcomma

    from sinergi.accounts.queries import head_of
    from sinergi.core.pdf import pdf_response, render_pdf
    from sinergi.programs.home import development_rows

    inmate = _handed_or_inmate(request, inmate_pk)
    released = get_object_or_404(
        releases_for(request.user).select_related("bapas", "probation_officer"), inmate=inmate
    )
    plan_obj = ReintegrationPlan.objects.filter(inmate=inmate).first()
    audit.read(request, "release.handover.view", target=inmate)
    return pdf_response(
        render_pdf(
            "reintegration/pdf/handover.html",
            {
                "inmate": inmate,
                "release": released,
                "needs": plan_obj.needs.select_related("partner") if plan_obj else [],
                "referrals": Referral.objects.filter(inmate=inmate).select_related("partner"),
                "programs": development_rows(inmate),
                "pb_probation_end": _pb_probation_end(inmate),
                "savings": intcomma(int(released.savings_rupiah or 0)),
                "head_name": head_of(inmate.facility),
                "printed": timezone.localtime(),
            },
            request,
        ),
        f"serah-terima-{inmate.pk}.pdf",
    )


@login_required
@require_POST
def handover_acknowledge(request: AuthenticatedHttpRequest, inmate_pk: int) -> HttpResponse:
    """The receiving Bapas's probation officer acknowledges the hand-over (once)."""
    inmate = _handed_or_inmate(request, inmate_pk)
    released = get_object_or_404(releases_for(request.user), inmate=inmate)
    try:
        actions.acknowledge_handover(release=released, by=request.user)
    except (Conflict, PermissionDenied) as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Hand-over acknowledged."))
    return redirect("reintegration:plan", inmate_pk=inmate.pk)


@login_required
def handovers(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The hand-overs received by the user's Bapas, those awaiting acknowledgement
    first, then the newest."""
    rows = handover_list(request.user)
    page = paginate(request, rows)
    audit.read_list(request, "release.handover.list", count=page.paginator.count)
    return render(
        request,
        "reintegration/handovers.html",
        {"page": page, "querystring": querystring_without_page(request)},
    )


@login_required
def follow_ups(request: AuthenticatedHttpRequest) -> HttpResponse:
    include_done = forms.FollowUpFilterForm(request.GET).include_done()
    page = paginate(request, follow_up_list(request.user, include_done=include_done))
    audit.read_list(request, "followup.list", count=page.paginator.count)
    return render(
        request,
        "reintegration/follow_ups.html",
        {
            "page": page,
            "today": timezone.localdate(),
            "querystring": querystring_without_page(request),
            "show": "all" if include_done else "",
        },
    )


@login_required
def follow_up(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    from sinergi.reintegration.choices import WorkStatus

    item = get_object_or_404(
        follow_ups_for(request.user).select_related("release__inmate__facility"), pk=pk
    )
    can_record = actions.may_record_follow_up(request.user, item.release)
    field_errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied
        form = forms.FollowUpForm(request.POST)
        if not form.is_valid():
            field_errors = _form_errors(form)
        else:
            try:
                actions.record_follow_up(follow_up=item, values=form.cleaned_data, by=request.user)
            except ValidationError as exc:
                field_errors = exc.message_dict
            else:
                messages.success(request, _("Follow-up recorded."))
                return redirect("reintegration:follow_ups")
    audit.read(request, "followup.view", target=item, facility=item.release.inmate.facility_id)
    return render(
        request,
        "reintegration/follow_up_form.html",
        {
            "item": item,
            "work_statuses": WorkStatus.choices,
            "can_record": can_record,
            "field_errors": field_errors,
            "posted": request.POST if request.method == "POST" else None,
            "today": item.release.inmate.facility.today(),
        },
    )


@login_required
def jobs(request: AuthenticatedHttpRequest) -> HttpResponse:
    from sinergi.programs.choices import ProgramCategory
    from sinergi.programs.models import Skill
    from sinergi.reintegration.models import JobOpening

    if not reaches_referrals(request.user):
        raise Http404
    employer = employers_of(request.user).first()
    errors: list[str] = []
    if request.method == "POST":
        if employer is None:
            raise PermissionDenied
        form = forms.JobOpeningForm(request.POST)
        valid = form.is_valid()
        if not form.cleaned_data.get("title") or not form.cleaned_data.get("closing_date"):
            errors.append(_("Give the job and a closing date (YYYY-MM-DD)."))
        elif not valid:
            errors.extend(_form_error_lines(form))
        else:
            try:
                actions.post_job(partner=employer, by=request.user, values=form.values())
            except (PermissionDenied, ValidationError) as exc:
                errors.extend(_error_lines(exc) if isinstance(exc, ValidationError) else [str(exc)])
            else:
                messages.success(request, _("Job opening posted."))
                return redirect("reintegration:jobs")
    openings = JobOpening.objects.for_user(request.user).select_related("partner")
    # An employer counts only the applications whose consent still stands; the
    # facility counts those of its own people.
    applied = Subquery(
        applications_counted(request.user)
        .order_by()
        .values("opening")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )
    return render(
        request,
        "reintegration/jobs.html",
        {
            "openings": openings.annotate(applied=Coalesce(applied, 0)),
            "can_post": employer is not None,
            "categories": ProgramCategory.choices,
            "skills": Skill.objects.all(),
            "crime_categories": CrimeCategory.choices,
            "errors": errors,
        },
    )


@login_required
def person_jobs(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The open job openings that match a person (``skills.openings_for``), each with the
    certificate or competency unit that meets its skills."""
    inmate = _inmate(request, pk)
    openings = list(
        job_skills.openings_for(
            inmate, openings_reached(request.user).filter(closing_date__gte=timezone.localdate())
        )
        .select_related("partner")
        .prefetch_related("skills")
        .order_by("closing_date", "pk")[:50]
    )
    found = job_skills.evidence([inmate.pk], {s.pk for o in openings for s in o.skills.all()})
    held = {e.skill: e for e in found.get(inmate.pk, [])}
    audit.read(request, "job.matches.view", target=inmate, facility=inmate.facility_id)
    return render(
        request,
        "reintegration/person_jobs.html",
        {
            "inmate": inmate,
            "openings": [
                (o, [held[s.name] for s in o.skills.all() if s.name in held]) for o in openings
            ],
        },
    )


@login_required
def job(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    from sinergi.reintegration.choices import ApplicationStatus

    opening = get_object_or_404(openings_reached(request.user).select_related("partner"), pk=pk)
    is_employer = has_perm(request.user, "reintegration.answer_referral", opening)
    if request.method == "POST":
        form = forms.JobPostForm(request.POST)
        if not form.is_valid():
            for text in _form_error_lines(form):
                messages.error(request, text)
            return redirect(opening)
        data = form.cleaned_data
        try:
            if data["inmate"]:
                inmate = _inmate(request, data["inmate"])
                actions.apply_for_job(opening=opening, inmate=inmate, by=request.user)
                messages.success(request, _("Application recorded."))
            elif data["application"]:
                application = get_object_or_404(
                    applications_seen(request.user, opening, is_employer=is_employer),
                    pk=data["application"],
                )
                actions.update_application(
                    application=application,
                    status=data["status"],
                    note=data["note"],
                    by=request.user,
                )
        except (Conflict, PermissionDenied, ValidationError) as exc:
            _refused(request, exc)
        return redirect(opening)
    applications = applications_seen(request.user, opening, is_employer=is_employer).select_related(
        "inmate"
    )
    shown = list(applications)
    matches = []
    skills = list(opening.skills.all())
    if puts_people_forward(request.user):
        pre_release = worklist_queryset(request.user, timezone.localdate(), DEFAULT_HORIZON_DAYS)
        matches = list(
            actions.job_matches(opening, pre_release).exclude(job_applications__opening=opening)[
                :50
            ]
        )
    audit.read_list(
        request,
        "job.applications.list",
        count=len(shown) + len(matches),
        details={"opening": opening.pk},
    )
    return render(
        request,
        "reintegration/job.html",
        {
            "opening": opening,
            "applications": shown,
            # each match with which certificate or unit meets which skill
            "matches": job_skills.explained(matches, skills),
            "skills": skills,
            "is_employer": is_employer,
            "statuses": ApplicationStatus.choices,
        },
    )


@login_required
def consent_form_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The consent form to print, read to the person, and sign."""
    from sinergi.core.pdf import pdf_response, render_pdf

    consent = get_object_or_404(
        consents_for(request.user).select_related("inmate__facility", "partner"), pk=pk
    )
    inmate = consent.inmate
    audit.read(request, "consent.view", target=consent, facility=inmate.facility_id)
    return pdf_response(
        render_pdf(
            "reintegration/pdf/consent.html", {"consent": consent, "inmate": inmate}, request
        ),
        f"persetujuan-{consent.pk}.pdf",
    )


@login_required
@require_POST
def consent_signed(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    consent = get_object_or_404(consents_for(request.user).select_related("inmate"), pk=pk)
    upload = request.FILES.get("signed_form")
    if upload is None:
        messages.error(request, _("Choose the scanned form."))
    else:
        try:
            actions.attach_signed_form(consent=consent, upload=upload, by=request.user)
        except (Conflict, PermissionDenied) as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Signed form kept."))
    return redirect(_plan_url(consent.inmate_id, "consents"))


@login_required
def consent_signed_file(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    consent = get_object_or_404(consents_for(request.user).select_related("inmate"), pk=pk)
    if not consent.signed_form:
        raise Http404
    audit.read(request, "consent.file.view", target=consent, facility=consent.inmate.facility_id)
    return FileResponse(
        consent.signed_form.open("rb"), filename=consent.signed_form.name.rsplit("/", 1)[-1]
    )
