"""What a records page shows for each kind of row behind a figure: the columns that
matter, the person a row is about (if any), and the page the row links to.

The rows themselves come from the catalogue (``Indicator.rows``), defined beside each
figure's computation; this module only lays them out.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sinergi.cooperation.models import Agreement, Commitment, Fulfilment, SupportRequest
from sinergi.core.permissions import has_perm
from sinergi.inmates.models import Inmate, MonthlyAssessment
from sinergi.orgs.models import Partner
from sinergi.programs.models import Attendance, Certificate, Enrollment, Program, Session
from sinergi.proposals.models import Proposal
from sinergi.reintegration.models import FollowUp, Need, Referral, Release

Cell = Callable[[Any], Any]


def _path(row: Any, path: str) -> Any:
    for part in path.split("__") if path else ():
        row = getattr(row, part) if row is not None else None
    return row


def _field(path: str) -> Cell:
    return lambda row: _path(row, path)


def _display(path: str, name: str) -> Cell:
    def cell(row: Any) -> Any:
        owner = _path(row, path)
        return getattr(owner, f"get_{name}_display")() if owner is not None else ""

    return cell


def _names(path: str) -> Cell:
    """The names of a prefetched many-to-many relation, joined."""
    return lambda row: ", ".join(sorted(p.name for p in _path(row, path).all()))


@dataclass(frozen=True)
class Listing:
    person: str | None  # the path from the row to the inmate it is about, "" for an Inmate
    related: tuple[str, ...]
    columns: tuple[tuple[Any, Cell], ...]
    # The record a row links to (the row itself, its session, its agreement...), and
    # whether the link is to that person's reintegration plan rather than the record's page.
    target: Callable[[Any], Model]
    plan: bool = False
    prefetch: tuple[str, ...] = ()
    order: tuple[str, ...] = ("pk",)

    def inmate(self, row: Any) -> Inmate | None:
        if self.person is None:
            return None
        found: Inmate | None = _path(row, self.person)
        return found

    def link(self, row: Any) -> str:
        """The address of the page the row leads to (whoever reads it)."""
        target: Any = self.target(row)
        if self.plan:
            return reverse("reintegration:plan", args=[target.pk])
        url: str = target.get_absolute_url()
        return url

    def links(self, rows: Sequence[Any], user: Any) -> list[str]:
        """Each row's link (:meth:`link`), "" where ``user`` may not open its page: the
        reader of a dashboard is not always a reader of what its figures count (a Kanwil
        reads a facility's figures, not its sessions' rosters; a partner reads neither the
        programs it does not deliver nor the plans). One query per kind of page."""
        targets = [self.target(row) for row in rows]
        by_kind: dict[type[Model], list[Model]] = {}
        for target in targets:
            by_kind.setdefault(type(target), []).append(target)
        opened: set[tuple[type[Model], Any]] = set()
        for model, group in by_kind.items():
            opens = opened_plans if self.plan else OPENERS[model]
            opened |= {(model, pk) for pk in opens(user, group)}
        return [
            self.link(row) if (type(target), target.pk) in opened else ""
            for row, target in zip(rows, targets, strict=True)
        ]


def _row(row: Any) -> Model:
    found: Model = row
    return found


def _at(path: str) -> Callable[[Any], Model]:
    return lambda row: _path(row, path)


# --- who opens which page -------------------------------------------------------------
#
# Each page's own rule, as its view applies it: the records a user reaches (the model's
# ``for_user``), and where the view also asks a permission of the record, that one.

Opener = Callable[[Any, Sequence[Model]], set[Any]]


def _reached(
    model: type[Model],
    rule: str = "",
    related: tuple[str, ...] = (),
    prefetch: tuple[str, ...] = (),
) -> Opener:
    def opens(user: Any, targets: Sequence[Model]) -> set[Any]:
        wanted = {target.pk for target in targets}
        reached = model.objects.for_user(user).filter(pk__in=wanted)  # type: ignore[attr-defined]
        if not rule:
            return set(reached.values_list("pk", flat=True))
        found = reached.select_related(*related).prefetch_related(*prefetch)
        return {record.pk for record in found if has_perm(user, rule, record)}

    return opens


def opened_plans(user: Any, people: Sequence[Model]) -> set[Any]:
    """The people whose reintegration plan page ``user`` opens (the page's own rule,
    ``plans_for``)."""
    from sinergi.reintegration.queries import plans_for

    wanted = {person.pk for person in people}
    return set(plans_for(user).filter(pk__in=wanted).values_list("pk", flat=True))


OPENERS: dict[type[Model], Opener] = {
    Inmate: _reached(Inmate),
    Session: _reached(Session, "programs.view_roster", related=("program",)),
    Program: _reached(
        Program,
        "programs.view_program",
        related=("facility",),
        prefetch=("instructors", "partners"),
    ),
    Agreement: _reached(Agreement),
    SupportRequest: _reached(SupportRequest),
    Partner: _reached(Partner),
    Referral: _reached(Referral),
    Proposal: _reached(Proposal),
}


PROGRAM = _("Program")
PARTNER = _("Partner")
STATUS = _("Status")

LISTINGS: dict[type[Model], Listing] = {
    Inmate: Listing(
        person="",
        related=("facility",),
        columns=((_("Facility"), _field("facility__name")),),
        target=_row,
        order=("name", "pk"),
    ),
    Attendance: Listing(
        person="enrollment__inmate",
        related=("enrollment__inmate", "session__program"),
        columns=(
            (PROGRAM, _field("session__program__title")),
            (_("Session date"), _field("session__date")),
            (_("Attendance"), _display("", "status")),
        ),
        target=_at("session"),
        order=("session__date", "session_id", "pk"),
    ),
    Enrollment: Listing(
        person="inmate",
        related=("inmate", "program"),
        columns=(
            (PROGRAM, _field("program__title")),
            (_("Enrolled on"), _field("enrolled_on")),
            (_("Ended on"), _field("ended_on")),
        ),
        target=_at("program"),
        order=("ended_on", "pk"),
    ),
    Certificate: Listing(
        person="enrollment__inmate",
        related=("enrollment__inmate", "enrollment__program"),
        columns=(
            (PROGRAM, _field("enrollment__program__title")),
            (_("Certificate code"), _field("code")),
            (_("Issued on"), _field("issued_on")),
        ),
        target=_at("enrollment__program"),
        order=("issued_on", "pk"),
    ),
    Agreement: Listing(
        person=None,
        related=(),
        prefetch=("partners",),
        columns=(
            (_("Agreement"), _field("title")),
            (_("Partners"), _names("partners")),
            (_("Start date"), _field("start_date")),
            (_("End date"), _field("end_date")),
        ),
        target=_row,
        order=("start_date", "pk"),
    ),
    Commitment: Listing(
        person=None,
        related=("agreement", "partner"),
        columns=(
            (_("Commitment"), _field("description")),
            (_("Agreement"), _field("agreement__title")),
            (PARTNER, _field("partner__name")),
            (_("Due date"), _field("due_date")),
        ),
        target=_at("agreement"),
        order=("due_date", "pk"),
    ),
    SupportRequest: Listing(
        person=None,
        related=("partner",),
        columns=(
            (_("Request"), _field("title")),
            (PARTNER, _field("partner__name")),
            (_("Kind"), _display("", "kind")),
            (STATUS, _display("", "status")),
            (_("Submitted at"), _field("submitted_at")),
        ),
        target=_row,
        order=("submitted_at", "pk"),
    ),
    Fulfilment: Listing(
        person=None,
        related=("partner", "request", "commitment__agreement"),
        columns=(
            (_("What was delivered"), _field("description")),
            (PARTNER, _field("partner__name")),
            (_("Delivered on"), _field("delivered_on")),
        ),
        target=lambda row: row.request or row.commitment.agreement,
        order=("delivered_on", "pk"),
    ),
    Partner: Listing(
        person=None,
        related=(),
        columns=((PARTNER, _field("name")),),
        target=_row,
        order=("name", "pk"),
    ),
    Release: Listing(
        person="inmate",
        related=("inmate",),
        columns=(
            (_("Released on"), _field("released_on")),
            (_("Kind"), _display("", "kind")),
        ),
        target=_at("inmate"),
        plan=True,
        order=("released_on", "pk"),
    ),
    Need: Listing(
        person="plan__inmate",
        related=("plan__inmate", "partner"),
        columns=(
            (_("Pathway"), _display("", "pathway")),
            (PARTNER, _field("partner__name")),
            (STATUS, _display("", "status")),
        ),
        target=_at("plan__inmate"),
        plan=True,
        order=("plan__inmate__name", "pk"),
    ),
    Referral: Listing(
        person="inmate",
        related=("inmate", "partner"),
        columns=(
            (PARTNER, _field("partner__name")),
            (_("What is asked"), _field("purpose")),
            (STATUS, _display("", "status")),
        ),
        target=_row,
        order=("created_at", "pk"),
    ),
    FollowUp: Listing(
        person="release__inmate",
        related=("release__inmate",),
        columns=(
            (_("Due on"), _field("due_on")),
            (_("Done on"), _field("done_on")),
            (_("Work"), _display("", "work_status")),
        ),
        target=_at("release__inmate"),
        plan=True,
        order=("due_on", "pk"),
    ),
    Proposal: Listing(
        person="inmate",
        related=("inmate",),
        columns=(
            (_("Right"), _display("", "right")),
            (_("Eligible on"), _field("eligible_on")),
            (_("SK date"), _field("sk_date")),
            (_("Released on"), _field("released_on")),
        ),
        target=_row,
        order=("eligible_on", "pk"),
    ),
    MonthlyAssessment: Listing(
        person="inmate",
        related=("inmate",),
        columns=((_("Month"), _field("month")),),
        target=_at("inmate"),
        order=("month", "pk"),
    ),
}


def listing_for(rows: QuerySet[Any]) -> Listing:
    return LISTINGS[rows.model]


def prepared(rows: QuerySet[Any]) -> QuerySet[Any]:
    """``rows`` with what the page shows fetched in a fixed number of queries."""
    listing = listing_for(rows)
    return (
        rows.select_related(*listing.related)
        .prefetch_related(*listing.prefetch)
        .order_by(*listing.order)
    )


def as_number(value: Any) -> Any:
    """A figure's part as the catalogue counts it: a duration in days."""
    if isinstance(value, datetime.timedelta):
        return Decimal(str(value.total_seconds() / 86400))
    return value


def contribution_of(row: Any, field: str) -> Any:
    """What a row adds to a sum, an average or a median (a wait in days)."""
    return as_number(getattr(row, field))
