from __future__ import annotations

import datetime
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, IntegerField, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from sinergi.accounts.models import User
from sinergi.core import audit
from sinergi.core.api import Conflict
from sinergi.core.pagination import paginate, querystring_without_page
from sinergi.core.permissions import has_perm
from sinergi.core.scoping import scope_of
from sinergi.inmates.choices import CrimeCategory, Right
from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Partner
from sinergi.reintegration import actions
from sinergi.reintegration.choices import (
    OPEN_NEED_STATUSES,
    LawfulBasis,
    NeedStatus,
    Outcome,
    Pathway,
    ReferralStatus,
    Responsible,
)
from sinergi.reintegration.models import Consent, Need, Referral, ReintegrationPlan

DEFAULT_HORIZON_DAYS = 183
MAX_HORIZON_DAYS = 730


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
    "savings_rupiah": _lazy("Savings from premi (Rp)"),
    "leaves_with": _lazy("Leaves with"),
    "bapas": _lazy("Bapas"),
    "probation_officer": _lazy("Probation officer (PK)"),
    "done_on": _lazy("Done on"),
    "closing_date": _lazy("Closing date"),
    "vacancies": _lazy("Vacancies"),
}


def _error_lines(exc: ValidationError) -> list[str]:
    if not hasattr(exc, "error_dict"):
        return [str(m) for m in exc.messages]
    return [
        f"{FIELD_LABELS.get(field, field)}: {message}"
        for field, found in exc.message_dict.items()
        for message in found
    ]


def _posted_date(request: HttpRequest, name: str) -> tuple[datetime.date | None, bool]:
    """The date posted as ``name`` and whether it was valid: empty is (None, True), a
    text that is not a date (or no such day) is (None, False), never today in silence."""
    text = request.POST.get(name, "").strip()
    if not text:
        return None, True
    try:
        day = parse_date(text)
    except ValueError:
        return None, False
    return day, day is not None


def _date_error() -> str:
    return _("Give a date as YYYY-MM-DD.")


def _partner(request: HttpRequest) -> Partner | None:
    value = request.POST.get("partner", "")
    return Partner.objects.filter(pk=value).first() if value.isdigit() else None


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def worklist_queryset(user: object, today: datetime.date, horizon_days: int) -> Any:
    """Inmates in custody whose release, or earliest integration right, falls within the
    horizon, with their plan's state; sorted by the nearer of the two dates."""
    until = today + datetime.timedelta(days=horizon_days)
    open_needs = Need.objects.filter(plan__inmate=OuterRef("pk"), status__in=OPEN_NEED_STATUSES)
    return (
        Inmate.objects.for_user(user)
        .filter(status="in_custody")
        .select_related("sentence", "facility")
        .annotate(
            earliest_right=Min("rights__eligible_from", filter=Q(rights__status="eligible")),
            has_plan=Exists(ReintegrationPlan.objects.filter(inmate=OuterRef("pk"))),
            open_needs=Count(
                "reintegration_plan__needs",
                filter=Q(reintegration_plan__needs__status__in=OPEN_NEED_STATUSES),
                distinct=True,
            ),
        )
        .filter(Q(sentence__expiry_after_remission__lte=until) | Q(earliest_right__lte=until))
        .annotate(needs_open=Exists(open_needs))
        .order_by("sentence__expiry_after_remission", "name", "id")
    )


@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, "inmates.view_inmate"):
        raise Http404
    today = timezone.localdate()
    asked = request.GET.get("days", "").strip()
    try:
        horizon = max(1, min(int(asked or DEFAULT_HORIZON_DAYS), MAX_HORIZON_DAYS))
    except ValueError:
        horizon = DEFAULT_HORIZON_DAYS
    # Said, not corrected in silence: a number of days from 1 to 730.
    adjusted = bool(asked) and asked != str(horizon)
    rows = worklist_queryset(request.user, today, horizon)
    right = request.GET.get("right", "")
    if right in Right.values:
        until = today + datetime.timedelta(days=horizon)
        rows = rows.filter(
            rights__right=right, rights__status="eligible", rights__eligible_from__lte=until
        )
    plan = request.GET.get("plan", "")
    if plan == "none":
        rows = rows.filter(has_plan=False)
    elif plan == "open":
        rows = rows.filter(needs_open=True)
    elif plan == "ready":
        rows = rows.filter(has_plan=True, needs_open=False)
    page = paginate(request, rows)
    audit.read_list(request, "reintegration.worklist.list", count=page.paginator.count)
    return render(
        request,
        "reintegration/worklist.html",
        {
            "page": page,
            "days": horizon,
            "adjusted": adjusted,
            "max_days": MAX_HORIZON_DAYS,
            "until": today + datetime.timedelta(days=horizon),
            "plan": plan,
            "today": today,
            "right": right,
            "rights": Right.choices,
            "querystring": querystring_without_page(request),
        },
    )


def _inmate(request: HttpRequest, pk: int) -> Inmate:
    inmate = get_object_or_404(
        Inmate.objects.for_user(request.user).select_related("facility", "sentence"), pk=pk
    )
    if not has_perm(request.user, "inmates.view_inmate", inmate):
        raise Http404
    return inmate


@login_required
def plan(request: HttpRequest, inmate_pk: int) -> HttpResponse:
    inmate = _inmate(request, inmate_pk)
    if request.method == "POST":
        try:
            actions.start_plan(inmate=inmate, by=_user(request))
        except (Conflict, PermissionDenied) as exc:
            _refused(request, exc)
        return redirect("reintegration:plan", inmate_pk=inmate.pk)
    audit.read(request, "reintegration.plan.view", target=inmate)
    current = ReintegrationPlan.objects.filter(inmate=inmate).select_related("assessment").first()
    needs = []
    if current:
        needs = list(current.needs.select_related("partner").prefetch_related("updates__by"))
    return render(
        request,
        "reintegration/plan.html",
        {
            "inmate": inmate,
            "plan": current,
            "needs": needs,
            "questions": current.assessment.questions.all() if current else [],
            "consents": Consent.objects.filter(inmate=inmate).select_related(
                "partner", "witnessed_by"
            ),
            "referrals": Referral.objects.filter(inmate=inmate).select_related("partner"),
            "partners": Partner.objects.serving(inmate.facility),
            "need_statuses": NeedStatus.choices,
            "responsibles": Responsible.choices,
            "bases": LawfulBasis.choices,
            "pathways": dict(Pathway.choices),
            "can_change": has_perm(request.user, "inmates.change_inmate", inmate),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def need_update(request: HttpRequest, pk: int) -> HttpResponse:
    need = get_object_or_404(Need.objects.select_related("plan__inmate"), pk=pk)
    inmate = _inmate(request, need.plan.inmate_id)
    partner = _partner(request)
    status = request.POST.get("status", "")
    responsible = request.POST.get("responsible", "")
    if status not in NeedStatus.values or responsible not in Responsible.values:
        messages.error(request, _("Choose a status and who is responsible."))
    else:
        try:
            actions.update_need(
                need=need,
                values={"status": status, "responsible": responsible, "partner": partner},
                note=request.POST.get("note", ""),
                by=_user(request),
            )
        except (Conflict, PermissionDenied, ValidationError) as exc:
            _refused(request, exc)
    return redirect(f"/reintegration/inmates/{inmate.pk}/#need-{need.pk}")


@login_required
@require_POST
def consent_create(request: HttpRequest, inmate_pk: int) -> HttpResponse:
    inmate = _inmate(request, inmate_pk)
    partner = _partner(request)
    given_on, date_ok = _posted_date(request, "given_on")
    if partner is None:
        messages.error(request, _("Choose the partner."))
    elif not date_ok:
        messages.error(request, f"{FIELD_LABELS['given_on']}: {_date_error()}")
    else:
        try:
            actions.record_consent(
                inmate=inmate,
                partner=partner,
                purpose=request.POST.get("purpose", ""),
                basis=request.POST.get("basis", LawfulBasis.CONSENT),
                basis_reference=request.POST.get("basis_reference", ""),
                guardian_name=request.POST.get("guardian_name", ""),
                given_on=given_on or inmate.facility.today(),
                by=_user(request),
            )
        except (Conflict, PermissionDenied, ValidationError) as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Consent recorded."))
    return redirect(f"/reintegration/inmates/{inmate.pk}/#consents")


@login_required
@require_POST
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    consent = get_object_or_404(Consent.objects.select_related("inmate"), pk=pk)
    inmate = _inmate(request, consent.inmate_id)
    try:
        actions.withdraw_consent(consent=consent, by=_user(request))
    except (Conflict, PermissionDenied) as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Consent withdrawn; the partner no longer sees the data."))
    return redirect(f"/reintegration/inmates/{inmate.pk}/#consents")


@login_required
@require_POST
def referral_create(request: HttpRequest, inmate_pk: int) -> HttpResponse:
    inmate = _inmate(request, inmate_pk)
    partner = _partner(request)
    need_pk = request.POST.get("need", "")
    need = (
        Need.objects.filter(pk=need_pk, plan__inmate=inmate).first() if need_pk.isdigit() else None
    )
    if partner is None:
        messages.error(request, _("Choose the partner."))
        return redirect(f"/reintegration/inmates/{inmate.pk}/#referrals")
    try:
        actions.refer(
            inmate=inmate,
            partner=partner,
            need=need,
            purpose=request.POST.get("purpose", ""),
            contact=request.POST.get("contact", "") or _user(request).get_full_name(),
            by=_user(request),
        )
    except (Conflict, PermissionDenied, ValidationError) as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Referral sent."))
    return redirect(f"/reintegration/inmates/{inmate.pk}/#referrals")


@login_required
def referral_list(request: HttpRequest) -> HttpResponse:
    if not scope_of(request.user).roles:
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


@login_required
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_object_or_404(
        Referral.objects.for_user(request.user).select_related(
            "partner", "inmate", "need", "consent"
        ),
        pk=pk,
    )
    user = _user(request)
    sides = actions.referral_sides(user, referral)
    audit.read(request, "referral.view", target=referral, facility=referral.inmate.facility_id)
    return render(
        request,
        "reintegration/referral_detail.html",
        {
            "referral": referral,
            "shared": actions.referral_fields(referral),  # the read is audited above
            "is_facility": actions.FACILITY in sides,
            "moves": [
                t
                for (s, t), who in actions.REFERRAL_TRANSITIONS.items()
                if s == referral.status and who & sides
            ],
            "status_labels": dict(ReferralStatus.choices),
            "outcomes": Outcome.choices,
        },
    )


@login_required
@require_POST
def referral_transition(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_object_or_404(Referral.objects.for_user(request.user), pk=pk)
    try:
        actions.transition_referral(
            referral=referral,
            to=request.POST.get("to", ""),
            outcome=request.POST.get("outcome", ""),
            note=request.POST.get("note", ""),
            by=_user(request),
        )
    except Conflict as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Status changed."))
    return redirect(referral)


@login_required
def release(request: HttpRequest, inmate_pk: int) -> HttpResponse:
    from sinergi.orgs.models import Facility
    from sinergi.reintegration.choices import ReleaseKind

    inmate = _inmate(request, inmate_pk)
    if not has_perm(request.user, "inmates.change_inmate", inmate):
        raise PermissionDenied
    bapas_list = Facility.objects.filter(kind="bapas", is_active=True).order_by("name")
    data = request.POST if request.method == "POST" else request.GET
    bapas_pk = data.get("bapas", "")
    bapas = bapas_list.filter(pk=bapas_pk).first() if bapas_pk.isdigit() else None
    # Only the chosen Bapas's probation officers are offered (choosing a Bapas reloads
    # the list); the action refuses anyone else.
    officers = actions.probation_officers(bapas)
    errors: list[str] = []
    field_errors: dict[str, list[str]] = {}
    if request.method == "POST":
        released_on, _valid = _posted_date(request, "released_on")
        if released_on is None:
            field_errors["released_on"] = [_date_error()]
        savings_text = request.POST.get("savings_rupiah", "").strip() or "0"
        savings: int | str = int(savings_text) if savings_text.isdigit() else savings_text
        pk_pk = request.POST.get("probation_officer", "")
        officer = User.objects.filter(pk=pk_pk).first() if pk_pk.isdigit() else None
        if bapas_pk and bapas is None:
            field_errors["bapas"] = [_("Hand over to a Bapas.")]
        values = {
            "released_on": released_on,
            "kind": request.POST.get("kind", ""),
            "leaves_with": request.POST.get("leaves_with", ""),
            "savings_rupiah": savings,
            "bapas": bapas,
            "probation_officer": officer,
        }
        for field, found in actions.release_errors(inmate=inmate, values=values).items():
            field_errors.setdefault(field, found)
        if not field_errors:
            try:
                actions.record_release(inmate=inmate, by=_user(request), values=values)
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
            "bapas_list": bapas_list,
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
def handover_pdf(request: HttpRequest, inmate_pk: int) -> HttpResponse:
    from sinergi.programs.documents import pdf_response, render_pdf
    from sinergi.programs.home import development_rows
    from sinergi.reintegration.models import Release

    inmate = _inmate(request, inmate_pk)
    released = get_object_or_404(
        Release.objects.select_related("bapas", "probation_officer"), inmate=inmate
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
                "printed": timezone.localtime(),
            },
            request,
        ),
        f"serah-terima-{inmate.pk}.pdf",
    )


def _follow_ups_for(user: object) -> Any:
    from sinergi.reintegration.models import FollowUp

    # Follow-ups belong to the Bapas the person was handed over to (its probation
    # officers); the releasing facility's officers and heads read them. A partner never
    # reaches them: it records the outcome of its own referral. Being named probation
    # officer gives nothing without the Bapas's role.
    scope = scope_of(user)
    if scope.is_admin:
        return FollowUp.objects.all()
    return FollowUp.objects.filter(
        Q(release__bapas_id__in=scope.facility_ids("probation_officer"))
        | Q(release__inmate__facility_id__in=scope.facility_ids("program_officer", "head"))
    )


@login_required
def follow_ups(request: HttpRequest) -> HttpResponse:
    rows = (
        _follow_ups_for(request.user)
        .select_related("release__inmate")
        .order_by("done_on", "due_on", "id")
    )
    if request.GET.get("show") != "all":
        rows = rows.filter(done_on__isnull=True)
    page = paginate(request, rows)
    audit.read_list(request, "followup.list", count=page.paginator.count)
    return render(
        request,
        "reintegration/follow_ups.html",
        {
            "page": page,
            "today": timezone.localdate(),
            "querystring": querystring_without_page(request),
            "show": request.GET.get("show", ""),
        },
    )


@login_required
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    from sinergi.reintegration.choices import WorkStatus

    item = get_object_or_404(
        _follow_ups_for(request.user).select_related("release__inmate__facility"), pk=pk
    )
    can_record = actions.may_record_follow_up(_user(request), item.release)
    field_errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied
        done_on, valid = _posted_date(request, "done_on")
        values = {
            "contact_made": request.POST.get("contact_made") == "on",
            "work_status": request.POST.get("work_status", ""),
            "income_source": request.POST.get("income_source", ""),
            "housing": request.POST.get("housing", ""),
            "family": request.POST.get("family", ""),
            "referrals_used": request.POST.get("referrals_used", ""),
            "new_offence": request.POST.get("new_offence") == "on",
            "note": request.POST.get("note", ""),
            "done_on": done_on,
        }
        if not valid:
            field_errors["done_on"] = [_date_error()]
        else:
            try:
                actions.record_follow_up(follow_up=item, values=values, by=_user(request))
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
def jobs(request: HttpRequest) -> HttpResponse:
    from sinergi.programs.choices import ProgramCategory
    from sinergi.reintegration.models import JobApplication, JobOpening

    scope = scope_of(request.user)
    if not scope.roles:
        raise Http404
    own = scope.partner_ids("partner_user")
    errors: list[str] = []
    if request.method == "POST":
        partner = Partner.objects.filter(pk__in=own, kind="business").first()
        if partner is None:
            raise PermissionDenied
        closing, _valid = _posted_date(request, "closing_date")
        vacancies_text = request.POST.get("vacancies", "").strip() or "1"
        if not request.POST.get("title") or closing is None:
            errors.append(_("Give the job and a closing date (YYYY-MM-DD)."))
        else:
            try:
                actions.post_job(
                    partner=partner,
                    by=_user(request),
                    values={
                        "title": request.POST["title"],
                        "sector": request.POST.get("sector", ""),
                        "place": request.POST.get("place", ""),
                        "vacancies": int(vacancies_text)
                        if vacancies_text.isdigit()
                        else vacancies_text,
                        "skills_wanted": request.POST.get("skills_wanted", ""),
                        "skill_categories": [
                            c
                            for c in request.POST.getlist("skill_categories")
                            if c in ProgramCategory.values
                        ],
                        "excluded_crime_categories": [
                            c
                            for c in request.POST.getlist("excluded_crime_categories")
                            if c in CrimeCategory.values
                        ],
                        "closing_date": closing,
                    },
                )
            except ValidationError as exc:
                errors.extend(_error_lines(exc))
            else:
                messages.success(request, _("Job opening posted."))
                return redirect("reintegration:jobs")
    openings = JobOpening.objects.for_user(request.user).select_related("partner")
    # An employer counts only the applications whose consent still stands; the
    # facility counts those of its own people.
    visible = JobApplication.objects.filter(opening=OuterRef("pk"))
    if scope.is_admin:
        pass
    elif scope.facility_ids():
        visible = visible.filter(inmate__in=Inmate.objects.for_user(request.user))
    else:
        visible = visible.consented()
    applied = Subquery(
        visible.order_by().values("opening").annotate(n=Count("pk")).values("n"),
        output_field=IntegerField(),
    )
    return render(
        request,
        "reintegration/jobs.html",
        {
            "openings": openings.annotate(applied=Coalesce(applied, 0)),
            "can_post": Partner.objects.filter(pk__in=own, kind="business").exists(),
            "categories": ProgramCategory.choices,
            "crime_categories": CrimeCategory.choices,
            "errors": errors,
        },
    )


@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    from sinergi.reintegration.choices import ApplicationStatus
    from sinergi.reintegration.models import JobOpening

    opening = get_object_or_404(JobOpening.objects.select_related("partner"), pk=pk)
    scope = scope_of(request.user)
    is_employer = opening.partner_id in scope.partner_ids("partner_user")
    if not (is_employer or scope.facility_ids() or scope.is_admin):
        raise Http404
    if request.method == "POST":
        try:
            if request.POST.get("inmate"):
                inmate = _inmate(request, int(request.POST["inmate"]))
                actions.apply_for_job(opening=opening, inmate=inmate, by=_user(request))
                messages.success(request, _("Application recorded."))
            elif request.POST.get("application"):
                application = get_object_or_404(
                    _applications_seen(request, opening, is_employer),
                    pk=request.POST["application"],
                )
                actions.update_application(
                    application=application,
                    status=request.POST.get("status", ""),
                    note=request.POST.get("note", ""),
                    by=_user(request),
                )
        except (Conflict, PermissionDenied, ValueError) as exc:
            _refused(request, exc)
        return redirect(opening)
    applications = _applications_seen(request, opening, is_employer).select_related("inmate")
    shown = list(applications)
    matches = []
    if scope.facility_ids():
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
            "matches": matches,
            "is_employer": is_employer,
            "statuses": ApplicationStatus.choices,
        },
    )


def _applications_seen(request: HttpRequest, opening: Any, is_employer: bool) -> Any:
    """An opening's applications this user may see: the employer those whose consent
    still stands (a withdrawal hides them at once), the facility its own people's."""
    from sinergi.reintegration.models import JobApplication

    rows = JobApplication.objects.filter(opening=opening)
    if scope_of(request.user).is_admin:
        return rows
    if is_employer:
        return rows.consented()
    return rows.filter(inmate__in=Inmate.objects.for_user(request.user))


@login_required
def consent_form_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The consent form to print, read to the person, and sign."""
    from sinergi.programs.documents import pdf_response, render_pdf

    consent = get_object_or_404(
        Consent.objects.select_related("inmate__facility", "partner"), pk=pk
    )
    inmate = _inmate(request, consent.inmate_id)
    audit.read(request, "consent.view", target=consent, facility=inmate.facility_id)
    return pdf_response(
        render_pdf(
            "reintegration/pdf/consent.html", {"consent": consent, "inmate": inmate}, request
        ),
        f"persetujuan-{consent.pk}.pdf",
    )


@login_required
@require_POST
def consent_signed(request: HttpRequest, pk: int) -> HttpResponse:
    consent = get_object_or_404(Consent.objects.select_related("inmate"), pk=pk)
    inmate = _inmate(request, consent.inmate_id)
    upload = request.FILES.get("signed_form")
    if upload is None:
        messages.error(request, _("Choose the scanned form."))
    else:
        try:
            actions.attach_signed_form(consent=consent, upload=upload, by=_user(request))
        except (Conflict, PermissionDenied) as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Signed form kept."))
    return redirect(f"/reintegration/inmates/{inmate.pk}/#consents")


@login_required
def consent_signed_file(request: HttpRequest, pk: int) -> FileResponse:
    consent = get_object_or_404(Consent, pk=pk)
    inmate = _inmate(request, consent.inmate_id)
    if not consent.signed_form:
        raise Http404
    audit.read(request, "consent.file.view", target=consent, facility=inmate.facility_id)
    return FileResponse(
        consent.signed_form.open("rb"), filename=consent.signed_form.name.rsplit("/", 1)[-1]
    )
