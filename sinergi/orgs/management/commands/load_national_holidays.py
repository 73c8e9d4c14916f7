"""Load the national holidays and collective leave days of a year (SKB 3 Menteri) from a
CSV file with the columns date,kind,name,source (see
sinergi/orgs/data/national_holidays.csv): every facility keeps them as days off."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from sinergi.orgs.models import NationalHoliday
from sinergi.orgs.national_holidays import HolidayFileError, read_csv, save


class Command(BaseCommand):
    help = (
        "Load the national holidays and collective leave days (SKB 3 Menteri) of a year "
        "from a CSV file: date,kind,name,source (kind: holiday or collective_leave)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the CSV file")
        parser.add_argument(
            "--year", type=int, required=True, help="load only the days of this year"
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="remove the year's national days that are not in the file (an amended SKB)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        year = options["year"]
        try:
            rows = read_csv(path.read_text(encoding="utf-8-sig"))
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        except HolidayFileError as exc:
            raise CommandError(str(exc)) from exc
        rows = [r for r in rows if r.date.year == year]
        if not rows:
            raise CommandError(f"{path} has no day of {year}: nothing loaded.")
        with transaction.atomic():
            counts = save(NationalHoliday, rows, replace_years=[year] if options["replace"] else [])
        total = NationalHoliday.objects.filter(date__year=year).count()
        self.stdout.write(
            f"{year}: {counts['created']} added, {counts['updated']} updated, "
            f"{counts['removed']} removed; {total} national days off in all."
        )
