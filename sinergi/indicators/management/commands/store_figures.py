from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sinergi.indicators import stored
from sinergi.indicators.periods import MONTH, PeriodError, parse_period
from sinergi.orgs.models import Facility


class Command(BaseCommand):
    help = (
        "Store the figures of a closed month for the country and every region (and of "
        "the quarter and the year it closes), so the national and regional dashboards "
        "read them instead of computing them. Idempotent: sets already stored are left "
        "as they are. With --facility, the month's sets of the facility's region and of "
        "the country are computed again (a revision), with those of its quarter and year "
        "if stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="the month, YYYY-MM (default: the last closed one)")
        parser.add_argument("--facility", help="recompute for this facility (its code)")

    def handle(self, *args: Any, **options: Any) -> None:
        month = stored.last_closed_month()
        if options.get("month"):
            try:
                month = parse_period(options["month"])
            except PeriodError as exc:
                raise CommandError(str(exc)) from exc
            if month.kind != MONTH:
                raise CommandError("--month takes a month, YYYY-MM.")
        if not stored.storable(month, stored.NATIONAL):
            raise CommandError(f"{month.code} is not closed yet: its figures stay live.")
        if options.get("facility"):
            facility = Facility.objects.filter(code=options["facility"]).first()
            if facility is None:
                raise CommandError(f"No facility with the code {options['facility']!r}.")
            done = stored.store_for_facility(month, facility)
        else:
            done = stored.store_month(month)
        self.stdout.write(
            f"{len(done)} figure sets stored for {month.code}: "
            + ", ".join(sorted({s.period for s in done}))
        )
