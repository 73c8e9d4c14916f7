from django.db import models
from django.utils.translation import gettext_lazy as _


class AgreementKind(models.TextChoices):
    MOU = "mou", _("MoU / Kesepakatan Bersama")
    PKS = "pks", _("PKS (Perjanjian Kerja Sama)")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    NOT_YET = "not_yet", _("Not yet in force")
    EXPIRING = "expiring", _("Expiring within 90 days")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")
    RENEWED = "renewed", _("Renewed")


# The statuses people set; not yet in force, expiring and expired follow from the dates.
SETTABLE_STATUSES = (
    AgreementStatus.DRAFT,
    AgreementStatus.ACTIVE,
    AgreementStatus.TERMINATED,
    AgreementStatus.RENEWED,
)


class CommitmentKind(models.TextChoices):
    INSTRUCTORS = "instructors", _("Instructors / instructor hours")
    TRAINING_PLACES = "training_places", _("Training places")
    EQUIPMENT = "equipment", _("Equipment or facilities")
    REINTEGRATION = "reintegration", _("Reintegration services")
    FUNDING = "funding", _("Funding")
    MARKETING = "marketing", _("Marketing of products")
    OTHER = "other", _("Other")


class RequestKind(models.TextChoices):
    INSTRUCTOR = "instructor", _("Instructor")
    EQUIPMENT = "equipment", _("Equipment / facilities")
    REINTEGRATION = "reintegration", _("Reintegration facilitation")
    FUNDING = "funding", _("Funding")
    TRAINING_PLACES = "training_places", _("Training places")
    OTHER = "other", _("Other")


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to the partner")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged by the partner")
    ACCEPTED = "accepted", _("Accepted")
    PARTIALLY_ACCEPTED = "partially_accepted", _("Partially accepted")
    DECLINED = "declined", _("Declined")
    IN_DELIVERY = "in_delivery", _("In delivery")
    FULFILLED = "fulfilled", _("Fulfilled")
    CLOSED = "closed", _("Closed")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class AssetCondition(models.TextChoices):
    GOOD = "good", _("Good")
    FAIR = "fair", _("Needs repair")
    BROKEN = "broken", _("Broken")
