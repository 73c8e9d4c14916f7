from __future__ import annotations

import zoneinfo
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from sinergi.inmates.calculation import recalculate
from sinergi.inmates.models import Inmate


class Command(BaseCommand):
    help = (
        "Recompute the stored key dates and integration rights of every inmate (or one "
        "facility's), e.g. after the rule set changed. Safe to run at any time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--facility", help="only this facility code")

    def handle(self, *args: Any, facility: str | None = None, **options: Any) -> None:
        inmates = Inmate.objects.filter(sentence__isnull=False)
        if facility:
            inmates = inmates.filter(facility__code=facility)
        count = 0
        # Each facility's rights are due by its own date (WIB, WITA or WIT).
        zones = set(inmates.order_by().values_list("facility__time_zone", flat=True).distinct())
        with transaction.atomic():
            for zone in sorted(zones):
                ids = list(inmates.filter(facility__time_zone=zone).values_list("pk", flat=True))
                today = timezone.localdate(timezone=zoneinfo.ZoneInfo(zone))
                count += recalculate(ids, today=today)
        self.stdout.write(self.style.SUCCESS(f"Recalculated {count} sentences."))
