"""``manage.py export_person_data --inmate ID``: the subject-access ZIP of one person."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sinergi.inmates.models import Inmate
from sinergi.privacy import actions
from sinergi.privacy.rules import may_export


class Command(BaseCommand):
    help = (
        "Export everything held about one person (records, history, consents, referrals, "
        "programs, release, follow-ups and who read them) as a ZIP of JSON and PDF. Audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--inmate", type=int, required=True, help="the inmate's id")
        parser.add_argument("--output", help="the ZIP to write (default: in this folder)")
        parser.add_argument(
            "--by", default="", help="username of the administrator asking (for the audit)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from sinergi.accounts.models import User

        inmate = Inmate.objects.select_related("facility").filter(pk=options["inmate"]).first()
        if inmate is None:
            raise CommandError(f"No inmate with id {options['inmate']}.")
        by = None
        if options["by"]:
            by = User.objects.filter(username=options["by"]).first()
            if by is None:
                raise CommandError(f"No user {options['by']!r}.")
            if not may_export(by, inmate):
                raise CommandError(f"{by.username} may not export this person's data.")
        data = actions.export_person_data(inmate=inmate, by=by, username="export_person_data")
        path = Path(options["output"] or actions.export_filename(inmate))
        path.write_bytes(data)
        self.stdout.write(f"{path} ({len(data)} bytes)")
