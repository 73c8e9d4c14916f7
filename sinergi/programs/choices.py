from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProgramKind(models.TextChoices):
    PERSONALITY = "personality", _("Pembinaan kepribadian (personality)")
    INDEPENDENCE = "independence", _("Pembinaan kemandirian (independence)")


class ProgramCategory(models.TextChoices):
    # Pembinaan kepribadian
    RELIGIOUS = "religious", _("Religious")
    CIVIC = "civic", _("Civic (berbangsa dan bernegara)")
    INTELLECTUAL = "intellectual", _("Intellectual")
    LEGAL_AWARENESS = "legal_awareness", _("Legal awareness")
    SOCIAL_REINTEGRATION = "social_reintegration", _("Reintegration with society")
    COUNSELLING = "counselling", _("Counselling")
    REHABILITATION = "rehabilitation", _("Rehabilitation")
    PHYSICAL_HEALTH = "physical_health", _("Physical health")
    # Pembinaan kemandirian
    VOCATIONAL = "vocational", _("Vocational skills for self-employment")
    SMALL_INDUSTRY = "small_industry", _("Small industry")
    FARMING = "farming", _("Farming")
    LIVESTOCK = "livestock", _("Livestock")
    FISHERY = "fishery", _("Fishery")
    SERVICES = "services", _("Services")
    PRODUCTION = "production", _("Production work (Giatja)")


PERSONALITY_CATEGORIES = frozenset(
    {
        "religious",
        "civic",
        "intellectual",
        "legal_awareness",
        "social_reintegration",
        "counselling",
        "rehabilitation",
        "physical_health",
    }
)


class CertificationScheme(models.TextChoices):
    INTERNAL = "internal", _("Internal (facility)")
    BLK = "blk", _("BLK (training centre)")
    LSP = "lsp", _("LSP / BNSP competency certification")


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")
    RUNNING = "running", pgettext_lazy("program status", "Running")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# A program in these has ended: its record, sessions and enrolments stay as it left them.
ENDED_STATUSES = frozenset({ProgramStatus.COMPLETED, ProgramStatus.CANCELLED})


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class WaitingStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    ALLOCATED = "allocated", _("Allocated a place")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A waiting-list entry in these still waits for a place.
OPEN_WAITING_STATUSES = (WaitingStatus.PENDING, WaitingStatus.APPROVED)


class EndReason(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    NOT_COMPLETED = "not_completed", _("Program ended; completion rule not met")
    PROGRAM_CANCELLED = "program_cancelled", _("Program cancelled")
    TRANSFERRED = "transferred", _("Transferred")
    RELEASED = "released", _("Released")
    WITHDRAWN_BY_STAFF = "withdrawn_staff", _("Withdrawn by staff")
    WITHDRAWN_BY_INMATE = "withdrawn_inmate", _("Withdrawn by the inmate")
    DISMISSED = "dismissed", _("Dismissed")
    HEALTH = "health", _("Health")
    SECURITY = "security", _("Security")
    OTHER = "other", _("Other")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    SICK = "sick", _("Sick")
    EXCUSED = "excused", _("Excused")
    REFUSED = "refused", _("Refused")
    CLASH = "clash", _("Schedule clash")
    CANCELLED = "cancelled", _("Session cancelled")
    OTHER = "other", _("Other")


# The marks a person is given: "session cancelled" is the session's state, not theirs.
PERSON_MARKS = [
    (v, label) for v, label in AttendanceStatus.choices if v != AttendanceStatus.CANCELLED
]


class CompetencyResult(models.TextChoices):
    COMPETENT = "competent", _("Competent")
    NOT_YET = "not_yet", _("Not yet competent")


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")
