"""Inmates (WBP), their sentence, remisi, Register F and monthly SPPN scores.

The key dates and integration-right results computed by ``sinergi.sentences`` are
stored on :class:`Sentence` and :class:`InmateRight` (recomputed by
``calculation.recalculate`` on every change) so that lists, filters and worklists run in SQL.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from simple_history.models import HistoricalRecords

from sinergi.core.models import TimeStampedModel
from sinergi.inmates.choices import (
    CrimeCategory,
    CustodyEnd,
    CustodyStart,
    DetentionKind,
    Education,
    ImportStatus,
    InmateStatus,
    RecalculatedField,
    RegisterClass,
    Religion,
    ReligiousHoliday,
    RemissionKind,
    Right,
    RightStatus,
    SecurityLevel,
    Sex,
    TermKind,
)
from sinergi.inmates.queries import (
    InmateQuerySet,
    InmateRightQuerySet,
    SentenceRecalculationChangeQuerySet,
    SentenceRecalculationFacilityQuerySet,
    SentenceRecalculationQuerySet,
)
from sinergi.inmates.wording import say_length
from sinergi.sentences import Length

nik_validator = RegexValidator(r"^\d{16}$", _("A NIK has exactly 16 digits."))
score_validators = [MinValueValidator(0), MaxValueValidator(100)]


class Inmate(TimeStampedModel):
    """A warga binaan (WBP) of one facility, as registered in SDP."""

    facility = models.ForeignKey(
        "orgs.Facility",
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        related_name="inmates",
    )
    registration_number = models.CharField(
        _("registration number"),
        max_length=40,
        help_text=_("As in SDP, e.g. BI 283/26. Spellings such as B I 283 / 26 are normalised."),
    )
    name = models.CharField(_("name"), max_length=200)
    aliases = models.CharField(_("aliases"), max_length=300, blank=True)
    nik = models.CharField(_("NIK"), max_length=16, blank=True, validators=[nik_validator])
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    religion = models.CharField(_("religion"), max_length=12, choices=Religion.choices, blank=True)
    home_regency = models.CharField(_("home regency / city"), max_length=100, blank=True)
    education = models.CharField(
        _("education"), max_length=12, choices=Education.choices, blank=True
    )
    register_class = models.CharField(
        _("register"), max_length=6, choices=RegisterClass.choices, blank=True
    )
    security_level = models.CharField(
        _("security level"), max_length=14, choices=SecurityLevel.choices, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=InmateStatus.choices,
        default=InmateStatus.IN_CUSTODY,
    )
    admission_date = models.DateField(_("admission date"), null=True, blank=True)
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    chronic_illness = models.BooleanField(
        _("chronic illness"),
        null=True,
        blank=True,
        help_text=_("A chronic illness may be a ground for remisi kemanusiaan."),
    )
    # The guardian officer (wali pemasyarakatan) who follows this person: a user with the
    # guardian role at the person's facility (actions.assign_wali checks it).
    wali = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("wali (guardian officer)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The earliest eligibility date of the person's eligible rights (None: none has a
    # date), kept by the database's triggers (migration 0014) whatever writes the rights
    # (the engine, the recalculation's COPY, the import): the rights pipeline sorts on it
    # from an index instead of a subquery per person (a region's 11,000 people, 70 ms). A
    # value written here from Python is replaced.
    earliest_right = models.DateField(
        _("earliest right date"), null=True, blank=True, editable=False
    )

    objects = InmateQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["earliest_right"])

    class Meta:
        verbose_name = _("inmate")
        verbose_name_plural = _("inmates")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "registration_number"],
                name="inmate_unique_registration_per_facility",
            )
        ]
        indexes = [
            models.Index(fields=["facility", "status", "name"]),
            models.Index(fields=["facility", "security_level"]),
            models.Index(fields=["name"]),
            models.Index(fields=["facility", "wali"]),
            # The inmate list's order (by name regardless of case, then id): a wide scope's
            # first page (an administrator's: everyone) is read in order from it instead
            # of sorting the country.
            models.Index(Lower("name"), "id", name="inmate_lower_name_id"),
            # The rights pipeline's order (earliest right, name, id) within a facility:
            # its first page read from the index, not the facility's people sorted.
            models.Index(
                fields=["facility", "earliest_right", "name", "id"],
                condition=Q(status=InmateStatus.IN_CUSTODY),
                name="inmate_pipeline_order",
            ),
            # The same order across facilities: a region's or a Kanwil's first page walks
            # it and keeps its facilities' people (about 1,100 index rows read for a
            # Kanwil's first 50 of 11,000 people, not all of them sorted).
            models.Index(
                fields=["earliest_right", "name", "id"],
                condition=Q(status=InmateStatus.IN_CUSTODY),
                name="inmate_pipeline_order_wide",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.registration_number})"

    def get_absolute_url(self) -> str:
        return reverse("inmates:detail", args=[self.pk])

    @property
    def nik_sex_conflict(self) -> str:
        """Why the NIK's sex digits disagree with the recorded sex ("" when they agree):
        an import keeps such a row and flags it here until the NIK or the sex is
        corrected."""
        from sinergi.inmates.parsing import nik_sex_conflict

        return nik_sex_conflict(self.nik, self.sex)


class Sentence(TimeStampedModel):
    """The sentence being served (SDP records several verdicts as one combined term)."""

    inmate = models.OneToOneField(
        Inmate, verbose_name=_("inmate"), on_delete=models.CASCADE, related_name="sentence"
    )
    verdict_number = models.CharField(_("verdict number"), max_length=100, blank=True)
    court = models.CharField(_("court"), max_length=150, blank=True)
    verdict_date = models.DateField(_("verdict date"), null=True, blank=True)
    crime_category = models.CharField(
        _("crime category"),
        max_length=16,
        choices=CrimeCategory.choices,
        default=CrimeCategory.GENERAL,
    )
    crime_text = models.CharField(
        _("crime (as written)"),
        max_length=200,
        blank=True,
        help_text=_("The original text of the SDP export, e.g. Narkotika Pasal 112."),
    )
    legal_articles = models.CharField(_("legal articles"), max_length=200, blank=True)
    term_kind = models.CharField(
        _("term"), max_length=5, choices=TermKind.choices, default=TermKind.FIXED
    )
    term_years = models.PositiveSmallIntegerField(_("years"), default=0)
    term_months = models.PositiveSmallIntegerField(_("months"), default=0)
    term_days = models.PositiveSmallIntegerField(_("days"), default=0)
    detention_start = models.DateField(_("detention start"))
    fine_amount = models.DecimalField(
        _("fine (Rp)"), max_digits=15, decimal_places=0, null=True, blank=True
    )
    fine_substitute_days = models.PositiveIntegerField(
        _("substitute confinement (days)"),
        null=True,
        blank=True,
        help_text=_(
            "The substitute term (subsider) for the fine: served after the prison term "
            "when the fine is not paid; no PB or CB while serving it."
        ),
    )
    fine_paid = models.BooleanField(_("fine paid"), null=True, blank=True)
    restitution_amount = models.DecimalField(
        _("restitution (uang pengganti, Rp)"),
        max_digits=15,
        decimal_places=0,
        null=True,
        blank=True,
    )
    restitution_paid = models.BooleanField(_("restitution paid"), null=True, blank=True)
    restitution_substitute_days = models.PositiveIntegerField(
        _("restitution substitute term (days)"),
        null=True,
        blank=True,
        help_text=_(
            "The substitute term for the uang pengganti: served after the prison term "
            "when it is not paid."
        ),
    )
    justice_collaborator = models.BooleanField(
        _("justice collaborator"),
        null=True,
        blank=True,
        help_text=_(
            "Recognised as a justice collaborator: remisi tambahan (Permenkumham 7/2022 "
            "Pasal 35A); a condition under PP 99/2012 until 28 October 2021."
        ),
    )
    sentenced_as_child = models.BooleanField(
        _("sentenced as a child (Anak)"),
        default=False,
        help_text=_(
            "The court sentenced the person as a child: the children's rules apply "
            "(also for everyone held in an LPKA or under 18 at the offence)."
        ),
    )
    age_at_offence = models.PositiveSmallIntegerField(
        _("age at the offence"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(120)],
        help_text=_("In years. Under 18: the children's rules apply."),
    )
    commuted_on = models.DateField(
        _("commuted on"),
        null=True,
        blank=True,
        help_text=_(
            "A life or death sentence commuted (grasi) to the fixed term above: the date of "
            "the commutation, from which the term runs."
        ),
    )
    deradicalisation_completed = models.BooleanField(
        _("deradicalisation completed"), null=True, blank=True
    )
    nkri_pledge_signed = models.BooleanField(_("NKRI pledge signed"), null=True, blank=True)
    remission_days = models.PositiveIntegerField(
        _("total remisi (days)"),
        default=0,
        help_text=_("Total remisi granted; the SDP import sets it, new remisi add to it."),
    )

    # Computed by sinergi.sentences (calculation.recalculate); never edited by hand.
    expiry_date = models.DateField(_("expiry"), null=True, blank=True, editable=False)
    expiry_after_remission = models.DateField(
        _("expiry after remisi"), null=True, blank=True, editable=False, db_index=True
    )
    one_third_date = models.DateField(_("1/3 date"), null=True, blank=True, editable=False)
    half_date = models.DateField(_("1/2 date"), null=True, blank=True, editable=False)
    two_thirds_date = models.DateField(_("2/3 date"), null=True, blank=True, editable=False)
    term_start = models.DateField(_("term start"), null=True, blank=True, editable=False)
    release_date = models.DateField(_("release date"), null=True, blank=True, editable=False)
    pb_probation_end = models.DateField(
        _("end of PB probation"), null=True, blank=True, editable=False
    )
    rule_set = models.CharField(_("rule set"), max_length=80, blank=True, editable=False)
    calculated_on = models.DateField(_("calculated on"), null=True, blank=True, editable=False)
    # Whether the person is in custody: a copy of ``inmate.status == IN_CUSTODY`` that the
    # database keeps (the triggers of migration inmates 0013: whatever writes the
    # sentence or the person's status, ORM, bulk update or COPY), so that the lists of
    # people to release find the held whose day has come through one index range (the
    # partial index below), not by reading every sentence in the country whose day has
    # passed, the released included. A value written here from Python is replaced.
    held = models.BooleanField(_("in custody"), default=False, editable=False)

    history = HistoricalRecords(excluded_fields=["held"])

    class Meta:
        verbose_name = _("sentence")
        verbose_name_plural = _("sentences")
        constraints = [
            models.CheckConstraint(
                name="sentence_fixed_term_not_zero",
                condition=~Q(term_kind=TermKind.FIXED, term_years=0, term_months=0, term_days=0),
            ),
            # A commutation is to a fixed term and not before the detention start: the
            # actions' rule (rules.sentence_problems), not a constraint, because an SDP
            # import without the commutation column may change the term or the detention
            # start of a commuted sentence (the calculation then leaves the date out).
            models.CheckConstraint(
                name="sentence_age_at_offence_0_120",
                condition=Q(age_at_offence__isnull=True) | Q(age_at_offence__lte=120),
            ),
        ]
        indexes = [
            models.Index(fields=["crime_category"]),
            # The day the sentence lets the person out (queries.release_due), for the
            # lists of people to release: an index range, not every sentence in the country.
            models.Index(
                Coalesce("release_date", "expiry_after_remission"),
                name="inmates_sentence_release_due",
            ),
            # The same day of the people in custody only (``held``): the overdue list,
            # the releases due today, the home pages' alarms.
            models.Index(
                Coalesce("release_date", "expiry_after_remission"),
                name="inmates_sentence_held_due",
                condition=Q(held=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inmate}: {self.term_display}"

    @property
    def term_display(self) -> str:
        if self.term_kind != TermKind.FIXED:
            return str(self.get_term_kind_display())
        return say_length(Length(self.term_years, self.term_months, self.term_days))


class Remission(TimeStampedModel):
    inmate = models.ForeignKey(
        Inmate, verbose_name=_("inmate"), on_delete=models.CASCADE, related_name="remissions"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=RemissionKind.choices)
    # The calendar year of the remisi (17 August of ``year`` for remisi umum).
    year = models.PositiveSmallIntegerField(_("year"))
    months = models.PositiveSmallIntegerField(_("months"), default=0)
    days = models.PositiveSmallIntegerField(_("days"), default=0)
    decree_number = models.CharField(_("decree number"), max_length=100, blank=True)
    granted_on = models.DateField(_("granted on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("remisi")
        verbose_name_plural = _("remisi")
        ordering = ["-year", "-granted_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}: {self.total_days}"

    @property
    def total_days(self) -> int:
        # Keppres 174/1999 Pasal 7: one remisi month is 30 days.
        return self.months * 30 + self.days


class DisciplinaryRecord(TimeStampedModel):
    """A Register F entry."""

    inmate = models.ForeignKey(
        Inmate,
        verbose_name=_("inmate"),
        on_delete=models.CASCADE,
        related_name="disciplinary_records",
    )
    date = models.DateField(_("date"))
    violation = models.CharField(_("violation"), max_length=300)
    sanction = models.CharField(_("sanction"), max_length=300, blank=True)
    end_date = models.DateField(
        _("end of punishment"),
        null=True,
        blank=True,
        help_text=_("Leave empty while the punishment has no known end."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Register F entry")
        verbose_name_plural = _("Register F entries")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                name="register_f_end_after_start",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("date")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.violation}"

    def is_active_on(self, day: datetime.date) -> bool:
        return self.date <= day and (self.end_date is None or day <= self.end_date)


class DetentionPeriod(TimeStampedModel):
    """A detention period that ended before the current detention start (KUHAP Pasal 22:
    rutan counts in full, house detention 1/3, city detention 1/5), e.g. before a release
    pending trial. The term runs from the detention start less this credit."""

    inmate = models.ForeignKey(
        Inmate,
        verbose_name=_("inmate"),
        on_delete=models.CASCADE,
        related_name="detention_periods",
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), help_text=_("The last day in detention."))
    kind = models.CharField(
        _("kind of detention"),
        max_length=8,
        choices=DetentionKind.choices,
        default=DetentionKind.RUTAN,
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("earlier detention period")
        verbose_name_plural = _("earlier detention periods")
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(
                name="detention_period_end_after_start",
                condition=Q(end_date__gte=models.F("start_date")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.start_date} - {self.end_date} ({self.kind})"

    def clean(self) -> None:
        # The same rule as the check constraint, at its field: a form shows it next to the
        # end date instead of naming the constraint.
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end cannot be before the start.")})

    @property
    def days(self) -> int:
        """Days in detention, both ends included."""
        return (self.end_date - self.start_date).days + 1


class ConsecutiveSentence(TimeStampedModel):
    """A further fixed term served after the current sentence (one after another): the
    engine counts them as one term (KUHP 2023 Pasal 72)."""

    inmate = models.ForeignKey(
        Inmate,
        verbose_name=_("inmate"),
        on_delete=models.CASCADE,
        related_name="consecutive_sentences",
    )
    verdict_number = models.CharField(_("verdict number"), max_length=100, blank=True)
    court = models.CharField(_("court"), max_length=150, blank=True)
    years = models.PositiveSmallIntegerField(_("years"), default=0)
    months = models.PositiveSmallIntegerField(_("months"), default=0)
    days = models.PositiveSmallIntegerField(_("days"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consecutive sentence")
        verbose_name_plural = _("consecutive sentences")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                name="consecutive_sentence_not_zero",
                condition=~Q(years=0, months=0, days=0),
            )
        ]

    def __str__(self) -> str:
        return f"{self.verdict_number or self.pk}: {self.term_display}"

    def clean(self) -> None:
        # The check constraint's rule at a field, for forms (see DetentionPeriod.clean).
        if not (self.years or self.months or self.days):
            raise ValidationError(
                {"years": _("A consecutive sentence needs years, months or days.")}
            )

    @property
    def term_display(self) -> str:
        return say_length(Length(self.years, self.months, self.days))


class MonthlyAssessment(TimeStampedModel):
    """An SPPN-style monthly development score (0 to 100 per aspect)."""

    inmate = models.ForeignKey(
        Inmate,
        verbose_name=_("inmate"),
        on_delete=models.CASCADE,
        related_name="assessments",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month scored."))
    personality = models.PositiveSmallIntegerField(
        _("personality (kepribadian)"), validators=score_validators
    )
    independence = models.PositiveSmallIntegerField(
        _("independence (kemandirian)"), validators=score_validators
    )
    behaviour = models.PositiveSmallIntegerField(_("behaviour"), validators=score_validators)
    mental_condition = models.PositiveSmallIntegerField(
        _("mental condition"), validators=score_validators
    )
    total = models.DecimalField(_("total"), max_digits=5, decimal_places=2, editable=False)
    note = models.TextField(_("note"), blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scored by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("monthly assessment (SPPN)")
        verbose_name_plural = _("monthly assessments (SPPN)")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["inmate", "month"], name="one_assessment_per_month"),
            *[
                models.CheckConstraint(
                    name=f"assessment_{name}_0_100", condition=Q(**{f"{name}__lte": 100})
                )
                for name in ("personality", "independence", "behaviour", "mental_condition")
            ],
        ]

    def __str__(self) -> str:
        return f"{self.inmate} {self.month:%Y-%m}: {self.total}"


class InmateRight(models.Model):
    """The engine's result for one integration right of one inmate (a derived row)."""

    inmate = models.ForeignKey(
        Inmate, verbose_name=_("inmate"), on_delete=models.CASCADE, related_name="rights"
    )
    right = models.CharField(_("right"), max_length=10, choices=Right.choices)
    status = models.CharField(_("status"), max_length=16, choices=RightStatus.choices)
    eligible_from = models.DateField(_("eligible from"), null=True, blank=True)
    # PB: the end of the probation; CB: the end of the leave; CMB: the release day.
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    missing_conditions = models.JSONField(_("conditions to verify"), default=list)

    objects = InmateRightQuerySet.as_manager()

    class Meta:
        verbose_name = _("integration right")
        verbose_name_plural = _("integration rights")
        constraints = [
            models.UniqueConstraint(fields=["inmate", "right"], name="one_result_per_right")
        ]
        indexes = [models.Index(fields=["right", "status", "eligible_from"])]

    def __str__(self) -> str:
        return f"{self.inmate_id} {self.right}: {self.status}"


class ColumnMapping(TimeStampedModel):
    """The last column mapping a facility used for SDP exports with unknown headers."""

    facility = models.OneToOneField(
        "orgs.Facility", on_delete=models.CASCADE, related_name="import_column_mapping"
    )
    mapping = models.JSONField(default=dict)  # field key -> header text

    class Meta:
        verbose_name = _("import column mapping")
        verbose_name_plural = _("import column mappings")

    def __str__(self) -> str:
        return str(self.facility)


class CustodyEpisode(TimeStampedModel):
    """One stretch of custody of a person at a facility: from an admission or a transfer
    in to a release, a transfer out or a death (open while the person is held). The
    populations of a past period are counted from these (``custody.in_custody_during``),
    kept by ``custody.follow_status`` from the actions that admit, import and change a
    person's status (release, transfer)."""

    inmate = models.ForeignKey(
        Inmate,
        verbose_name=_("inmate"),
        on_delete=models.CASCADE,
        related_name="custody_episodes",
    )
    facility = models.ForeignKey(
        "orgs.Facility",
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        related_name="custody_episodes",
    )
    started_on = models.DateField(_("in custody from"))
    started_how = models.CharField(
        _("how custody began"),
        max_length=12,
        choices=CustodyStart.choices,
        default=CustodyStart.ADMISSION,
    )
    ended_on = models.DateField(
        _("in custody until"),
        null=True,
        blank=True,
        help_text=_("The last day in custody (the day of the release or transfer)."),
    )
    ended_how = models.CharField(
        _("how custody ended"), max_length=12, choices=CustodyEnd.choices, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("custody episode")
        verbose_name_plural = _("custody episodes")
        ordering = ["inmate", "started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="custody_episode_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True, ended_how="")
                | Q(ended_on__isnull=False) & ~Q(ended_how=""),
                name="custody_episode_end_has_how",
            ),
            models.UniqueConstraint(
                fields=["inmate"],
                condition=Q(ended_on__isnull=True),
                name="one_open_custody_episode",
            ),
        ]
        indexes = [models.Index(fields=["facility", "started_on", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.inmate_id} @ {self.facility_id}: {self.started_on} - {self.ended_on or ''}"


class ImportBatch(TimeStampedModel):
    """One upload of an SDP export: validated whole, then written in batches."""

    facility = models.ForeignKey(
        "orgs.Facility",
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        related_name="import_batches",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filename = models.CharField(_("file"), max_length=255)
    stored_path = models.CharField(max_length=500, editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    # "" reads UTF-8 (with or without a BOM) or UTF-16 (with a BOM) and refuses anything
    # else; "cp1252" is the old Windows encoding, used only when the uploader chose it.
    encoding = models.CharField(_("encoding"), max_length=12, blank=True)
    # Counts the runs of this import: a worker writes only while its run is the current one.
    attempt = models.PositiveIntegerField(default=0, editable=False)
    mapping = models.JSONField(_("column mapping"), default=dict)  # field key -> column index
    headers = models.JSONField(_("headers"), default=list)
    dry_run = models.BooleanField(_("dry run"), default=False)
    # A full export of the facility: the people in custody in Sinergi but not in the file
    # are listed in ``absent`` (inmate, registration_number, name) for review, unchanged.
    full_export = models.BooleanField(_("full export of the facility"), default=False)
    absent = models.JSONField(_("in custody but not in the file"), default=list, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    written_rows = models.PositiveIntegerField(_("rows written"), default=0)
    created_count = models.PositiveIntegerField(_("new inmates"), default=0)
    updated_count = models.PositiveIntegerField(_("updated inmates"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    errors = models.JSONField(_("errors"), default=list)
    message = models.TextField(_("message"), blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["facility", "created_at"])]

    def __str__(self) -> str:
        return f"{self.filename} ({self.status_label})"

    @property
    def status_label(self) -> str:
        """The status in words; a check that found every row valid wrote nothing, so it
        reads as checked, not done."""
        if self.dry_run and self.status == ImportStatus.DONE:
            return str(_("Checked, nothing written"))
        return str(self.get_status_display())

    def get_absolute_url(self) -> str:
        return reverse("inmates:import_detail", args=[self.pk])

    # ``message`` while the checked rows are written (``written_rows`` counts them).
    WRITING = "writing"

    @property
    def is_writing(self) -> bool:
        return self.status == ImportStatus.RUNNING and self.message == self.WRITING

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))

    @property
    def write_percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.written_rows / self.total_rows))

    @property
    def is_finished(self) -> bool:
        return self.status in {
            ImportStatus.INVALID,
            ImportStatus.DONE,
            ImportStatus.FAILED,
            ImportStatus.EMPTY,
            ImportStatus.INTERRUPTED,
        }

    @property
    def can_retry(self) -> bool:
        return self.status in {ImportStatus.FAILED, ImportStatus.INTERRUPTED}


class ImportChange(models.Model):
    """What one import wrote to one inmate, kept while the import runs: the rows are
    written in short transactions, and this journal lets a failed or interrupted import
    be undone (a new inmate deleted, a changed one given back its values ``before``)."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="changes")
    inmate = models.ForeignKey("Inmate", on_delete=models.CASCADE, related_name="+")
    created = models.BooleanField(default=False)
    before = models.JSONField(default=dict, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("import change")
        verbose_name_plural = _("import changes")
        indexes = [models.Index(fields=["batch", "id"])]

    def __str__(self) -> str:
        return f"{self.batch_id}: {'created' if self.created else 'changed'} {self.inmate_id}"


class ReligiousHolidayDate(TimeStampedModel):
    """The date of a religious holiday in one year (the national calendar of the SKB of
    three ministers), on which remisi khusus is given. Administrators keep it up to date."""

    holiday = models.CharField(
        pgettext_lazy("religious holiday", "holiday"),
        max_length=12,
        choices=ReligiousHoliday.choices,
    )
    date = models.DateField(_("date"))
    note = models.CharField(_("source or note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("religious holiday date")
        verbose_name_plural = _("religious holiday dates")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["holiday", "date"], name="one_holiday_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.get_holiday_display()} {self.date:%Y-%m-%d}"


class SentenceRecalculation(TimeStampedModel):
    """One run of ``recalculate_sentences``: what it found would change (the report),
    kept whether it wrote (``applied``) or only looked (``dry_run``)."""

    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("run by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The user's name as it was, or "system" for the command run without a user.
    run_by_username = models.CharField(_("run by (name)"), max_length=150)
    reason = models.TextField(_("reason"), blank=True)
    # The --facility limit, if any; otherwise every facility with sentenced inmates.
    limited_to = models.ForeignKey(
        "orgs.Facility",
        verbose_name=_("limited to facility"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rule_sets = models.JSONField(_("rule sets"), default=list)
    dry_run = models.BooleanField(_("dry run"), default=False)
    applied = models.BooleanField(_("applied"), default=False)
    inmates_checked = models.PositiveIntegerField(_("people recalculated"), default=0)
    inmates_changed = models.PositiveIntegerField(_("people whose dates moved"), default=0)
    changes_count = models.PositiveIntegerField(_("changes"), default=0)
    # A run commits chunk by chunk (recalculation.run_chunks): ``in_progress`` until its
    # last chunk; ``recalculate_sentences --resume`` continues after ``done_through``
    # (the last inmate id finished), up to ``up_to_inmate`` (the highest id at the
    # start), each facility on the day of ``days`` (time zone -> ISO date).
    in_progress = models.BooleanField(_("in progress"), default=False)
    people_total = models.PositiveIntegerField(_("people to recalculate"), default=0)
    chunks_total = models.PositiveIntegerField(_("chunks"), default=0)
    chunks_done = models.PositiveIntegerField(_("chunks done"), default=0)
    done_through = models.BigIntegerField(_("done through inmate id"), null=True, blank=True)
    up_to_inmate = models.BigIntegerField(_("up to inmate id"), null=True, blank=True)
    days = models.JSONField(_("days by time zone"), default=dict, blank=True)

    objects = SentenceRecalculationQuerySet.as_manager()

    class Meta:
        verbose_name = _("sentence recalculation")
        verbose_name_plural = _("sentence recalculations")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["applied", "created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.run_by_username}"

    def get_absolute_url(self) -> str:
        return reverse("inmates:recalculation", args=[self.pk])


class SentenceRecalculationFacility(models.Model):
    """One facility's totals in a recalculation (a row even when nothing moved there):
    what its staff see of a run."""

    recalculation = models.ForeignKey(
        SentenceRecalculation,
        verbose_name=_("recalculation"),
        on_delete=models.CASCADE,
        related_name="facilities",
    )
    facility = models.ForeignKey(
        "orgs.Facility", verbose_name=_("facility"), on_delete=models.PROTECT, related_name="+"
    )
    inmates_checked = models.PositiveIntegerField(_("people recalculated"), default=0)
    inmates_changed = models.PositiveIntegerField(_("people whose dates moved"), default=0)
    changes_count = models.PositiveIntegerField(_("changes"), default=0)

    objects = SentenceRecalculationFacilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("recalculation of a facility")
        verbose_name_plural = _("recalculations of facilities")
        constraints = [
            models.UniqueConstraint(
                fields=["recalculation", "facility"], name="one_total_per_recalculated_facility"
            )
        ]
        indexes = [models.Index(fields=["facility", "recalculation"])]

    def __str__(self) -> str:
        return f"{self.recalculation_id} {self.facility_id}: {self.inmates_changed}"


class SentenceRecalculationChange(models.Model):
    """One value a recalculation changed (or, in a dry run, would change) for one person."""

    recalculation = models.ForeignKey(
        SentenceRecalculation,
        verbose_name=_("recalculation"),
        on_delete=models.CASCADE,
        related_name="changes",
    )
    inmate = models.ForeignKey(
        Inmate, verbose_name=_("inmate"), on_delete=models.CASCADE, related_name="+"
    )
    # The inmate's facility at the time of the run: who may read the change.
    facility = models.ForeignKey(
        "orgs.Facility", verbose_name=_("facility"), on_delete=models.PROTECT, related_name="+"
    )
    field = models.CharField(_("field"), max_length=24, choices=RecalculatedField.choices)
    # For eligible_from and status: which right; blank for the sentence's fields.
    right = models.CharField(_("right"), max_length=10, choices=Right.choices, blank=True)
    old_value = models.CharField(_("old value"), max_length=100, blank=True)
    new_value = models.CharField(_("new value"), max_length=100, blank=True)
    # new - old in days, for a date that had a value before and after; else null.
    shift_days = models.IntegerField(_("shift (days)"), null=True, blank=True)

    objects = SentenceRecalculationChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("recalculated value")
        verbose_name_plural = _("recalculated values")
        ordering = ["recalculation", "facility", "inmate", "id"]
        indexes = [models.Index(fields=["recalculation", "facility", "inmate"])]

    def __str__(self) -> str:
        label = f"{self.field}:{self.right}" if self.right else self.field
        return f"{self.inmate_id} {label}: {self.old_value} -> {self.new_value}"

    @property
    def is_date(self) -> bool:
        return self.field not in (RecalculatedField.RULE_SET, RecalculatedField.STATUS)

    def _shown(self, value: str) -> datetime.date | str:
        """A stored value as a page shows it: a date, a status's label, or the text."""
        if value and self.is_date:
            return datetime.date.fromisoformat(value)
        if value and self.field == RecalculatedField.STATUS and value in RightStatus.values:
            return str(RightStatus(value).label)
        return value

    @property
    def old(self) -> datetime.date | str:
        return self._shown(self.old_value)

    @property
    def new(self) -> datetime.date | str:
        return self._shown(self.new_value)

    @property
    def shift_display(self) -> str:
        """ "+5 days", "-4 days" (with a minus sign); "" when not between two dates."""
        if self.shift_days is None:
            return ""
        days = abs(self.shift_days)
        sign = "+" if self.shift_days > 0 else "\u2212"
        return ngettext("%(sign)s%(n)s day", "%(sign)s%(n)s days", days) % {
            "sign": sign,
            "n": days,
        }
