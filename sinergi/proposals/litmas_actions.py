"""Writes on Litmas requests, the Bapas's side: assigning a probation officer (PK),
keeping the Litmas the PK uploads, and submitting it with its recommendation.

The facility asks for the Litmas when it moves a proposal from documents to litmas
(``actions.py`` creates the :class:`~sinergi.proposals.models.LitmasRequest`); from then
on the request belongs to the Bapas it names. Every write here is atomic, attributed
(``by=``), permission-checked through the rules (``rules.py``, ``rules_bapas.py``) and
audited; a request no longer open (submitted, cancelled) is a 409.

Who reaches which requests is :func:`requests_for`: the facility's staff and its
region's viewers the requests of its proposals, a Bapas's PKs and head the requests to
their Bapas, administrators all; anything else is a 404.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sinergi.accounts.models import User
from sinergi.accounts.notify import Text, notify
from sinergi.cooperation.queries import facility_staff
from sinergi.cooperation.validators import validate_evidence
from sinergi.core import audit
from sinergi.core.errors import Conflict
from sinergi.core.permissions import has_perm, require_perm
from sinergi.core.roles import Role
from sinergi.programs.days_off import days_off
from sinergi.proposals import clocks, rules_bapas
from sinergi.proposals.choices import DocumentKind, LitmasStatus
from sinergi.proposals.models import LitmasRequest, ProposalDocument
from sinergi.reintegration.actions import probation_officers

MAX_RECOMMENDATION = 2_000
MAX_FILE_NAME = 150


# --- what a user reaches -----------------------------------------------------------------


def requests_for(user: Any) -> QuerySet[LitmasRequest]:
    """The Litmas requests ``user`` reaches: those of ``LitmasRequest.objects.for_user``
    (facility staff, region viewers, the PKs of the Bapas asked, administrators) and the
    requests to a Bapas the user heads."""
    rows = LitmasRequest.objects.for_user(user)
    headed = rules_bapas.bapas_headed_by(user)
    if headed:
        rows = LitmasRequest.objects.filter(Q(pk__in=rows.values("pk")) | Q(bapas_id__in=headed))
    return rows


def with_officer_username(rows: QuerySet[LitmasRequest]) -> QuerySet[LitmasRequest]:
    """``rows`` with ``officer_username``: the username of the PK each is assigned to (None
    when none), read in the same statement."""
    officer = User.objects.filter(pk=OuterRef("officer_id")).values("username")[:1]
    return rows.annotate(officer_username=Subquery(officer))


def is_overdue(litmas: LitmasRequest, today: datetime.date) -> bool:
    """Still open and its due date (the last day) is behind: from the calendar day after."""
    return litmas.status == LitmasStatus.REQUESTED and litmas.due_on < today


def days_overdue(
    litmas: LitmasRequest,
    today: datetime.date,
    holidays: Collection[datetime.date] | None = None,
) -> int:
    """Working days past the due date of a request still open, as the due date itself is
    set in working days: the Bapas's days off (national and its own; ``holidays`` when
    the caller has them) are not counted. 0 when not overdue, and on the days off right
    after the due date (overdue, by 0 working days: see ``is_overdue``)."""
    if not is_overdue(litmas, today):
        return 0
    if holidays is None:
        holidays = days_off(litmas.bapas)
    return clocks.working_days_between(litmas.due_on, today, holidays)


def officers_of(bapas: Any) -> QuerySet[User]:
    """The users a request to ``bapas`` may be assigned to: its active PKs."""
    result: QuerySet[User] = probation_officers(bapas)
    return result


def may_assign(user: Any, litmas: LitmasRequest) -> bool:
    return has_perm(user, "proposals.assign_litmas", litmas)


def may_take(user: Any, litmas: LitmasRequest) -> bool:
    """A PK of the Bapas may take an open request that nobody has yet."""
    return (
        litmas.status == LitmasStatus.REQUESTED
        and litmas.officer_id is None
        and has_perm(user, "proposals.submit_litmas", litmas)
    )


def may_submit(user: Any, litmas: LitmasRequest) -> bool:
    """The PK of the Bapas the request is assigned to (or any of its PKs while it is
    unassigned) submits it while it is open."""
    return (
        litmas.status == LitmasStatus.REQUESTED
        and litmas.officer_id in (None, getattr(user, "pk", None))
        and has_perm(user, "proposals.submit_litmas", litmas)
    )


# --- writes ------------------------------------------------------------------------------


def _locked(litmas: LitmasRequest) -> LitmasRequest:
    found: LitmasRequest = (
        LitmasRequest.objects.select_for_update(of=("self",))
        .select_related("bapas", "proposal__inmate", "proposal__facility", "officer", "document")
        .get(pk=litmas.pk)
    )
    return found


def _must_be_open(litmas: LitmasRequest) -> None:
    if litmas.status != LitmasStatus.REQUESTED:
        raise Conflict(
            _("This Litmas request is %(status)s: it is no longer open.")
            % {"status": litmas.get_status_display().lower()},
            code="litmas_not_open",
        )


def _detail_url(litmas: LitmasRequest) -> str:
    return reverse("proposals:litmas_detail", args=[litmas.pk])


@transaction.atomic
def assign_officer(*, litmas: LitmasRequest, officer: User, by: User) -> LitmasRequest:
    """Give the request to ``officer``, one of its Bapas's PKs: the Bapas's head (or an
    administrator) assigns any request still open; a PK takes one nobody has yet. The
    officer is notified (unless they took it themselves)."""
    litmas = _locked(litmas)
    taking = officer.pk == by.pk and may_take(by, litmas)
    if not taking:
        require_perm(
            by,
            "proposals.assign_litmas",
            litmas,
            message=_(
                "Only the head of the Bapas assigns a Litmas; a probation officer of the "
                "Bapas may take one that nobody has yet."
            ),
        )
    _must_be_open(litmas)
    if not officers_of(litmas.bapas).filter(pk=officer.pk).exists():
        raise ValidationError(
            {"officer": [_("Choose a probation officer of %(bapas)s.") % {"bapas": litmas.bapas}]}
        )
    if litmas.officer_id == officer.pk:
        return litmas
    previous = litmas.officer_id
    litmas.officer = officer
    litmas._history_user = by  # type: ignore[attr-defined]
    litmas.save(update_fields=["officer", "updated_at"])
    audit.record(
        "litmas.assign",
        by=by,
        target=litmas,
        facility=litmas.bapas_id,
        changes={"officer": [previous, officer.pk], "taken": taking},
    )
    if not taking:
        notify(
            [officer],
            title=Text(
                gettext_lazy("Litmas to write for %(name)s, due %(due)s"),
                name=litmas.proposal.inmate.name,
                due=litmas.due_on,
            ),
            body=Text(
                gettext_lazy("%(facility)s asked %(bapas)s for a Litmas (%(right)s)."),
                facility=litmas.proposal.facility.name,
                bapas=litmas.bapas.name,
                right=litmas.proposal.get_right_display(),
            ),
            url=_detail_url(litmas),
            key=f"litmas-assigned-{litmas.pk}-{officer.pk}",
        )
    return litmas


def _document_problems(upload: Any) -> list[str]:
    try:
        validate_evidence(upload)
    except ValidationError as exc:
        return [str(m) for m in exc.messages]
    if len(getattr(upload, "name", "") or "") > MAX_FILE_NAME:
        return [_("The file's name is longer than %(n)s characters.") % {"n": MAX_FILE_NAME}]
    return []


def _keep_document(litmas: LitmasRequest, upload: Any, by: User) -> ProposalDocument:
    """The uploaded Litmas as a document of the proposal's dossier (kind ``litmas``)."""
    document = ProposalDocument(
        proposal=litmas.proposal,
        kind=DocumentKind.LITMAS,
        received_on=litmas.bapas.today(),
        uploaded_by=by,
        note=_("Litmas by %(bapas)s") % {"bapas": litmas.bapas.name},
    )
    document.file.save(upload.name, upload, save=False)
    document._history_user = by  # type: ignore[attr-defined]
    document.save()
    return document


def _check_submitter(litmas: LitmasRequest, by: User) -> None:
    require_perm(
        by,
        "proposals.submit_litmas",
        litmas,
        message=_("Only the probation officers of the Bapas the Litmas was asked of."),
    )
    _must_be_open(litmas)
    if litmas.officer_id not in (None, by.pk):
        raise Conflict(
            _("This Litmas is assigned to %(name)s: only they upload and submit it.")
            % {"name": litmas.officer.get_full_name() if litmas.officer else ""},
            code="litmas_assigned_elsewhere",
        )


@transaction.atomic
def attach_document(*, litmas: LitmasRequest, upload: Any, by: User) -> LitmasRequest:
    """Keep the Litmas file (PDF, JPEG or PNG, its content checked) on an open request,
    without submitting it yet; a later upload replaces it. The PK who uploads takes the
    request if nobody had it."""
    litmas = _locked(litmas)
    _check_submitter(litmas, by)
    if upload is None:
        raise ValidationError({"document": [_("Choose the Litmas file.")]})
    problems = _document_problems(upload)
    if problems:
        raise ValidationError({"document": problems})
    previous = litmas.document.file.name if litmas.document else ""
    litmas.document = _keep_document(litmas, upload, by)
    litmas.officer = litmas.officer or by
    litmas._history_user = by  # type: ignore[attr-defined]
    litmas.save(update_fields=["document", "officer", "updated_at"])
    audit.record(
        "litmas.upload",
        by=by,
        target=litmas,
        facility=litmas.bapas_id,
        changes={"document": [previous, litmas.document.file.name]},
    )
    return litmas


def submission_errors(
    *, litmas: LitmasRequest, recommendation: str, upload: Any
) -> dict[str, list[str]]:
    """The problems of a submission, by field: the recommendation is written (at most
    2,000 characters) and the Litmas is uploaded now or was before."""
    errors: dict[str, list[str]] = {}
    text = (recommendation or "").strip()
    if not text:
        errors["recommendation"] = [_("Write the Litmas's recommendation.")]
    elif len(text) > MAX_RECOMMENDATION:
        errors["recommendation"] = [_("At most %(n)s characters.") % {"n": MAX_RECOMMENDATION}]
    if upload is not None:
        problems = _document_problems(upload)
        if problems:
            errors["document"] = problems
    elif litmas.document_id is None:
        errors["document"] = [_("Upload the Litmas (PDF, JPG or PNG) before submitting it.")]
    return errors


@transaction.atomic
def submit_litmas(
    *, litmas: LitmasRequest, recommendation: str, by: User, upload: Any = None
) -> LitmasRequest:
    """Submit the Litmas: its file (uploaded now, or kept before by
    :func:`attach_document`) and its recommendation. The request becomes ``submitted`` on
    the Bapas's today, the PK who submits is its officer, and the facility's officers
    (and whoever asked) are notified. The proposal's move to the sidang TPP is the
    facility's (``actions.py``)."""
    litmas = _locked(litmas)
    _check_submitter(litmas, by)
    errors = submission_errors(litmas=litmas, recommendation=recommendation, upload=upload)
    if errors:
        raise ValidationError(errors)
    if upload is not None:
        litmas.document = _keep_document(litmas, upload, by)
    litmas.recommendation = recommendation.strip()
    litmas.status = LitmasStatus.SUBMITTED
    litmas.submitted_on = litmas.bapas.today()
    litmas.officer = litmas.officer or by
    litmas._history_user = by  # type: ignore[attr-defined]
    litmas.save(
        update_fields=[
            "document",
            "recommendation",
            "status",
            "submitted_on",
            "officer",
            "updated_at",
        ]
    )
    document = litmas.document
    audit.record(
        "litmas.submit",
        by=by,
        target=litmas,
        facility=litmas.bapas_id,
        changes={
            "status": [LitmasStatus.REQUESTED, LitmasStatus.SUBMITTED],
            "submitted_on": litmas.submitted_on,
            "document": document.file.name if document else "",
            "recommendation": litmas.recommendation,
        },
    )
    _notify_facility(litmas)
    return litmas


def _notify_facility(litmas: LitmasRequest) -> None:
    proposal = litmas.proposal
    recipients = list(facility_staff(proposal.facility_id))
    if litmas.requested_by is not None and litmas.requested_by not in recipients:
        recipients.append(litmas.requested_by)
    notify(
        recipients,
        title=Text(
            gettext_lazy("Litmas received for %(name)s"),
            name=proposal.inmate.name,
        ),
        body=Text(
            gettext_lazy(
                "%(bapas)s submitted the Litmas (%(right)s) on %(date)s. Recommendation: "
                "%(recommendation)s"
            ),
            bapas=litmas.bapas.name,
            right=proposal.get_right_display(),
            date=litmas.submitted_on,
            recommendation=litmas.recommendation[:300],
        ),
        url=_detail_url(litmas),
        key=f"litmas-submitted-{litmas.pk}",
    )


def notify_requested(litmas: LitmasRequest) -> None:
    """Tell a Bapas's PKs and head that a Litmas was asked of it (for the action that
    creates the request to call once it is saved)."""
    users = User.objects.filter(
        is_active=True,
        memberships__facility_id=litmas.bapas_id,
        memberships__role__in=(Role.PROBATION_OFFICER, Role.HEAD),
        memberships__is_active=True,
    ).distinct()
    notify(
        users,
        title=Text(
            gettext_lazy("Litmas requested for %(name)s, due %(due)s"),
            name=litmas.proposal.inmate.name,
            due=litmas.due_on,
        ),
        body=Text(
            gettext_lazy("%(facility)s asks for a Litmas (%(right)s)."),
            facility=litmas.proposal.facility.name,
            right=litmas.proposal.get_right_display(),
        ),
        url=_detail_url(litmas),
        key=f"litmas-requested-{litmas.pk}",
    )


def in_list_order(rows: QuerySet[LitmasRequest]) -> QuerySet[LitmasRequest]:
    """The order of the Litmas lists (the page and the API): the open requests first by
    due date (so the most overdue lead), then the others, the latest submitted first;
    with each Bapas's own holidays, for the working days overdue (one query)."""
    from django.db.models import Case, IntegerField, Value, When

    return (
        rows.annotate(
            open_first=Case(
                When(status=LitmasStatus.REQUESTED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .prefetch_related("bapas__holidays")
        .order_by("open_first", "due_on", "-submitted_on", "id")
    )
