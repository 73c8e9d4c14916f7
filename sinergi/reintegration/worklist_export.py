"""The release worklist as an XLSX file: the page's filters, one row per person (their
open needs and referrals summarised in the row), headers in the reader's language,
written through :func:`sinergi.core.exports.table_xlsx`."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from sinergi.core import exports
from sinergi.core.lookups import batches_in_order
from sinergi.reintegration.queries import (
    open_needs_of,
    open_referrals_of,
    wali_name_of,
    with_summaries,
)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def headers() -> list[str]:
    return [
        _("Name"),
        _("Registration number"),
        _("Facility"),
        _("Wali"),
        _("Release (after remisi)"),
        _("Earliest right"),
        _("Plan"),
        _("Open needs"),
        _("Needs still open"),
        _("Referrals under way"),
    ]


def plan_text(inmate: Any) -> str:
    if not inmate.has_plan:
        return _("No plan yet")
    return _("Needs still open") if inmate.needs_open else _("Every need settled")


def needs_text(inmate: Any) -> str:
    needs = open_needs_of(inmate)
    return "; ".join(f"{n.get_pathway_display()} ({n.get_status_display()})" for n in needs)


def referrals_text(inmate: Any) -> str:
    referrals = open_referrals_of(inmate)
    return "; ".join(f"{r.partner.name}: {r.purpose} ({r.get_status_display()})" for r in referrals)


def row_values(inmate: Any) -> list[Any]:
    return [
        inmate.name,
        inmate.registration_number,
        inmate.facility.name,
        wali_name_of(inmate) or "",
        inmate.sentence.expiry_after_remission,
        inmate.earliest_right,
        plan_text(inmate),
        inmate.open_needs,
        needs_text(inmate),
        referrals_text(inmate),
    ]


# People read per statement when the file is written (the list is read by id, a batch at
# a time: see ``batches_in_order``).
BATCH = 1000


def _rows(people: Any) -> Iterator[list[Any]]:
    for batch in batches_in_order(with_summaries(people), BATCH):
        yield from (row_values(inmate) for inmate in batch)


def build(people: Any, *, user: Any, today: datetime.date, days: int) -> bytes:
    """The workbook of ``people`` (a :func:`worklist_queryset`), every row, for ``user``
    (the title names their unit and the days ahead the list looks)."""
    period = _("Released within %(days)s days, until %(date)s") % {
        "days": days,
        "date": (today + datetime.timedelta(days=days)).strftime("%d/%m/%Y"),
    }
    return exports.table_xlsx(
        exports.Heading.of(_("Release preparation"), exports.unit_of_user(user), period),
        [exports.Column(header) for header in headers()],
        _rows(people),
        frozen_columns=2,
    )
