"""Integration-right proposals (usulan PB, CB, CMB, asimilasi, CMK): one per person and
right from eligible to released, the dossier, the Litmas asked of a Bapas, the facility's
review board (sidang TPP) and every move with who, when and the document.

Writes go through ``actions.py`` (the stage machine); who sees what is ``queries.py``.

Shared with the TPP/Litmas/Bapas work (see /work/helpers/proposals-design.md):
LitmasRequest, TppMeeting and TppDecision are built on by another part of the app. Change
them only additively (new nullable fields, new migrations), and say so in a comment here.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sinergi.cooperation.validators import validate_evidence
from sinergi.core.models import TimeStampedModel
from sinergi.inmates.choices import Right
from sinergi.proposals.choices import (
    CMK_LEAVE_DAYS,
    OPEN_STAGES,
    DocumentKind,
    LitmasStatus,
    Recommendation,
    SentTo,
    Stage,
)
from sinergi.proposals.queries import (
    LitmasRequestQuerySet,
    ProposalQuerySet,
    TppMeetingQuerySet,
)

MAX_REFERENCE = 100


class Proposal(TimeStampedModel):
    """One person's proposal for one integration right, and the stage it is at."""

    inmate = models.ForeignKey(
        "inmates.Inmate",
        verbose_name=_("inmate"),
        on_delete=models.CASCADE,
        related_name="proposals",
    )
    # Copied from the inmate when the proposal is started: what scopes it.
    facility = models.ForeignKey(
        "orgs.Facility",
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    right = models.CharField(_("right"), max_length=10, choices=Right.choices)
    stage = models.CharField(
        _("stage"), max_length=12, choices=Stage.choices, default=Stage.ELIGIBLE
    )
    stage_since = models.DateField(_("at this stage since"))
    eligible_on = models.DateField(_("eligible on"))
    sdp_reference = models.CharField(
        _("SDP proposal reference"),
        max_length=MAX_REFERENCE,
        blank=True,
        help_text=_("The proposal's number in SDP (PB online), so it is not typed twice."),
    )
    sent_to = models.CharField(_("sent to"), max_length=10, choices=SentTo.choices, blank=True)
    sent_reference = models.CharField(_("letter reference"), max_length=MAX_REFERENCE, blank=True)
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    sk_number = models.CharField(_("SK number"), max_length=MAX_REFERENCE, blank=True)
    sk_date = models.DateField(_("SK date"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    released_on = models.DateField(_("released on"), null=True, blank=True)
    # A CMK's end: the home leave taken (the person stays in custody, no release).
    leave_left_on = models.DateField(_("left on leave"), null=True, blank=True)
    leave_returned_on = models.DateField(_("returned from leave"), null=True, blank=True)
    leave_not_returned = models.BooleanField(_("did not return from leave"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ProposalQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inmate", "right"],
                condition=Q(stage__in=OPEN_STAGES),
                name="one_open_proposal_per_right",
            )
        ]
        indexes = [
            models.Index(fields=["facility", "stage"]),
            models.Index(fields=["right", "stage"]),
            models.Index(fields=["stage", "stage_since"]),
            # The API's list, latest change first (read backward): for the whole country
            # PostgreSQL joined every proposal with every person to sort them (170 ms);
            # with it, the first page is 50 index entries (under 1 ms).
            models.Index(fields=["stage_since", "id"], name="proposal_latest_first"),
        ]

    def __str__(self) -> str:
        return f"{self.inmate} {self.get_right_display()}: {self.get_stage_display()}"

    def get_absolute_url(self) -> str:
        return reverse("proposals:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def leave_due_back(self) -> datetime.date | None:
        """The last day of a home leave (CMK): the person is due back by then."""
        if self.leave_left_on is None:
            return None
        return self.leave_left_on + datetime.timedelta(days=CMK_LEAVE_DAYS)

    @property
    def leave_days_late(self) -> int:
        """Days the person came back after the leave's last day (0 when on time)."""
        due = self.leave_due_back
        if due is None or self.leave_returned_on is None:
            return 0
        return max((self.leave_returned_on - due).days, 0)


class ProposalDocument(TimeStampedModel):
    """A document of the dossier (checklist), the Litmas, the TPP minutes or the SK."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(
        _("file"), upload_to="proposals/", max_length=200, validators=[validate_evidence]
    )
    received_on = models.DateField(_("received on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("proposal document")
        verbose_name_plural = _("proposal documents")
        ordering = ["kind", "-received_on", "-id"]
        indexes = [models.Index(fields=["proposal", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.received_on})"


class ProposalEvent(models.Model):
    """One move of a proposal (append-only: never edited, never deleted)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    from_stage = models.CharField(_("from stage"), max_length=12, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to stage"), max_length=12, choices=Stage.choices)
    at = models.DateTimeField(_("recorded at"), default=timezone.now)
    on = models.DateField(_("date"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    document = models.ForeignKey(
        ProposalDocument,
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("proposal event")
        verbose_name_plural = _("proposal events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.from_stage or '-'} → {self.to_stage}"


class LitmasRequest(TimeStampedModel):
    """A community research report (Litmas) asked of a Bapas for one proposal.

    Shared with the Litmas/Bapas work: change only additively."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="litmas_requests")
    bapas = models.ForeignKey(
        "orgs.Facility",
        verbose_name=_("Bapas"),
        on_delete=models.PROTECT,
        related_name="litmas_requests",
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("probation officer (PK)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="litmas_requests",
    )
    requested_on = models.DateField(_("requested on"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=LitmasStatus.choices,
        default=LitmasStatus.REQUESTED,
    )
    document = models.ForeignKey(
        ProposalDocument,
        verbose_name=_("Litmas document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recommendation = models.TextField(_("recommendation"), blank=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = LitmasRequestQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Litmas request")
        verbose_name_plural = _("Litmas requests")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["bapas", "status", "due_on"]),
            models.Index(fields=["officer", "status", "due_on"]),
        ]

    def __str__(self) -> str:
        return f"Litmas {self.proposal} → {self.bapas}"


class TppMeeting(TimeStampedModel):
    """A sitting of the facility's review board (sidang TPP).

    Shared with the TPP work: change only additively."""

    facility = models.ForeignKey(
        "orgs.Facility",
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        related_name="tpp_meetings",
    )
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chair"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    members = models.TextField(
        _("members"), blank=True, help_text=_("One member a line: name and position.")
    )
    minutes_number = models.CharField(_("minutes number"), max_length=MAX_REFERENCE, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = TppMeetingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("TPP meeting")
        verbose_name_plural = _("TPP meetings")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["facility", "held_on"])]

    def __str__(self) -> str:
        return f"TPP {self.facility} {self.held_on}"


class TppDecision(TimeStampedModel):
    """The board's recommendation on one proposal at one meeting.

    Shared with the TPP work: change only additively."""

    meeting = models.ForeignKey(TppMeeting, on_delete=models.CASCADE, related_name="decisions")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="tpp_decisions")
    recommendation = models.CharField(
        _("recommendation"), max_length=16, choices=Recommendation.choices
    )
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("TPP decision")
        verbose_name_plural = _("TPP decisions")
        ordering = ["meeting__held_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "proposal"], name="one_tpp_decision_per_meeting"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.proposal_id} {self.recommendation}"


# The SDP proposal-status import's report (its own module; imported here for Django).
from sinergi.proposals.models_sdp_import import SdpImport, SdpImportRow  # noqa: E402, F401
