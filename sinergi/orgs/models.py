"""Regions (Kanwil), facilities (UPT) and the partner organisations that cooperate."""

from __future__ import annotations

import datetime
import zoneinfo

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sinergi.core.bounds import date_validators
from sinergi.core.models import TimeStampedModel
from sinergi.core.validators import validate_emblem, validate_nip
from sinergi.orgs.queries import FacilityQuerySet, PartnerQuerySet, RegionQuerySet

code_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    _("Use lower-case letters, digits and single hyphens, e.g. selong or bapas-mataram."),
)


class TimeZoneName(models.TextChoices):
    WIB = "Asia/Jakarta", _("WIB (UTC+7)")
    WITA = "Asia/Makassar", _("WITA (UTC+8)")
    WIT = "Asia/Jayapura", _("WIT (UTC+9)")


# The ministry line of every letterhead unless an organisation writes its own.
DEFAULT_MINISTRY = "Kementerian Imigrasi dan Pemasyarakatan Republik Indonesia"
DEFAULT_DIRECTORATE = "Direktorat Jenderal Pemasyarakatan"


class LetterheadFields(models.Model):
    """The kop surat of an organisation of the ministry (a Kanwil or a unit): the lines
    above its name, its emblem and the town its documents are dated in. The name,
    address, telephone and e-mail are the organisation's own fields."""

    letterhead_ministry = models.CharField(
        _("ministry line"),
        max_length=200,
        blank=True,
        help_text=_("Empty: Kementerian Imigrasi dan Pemasyarakatan Republik Indonesia."),
    )
    letterhead_lines = models.TextField(
        _("directorate and office lines"),
        blank=True,
        help_text=_(
            "One line each, between the ministry and the unit's name, e.g. Direktorat "
            "Jenderal Pemasyarakatan, then the regional office. Empty: the directorate "
            "general and the regional office."
        ),
    )
    letterhead_name = models.CharField(
        _("name on the letterhead"),
        max_length=200,
        blank=True,
        help_text=_("Empty: the organisation's name."),
    )
    town = models.CharField(
        _("town of the place line"),
        max_length=100,
        blank=True,
        help_text=_(
            "The town documents are dated in (Selong, 5 Desember 2026). Empty: the "
            "regency or province."
        ),
    )
    emblem = models.FileField(
        _("emblem (PNG or JPEG)"),
        upload_to="letterheads/",
        blank=True,
        validators=[validate_emblem],
        help_text=_("Printed left of the letterhead; at most 512 KB."),
    )

    class Meta:
        abstract = True


class Region(LetterheadFields, TimeStampedModel):
    """A Kanwil: the ministry's regional office over the facilities of a province."""

    code = models.SlugField(_("code"), max_length=20, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=150)
    province = models.CharField(_("province"), max_length=100)
    time_zone = models.CharField(
        _("time zone"),
        max_length=20,
        choices=TimeZoneName.choices,
        default=TimeZoneName.WIB,
        help_text=_(
            "The province's time zone: the dates and times its regional office and its "
            "partners' staff see."
        ),
    )

    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    objects = RegionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("region (Kanwil)")
        verbose_name_plural = _("regions (Kanwil)")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FacilityKind(models.TextChoices):
    LAPAS = "lapas", _("Lapas (prison)")
    RUTAN = "rutan", _("Rutan (remand centre)")
    LPKA = "lpka", _("LPKA (juvenile facility)")
    BAPAS = "bapas", _("Bapas (probation office)")


class FacilityClass(models.TextChoices):
    I = "I", _("Class I")  # noqa: E741
    IIA = "IIA", _("Class IIA")
    IIB = "IIB", _("Class IIB")
    III = "III", _("Class III")


class RosterNames(models.TextChoices):
    """How a session's roster names the inmates for an instructor from a partner
    organisation (the facility's own staff see full names)."""

    INITIALS = "initials", _("Initials (e.g. B. S. W.)")
    FIRST_NAME = "first_name", _("First name (e.g. Baiq)")


class Facility(LetterheadFields, TimeStampedModel):
    """A unit (UPT) of the ministry: Lapas, Rutan, LPKA or Bapas."""

    code = models.SlugField(
        _("code"),
        max_length=30,
        unique=True,
        validators=[code_validator],
        help_text=_("Short unique code used in imports and links, e.g. selong."),
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=10, choices=FacilityKind.choices)
    facility_class = models.CharField(
        _("class"), max_length=4, choices=FacilityClass.choices, blank=True
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="facilities"
    )
    regency = models.CharField(_("regency / city"), max_length=100)
    address = models.TextField(_("address"), blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=20, choices=TimeZoneName.choices, default=TimeZoneName.WIB
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    head_name = models.CharField(_("name of the head"), max_length=150, blank=True)
    instructor_roster_names = models.CharField(
        _("names on a partner instructor's roster"),
        max_length=20,
        choices=RosterNames.choices,
        default=RosterNames.INITIALS,
        help_text=_(
            "How the attendance roster and sheet of a session taught by a partner's "
            "instructor name the participants. Initials by default; first names if the "
            "instructors need them. The facility's own staff see full names, and "
            "registration numbers are never shown to instructors."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = FacilityQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["name"]
        indexes = [models.Index(fields=["region", "kind"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgs:facility_detail", args=[self.code])

    def today(self) -> datetime.date:
        """The date it is now at the facility (WIB, WITA or WIT), whatever zone is active."""
        return timezone.localdate(timezone=zoneinfo.ZoneInfo(self.time_zone))

    @property
    def time_zone_label(self) -> str:
        return {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}[
            self.time_zone
        ]


class DocumentKind(models.TextChoices):
    """The documents Sinergi prints, each signed by the signatory an organisation names
    for it (or, when it names none, by the one for any document)."""

    ANY = "any", _("Any document without a signatory of its own")
    CERTIFICATE = "certificate", _("Certificate")
    ATTENDANCE_SHEET = "attendance_sheet", _("Attendance sheet")
    DEVELOPMENT_RECORD = "development_record", _("Development record")
    HANDOVER = "handover", _("Hand-over to Bapas")
    CONSENT = "consent", _("Consent form")
    MONTHLY_REPORT = "monthly_report", _("Monthly report")
    TPP_MINUTES = "tpp_minutes", _("Minutes of the sidang TPP")
    PROPOSAL_LETTER = "proposal_letter", _("Integration-right proposal letter")
    LITMAS_LETTER = "litmas_letter", _("Litmas request letter")
    PERSONAL_DATA = "personal_data", _("Personal data statement")


class ActingKind(models.TextChoices):
    PLH = "Plh.", _("Plh. (stands in during a short absence)")
    PLT = "Plt.", _("Plt. (stands in while the post is vacant or for a long absence)")


class Signatory(TimeStampedModel):
    """Who signs a kind of document for a facility or a regional office, and who signs
    in their place (Plh. or Plt.) while they are marked absent."""

    facility = models.ForeignKey(
        Facility,
        verbose_name=_("facility"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="signatories",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="signatories",
    )
    document_kind = models.CharField(
        _("document"), max_length=30, choices=DocumentKind.choices, default=DocumentKind.ANY
    )
    name = models.CharField(_("name"), max_length=150)
    nip = models.CharField(_("NIP"), max_length=18, blank=True, validators=[validate_nip])
    title = models.CharField(
        _("title (jabatan)"), max_length=200, help_text=_("E.g. Kepala Lapas Kelas IIB Selong.")
    )
    absent = models.BooleanField(
        _("absent: the deputy signs"),
        default=False,
        help_text=_("While ticked, documents are signed by the deputy below."),
    )
    deputy_kind = models.CharField(
        _("deputy signs as"), max_length=5, choices=ActingKind.choices, default=ActingKind.PLH
    )
    deputy_name = models.CharField(_("deputy's name"), max_length=150, blank=True)
    deputy_nip = models.CharField(
        _("deputy's NIP"), max_length=18, blank=True, validators=[validate_nip]
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        ordering = ["document_kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(facility__isnull=False, region__isnull=True)
                | Q(facility__isnull=True, region__isnull=False),
                name="signatory_one_organisation",
            ),
            models.UniqueConstraint(
                fields=["facility", "document_kind"],
                condition=Q(facility__isnull=False),
                name="signatory_unique_per_facility_kind",
            ),
            models.UniqueConstraint(
                fields=["region", "document_kind"],
                condition=Q(region__isnull=False),
                name="signatory_unique_per_region_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_document_kind_display()}: {self.name}"

    @property
    def organisation(self) -> Facility | Region:
        org = self.facility or self.region
        assert org is not None
        return org


class PartnerKind(models.TextChoices):
    LOCAL_GOVERNMENT = "local_government", _("Local government office (OPD)")
    BUSINESS = "business", _("Business")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    EDUCATION = "education", _("Education")
    RELIGIOUS = "religious", _("Religious body")
    STATE_OWNED = "state_owned", _("State-owned enterprise (BUMN/BUMD)")
    OTHER = "other", _("Other")


class Partner(TimeStampedModel):
    """An organisation that cooperates with facilities (mitra)."""

    code = models.SlugField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
        help_text=_("E.g. the BLK under the Dinas Tenaga Kerja."),
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partners",
    )
    regency = models.CharField(_("regency / city"), max_length=100, blank=True)
    address = models.TextField(_("address"), blank=True)
    description = models.TextField(_("what they offer"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = PartnerQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "regency"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgs:partner_detail", args=[self.code])


class PartnerContact(TimeStampedModel):
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=150)
    position = models.CharField(_("position"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partner contact")
        verbose_name_plural = _("partner contacts")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.partner})"


class NationalHolidayKind(models.TextChoices):
    # The two lists of the joint decree (SKB) of the Ministers of Religious Affairs,
    # Manpower, and Administrative and Bureaucratic Reform.
    HOLIDAY = "holiday", _("National holiday")
    COLLECTIVE_LEAVE = "collective_leave", _("Collective leave (cuti bersama)")


class NationalHoliday(TimeStampedModel):
    """A national holiday or collective leave day (libur nasional, cuti bersama) of the
    joint ministerial decree (SKB 3 Menteri): a day off at every facility, on top of the
    facility's own holidays (programs.Holiday). Loaded by a data migration for the years
    known when it was written and by ``manage.py load_national_holidays`` for later ones."""

    date = models.DateField(_("date"), unique=True, validators=date_validators())
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=NationalHolidayKind.choices)
    source = models.CharField(_("source"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("national holiday")
        verbose_name_plural = _("national holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date}: {self.name}"
