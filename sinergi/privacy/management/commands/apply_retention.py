"""``manage.py apply_retention [--apply]``: anonymise what is past its retention period."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from sinergi.privacy import actions


class Command(BaseCommand):
    help = (
        "Anonymise the personal fields of the records kept past their retention period "
        "after release (SINERGI_RETENTION_YEARS); counts and indicators are kept. "
        "Dry run unless --apply."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apply", action="store_true", help="write (default: dry run)")
        parser.add_argument(
            "--today", type=datetime.date.fromisoformat, help="count from this day (YYYY-MM-DD)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        years = ", ".join(f"{k} {v}" for k, v in settings.SINERGI_RETENTION_YEARS.items())
        self.stdout.write(f"Retention after release (years): {years}")

        def progress(inmate: Any, kinds: list[str]) -> None:
            self.stdout.write(f"  inmate {inmate.pk}: {', '.join(kinds)}")

        report = actions.apply_retention(
            by=None, apply=options["apply"], today=options["today"], progress=progress
        )
        if report.applied:
            self.stdout.write(
                f"Anonymised {len(report.people)} people: "
                f"{sum(report.records.values())} records, "
                f"{sum(report.history_rows.values())} history rows."
            )
        else:
            self.stdout.write(
                f"Dry run: {len(report.people)} people are due. Run with --apply to anonymise."
            )
