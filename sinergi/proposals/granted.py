"""The day a granted proposal lets its person out, for the overdue-release alarm.

``sinergi.inmates.queries`` (a layer below) finds everyone held past their release date;
it asks the apps that record decrees who a granted right let out, and from which day
(``register_granted_release_source``). This app answers with the SK date of the person's
granted proposal not yet released (the earliest, when there are several): from the day
after it, a person still recorded in custody is overdue. A granted CMK is a home leave,
not a release: it lets nobody out for good. Registered in ``apps.py``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import DateField, OuterRef, Subquery

from sinergi.inmates.choices import Right
from sinergi.proposals.choices import Stage
from sinergi.proposals.models import Proposal


def _releasing() -> Any:
    """Granted proposals with their SK date, not yet released, that let a person out."""
    return Proposal.objects.filter(stage=Stage.GRANTED, sk_date__isnull=False).exclude(
        right=Right.CMK
    )


def granted_release_dates() -> Subquery:
    """An expression over inmates (``OuterRef("pk")``): the SK date of their granted
    proposal not yet released, NULL when there is none."""
    return Subquery(
        _releasing().filter(inmate=OuterRef("pk")).order_by("sk_date").values("sk_date")[:1],
        output_field=DateField(),
    )


def people_granted_by(day: datetime.date) -> Any:
    """The ids of the inmates whose :func:`granted_release_dates` is ``day`` or earlier."""
    return _releasing().filter(sk_date__lte=day).values("inmate_id")
