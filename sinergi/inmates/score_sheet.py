"""The wali's monthly scoring sheet (SPPN): every person the guardian officer follows, in
one page, the people not yet scored for the month first, last month's score beside each,
saved in one request through ``actions.record_assessment``.

Saving is all or nothing: the rows entered are written in one transaction; when any row
is refused (by the form or by the action), nothing is written and the page shows the
sheet again as it was sent, each refusal at its row."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from sinergi.accounts.http import AuthenticatedHttpRequest
from sinergi.accounts.models import User
from sinergi.core import audit
from sinergi.core.roles import OFFICER_ROLES, Role
from sinergi.core.scoping import scope_of
from sinergi.core.view_helpers import show_on_form
from sinergi.inmates import actions
from sinergi.inmates.choices import InmateStatus
from sinergi.inmates.models import Inmate, MonthlyAssessment
from sinergi.orgs.models import Facility

ASPECTS = ("personality", "independence", "behaviour", "mental_condition")


def people_of(user: Any, *, at: set[int] | None = None) -> QuerySet[Inmate]:
    """The people in custody whose wali is ``user``, at the facilities where ``user`` is
    an active guardian officer (a wali moved elsewhere no longer scores them); with
    ``at``, only at those facilities (the ones an officer opening the sheet supervises)."""
    facility_ids = scope_of(user).facility_ids(Role.GUARDIAN)
    if at is not None:
        facility_ids &= at
    return Inmate.objects.filter(
        wali_id=user.pk, facility_id__in=facility_ids, status=InmateStatus.IN_CUSTODY
    )


def scored_in(month: datetime.date) -> Exists:
    return Exists(MonthlyAssessment.objects.filter(inmate=OuterRef("pk"), month=month))


def previous_month(month: datetime.date) -> datetime.date:
    return (month - datetime.timedelta(days=1)).replace(day=1)


def counts_of(user: Any, month: datetime.date) -> dict[str, int]:
    """How many people ``user`` follows and how many have no score for ``month`` (one
    query)."""
    return (
        people_of(user)
        .annotate(scored=scored_in(month))
        .aggregate(people=Count("pk"), unscored=Count("pk", filter=Q(scored=False)))
    )


class ScoreRowForm(forms.Form):
    """One person's row: the four aspects (all or none) and a note."""

    personality = forms.IntegerField(
        label=gettext_lazy("Personality"), min_value=0, max_value=100, required=False
    )
    independence = forms.IntegerField(
        label=gettext_lazy("Independence"), min_value=0, max_value=100, required=False
    )
    behaviour = forms.IntegerField(
        label=gettext_lazy("Behaviour"), min_value=0, max_value=100, required=False
    )
    mental_condition = forms.IntegerField(
        label=gettext_lazy("Mental condition"), min_value=0, max_value=100, required=False
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=1000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ASPECTS:
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "class": "score"})

    @property
    def entered(self) -> bool:
        return any(self.cleaned_data.get(name) is not None for name in ASPECTS)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [data.get(name) is not None for name in ASPECTS]
        if any(given) and not all(given) and not self.errors:
            raise ValidationError(_("Give the four scores, or none to leave this person."))
        return data

    def scores(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name in ASPECTS}


@dataclass
class Row:
    inmate: Inmate
    form: ScoreRowForm
    current: MonthlyAssessment | None
    previous: MonthlyAssessment | None

    def changed(self) -> bool:
        """Something entered that differs from the month's recorded score."""
        if not self.form.entered:
            return False
        if self.current is None:
            return True
        data = self.form.cleaned_data
        return any(getattr(self.current, n) != data[n] for n in ASPECTS) or (
            self.current.note != data["note"]
        )


def walis_supervised_by(user: Any) -> QuerySet[User]:
    """The active walis of the facilities where ``user`` is an officer (program officer
    or head): those whose sheet the officer may open."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__role=Role.GUARDIAN,
            memberships__is_active=True,
            memberships__facility_id__in=scope_of(user).facility_ids(*OFFICER_ROLES),
        )
        .distinct()
        .order_by("full_name", "username")
    )


def rows_for(
    user: Any, month: datetime.date, data: Any = None, *, at: set[int] | None = None
) -> list[Row]:
    """The sheet's rows, not yet scored first then by name (two queries)."""
    last = previous_month(month)
    people = (
        people_of(user, at=at)
        .annotate(scored=scored_in(month))
        .select_related("facility")
        .prefetch_related(
            Prefetch(
                "assessments",
                queryset=MonthlyAssessment.objects.filter(month__in=[month, last]),
                to_attr="recent",
            )
        )
        .order_by("scored", "name", "pk")
    )
    rows = []
    for person in people:
        by_month = {a.month: a for a in person.recent}
        current = by_month.get(month)
        initial = (
            {**{n: getattr(current, n) for n in ASPECTS}, "note": current.note} if current else {}
        )
        form = ScoreRowForm(data, prefix=f"p{person.pk}", initial=initial)
        rows.append(Row(person, form, current, by_month.get(last)))
    return rows


def this_month_of(user: Any) -> datetime.date:
    """The month it is at the wali's facility (WIB, WITA or WIT; the earliest of them for
    a wali of several), the month the action lets them score last."""
    facilities = Facility.objects.filter(pk__in=scope_of(user).facility_ids(Role.GUARDIAN))
    days = [facility.today() for facility in facilities] or [timezone.localdate()]
    return min(days).replace(day=1)


def _month_of(request: AuthenticatedHttpRequest, this_month: datetime.date) -> datetime.date:
    """The month asked (``?month=2026-11``), else this month; a month not started yet or
    unreadable is refused (404: no such sheet)."""
    text = request.GET.get("month", "")
    if not text:
        return this_month
    try:
        month = datetime.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise Http404 from None
    if month > this_month:
        raise Http404
    return month


def save(rows: list[Row], month: datetime.date, by: Any) -> int | None:
    """Record every changed row in one transaction: the number saved, or None when a row
    was refused (then nothing is saved, and each refusal is on its row's form)."""
    if not all(row.form.is_valid() for row in rows):
        return None
    changed = [row for row in rows if row.changed()]
    refused = False
    with transaction.atomic():
        for row in changed:
            try:
                with transaction.atomic():
                    actions.record_assessment(
                        inmate=row.inmate,
                        month=month,
                        scores=row.form.scores(),
                        note=row.form.cleaned_data["note"],
                        by=by,
                    )
            except ValidationError as exc:
                show_on_form(row.form, exc)
                refused = True
        if refused:
            transaction.set_rollback(True)
    return None if refused else len(changed)


def _wali_of(request: AuthenticatedHttpRequest) -> tuple[Any, set[int] | None, Any]:
    """Whose sheet is open: ``(wali, at, walis)``. A wali opens their own; an officer
    (program officer or head) opens the sheet of a wali of their facility (``?wali=``),
    only the people at the facilities they supervise (``at``), and chooses among
    ``walis``; ``wali`` is None while the officer has not chosen. Anyone else, or a wali
    of another facility, is a 404."""
    scope = scope_of(request.user)
    officer_of = scope.facility_ids(*OFFICER_ROLES)
    walis = walis_supervised_by(request.user) if officer_of else User.objects.none()
    asked = request.GET.get("wali", "")
    if asked:
        if not officer_of or not asked.isdigit():
            raise Http404
        wali = walis.filter(pk=int(asked)).first()
        if wali is None:
            raise Http404
        return wali, officer_of, walis
    if scope.facility_ids(Role.GUARDIAN):
        return request.user, None, walis
    if officer_of:
        return None, officer_of, walis
    raise Http404


def _sheet_url(month: datetime.date, wali: Any, own: bool) -> str:
    query = {"month": f"{month:%Y-%m}"} if own else {"month": f"{month:%Y-%m}", "wali": wali.pk}
    return f"{reverse('inmates:score_sheet')}?{urlencode(query)}"


@login_required
def score_sheet(request: AuthenticatedHttpRequest) -> HttpResponse:
    wali, at, walis = _wali_of(request)
    if wali is None:  # an officer who has not chosen the wali yet
        return render(
            request, "inmates/score_sheet.html", {"rows": None, "walis": walis, "wali": None}
        )
    own = wali.pk == request.user.pk and at is None
    this_month = this_month_of(wali)
    month = _month_of(request, this_month)
    rows = rows_for(wali, month, request.POST if request.method == "POST" else None, at=at)
    url = _sheet_url(month, wali, own)
    if request.method == "POST":
        saved = save(rows, month, request.user)
        if saved is not None:
            messages.success(
                request,
                ngettext("%(n)s score saved.", "%(n)s scores saved.", saved) % {"n": saved},
            )
            return redirect(url)
        messages.error(request, _("Nothing was saved: correct the rows marked below."))
    else:
        audit.read_list(
            request,
            "inmate.scores.list",
            count=len(rows),
            details={"month": f"{month:%Y-%m}", **({} if own else {"wali": wali.pk})},
        )
    return render(
        request,
        "inmates/score_sheet.html",
        {
            "rows": rows,
            "month": month,
            "last_month": previous_month(month),
            "unscored": sum(1 for row in rows if row.current is None),
            "action": url,
            "earlier_url": _sheet_url(previous_month(month), wali, own),
            "later_url": (
                None
                if month >= this_month
                else _sheet_url((month + datetime.timedelta(days=31)).replace(day=1), wali, own)
            ),
            "wali": None if own else wali,
            "walis": walis,
        },
    )
