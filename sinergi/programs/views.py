from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from sinergi.accounts.http import AuthenticatedHttpRequest
from sinergi.core import audit
from sinergi.core.api import Conflict
from sinergi.core.pagination import paginate, querystring_without_page
from sinergi.core.pdf import pdf_response
from sinergi.core.permissions import has_perm
from sinergi.core.roles import STAFF_ROLES
from sinergi.core.scoping import scope_of
from sinergi.core.view_helpers import refuse, show_on_form
from sinergi.inmates.choices import InmateStatus
from sinergi.inmates.models import Inmate
from sinergi.orgs.models import Facility, NationalHoliday
from sinergi.programs import actions, documents
from sinergi.programs import rules as program_rules
from sinergi.programs.actions.certificates import not_yet_certifiable
from sinergi.programs.choices import (
    OPEN_WAITING_STATUSES,
    PERSON_MARKS,
    AttendanceStatus,
    CompetencyResult,
    ProgramStatus,
    SessionStatus,
)
from sinergi.programs.forms import (
    CancelForm,
    CompetencyCertificationForm,
    EarlyCompletionForm,
    EndEnrollmentForm,
    HolidayForm,
    ProgramFilterForm,
    ProgramForm,
    ScoresForm,
    SessionForm,
    SlotFormSet,
    TransitionForm,
)
from sinergi.programs.models import (
    Certificate,
    CompetencyCertification,
    EarlyCompletion,
    Enrollment,
    Holiday,
    Program,
    Session,
    WaitingListEntry,
)
from sinergi.programs.queries import participation_figures, with_enrolment_counts


def get_program_for_user(
    request: AuthenticatedHttpRequest, pk: int, *, write: bool = False
) -> Program:
    program = get_object_or_404(
        Program.objects.for_user(request.user).select_related("facility"), pk=pk
    )
    if not has_perm(request.user, "programs.view_program", program):
        raise Http404
    if write and not has_perm(request.user, "programs.change_program", program):
        raise PermissionDenied
    return program


def get_participants_for_user(
    request: AuthenticatedHttpRequest, pk: int, *, write: bool = False
) -> Program:
    """The program, for a page about who takes part in it (an enrolment, a certificate,
    the candidates): a 404 for whoever may not see its participants (a partner that
    delivers it, an instructor), then a 403 without ``programs.change_program`` when
    ``write``."""
    program = get_program_for_user(request, pk)
    if not has_perm(request.user, "programs.view_participants", program):
        raise Http404
    if write and not has_perm(request.user, "programs.change_program", program):
        raise PermissionDenied
    return program


def _check_change(request: AuthenticatedHttpRequest, program: Program) -> None:
    """403 unless the user changes ``program`` (and its sessions and participants)."""
    if not has_perm(request.user, "programs.change_program", program):
        raise PermissionDenied


def get_session_for_user(request: AuthenticatedHttpRequest, pk: int) -> Session:
    session = get_object_or_404(
        Session.objects.for_user(request.user).select_related("program__facility", "instructor"),
        pk=pk,
    )
    if not has_perm(request.user, "programs.view_roster", session):
        raise PermissionDenied
    return session


@login_required
def program_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    programs = Program.objects.for_user(request.user)
    if not scope_of(request.user).roles:
        raise Http404
    form = ProgramFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            programs = programs.filter(title__icontains=data["q"])
        for key in ("kind", "category", "status"):
            if data[key]:
                programs = programs.filter(**{key: data[key]})
    programs = with_enrolment_counts(programs.select_related("facility"))
    context = {
        "page": paginate(request, programs.order_by("-start_date", "title", "id")),
        "form": form,
        "querystring": querystring_without_page(request),
        "can_create": Facility.objects.writable_by(request.user).exists(),
    }
    return render(request, "programs/program_list.html", context)


def _program_values(form: ProgramForm) -> dict[str, Any]:
    """The program's own fields from the form (not its relations or units)."""
    return {
        k: v
        for k, v in form.cleaned_data.items()
        if k not in ("partners", "instructors", "skills", "units_text")
    }


def _show_errors(form: Any, exc: ValidationError) -> None:
    """An action's refusal on the form: at the field it names, if the form has it (the
    competency units are the program form's ``units_text``)."""
    if hasattr(exc, "error_dict") and "units" in exc.error_dict:
        exc.error_dict["units_text"] = exc.error_dict.pop("units")
    show_on_form(form, exc)


def _slots(formset: Any) -> list[dict[str, Any]]:
    return [
        f.cleaned_data
        for f in formset.forms
        if f.cleaned_data and f.cleaned_data.get("weekday") is not None
    ]


@login_required
def program_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    facilities = list(Facility.objects.writable_by(request.user))
    if not facilities:
        raise PermissionDenied
    facility = next(
        (f for f in facilities if str(f.pk) == request.POST.get("facility")), facilities[0]
    )
    form = ProgramForm(request.POST or None, facility=facility)
    slots = SlotFormSet(request.POST or None, prefix="slot")
    if request.method == "POST" and form.is_valid() and slots.is_valid():
        values = _program_values(form)
        try:
            program = actions.create_program(
                facility=facility,
                values=values,
                partners=form.cleaned_data["partners"],
                instructors=form.cleaned_data["instructors"],
                skills=form.cleaned_data["skills"],
                slots=_slots(slots),
                by=request.user,
            )
            actions.set_units(
                program=program, units=form.cleaned_data["units_text"], by=request.user
            )
        except Conflict as exc:
            form.add_error(None, exc.detail)
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("Program saved as a draft."))
            return redirect(program)
    return render(
        request,
        "programs/program_form.html",
        {"form": form, "slots": slots, "facilities": facilities, "facility": facility},
    )


@login_required
def program_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    program = get_program_for_user(request, pk, write=True)
    form = ProgramForm(request.POST or None, instance=program, facility=program.facility)
    if request.method == "POST" and form.is_valid():
        values = _program_values(form)
        try:
            # The form wrote onto ``program``; the action diffs a fresh copy.
            actions.update_program(
                program=Program.objects.get(pk=program.pk),
                values=values,
                partners=form.cleaned_data["partners"],
                instructors=form.cleaned_data["instructors"],
                units=form.cleaned_data["units_text"],
                skills=form.cleaned_data["skills"],
                by=request.user,
            )
        except Conflict as exc:
            form.add_error(None, exc.detail)
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(program)
    return render(
        request,
        "programs/program_form.html",
        {"form": form, "program": program, "facilities": [program.facility]},
    )


@login_required
def program_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    program = get_program_for_user(request, pk)
    today = timezone.localdate()
    can_change = has_perm(request.user, "programs.change_program", program)
    sessions = program.sessions.select_related("instructor")
    context: dict[str, Any] = {
        "program": program,
        "can_change": can_change,
        "facility_today": program.facility.today(),  # completion is judged by it
        "transitions": actions.allowed_transitions(program, request.user),
        "upcoming": sessions.filter(date__gte=today)[:10],
        "past": sessions.filter(date__lt=today).order_by("-date", "-start_time")[:10],
        "session_count": sessions.count(),
        "units": program.units.all(),
        "slots": (slots := list(program.slots.all())),
        "scheduled_hours": (scheduled := program_rules.scheduled_hours(program, slots)),
        # Said only while it helps the approver: before approval (draft or submitted).
        "schedule_mismatch": program.status in (ProgramStatus.DRAFT, ProgramStatus.SUBMITTED)
        and bool(slots)
        and bool(program.target_hours)
        and scheduled != program.target_hours,
        "status_labels": dict(program._meta.get_field("status").choices or []),
        "sees_participants": has_perm(request.user, "programs.view_participants", program),
    }
    if context["sees_participants"]:
        enrollments = list(
            program.enrollments.select_related("inmate", "certificate").order_by(
                "ended_on", "inmate__name"
            )
        )
        audit.read_list(
            request,
            "program.participants.list",
            count=len(enrollments),
            facility=program.facility_id,
            details={"program": program.pk},
        )
        context.update(
            active=[e for e in enrollments if e.ended_on is None],
            ended=[e for e in enrollments if e.ended_on is not None],
            waiting=program.waiting_list.filter(status__in=OPEN_WAITING_STATUSES).select_related(
                "inmate"
            ),
            end_form=EndEnrollmentForm(),
            took_part=len(enrollments),
        )
    else:
        # A partner that delivers it, an instructor: figures, never a name.
        context["figures"] = participation_figures(program)
        context["took_part"] = context["figures"]["ever_enrolled"]
    return render(request, "programs/program_detail.html", context)


@login_required
def program_sessions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Every session of a program, by date, a page at a time: the program page shows
    only the next and the last few."""
    program = get_program_for_user(request, pk)
    sessions = (
        program.sessions.select_related("instructor")
        .annotate(
            marked=Count("attendance"),
            present=Count("attendance", filter=Q(attendance__status=AttendanceStatus.PRESENT)),
        )
        .order_by("date", "start_time", "pk")
    )
    context = {
        "program": program,
        "page": paginate(request, sessions),
        "querystring": querystring_without_page(request),
        "today": timezone.localdate(),
        "sees_participants": has_perm(request.user, "programs.view_participants", program),
    }
    return render(request, "programs/program_sessions.html", context)


@login_required
@require_POST
def program_transition(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    program = get_program_for_user(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid status."))
        return redirect(program)
    if form.cleaned_data["to"] == ProgramStatus.CANCELLED and not form.cleaned_data["confirm"]:
        # the page's box to tick (a destructive move asks to confirm, core.workflow)
        messages.error(request, _("Tick the box to confirm."))
        return redirect(program)
    try:
        actions.transition(
            program=program,
            to=form.cleaned_data["to"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
    except (Conflict, ValidationError) as exc:
        refuse(request, exc)
    else:
        messages.success(request, _("Status changed."))
    return redirect(program)


@login_required
def candidates(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Inmates of the facility matching ``q``, each with why they may or may not join."""
    program = get_participants_for_user(request, pk, write=True)
    q = request.GET.get("q", "").strip()
    rows = []
    if len(q) >= 2:
        inmates = (
            Inmate.objects.filter(facility=program.facility)
            .search(q)
            .select_related("sentence")
            .order_by("name")[:20]
        )
        enrolled = set(
            program.enrollments.filter(ended_on__isnull=True).values_list("inmate_id", flat=True)
        )
        waiting = set(
            program.waiting_list.filter(status__in=OPEN_WAITING_STATUSES).values_list(
                "inmate_id", flat=True
            )
        )
        for inmate in inmates:
            rows.append(
                (
                    inmate,
                    program_rules.candidate_problems(
                        program, inmate, enrolled=enrolled, waiting=waiting
                    ),
                )
            )
        audit.read_list(
            request, "program.candidates.list", count=len(rows), facility=program.facility_id
        )
    return render(request, "programs/candidates.html", {"program": program, "rows": rows, "q": q})


def _bulk_summary(request: AuthenticatedHttpRequest, results: list[tuple[Inmate, Any]]) -> None:
    """One message for a bulk enrolment: how many took a place and how many went on the
    waiting list (naming those, who may not expect it)."""
    placed = sum(1 for _inmate, result in results if result.enrollment)
    waiting = [inmate.name for inmate, result in results if not result.enrollment]
    text = ngettext("%(n)s person enrolled.", "%(n)s people enrolled.", placed) % {"n": placed}
    if waiting:
        text += " " + ngettext(
            "The program is full: %(n)s person on the waiting list (%(names)s).",
            "The program is full: %(n)s people on the waiting list (%(names)s).",
            len(waiting),
        ) % {"n": len(waiting), "names": ", ".join(waiting)}
    (messages.warning if waiting else messages.success)(request, text)


@login_required
def enrol_many(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The people in custody at the program's facility who hold neither a place nor a
    waiting-list entry, each marked whether they may join and why not, to be ticked and
    enrolled in one submit (``actions.enroll_many``: places first, then the waiting
    list; nobody when anyone chosen may not join)."""
    program = get_participants_for_user(request, pk, write=True)
    refused = ""
    status = 200
    if request.method == "POST":
        try:
            ids = [int(v) for v in request.POST.getlist("inmates")]
        except ValueError:
            raise Http404 from None
        found = Inmate.objects.filter(facility=program.facility, pk__in=ids).select_related(
            "sentence"
        )
        by_id = {inmate.pk: inmate for inmate in found}
        if len(by_id) != len(set(ids)):
            raise Http404  # someone of another facility, or no one
        try:
            results = actions.enroll_many(
                program=program, inmates=[by_id[i] for i in ids], by=request.user
            )
        except Conflict as exc:
            refused, status = exc.detail, 409
        except ValidationError as exc:
            refused, status = " ".join(exc.messages), 400
        else:
            _bulk_summary(request, results)
            return redirect(program.get_absolute_url() + "#enrolment")
    q = request.GET.get("q", "").strip()
    people = (
        Inmate.objects.filter(facility=program.facility, status=InmateStatus.IN_CUSTODY)
        .exclude(pk__in=program.enrollments.filter(ended_on__isnull=True).values("inmate_id"))
        .exclude(
            pk__in=program.waiting_list.filter(status__in=OPEN_WAITING_STATUSES).values("inmate_id")
        )
        .select_related("sentence")
        .order_by("name", "pk")
    )
    if q:
        people = people.search(q)
    page = paginate(request, people, per_page=100)
    # The enrolled and the waiting are left out above; the rest as the action judges them.
    rows = [
        (inmate, program_rules.candidate_problems(program, inmate, enrolled=set(), waiting=set()))
        for inmate in page.object_list
    ]
    audit.read_list(
        request,
        "program.candidates.list",
        count=len(rows),
        facility=program.facility_id,
        details={"program": program.pk},
    )
    context = {
        "program": program,
        "rows": rows,
        "page": page,
        "q": q,
        "querystring": querystring_without_page(request),
        "qualifying": sum(1 for _inmate, problems in rows if not problems),
        "free": max(program.capacity - actions.active_count(program), 0),
        "refused": refused,
        "chosen": set(request.POST.getlist("inmates")) if request.method == "POST" else set(),
    }
    return render(request, "programs/enrol_many.html", context, status=status)


@login_required
@require_POST
def enroll(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    program = get_program_for_user(request, pk, write=True)
    inmate = get_object_or_404(Inmate, pk=request.POST.get("inmate"), facility=program.facility)
    try:
        result = actions.enroll(program=program, inmate=inmate, by=request.user)
    except Conflict as exc:
        messages.error(request, f"{inmate.name}: {exc.detail}")
    else:
        if result.enrollment:
            messages.success(request, _("%(name)s is enrolled.") % {"name": inmate.name})
        else:
            messages.warning(
                request,
                _("The program is full: %(name)s is on the waiting list.") % {"name": inmate.name},
            )
    return redirect(program.get_absolute_url() + "#enrolment")


@login_required
@require_POST
def waiting_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(
        WaitingListEntry.objects.for_user(request.user).select_related("program__facility"),
        pk=pk,
    )
    program = entry.program
    _check_change(request, program)
    try:
        actions.decide_waiting(entry=entry, status=request.POST.get("status", ""), by=request.user)
    except (Conflict, ValidationError) as exc:
        refuse(request, exc)
    return redirect(program.get_absolute_url() + "#enrolment")


def _enrollment_for(request: AuthenticatedHttpRequest, pk: int) -> tuple[Enrollment, Program]:
    """The enrolment, reached through the programs whose participants the user sees (a
    404 otherwise), for a user who changes its program (a 403 otherwise)."""
    enrollment = get_object_or_404(
        Enrollment.objects.for_user(request.user).select_related("inmate", "program__facility"),
        pk=pk,
    )
    _check_change(request, enrollment.program)
    return enrollment, enrollment.program


@login_required
@require_POST
def enrollment_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enrollment, program = _enrollment_for(request, pk)
    form = EndEnrollmentForm(request.POST)
    if form.is_valid():
        try:
            actions.end_enrollment(
                enrollment=enrollment,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except (Conflict, ValidationError) as exc:
            refuse(request, exc)
        else:
            messages.success(request, _("Enrolment ended."))
    return redirect(program.get_absolute_url() + "#enrolment")


@login_required
def enrollment_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enrollment, program = _enrollment_for(request, pk)
    scores = ScoresForm(
        request.POST or None,
        initial={"pre_test": enrollment.pre_test, "post_test": enrollment.post_test},
    )
    units = list(program.units.all())
    results = dict(enrollment.competencies.values_list("unit_id", "result"))
    if request.method == "POST" and scores.is_valid():
        try:
            actions.record_scores(
                enrollment=enrollment,
                by=request.user,
                pre_test=scores.cleaned_data["pre_test"],
                post_test=scores.cleaned_data["post_test"],
            )
            for unit in units:
                value = request.POST.get(f"unit-{unit.pk}")
                if value and value != results.get(unit.pk):
                    actions.record_competency(
                        enrollment=enrollment, unit=unit, result=value, by=request.user
                    )
        except Conflict as exc:
            scores.add_error(None, exc.detail)
        except ValidationError as exc:
            show_on_form(scores, exc)
        else:
            messages.success(request, _("Assessment saved."))
            return redirect("programs:enrollment", pk=enrollment.pk)
    return _enrollment_page(request, enrollment, program, scores=scores, results=results)


def _enrollment_page(
    request: AuthenticatedHttpRequest,
    enrollment: Enrollment,
    program: Program,
    *,
    scores: ScoresForm | None = None,
    results: dict[int, str] | None = None,
    early_form: forms.Form | None = None,
    lsp_form: forms.Form | None = None,
) -> HttpResponse:
    """The enrolment's page; a form given (sent and refused) is shown with its errors."""
    audit.read(request, "enrollment.view", target=enrollment, facility=program.facility_id)
    if scores is None:
        scores = ScoresForm(
            initial={"pre_test": enrollment.pre_test, "post_test": enrollment.post_test}
        )
    if results is None:
        results = dict(enrollment.competencies.values_list("unit_id", "result"))
    completion = actions.completion(enrollment)
    early = EarlyCompletion.objects.filter(enrollment=enrollment).first()
    lsp = CompetencyCertification.objects.filter(enrollment=enrollment).first()
    not_yet = not_yet_certifiable(enrollment, early, program.facility.today())
    # offered while the program runs to whoever met the rule so far; shown again when sent
    offer_early = early is None and (
        (early_form is not None and bool(early_form.errors))
        or (
            not_yet is not None
            and not_yet.code == "program_running"
            and enrollment.is_active
            and completion.met
        )
    )
    return render(
        request,
        "programs/enrollment_detail.html",
        {
            "enrollment": enrollment,
            "program": program,
            "scores": scores,
            "units": [(u, results.get(u.pk, "")) for u in program.units.all()],
            "competency_choices": CompetencyResult.choices,
            "completion": completion,
            "certificate": getattr(enrollment, "certificate", None),
            "not_yet": not_yet,
            "offer_early": offer_early,
            "early_completion": early,
            "early_form": early_form or EarlyCompletionForm(initial={"hours": completion.hours}),
            "competency_certification": lsp,
            "lsp_form": lsp_form
            or CompetencyCertificationForm(
                initial={"issuer": lsp.issuer, "number": lsp.number, "issued_on": lsp.issued_on}
                if lsp
                else None
            ),
        },
    )


def _act_on_enrollment(
    request: AuthenticatedHttpRequest,
    pk: int,
    form_class: type[forms.Form],
    act: Callable[..., object],
    done: str,
    name: str,
) -> HttpResponse:
    """Parse ``form_class`` from the POST and call ``act(enrollment=..., by=...,
    **cleaned_data)``: ``done`` as the message on the enrolment's page, or the page again
    with the form as sent and the refusal at its fields (``name``: the form's name in
    the page: ``early_form`` or ``lsp_form``)."""
    enrollment, program = _enrollment_for(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(enrollment=enrollment, by=request.user, **form.cleaned_data)
        except Conflict as exc:
            form.add_error(None, exc.detail)
        except ValidationError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, done)
            return redirect("programs:enrollment", pk=enrollment.pk)
    if name == "early_form":
        return _enrollment_page(request, enrollment, program, early_form=form)
    return _enrollment_page(request, enrollment, program, lsp_form=form)


@login_required
@require_POST
def enrollment_complete_early(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act_on_enrollment(
        request,
        pk,
        EarlyCompletionForm,
        actions.complete_early,
        _("Early completion recorded."),
        "early_form",
    )


@login_required
@require_POST
def enrollment_competency_certification(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act_on_enrollment(
        request,
        pk,
        CompetencyCertificationForm,
        actions.record_competency_certification,
        _("Competency certification recorded."),
        "lsp_form",
    )


@login_required
@require_POST
def certificate_issue(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enrollment, _program = _enrollment_for(request, pk)
    try:
        actions.issue_certificate(enrollment=enrollment, by=request.user)
    except (Conflict, ValidationError) as exc:
        refuse(request, exc)
    else:
        messages.success(request, _("Certificate issued."))
    return redirect("programs:enrollment", pk=enrollment.pk)


@login_required
@require_POST
def certificate_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    certificate = get_object_or_404(
        Certificate.objects.for_user(request.user).select_related("enrollment__program"), pk=pk
    )
    _check_change(request, certificate.enrollment.program)
    form = CancelForm(request.POST)
    try:
        if not form.is_valid():
            raise Conflict(_("Give a reason for revoking."), "reason_required")
        actions.revoke_certificate(
            certificate=certificate, reason=form.cleaned_data["reason"], by=request.user
        )
    except (Conflict, ValidationError) as exc:
        refuse(request, exc)
    else:
        messages.success(request, _("Certificate revoked."))
    return redirect("programs:enrollment", pk=certificate.enrollment_id)


@login_required
def certificate_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # A partner verifies a certificate on the public page, by its code.
    certificate = get_object_or_404(
        Certificate.objects.for_user(request.user).select_related(
            "enrollment__program__facility", "enrollment__inmate"
        ),
        pk=pk,
    )
    audit.read(
        request,
        "certificate.view",
        target=certificate,
        facility=certificate.enrollment.program.facility_id,
    )
    return pdf_response(
        documents.certificate_pdf(request, certificate), f"sertifikat-{certificate.code}.pdf"
    )


def _named_roster(
    request: AuthenticatedHttpRequest, session: Session
) -> tuple[list[Enrollment], str]:
    """The session's roster, each enrolment with the ``label`` that names its inmate for
    the user (``rules.roster_naming``), and that naming."""
    naming = program_rules.roster_naming(request.user, session)
    roster = actions.roster(session)
    labels = program_rules.roster_labels([e.inmate.name for e in roster], naming)
    for enrollment, label in zip(roster, labels, strict=True):
        enrollment.label = label  # type: ignore[attr-defined]
    return roster, naming


@login_required
def session_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    program = get_program_for_user(request, pk, write=True)
    form = SessionForm(request.POST or None)
    form.fields["instructor"].queryset = program.instructors.all()  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_session(program=program, values=form.cleaned_data, by=request.user)
        except Conflict as exc:
            form.add_error(None, exc.detail)
        except ValidationError as exc:  # outside the program's dates, the same day and time
            _show_errors(form, exc)
        else:
            messages.success(request, _("Session added."))
            return redirect(program)
    return render(request, "programs/session_form.html", {"form": form, "program": program})


@login_required
def session_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The attendance roster: one form for everyone enrolled, saved in one request."""
    session = get_session_for_user(request, pk)
    can_take = has_perm(request.user, "programs.take_attendance", session)
    roster, naming = _named_roster(request, session)
    audit.read_list(
        request,
        "session.roster.list",
        count=len(roster),
        facility=session.program.facility_id,
        details={"session": session.pk},
    )
    errors: list[str] = []
    if request.method == "POST":
        if not can_take:
            raise PermissionDenied
        marks = {
            e.pk: (request.POST.get(f"status-{e.pk}", ""), request.POST.get(f"note-{e.pk}", ""))
            for e in roster
            if request.POST.get(f"status-{e.pk}")
        }
        try:
            actions.record_attendance(session=session, marks=marks, by=request.user)
        except Conflict as exc:
            errors.append(exc.detail)
        else:
            messages.success(request, _("Attendance saved."))
            return redirect(session)
    can_cancel = has_perm(
        request.user, "programs.change_program", session.program
    ) and actions.session_can_change(session)
    restorable = can_cancel and session.status == SessionStatus.CANCELLED
    return render(
        request,
        "programs/session_detail.html",
        {
            "session": session,
            "roster": roster,
            "show_numbers": naming == program_rules.FULL,
            "naming": naming,
            "can_take": can_take,
            "errors": errors,
            "statuses": PERSON_MARKS,
            "can_cancel": can_cancel,
            "is_future": session.date > session.program.facility.today(),  # as the action
            # restoring a cancelled session on a holiday needs a confirmation
            "holiday": actions.holiday_on(session) if restorable else None,
        },
    )


@login_required
@require_POST
def session_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk)
    _check_change(request, session.program)
    form = CancelForm(request.POST)
    try:
        if not form.is_valid():
            raise Conflict(_("Give a reason for cancelling."), "reason_required")
        actions.cancel_session(session=session, reason=form.cleaned_data["reason"], by=request.user)
    except (Conflict, ValidationError) as exc:
        refuse(request, exc)
    else:
        messages.success(request, _("The session is cancelled."))
    return redirect(session)


@login_required
@require_POST
def session_restore(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk)
    _check_change(request, session.program)
    try:
        actions.restore_session(
            session=session, by=request.user, on_holiday=request.POST.get("on_holiday") == "1"
        )
    except (Conflict, ValidationError) as exc:
        refuse(request, exc)
    else:
        messages.success(request, _("The session is restored."))
    return redirect(session)


@login_required
def session_sheet(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request, pk)
    if session.status == SessionStatus.CANCELLED:
        # Printed, it would look like a session that takes place.
        messages.error(request, _("This session is cancelled: it has no attendance sheet."))
        return redirect(session)
    roster, naming = _named_roster(request, session)
    audit.read_list(
        request,
        "session.sheet.list",
        count=len(roster),
        facility=session.program.facility_id,
        details={"session": session.pk},
    )
    return pdf_response(
        documents.attendance_sheet_pdf(
            request, session, roster, show_numbers=naming == program_rules.FULL
        ),
        f"daftar-hadir-{session.date:%Y%m%d}.pdf",
    )


@login_required
def my_sessions(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    sessions = (
        Session.objects.filter(
            instructor_id=request.user.pk, date__gte=today - datetime.timedelta(days=14)
        )
        .select_related("program__facility")
        .order_by("date", "start_time")
    )
    return render(
        request, "programs/my_sessions.html", {"page": paginate(request, sessions), "today": today}
    )


# --- holidays -------------------------------------------------------------------------

# Who reads a facility's holidays; program officers and the head also change them.
HOLIDAY_READERS = STAFF_ROLES
# The form field a refusal of ``actions.add_holiday`` is about.
HOLIDAY_ERROR_FIELDS = {"holiday_exists": "date", "too_far_ahead": "date", "name_required": "name"}


def _holiday_facilities(
    request: AuthenticatedHttpRequest, chosen: str | None
) -> tuple[Facility, list[Facility]]:
    """The facility whose holidays the user asked for (``chosen``, else the first of
    theirs by name) and all of theirs; a facility outside them is a 404."""
    ids = scope_of(request.user).facility_ids(*HOLIDAY_READERS)
    facilities = list(Facility.objects.filter(pk__in=ids).order_by("name", "pk"))
    if not facilities:
        raise Http404
    if not chosen:
        return facilities[0], facilities
    facility = next((f for f in facilities if str(f.pk) == chosen), None)
    if facility is None:
        raise Http404
    return facility, facilities


def _holidays_url(facility_id: int, day: datetime.date | None = None) -> str:
    """The holidays page of the facility; with ``day``, it lists that day's sessions."""
    query: dict[str, Any] = {"facility": facility_id}
    if day is not None:
        query["day"] = day.isoformat()
    return reverse("programs:holidays") + "?" + urlencode(query)


def _day(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return None


def _year(value: str | None) -> int | None:
    try:
        year = int(value or "")
    except ValueError:
        return None
    return year if 1900 <= year <= 2999 else None


def _report_added(request: AuthenticatedHttpRequest, result: actions.HolidayResult) -> None:
    holiday = result.holiday
    messages.success(
        request,
        _("Holiday added: %(name)s, %(date)s.")
        % {"name": holiday.name, "date": date_format(holiday.date, "DATE_FORMAT")},
    )
    if result.cancelled:
        n = len(result.cancelled)
        messages.info(
            request,
            ngettext(
                "%(n)s session on that day was cancelled.",
                "%(n)s sessions on that day were cancelled.",
                n,
            )
            % {"n": n},
        )
    if result.kept:
        n = len(result.kept)
        sessions = "; ".join(f"{s.program.title}, {s.start_time:%H.%M}" for s in result.kept)
        messages.warning(
            request,
            ngettext(
                "%(n)s session with attendance was kept: %(sessions)s. "
                "Cancel it on its page if it did not take place.",
                "%(n)s sessions with attendance were kept: %(sessions)s. "
                "Cancel them on their pages if they did not take place.",
                n,
            )
            % {"n": n, "sessions": sessions},
        )


@login_required
def holidays(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A facility's holidays from 30 days ago (or of one year), with the add form for its
    program officers and head; guardian officers read them."""
    data = request.POST if request.method == "POST" else request.GET
    facility, facilities = _holiday_facilities(request, data.get("facility"))
    can_change = has_perm(request.user, "programs.change_holidays", facility)
    form = HolidayForm(request.POST or None)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            try:
                result = actions.add_holiday(
                    facility=facility,
                    date=form.cleaned_data["date"],
                    name=form.cleaned_data["name"],
                    by=request.user,
                )
            except Conflict as exc:
                form.add_error(HOLIDAY_ERROR_FIELDS.get(exc.code), exc.detail)
            else:
                _report_added(request, result)
                return redirect(_holidays_url(facility.pk, result.holiday.date))
    year = _year(request.GET.get("year"))
    listed = Holiday.objects.filter(facility=facility)
    # The national days off (SKB 3 Menteri), the same at every facility: read only here.
    national = NationalHoliday.objects.all()
    if year:
        listed = listed.filter(date__year=year)
        national = national.filter(date__year=year)
    else:
        since = timezone.localdate() - datetime.timedelta(days=30)
        listed = listed.filter(date__gte=since)
        national = national.filter(date__range=(since, since + datetime.timedelta(days=395)))
    years = {d.year for d in Holiday.objects.filter(facility=facility).dates("date", "year")}
    years |= {d.year for d in NationalHoliday.objects.dates("date", "year")}
    context = {
        "facility": facility,
        "facilities": facilities,
        "facility_query": urlencode({"facility": facility.pk}) if len(facilities) > 1 else "",
        "can_change": can_change,
        "form": form,
        "year": year,
        "years": sorted(years),
        "page": paginate(request, listed.order_by("date")),
        "national": list(national.order_by("date")),
        "querystring": querystring_without_page(request, "day"),
    }
    day = _day(request.GET.get("day")) if can_change else None
    if day is not None:
        context.update(_day_sessions(facility, day))
    return render(request, "programs/holidays.html", context)


def _day_sessions(facility: Facility, day: datetime.date) -> dict[str, Any]:
    """The sessions of the facility's programs on ``day``, after a holiday was added or
    removed: the cancelled ones with their reason, and those that take place (a program
    cancelled since leaves them out), each to open on its page. One query."""
    sessions = list(
        Session.objects.filter(program__facility=facility, date=day)
        .select_related("program")
        .order_by("start_time", "program__title", "pk")
    )
    cancelled = [s for s in sessions if s.status == SessionStatus.CANCELLED]
    scheduled = [
        s
        for s in sessions
        if s.status != SessionStatus.CANCELLED and s.program.status != ProgramStatus.CANCELLED
    ]
    return {"day": day, "day_cancelled": cancelled, "day_scheduled": scheduled}


@login_required
@require_POST
def holiday_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    readable = scope_of(request.user).facility_ids(*HOLIDAY_READERS)
    holiday = get_object_or_404(
        Holiday.objects.select_related("facility"), pk=pk, facility_id__in=readable
    )
    if not has_perm(request.user, "programs.change_holidays", holiday.facility):
        raise PermissionDenied
    name, day, facility_id = holiday.name, holiday.date, holiday.facility_id
    restored, still_cancelled = actions.remove_holiday(holiday=holiday, by=request.user)
    messages.success(
        request,
        _("Holiday removed: %(name)s, %(date)s.")
        % {"name": name, "date": date_format(day, "DATE_FORMAT")},
    )
    if restored:
        messages.info(
            request,
            ngettext(
                "%(n)s session cancelled for it is scheduled again.",
                "%(n)s sessions cancelled for it are scheduled again.",
                len(restored),
            )
            % {"n": len(restored)},
        )
    if still_cancelled:
        messages.warning(
            request,
            ngettext(
                "%(n)s session on that day is still cancelled (listed below); restore it on "
                "its page if it should take place.",
                "%(n)s sessions on that day are still cancelled (listed below); restore them "
                "on their pages if they should take place.",
                still_cancelled,
            )
            % {"n": still_cancelled},
        )
    return redirect(_holidays_url(facility_id, day))


def verify(request: HttpRequest, code: str = "") -> HttpResponse:
    """Public: an employer confirms a certificate; the holder's name only on a match."""
    code = (code or request.GET.get("code", "")).strip().upper()
    certificate = None
    name_matches = None
    if code:
        certificate = (
            Certificate.objects.select_related("enrollment__program__facility")
            .filter(code=code)
            .first()
        )
        if certificate is not None:
            name_matches = certificate.holder_is(request.GET.get("name", ""))
    return render(
        request,
        "programs/verify.html",
        {
            "code": code,
            "certificate": certificate,
            **(documents.certificate_facts(certificate) if certificate else {}),
            "name_matches": name_matches,
            "typed_name": request.GET.get("name", ""),
        },
    )


@login_required
def development_record(request: AuthenticatedHttpRequest, inmate_pk: int) -> HttpResponse:
    """The inmate's development record (buku pembinaan) as one printable PDF."""
    from sinergi.programs.record import development_record as record_of

    inmate = get_object_or_404(
        Inmate.objects.for_user(request.user).select_related("facility", "wali"), pk=inmate_pk
    )
    if not has_perm(request.user, "inmates.view_inmate", inmate):
        raise Http404
    audit.read(request, "inmate.record.view", target=inmate)
    return pdf_response(
        documents.development_record_pdf(request, record_of(inmate)),
        f"buku-pembinaan-{inmate.pk}.pdf",
    )
