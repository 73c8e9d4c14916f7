"""Shared base models and the audit trail."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sinergi.core.audit_actions import action_label, audit_action_choices
from sinergi.core.roles import Role
from sinergi.core.scoping import scope_of


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def for_user(self, user: Any) -> AuditEventQuerySet:
        """Administrators see every event; facility heads see their facilities' events."""
        scope = scope_of(user)
        if scope.is_admin:
            return self.all()
        return self.filter(facility_id__in=scope.facility_ids(Role.HEAD))


class AuditEvent(models.Model):
    """One thing somebody did (or read) in Sinergi, kept for accountability."""

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(
        _("action"), max_length=80, db_index=True, choices=audit_action_choices
    )
    target_type = models.CharField(_("record type"), max_length=80, blank=True)
    target_id = models.CharField(_("record id"), max_length=64, blank=True)
    target_repr = models.CharField(_("record"), max_length=200, blank=True)
    # The facility the event concerns, by id: core knows no app, so not a foreign key to
    # orgs.Facility (and an event outlives what it names). Its code is shown through
    # sinergi.core.audit.facility_codes, which orgs provides.
    facility_id = models.PositiveBigIntegerField(
        _("facility"), null=True, blank=True, db_index=True
    )
    changes = models.JSONField(_("changed values"), default=dict, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["actor", "created_at"]),
            models.Index(fields=["facility_id", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_username} {self.action}"

    def get_action_display(self) -> str:  # type: ignore[no-redef]
        """The action's label in the active language (an unknown action as it is). Django's
        would flatten and translate the whole vocabulary for each row (some 150 labels):
        two fifths of the audit page's time for its 50 rows."""
        return action_label(self.action)
