"""Notifications: stored for the bell, and e-mailed through the task queue to the users
who want e-mail. Reminders carry a ``key`` so that each is sent once."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import Promise
from django_tasks import task

from sinergi.accounts.models import Notification, User


class Text:
    """A message to translate (``gettext_lazy``) with its values, written out in the
    language active when it is read: ``notify`` writes it in each recipient's language,
    not in the sender's. A date among the values is written the local way."""

    def __init__(self, message: Any, **values: Any) -> None:
        self.message = message
        self.values = values

    def __str__(self) -> str:
        def written(value: Any) -> Any:
            if isinstance(value, datetime.date):
                return date_format(value, "DATE_FORMAT")
            return str(value) if isinstance(value, Promise) else value

        # ``%`` on the lazy message itself, so that a plural (``ngettext_lazy`` with the
        # name of its number) picks its form by that value.
        return str(self.message % {k: written(v) for k, v in self.values.items()})


Message = str | Text


def _written(message: Message, language: str) -> str:
    if isinstance(message, str):
        return message
    with translation.override(language):
        return str(message)


def notify(
    users: Iterable[User],
    *,
    title: Message,
    body: Message = "",
    url: str = "",
    key: str = "",
) -> list[Notification]:
    """Notify ``users`` (each once), each in their own language (``User.language``) when
    ``title`` and ``body`` are :class:`Text`; returns the notifications created."""
    recipients = {u.pk: u for u in users if u is not None and u.is_active}
    if key:
        already = set(
            Notification.objects.filter(user_id__in=recipients, key=key).values_list(
                "user_id", flat=True
            )
        )
        recipients = {pk: u for pk, u in recipients.items() if pk not in already}
    created = Notification.objects.bulk_create(
        [
            Notification(
                user=u,
                title=_written(title, u.reading_language)[:250],
                body=_written(body, u.reading_language),
                url=url[:300],
                key=key,
            )
            for u in recipients.values()
        ]
    )
    ids = [n.pk for n in created if n.user.email_notifications and n.user.email]
    if ids:
        transaction.on_commit(lambda: send_notification_emails.enqueue(ids))
    return created


@task()
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail the notifications not yet e-mailed; returns how many were sent."""
    sent = 0
    for notification in Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True
    ).select_related("user"):
        link = f"\n\n{settings.SITE_URL}{notification.url}" if notification.url else ""
        send_mail(
            subject=" ".join(f"[Sinergi] {notification.title}".split()),  # one header line
            message=f"{notification.body}{link}",
            from_email=None,
            recipient_list=[notification.user.email],
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
        sent += 1
    return sent


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
