from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sinergi.accounts.http import AuthenticatedHttpRequest
from sinergi.cooperation import actions, contributions, health
from sinergi.cooperation.choices import (
    ActionStatus,
    AgreementStatus,
    AssetCondition,
    RequestKind,
    RequestStatus,
)
from sinergi.cooperation.forms import (
    MORE_ROWS,
    AgreementForm,
    CommentForm,
    CommitmentForm,
    CommitmentFormSet,
    FulfilmentForm,
    MeetingAttachmentForm,
    MeetingForm,
    SupportRequestForm,
    action_item_field,
    action_item_formset,
    request_move_form,
)
from sinergi.cooperation.models import (
    ActionItem,
    Agreement,
    Commitment,
    Fulfilment,
    Meeting,
    MeetingAttachment,
    SupportRequest,
)
from sinergi.core import audit
from sinergi.core.errors import Conflict
from sinergi.core.forms import error_summary
from sinergi.core.pagination import paginate, querystring_without_page
from sinergi.core.permissions import has_perm
from sinergi.core.roles import STAFF_ROLES
from sinergi.core.scoping import scope_of
from sinergi.core.view_helpers import refuse, show_on_form
from sinergi.core.workflow import Move, MoveForm, awaited, split
from sinergi.orgs.models import Facility, Partner
from sinergi.programs.choices import AttendanceStatus
from sinergi.programs.models import Program


def get_request_for_user(request: AuthenticatedHttpRequest, pk: int) -> SupportRequest:
    return get_object_or_404(
        SupportRequest.objects.for_user(request.user).select_related(
            "facility", "partner", "program", "agreement", "created_by"
        ),
        pk=pk,
    )


@login_required
def request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not scope_of(request.user).roles:
        raise Http404
    requests = SupportRequest.objects.for_user(request.user).select_related("facility", "partner")
    status = request.GET.get("status", "")
    if status in RequestStatus.values:
        requests = requests.filter(status=status)
    return render(
        request,
        "cooperation/request_list.html",
        {
            "page": paginate(request, requests.order_by("-updated_at", "-id")),
            "status": status,
            "statuses": RequestStatus.choices,
            "querystring": querystring_without_page(request),
            "can_create": Facility.objects.writable_by(request.user).exists(),
        },
    )


@login_required
def request_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    facilities = list(Facility.objects.writable_by(request.user))
    if not facilities:
        raise PermissionDenied
    facility = facilities[0]
    form = SupportRequestForm(request.POST or None, facility=facility)
    if request.method == "POST" and form.is_valid():
        try:
            created = actions.create_request(
                facility=facility, values=form.cleaned_data, by=request.user
            )
        except ValidationError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Request saved as a draft; the head submits it."))
            return redirect(created)
    return render(request, "cooperation/request_form.html", {"form": form})


def _move_forms(support: SupportRequest, sides: frozenset[str]) -> dict[str, list[Any]]:
    """The forms of the moves the reader may make: the main ones, and apart the
    destructive ones (each confirmed)."""
    main, destructive = split(
        actions.REQUEST_MOVES, support.status, sides, lambda move: request_move_form(move)
    )
    waiting = awaited(actions.REQUEST_MOVES, support.status, sides, actions.SIDE_NAMES)
    return {"moves": main, "destructive_moves": destructive, "awaited": waiting}


@login_required
def request_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    support = get_request_for_user(request, pk)
    user = request.user
    sides = actions.sides(user, support)
    can_fulfil = bool(sides & {actions.PARTNER, actions.OFFICER}) and support.status in (
        RequestStatus.ACCEPTED,
        RequestStatus.PARTIALLY_ACCEPTED,
        RequestStatus.IN_DELIVERY,
        RequestStatus.FULFILLED,
    )
    fulfil_form = FulfilmentForm(request_obj=support) if can_fulfil else None
    return render(
        request,
        "cooperation/request_detail.html",
        {
            "support": support,
            **_move_forms(support, sides),
            "events": support.events.select_related("author"),
            "fulfilments": support.fulfilments.prefetch_related("sessions"),
            "comment_form": CommentForm() if sides else None,
            "fulfil_form": fulfil_form,
        },
    )


@login_required
@require_POST
def request_transition(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    support = get_request_for_user(request, pk)
    move = next(
        (m for m in actions.moves(support, request.user) if m.to == request.POST.get("to")), None
    )
    form = request_move_form(move, request.POST) if move else None
    if form is not None and not form.is_valid():
        for text in form.problems():
            messages.error(request, text)
        return redirect(support)
    values = form.values() if form is not None else {}
    try:
        actions.transition_request(
            request=support,
            to=request.POST.get("to", ""),
            note=values.get("note") or "",
            accepted_quantity=values.get("accepted_quantity"),
            by=request.user,
        )
    except Conflict as exc:
        refuse(request, exc)
    else:
        support.refresh_from_db(fields=["status"])
        messages.success(
            request,
            _("The request is now “%(status)s”.") % {"status": support.get_status_display()},
        )
    return redirect(support)


@login_required
@require_POST
def request_comment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    support = get_request_for_user(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            actions.comment(request=support, text=form.cleaned_data["text"], by=request.user)
        except Conflict as exc:
            refuse(request, exc)
    return redirect(support.get_absolute_url() + "#thread")


@login_required
def request_fulfil(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    support = get_request_for_user(request, pk)
    form = FulfilmentForm(request.POST or None, request.FILES or None, request_obj=support)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        sessions = data.pop("sessions", [])
        location = data.pop("asset_location", "")
        condition = data.pop("asset_condition", "") or AssetCondition.GOOD
        asset = None
        if support.kind == RequestKind.EQUIPMENT and location:
            asset = {
                "item": data["description"],
                "quantity": data["quantity"],
                "unit": data["unit"],
                "location": location,
                "condition": condition,
            }
        try:
            actions.record_fulfilment(
                request=support, values=data, sessions=sessions, asset=asset, by=request.user
            )
        except Conflict as exc:
            form.add_error(None, exc.detail)
        except ValidationError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Delivery recorded."))
            return redirect(support)
    return render(request, "cooperation/fulfil_form.html", {"support": support, "form": form})


@login_required
def agreement_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not scope_of(request.user).roles:
        raise Http404
    agreements = (
        Agreement.objects.for_user(request.user)
        .select_related("facility", "region")
        .prefetch_related("partners")
    )
    return render(
        request,
        "cooperation/agreement_list.html",
        {
            "page": paginate(request, agreements.order_by("-start_date", "id")),
            "querystring": querystring_without_page(request),
            "can_create": Facility.objects.writable_by(request.user).exists(),
        },
    )


def get_agreement_for_user(
    request: AuthenticatedHttpRequest, pk: int, *, write: bool = False
) -> Agreement:
    """The agreement if the user sees it (404 otherwise); with ``write``, 403 unless the
    user may also change it."""
    agreement = get_object_or_404(
        Agreement.objects.for_user(request.user).select_related("facility", "region", "parent"),
        pk=pk,
    )
    if write and not has_perm(request.user, "cooperation.change_agreement", agreement):
        raise PermissionDenied
    return agreement


@login_required
def agreement_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement_for_user(request, pk)
    # Its progress is its own commitments' and those of the agreements under it (that
    # the user may see), as its health counts them.
    family = health.agreement_families([agreement])[agreement.pk]
    visible = Agreement.objects.for_user(request.user).filter(pk__in=family).values("pk")
    commitments = health.commitments_with_progress(
        Commitment.objects.filter(agreement__in=visible)
        .select_related("partner", "agreement")
        .order_by("agreement__start_date", "agreement_id", "due_date", "pk")
    )
    return render(
        request,
        "cooperation/agreement_detail.html",
        {
            "agreement": agreement,
            "commitments": commitments,
            "health": health.agreement_health(agreement),
            "can_edit": has_perm(request.user, "cooperation.change_agreement", agreement),
            "can_approve": agreement.status == AgreementStatus.DRAFT
            and has_perm(request.user, "cooperation.approve_agreement", agreement),
            # The framework agreement, linked if the user may open it, and the agreements
            # under this one that the user may see.
            "parent_visible": agreement.parent_id is not None
            and Agreement.objects.for_user(request.user).filter(pk=agreement.parent_id).exists(),
            "under": Agreement.objects.for_user(request.user)
            .filter(parent=agreement)
            .order_by("start_date", "title"),
        },
    )


@login_required
@require_POST
def agreement_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The head approves a draft agreement (the button on its page)."""
    agreement = get_agreement_for_user(request, pk)
    try:
        approved = actions.approve_agreement(agreement=agreement, by=request.user)
    except Conflict as exc:
        refuse(request, exc)
    else:
        messages.success(
            request,
            _("Agreement approved: it is in force from %(start)s.")
            % {"start": date_format(approved.start_date, "DATE_FORMAT")},
        )
    return redirect(agreement)


def _agreement_form(
    request: AuthenticatedHttpRequest, agreement: Agreement, facilities: list[Facility]
) -> HttpResponse:
    """The agreement form with its commitments, for a new ``agreement`` (unsaved, of the
    first facility unless the user picks another) or an existing one."""
    title = agreement.title  # before the form writes what was typed onto ``agreement``
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = AgreementForm(data, files, instance=agreement, user=request.user, facilities=facilities)
    items = CommitmentFormSet(data, instance=agreement, prefix="commitment", agreement_form=form)
    if request.method == "POST" and all([form.is_valid(), items.is_valid()]):  # both shown
        values = {k: v for k, v in form.cleaned_data.items() if k not in ("facility", "partners")}
        if values.get("document") is None:  # nothing uploaded: the stored document stays
            values.pop("document", None)
        elif values["document"] is False:  # "clear" ticked
            values["document"] = ""
        kept = [f for f in items.forms if f.cleaned_data and f not in items.deleted_forms]
        try:
            saved = actions.save_agreement(
                agreement=agreement if agreement.pk else None,
                facility=agreement.facility,
                values=values,
                partners=form.cleaned_data["partners"],
                commitments=[
                    {
                        "id": f.instance.pk,
                        **{k: f.cleaned_data[k] for k in CommitmentForm.Meta.fields},
                    }
                    for f in kept
                ],
                removed=[f.instance.pk for f in items.deleted_forms if f.instance.pk],
                by=request.user,
            )
        except Conflict as exc:
            form.add_error(None, exc.detail)
        except ValidationError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Agreement saved."))
            return redirect(saved)
    return render(
        request,
        "cooperation/agreement_form.html",
        {
            "form": form,
            "commitment_forms": items,
            "error_summary": (
                error_summary(form, items, _("Commitment %(n)s")) if form.is_bound else []
            ),
            "agreement": agreement if agreement.pk else None,
            "title": title,
        },
    )


@login_required
def agreement_document(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The signed document of an agreement, for those who see the agreement."""
    agreement = get_agreement_for_user(request, pk)
    if not agreement.document:
        raise Http404
    try:
        document = agreement.document.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        document,
        as_attachment=False,
        filename=agreement.document.name.rsplit("/", 1)[-1],
        content_type="application/pdf",
    )


@login_required
def agreement_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    facilities = list(Facility.objects.writable_by(request.user))
    if not facilities:
        raise PermissionDenied
    return _agreement_form(request, Agreement(facility=facilities[0]), facilities)


@login_required
def agreement_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement_for_user(request, pk, write=True)
    return _agreement_form(request, agreement, [])


@login_required
def meeting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    if not scope.roles:
        raise Http404
    meetings = (
        Meeting.objects.for_user(request.user)
        .select_related("facility")
        .annotate(
            open_actions=Count(
                "actions", filter=Q(actions__status=ActionStatus.OPEN), distinct=True
            )
        )
    )
    return render(
        request,
        "cooperation/meeting_list.html",
        {
            "page": paginate(request, meetings.order_by("-date", "id")),
            "querystring": querystring_without_page(request),
            # The button only for those who may record one (meeting_create's rule).
            "can_create": Facility.objects.writable_by(request.user).exists(),
        },
    )


@login_required
def meeting_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _meeting_page(request, get_meeting_for_user(request, pk))


def _meeting_page(
    request: AuthenticatedHttpRequest,
    meeting: Meeting,
    *,
    attach_form: MeetingAttachmentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_change = has_perm(request.user, "cooperation.change_meeting", meeting)
    items = list(
        meeting.actions.select_related("meeting", "owner_partner", "owner_facility", "owner_user")
    )
    return render(
        request,
        "cooperation/meeting_detail.html",
        {
            "meeting": meeting,
            # each item with the forms of the moves the reader may make on it
            "actions": [
                (
                    a,
                    *(
                        _item_forms(a)
                        if a.status == ActionStatus.OPEN
                        and actions.may_close_action_item(request.user, a)
                        else ([], [])
                    ),
                )
                for a in items
            ],
            "partners": meeting.partners.all(),
            "people": meeting.attendees.order_by("first_name", "last_name", "username"),
            "guest_facilities": meeting.guest_facilities.all(),
            "attachments": meeting.attachments.all(),
            "can_change": can_change,
            "attach_form": attach_form or (MeetingAttachmentForm() if can_change else None),
            # who changed the record when (the first entry is its recording)
            "history": meeting.history.select_related("history_user").order_by("-history_date")[
                :10
            ],
        },
        status=status,
    )


def _item_form(item: ActionItem, move: Move, data: Any = None) -> MoveForm:
    return MoveForm(move, action_item_field, data, prefix=f"{move.to}-{item.pk}")


def _item_forms(item: ActionItem) -> tuple[list[MoveForm], list[MoveForm]]:
    """The owner's moves on an open action item: done, and apart dropping it (confirmed)."""
    return split(
        actions.ACTION_ITEM_MOVES, item.status, {actions.OWNER}, lambda m: _item_form(item, m)
    )


@login_required
@require_POST
def action_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        ActionItem.objects.for_user(request.user).select_related("meeting"), pk=pk
    )
    status = request.POST.get("status", "")
    move = actions.ACTION_ITEM_MOVES.get((item.status, status))
    form = _item_form(item, move, request.POST) if move else None
    if form is not None and not form.is_valid():
        for text in form.problems():
            messages.error(request, text)
        return redirect(item.meeting)
    try:  # the action refuses (403) anyone but the item's owner
        actions.close_action_item(
            item=item,
            status=status,
            reason=(form.values().get("reason") if form else "") or "",
            by=request.user,
        )
    except Conflict as exc:
        refuse(request, exc)
    return redirect(item.meeting)


def _deliveries_seen_by(request: AuthenticatedHttpRequest, partner: Partner) -> Q:
    """Which of ``partner``'s deliveries the user may read one by one (what was delivered,
    to whom): all of them for the partner's own people and administrators; for facility
    staff, those to their facilities (through a request or an agreement of theirs) and
    under a region-level agreement of their region; for regional viewers, those to their
    region. Figures over all deliveries are not limited by it."""
    scope = scope_of(request.user)
    if scope.is_admin or partner.pk in scope.partner_ids():
        return Q()
    facilities = scope.facility_ids(*STAFF_ROLES)
    regions = set(scope.region_ids) | set(
        Facility.objects.filter(pk__in=facilities).values_list("region_id", flat=True)
    )
    return (
        Q(request__facility_id__in=facilities)
        | Q(request__facility__region_id__in=scope.region_ids)
        | Q(commitment__agreement__facility_id__in=facilities)
        | Q(commitment__agreement__facility__region_id__in=scope.region_ids)
        | Q(
            commitment__agreement__facility__isnull=True,
            commitment__agreement__region_id__in=regions,
        )
    )


@login_required
def contribution(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """What a partner organisation contributed, to show its own superiors: each figure
    from its one definition (``contributions``), with how it is counted and a link to
    the records it counts."""
    partner = get_object_or_404(Partner.objects.for_user(request.user), code=code)
    fulfilments = Fulfilment.objects.filter(partner=partner)
    seen = _deliveries_seen_by(request, partner)
    totals = fulfilments.aggregate(value=Sum("value_rupiah"), deliveries=Count("pk"))
    return render(
        request,
        "cooperation/contribution.html",
        {
            "partner": partner,
            "totals": totals,
            "instructor_hours": fulfilments.filter(request__kind=RequestKind.INSTRUCTOR).aggregate(
                h=Sum("quantity")
            )["h"]
            or 0,
            "places": fulfilments.filter(request__kind=RequestKind.TRAINING_PLACES).aggregate(
                p=Sum("quantity")
            )["p"]
            or 0,
            "equipment_value": fulfilments.filter(request__kind=RequestKind.EQUIPMENT).aggregate(
                v=Sum("value_rupiah")
            )["v"]
            or 0,
            "figures": contributions.figures(partner),
            "definitions": [(str(n), str(d)) for n, d in contributions.RECORDS.values()],
            "health": health.partner_health(partner),
            # Another facility's staff read only what was delivered to theirs.
            "recent": fulfilments.filter(seen).select_related("request")[:10],
            "recent_limited": bool(seen),
        },
    )


def _programs_seen_by(request: AuthenticatedHttpRequest, partner: Partner) -> Q:
    """Which programs' records behind ``partner``'s figures the user may list: all of
    them for the partner's own people and administrators (without names, unless the user
    also sees the program's participants); for facility staff, their facilities';
    for regional viewers, their region's."""
    scope = scope_of(request.user)
    if scope.is_admin or partner.pk in scope.partner_ids():
        return Q()
    return Q(facility_id__in=scope.facility_ids(*STAFF_ROLES)) | Q(
        facility__region_id__in=scope.region_ids
    )


@login_required
def contribution_records(
    request: AuthenticatedHttpRequest, code: str, records: str
) -> HttpResponse:
    """The records one figure of a partner's contribution page counts: the enrolments
    ("people"), the sessions taught ("sessions", also behind the hours followed) or the
    certificates. Names of participants only for those who see the program's
    participants (the facility's staff), and that read is audited."""
    partner = get_object_or_404(Partner.objects.for_user(request.user), code=code)
    if records not in contributions.RECORD_LISTS:
        raise Http404
    programs = contributions.delivered_programs(partner).filter(_programs_seen_by(request, partner))
    rows: Any
    if records == "people":
        rows = (
            contributions.trained_enrollments(partner)
            .filter(program__in=programs.values("pk"))
            .select_related("program__facility", "inmate", "certificate")
            .annotate(attended=Sum("attendance__hours"))
            .order_by("-program__start_date", "program_id", "inmate__name", "pk")
        )
    elif records == "sessions":
        rows = (
            contributions.taught_sessions(partner)
            .filter(program__in=programs.values("pk"))
            .select_related("program__facility", "instructor")
            .annotate(
                present=Count("attendance", filter=Q(attendance__status=AttendanceStatus.PRESENT)),
                attended=Sum("attendance__hours"),
            )
            .order_by("-date", "-start_time", "pk")
        )
    else:
        rows = (
            contributions.partner_certificates(partner)
            .filter(enrollment__program__in=programs.values("pk"))
            .select_related("enrollment__program__facility")
            .order_by("-issued_on", "code")
        )
    page = paginate(request, rows)
    program_ids = {
        (r.enrollment.program_id if records == "certificates" else r.program_id)
        for r in page.object_list
    }
    named = set(
        Program.objects.with_participants_for(request.user)
        .filter(pk__in=program_ids)
        .values_list("pk", flat=True)
    )
    if named and records != "sessions":
        audit.read_list(
            request,
            "program.participants.list",
            count=page.paginator.count,
            details={"partner": partner.code, "records": records},
        )
    name, definition = contributions.RECORDS[records]
    return render(
        request,
        "cooperation/contribution_records.html",
        {
            "partner": partner,
            "records": records,
            "name": name,
            "definition": definition,
            "page": page,
            "named": named,
            "limited": bool(_programs_seen_by(request, partner)),
            "querystring": querystring_without_page(request),
        },
    )


@login_required
def evidence(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The evidence file of a delivery, for those who can see its request."""
    fulfilment = get_object_or_404(Fulfilment.objects.for_user(request.user), pk=pk)
    if not fulfilment.evidence:
        raise Http404
    return FileResponse(
        fulfilment.evidence.open("rb"),
        as_attachment=False,
        filename=fulfilment.evidence.name.rsplit("/", 1)[-1],
    )


@login_required
def meeting_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    from sinergi.cooperation.forms import ActionItemFormSet

    facilities = list(Facility.objects.writable_by(request.user))
    if not facilities:
        raise PermissionDenied
    facility = facilities[0]
    form = MeetingForm(request.POST or None, facility=facility)
    held_on = None
    if form.is_bound:
        form.is_valid()  # the date, when valid, even if another field is not
        held_on = form.cleaned_data.get("date")
    items = ActionItemFormSet(
        request.POST or None,
        prefix="action",
        form_kwargs={"partners": list(Partner.objects.serving(facility)), "meeting_date": held_on},
    )
    if request.method == "POST" and form.is_valid() and items.is_valid():
        try:
            meeting = actions.record_meeting(
                facility=facility,
                values=form.values(),
                **form.m2m(),
                actions_=[f.cleaned_data for f in items.forms if f.cleaned_data.get("title")],
                by=request.user,
            )
        except ValidationError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Meeting recorded."))
            return redirect(meeting)
    summary = error_summary(form, items, _("Action item %(n)s")) if form.is_bound else []
    return render(
        request,
        "cooperation/meeting_form.html",
        {"form": form, "items": items, "error_summary": summary},
    )


def _rows(request: AuthenticatedHttpRequest) -> int:
    """How many empty action-item rows the edit page shows (``?rows=``, five more each
    time the user asks for more)."""
    try:
        return int(request.GET.get("rows", MORE_ROWS))
    except ValueError:
        return MORE_ROWS


def get_meeting_for_user(
    request: AuthenticatedHttpRequest, pk: int, *, write: bool = False
) -> Meeting:
    """The meeting if the user sees it (else 404); with ``write``, if they may change it
    (else 403)."""
    meeting = get_object_or_404(
        Meeting.objects.for_user(request.user).select_related("facility"), pk=pk
    )
    if write and not has_perm(request.user, "cooperation.change_meeting", meeting):
        raise PermissionDenied
    return meeting


@login_required
def meeting_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Correct or complete a recorded meeting: its record (kept in its history), who
    attended, and more action items."""
    meeting = get_meeting_for_user(request, pk, write=True)
    form = MeetingForm(request.POST or None, instance=meeting, facility=meeting.facility)
    held_on = meeting.date
    if form.is_bound and form.is_valid():
        held_on = form.cleaned_data["date"]
    rows = _rows(request)
    items = action_item_formset(rows)(
        request.POST or None,
        prefix="action",
        form_kwargs={
            "partners": list(Partner.objects.serving(meeting.facility)),
            "meeting_date": held_on,
        },
    )
    if request.method == "POST" and form.is_valid() and items.is_valid():
        try:
            actions.update_meeting(
                meeting=Meeting.objects.get(pk=meeting.pk),  # not the form's edited copy
                values=form.values(),
                **form.m2m(),
                actions_=[f.cleaned_data for f in items.forms if f.cleaned_data.get("title")],
                by=request.user,
            )
        except ValidationError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Meeting updated."))
            return redirect(meeting)
    summary = error_summary(form, items, _("Action item %(n)s")) if form.is_bound else []
    return render(
        request,
        "cooperation/meeting_form.html",
        {
            "form": form,
            "items": items,
            "error_summary": summary,
            "meeting": meeting,
            "more_rows": rows + MORE_ROWS,
            "agreed": meeting.actions.count(),
        },
    )


@login_required
@require_POST
def meeting_attach(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Attach a document to a meeting (the form on its page)."""
    meeting = get_meeting_for_user(request, pk, write=True)
    form = MeetingAttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.attach_to_meeting(
                meeting=meeting,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                by=request.user,
            )
        except ValidationError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("Document attached."))
            return redirect(meeting)
    return _meeting_page(request, meeting, attach_form=form, status=400)


@login_required
def meeting_attachment(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A meeting's document, for those who see the meeting; each opening is audited."""
    attachment = get_object_or_404(
        MeetingAttachment.objects.filter(
            meeting__in=Meeting.objects.for_user(request.user)
        ).select_related("meeting"),
        pk=pk,
    )
    try:
        document = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    audit.read(
        request,
        "meeting.attachment.view",
        target=attachment.meeting,
        facility=attachment.meeting.facility_id,
        details={"attachment": attachment.pk, "file": attachment.filename},
    )
    return FileResponse(document, as_attachment=False, filename=attachment.filename)
