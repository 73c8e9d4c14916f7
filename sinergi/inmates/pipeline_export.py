"""The rights pipeline as an XLSX file: the page's filters, one row per person, headers in
the reader's language, written through :mod:`sinergi.core.exports` (no cell runs as a
formula)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

from sinergi.core import exports
from sinergi.inmates import pipeline
from sinergi.inmates.choices import Right

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def headers(with_stages: bool) -> list[str]:
    found = [
        _("Name"),
        _("Registration number"),
        _("Facility"),
        _("Wali"),
        _("Earliest right"),
        _("Days waiting"),
        _("Days held past release date"),
    ]
    if with_stages:
        found += [_("Could have been proposed earlier"), _("Not proposed for (days)")]
    for _value, label in Right.choices:
        found += [
            f"{label}: {_('status')}",
            f"{label}: {_('date')}",
        ]
        if with_stages:
            found += [
                f"{label}: {_('stage')}",
                f"{label}: {_('days waiting')}",
                f"{label}: {_('last proposal')}",
            ]
    return found


def _day(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def closed_text(item: pipeline.RightRow) -> str | None:
    """The refused or withdrawn last proposal, in words: stage, date, reason, decree."""
    closed = item.closed
    if closed is None:
        return None
    parts = [f"{closed.label} {_day(closed.on)}"]
    if closed.reason:
        parts[0] += f": {closed.reason}"
    if closed.sk_number:
        parts.append(f"SK {closed.sk_number} {_day(closed.sk_date)}".strip())
    if item.may_be_started:
        parts.append(_("A new proposal may be started."))
    return "; ".join(parts)


def _wali_name(inmate: Any) -> str:
    return "" if inmate.wali is None else inmate.wali.get_full_name()


def row_values(row: pipeline.PersonRow, with_stages: bool) -> list[Any]:
    person = row.inmate
    values: list[Any] = [
        person.name,
        person.registration_number,
        person.facility.name,
        _wali_name(person),
        row.earliest_right,
        row.days_waiting,
        row.release_overdue_days,
    ]
    if with_stages:
        values += [_("yes") if row.late else _("no"), row.not_proposed_days]
    by_right = {item.right: item for item in row.rights}
    for value in Right.values:
        item = by_right.get(value)
        if item is None:
            values += [None, None] + ([None, None, None] if with_stages else [])
            continue
        values += [item.state_label, item.eligible_from]
        if with_stages:
            values += [item.stage_label, item.days_waiting, closed_text(item)]
    return values


def as_of(today: datetime.date) -> str:
    """The period of a list that shows the situation of one day."""
    return _("As of %(date)s") % {"date": _day(today)}


def build(people: Any, today: datetime.date, user: Any) -> bytes:
    """The workbook of ``people`` (a :func:`pipeline.pipeline` queryset), every row, for
    ``user`` (the title names their unit)."""
    with_stages = pipeline.stage_source() is not None
    title = _("Integration rights")
    return exports.table_xlsx(
        exports.Heading.of(title, exports.unit_of_user(user), as_of(today)),
        [exports.Column(header) for header in headers(with_stages)],
        (row_values(row, with_stages) for row in pipeline.iter_rows(people, today)),
        frozen_columns=2,
    )
