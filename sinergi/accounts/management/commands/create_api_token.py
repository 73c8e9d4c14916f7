from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sinergi.accounts.actions import TokenError, create_api_token
from sinergi.accounts.models import User


class Command(BaseCommand):
    help = (
        "Create a personal API token for USERNAME and print it (alone on the last line). It"
        " expires after API_TOKEN_DAYS; a user whose role must use two-factor authentication"
        " (SINERGI_REQUIRE_MFA) must have set it up first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="a name to recognise it by")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        try:
            user = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"No active user named {username!r}.") from None
        try:
            token, raw = create_api_token(user=user, name=name, by=user)
        except TokenError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        expires = token.expires_at.isoformat(timespec="minutes")
        self.stderr.write(
            f"Created token {token.name!r} for {user.username}; it expires {expires}."
            " It is shown once:"
        )
        self.stdout.write(raw)
