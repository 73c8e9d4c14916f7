"""Writes on the facility's review board (sidang TPP): recording a meeting (date, place,
chair, members, minutes number), correcting it, and recording the board's
recommendation on each proposal it discussed.

Every write is atomic, attributed (``by=``), permission-checked through the rules
(``proposals.record_tpp_meeting``: the facility's program officers and head) and
audited. Only a proposal at the ``tpp`` stage of the meeting's facility is discussed;
a recommendation is recorded once the meeting has been held, and stays as it is once the
proposal has moved on (409). The proposal's move to the Kanwil or the Directorate
General (``actions.py``) then needs the last recommendation to be "recommended".
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sinergi.accounts.models import User
from sinergi.core import audit
from sinergi.core.bounds import EARLIEST_DATE
from sinergi.core.errors import Conflict
from sinergi.core.permissions import require_perm
from sinergi.inmates.reminders import facility_staff
from sinergi.proposals.choices import Recommendation, Stage
from sinergi.proposals.models import MAX_REFERENCE, Proposal, TppDecision, TppMeeting

MAX_PLACE = 200
MAX_MEMBERS = 2_000
MAX_MEMBER_LINES = 30
MAX_NOTES = 5_000
MAX_DECISION_NOTE = 2_000
# A meeting may be planned up to a year ahead.
MAX_DAYS_AHEAD = 366
MEETING_FIELDS = ("held_on", "place", "chair", "members", "minutes_number", "notes")
PERMISSION_MESSAGE = gettext_lazy(
    "Only the facility's program officers and head record its sidang TPP."
)


def chairs_for(facility: Any) -> Any:
    """The users who may chair a facility's sidang TPP: its active staff (program
    officers, head, wali)."""
    return facility_staff(facility.pk).order_by("full_name", "username")


def member_lines(members: str) -> list[str]:
    """The members, one a line, blank lines left out."""
    return [line.strip() for line in (members or "").splitlines() if line.strip()]


def _text(values: Mapping[str, Any], name: str) -> str:
    value = values.get(name)
    return value.strip() if isinstance(value, str) else ""


def meeting_errors(*, facility: Any, values: Mapping[str, Any]) -> dict[str, list[str]]:
    """The problems of a meeting's values, by field (none when they are fine)."""
    errors: dict[str, list[str]] = {}
    unknown = set(values) - set(MEETING_FIELDS)
    for name in sorted(unknown):
        errors[name] = [_("A meeting has no such field.")]
    held_on = values.get("held_on")
    latest = facility.today() + datetime.timedelta(days=MAX_DAYS_AHEAD)
    if not isinstance(held_on, datetime.date):
        errors["held_on"] = [_("Enter the date of the meeting.")]
    elif held_on < EARLIEST_DATE or held_on > latest:
        errors["held_on"] = [
            _("Enter a date from %(earliest)s to %(latest)s.")
            % {
                "earliest": date_format(EARLIEST_DATE, "DATE_FORMAT"),
                "latest": date_format(latest, "DATE_FORMAT"),
            }
        ]
    limits = {
        "place": MAX_PLACE,
        "members": MAX_MEMBERS,
        "minutes_number": MAX_REFERENCE,
        "notes": MAX_NOTES,
    }
    for name, limit in limits.items():
        value = values.get(name)
        if value is not None and not isinstance(value, str):
            errors[name] = [_("Enter text.")]
        elif value and len(value.strip()) > limit:
            errors[name] = [_("At most %(n)s characters.") % {"n": limit}]
    if "members" not in errors and len(member_lines(_text(values, "members"))) > MAX_MEMBER_LINES:
        errors["members"] = [_("At most %(n)s members.") % {"n": MAX_MEMBER_LINES}]
    chair = values.get("chair")
    if chair is not None and (
        not isinstance(chair, User) or not chairs_for(facility).filter(pk=chair.pk).exists()
    ):
        errors["chair"] = [
            _("Choose a member of the staff of %(facility)s.") % {"facility": facility}
        ]
    return errors


def _cleaned(values: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "held_on": values["held_on"],
        "place": _text(values, "place"),
        "chair": values.get("chair"),
        "members": "\n".join(member_lines(_text(values, "members"))),
        "minutes_number": _text(values, "minutes_number"),
        "notes": _text(values, "notes"),
    }


@transaction.atomic
def record_meeting(*, facility: Any, values: Mapping[str, Any], by: User) -> TppMeeting:
    """Record a sidang TPP of ``facility``: ``held_on`` (required), ``place``, ``chair``
    (one of the facility's staff), ``members`` (one a line), ``minutes_number``,
    ``notes``."""
    require_perm(
        by,
        "proposals.record_tpp_meeting",
        TppMeeting(facility=facility),
        message=PERMISSION_MESSAGE,
    )
    errors = meeting_errors(facility=facility, values=values)
    if errors:
        raise ValidationError(errors)
    meeting = TppMeeting(facility=facility, created_by=by, **_cleaned(values))
    meeting._history_user = by  # type: ignore[attr-defined]
    meeting.save()
    audit.record(
        "tpp.create",
        by=by,
        target=meeting,
        facility=facility.pk,
        changes={name: getattr(meeting, name) for name in MEETING_FIELDS},
    )
    return meeting


@transaction.atomic
def update_meeting(*, meeting: TppMeeting, values: Mapping[str, Any], by: User) -> TppMeeting:
    """Correct a meeting's values (the same rules as :func:`record_meeting`); a meeting
    with recommendations keeps a date on or before the facility's today."""
    meeting = (
        TppMeeting.objects.select_for_update(of=("self",))
        .select_related("facility")
        .get(pk=meeting.pk)
    )
    require_perm(by, "proposals.record_tpp_meeting", meeting, message=PERMISSION_MESSAGE)
    errors = meeting_errors(facility=meeting.facility, values=values)
    held_on = values.get("held_on")
    if (
        "held_on" not in errors
        and isinstance(held_on, datetime.date)
        and held_on > meeting.facility.today()
        and meeting.decisions.exists()
    ):
        errors["held_on"] = [
            _("The board's recommendations are recorded: the meeting has been held.")
        ]
    if "held_on" not in errors and isinstance(held_on, datetime.date):
        for decision in meeting.decisions.select_related("proposal__inmate"):
            reached = _reached_tpp_on(decision.proposal)
            if reached is not None and held_on < reached:
                errors["held_on"] = [
                    _before_tpp_message(decision.proposal.inmate.name, held_on, reached)
                ]
                break
    if errors:
        raise ValidationError(errors)
    cleaned = _cleaned(values)
    changes = audit.diff(meeting, cleaned)
    if not changes:
        return meeting
    for name, value in cleaned.items():
        setattr(meeting, name, value)
    meeting._history_user = by  # type: ignore[attr-defined]
    meeting.save(update_fields=[*cleaned, "updated_at"])
    audit.record("tpp.update", by=by, target=meeting, facility=meeting.facility_id, changes=changes)
    return meeting


def candidates(meeting: TppMeeting) -> Any:
    """The proposals a meeting may discuss: its facility's proposals at the ``tpp``
    stage since the meeting's day or earlier, by name."""
    return (
        Proposal.objects.filter(
            facility_id=meeting.facility_id, stage=Stage.TPP, stage_since__lte=meeting.held_on
        )
        .select_related("inmate")
        .order_by("inmate__name", "id")
    )


def _reached_tpp_on(proposal: Proposal) -> datetime.date | None:
    """The day ``proposal`` reached the sidang TPP stage (its move's date), None if it
    never did."""
    if proposal.stage == Stage.TPP:
        return proposal.stage_since
    found: datetime.date | None = (
        proposal.events.filter(to_stage=Stage.TPP).order_by("-on").values_list("on", flat=True)
    ).first()
    return found


def _before_tpp_message(name: str, held_on: datetime.date, reached: datetime.date) -> str:
    return _(
        "The meeting's date (%(held)s) is before %(name)s's proposal reached the sidang "
        "TPP stage (%(reached)s): the board discusses it at a meeting held on or after "
        "that day."
    ) % {
        "held": date_format(held_on, "DATE_FORMAT"),
        "name": name,
        "reached": date_format(reached, "DATE_FORMAT"),
    }


def decision_errors(
    *, meeting: TppMeeting, proposal: Proposal, recommendation: str, note: str
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if proposal.facility_id != meeting.facility_id:
        errors["proposal"] = [_("Choose a proposal of the meeting's facility.")]
    if recommendation not in Recommendation.values:
        errors["recommendation"] = [_("Choose recommended, postponed or not recommended.")]
    text = (note or "").strip()
    if len(text) > MAX_DECISION_NOTE:
        errors["note"] = [_("At most %(n)s characters.") % {"n": MAX_DECISION_NOTE}]
    elif recommendation == Recommendation.NOT_RECOMMENDED and not text:
        errors["note"] = [_("Say why the board does not recommend the proposal.")]
    reached = _reached_tpp_on(proposal) if proposal.stage == Stage.TPP else None
    if reached is not None and meeting.held_on < reached:
        errors["held_on"] = [_before_tpp_message(proposal.inmate.name, meeting.held_on, reached)]
    return errors


def _lock(meeting: TppMeeting, proposal: Proposal) -> tuple[TppMeeting, Proposal]:
    locked_meeting = (
        TppMeeting.objects.select_for_update(of=("self",))
        .select_related("facility")
        .get(pk=meeting.pk)
    )
    locked_proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("inmate")
        .get(pk=proposal.pk)
    )
    return locked_meeting, locked_proposal


def _must_be_open_for(meeting: TppMeeting, proposal: Proposal) -> None:
    if proposal.stage != Stage.TPP:
        raise Conflict(
            _("Only a proposal at the sidang TPP stage is discussed; %(name)s's is at “%(stage)s”.")
            % {"name": proposal.inmate.name, "stage": proposal.get_stage_display()},
            code="not_at_tpp",
        )
    if meeting.held_on > meeting.facility.today():
        raise Conflict(
            _("The meeting is on %(date)s: record its recommendations once it is held.")
            % {"date": date_format(meeting.held_on, "DATE_FORMAT")},
            code="meeting_not_held",
        )


@transaction.atomic
def record_decision(
    *,
    meeting: TppMeeting,
    proposal: Proposal,
    recommendation: str,
    by: User,
    note: str = "",
) -> TppDecision:
    """Record (or correct) the board's recommendation on ``proposal`` at ``meeting``:
    recommended, postponed, or not recommended (with the reason in ``note``)."""
    meeting, proposal = _lock(meeting, proposal)
    require_perm(by, "proposals.record_tpp_meeting", meeting, message=PERMISSION_MESSAGE)
    errors = decision_errors(
        meeting=meeting, proposal=proposal, recommendation=recommendation, note=note
    )
    if errors:
        raise ValidationError(errors)
    _must_be_open_for(meeting, proposal)
    text = (note or "").strip()
    decision = TppDecision.objects.filter(meeting=meeting, proposal=proposal).first()
    changes: dict[str, Any]
    if decision is None:
        decision = TppDecision(
            meeting=meeting, proposal=proposal, recommendation=recommendation, note=text
        )
        decision._history_user = by  # type: ignore[attr-defined]
        decision.save()
        changes = {
            "proposal": proposal.pk,
            "recommendation": [None, recommendation],
            "note": text,
        }
    else:
        values = {"recommendation": recommendation, "note": text}
        changes = dict(audit.diff(decision, values))
        if not changes:
            return decision
        decision.recommendation = recommendation
        decision.note = text
        decision._history_user = by  # type: ignore[attr-defined]
        decision.save(update_fields=["recommendation", "note", "updated_at"])
        changes["proposal"] = proposal.pk
    audit.record(
        "tpp.decision", by=by, target=meeting, facility=meeting.facility_id, changes=changes
    )
    return decision


@transaction.atomic
def remove_decision(*, decision: TppDecision, by: User) -> None:
    """Take a proposal off a meeting's record (recorded by mistake), while the proposal
    is still at the sidang TPP stage."""
    meeting, proposal = _lock(decision.meeting, decision.proposal)
    require_perm(by, "proposals.record_tpp_meeting", meeting, message=PERMISSION_MESSAGE)
    if proposal.stage != Stage.TPP:
        raise Conflict(
            _("The proposal has moved on from the sidang TPP: its recommendation stays."),
            code="not_at_tpp",
        )
    recommendation = decision.recommendation
    doomed = TppDecision.objects.get(pk=decision.pk)
    doomed._history_user = by  # type: ignore[attr-defined]
    doomed.delete()
    audit.record(
        "tpp.decision_remove",
        by=by,
        target=meeting,
        facility=meeting.facility_id,
        changes={"proposal": proposal.pk, "recommendation": [recommendation, None]},
    )
