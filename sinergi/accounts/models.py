"""Users, their memberships in organisations, and personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict
from functools import cached_property
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sinergi.accounts.queries import ApiTokenQuerySet
from sinergi.core.models import TimeStampedModel
from sinergi.core.roles import FACILITY_ROLES, PARTNER_ROLES, REGION_ROLES, Role
from sinergi.core.scoping import Scope
from sinergi.core.validators import validate_nip

if TYPE_CHECKING:
    from sinergi.orgs.models import Facility, Partner, Region


def full_name_expression(path: str = "") -> Coalesce:
    """:meth:`User.get_full_name` as a database expression, of the user at ``path`` (``""``
    a user's own row, ``"wali__"`` the user a person's wali names): the full name, else
    the first and last names, else the username."""

    def field(name: str) -> F:
        return F(f"{path}{name}")

    first_last = Trim(Concat(field("first_name"), Value(" "), field("last_name")))
    return Coalesce(
        NullIf(field("full_name"), Value("")),
        NullIf(first_last, Value("")),
        field("username"),
        output_field=models.CharField(),
    )


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=150, blank=True)
    nip = models.CharField(
        _("NIP"),
        max_length=18,
        blank=True,
        validators=[validate_nip],
        help_text=_("A civil servant's 18-digit staff number, printed under a signature."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email_notifications = models.BooleanField(
        _("also send notifications by e-mail"),
        default=True,
        help_text=_("Off: notifications only appear under the bell in Sinergi."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_(
            "The language last chosen on the site: notifications are written in it "
            "(empty: not chosen yet, Bahasa Indonesia)."
        ),
    )

    @property
    def reading_language(self) -> str:
        """The language to write to this user in."""
        return self.language or settings.LANGUAGE_CODE

    history = HistoricalRecords(excluded_fields=["last_login", "password"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    @cached_property
    def active_memberships(self) -> list[Membership]:
        return list(
            self.memberships.filter(is_active=True).select_related(
                "facility", "partner__region", "region"
            )
        )

    @cached_property
    def scope(self) -> Scope:
        facility_roles: dict[int, set[str]] = defaultdict(set)
        partner_roles: dict[int, set[str]] = defaultdict(set)
        region_ids: set[int] = set()
        is_admin = self.is_superuser
        for m in self.active_memberships:
            if m.role == Role.ADMINISTRATOR:
                is_admin = True
            elif m.facility_id is not None:
                facility_roles[m.facility_id].add(m.role)
            elif m.partner_id is not None:
                partner_roles[m.partner_id].add(m.role)
            elif m.region_id is not None:
                region_ids.add(m.region_id)
        return Scope(
            is_admin=is_admin,
            facility_roles={k: frozenset(v) for k, v in facility_roles.items()},
            partner_roles={k: frozenset(v) for k, v in partner_roles.items()},
            region_ids=frozenset(region_ids),
        )

    @property
    def primary_facility(self) -> Facility | None:
        for m in self.active_memberships:
            if m.facility is not None:
                return m.facility
        return None

    @property
    def time_zone_name(self) -> str | None:
        """The zone of the user's own facility; for partner staff and a regional office,
        that of their province; ``None`` (settings.TIME_ZONE) for national users."""
        facility = self.primary_facility
        if facility is not None:
            return facility.time_zone
        for m in self.active_memberships:
            region = m.region or (m.partner.region if m.partner is not None else None)
            if region is not None:
                return region.time_zone
        return None


class Membership(TimeStampedModel):
    """A user's role in one organisation: a facility, a partner, a region, or the platform."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    facility = models.ForeignKey(
        "orgs.Facility",
        verbose_name=_("facility"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    partner = models.ForeignKey(
        "orgs.Partner",
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    region = models.ForeignKey(
        "orgs.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                name="membership_one_organisation_at_most",
                condition=~(
                    Q(facility__isnull=False, partner__isnull=False)
                    | Q(facility__isnull=False, region__isnull=False)
                    | Q(partner__isnull=False, region__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation or _('platform')}"

    @property
    def organisation(self) -> Facility | Partner | Region | None:
        return self.facility or self.partner or self.region

    def clean(self) -> None:
        orgs = [o for o in (self.facility_id, self.partner_id, self.region_id) if o]
        if len(orgs) > 1:
            raise ValidationError(_("A membership belongs to one organisation."))
        if self.role == Role.ADMINISTRATOR:
            if orgs:
                raise ValidationError(_("Platform administrators belong to no organisation."))
            return
        allowed = []
        if self.role in FACILITY_ROLES:
            allowed.append("facility")
        if self.role in PARTNER_ROLES:
            allowed.append("partner")
        if self.role in REGION_ROLES:
            allowed.append("region")

        def label(name: str) -> str:
            return str(getattr(self._meta.get_field(name), "verbose_name", name))

        if not any(getattr(self, f"{name}_id") for name in allowed):
            raise ValidationError(
                _("The role %(role)s needs a %(orgs)s.")
                % {"role": self.get_role_display(), "orgs": " / ".join(map(label, allowed))}
            )
        for name in ("facility", "partner", "region"):
            if name not in allowed and getattr(self, f"{name}_id"):
                raise ValidationError(
                    _("The role %(role)s cannot be held in a %(org)s.")
                    % {"role": self.get_role_display(), "org": label(name)}
                )


TOKEN_PREFIX = "sng_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(TimeStampedModel):
    """A personal API token. Only its SHA-256 hash is stored; the token is shown once.
    It works until it expires (settings.API_TOKEN_DAYS after creation) or is revoked (by
    its owner, or for all of a user's tokens when their password changes)."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("starts with"), max_length=12, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def generate() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    def mark_used(self) -> None:
        now = timezone.now()
        # Write at most once a minute so that busy integrations do not write on every call.
        if self.last_used_at is None or (now - self.last_used_at).total_seconds() > 60:
            self.last_used_at = now
            self.save(update_fields=["last_used_at"])


class Notification(models.Model):
    """A message for one user: shown under the bell, and e-mailed if they want."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    title = models.CharField(_("title"), max_length=250)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    key = models.CharField(
        max_length=120,
        blank=True,
        help_text="For reminders: one notification per user and key, however often they run.",
    )
    emailed_at = models.DateTimeField(null=True, blank=True)
    # The title and body as messages with their values (accounts.notify.Text), written out
    # again in the reader's language when shown; {} for a text given as it is.
    message = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~Q(key=""), name="one_reminder_per_key"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def shown_title(self) -> str:
        """The title in the reader's language (as stored when it was given as text)."""
        from sinergi.accounts.notify import read_out

        return read_out(self.message.get("title"), self.title)

    @property
    def shown_body(self) -> str:
        from sinergi.accounts.notify import read_out

        return read_out(self.message.get("body"), self.body)
