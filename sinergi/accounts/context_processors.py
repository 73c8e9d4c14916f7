"""What every page shows about the signed-in user's own account."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sinergi.accounts.models import Notification


def notifications(request: HttpRequest) -> dict[str, Any]:
    """The number of unread notifications, for the bell in the header."""
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        unread = Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()
    return {"unread_notifications": unread}
