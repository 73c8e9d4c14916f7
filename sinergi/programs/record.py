"""The development record (buku pembinaan) of one person: every program taken part in
(dates, hours attended, scores, competency results, certificates), the monthly SPPN
scores as a table and a small chart, and the Register F summary.

A fixed number of queries whatever the number of programs, scores or entries: the
enrolments with their certificate, early completion and LSP certification in one query,
the competency results in one, the scores in one, the Register F entries in one."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from sinergi.inmates.models import DisciplinaryRecord, Inmate, MonthlyAssessment
from sinergi.programs.choices import CertificateStatus
from sinergi.programs.home import development_queryset
from sinergi.programs.models import CompetencyAssessment, Enrollment

# The chart shows the last two years of scores; the table above it shows every month.
CHART_MONTHS = 24
# The chart's drawing area, in SVG user units (the PDF scales it to the page width).
CHART_WIDTH = 600
CHART_HEIGHT = 160
CHART_LEFT = 28  # room for the 0-100 scale
CHART_BOTTOM = 18  # room for the month labels
CHART_TOP = 6
CHART_GRID = (0, 25, 50, 75, 100)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: Decimal
    center: float
    behaviour_y: float
    label: str  # the month, "08/26"; empty where labels would crowd


@dataclass(frozen=True)
class GridLine:
    y: float
    value: int


@dataclass(frozen=True)
class SppnChart:
    """Bars of the monthly total, a line of the behaviour score, a 0-100 scale."""

    width: int
    height: int
    left: int
    right: int
    bottom: float
    bars: list[Bar]
    grid: list[GridLine]
    behaviour_points: str  # an SVG polyline's points


@dataclass(frozen=True)
class RegisterFSummary:
    entries: list[DisciplinaryRecord]
    active: list[DisciplinaryRecord]  # punishments running on the day printed
    last_twelve_months: int
    last_date: datetime.date | None


@dataclass(frozen=True)
class DevelopmentRecord:
    inmate: Inmate
    today: datetime.date
    programs: list[Enrollment]
    scores: list[MonthlyAssessment]  # oldest first
    chart: SppnChart | None
    register_f: RegisterFSummary
    totals: dict[str, Any] = field(default_factory=dict)


def _y(value: float) -> float:
    """The vertical position of a 0-100 score in the chart's drawing area."""
    span = CHART_HEIGHT - CHART_BOTTOM - CHART_TOP
    return round(CHART_TOP + span * (1 - value / 100), 2)


def sppn_chart(scores: list[MonthlyAssessment]) -> SppnChart | None:
    """The chart of the last ``CHART_MONTHS`` scores (oldest first), None without any."""
    shown = scores[-CHART_MONTHS:]
    if not shown:
        return None
    # A slot per month, at least a year's: a few months do not make wide slabs.
    step = (CHART_WIDTH - CHART_LEFT) / max(len(shown), 12)
    width = round(step * 0.6, 2)
    # Every month labelled up to 12 bars, every other one (from the last) beyond.
    every = 1 if len(shown) <= 12 else 2
    bars = []
    points = []
    baseline = _y(0)
    for index, score in enumerate(shown):
        x = round(CHART_LEFT + step * index + (step - width) / 2, 2)
        top = _y(float(score.total))
        labelled = (len(shown) - 1 - index) % every == 0
        bars.append(
            Bar(
                x=x,
                y=top,
                width=width,
                height=round(baseline - top, 2),
                value=score.total,
                center=round(x + width / 2, 2),
                behaviour_y=_y(score.behaviour),
                label=f"{score.month:%m/%y}" if labelled else "",
            )
        )
        points.append(f"{bars[-1].center},{bars[-1].behaviour_y}")
    return SppnChart(
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        left=CHART_LEFT,
        right=CHART_WIDTH,
        bottom=baseline,
        bars=bars,
        grid=[GridLine(y=_y(value), value=value) for value in CHART_GRID],
        behaviour_points=" ".join(points),
    )


def register_f_summary(inmate: Inmate, today: datetime.date) -> RegisterFSummary:
    entries = list(DisciplinaryRecord.objects.filter(inmate=inmate).order_by("date", "id"))
    year_ago = today - datetime.timedelta(days=365)
    return RegisterFSummary(
        entries=entries,
        active=[e for e in entries if e.is_active_on(today)],
        last_twelve_months=sum(1 for e in entries if e.date > year_ago),
        last_date=entries[-1].date if entries else None,
    )


def development_record(inmate: Inmate) -> DevelopmentRecord:
    """Everything the buku pembinaan states of ``inmate`` (its facility already loaded)."""
    programs = list(
        development_queryset(inmate)
        .select_related("early_completion", "competency_certification")
        .prefetch_related(
            Prefetch(
                "competencies",
                queryset=CompetencyAssessment.objects.select_related("unit").order_by("unit_id"),
            )
        )
        .order_by("enrolled_on", "id")
    )
    scores = list(MonthlyAssessment.objects.filter(inmate=inmate).order_by("month"))
    today = inmate.facility.today()
    return DevelopmentRecord(
        inmate=inmate,
        today=today,
        programs=programs,
        scores=scores,
        chart=sppn_chart(scores),
        register_f=register_f_summary(inmate, today),
        totals={
            "programs": len(programs),
            "hours": sum(
                (getattr(e, "hours_total", None) or Decimal(0) for e in programs), Decimal(0)
            ),
            "certificates": sum(1 for e in programs if _valid_certificate(e)),
            "average_score": (
                round(sum(s.total for s in scores) / len(scores), 2) if scores else None
            ),
        },
    )


def _valid_certificate(enrollment: Enrollment) -> bool:
    # A missing reverse one-to-one raises an AttributeError: getattr's default.
    certificate = getattr(enrollment, "certificate", None)
    return certificate is not None and certificate.status == CertificateStatus.VALID
