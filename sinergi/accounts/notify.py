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


def _msgid(value: Any) -> str | None:
    """The msgid of a plain ``gettext_lazy`` message (None for anything else: a plural,
    a message with a context, a text)."""
    args = getattr(value, "_args", None)
    plain = isinstance(value, Promise) and not getattr(value, "_kw", None)
    if plain and args and len(args) == 1 and isinstance(args[0], str):
        return str(args[0])
    return None


def _kept(message: Message) -> dict[str, Any] | None:
    """``message`` as data to write out again in a reader's language, or None when it
    cannot be (then the text written for the recipient is shown)."""
    if not isinstance(message, Text) or (msgid := _msgid(message.message)) is None:
        return None
    values: dict[str, Any] = {}
    for name, value in message.values.items():
        if isinstance(value, Promise) and (label := _msgid(value)) is not None:
            values[name] = {"msgid": label}
        elif isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            values[name] = {"date": value.isoformat()}
        elif isinstance(value, datetime.datetime | float | Promise):
            return None
        elif isinstance(value, int) and not isinstance(value, bool):
            values[name] = value
        else:
            values[name] = str(value)  # a name (a person's, an organisation's): data
    return {"msgid": msgid, "values": values}


def read_out(kept: Any, stored: str) -> str:
    """A notification's text in the active language from what ``_kept`` made of it;
    ``stored`` (as written for the recipient) when nothing was kept."""
    if not isinstance(kept, dict) or not isinstance(kept.get("msgid"), str):
        return stored

    def value(v: Any) -> Any:
        if isinstance(v, dict) and "msgid" in v:
            return translation.gettext(v["msgid"])
        if isinstance(v, dict) and "date" in v:
            return datetime.date.fromisoformat(v["date"])
        return v

    try:
        values = {k: value(v) for k, v in (kept.get("values") or {}).items()}
        return str(Text(translation.gettext_lazy(kept["msgid"]), **values))
    except (KeyError, TypeError, ValueError):
        return stored


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
    kept = {k: v for k, v in (("title", _kept(title)), ("body", _kept(body))) if v is not None}
    created = Notification.objects.bulk_create(
        [
            Notification(
                user=u,
                title=_written(title, u.reading_language)[:250],
                body=_written(body, u.reading_language),
                url=url[:300],
                key=key,
                message=kept,
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
