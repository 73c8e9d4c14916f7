"""Reintegration: a plan per inmate over needs (pathways), the person's consent before
anything is shared with a partner (UU 27/2022), and referrals to partners."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sinergi.cooperation.validators import validate_evidence
from sinergi.core.models import TimeStampedModel
from sinergi.reintegration.choices import (
    ApplicationStatus,
    LawfulBasis,
    NeedStatus,
    Outcome,
    Pathway,
    ReferralStatus,
    ReleaseKind,
    Responsible,
    WorkStatus,
)
from sinergi.reintegration.queries import (
    JobApplicationQuerySet,
    JobOpeningQuerySet,
    ReferralQuerySet,
)

# Bounds of the amounts and counts stored (the actions and the API use the same).
MAX_SAVINGS_RUPIAH = 1_000_000_000
MAX_VACANCIES = 1_000
MAX_FOLLOW_UP_MONTH = 120
MAX_SK_NUMBER = 100


class AssessmentVersion(models.Model):
    """A versioned set of needs-assessment questions (data, not code)."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    name = models.CharField(_("name"), max_length=150)
    is_current = models.BooleanField(_("in use"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("needs assessment version")
        verbose_name_plural = _("needs assessment versions")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version} {self.name}"


class AssessmentQuestion(models.Model):
    version = models.ForeignKey(
        AssessmentVersion, on_delete=models.CASCADE, related_name="questions"
    )
    pathway = models.CharField(_("pathway"), max_length=16, choices=Pathway.choices)
    text = models.CharField(_("question"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("assessment question")
        verbose_name_plural = _("assessment questions")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text


class ReintegrationPlan(TimeStampedModel):
    inmate = models.OneToOneField(
        "inmates.Inmate", on_delete=models.CASCADE, related_name="reintegration_plan"
    )
    assessment = models.ForeignKey(
        AssessmentVersion, verbose_name=_("assessment version"), on_delete=models.PROTECT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.TextField(_("summary"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reintegration plan")
        verbose_name_plural = _("reintegration plans")

    def __str__(self) -> str:
        return f"{self.inmate}"

    def get_absolute_url(self) -> str:
        return reverse("reintegration:plan", args=[self.inmate_id])


class Need(TimeStampedModel):
    plan = models.ForeignKey(ReintegrationPlan, on_delete=models.CASCADE, related_name="needs")
    pathway = models.CharField(_("pathway"), max_length=16, choices=Pathway.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=NeedStatus.choices, default=NeedStatus.NOT_STARTED
    )
    responsible = models.CharField(
        _("responsible"),
        max_length=10,
        choices=Responsible.choices,
        default=Responsible.FACILITY,
    )
    partner = models.ForeignKey(
        "orgs.Partner",
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answer = models.TextField(_("assessment answer"), blank=True)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "pathway"], name="one_need_per_pathway")
        ]

    def __str__(self) -> str:
        return self.get_pathway_display()


class NeedUpdate(models.Model):
    """Append-only history of a need: never edited, never deleted."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(_("status"), max_length=12, choices=NeedStatus.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)
    # The completed referral that settled the need: the page says so in the reader's
    # language ("Referral to … completed: …"); ``note`` then holds the partner's own note.
    referral = models.ForeignKey(
        "reintegration.Referral",
        verbose_name=_("referral"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="need_updates",
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.need_id}: {self.status}"


class Consent(TimeStampedModel):
    """The lawful basis for sharing an inmate's data with one partner for one purpose."""

    inmate = models.ForeignKey("inmates.Inmate", on_delete=models.CASCADE, related_name="consents")
    partner = models.ForeignKey(
        "orgs.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="consents",
    )
    purpose = models.CharField(_("purpose"), max_length=300)
    basis = models.CharField(
        _("lawful basis"),
        max_length=16,
        choices=LawfulBasis.choices,
        default=LawfulBasis.CONSENT,
    )
    basis_reference = models.CharField(
        _("reference of the legal basis"),
        max_length=200,
        blank=True,
        help_text=_("For a legal obligation or public task: the regulation or decision."),
    )
    given_on = models.DateField(_("given on"))
    witnessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("witnessed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    guardian_name = models.CharField(
        _("parent or guardian who consented"),
        max_length=200,
        blank=True,
        help_text=_("Required for children (LPKA)."),
    )
    signed_form = models.FileField(
        _("signed consent form"),
        upload_to="consents/",
        blank=True,
        validators=[validate_evidence],
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-id"]
        indexes = [models.Index(fields=["inmate", "partner", "withdrawn_on"])]

    def __str__(self) -> str:
        return f"{self.inmate} → {self.partner}: {self.purpose}"

    @property
    def is_valid(self) -> bool:
        return self.withdrawn_on is None


class Referral(TimeStampedModel):
    inmate = models.ForeignKey("inmates.Inmate", on_delete=models.CASCADE, related_name="referrals")
    partner = models.ForeignKey(
        "orgs.Partner",
        verbose_name=_("referred to"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    need = models.ForeignKey(
        Need,
        verbose_name=_("need"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
    )
    consent = models.ForeignKey(
        Consent,
        verbose_name=_("consent or lawful basis"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    purpose = models.CharField(_("what is asked"), max_length=300)
    contact = models.CharField(_("facility contact"), max_length=200)
    needs_custody = models.BooleanField(
        _("only while in custody"),
        default=False,
        help_text=_("E.g. e-KTP recording inside the facility: cancelled at release."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("outcome note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ReferralQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["partner", "status"]),
            # The lists of everyone's referrals (an administrator's page and API), latest
            # first: walked to a page, where the country's 125,000 were joined and sorted
            # (68 ms of SQL; 1 ms so).
            models.Index(fields=["-created_at", "-id"], name="referral_latest_first"),
        ]

    def __str__(self) -> str:
        return f"{self.inmate} → {self.partner}"

    def get_absolute_url(self) -> str:
        return reverse("reintegration:referral", args=[self.pk])


VALID_CONSENT = Q(withdrawn_on__isnull=True)


class Release(TimeStampedModel):
    """An inmate leaving the facility, and the hand-over to a Bapas."""

    inmate = models.OneToOneField(
        "inmates.Inmate", on_delete=models.PROTECT, related_name="release"
    )
    released_on = models.DateField(_("released on"))
    kind = models.CharField(_("kind"), max_length=10, choices=ReleaseKind.choices)
    leaves_with = models.TextField(
        _("leaves with"),
        blank=True,
        help_text=_("Documents, certificates, belongings."),
    )
    # Wider than the bound (15 digits), so that a value stored before the bound existed
    # (SQLite keeps any number) still reads back instead of failing every page.
    savings_rupiah = models.DecimalField(
        _("savings from premi (Rp)"),
        max_digits=15,
        decimal_places=0,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_SAVINGS_RUPIAH)],
    )
    # The legal basis of a release on a decree (PB, CB, CMB, asimilasi): the SK's number
    # and date (required by the action for those kinds; empty for releases recorded
    # before these fields existed).
    sk_number = models.CharField(_("SK number"), max_length=MAX_SK_NUMBER, blank=True)
    sk_date = models.DateField(_("SK date"), null=True, blank=True)
    # Where the person goes and who answers for them: what the Bapas needs to find them
    # (empty for releases recorded before these fields existed).
    address = models.CharField(_("address after release"), max_length=300, blank=True)
    phone = models.CharField(_("contact (telephone)"), max_length=100, blank=True)
    guarantor = models.CharField(_("guarantor (penjamin)"), max_length=200, blank=True)
    bapas = models.ForeignKey(
        "orgs.Facility",
        verbose_name=_("handed over to (Bapas)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handovers",
    )
    probation_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("probation officer (PK)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handovers",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The receiving Bapas's probation officer acknowledges the hand-over (serah terima),
    # once: who and when (empty until then, and for releases handed to no Bapas).
    acknowledged_at = models.DateTimeField(_("hand-over acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hand-over acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    @property
    def acknowledger_name(self) -> str:
        """Who acknowledged the hand-over, by name; "" when nobody did or their account
        is gone (the link is emptied when a user is deleted: the date stays)."""
        user = self.acknowledged_by
        return "" if user is None else (user.get_full_name() or user.username)

    class Meta:
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        ordering = ["-released_on"]
        indexes = [
            models.Index(fields=["bapas", "released_on"]),
            # The API's order (the latest first): its first page without sorting them all.
            models.Index(fields=["-released_on", "id"], name="release_latest_first"),
        ]

    def __str__(self) -> str:
        return f"{self.inmate} {self.released_on}"

    def clean(self) -> None:
        """The release date's bounds (as the action checks them): not before the
        detention start, not after the facility's tomorrow."""
        import datetime

        from django.core.exceptions import ValidationError

        if self.released_on is None or self.inmate_id is None:
            return
        sentence = getattr(self.inmate, "sentence", None)
        latest = self.inmate.facility.today() + datetime.timedelta(days=1)
        if sentence is not None and self.released_on < sentence.detention_start:
            raise ValidationError(
                {"released_on": _("A release cannot come before the detention start.")}
            )
        if self.released_on > latest:
            raise ValidationError({"released_on": _("A release cannot be after tomorrow.")})


class FollowUp(TimeStampedModel):
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="follow_ups")
    month = models.PositiveSmallIntegerField(
        _("month after release"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_FOLLOW_UP_MONTH)],
    )
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact_made = models.BooleanField(_("contact made"), default=False)
    work_status = models.CharField(_("work"), max_length=14, choices=WorkStatus.choices, blank=True)
    income_source = models.CharField(_("income source"), max_length=200, blank=True)
    housing = models.CharField(_("housing"), max_length=200, blank=True)
    family = models.CharField(_("family"), max_length=200, blank=True)
    referrals_used = models.CharField(_("referrals used"), max_length=300, blank=True)
    new_offence = models.BooleanField(_("new offence"), default=False)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(fields=["release", "month"], name="one_follow_up_per_month")
        ]
        indexes = [
            models.Index(fields=["done_on", "due_on"]),
            # The API's order (by due date): its first page without sorting every one.
            models.Index(fields=["due_on", "id"], name="followup_by_due_day"),
            # The follow-ups still to do of a set of releases (a Bapas's, a facility's):
            # the list's count and its first page.
            models.Index(
                fields=["release", "due_on"],
                condition=models.Q(done_on__isnull=True),
                name="followup_open_by_release",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.release} +{self.month}"

    def clean(self) -> None:
        """Done between the release and today (as the action checks it)."""
        from django.core.exceptions import ValidationError

        if self.done_on is None or self.release_id is None:
            return
        if self.done_on < self.release.released_on:
            raise ValidationError({"done_on": _("A follow-up comes after the release.")})
        if self.done_on > self.release.inmate.facility.today():
            raise ValidationError({"done_on": _("A follow-up cannot be in the future.")})


class Readmission(models.Model):
    """The same person admitted again after an earlier release: reoffending."""

    earlier_release = models.ForeignKey(
        Release, on_delete=models.CASCADE, related_name="readmissions"
    )
    new_inmate = models.OneToOneField(
        "inmates.Inmate", on_delete=models.CASCADE, related_name="readmission"
    )
    matched_by = models.CharField(_("matched by"), max_length=20)
    detected_at = models.DateTimeField(auto_now_add=True)
    # Whose action admitted the person (an inmate added, an import): empty for an import
    # run with no user, and for the re-admissions detected before this was recorded.
    detected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("detected by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("re-admission")
        verbose_name_plural = _("re-admissions")

    def __str__(self) -> str:
        return f"{self.new_inmate} after {self.earlier_release}"


class JobOpening(TimeStampedModel):
    """A vacancy a partner business posts for (future) former inmates."""

    partner = models.ForeignKey(
        "orgs.Partner",
        verbose_name=_("employer"),
        on_delete=models.CASCADE,
        related_name="job_openings",
    )
    title = models.CharField(_("job"), max_length=200)
    sector = models.CharField(_("sector"), max_length=100)
    place = models.CharField(_("place"), max_length=150)
    vacancies = models.PositiveIntegerField(
        _("vacancies"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_VACANCIES)],
    )
    skills_wanted = models.TextField(_("skills wanted"), blank=True)
    skill_categories = models.JSONField(
        _("program categories that qualify"),
        default=list,
        blank=True,
        help_text=_("A certificate of a program in one of these categories is a match."),
    )
    skills = models.ManyToManyField(
        "programs.Skill",
        verbose_name=_("skills wanted (from the vocabulary)"),
        blank=True,
        related_name="job_openings",
        help_text=_(
            "A person whose certificate or passed competency unit attests one of these "
            "skills is a match."
        ),
    )
    excluded_crime_categories = models.JSONField(
        _("offence categories excluded"), default=list, blank=True
    )
    closing_date = models.DateField(_("closing date"))
    open_to_former_inmates = models.BooleanField(_("open to former inmates"), default=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = JobOpeningQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("job opening")
        verbose_name_plural = _("job openings")
        ordering = ["closing_date", "id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.partner})"

    def get_absolute_url(self) -> str:
        return reverse("reintegration:job", args=[self.pk])


class JobApplication(TimeStampedModel):
    opening = models.ForeignKey(JobOpening, on_delete=models.CASCADE, related_name="applications")
    inmate = models.ForeignKey(
        "inmates.Inmate", on_delete=models.CASCADE, related_name="job_applications"
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.APPLIED,
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = JobApplicationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("job application")
        verbose_name_plural = _("job applications")
        constraints = [
            models.UniqueConstraint(fields=["opening", "inmate"], name="one_application_each")
        ]

    def __str__(self) -> str:
        return f"{self.inmate} → {self.opening}"
