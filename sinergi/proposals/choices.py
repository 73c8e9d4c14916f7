"""The vocabulary of integration-right proposals (usulan): stages, documents, Litmas and
TPP answers."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Stage(models.TextChoices):
    ELIGIBLE = "eligible", _("Eligible")
    DOCUMENTS = "documents", _("Gathering documents")
    LITMAS = "litmas", _("Litmas requested")
    TPP = "tpp", _("Sidang TPP")
    SENT = "sent", _("Sent for decision")
    GRANTED = "granted", _("Granted (SK issued)")
    REFUSED = "refused", pgettext_lazy("proposal stage", "Refused")
    RELEASED = "released", _("Released")
    # The end of a granted CMK (cuti mengunjungi keluarga): a home leave, not a release;
    # the person stays in custody.
    LEAVE_TAKEN = "leave_taken", _("Leave taken")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A proposal in one of these stages is closed: no move leaves it, and another proposal
# for the same person and right may be started.
CLOSED_STAGES: frozenset[str] = frozenset(
    {Stage.REFUSED, Stage.RELEASED, Stage.LEAVE_TAKEN, Stage.WITHDRAWN}
)
OPEN_STAGES: tuple[str, ...] = tuple(s for s in Stage.values if s not in CLOSED_STAGES)


class SentTo(models.TextChoices):
    KANWIL = "kanwil", _("Regional office (Kanwil)")
    DITJENPAS = "ditjenpas", _("Directorate General (Ditjenpas)")


class DocumentKind(models.TextChoices):
    VERDICT_EXTRACT = "verdict_extract", _("Verdict extract")
    EXECUTION_RECORD = "execution_record", _("Execution record (BA pelaksanaan putusan)")
    WALI_REPORT = "wali_report", _("Wali report with SPPN")
    REGISTER_F_EXTRACT = "register_f_extract", _("Register F extract")
    PROSECUTOR_NOTICE = "prosecutor_notice", _("Prosecutor's notice")
    GUARANTOR_LETTER = "guarantor_letter", _("Guarantor's letter")
    STATEMENT = "statement", _("The person's statement")
    LITMAS = "litmas", _("Litmas")
    TPP_MINUTES = "tpp_minutes", _("TPP minutes")
    SK = "sk", _("Decree (SK)")
    OTHER = "other", _("Other")


# The dossier gathered before the Litmas is requested (documents -> litmas needs them all).
CHECKLIST: tuple[str, ...] = (
    DocumentKind.VERDICT_EXTRACT,
    DocumentKind.EXECUTION_RECORD,
    DocumentKind.WALI_REPORT,
    DocumentKind.REGISTER_F_EXTRACT,
    DocumentKind.PROSECUTOR_NOTICE,
    DocumentKind.GUARANTOR_LETTER,
    DocumentKind.STATEMENT,
)


class LitmasStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    SUBMITTED = "submitted", _("Submitted")
    CANCELLED = "cancelled", _("Cancelled")


class Recommendation(models.TextChoices):
    RECOMMENDED = "recommended", _("Recommended")
    POSTPONED = "postponed", _("Postponed")
    NOT_RECOMMENDED = "not_recommended", _("Not recommended")


# A home leave (CMK) lasts at most 2 x 24 hours: the person is back by the second day
# after the day they left; a return after it is late.
CMK_LEAVE_DAYS = 2
