"""The stored report of an import of proposal statuses from an SDP export
(``sdp_import.py``): one :class:`SdpImport` per uploaded file, one :class:`SdpImportRow`
per data row with what was read and what it did (or will do, before it is confirmed).

Imported by ``models.py`` so that Django finds these models in the proposals app."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sinergi.core.models import TimeStampedModel
from sinergi.inmates.choices import Right
from sinergi.proposals.choices import SentTo, Stage


class SdpImportStatus(models.TextChoices):
    PREVIEW = "preview", _("Preview: nothing written yet")
    APPLIED = "applied", pgettext_lazy("sdp import", "Applied")


class SdpRowOutcome(models.TextChoices):
    UPDATE = "update", pgettext_lazy("sdp import outcome", "Update")
    UNCHANGED = "unchanged", pgettext_lazy("sdp import outcome", "Unchanged")
    NOT_FOUND = "not_found", pgettext_lazy("sdp import outcome", "Not found")
    CONFLICT = "conflict", pgettext_lazy("sdp import outcome", "Conflict")
    ERROR = "error", pgettext_lazy("sdp import outcome", "Error")


class SdpImport(TimeStampedModel):
    """One SDP proposal export uploaded by a facility's officer: previewed, then applied."""

    facility = models.ForeignKey(
        "orgs.Facility",
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        related_name="sdp_proposal_imports",
    )
    filename = models.CharField(_("file name"), max_length=255)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SdpImportStatus.choices,
        default=SdpImportStatus.PREVIEW,
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    update_count = models.PositiveIntegerField(_("to update"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    not_found_count = models.PositiveIntegerField(_("not found"), default=0)
    conflict_count = models.PositiveIntegerField(_("conflicts"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # Rows that record a sending or a decision: only the head applies such an import.
    needs_head_count = models.PositiveIntegerField(_("rows needing the head"), default=0)

    class Meta:
        verbose_name = _("SDP proposal import")
        verbose_name_plural = _("SDP proposal imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["facility", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.filename} ({self.created_at:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("proposals:sdp_import_detail", args=[self.pk])

    @property
    def is_preview(self) -> bool:
        return self.status == SdpImportStatus.PREVIEW


class SdpImportRow(models.Model):
    """One data row of the export: what was read, and its outcome with the reason."""

    batch = models.ForeignKey(SdpImport, on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField(_("row"))
    registration_number = models.CharField(_("registration number"), max_length=100, blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    right_text = models.CharField(_("right in SDP"), max_length=100, blank=True)
    right = models.CharField(_("right"), max_length=10, choices=Right.choices, blank=True)
    sdp_reference = models.CharField(_("SDP proposal reference"), max_length=100, blank=True)
    sdp_status = models.CharField(_("status in SDP"), max_length=100, blank=True)
    stage = models.CharField(_("stage in SDP"), max_length=12, choices=Stage.choices, blank=True)
    sent_to = models.CharField(_("sent to"), max_length=10, choices=SentTo.choices, blank=True)
    proposed_on = models.DateField(_("proposal date"), null=True, blank=True)
    sk_number = models.CharField(_("SK number"), max_length=100, blank=True)
    sk_date = models.DateField(_("SK date"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # The cells that could not be read: [{"column", "value", "reason"}, ...].
    problems = models.JSONField(_("problems"), default=list, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=SdpRowOutcome.choices)
    message = models.TextField(_("reason for the outcome"), blank=True)
    # The reason as a code of sdp_import.REASONS and its parameters, written in the
    # reader's language when shown (``message``: as written at the import, kept for rows
    # stored before the codes).
    reason_code = models.CharField(_("reason code"), max_length=40, blank=True)
    reason_params = models.JSONField(_("reason parameters"), default=dict, blank=True)
    needs_head = models.BooleanField(_("needs the head"), default=False)
    proposal = models.ForeignKey(
        "proposals.Proposal",
        verbose_name=_("proposal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_stage = models.CharField(_("from stage"), max_length=12, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to stage"), max_length=12, choices=Stage.choices, blank=True)
    started = models.BooleanField(_("proposal started"), default=False)

    class Meta:
        verbose_name = _("SDP proposal import row")
        verbose_name_plural = _("SDP proposal import rows")
        ordering = ["line", "id"]
        indexes = [models.Index(fields=["batch", "outcome"])]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.line} {self.outcome}"
