"""Development programs (pembinaan): catalogue, schedule, sessions, enrolment, waiting
list, attendance, assessment, competency results and certificates."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sinergi.core.bounds import MAX_CAPACITY, MAX_MONTHS, MAX_PROGRAM_HOURS, date_validators
from sinergi.core.models import TimeStampedModel
from sinergi.inmates.choices import Sex
from sinergi.programs.choices import (
    ENDED_STATUSES,
    AttendanceStatus,
    CertificateStatus,
    CertificationScheme,
    CompetencyResult,
    EndReason,
    ProgramCategory,
    ProgramKind,
    ProgramStatus,
    SessionStatus,
    WaitingStatus,
    Weekday,
)
from sinergi.programs.queries import (
    CertificateQuerySet,
    EnrollmentQuerySet,
    ProgramQuerySet,
    SessionQuerySet,
    WaitingListQuerySet,
)

percent = [MinValueValidator(0), MaxValueValidator(100)]


class Holiday(TimeStampedModel):
    """A day on which a facility runs no program sessions (national holidays and its own)."""

    facility = models.ForeignKey(
        "orgs.Facility",
        verbose_name=_("facility"),
        on_delete=models.CASCADE,
        related_name="holidays",
    )
    date = models.DateField(_("date"), validators=date_validators())
    name = models.CharField(_("name"), max_length=120)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "date"], name="one_holiday_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.name}"


class Skill(models.Model):
    """A skill of the shared vocabulary: what a program's certificate or a competency unit
    attests and what a job opening asks for, so that they are matched by identity, not by
    words. One skill per name whatever its case ("Pengelasan" and "pengelasan")."""

    name = models.CharField(_("skill"), max_length=100)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="one_skill_per_name")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = " ".join(self.name.split())


class Program(TimeStampedModel):
    facility = models.ForeignKey(
        "orgs.Facility",
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        related_name="programs",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ProgramKind.choices)
    category = models.CharField(_("category"), max_length=24, choices=ProgramCategory.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    partners = models.ManyToManyField(
        "orgs.Partner",
        verbose_name=_("delivering partners"),
        blank=True,
        related_name="programs",
    )
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("instructors"),
        blank=True,
        related_name="instructed_programs",
    )
    skills = models.ManyToManyField(
        Skill,
        verbose_name=_("skills certified"),
        blank=True,
        related_name="programs",
        help_text=_("What a certificate of this program attests (matched to job openings)."),
    )
    location = models.CharField(_("location"), max_length=150, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)]
    )
    target_hours = models.PositiveIntegerField(
        _("target hours"), default=0, validators=[MaxValueValidator(MAX_PROGRAM_HOURS)]
    )
    start_date = models.DateField(_("start date"), validators=date_validators())
    end_date = models.DateField(_("end date"), validators=date_validators())
    allowed_security_levels = models.JSONField(
        _("security levels allowed"),
        default=list,
        blank=True,
        help_text=_("Empty: every level."),
    )
    sex = models.CharField(
        _("for"),
        max_length=1,
        choices=Sex.choices,
        blank=True,
        help_text=_("Empty: men and women."),
    )
    min_months_left = models.PositiveIntegerField(
        _("minimum months of sentence left"),
        default=0,
        validators=[MaxValueValidator(MAX_MONTHS)],
        help_text=_("So that a trainee can finish before release."),
    )
    certification = models.CharField(
        _("certification"),
        max_length=10,
        choices=CertificationScheme.choices,
        default=CertificationScheme.INTERNAL,
    )
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("minimum attendance (%)"), default=80, validators=percent
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("post-test pass mark"),
        null=True,
        blank=True,
        validators=percent,
        help_text=_("Empty: no passing assessment is required."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)

    objects = ProgramQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[partners, instructors])

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["-start_date", "title"]
        indexes = [
            models.Index(fields=["facility", "status"]),
            models.Index(fields=["facility", "kind", "category"]),
            # The list's order (newest first): an administrator's first page of the
            # country's 51,000 programs is 50 index entries, not a sort of them all.
            models.Index(fields=["-start_date", "title", "id"], name="program_latest_first"),
        ]
        constraints = [
            models.CheckConstraint(
                name="program_ends_after_it_starts",
                condition=Q(end_date__gte=models.F("start_date")),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programs:detail", args=[self.pk])

    @property
    def is_vocational(self) -> bool:
        return self.kind == ProgramKind.INDEPENDENCE

    @property
    def has_ended(self) -> bool:
        """Completed or cancelled: nothing of it changes any more."""
        return self.status in ENDED_STATUSES


class ScheduleSlot(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="slots")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("schedule slot")
        verbose_name_plural = _("schedule slots")
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                name="slot_ends_after_it_starts", condition=Q(end_time__gt=models.F("start_time"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H.%M}-{self.end_time:%H.%M}"


class Session(TimeStampedModel):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField(_("date"), validators=date_validators())
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("instructor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )
    is_one_off = models.BooleanField(_("one-off"), default=False)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SessionStatus.choices,
        default=SessionStatus.SCHEDULED,
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    cancelled_for = models.ForeignKey(
        Holiday,
        verbose_name=_("cancelled for the holiday"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cancelled_sessions",
    )

    objects = SessionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["date", "start_time"]
        indexes = [
            models.Index(fields=["program", "date"]),
            models.Index(fields=["instructor", "date"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "date", "start_time"], name="one_session_per_slot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.program} {self.date} {self.start_time:%H.%M}"

    def get_absolute_url(self) -> str:
        return reverse("programs:session", args=[self.pk])

    @property
    def hours(self) -> float:
        start = self.start_time.hour * 60 + self.start_time.minute
        end = self.end_time.hour * 60 + self.end_time.minute
        return round((end - start) / 60, 2)


class Enrollment(TimeStampedModel):
    """An inmate holding a place in a program; ``ended_on`` and ``end_reason`` once it ends."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="enrollments")
    inmate = models.ForeignKey(
        "inmates.Inmate", on_delete=models.CASCADE, related_name="enrollments"
    )
    enrolled_on = models.DateField(_("enrolled on"), validators=date_validators())
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True, validators=date_validators())
    end_reason = models.CharField(
        _("end reason"), max_length=20, choices=EndReason.choices, blank=True
    )
    end_note = models.CharField(_("note"), max_length=300, blank=True)
    pre_test = models.PositiveSmallIntegerField(
        _("pre-test score"), null=True, blank=True, validators=percent
    )
    post_test = models.PositiveSmallIntegerField(
        _("post-test score"), null=True, blank=True, validators=percent
    )

    objects = EnrollmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["inmate__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "inmate"],
                condition=Q(ended_on__isnull=True),
                name="one_open_enrolment_per_program",
            )
        ]
        indexes = [models.Index(fields=["program", "ended_on"])]

    def __str__(self) -> str:
        return str(_("%(person)s in %(program)s")) % {
            "person": self.inmate,
            "program": self.program,
        }

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


class WaitingListEntry(TimeStampedModel):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="waiting_list")
    inmate = models.ForeignKey(
        "inmates.Inmate", on_delete=models.CASCADE, related_name="waiting_entries"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=WaitingStatus.choices, default=WaitingStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = WaitingListQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("waiting-list entry")
        verbose_name_plural = _("waiting list")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "inmate"],
                condition=Q(status__in=[WaitingStatus.PENDING, WaitingStatus.APPROVED]),
                name="one_open_waiting_entry",
            )
        ]

    def __str__(self) -> str:
        return f"{self.inmate} waiting for {self.program}"


class Attendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(_("attendance"), max_length=10, choices=AttendanceStatus.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    hours = models.DecimalField(
        _("hours credited"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "enrollment"], name="one_mark_per_session")
        ]
        indexes = [models.Index(fields=["enrollment", "status"])]

    def __str__(self) -> str:
        return f"{self.enrollment_id} @ {self.session_id}: {self.status}"


class CompetencyUnit(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="units")
    code = models.CharField(_("unit code"), max_length=40, blank=True)
    title = models.CharField(_("unit"), max_length=200)
    skills = models.ManyToManyField(
        Skill,
        verbose_name=_("skills"),
        blank=True,
        related_name="units",
        help_text=_("What being found competent in this unit attests."),
    )

    class Meta:
        verbose_name = _("competency unit")
        verbose_name_plural = _("competency units")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()


class CompetencyAssessment(models.Model):
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="competencies"
    )
    unit = models.ForeignKey(CompetencyUnit, on_delete=models.CASCADE, related_name="results")
    result = models.CharField(_("result"), max_length=10, choices=CompetencyResult.choices)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessed_on = models.DateField(_("assessed on"), validators=date_validators())

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "unit"], name="one_result_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.result}"


class EarlyCompletion(TimeStampedModel):
    """An enrolment completed before its program's last day (the trainee is released or
    transferred, say): why, by whom, when and the hours actually attended. Only then may
    a certificate be issued while the program runs."""

    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.CASCADE, related_name="early_completion"
    )
    completed_on = models.DateField(_("completed on"), validators=date_validators())
    reason = models.CharField(_("reason"), max_length=300)
    hours = models.DecimalField(
        _("hours attended"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_PROGRAM_HOURS)],
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("early completion")
        verbose_name_plural = _("early completions")

    def __str__(self) -> str:
        return f"{self.enrollment_id} {self.completed_on}"


class CompetencyCertification(TimeStampedModel):
    """A competency certificate that an LSP (licensed by the BNSP) issued to the trainee:
    the only ground on which Sinergi's certificate speaks of competency certification."""

    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.CASCADE, related_name="competency_certification"
    )
    issuer = models.CharField(
        _("issuing LSP"), max_length=200, help_text=_("The LSP licensed by the BNSP.")
    )
    number = models.CharField(_("certificate number"), max_length=100)
    issued_on = models.DateField(_("issued on"), validators=date_validators())
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("competency certification")
        verbose_name_plural = _("competency certifications")

    def __str__(self) -> str:
        return f"{self.issuer} {self.number}"


def certificate_code() -> str:
    """A random, unguessable public code (no 0/O/1/I), e.g. SNG-7KQ4-M2XP-9D3F."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"SNG-{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class Certificate(TimeStampedModel):
    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.PROTECT, related_name="certificate"
    )
    code = models.CharField(_("code"), max_length=20, unique=True, default=certificate_code)
    issued_on = models.DateField(_("issued on"), validators=date_validators())
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    hours = models.DecimalField(
        _("hours attended"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )
    program_hours = models.PositiveIntegerField(
        _("program hours"),
        default=0,
        validators=[MaxValueValidator(MAX_PROGRAM_HOURS)],
        help_text=_("The program's hours when the certificate was issued (0: none set)."),
    )
    head_name = models.CharField(_("signed by"), max_length=150)
    holder_name = models.CharField(_("holder"), max_length=200)
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=CertificateStatus.choices,
        default=CertificateStatus.VALID,
    )
    revoked_reason = models.CharField(_("reason for revoking"), max_length=300, blank=True)
    revoked_on = models.DateField(
        _("revoked on"), null=True, blank=True, validators=date_validators()
    )

    objects = CertificateQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on"]

    def __str__(self) -> str:
        return self.code

    def holder_is(self, name: str) -> bool | None:
        """Whether ``name`` is the holder's (case and spacing ignored); None when empty."""
        if not name.strip():
            return None
        return " ".join(name.lower().split()) == " ".join(self.holder_name.lower().split())

    def get_verify_url(self) -> str:
        return reverse("verify", args=[self.code])
