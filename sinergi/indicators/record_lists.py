"""What a records page shows for each kind of row behind a figure: the columns that
matter, the person a row is about (if any), and the page the row links to.

The rows themselves come from the catalogue (``Indicator.rows``), defined beside each
figure's computation; this module only lays them out.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sinergi.cooperation.models import Agreement, Commitment, Fulfilment, SupportRequest
from sinergi.inmates.models import Inmate, MonthlyAssessment
from sinergi.orgs.models import Partner
from sinergi.programs.models import Attendance, Certificate, Enrollment
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
    link: Callable[[Any], str]
    prefetch: tuple[str, ...] = ()
    order: tuple[str, ...] = ("pk",)

    def inmate(self, row: Any) -> Inmate | None:
        if self.person is None:
            return None
        found: Inmate | None = _path(row, self.person)
        return found


def _url(row: Any) -> str:
    url: str = row.get_absolute_url()
    return url


def _inmate_url(path: str) -> Callable[[Any], str]:
    return lambda row: reverse("inmates:detail", args=[_path(row, path).pk])


def _plan_url(path: str) -> Callable[[Any], str]:
    return lambda row: reverse("reintegration:plan", args=[_path(row, path).pk])


PROGRAM = _("Program")
PARTNER = _("Partner")
STATUS = _("Status")

LISTINGS: dict[type[Model], Listing] = {
    Inmate: Listing(
        person="",
        related=("facility",),
        columns=((_("Facility"), _field("facility__name")),),
        link=_url,
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
        link=lambda row: row.session.get_absolute_url(),
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
        link=lambda row: row.program.get_absolute_url(),
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
        link=lambda row: row.enrollment.program.get_absolute_url(),
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
        link=_url,
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
        link=lambda row: row.agreement.get_absolute_url(),
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
        link=_url,
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
        link=lambda row: (row.request or row.commitment.agreement).get_absolute_url(),
        order=("delivered_on", "pk"),
    ),
    Partner: Listing(
        person=None,
        related=(),
        columns=((PARTNER, _field("name")),),
        link=_url,
        order=("name", "pk"),
    ),
    Release: Listing(
        person="inmate",
        related=("inmate",),
        columns=(
            (_("Released on"), _field("released_on")),
            (_("Kind"), _display("", "kind")),
        ),
        link=_plan_url("inmate"),
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
        link=_plan_url("plan__inmate"),
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
        link=_url,
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
        link=_plan_url("release__inmate"),
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
        link=_url,
        order=("eligible_on", "pk"),
    ),
    MonthlyAssessment: Listing(
        person="inmate",
        related=("inmate",),
        columns=((_("Month"), _field("month")),),
        link=_inmate_url("inmate"),
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
