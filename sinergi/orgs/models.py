"""Regions (Kanwil), facilities (UPT) and the partner organisations that cooperate."""

from __future__ import annotations

import datetime
import zoneinfo

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sinergi.core.bounds import date_validators
from sinergi.core.models import TimeStampedModel
from sinergi.orgs.queries import FacilityQuerySet, PartnerQuerySet, RegionQuerySet

code_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    _("Use lower-case letters, digits and single hyphens, e.g. selong or bapas-mataram."),
)


class TimeZoneName(models.TextChoices):
    WIB = "Asia/Jakarta", _("WIB (UTC+7)")
    WITA = "Asia/Makassar", _("WITA (UTC+8)")
    WIT = "Asia/Jayapura", _("WIT (UTC+9)")


class Region(TimeStampedModel):
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


class Facility(TimeStampedModel):
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
