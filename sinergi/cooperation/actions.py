"""Writes on cooperation records: atomic, attributed (``by=``), audited.

The support-request workflow is the table ``REQUEST_MOVES``: which status may follow
which, the verb of each move, and which side may make it (the facility's officers or
head, or the partner's users). A move that the workflow or the caller's role does not
allow is a :class:`RequestConflict` (409) that names, by their verbs, the moves the
caller may make (and lists their target statuses' codes).
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from sinergi.accounts.models import User
from sinergi.accounts.notify import Text, notify
from sinergi.accounts.recipients import facility_heads
from sinergi.cooperation.choices import (
    SETTABLE_STATUSES,
    ActionStatus,
    AgreementKind,
    AgreementStatus,
    RequestKind,
    RequestStatus,
)
from sinergi.cooperation.models import (
    ActionItem,
    Agreement,
    Asset,
    Commitment,
    Fulfilment,
    RequestEvent,
    SupportRequest,
)
from sinergi.cooperation.queries import facility_staff, meeting_attendee_choices, partner_users
from sinergi.core import audit
from sinergi.core.errors import Conflict
from sinergi.core.permissions import has_perm, require_perm
from sinergi.core.workflow import Move, moves_from, sides_table, verbs
from sinergi.orgs.models import Facility, Partner

R = RequestStatus
HEAD = "facility_head"
OFFICER = "facility_officer"
PARTNER = "partner"

_NOTE = ("note",)
_CLOSE = gettext_lazy("Close the request")
# The partner's answers, from a request just sent or under review.
_ACCEPT = Move(R.ACCEPTED, gettext_lazy("Accept in full"), frozenset({PARTNER}), fields=_NOTE)
_ACCEPT_PART = Move(
    R.PARTIALLY_ACCEPTED,
    gettext_lazy("Accept in part"),
    frozenset({PARTNER}),
    fields=("accepted_quantity", "note"),
    required=frozenset({"accepted_quantity", "note"}),
)
_DECLINE = Move(
    R.DECLINED,
    gettext_lazy("Decline with a reason"),
    frozenset({PARTNER}),
    destructive=True,
    fields=_NOTE,
    required=frozenset({"note"}),
)
_DELIVER = Move(R.IN_DELIVERY, gettext_lazy("Start delivering"), frozenset({PARTNER}))

# (from, to) -> the move: its verb, the sides that may make it, whether it is destructive
# (shown apart and confirmed on the page) and the fields it asks for.
REQUEST_MOVES: dict[tuple[str, str], Move] = {
    # The head approves a draft before it leaves.
    (R.DRAFT, R.SUBMITTED): Move(
        R.SUBMITTED, gettext_lazy("Send to the partner"), frozenset({HEAD})
    ),
    (R.DRAFT, R.CLOSED): Move(
        R.CLOSED,
        gettext_lazy("Discard the draft"),
        frozenset({OFFICER, HEAD}),
        destructive=True,
        fields=_NOTE,
    ),
    (R.SUBMITTED, R.ACKNOWLEDGED): Move(
        R.ACKNOWLEDGED, gettext_lazy("Start the review"), frozenset({PARTNER})
    ),
    (R.SUBMITTED, R.ACCEPTED): _ACCEPT,
    (R.SUBMITTED, R.PARTIALLY_ACCEPTED): _ACCEPT_PART,
    (R.SUBMITTED, R.DECLINED): _DECLINE,
    # The facility withdraws what it sent.
    (R.SUBMITTED, R.CLOSED): Move(
        R.CLOSED,
        gettext_lazy("Withdraw the request"),
        frozenset({HEAD}),
        destructive=True,
        fields=_NOTE,
    ),
    (R.ACKNOWLEDGED, R.ACCEPTED): _ACCEPT,
    (R.ACKNOWLEDGED, R.PARTIALLY_ACCEPTED): _ACCEPT_PART,
    (R.ACKNOWLEDGED, R.DECLINED): _DECLINE,
    (R.ACCEPTED, R.IN_DELIVERY): _DELIVER,
    (R.PARTIALLY_ACCEPTED, R.IN_DELIVERY): _DELIVER,
    (R.IN_DELIVERY, R.FULFILLED): Move(
        R.FULFILLED,
        gettext_lazy("Confirm everything is delivered"),
        frozenset({PARTNER, OFFICER, HEAD}),
        fields=_NOTE,
    ),
    # Closing before it is fulfilled stops the delivery.
    (R.IN_DELIVERY, R.CLOSED): Move(
        R.CLOSED, _CLOSE, frozenset({OFFICER, HEAD}), destructive=True, fields=_NOTE
    ),
    # Once fulfilled or declined nothing else can happen: closing files it away.
    (R.FULFILLED, R.CLOSED): Move(R.CLOSED, _CLOSE, frozenset({OFFICER, HEAD}), fields=_NOTE),
    (R.DECLINED, R.CLOSED): Move(R.CLOSED, _CLOSE, frozenset({OFFICER, HEAD}), fields=_NOTE),
}
# (from, to) -> the sides that may make the move.
REQUEST_TRANSITIONS: dict[tuple[str, str], frozenset[str]] = sides_table(REQUEST_MOVES)
SIDE_NAMES = {
    HEAD: gettext_lazy("the head of the facility"),
    OFFICER: gettext_lazy("the program officers"),
    PARTNER: gettext_lazy("the partner"),
}
NOTE_REQUIRED = frozenset(m.to for m in REQUEST_MOVES.values() if "note" in m.required)
ANSWERS = frozenset({R.ACKNOWLEDGED, R.ACCEPTED, R.PARTIALLY_ACCEPTED, R.DECLINED})


def _tell_about(request: SupportRequest, to: str, by: User) -> None:
    """Tell the other side that a request moved."""
    url = request.get_absolute_url()
    if to == R.SUBMITTED:
        notify(
            partner_users(request.partner_id),
            title=Text(
                gettext_lazy("New support request from %(facility)s: %(title)s"),
                facility=request.facility,
                title=request.title,
            ),
            body=request.justification,
            url=url,
        )
    elif to in ANSWERS or to in (R.IN_DELIVERY, R.FULFILLED):
        notify(
            [u for u in facility_staff(request.facility_id) if u.pk != by.pk],
            title=Text(
                gettext_lazy("%(partner)s: %(title)s is now “%(status)s”"),
                partner=request.partner,
                title=request.title,
                status=RequestStatus(to).label,
            ),
            body=request.answer_note,
            url=url,
        )


def _announce_agreement(agreement: Agreement) -> None:
    """Tell the partners' users that an agreement naming them is approved (once each)."""
    notify(
        partner_users(*agreement.partners.values_list("pk", flat=True)),
        key=f"agreement:{agreement.pk}:active",
        title=Text(
            gettext_lazy("%(facility)s approved the agreement “%(title)s” with you"),
            facility=agreement.facility or agreement.region,
            title=agreement.title,
        ),
        url=agreement.get_absolute_url(),
    )


class RequestConflict(Conflict):
    def __init__(self, detail: str, allowed: list[str], code: str = "invalid_transition"):
        super().__init__(detail, code)
        self.allowed = allowed


def sides(user: User, request: SupportRequest) -> frozenset[str]:
    """Which sides of ``request`` the user acts for (``rules.py`` says who acts for which)."""
    return frozenset(
        side
        for side, perm in (
            (HEAD, "cooperation.act_as_head"),
            (OFFICER, "cooperation.act_as_officer"),
            (PARTNER, "cooperation.act_as_partner"),
        )
        if has_perm(user, perm, request)
    )


def moves(request: SupportRequest, user: User) -> list[Move]:
    """The moves ``user`` may make on ``request`` now (the page's buttons)."""
    return moves_from(REQUEST_MOVES, request.status, sides(user, request))


def allowed_moves(request: SupportRequest, user: User) -> list[str]:
    return [move.to for move in moves(request, user)]


def serving_problems(
    facility: Facility, partners: Iterable[Partner], *, keep: Collection[int] = ()
) -> list[str]:
    """Only partners that serve ``facility`` (active, of its region or national) may be
    named; those in ``keep`` (already on the record being changed) stay allowed."""
    from sinergi.programs.rules import partner_problems

    return partner_problems(facility, [p for p in partners if p.pk not in keep])


def request_problems(request: SupportRequest, *, checked: Collection[str] = ()) -> dict[str, str]:
    """What is wrong with a new request's links, by field (empty when nothing is): the
    partner serves the facility; the program, the agreement and the commitment are the
    facility's, the program is not over, and the commitment is one of the agreement's,
    made by the partner asked (or by the facility). Fields in ``checked`` already have an
    error (e.g. an id that names nothing) and are not looked at again."""
    from sinergi.programs.choices import ENDED_STATUSES

    problems: dict[str, str] = {}
    facility_id = request.facility_id
    if request.partner_id and "partner" not in checked:
        refused = serving_problems(request.facility, [request.partner])
        if refused:
            problems["partner"] = refused[0]
    if request.program_id and "program" not in checked:
        program = request.program
        assert program is not None
        if program.facility_id != facility_id:
            problems["program"] = _("This program is not one of this facility's.")
        elif program.status in ENDED_STATUSES:
            problems["program"] = _("This program is over: choose one that is planned or running.")
    if request.agreement_id and "agreement" not in checked:
        agreement = request.agreement
        assert agreement is not None
        if agreement.facility_id != facility_id:
            problems["agreement"] = _("This agreement is not one of this facility's.")
        elif request.partner_id and not agreement.partners.filter(pk=request.partner_id).exists():
            problems["agreement"] = _("The partner asked is not a party to this agreement.")
    if request.commitment_id and "commitment" not in checked:
        commitment = request.commitment
        assert commitment is not None
        if commitment.agreement.facility_id != facility_id:
            problems["commitment"] = _("This commitment is under another facility's agreement.")
        elif request.agreement_id and commitment.agreement_id != request.agreement_id:
            problems["commitment"] = _("This commitment belongs to another agreement.")
        elif request.partner_id and commitment.partner_id not in (None, request.partner_id):
            problems["commitment"] = _("This commitment was made by another partner.")
    return problems


@transaction.atomic
def create_request(*, facility: Any, values: Mapping[str, Any], by: User) -> SupportRequest:
    require_perm(
        by,
        "cooperation.add_supportrequest",
        facility,
        message=_("Only program officers and heads draft requests."),
    )
    request = SupportRequest(facility=facility, created_by=by, **values)
    errors: dict[str, list[str]] = {}
    try:
        request.full_clean()
    except ValidationError as exc:
        errors = {f: list(m) for f, m in exc.message_dict.items()}
    if "quantity" not in errors and request.quantity is not None and request.quantity <= 0:
        errors["quantity"] = [_("Ask for more than zero.")]
    if (
        "needed_by" not in errors
        and isinstance(request.needed_by, datetime.date)
        and request.needed_by < facility.today()
    ):
        errors["needed_by"] = [_("This day is already past: when is the support needed?")]
    for field, message in request_problems(request, checked=errors).items():
        errors.setdefault(field, []).append(message)
    if errors:
        raise ValidationError(errors)
    request.save()
    audit.record("request.create", by=by, target=request, changes=dict(values))
    # A draft leaves for the partner only when the head sends it: the head is told.
    notify(
        facility_heads(facility.pk, besides=by),
        title=Text(
            gettext_lazy("Support request awaiting your approval: %(title)s"),
            title=request.title,
        ),
        body=Text(
            gettext_lazy("Drafted by %(who)s for %(partner)s: send it to the partner or not."),
            who=by.get_full_name() or by.username,
            partner=request.partner or "—",
        ),
        url=request.get_absolute_url(),
        key=f"request:{request.pk}:awaiting-head",
    )
    return request


@transaction.atomic
def transition_request(
    *,
    request: SupportRequest,
    to: str,
    by: User,
    note: str = "",
    accepted_quantity: Decimal | None = None,
) -> SupportRequest:
    request = SupportRequest.objects.select_for_update().get(pk=request.pk)
    mine = moves(request, by)
    allowed = [move.to for move in mine]
    if to not in allowed:
        raise RequestConflict(
            _("This request is “%(status)s”: what you may do now is %(allowed)s.")
            % {"status": RequestStatus(request.status).label, "allowed": verbs(mine)},
            allowed=allowed,
        )
    if to in NOTE_REQUIRED and not note.strip():
        raise RequestConflict(
            _("Say what is accepted or why it is declined."), allowed, code="note_required"
        )
    if to == R.PARTIALLY_ACCEPTED and not (
        accepted_quantity is not None and 0 < accepted_quantity <= request.quantity
    ):
        raise RequestConflict(
            _("Give the quantity accepted: more than 0 and at most the %(quantity)s asked for.")
            % {"quantity": f"{request.quantity.normalize():f}"},
            allowed,
            code="bad_quantity",
        )
    previous = request.status
    request.status = to
    fields = ["status", "updated_at"]
    now = timezone.now()
    if to == R.SUBMITTED:
        request.submitted_at = now
        fields.append("submitted_at")
    if to in ANSWERS and request.answered_at is None:
        request.answered_at = now
        fields.append("answered_at")
    if to in (R.ACCEPTED, R.PARTIALLY_ACCEPTED, R.DECLINED):
        request.answer_note = note
        request.accepted_quantity = (
            request.quantity
            if to == R.ACCEPTED
            else Decimal(0)
            if to == R.DECLINED
            else accepted_quantity
        )
        fields += ["answer_note", "accepted_quantity"]
    request.save(update_fields=fields)
    RequestEvent.objects.create(
        request=request, author=by, text=note, from_status=previous, to_status=to
    )
    _tell_about(request, to, by)
    audit.record(
        "request.transition",
        by=by,
        target=request,
        facility=request.facility_id,
        changes={"status": [previous, to], "note": note},
    )
    return request


@transaction.atomic
def comment(*, request: SupportRequest, text: str, by: User) -> RequestEvent:
    if not text.strip():
        raise Conflict(_("A comment cannot be empty."), code="empty")
    require_perm(
        by,
        "cooperation.comment_supportrequest",
        request,
        message=_("Only the facility and the partner comment on a request."),
    )
    event = RequestEvent.objects.create(request=request, author=by, text=text.strip())
    audit.record("request.comment", by=by, target=request, facility=request.facility_id)
    return event


def session_problems(request: SupportRequest, sessions: Iterable[Any]) -> list[str]:
    """Why these sessions cannot be counted in a delivery for ``request`` (empty when they
    can): they are sessions of the request's program, held (not cancelled) and not in the
    future."""
    from sinergi.programs.choices import SessionStatus

    sessions = list(sessions)
    if not sessions:
        return []
    if request.program_id is None:
        return [_("This request is for no program: a delivery for it counts no sessions.")]
    today = request.facility.today()
    problems = []
    for session in sessions:
        day = _long_date(session.date)
        if session.program_id != request.program_id:
            problems.append(_("The session of %(date)s is of another program.") % {"date": day})
        elif session.status != SessionStatus.SCHEDULED:
            problems.append(_("The session of %(date)s was cancelled.") % {"date": day})
        elif session.date > today:
            problems.append(_("The session of %(date)s has not taken place yet.") % {"date": day})
    return problems


@transaction.atomic
def record_fulfilment(
    *,
    request: SupportRequest,
    values: Mapping[str, Any],
    by: User,
    sessions: Iterable[Any] = (),
    asset: Mapping[str, Any] | None = None,
) -> Fulfilment:
    """What the partner delivered for ``request``; equipment enters the asset list.

    The request row is locked and its status read again inside the transaction, so that
    deliveries recorded at the same time move the request (and write its status event)
    once, and a delivery on a request closed meanwhile is a Conflict (409).
    """
    request = SupportRequest.objects.select_for_update().get(pk=request.pk)
    require_perm(
        by,
        "cooperation.add_fulfilment",
        request,
        message=_("Only the partner or the facility records a delivery."),
    )
    if request.status not in (R.ACCEPTED, R.PARTIALLY_ACCEPTED, R.IN_DELIVERY, R.FULFILLED):
        raise Conflict(
            _("Deliveries are recorded once the request is accepted."), code="not_accepted"
        )
    delivered_on = values.get("delivered_on")
    if isinstance(delivered_on, datetime.date) and delivered_on > request.facility.today():
        raise ValidationError(
            {"delivered_on": [_("A delivery is recorded once it happened, not ahead of time.")]}
        )
    sessions = list(sessions)
    if any(s.program.facility_id != request.facility_id for s in sessions):
        raise Conflict(_("Those sessions are in another facility."), code="wrong_sessions")
    taught = session_problems(request, sessions)
    if taught:
        raise ValidationError({"sessions": taught})
    values = dict(values)
    if request.kind == RequestKind.INSTRUCTOR and sessions:
        # Instructor hours count from attendance: sessions where somebody was present.
        from sinergi.programs.choices import AttendanceStatus
        from sinergi.programs.models import Attendance

        held = set(
            Attendance.objects.filter(
                session__in=sessions, status=AttendanceStatus.PRESENT
            ).values_list("session_id", flat=True)
        )
        values["quantity"] = Decimal(str(sum(s.hours for s in sessions if s.pk in held)))
        values["unit"] = pgettext("unit of measure", "hours")
    fulfilment = Fulfilment(
        request=request,
        partner=request.partner,
        commitment=request.commitment,
        recorded_by=by,
        **values,
    )
    fulfilment.full_clean()  # a field error (422 in the API), shown at the field
    fulfilment.save()
    if sessions:
        if (
            Fulfilment.sessions.through.objects.filter(session_id__in=[s.pk for s in sessions])
            .exclude(fulfilment=fulfilment)
            .exists()
        ):
            raise Conflict(
                _("Some of those sessions are already counted in a delivery."),
                code="sessions_counted",
            )
        fulfilment.sessions.set(sessions)
    if asset:
        Asset.objects.create(
            facility_id=request.facility_id, fulfilment=fulfilment, program=request.program, **asset
        )
    if request.status in (R.ACCEPTED, R.PARTIALLY_ACCEPTED):
        previous = request.status
        request.status = R.IN_DELIVERY
        request.save(update_fields=["status", "updated_at"])
        RequestEvent.objects.create(
            request=request, author=by, from_status=previous, to_status=R.IN_DELIVERY
        )
    audit.record(
        "fulfilment.create",
        by=by,
        target=fulfilment,
        facility=request.facility_id,
        changes={**values, "request": request.pk},
    )
    _tell_about_delivery(request, fulfilment, by)
    return fulfilment


def _tell_about_delivery(request: SupportRequest, fulfilment: Fulfilment, by: User) -> None:
    """Tell the other side of the request that a delivery was recorded: the facility's
    officers and head of the partner's delivery, the partner's users of one the facility
    records."""
    if PARTNER in sides(by, request):
        receivers = facility_staff(request.facility_id)
    else:
        receivers = partner_users(request.partner_id)
    notify(
        [u for u in receivers if u.pk != by.pk],
        title=Text(
            gettext_lazy("%(partner)s delivered for “%(title)s”: %(what)s"),
            partner=request.partner,
            title=request.title,
            what=fulfilment.description[:120],
        ),
        body=Text(
            gettext_lazy("Delivered on %(date)s: %(quantity)s %(unit)s."),
            date=fulfilment.delivered_on,
            quantity=fulfilment.quantity,
            unit=fulfilment.unit,
        ),
        url=request.get_absolute_url(),
        key=f"delivery:{fulfilment.pk}",
    )


def meeting_problems(*, facility: Facility, date: datetime.date | None) -> dict[str, str]:
    """What is wrong with a meeting's record, by field: it records a meeting that was held,
    so its date is not after today at the facility."""
    if date and date > facility.today():
        return {"date": _("This date is in the future; enter a date up to today.")}
    return {}


def action_item_problems(
    values: Mapping[str, Any],
    *,
    meeting_date: datetime.date | None,
    partner_ids: Collection[int] | None = None,
) -> dict[str, str]:
    """What is wrong with one action item agreed at a meeting, by field: it says what is to
    be done and by when, no earlier than the meeting, and its owner (a partner, or the
    facility when none) is among ``partner_ids`` (those serving the facility; not checked
    when None)."""
    problems: dict[str, str] = {}
    title = (values.get("title") or "").strip()
    due = values.get("due_date")
    owner = values.get("owner_partner")
    if title and not due:
        problems["due_date"] = _("An action needs a due date.")
    if not title and (due or owner):
        # Not dropped in silence: the owner or the date says something was meant.
        problems["title"] = _("Write what is to be done, or empty this row.")
    if due and meeting_date and due < meeting_date:
        problems["due_date"] = _("The due date cannot be before the meeting (%(date)s).") % {
            "date": _long_date(meeting_date)
        }
    if owner is not None and partner_ids is not None and owner.pk not in partner_ids:
        problems["owner_partner"] = _(
            "%(partner)s does not serve this facility: choose an active partner of its "
            "region or a national one."
        ) % {"partner": owner.name}
    return problems


def attendance_problems(
    facility: Facility, *, attendees: Collection[Any], guest_facilities: Collection[Any]
) -> dict[str, str]:
    """Who may be named as having attended a meeting of ``facility``: people with an
    account at it, at a facility of its region or at a partner serving it
    (``queries.meeting_attendee_choices``), and the facilities of its region."""
    problems: dict[str, str] = {}
    if attendees:
        known = set(
            meeting_attendee_choices(facility)
            .filter(pk__in=[u.pk for u in attendees])
            .values_list("pk", flat=True)
        )
        strangers = [u.get_full_name() or u.username for u in attendees if u.pk not in known]
        if strangers:
            problems["attendees"] = _(
                "%(names)s cannot be named: only people of this facility, of its region's "
                "facilities or of its partners."
            ) % {"names": ", ".join(strangers)}
    far = [f.name for f in guest_facilities if f.region_id != facility.region_id]
    if far:
        problems["guest_facilities"] = _("%(names)s is not a facility of this region.") % {
            "names": ", ".join(far)
        }
    return problems


def _meeting_errors(
    meeting: Any,
    *,
    partners: list[Any],
    attendees: list[Any],
    guest_facilities: list[Any],
    actions_: list[Mapping[str, Any]],
    first_item: int = 1,
) -> dict[str, list[str]]:
    """Every rule of a meeting's record and its new action items, by field."""
    facility = meeting.facility
    errors: dict[str, list[str]] = {}
    try:
        meeting.full_clean()
    except ValidationError as exc:
        errors = {f: list(m) for f, m in exc.message_dict.items()}
    for field, message in meeting_problems(facility=facility, date=meeting.date).items():
        errors.setdefault(field, []).append(message)
    for field, message in attendance_problems(
        facility, attendees=attendees, guest_facilities=guest_facilities
    ).items():
        errors.setdefault(field, []).append(message)
    refused = serving_problems(facility, partners)
    if refused:
        errors.setdefault("partners", []).extend(refused)
    serving = set(Partner.objects.serving(facility).values_list("pk", flat=True))
    for n, row in enumerate(actions_, start=first_item):
        for message in action_item_problems(
            row, meeting_date=meeting.date, partner_ids=serving
        ).values():
            errors.setdefault("actions", []).append(
                _("Action item %(n)s: %(problem)s") % {"n": n, "problem": message}
            )
    return errors


@transaction.atomic
def record_meeting(
    *,
    facility: Any,
    values: Mapping[str, Any],
    partners: Iterable[Any],
    actions_: Iterable[Mapping[str, Any]],
    by: User,
    attendees: Iterable[Any] = (),
    guest_facilities: Iterable[Any] = (),
) -> Any:
    """A coordination meeting, who attended it, and its decisions as action items."""
    from sinergi.cooperation.models import Meeting

    require_perm(
        by,
        "cooperation.add_meeting",
        facility,
        message=_("Only program officers and heads record meetings."),
    )
    partners, attendees, guest_facilities = list(partners), list(attendees), list(guest_facilities)
    actions_ = list(actions_)
    meeting = Meeting(facility=facility, **values)
    errors = _meeting_errors(
        meeting,
        partners=partners,
        attendees=attendees,
        guest_facilities=guest_facilities,
        actions_=actions_,
    )
    if errors:
        raise ValidationError(errors)
    meeting._history_user = by  # type: ignore[attr-defined]
    meeting.save()
    meeting.partners.set(partners)
    meeting.attendees.set({by, *attendees})
    meeting.guest_facilities.set(guest_facilities)
    items = _add_action_items(meeting, actions_)
    audit.record(
        "meeting.create",
        by=by,
        target=meeting,
        facility=facility.pk,
        changes={**values, "actions": len(items)},
    )
    return meeting


@transaction.atomic
def update_meeting(
    *,
    meeting: Any,
    values: Mapping[str, Any],
    partners: Iterable[Any],
    attendees: Iterable[Any],
    guest_facilities: Iterable[Any],
    actions_: Iterable[Mapping[str, Any]] = (),
    by: User,
) -> Any:
    """Correct or complete a meeting's record after it was recorded: its fields (kept in
    its history), who attended, and more action items (any number, each time). The
    action items already agreed are closed or dropped on their own, never rewritten."""
    from sinergi.cooperation.models import Meeting

    require_perm(
        by,
        "cooperation.change_meeting",
        meeting,
        message=_("Only the program officers and head of its facility change a meeting."),
    )
    meeting = Meeting.objects.select_for_update().select_related("facility").get(pk=meeting.pk)
    partners, attendees, guest_facilities = list(partners), list(attendees), list(guest_facilities)
    actions_ = list(actions_)
    changed = audit.diff(meeting, values)
    for name, value in values.items():
        setattr(meeting, name, value)
    errors = _meeting_errors(
        meeting,
        partners=partners,
        attendees=attendees,
        guest_facilities=guest_facilities,
        actions_=actions_,
        first_item=meeting.actions.count() + 1,
    )
    if errors:
        raise ValidationError(errors)
    before = {
        "partners": sorted(meeting.partners.values_list("pk", flat=True)),
        "attendees": sorted(meeting.attendees.values_list("pk", flat=True)),
        "guest_facilities": sorted(meeting.guest_facilities.values_list("pk", flat=True)),
    }
    after = {
        "partners": sorted(p.pk for p in partners),
        "attendees": sorted(u.pk for u in attendees),
        "guest_facilities": sorted(f.pk for f in guest_facilities),
    }
    changed.update({k: [before[k], after[k]] for k in before if before[k] != after[k]})
    fields = [name for name in values if name in changed]
    if fields:  # one historical record per correction, by whom
        meeting._history_user = by
        meeting.save(update_fields=[*fields, "updated_at"])
    meeting.partners.set(partners)
    meeting.attendees.set(attendees)
    meeting.guest_facilities.set(guest_facilities)
    items = _add_action_items(meeting, actions_)
    if items:
        changed["actions"] = [item.title for item in items]
    audit.record(
        "meeting.update", by=by, target=meeting, facility=meeting.facility_id, changes=changed
    )
    return meeting


@transaction.atomic
def attach_to_meeting(*, meeting: Any, upload: Any, title: str, by: User) -> Any:
    """Keep a document of a meeting (signed minutes, attendance sheet, photo): a PDF, JPG
    or PNG by its content, within the upload size limit (``validators``)."""
    from sinergi.cooperation.models import MeetingAttachment

    require_perm(
        by,
        "cooperation.change_meeting",
        meeting,
        message=_("Only the program officers and head of its facility change a meeting."),
    )
    attachment = MeetingAttachment(
        meeting=meeting, title=(title or "").strip(), file=upload, uploaded_by=by
    )
    try:
        attachment.full_clean()
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None
    attachment.save()
    audit.record(
        "meeting.attach",
        by=by,
        target=meeting,
        facility=meeting.facility_id,
        changes={"title": attachment.title, "file": attachment.filename},
    )
    return attachment


def _add_action_items(meeting: Any, actions_: Sequence[Mapping[str, Any]]) -> list[ActionItem]:
    """The action items agreed at ``meeting`` (rows already checked), each owner told."""
    facility = meeting.facility
    items = [
        ActionItem(
            meeting=meeting,
            title=a["title"],
            due_date=a["due_date"],
            owner_partner=a.get("owner_partner"),
            owner_facility=None if a.get("owner_partner") else facility,
        )
        for a in actions_
    ]
    ActionItem.objects.bulk_create(items)
    for item in items:
        people = (
            partner_users(item.owner_partner.pk)
            if item.owner_partner
            else facility_staff(facility.pk)
        )
        notify(
            people,
            title=Text(gettext_lazy("New action item: %(title)s"), title=item.title),
            url=meeting.get_absolute_url(),
        )
    return items


def _long_date(day: datetime.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def agreement_problems(
    *,
    start_date: datetime.date | None,
    end_date: datetime.date | None,
    signed_on: datetime.date | None,
    parent: Agreement | None = None,
    under: Sequence[Agreement] = (),
    today: datetime.date | None = None,
) -> dict[str, str]:
    """What is wrong with an agreement's dates, by field (empty when nothing is): an
    agreement under a framework agreement (``parent``) lies within the parent's period,
    and a framework agreement's period covers the agreements ``under`` it."""
    today = today or timezone.localdate()
    problems: dict[str, str] = {}
    if start_date and end_date and end_date <= start_date:
        problems["end_date"] = _("The end date must be after the start date.")
    if signed_on and signed_on > today:
        problems["signed_on"] = _("This date is in the future; enter a date up to today.")
    elif signed_on and end_date and signed_on > end_date:
        problems["signed_on"] = _("The signing date cannot be after the end date.")
    if parent is not None:
        outside = _(
            "This agreement must lie within the period of its framework agreement "
            "“%(parent)s”, %(start)s to %(end)s."
        ) % {
            "parent": parent.title,
            "start": _long_date(parent.start_date),
            "end": _long_date(parent.end_date),
        }
        if start_date and start_date < parent.start_date:
            problems.setdefault("start_date", outside)
        if end_date and end_date > parent.end_date:
            problems.setdefault("end_date", outside)
    if under:
        first = min(under, key=lambda a: a.start_date)
        last = max(under, key=lambda a: a.end_date)
        if start_date and start_date > first.start_date:
            problems.setdefault(
                "start_date",
                _("“%(title)s”, under this agreement, starts on %(date)s: start by then.")
                % {"title": first.title, "date": _long_date(first.start_date)},
            )
        if end_date and end_date < last.end_date:
            problems.setdefault(
                "end_date",
                _("“%(title)s”, under this agreement, runs until %(date)s: end no earlier.")
                % {"title": last.title, "date": _long_date(last.end_date)},
            )
    return problems


def number_problem(*, number: str, facility_id: int | None, agreement_id: int | None) -> str:
    """Why ``number`` cannot be the number of the agreement ``agreement_id`` (None: a new
    one) of the facility (empty when it can). Numbers are compared without case; an
    agreement without a number, or a regional one, is not checked."""
    number = (number or "").strip()
    if not number or facility_id is None:
        return ""
    others = Agreement.objects.filter(facility_id=facility_id, number__iexact=number)
    if agreement_id is not None:
        others = others.exclude(pk=agreement_id)
    other = others.only("title", "number").first()
    if other is None:
        return ""
    return _(
        "Another agreement of this facility already has the number %(number)s (“%(title)s”)."
    ) % {"number": other.number, "title": other.title}


def commitment_problems(
    values: Mapping[str, Any],
    *,
    partner_ids: Collection[int],
    start_date: datetime.date | None,
    end_date: datetime.date | None,
) -> dict[str, str]:
    """What is wrong with one commitment of an agreement with these partners and period."""
    problems: dict[str, str] = {}
    partner = values.get("partner")
    if partner is not None and partner.pk not in partner_ids:
        problems["partner"] = _(
            "Tick %(partner)s under Partners, or choose another partner for this commitment."
        ) % {"partner": partner.name}
    due = values.get("due_date")
    if due and start_date and end_date and not start_date <= due <= end_date:
        problems["due_date"] = _(
            "The due date must fall within the agreement's period, %(start)s to %(end)s."
        ) % {"start": _long_date(start_date), "end": _long_date(end_date)}
    target = values.get("target_quantity")
    if target is not None and target <= 0:
        problems["target_quantity"] = _("The target must be more than zero.")
    return problems


def agreement_link_problems(
    agreement: Agreement,
    *,
    partners: Iterable[Partner],
    kept_partners: Collection[int],
    by: User,
    parent_changed: bool,
    status_before: str,
) -> dict[str, list[str]]:
    """What is wrong with an agreement's partners, framework and status, by field: its
    partners serve its facility (those already on it stay allowed), a framework
    agreement newly chosen is an MoU the user sees, neither this agreement nor one under
    it, and its status is one that people set (not yet in force, expiring and expired
    follow from the dates) unless it is kept as it was."""
    problems: dict[str, list[str]] = {}
    if agreement.facility is not None:
        refused = serving_problems(agreement.facility, partners, keep=kept_partners)
        if refused:
            problems["partners"] = refused
    parent = agreement.parent
    if parent is not None and parent_changed:
        if agreement.pk is not None and parent.pk == agreement.pk:
            problems["parent"] = [_("An agreement cannot be its own framework agreement.")]
        elif agreement.pk is not None and parent.parent_id == agreement.pk:
            problems["parent"] = [
                _("“%(title)s” is under this agreement: it cannot be its framework.")
                % {"title": parent.title}
            ]
        elif parent.kind != AgreementKind.MOU:
            problems["parent"] = [_("A framework agreement is an MoU: choose an MoU.")]
        elif not Agreement.objects.for_user(by).filter(pk=parent.pk).exists():
            problems["parent"] = [_("Choose a framework agreement that you can see.")]
    if agreement.status != status_before and agreement.status not in SETTABLE_STATUSES:
        problems["status"] = [
            _(
                "Not yet in force, expiring and expired follow from the dates: choose draft, "
                "active, terminated or renewed."
            )
        ]
    return problems


def _check_agreement(
    agreement: Agreement,
    partner_ids: Collection[int],
    commitments: Iterable[Commitment],
    unchanged: Collection[str] = (),
    known: Mapping[str, list[str]] | None = None,
) -> None:
    """Every rule of the agreement and its commitments, before anything is written;
    ``unchanged`` fields are not checked again (a stored document is not read back);
    ``known``: problems the caller found already, by field."""
    errors: dict[str, list[str]] = {f: list(m) for f, m in (known or {}).items()}
    try:
        agreement.full_clean(exclude=list(unchanged))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    dates = {"start_date": agreement.start_date, "end_date": agreement.end_date}
    under = list(agreement.operational_agreements.all()) if agreement.pk else []
    for field, message in agreement_problems(
        signed_on=agreement.signed_on, parent=agreement.parent, under=under, **dates
    ).items():
        errors.setdefault(field, []).append(message)
    taken = number_problem(
        number=agreement.number, facility_id=agreement.facility_id, agreement_id=agreement.pk
    )
    if taken:
        errors.setdefault("number", []).append(taken)
    if not partner_ids:
        errors.setdefault("partners", []).append(_("Tick at least one partner."))
    for commitment in commitments:
        found = commitment_problems(
            {f: getattr(commitment, f) for f in ("partner", "due_date", "target_quantity")},
            partner_ids=partner_ids,
            **dates,
        )
        try:
            commitment.full_clean(exclude=["agreement"])
        except ValidationError as exc:
            found.update({f: " ".join(m) for f, m in exc.message_dict.items()})
        errors.setdefault("commitments", []).extend(
            f"{commitment.description}: {message}" for message in found.values()
        )
    if any(errors.values()):
        raise ValidationError({f: m for f, m in errors.items() if m})


@transaction.atomic
def save_agreement(
    *,
    values: Mapping[str, Any],
    partners: Iterable[Partner],
    commitments: Iterable[Mapping[str, Any]],
    by: User,
    agreement: Agreement | None = None,
    facility: Facility | None = None,
    removed: Iterable[int] = (),
) -> Agreement:
    """Record a new agreement of ``facility``, or change ``agreement``, with its commitments.

    ``commitments`` are the fields of each commitment kept or added, with ``id`` for one that
    exists; ``removed`` names existing commitments to delete. Everything is checked before
    anything is written: a broken rule is a ValidationError, removing a commitment that has
    deliveries is a Conflict, and only the facility's program officers and head may do it.
    """
    if agreement is None:
        if facility is None:
            raise PermissionDenied(_("Only program officers and heads record agreements."))
        require_perm(
            by,
            "cooperation.add_agreement",
            facility,
            message=_("Only program officers and heads record agreements."),
        )
        agreement = Agreement(facility=facility)
        before: dict[int, Commitment] = {}
    else:
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
        require_perm(
            by,
            "cooperation.change_agreement",
            agreement,
            message=_("Only program officers and heads change agreements."),
        )
        before = {c.pk: c for c in agreement.commitments.select_related("partner")}
    creating = agreement.pk is None
    removed_ids = sorted(pk for pk in set(removed) if pk in before)
    delivered = set(
        Fulfilment.objects.filter(commitment_id__in=removed_ids).values_list(
            "commitment_id", flat=True
        )
    )
    if delivered:
        raise Conflict(
            " ".join(
                _("“%(commitment)s” cannot be removed: deliveries are recorded against it.")
                % {"commitment": before[pk].description}
                for pk in removed_ids
                if pk in delivered
            ),
            code="commitment_delivered",
        )

    changes: dict[str, Any] = dict(values) if creating else audit.diff(agreement, values)
    status_before = AgreementStatus.DRAFT if creating else agreement.status
    if values.get("status", status_before) != status_before and not has_perm(
        by, "cooperation.approve_agreement", agreement
    ):
        raise ValidationError(
            {
                "status": [
                    _(
                        "Only the head of the facility approves, ends or renews an agreement; "
                        "an officer keeps it as a draft until then."
                    )
                ]
            }
        )
    for name, value in values.items():
        setattr(agreement, name, value)
    partners = list(partners)
    before_partners = set() if creating else set(agreement.partners.values_list("pk", flat=True))
    wanted = sorted({p.pk for p in partners})
    kept: list[Commitment] = []
    changed: dict[int, dict[str, list[Any]]] = {}
    for given in commitments:
        fields = {k: v for k, v in given.items() if k != "id"}
        pk = given.get("id")
        if pk is None:
            kept.append(Commitment(**fields))
            continue
        if pk not in before or pk in removed_ids:
            raise ValidationError(
                {"commitments": [_("A commitment of another agreement cannot be changed here.")]}
            )
        commitment = before[pk]
        diff = audit.diff(commitment, fields)
        if diff:
            changed[pk] = diff
            for name, value in fields.items():
                setattr(commitment, name, value)
        kept.append(commitment)
    if agreement.facility_id is not None and agreement.number:
        # One agreement at a time per facility passes the number check and is saved, so two
        # people recording the same number at once cannot both succeed.
        # FOR NO KEY UPDATE: rows that merely point to the facility are still inserted.
        locked = Facility.objects.select_for_update(no_key=True)
        list(locked.filter(pk=agreement.facility_id).values("pk"))
    _check_agreement(
        agreement,
        wanted,
        kept,
        unchanged=[] if "document" in changes else ["document"],
        known=agreement_link_problems(
            agreement,
            partners=partners,
            kept_partners=before_partners,
            by=by,
            parent_changed=creating or "parent" in changes,
            status_before=status_before,
        ),
    )

    previous: list[Any] = (
        [] if creating else sorted(agreement.partners.values_list("pk", flat=True))
    )
    if creating or changes:
        agreement._history_user = by  # type: ignore[attr-defined]
        agreement.save()
    if wanted != previous:
        agreement.partners.set(wanted)
        if creating:
            changes["partners"] = wanted
        else:
            changes["partners"] = [previous, wanted]
    for pk in removed_ids:
        before[pk]._history_user = by  # type: ignore[attr-defined]
        before[pk].delete()
    added = [c for c in kept if c.pk is None]
    for commitment in added + [before[pk] for pk in changed]:
        commitment.agreement = agreement
        commitment._history_user = by  # type: ignore[attr-defined]
        commitment.save()
    if creating or changes or added or changed or removed_ids:
        audit.record(
            "agreement.create" if creating else "agreement.update",
            by=by,
            target=agreement,
            facility=agreement.facility_id,
            changes={
                **changes,
                "commitments": {"added": len(added), "changed": changed, "removed": removed_ids},
            },
        )
    if agreement.status == AgreementStatus.ACTIVE and (
        creating or "status" in changes or "partners" in changes
    ):
        _announce_agreement(agreement)  # once per user: a partner added later is told too
    if creating and agreement.status == AgreementStatus.DRAFT:
        # A draft agreement takes effect when the head approves it: the head is told.
        notify(
            facility_heads(agreement.facility_id, besides=by),
            title=Text(
                gettext_lazy("Agreement awaiting your approval: %(title)s"),
                title=agreement.title,
            ),
            url=agreement.get_absolute_url(),
            key=f"agreement:{agreement.pk}:awaiting-head",
        )
    return agreement


@transaction.atomic
def approve_agreement(*, agreement: Agreement, by: User) -> Agreement:
    """The head of the agreement's facility approves a draft: it becomes active, and is in
    force from its start date. Anyone else is refused (PermissionDenied), and so is an
    agreement that is no longer a draft (Conflict)."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    require_perm(
        by,
        "cooperation.approve_agreement",
        agreement,
        message=_("Only the head of the facility approves an agreement."),
    )
    if agreement.status != AgreementStatus.DRAFT:
        raise Conflict(
            _("Only a draft is approved; this agreement is “%(status)s”.")
            % {"status": agreement.get_effective_status_display()},
            code="not_draft",
        )
    agreement.status = AgreementStatus.ACTIVE
    agreement._history_user = by  # type: ignore[attr-defined]
    agreement.save(update_fields=["status", "updated_at"])
    audit.record(
        "agreement.approve",
        by=by,
        target=agreement,
        facility=agreement.facility_id,
        changes={"status": [AgreementStatus.DRAFT.value, AgreementStatus.ACTIVE.value]},
    )
    _announce_agreement(agreement)
    return agreement


OWNER = "owner"
# An action item is closed by its owner: done, or dropped with a reason.
ACTION_ITEM_MOVES: dict[tuple[str, str], Move] = {
    (ActionStatus.OPEN, ActionStatus.DONE): Move(
        ActionStatus.DONE, gettext_lazy("Mark as done"), frozenset({OWNER})
    ),
    (ActionStatus.OPEN, ActionStatus.DROPPED): Move(
        ActionStatus.DROPPED,
        gettext_lazy("Drop with a reason"),
        frozenset({OWNER}),
        destructive=True,
        fields=("reason",),
        required=frozenset({"reason"}),
    ),
}


def may_close_action_item(user: Any, item: ActionItem) -> bool:
    """The owner closes an action item: the partner that owns it, or the officers and
    head of the facility that owns it or held the meeting (``rules.py``)."""
    return has_perm(user, "cooperation.close_actionitem", item)


@transaction.atomic
def close_action_item(*, item: ActionItem, status: str, by: User, reason: str = "") -> ActionItem:
    require_perm(
        by,
        "cooperation.close_actionitem",
        item,
        message=_("Only the owner of an action item, or its meeting's facility, closes it."),
    )
    item = ActionItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    if item.status != ActionStatus.OPEN:
        raise Conflict(_("This action item is already closed."), code="closed")
    if status not in (ActionStatus.DONE, ActionStatus.DROPPED):
        raise Conflict(_("Close an action item as done or dropped."), code="bad_status")
    if status == ActionStatus.DROPPED and not reason.strip():
        raise Conflict(_("Give a reason for dropping it."), code="reason_required")
    item.status = status
    item.drop_reason = reason.strip()
    item.closed_on = timezone.localdate()
    item.save(update_fields=["status", "drop_reason", "closed_on", "updated_at"])
    audit.record(
        "action_item.close",
        by=by,
        target=item,
        facility=item.meeting.facility_id,
        changes={"status": status, "reason": reason},
    )
    return item


def overdue_requests(today: datetime.date | None = None) -> Any:
    """Requests waiting over 14 days for an answer, or past their needed-by date."""
    from django.db.models import Q

    today = today or timezone.localdate()
    waiting_since = timezone.now() - datetime.timedelta(days=14)
    return SupportRequest.objects.filter(
        Q(status=R.SUBMITTED, submitted_at__lt=waiting_since)
        | Q(
            status__in=[
                R.SUBMITTED,
                R.ACKNOWLEDGED,
                R.ACCEPTED,
                R.PARTIALLY_ACCEPTED,
                R.IN_DELIVERY,
            ],
            needed_by__lt=today,
        )
    )
