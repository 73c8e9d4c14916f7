from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from sinergi.core.demo import seeders


class Command(BaseCommand):
    help = (
        "Load the demo data (NTB region, Lapas Selong and its partners, demo users). "
        "Idempotent. Refuses to run with DEBUG off unless --force is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="run even though DEBUG is off (not for production)"
        )

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like production, and the demo adds users with a "
                "published password. Use --force if you really want the demo data here."
            )
        with transaction.atomic():
            for name, seed in seeders():
                self.stdout.write(f"Seeding {name}…")
                seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
