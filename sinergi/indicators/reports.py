"""The monthly report (Laporan Bulanan Pembinaan dan Kerja Sama): what goes in it, and
the PDF and the XLSX made from it.

:func:`gather` reads the month's figures in SQL (a fixed number of queries, whatever the
size of the facility) into a plain, JSON-ready snapshot: codes and numbers, no translated
labels. :func:`render_context` turns a snapshot back into what the PDF template shows,
in the current language; :func:`build_pdf` and :func:`build_xlsx` make the files.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import (
    Count,
    DecimalField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from sinergi.cooperation.choices import RequestKind, RequestStatus
from sinergi.cooperation.models import Fulfilment, Meeting, SupportRequest
from sinergi.core import exports
from sinergi.core.lookups import count_per_row, union_of_ids
from sinergi.core.models import AuditEvent
from sinergi.core.pdf import render_pdf
from sinergi.indicators import catalogue
from sinergi.indicators.catalogue import FACILITY, UNITS, Query
from sinergi.indicators.periods import Period, month_of
from sinergi.indicators.templatetags.indicators_tags import format_number
from sinergi.orgs.models import Facility, FacilityKind, Partner
from sinergi.programs.choices import ProgramCategory, ProgramKind, ProgramStatus
from sinergi.programs.models import Attendance, Certificate, Enrollment, Program, Session
from sinergi.reintegration.choices import ReleaseKind, WorkStatus
from sinergi.reintegration.models import FollowUp, Release

SNAPSHOT_VERSION = 1
PDF_TEMPLATE = "indicators/report_pdf.html"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# -- gathering ---------------------------------------------------------------------------


def _day(value: datetime.date | datetime.datetime | None) -> str | None:
    """An ISO day; a moment becomes the day it was in local time."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    return value.isoformat()


def _num(value: Any) -> int | float | None:
    if value is None:
        return None
    number = Decimal(str(value))
    return int(number) if number == number.to_integral_value() else float(number)


def _subsum(qs: QuerySet[Any], link: str, field: str) -> Any:
    summed = qs.filter(**{link: OuterRef("pk")}).order_by().values(link).annotate(s=Sum(field))
    money: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)
    return Coalesce(Subquery(summed.values("s")[:1], output_field=money), Value(Decimal(0)))


def gather(facility: Facility, period: Period) -> dict[str, Any]:
    """The snapshot of ``facility`` for the month ``period``."""
    return {
        "version": SNAPSHOT_VERSION,
        "facility": {
            "id": facility.pk,
            "code": facility.code,
            "name": facility.name,
            "kind": facility.kind,
            "regency": facility.regency,
            "region": facility.region.name,
            "head_name": facility.head_name,
        },
        "period": {
            "code": period.code,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "computed_at": timezone.now().isoformat(),
        "indicators": indicator_figures(facility, period),
        # The data version: the last audit event when the figures were read. What changed
        # after it explains a later revision of the figures.
        "data_version": data_version(),
        "charts": _charts(facility, period),
        "programs": _programs(facility, period),
        "cooperation": _cooperation(facility, period),
        "releases": _releases(facility, period),
        "follow_ups": _follow_ups(facility, period),
    }


def data_version() -> int:
    """The id of the last audit event: every recorded change comes after it."""
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def indicator_figures(facility: Facility, period: Period) -> list[dict[str, Any]]:
    """Every facility indicator of the month: numerator, denominator, value."""
    q = Query(period, area=FACILITY, area_id=facility.pk)
    rows = []
    for indicator in catalogue.for_level(FACILITY):
        found = indicator.compute(q).get(None)
        figures = found.as_dict() if found is not None else {}
        rows.append(
            {
                "id": indicator.id,
                "group": indicator.group,
                "unit": indicator.unit,
                "kind": indicator.kind,
                "numerator": figures.get("numerator"),
                "denominator": figures.get("denominator"),
                "value": figures.get("value"),
            }
        )
    return rows


def _charts(facility: Facility, period: Period) -> dict[str, list[dict[str, Any]]]:
    q = Query(period, area=FACILITY, area_id=facility.pk)
    certificates = catalogue.get("participation.certificates").compute(q.with_by("category"))
    attendance = catalogue.get("participation.attendance_rate").compute(q.with_by("category"))
    hours = catalogue.get("cooperation.instructor_hours").compute(q.with_by("partner"))
    names = dict(Partner.objects.filter(pk__in=list(hours)).values_list("pk", "name"))
    return {
        "certificates_by_category": sorted(
            ({"key": key, "value": _num(v.value)} for key, v in certificates.items()),
            key=lambda row: (-(row["value"] or 0), row["key"]),
        ),
        "attendance_by_category": sorted(
            (
                {
                    "key": key,
                    "value": _num(v.value),
                    "numerator": _num(v.numerator),
                    "denominator": _num(v.denominator),
                }
                for key, v in attendance.items()
            ),
            key=lambda row: (-(row["value"] or 0), row["key"]),
        ),
        "instructor_hours_by_partner": sorted(
            (
                {"key": key, "label": names.get(key, str(key)), "value": _num(v.value)}
                for key, v in hours.items()
            ),
            key=lambda row: (-(row["value"] or 0), row["label"]),
        ),
    }


def _programs(facility: Facility, period: Period) -> list[dict[str, Any]]:
    """Programs running or completed in the month, with their month's figures (one query)."""
    held_until = min(period.end, timezone.localdate())
    enrolments = Enrollment.objects.all()
    overlapping = Q(enrolled_on__lte=period.end) & (
        Q(ended_on__isnull=True) | Q(ended_on__gte=period.start)
    )
    sessions = Session.objects.filter(
        date__gte=period.start, date__lte=held_until, status="scheduled"
    )
    marks = Attendance.objects.filter(
        period.within("session__date"), session__status="scheduled"
    ).exclude(status="cancelled")
    programs = (
        Program.objects.filter(
            facility=facility,
            status__in=(ProgramStatus.RUNNING, ProgramStatus.COMPLETED),
            start_date__lte=period.end,
            end_date__gte=period.start,
        )
        .annotate(
            n_enrolled=count_per_row(enrolments.filter(overlapping), "program"),
            n_new=count_per_row(enrolments.filter(period.within("enrolled_on")), "program"),
            n_completed=count_per_row(
                enrolments.filter(period.within("ended_on"), end_reason="completed"), "program"
            ),
            n_sessions=count_per_row(sessions, "program"),
            n_marks=count_per_row(marks, "session__program"),
            n_present=count_per_row(marks.filter(status="present"), "session__program"),
            hours=_subsum(marks.filter(status="present"), "session__program", "hours"),
            n_certificates=count_per_row(
                Certificate.objects.filter(period.within("issued_on"), status="valid"),
                "enrollment__program",
            ),
        )
        .order_by("kind", "title", "pk")
        .values(
            "pk",
            "title",
            "kind",
            "category",
            "status",
            "start_date",
            "end_date",
            "n_enrolled",
            "n_new",
            "n_completed",
            "n_sessions",
            "n_marks",
            "n_present",
            "hours",
            "n_certificates",
        )
    )
    return [
        {
            "id": p["pk"],
            "title": p["title"],
            "kind": p["kind"],
            "category": p["category"],
            "status": p["status"],
            "start_date": _day(p["start_date"]),
            "end_date": _day(p["end_date"]),
            "enrolled": p["n_enrolled"],
            "new": p["n_new"],
            "completed": p["n_completed"],
            "sessions": p["n_sessions"],
            "marks": p["n_marks"],
            "present": p["n_present"],
            "hours": _num(p["hours"]),
            "certificates": p["n_certificates"],
        }
        for p in programs
    ]


def _cooperation(facility: Facility, period: Period) -> dict[str, Any]:
    submitted = period.within("submitted_at", instants=True)
    answered = period.within("answered_at", instants=True)
    requests = SupportRequest.objects.filter(facility=facility).filter(submitted | answered)
    counts = requests.aggregate(
        submitted=Count("pk", filter=submitted), answered=Count("pk", filter=answered)
    )
    deliveries = (
        Fulfilment.objects.filter(
            Q(request__facility=facility) | Q(commitment__agreement__facility=facility),
            period.within("delivered_on"),
        )
        .select_related("partner", "request", "commitment")
        .order_by("delivered_on", "pk")
    )
    delivery_totals = deliveries.aggregate(n=Count("pk"), value=Sum("value_rupiah"))
    meetings = (
        Meeting.objects.filter(facility=facility)
        .filter(period.within("date"))
        .annotate(n_actions=Count("actions"))
        .prefetch_related("partners")
        .order_by("date", "pk")
    )
    return {
        "requests_submitted": counts["submitted"],
        "requests_answered": counts["answered"],
        "requests": [
            {
                "id": r.pk,
                "title": r.title,
                "partner": r.partner.name,
                "kind": r.kind,
                "status": r.status,
                "quantity": _num(r.quantity),
                "unit": r.unit,
                "submitted_on": _day(r.submitted_at),
                "answered_on": _day(r.answered_at),
            }
            for r in requests.select_related("partner").order_by("submitted_at", "pk")
        ],
        "deliveries_count": delivery_totals["n"],
        "deliveries_value": _num(delivery_totals["value"] or 0),
        "deliveries": [
            {
                "delivered_on": _day(f.delivered_on),
                "partner": f.partner.name,
                "description": f.description,
                "for": f.request.title
                if f.request
                else (f.commitment.description if f.commitment else ""),
                "quantity": _num(f.quantity),
                "unit": f.unit,
                "value_rupiah": _num(f.value_rupiah),
            }
            for f in deliveries
        ],
        "meetings": [
            {
                "date": _day(m.date),
                "title": m.title,
                "place": m.place,
                "partners": sorted(p.name for p in m.partners.all()),
                "actions": m.n_actions,  # type: ignore[attr-defined]
            }
            for m in meetings
        ],
    }


def _release_ids(facility: Facility, *conditions: Q) -> QuerySet[Release]:
    """The ids of the releases of the facility's people and of those handed over to it (a
    Bapas) that meet ``conditions``, for ``__any_of``: a UNION of the two indexed lookups
    (``core.lookups.union_of_ids``). As an OR across the two joins PostgreSQL read every
    release and follow-up in the country for each report (about 2 s a statement at
    national scale)."""
    return union_of_ids(
        Release.objects.filter(*conditions, inmate__facility=facility),
        Release.objects.filter(*conditions, bapas=facility),
    )


def _releases(facility: Facility, period: Period) -> dict[str, Any]:
    """Releases from the facility in the month (for a Bapas: the people handed over)."""
    releases = Release.objects.filter(
        pk__any_of=_release_ids(facility, period.within("released_on"))
    )
    by_kind = {
        row["kind"]: row["n"] for row in releases.order_by().values("kind").annotate(n=Count("pk"))
    }
    return {
        "count": sum(by_kind.values()),
        "by_kind": [
            {"kind": kind, "count": by_kind[kind]} for kind in ReleaseKind.values if kind in by_kind
        ],
        "rows": [
            {
                "released_on": _day(r.released_on),
                "registration_number": r.inmate.registration_number,
                "facility": r.inmate.facility.name,
                "kind": r.kind,
                "bapas": r.bapas.name if r.bapas else "",
            }
            for r in releases.select_related("inmate__facility", "bapas").order_by(
                "released_on", "pk"
            )
        ],
    }


def _follow_ups(facility: Facility, period: Period) -> dict[str, Any]:
    """Follow-ups done in the month of the people released from (or handed over to) the
    facility, and those due in the month that are still not done."""
    mine = FollowUp.objects.filter(release__any_of=_release_ids(facility))
    done = mine.filter(period.within("done_on"))
    summary = done.aggregate(
        done=Count("pk"),
        contact=Count("pk", filter=Q(contact_made=True)),
        working=Count("pk", filter=Q(work_status__in=catalogue.WORKING)),
        new_offence=Count("pk", filter=Q(new_offence=True)),
    )
    summary["due_not_done"] = mine.filter(period.within("due_on"), done_on__isnull=True).count()
    return {
        **summary,
        "rows": [
            {
                "done_on": _day(f.done_on),
                "registration_number": f.release.inmate.registration_number,
                "released_on": _day(f.release.released_on),
                "month": f.month,
                "contact_made": f.contact_made,
                "work_status": f.work_status,
                "new_offence": f.new_offence,
            }
            for f in done.select_related("release__inmate").order_by("done_on", "pk")
        ],
    }


# -- showing -----------------------------------------------------------------------------


def format_figure(value: Any, unit: str = "") -> str:
    """A figure the local way: ``85,5%``, ``Rp1.500.000``, ``12,5 hours``."""
    text = format_number(value, unit)
    if value is not None and unit in ("hours", "days", "score"):
        return f"{text} {UNITS[unit]}"
    return text


def _date(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or "\u2013"


LABEL_CHARS = 34


def bar_chart(
    rows: Iterable[tuple[str, float | None, str]], *, title: str, full: float | None = None
) -> SafeString:
    """A horizontal bar chart as inline SVG (WeasyPrint draws SVG; it runs no script).

    A bar of ``full`` (100 for percentages) spans the whole width; by default the
    largest value does."""
    rows = list(rows)
    label_width, bar_width, value_width, row_height, gap = 210, 300, 90, 16, 5
    width = label_width + bar_width + value_width
    height = len(rows) * (row_height + gap)
    largest = full or max((value or 0 for _label, value, _text in rows), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
    ]
    for index, (label, value, text) in enumerate(rows):
        top = index * (row_height + gap)
        length = max(bar_width * (value or 0) / largest, 1 if value else 0)
        # About 34 characters of 9-point text fit left of the bars.
        shown = label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"
        parts.append(
            f'<text x="{label_width - 6}" y="{top + 12}" text-anchor="end" '
            f'font-size="9" fill="#1b1f24">{escape(shown)}</text>'
            f'<rect x="{label_width}" y="{top}" width="{length:.1f}" height="{row_height}" '
            f'fill="#0b5a4a"/>'
            f'<text x="{label_width + length + 4:.1f}" y="{top + 12}" font-size="9" '
            f'fill="#1b1f24">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text above is escaped


class EditionView:
    """A signed edition seen as the report it was signed as: its own snapshot and
    signature, the report's facility and language (what :func:`render_context` reads)."""

    def __init__(self, edition: Any) -> None:
        report = edition.report
        self.pk = report.pk
        self.facility = report.facility
        self.month = report.month
        self.language = report.language
        self.data = edition.data
        self.signed_off_at = edition.signed_off_at
        self.signed_off_by = edition.signed_off_by
        self.edition_number = edition.number


def render_context(report: Any) -> dict[str, Any]:
    """What the PDF template shows, from the report's snapshot, in the current language."""
    data: Mapping[str, Any] = report.data
    facility = report.facility
    period = month_of(_date(data["period"]["start"]) or report.month)
    zone = ZoneInfo(facility.time_zone)
    indicators = []
    for row in data["indicators"]:
        indicator = catalogue.BY_ID.get(row["id"])
        indicators.append(
            {
                **row,
                "name": str(indicator.name) if indicator else row["id"],
                "definition": str(indicator.definition) if indicator else "",
                "group_label": str(catalogue.GROUPS.get(row["group"], row["group"])),
                "unit_label": str(UNITS.get(row["unit"], row["unit"])),
                "shown": format_figure(row["value"], row["unit"]),
                "parts": (
                    f"{format_figure(row['numerator'])} / {format_figure(row['denominator'])}"
                    if row["denominator"] is not None
                    else ""
                ),
            }
        )
    charts = data["charts"]
    chart_list = [
        _chart(
            _("Certificates issued by program category"),
            [
                (_label(ProgramCategory, r["key"]), r["value"], format_figure(r["value"]))
                for r in charts["certificates_by_category"]
            ],
        ),
        _chart(
            _("Attendance rate by program category"),
            [
                (
                    _label(ProgramCategory, r["key"]),
                    r["value"],
                    f"{format_figure(r['value'], 'percent')} "
                    f"({format_figure(r['numerator'])}/{format_figure(r['denominator'])})",
                )
                for r in charts["attendance_by_category"]
            ],
            full=100,
        ),
        _chart(
            _("Instructor hours contributed by partner"),
            [
                (r["label"], r["value"], format_figure(r["value"], "hours"))
                for r in charts["instructor_hours_by_partner"]
            ],
        ),
    ]
    cooperation = data["cooperation"]
    releases = data["releases"]
    follow_ups = data["follow_ups"]
    return {
        "report": report,
        "facility": facility,
        "data": data,
        "period": period,
        "period_label": period.label,
        "is_bapas": facility.kind == FacilityKind.BAPAS,
        "computed_at": datetime.datetime.fromisoformat(data["computed_at"]).astimezone(zone),
        "zone_label": facility.time_zone_label,
        "signed_off_at": (report.signed_off_at.astimezone(zone) if report.signed_off_at else None),
        "edition_number": getattr(report, "edition_number", None),
        "indicators": indicators,
        "charts": chart_list,
        "programs": [
            {
                **p,
                "kind_label": _label(ProgramKind, p["kind"]),
                "category_label": _label(ProgramCategory, p["category"]),
                "status_label": _label(ProgramStatus, p["status"]),
                "start": _date(p["start_date"]),
                "end": _date(p["end_date"]),
                "attendance": format_figure(
                    round(100 * p["present"] / p["marks"], 1) if p["marks"] else None, "percent"
                ),
                "hours_shown": format_figure(p["hours"]),
            }
            for p in data["programs"]
        ],
        "cooperation": {
            **cooperation,
            "requests": [
                {
                    **r,
                    "kind_label": _label(RequestKind, r["kind"]),
                    "status_label": _label(RequestStatus, r["status"]),
                    "submitted": _date(r["submitted_on"]),
                    "answered": _date(r["answered_on"]),
                    "quantity_shown": format_figure(r["quantity"]),
                }
                for r in cooperation["requests"]
            ],
            "deliveries": [
                {
                    **d,
                    "date": _date(d["delivered_on"]),
                    "quantity_shown": format_figure(d["quantity"]),
                    "value_shown": format_figure(d["value_rupiah"], "rupiah"),
                }
                for d in cooperation["deliveries"]
            ],
            "deliveries_value_shown": format_figure(cooperation["deliveries_value"], "rupiah"),
            "meetings": [
                {**m, "day": _date(m["date"]), "partner_names": ", ".join(m["partners"])}
                for m in cooperation["meetings"]
            ],
        },
        "releases": {
            **releases,
            "by_kind": [
                {**k, "label": _label(ReleaseKind, k["kind"])} for k in releases["by_kind"]
            ],
            "rows": [
                {**r, "date": _date(r["released_on"]), "kind_label": _label(ReleaseKind, r["kind"])}
                for r in releases["rows"]
            ],
        },
        "follow_ups": {
            **follow_ups,
            "rows": [
                {
                    **f,
                    "date": _date(f["done_on"]),
                    "released": _date(f["released_on"]),
                    "work_label": _label(WorkStatus, f["work_status"])
                    if f["work_status"]
                    else "\u2013",
                }
                for f in follow_ups["rows"]
            ],
        },
    }


def _chart(
    title: str, rows: list[tuple[str, Any, str]], full: float | None = None
) -> dict[str, Any]:
    return {"title": title, "svg": bar_chart(rows, title=title, full=full) if rows else None}


# -- files -------------------------------------------------------------------------------


def build_pdf(report: Any) -> bytes:
    return render_pdf(PDF_TEMPLATE, render_context(report))


#: How the value of each unit of measure is shown in the XLSX.
_VALUE_FORMATS = {
    "percent": exports.PERCENT,
    "rupiah": exports.RUPIAH,
    "count": exports.INTEGER,
    "people": exports.INTEGER,
}


def _figure(value: Any, unit: str) -> Any:
    """A figure in the unit's format: a percentage as the fraction a spreadsheet shows."""
    if value is None:
        return None
    if unit == "percent":
        return exports.Formatted(value / 100, exports.PERCENT)
    return exports.Formatted(value, _VALUE_FORMATS.get(unit, exports.DECIMAL))


def build_xlsx(report: Any) -> bytes:
    """The same figures as the PDF, one sheet per part, for people who work on them and
    offices that print them: names first (the indicator's code last, hidden)."""
    context = render_context(report)
    facility = context["facility"]
    column, day, number = exports.Column, exports.DATE, exports.INTEGER
    indicators = exports.Table(
        _("Indicators"),
        [
            column(_("Indicator")),
            column(_("Value")),
            column(_("Unit")),
            column(_("Numerator")),
            column(_("Denominator")),
            column(_("Definition")),
            column(_("Indicator id"), exports.CODE),
        ],
        [
            [
                i["name"],
                _figure(i["value"], i["unit"]),
                i["unit_label"],
                _figure(i["numerator"], "rupiah" if i["unit"] == "rupiah" else "count"),
                _figure(i["denominator"], "count"),
                i["definition"],
                i["id"],
            ]
            for i in context["indicators"]
        ],
    )
    programs = exports.Table(
        _("Programs"),
        [
            column(_("Program")),
            column(_("Kind")),
            column(_("Category")),
            column(_("Status")),
            column(_("Start date"), day),
            column(_("End date"), day),
            column(_("Participants in the month"), number),
            column(_("Enrolled in the month"), number),
            column(_("Completed in the month"), number),
            column(_("Sessions held"), number),
            column(_("Attendance marks"), number),
            column(_("Present"), number),
            column(_("Hours followed"), exports.DECIMAL),
            column(_("Certificates issued"), number),
        ],
        [
            [
                p["title"],
                p["kind_label"],
                p["category_label"],
                p["status_label"],
                p["start"],
                p["end"],
                p["enrolled"],
                p["new"],
                p["completed"],
                p["sessions"],
                p["marks"],
                p["present"],
                p["hours"],
                p["certificates"],
            ]
            for p in context["programs"]
        ],
    )
    cooperation = context["cooperation"]
    activity: list[list[Any]] = []
    for r in cooperation["requests"]:
        activity.append(
            [
                r["title"],
                _("Support request"),
                r["partner"],
                r["submitted"],
                r["kind_label"],
                r["status_label"],
                r["quantity"],
                r["unit"],
                None,
                r["answered"],
            ]
        )
    for d in cooperation["deliveries"]:
        activity.append(
            [
                d["description"],
                _("Delivery"),
                d["partner"],
                d["date"],
                d["for"],
                "",
                d["quantity"],
                d["unit"],
                d["value_rupiah"],
                None,
            ]
        )
    for m in cooperation["meetings"]:
        activity.append(
            [
                m["title"],
                _("Coordination meeting"),
                m["partner_names"],
                m["day"],
                m["place"],
                _("%(n)s action items") % {"n": m["actions"]},
                None,
                "",
                None,
                None,
            ]
        )
    cooperation_table = exports.Table(
        _("Cooperation"),
        [
            column(_("What")),
            column(_("Activity")),
            column(_("Partner")),
            column(_("Date"), day),
            column(_("Kind or purpose")),
            column(_("Status")),
            column(_("Quantity")),
            column(_("Unit")),
            column(_("Value (Rp)"), exports.RUPIAH),
            column(_("Answered on"), day),
        ],
        activity,
    )
    releases = exports.Table(
        _("Releases"),
        [
            column(_("Registration number")),
            column(_("Released on"), day),
            column(_("Kind of release")),
            column(_("Handed over to (Bapas)")),
            column(_("Facility")),
        ],
        [
            [r["registration_number"], r["date"], r["kind_label"], r["bapas"], r["facility"]]
            for r in context["releases"]["rows"]
        ],
    )
    follow_ups = exports.Table(
        _("Follow-ups"),
        [
            column(_("Registration number")),
            column(_("Done on"), day),
            column(_("Released on"), day),
            column(_("Month after release"), number),
            column(_("Contact made")),
            column(_("Work")),
            column(_("New offence")),
        ],
        [
            [
                f["registration_number"],
                f["date"],
                f["released"],
                f["month"],
                _("yes") if f["contact_made"] else _("no"),
                f["work_label"],
                _("yes") if f["new_offence"] else _("no"),
            ]
            for f in context["follow_ups"]["rows"]
        ],
    )
    signed = report.signed_off_by
    about = exports.Table(
        _("About this report"),
        [column(_("Item")), column(_("Details"))],
        [
            [_("Report"), _("Monthly report on inmate development and cooperation")],
            [_("Facility"), facility.name],
            [_("Month"), context["period_label"]],
            [_("Figures computed at"), context["computed_at"]],
            [_("Time zone"), context["zone_label"]],
            [_("Head of the facility"), facility.head_name],
            [
                _("Signed off"),
                _("by %(name)s at %(when)s")
                % {
                    "name": signed.get_full_name() if signed else "",
                    "when": formats.date_format(context["signed_off_at"], "DATETIME_FORMAT"),
                }
                if report.signed_off_at
                else _("Not yet signed off"),
            ],
        ],
    )
    heading = exports.Heading.of(
        _("Monthly report on inmate development and cooperation"),
        facility,
        context["period_label"],
        at=context["computed_at"],
    )
    return exports.tables_xlsx(
        heading, [indicators, programs, cooperation_table, releases, follow_ups, about]
    )
