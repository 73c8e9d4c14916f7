from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sinergi.indicators import revisions, stored
from sinergi.orgs.models import Facility


class Command(BaseCommand):
    help = (
        "Record the revisions of signed monthly figures: every signed month of a facility "
        "whose records changed after its figures were read is compared with its live "
        "figures; then the stored figures of closed periods that the changes moved are "
        "computed again. Run it periodically (e.g. every hour, or after an import)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--facility", help="only this facility (its code, e.g. selong)")

    def handle(self, *args: Any, **options: Any) -> None:
        ids = None
        if options.get("facility"):
            facility = Facility.objects.filter(code=options["facility"]).first()
            if facility is None:
                raise CommandError(f"No facility with the code {options['facility']!r}.")
            ids = [facility.pk]
        found = revisions.sweep(ids)
        months = sorted({(r.facility_id, r.month) for r in found})
        self.stdout.write(
            f"{len(found)} revised figures in {len(months)} signed months"
            + "".join(f"\n  facility {f}, {m:%Y-%m}" for f, m in months)
        )
        recomputed = stored.refresh(ids)
        if recomputed:
            periods = sorted({s.period for s in recomputed})
            self.stdout.write(
                f"{len(recomputed)} stored figure sets computed again: {', '.join(periods)}"
            )
