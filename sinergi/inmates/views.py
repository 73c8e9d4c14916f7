from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Prefetch, Subquery, Sum
from django.db.models.functions import Coalesce, Lower
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from sinergi.accounts.http import AuthenticatedHttpRequest
from sinergi.core import audit
from sinergi.core.errors import Conflict
from sinergi.core.export_limits import refuse_if_too_many
from sinergi.core.pagination import paginate, querystring_without_page
from sinergi.core.permissions import has_perm
from sinergi.core.scoping import scope_of
from sinergi.core.view_helpers import show_on_form
from sinergi.inmates import (
    actions,
    column_guess,
    importer,
    parsing,
    pipeline,
    pipeline_export,
)
from sinergi.inmates.calculation import calculation_for, next_remissions_for
from sinergi.inmates.choices import ImportStatus, Right
from sinergi.inmates.forms import (
    AssessmentForm,
    BulkWaliForm,
    ColumnMappingForm,
    ConsecutiveSentenceForm,
    DetentionPeriodForm,
    DisciplinaryForm,
    ImportUploadForm,
    InmateFilterForm,
    InmateForm,
    RemissionForm,
    SentenceForm,
    StatusForm,
    WaliForm,
)
from sinergi.inmates.models import (
    ConsecutiveSentence,
    DetentionPeriod,
    DisciplinaryRecord,
    ImportBatch,
    Inmate,
    Sentence,
    SentenceRecalculation,
    SentenceRecalculationChange,
    SentenceRecalculationFacility,
)
from sinergi.inmates.queries import place_message, place_needed, places_of
from sinergi.inmates.rules import guardians_of, guardians_of_facilities
from sinergi.orgs.models import Facility


def get_inmate_for_user(
    request: AuthenticatedHttpRequest, pk: int, *, perm: str = "inmates.view_inmate"
) -> Inmate:
    """The inmate if the user can see it (else 404), and may do ``perm`` (else 403)."""
    inmate = get_object_or_404(
        Inmate.objects.for_user(request.user).select_related("facility", "sentence"), pk=pk
    )
    if not has_perm(request.user, perm, inmate):
        raise PermissionDenied
    return inmate


def _filtered_inmates(request: AuthenticatedHttpRequest) -> tuple[Any, InmateFilterForm]:
    form = InmateFilterForm(request.GET or None)
    inmates = Inmate.objects.for_user(request.user).select_related("facility", "sentence", "wali")
    if form.is_valid():
        data = form.cleaned_data
        inmates = inmates.search(data["q"])
        if data["status"]:
            inmates = inmates.filter(status=data["status"])
        if data["crime_category"]:
            inmates = inmates.filter(sentence__crime_category=data["crime_category"])
        if data["security_level"]:
            inmates = inmates.filter(security_level=data["security_level"])
        if data["released_before"]:
            inmates = inmates.filter(sentence__expiry_after_remission__lt=data["released_before"])
    return inmates.order_by(Lower("name"), "id"), form


@login_required
def inmate_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not has_perm(request.user, "inmates.view_inmate"):
        raise Http404
    inmates, form = _filtered_inmates(request)
    page = paginate(request, inmates)
    audit.read_list(request, "inmate.list", count=page.paginator.count)
    writable = list(Facility.objects.writable_by(request.user).values_list("pk", flat=True))
    context = {
        "page": page,
        "form": form,
        "querystring": querystring_without_page(request),
        "can_change": bool(writable),
        # Naming the wali of the people ticked: the facilities' walis, for its officers.
        "guardians": list(guardians_of_facilities(writable)) if writable else [],
        "show_facility": scope_of(request.user).is_admin or bool(scope_of(request.user).region_ids),
    }
    template = "inmates/inmate_list.html#results" if request.htmx else "inmates/inmate_list.html"
    return render(request, template, context)


def _sentence_of(inmate: Inmate) -> Any:
    """The inmate's sentence, or None for a person admitted without one yet (e.g. a
    re-admission recorded before the new verdict)."""
    try:
        return inmate.sentence
    except Sentence.DoesNotExist:
        return None


def _timeline(inmate: Inmate, calculation: Any) -> list[dict[str, Any]]:
    today = timezone.localdate()
    events: list[dict[str, Any]] = []
    sentence = _sentence_of(inmate)
    if sentence is not None:
        events.append({"date": sentence.detention_start, "label": _("Detention start")})
    if sentence is not None and sentence.verdict_date:
        events.append({"date": sentence.verdict_date, "label": _("Verdict")})
    for remission in inmate.remissions.all():
        if remission.granted_on:
            events.append(
                {
                    "date": remission.granted_on,
                    "label": _("Remisi %(kind)s granted") % {"kind": remission.kind},
                }
            )
    for record in inmate.disciplinary_records.all():
        events.append(
            {"date": record.date, "label": _("Register F: %(v)s") % {"v": record.violation}}
        )
    for label, day in (
        (
            (_("1/3 of the sentence"), sentence.one_third_date),
            (_("1/2 of the sentence"), sentence.half_date),
            (_("2/3 of the sentence"), sentence.two_thirds_date),
            (_("Expiry after remisi"), sentence.expiry_after_remission),
        )
        if sentence is not None
        else ()
    ):
        if day:
            events.append({"date": day, "label": label})
    episodes = list(inmate.custody_episodes.all())
    for episode in episodes:  # custody at this facility: how it began and ended
        events.append({"date": episode.started_on, "label": episode.get_started_how_display()})
        if episode.ended_on:
            events.append({"date": episode.ended_on, "label": episode.get_ended_how_display()})
    if inmate.status_changed_on and not episodes:
        events.append({"date": inmate.status_changed_on, "label": inmate.get_status_display()})
    for event in events:
        event["future"] = event["date"] > today
    return sorted(events, key=lambda e: e["date"])


# Extra sections of the inmate page contributed by higher apps (programs, reintegration):
# each returns (template name, context) or None.
INMATE_SECTIONS: list[Any] = []


def register_inmate_section(provider: Any) -> None:
    if provider not in INMATE_SECTIONS:
        INMATE_SECTIONS.append(provider)


# Where a user who does not reach an inmate's record reads what a higher app shares of
# the person (the Bapas a person was handed over to: the hand-over): each returns that
# page's address for (user, inmate pk), or None.
INMATE_ELSEWHERE: list[Any] = []


def register_inmate_elsewhere(resolver: Any) -> None:
    if resolver not in INMATE_ELSEWHERE:
        INMATE_ELSEWHERE.append(resolver)


def _elsewhere(user: Any, pk: int) -> str | None:
    """The page where ``user`` reads what is shared with them of inmate ``pk`` when the
    inmate's own record is out of their reach; None when there is none (a 404)."""
    for resolver in INMATE_ELSEWHERE:
        url = resolver(user, pk)
        if url:
            return str(url)
    return None


def _due_list(due: Any) -> list[Any]:
    return [] if due is None else [due.umum, due.khusus]


@login_required
def inmate_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if not Inmate.objects.for_user(request.user).filter(pk=pk).exists():
        # Out of reach: the page of what is shared with the user, if any (the hand-over
        # for the Bapas the person was handed over to), else 404.
        elsewhere = _elsewhere(request.user, pk)
        if elsewhere is None:
            raise Http404
        return redirect(elsewhere)
    inmate = get_object_or_404(
        Inmate.objects.for_user(request.user)
        .select_related("facility", "sentence", "wali")
        .prefetch_related(
            "remissions",
            "disciplinary_records",
            "detention_periods",
            "consecutive_sentences",
            "custody_episodes",
            Prefetch("assessments", to_attr="recent_assessments"),
        ),
        pk=pk,
    )
    if not has_perm(request.user, "inmates.view_inmate", inmate):
        raise Http404
    audit.read(request, "inmate.view", target=inmate)
    sentence = _sentence_of(inmate)
    # Without a sentence there is nothing to calculate: the page says so.
    calculation = calculation_for(inmate) if sentence is not None else None
    rights = {r.right: r for r in inmate.rights.all()}
    history = list(inmate.history.select_related("history_user")[:20])
    if sentence is not None:
        history += list(sentence.history.select_related("history_user")[:20])
    history.sort(key=lambda h: h.history_date, reverse=True)
    context = {
        "inmate": inmate,
        "sentence": sentence,
        "calculation": calculation,
        "next_remissions": _due_list(next_remissions_for(inmate)),
        "rights": [(Right(key), calculation.rights[key], rights.get(key)) for key in Right.values]
        if calculation is not None
        else [],
        "timeline": _timeline(inmate, calculation),
        "history": history[:20],
        "can_change": has_perm(request.user, "inmates.change_inmate", inmate),
        "can_score": has_perm(request.user, "inmates.score_inmate", inmate),
        "sections": [s for s in (p(request, inmate) for p in INMATE_SECTIONS) if s],
    }
    return render(request, "inmates/inmate_detail.html", context)


@login_required
def inmate_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    facilities = list(Facility.objects.writable_by(request.user))
    if not facilities:
        raise PermissionDenied
    inmate_form = InmateForm(request.POST or None, prefix="inmate")
    sentence_form = SentenceForm(request.POST or None, prefix="sentence")
    if request.method == "POST":
        facility = next(
            (f for f in facilities if str(f.pk) == request.POST.get("facility")), facilities[0]
        )
        # The sentence form validates without its inmate.
        if inmate_form.is_valid() and sentence_form.is_valid():
            data = {f: inmate_form.cleaned_data[f] for f in InmateForm.Meta.fields}
            sentence = {f: sentence_form.cleaned_data[f] for f in SentenceForm.Meta.fields}
            try:
                inmate = actions.create_inmate(
                    facility=facility, inmate=data, sentence=sentence, by=request.user
                )
            except ValidationError as exc:
                # Each problem at its field, on the form that has it; others above.
                for name, texts in exc.message_dict.items():
                    form = sentence_form if name in sentence_form.fields else inmate_form
                    for text in texts:
                        form.add_error(name if name in form.fields else None, text)
            else:
                messages.success(request, _("Inmate registered."))
                return redirect(inmate)
    return render(
        request,
        "inmates/inmate_form.html",
        {"inmate_form": inmate_form, "sentence_form": sentence_form, "facilities": facilities},
    )


def _edit(
    request: AuthenticatedHttpRequest,
    pk: int,
    form_class: Any,
    instance_of: Any,
    action: Any,
    title: str,
    perm: str = "inmates.change_inmate",
    delete_url: str = "",
) -> HttpResponse:
    inmate = get_inmate_for_user(request, pk, perm=perm)
    instance = instance_of(inmate)
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data[f] for f in form_class.Meta.fields}
        # The form has already written the new values onto ``instance``: the action
        # works on fresh copies, so that it sees (and audits) what changed.
        fresh = get_inmate_for_user(request, pk, perm=perm)
        try:
            action(fresh, instance_of(fresh) if instance is not None else None, values)
        except ValidationError as exc:
            show_on_form(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("Saved."))
            return redirect(inmate)
    audit.read(request, "inmate.form.view", target=inmate)
    return render(
        request,
        "inmates/record_form.html",
        {"inmate": inmate, "form": form, "title": title, "delete_url": delete_url},
    )


@login_required
def inmate_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _edit(
        request,
        pk,
        InmateForm,
        lambda i: i,
        lambda i, _obj, v: actions.update_inmate(inmate=i, values=v, by=request.user),
        _("Correct identity"),
    )


def _sentence_or_404(inmate: Inmate) -> Any:
    sentence = _sentence_of(inmate)
    if sentence is None:
        raise Http404(_("No sentence is recorded for this person."))
    return sentence


@login_required
def sentence_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _edit(
        request,
        pk,
        SentenceForm,
        _sentence_or_404,
        lambda i, obj, v: actions.update_sentence(sentence=obj, values=v, by=request.user),
        _("Correct sentence"),
    )


@login_required
def remission_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _edit(
        request,
        pk,
        RemissionForm,
        lambda i: None,
        lambda i, _obj, v: actions.add_remission(inmate=i, values=v, by=request.user),
        _("Record remisi"),
    )


@login_required
def disciplinary_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _edit(
        request,
        pk,
        DisciplinaryForm,
        lambda i: None,
        lambda i, _obj, v: actions.record_disciplinary(inmate=i, values=v, by=request.user),
        _("Record Register F entry"),
    )


@login_required
def disciplinary_edit(request: AuthenticatedHttpRequest, pk: int, record_pk: int) -> HttpResponse:
    def instance_of(inmate: Inmate) -> DisciplinaryRecord:
        return get_object_or_404(DisciplinaryRecord, pk=record_pk, inmate=inmate)

    return _edit(
        request,
        pk,
        DisciplinaryForm,
        instance_of,
        lambda i, obj, v: actions.update_disciplinary(record=obj, values=v, by=request.user),
        _("Correct Register F entry"),
    )


@login_required
def detention_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _edit(
        request,
        pk,
        DetentionPeriodForm,
        lambda i: None,
        lambda i, _obj, v: actions.add_detention_period(inmate=i, values=v, by=request.user),
        _("Record detention before the current detention"),
    )


@login_required
def detention_edit(request: AuthenticatedHttpRequest, pk: int, period_pk: int) -> HttpResponse:
    def instance_of(inmate: Inmate) -> DetentionPeriod:
        return get_object_or_404(DetentionPeriod, pk=period_pk, inmate=inmate)

    return _edit(
        request,
        pk,
        DetentionPeriodForm,
        instance_of,
        lambda i, obj, v: actions.update_detention_period(period=obj, values=v, by=request.user),
        _("Correct detention before the current detention"),
        delete_url=reverse("inmates:detention_delete", args=[pk, period_pk]),
    )


@login_required
@require_POST
def detention_delete(request: AuthenticatedHttpRequest, pk: int, period_pk: int) -> HttpResponse:
    inmate = get_inmate_for_user(request, pk, perm="inmates.change_inmate")
    period = get_object_or_404(DetentionPeriod, pk=period_pk, inmate=inmate)
    actions.delete_detention_period(period=period, by=request.user)
    messages.success(request, _("Detention period deleted."))
    return redirect(inmate)


@login_required
def consecutive_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _edit(
        request,
        pk,
        ConsecutiveSentenceForm,
        lambda i: None,
        lambda i, _obj, v: actions.add_consecutive_sentence(inmate=i, values=v, by=request.user),
        _("Record consecutive sentence"),
    )


@login_required
def consecutive_edit(request: AuthenticatedHttpRequest, pk: int, record_pk: int) -> HttpResponse:
    def instance_of(inmate: Inmate) -> ConsecutiveSentence:
        return get_object_or_404(ConsecutiveSentence, pk=record_pk, inmate=inmate)

    return _edit(
        request,
        pk,
        ConsecutiveSentenceForm,
        instance_of,
        lambda i, obj, v: actions.update_consecutive_sentence(
            record=obj, values=v, by=request.user
        ),
        _("Correct consecutive sentence"),
        delete_url=reverse("inmates:consecutive_delete", args=[pk, record_pk]),
    )


@login_required
@require_POST
def consecutive_delete(request: AuthenticatedHttpRequest, pk: int, record_pk: int) -> HttpResponse:
    inmate = get_inmate_for_user(request, pk, perm="inmates.change_inmate")
    record = get_object_or_404(ConsecutiveSentence, pk=record_pk, inmate=inmate)
    actions.delete_consecutive_sentence(record=record, by=request.user)
    messages.success(request, _("Consecutive sentence deleted."))
    return redirect(inmate)


@login_required
def assessment_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def record(inmate: Inmate, _obj: Any, values: dict[str, Any]) -> Any:
        note = values.pop("note", "")
        month = values.pop("month")
        return actions.record_assessment(
            inmate=inmate, month=month, scores=values, note=note, by=request.user
        )

    inmate = get_inmate_for_user(request, pk, perm="inmates.score_inmate")
    form = AssessmentForm(request.POST or None, initial={"month": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            record(inmate, None, dict(form.cleaned_data))
        except ValidationError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Monthly score saved."))
            return redirect(inmate)
    audit.read(request, "inmate.form.view", target=inmate)
    return render(
        request,
        "inmates/record_form.html",
        {"inmate": inmate, "form": form, "title": _("Monthly score (SPPN)")},
    )


@login_required
def status_change(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inmate = get_inmate_for_user(request, pk, perm="inmates.change_inmate")
    form = StatusForm(request.POST or None, initial={"status": inmate.status})
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_status(
                inmate=inmate,
                status=form.cleaned_data["status"],
                on=form.cleaned_data["on"],
                by=request.user,
            )
        except ValidationError as exc:
            show_on_form(form, exc)
        except Conflict as exc:
            form.add_error("status", exc.detail)
        else:
            messages.success(request, _("Status changed."))
            return redirect(inmate)
    audit.read(request, "inmate.form.view", target=inmate)
    return render(
        request,
        "inmates/record_form.html",
        {"inmate": inmate, "form": form, "title": _("Change status")},
    )


def _pipeline_filters(request: AuthenticatedHttpRequest) -> pipeline.Filters:
    if not has_perm(request.user, "inmates.view_inmate"):
        raise Http404
    return pipeline.Filters.from_query(request.GET)


@login_required
def rights_worklist(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The integration-rights pipeline: each person once, with their rights.

    The rows come first: the counts beside the filters (a Kanwil's take ~200 ms on the
    national benchmark) are fetched after the page (``?counts=1`` with htmx: the filters
    alone, with their counts) or, without JavaScript, shown on request (``?counts=1``: the
    whole page with them)."""
    filters = _pipeline_filters(request)
    today = timezone.localdate()
    # The whole country is read one region or one facility at a time (place_needed).
    reach = place_needed(request.user, **filters.place())
    source = pipeline.stage_source()
    with_counts = bool(request.GET.get("counts"))
    if reach is not None:
        counts = pipeline.Facets(not_counted=reach)
    else:
        counts = pipeline.facets(request.user, filters, today, deferred=not with_counts)
    regions, facilities = places_of(request.user, filters.place()["region"])
    without_counts = querystring_without_page(request, "counts")
    context = {
        "filters": filters,
        "counts": counts,
        "counts_max_people": pipeline.COUNTS_MAX_PEOPLE,
        "counts_query": without_counts,
        "rights": [(v, label, counts.right.get(v, 0)) for v, label in Right.choices],
        "states": [
            (v, label, counts.state.get(v, 0)) for v, label in pipeline.EligibilityState.choices
        ],
        "stages": [(v, label, counts.stage.get(v, 0)) for v, label in source.stage_choices()]
        if source
        else [],
        "waitings": [(v, label, counts.waiting.get(v, 0)) for v, label in pipeline.Waiting.choices],
        "sorts": pipeline.Sort.choices,
        "with_stages": source is not None,
        # The import's own rule (an officer or head of a facility): Django's perms in the
        # template said yes to a superuser, whom the import refuses.
        "can_import_sdp": source is not None and has_perm(request.user, "proposals.import_sdp"),
        "export_query": without_counts,
        "regions": regions,
        "facilities": facilities,
    }
    if with_counts and request.htmx:
        # The filters with their counts, for the page that asked for them (no person's
        # data: nothing to audit).
        return render(request, "inmates/rights_worklist.html#counts", context)
    people = pipeline.pipeline(request.user, filters, today)
    # (the counts may know how many people the list shows: no count of the page's own)
    page = paginate(request, people.none() if reach is not None else people, count=counts.shown)
    audit.read_list(request, "inmate.rights.list", count=page.paginator.count)
    context |= {
        "page": page,
        "rows": pipeline.rows(list(page.object_list), today, request.user),
        "today": today,
        "querystring": querystring_without_page(request),
        "show_facility": scope_of(request.user).is_admin or bool(scope_of(request.user).region_ids),
        "place_needed": None if reach is None else place_message(reach),
    }
    return render(request, "inmates/rights_worklist.html", context)


@login_required
def rights_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The pipeline as the page filters it, every row, as an XLSX file."""
    filters = _pipeline_filters(request)
    today = timezone.localdate()
    people = pipeline.pipeline(request.user, filters, today)
    back = reverse("inmates:rights") + "?" + querystring_without_page(request)
    reach = place_needed(request.user, **filters.place())
    if reach is not None:
        messages.error(request, place_message(reach))
        return redirect(back)
    count = people.count()
    if refused := refuse_if_too_many(request, count, back):
        return refused
    content = pipeline_export.build(people, today, request.user)
    audit.read_list(request, "inmate.rights.list", count=count, details={"format": "xlsx"})
    response = HttpResponse(content, content_type=pipeline_export.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="hak-integrasi-{today.isoformat()}.xlsx"'
    )
    return response


@login_required
@require_POST
def wali_bulk(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Name one wali for the people ticked in the inmate list, in one step."""
    writable = list(Facility.objects.writable_by(request.user).values_list("pk", flat=True))
    if not writable:
        raise PermissionDenied
    form = BulkWaliForm(
        request.POST,
        people=Inmate.objects.for_user(request.user).select_related("facility"),
        guardians=guardians_of_facilities(writable),
    )
    back = request.POST.get("next", "")
    if not back.startswith(reverse("inmates:list")):
        back = reverse("inmates:list")
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, str(text))
        return redirect(back)
    try:
        changed = actions.assign_wali_to_many(
            inmates=list(form.cleaned_data["people"]),
            wali=form.cleaned_data["wali"],
            by=request.user,
        )
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(
            request,
            ngettext(
                "The wali of %(n)s person changed.", "The wali of %(n)s people changed.", changed
            )
            % {"n": changed},
        )
    return redirect(back)


@login_required
def wali_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    inmate = get_inmate_for_user(request, pk, perm="inmates.change_inmate")
    form = WaliForm(
        request.POST or None,
        initial={"wali": inmate.wali_id},
        guardians=guardians_of(inmate.facility_id),
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.assign_wali(inmate=inmate, wali=form.cleaned_data["wali"], by=request.user)
        except ValidationError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(inmate)
    audit.read(request, "inmate.form.view", target=inmate)
    return render(
        request,
        "inmates/record_form.html",
        {"inmate": inmate, "form": form, "title": _("Wali (guardian officer)")},
    )


# --- import ---------------------------------------------------------------------------


def _import_facility(request: AuthenticatedHttpRequest) -> list[Facility]:
    facilities = [
        f
        for f in Facility.objects.writable_by(request.user)
        if has_perm(request.user, "inmates.import_inmates", f)
    ]
    if not facilities:
        raise PermissionDenied
    return facilities


@login_required
def import_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    facilities = _import_facility(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        facility = next(
            (f for f in facilities if str(f.pk) == request.POST.get("facility")), facilities[0]
        )
        upload = form.cleaned_data["file"]
        try:
            batch = importer.start_import(
                facility=facility,
                upload=upload,
                filename=upload.name,
                by=request.user,
                dry_run=form.cleaned_data["dry_run"],
                encoding=form.cleaned_data["encoding"],
                full_export=form.cleaned_data["full_export"],
            )
        except parsing.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect(batch)
    importer.mark_interrupted(facilities=facilities)
    batches = ImportBatch.objects.filter(facility__in=facilities).select_related(
        "facility", "uploaded_by"
    )[:20]
    return render(
        request,
        "inmates/import_start.html",
        {
            "form": form,
            "facilities": facilities,
            "batches": batches,
            "max_mb": settings.SINERGI_IMPORT_MAX_MB,
        },
    )


def _batch_for(request: AuthenticatedHttpRequest, pk: int) -> ImportBatch:
    facilities = _import_facility(request)
    return get_object_or_404(
        ImportBatch.objects.select_related("facility", "uploaded_by"),
        pk=pk,
        facility__in=facilities,
    )


@login_required
def import_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _batch_for(request, pk)
    if batch.status == ImportStatus.RUNNING and importer.mark_interrupted(
        facilities=[batch.facility_id]
    ):
        batch.refresh_from_db()
    form = None
    preview: list[list[Any]] = []
    if batch.status == ImportStatus.MAPPING:
        rows = importer.first_rows(batch, column_guess.SAMPLE_ROWS)
        preview = rows[:PREVIEW_ROWS]
        form = ColumnMappingForm(
            request.POST or None,
            headers=batch.headers,
            initial_mapping=batch.mapping,
            suggested=importer.suggested_mapping(batch, rows),
        )
        if request.method == "POST" and form.is_valid():
            try:
                actions.set_import_mapping(batch=batch, mapping=form.mapping(), by=request.user)
            except ValidationError as exc:
                show_on_form(form, exc)
            except Conflict as exc:
                form.add_error(None, exc.detail)
            else:
                return redirect(batch)
    context = {
        "batch": batch,
        "form": form,
        "errors": batch.errors[:200],
        "problem_count": sum(1 for e in batch.errors if not e.get("warning")),
        "overdue": [e for e in batch.errors[:200] if "days" in e],
        "row_warnings": _linked(
            batch, [e for e in batch.errors[:200] if e.get("warning") and "days" not in e]
        ),
        "preview": _mapping_preview(form, preview) if form is not None else None,
    }
    if request.htmx:
        return render(request, "inmates/import_detail.html#status", context)
    if batch.absent or batch.errors or preview:  # people named: a read of personal data
        audit.read(request, "import.view", target=batch)
    return render(request, "inmates/import_detail.html", context)


PREVIEW_ROWS = 5


def _linked(batch: ImportBatch, warnings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows imported with a warning, each with its person's id once written (one
    query), so that the page links to the record to correct."""
    if not warnings or batch.dry_run or batch.status != ImportStatus.DONE:
        return warnings
    ids = dict(
        Inmate.objects.filter(
            facility_id=batch.facility_id,
            registration_number__in={w.get("registration_number", "") for w in warnings},
        ).values_list("registration_number", "pk")
    )
    return [{**w, "inmate": ids.get(w.get("registration_number", ""))} for w in warnings]


def _mapping_preview(form: ColumnMappingForm, rows: list[list[Any]]) -> dict[str, Any]:
    """The first rows of the file under its headers, each column with the field it is
    mapped to (by its header or suggested by its values; as the user chose, after a
    refused choice)."""
    chosen: dict[int, str] = {}
    for name, field in form.fields.items():
        value = form.data.get(name) if form.is_bound else field.initial
        if value not in ("", None) and str(value).isdigit():
            chosen.setdefault(int(str(value)), str(field.label))
    columns = [
        {"header": header, "field": chosen.get(index, "")}
        for index, header in enumerate(form.headers)
    ]
    return {"columns": columns, "rows": [[parsing.cell_text(v) for v in row] for row in rows]}


@login_required
def import_errors_csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _batch_for(request, pk)
    response = HttpResponse(
        parsing.errors_to_csv([parsing.error_from_dict(e) for e in batch.errors]),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-errors.csv"'
    return response


@login_required
@require_POST
def import_checked(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _batch_for(request, pk)
    try:
        imported = actions.import_checked(batch=batch, by=request.user)
    except Conflict as exc:
        messages.error(request, exc.detail)
        return redirect(batch)
    return redirect(imported)


@login_required
@require_POST
def import_retry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _batch_for(request, pk)
    try:
        actions.retry_import(batch=batch, by=request.user)
    except Conflict as exc:
        messages.error(request, exc.detail)
    return redirect(batch)


# --- recalculation reports ------------------------------------------------------------


def _require_recalculation_reader(request: AuthenticatedHttpRequest) -> None:
    if not has_perm(request.user, "inmates.view_recalculation"):
        raise Http404


def _totals_within(facilities: Any, field: str) -> Any:
    """A run's ``field`` summed over ``facilities`` (the reader's), as a subquery."""
    return Coalesce(
        Subquery(
            facilities.filter(recalculation=OuterRef("pk"))
            .order_by()
            .values("recalculation")
            .annotate(total=Sum(field))
            .values("total")
        ),
        0,
    )


@login_required
def recalculation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The runs of ``recalculate_sentences`` that recalculated a facility the user reaches,
    with their totals within it (figures only: no person is named here)."""
    _require_recalculation_reader(request)
    facilities = SentenceRecalculationFacility.objects.for_user(request.user)
    runs = (
        SentenceRecalculation.objects.for_user(request.user)
        .select_related("limited_to")
        .annotate(
            people_checked=_totals_within(facilities, "inmates_checked"),
            people_moved=_totals_within(facilities, "inmates_changed"),
        )
        .order_by("-created_at", "-id")
    )
    page = paginate(request, runs)
    return render(
        request,
        "inmates/recalculation_list.html",
        {"page": page, "querystring": querystring_without_page(request)},
    )


@login_required
def recalculation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One run: per facility the user reaches, how many people's dates moved, and each
    changed value of each person (a read of person-level data, audited)."""
    _require_recalculation_reader(request)
    report = get_object_or_404(
        SentenceRecalculation.objects.for_user(request.user).select_related("limited_to"),
        pk=pk,
    )
    totals = list(
        SentenceRecalculationFacility.objects.for_user(request.user)
        .filter(recalculation=report)
        .select_related("facility")
        .order_by("facility__name", "facility_id")
    )
    shown = {t.facility_id: t.facility for t in totals}
    wanted = request.GET.get("facility", "")
    changes = (
        SentenceRecalculationChange.objects.for_user(request.user)
        .filter(recalculation=report)
        .select_related("inmate", "facility")
        .order_by("facility__name", "inmate__name", "inmate_id", "right", "id")
    )
    if wanted:
        changes = changes.filter(facility__code=wanted)
    page = paginate(request, changes)
    audit.read(
        request,
        "recalculation.view",
        target=report,
        facility=next(iter(shown)) if len(shown) == 1 else None,
        details={"query": request.GET.urlencode()[:1000], "count": page.paginator.count},
    )
    context = {
        "report": report,
        "totals": totals,
        "people_checked": sum(t.inmates_checked for t in totals),
        "people_moved": sum(t.inmates_changed for t in totals),
        "facility": wanted,
        "page": page,
        "querystring": querystring_without_page(request),
        "show_facility": len(totals) > 1,
    }
    return render(request, "inmates/recalculation_detail.html", context)
