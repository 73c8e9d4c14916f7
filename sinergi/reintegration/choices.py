from django.db import models
from django.utils.translation import gettext_lazy as _


class Pathway(models.TextChoices):
    IDENTITY = "identity", _("Identity documents (KTP, KK, birth certificate)")
    WORK = "work", _("Work and skills")
    SELF_EMPLOYMENT = "self_employment", _("Self-employment and capital")
    HOUSING = "housing", _("Housing")
    HEALTH = "health", _("Health and BPJS membership")
    FAMILY = "family", _("Family and community")
    FINANCE = "finance", _("Finance (bank account for premi)")
    EDUCATION = "education", _("Education")
    SPIRITUAL = "spiritual", _("Spiritual and mental health")
    ADDICTION = "addiction", _("Addiction")


class NeedStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    MET = "met", _("Met")
    DECLINED = "declined", _("Declined by the person")
    NOT_NEEDED = "not_needed", _("Not needed")


OPEN_NEED_STATUSES = (NeedStatus.NOT_STARTED, NeedStatus.IN_PROGRESS)


class Responsible(models.TextChoices):
    FACILITY = "facility", _("The facility")
    BAPAS = "bapas", _("Bapas")
    PARTNER = "partner", _("A partner")


class LawfulBasis(models.TextChoices):
    CONSENT = "consent", _("Consent of the person")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation")
    PUBLIC_TASK = "public_task", _("Public-service task")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class Outcome(models.TextChoices):
    ACHIEVED = "achieved", _("Achieved")
    PARTLY = "partly", _("Partly achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")


class PlanStatus(models.TextChoices):
    """The state of a person's plan, as the release worklist filters it (``?plan=``)."""

    NONE = "none", _("No plan yet")
    OPEN = "open", _("Needs still open")
    READY = "ready", _("Every need settled")


class ReleaseKind(models.TextChoices):
    EXPIRY = "expiry", _("End of sentence (bebas murni)")
    PB = "pb", _("Pembebasan bersyarat (PB)")
    CB = "cb", _("Cuti bersyarat (CB)")
    CMB = "cmb", _("Cuti menjelang bebas (CMB)")
    ASIMILASI = "asimilasi", _("Asimilasi (outside work)")
    TRANSFER = "transfer", _("Transfer")
    DEATH = "death", _("Death")


class WorkStatus(models.TextChoices):
    EMPLOYED = "employed", _("Employed")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    LOOKING = "looking", _("Looking for work")
    NOT_WORKING = "not_working", _("Not working")
    UNKNOWN = "unknown", _("Unknown")


FOLLOW_UP_MONTHS = (1, 3, 6, 12)


class MatchedBy(models.TextChoices):
    """How a re-admission was matched to the earlier release."""

    NIK = "nik", _("NIK")
    NAME_BIRTH_DATE = "name_birth_date", _("Name and birth date")


class ApplicationStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    INTERVIEW = "interview", _("Interview")
    OFFER = "offer", _("Offer")
    HIRED = "hired", _("Hired")
    UNSUCCESSFUL = "unsuccessful", _("Unsuccessful")
