"""Cooperation with partners: agreements and their commitments, coordination meetings
and their action items, support requests and what was delivered for them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sinergi.cooperation.choices import (
    ActionStatus,
    AgreementKind,
    AgreementStatus,
    AssetCondition,
    CommitmentKind,
    RequestKind,
    RequestStatus,
)
from sinergi.cooperation.queries import (
    ActionItemQuerySet,
    AgreementQuerySet,
    FulfilmentQuerySet,
    MeetingQuerySet,
    SupportRequestQuerySet,
)
from sinergi.cooperation.validators import validate_evidence, validate_pdf
from sinergi.core.bounds import date_validators
from sinergi.core.models import TimeStampedModel

EXPIRING_DAYS = 90


class Agreement(TimeStampedModel):
    kind = models.CharField(_("kind"), max_length=4, choices=AgreementKind.choices)
    number = models.CharField(_("number"), max_length=120, blank=True)
    title = models.CharField(_("title"), max_length=250)
    facility = models.ForeignKey(
        "orgs.Facility",
        verbose_name=_("facility"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    region = models.ForeignKey(
        "orgs.Region",
        verbose_name=_("region (Kanwil)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    partners = models.ManyToManyField(
        "orgs.Partner", verbose_name=_("partners"), related_name="agreements"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("under the framework agreement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="operational_agreements",
    )
    scope = models.TextField(_("scope"), blank=True)
    signed_on = models.DateField(
        _("signed on"), null=True, blank=True, validators=date_validators()
    )
    start_date = models.DateField(_("start date"), validators=date_validators())
    end_date = models.DateField(_("end date"), validators=date_validators())
    document = models.FileField(
        _("signed document (PDF)"),
        upload_to="agreements/",
        blank=True,
        validators=[validate_pdf],
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AgreementStatus.choices,
        default=AgreementStatus.DRAFT,
        help_text=_(
            "Draft, active, terminated or renewed; not yet in force, expiring and expired "
            "follow from the dates."
        ),
    )

    objects = AgreementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-start_date", "title"]
        constraints = [
            models.CheckConstraint(
                name="agreement_has_one_party",
                condition=Q(facility__isnull=False) | Q(region__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cooperation:agreement", args=[self.pk])

    @property
    def effective_status(self) -> str:
        """The status as it stands today: an approved (active) agreement is not yet in
        force before its start date, expiring in its last days and expired after its end
        date. Computed, never stored."""
        if self.status != AgreementStatus.ACTIVE:
            return self.status
        today = timezone.localdate()
        if self.end_date < today:
            return AgreementStatus.EXPIRED
        if self.start_date > today:
            return AgreementStatus.NOT_YET
        if (self.end_date - today).days <= EXPIRING_DAYS:
            return AgreementStatus.EXPIRING
        return AgreementStatus.ACTIVE

    def get_effective_status_display(self) -> str:
        return str(AgreementStatus(self.effective_status).label)


class Commitment(TimeStampedModel):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="commitments")
    partner = models.ForeignKey(
        "orgs.Partner",
        verbose_name=_("promised by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments",
        help_text=_("Empty: the facility promised it."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=CommitmentKind.choices)
    description = models.CharField(_("what"), max_length=300)
    target_quantity = models.DecimalField(
        _("target"),
        max_digits=12,
        decimal_places=2,
        # The same rule and message as the agreement action's check: more than zero.
        validators=[
            MinValueValidator(Decimal("0.01"), message=_("The target must be more than zero."))
        ],
    )
    unit = models.CharField(_("unit"), max_length=40)
    due_date = models.DateField(_("due date"), validators=date_validators())

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.description


class Meeting(TimeStampedModel):
    facility = models.ForeignKey(
        "orgs.Facility",
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    title = models.CharField(_("title"), max_length=250)
    date = models.DateField(_("date"), validators=date_validators())
    place = models.CharField(_("place"), max_length=200, blank=True)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("attendees"), blank=True, related_name="+"
    )
    partners = models.ManyToManyField(
        "orgs.Partner",
        verbose_name=_("partner organisations"),
        blank=True,
        related_name="meetings",
    )
    guest_facilities = models.ManyToManyField(
        "orgs.Facility",
        verbose_name=_("other facilities attending"),
        blank=True,
        related_name="meetings_attended",
        help_text=_("A Bapas, the regional office or another facility that took part."),
    )
    guests = models.TextField(
        _("other attendees"),
        blank=True,
        help_text=_("People without an account here: one per line, name and organisation."),
    )
    minutes = models.TextField(_("minutes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("coordination meeting")
        verbose_name_plural = _("coordination meetings")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("cooperation:meeting", args=[self.pk])


class MeetingAttachment(TimeStampedModel):
    """A document of a meeting: the signed minutes, the attendance sheet, a photo. Served
    only through a view that checks who asks (never from MEDIA_URL)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("description"), max_length=200)
    file = models.FileField(
        _("file (PDF, JPG or PNG)"), upload_to="meetings/", validators=[validate_evidence]
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting attachment")
        verbose_name_plural = _("meeting attachments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]


class ActionItem(TimeStampedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("action"), max_length=300)
    owner_partner = models.ForeignKey(
        "orgs.Partner",
        verbose_name=_("owner organisation (partner)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="action_items",
    )
    owner_facility = models.ForeignKey(
        "orgs.Facility",
        verbose_name=_("owner organisation (facility)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="action_items",
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_items",
    )
    due_date = models.DateField(_("due date"), validators=date_validators())
    status = models.CharField(
        _("status"), max_length=8, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    drop_reason = models.CharField(_("reason for dropping"), max_length=300, blank=True)
    closed_on = models.DateField(
        _("closed on"), null=True, blank=True, validators=date_validators()
    )

    objects = ActionItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                name="action_item_has_an_owner",
                condition=Q(owner_partner__isnull=False) | Q(owner_facility__isnull=False),
            )
        ]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return self.title


class SupportRequest(TimeStampedModel):
    facility = models.ForeignKey(
        "orgs.Facility",
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        related_name="support_requests",
    )
    partner = models.ForeignKey(
        "orgs.Partner",
        verbose_name=_("partner asked"),
        on_delete=models.PROTECT,
        related_name="support_requests",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RequestKind.choices)
    title = models.CharField(_("what exactly"), max_length=250)
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(_("unit"), max_length=40)
    needed_by = models.DateField(_("needed by"), validators=date_validators())
    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("for the program"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_requests",
    )
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("under the agreement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_requests",
    )
    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("towards the commitment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_requests",
    )
    justification = models.TextField(_("justification"))
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.DRAFT
    )
    accepted_quantity = models.DecimalField(
        _("accepted quantity"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    answer_note = models.TextField(_("answer"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    objects = SupportRequestQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["facility", "status"]),
            models.Index(fields=["partner", "status"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cooperation:request", args=[self.pk])


class RequestEvent(models.Model):
    """A comment on a request, or one of its status changes (the thread)."""

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="events")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    text = models.TextField(_("comment"), blank=True)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.to_status or 'comment'}"

    @property
    def to_status_label(self) -> str:
        """The status the request moved to, in the reader's language ("Accepted")."""
        if self.to_status in RequestStatus.values:
            return str(RequestStatus(self.to_status).label)
        return self.to_status


class Fulfilment(TimeStampedModel):
    partner = models.ForeignKey(
        "orgs.Partner",
        verbose_name=_("delivered by"),
        on_delete=models.PROTECT,
        related_name="fulfilments",
    )
    request = models.ForeignKey(
        SupportRequest,
        verbose_name=_("request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fulfilments",
    )
    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fulfilments",
    )
    description = models.CharField(_("what was delivered"), max_length=300)
    delivered_on = models.DateField(_("delivered on"), validators=date_validators())
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(_("unit"), max_length=40)
    value_rupiah = models.DecimalField(
        _("estimated value (Rp)"),
        max_digits=15,
        decimal_places=0,
        default=0,
        validators=[MinValueValidator(0)],
    )
    evidence = models.FileField(
        _("evidence (photo or document)"),
        upload_to="evidence/",
        blank=True,
        validators=[validate_evidence],
    )
    sessions = models.ManyToManyField(
        "programs.Session",
        verbose_name=_("sessions taught"),
        blank=True,
        related_name="fulfilments",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = FulfilmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fulfilment")
        verbose_name_plural = _("fulfilments")
        ordering = ["-delivered_on", "-id"]
        indexes = [models.Index(fields=["partner", "delivered_on"])]

    def __str__(self) -> str:
        return self.description


class Asset(TimeStampedModel):
    facility = models.ForeignKey(
        "orgs.Facility",
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        related_name="assets",
    )
    item = models.CharField(_("item"), max_length=200)
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(_("unit"), max_length=40)
    condition = models.CharField(
        _("condition"),
        max_length=8,
        choices=AssetCondition.choices,
        default=AssetCondition.GOOD,
    )
    location = models.CharField(_("location"), max_length=150, blank=True)
    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("used by the program"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assets",
    )
    fulfilment = models.ForeignKey(
        Fulfilment, null=True, blank=True, on_delete=models.SET_NULL, related_name="assets"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["item"]

    def __str__(self) -> str:
        return self.item
